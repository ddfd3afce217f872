//! Customers in the back office: French rules refused next to their field with the input kept,
//! valid input stored and audited, another organisation's customer a 404.

use crate::both_backends;
#[allow(unused_imports)]
use crate::helpers::*;

/// (fields changed from the valid input, the field that must show an error, words of its message)
type Case = (&'static [(&'static str, &'static str)], &'static str, &'static str);
use reqwest::StatusCode;

const VALID: &[(&str, &str)] = &[
    ("name", "Mairie de Paris"),
    ("address_line1", "Place de l'Hôtel de Ville"),
    ("city", "Paris"),
    ("postal_code", "75004"),
    ("country", "FRA"),
    ("siret", "217 500 016 00019"),
    // An active service of this SIRET in the simulator's directory (checked when saved).
    ("service_code", "SERV-TECH"),
    ("email", "factures@paris.fr"),
    ("chorus", "on"),
];

fn with(changes: &[(&'static str, &'static str)]) -> Vec<(&'static str, &'static str)> {
    let mut fields: Vec<(&str, &str)> = VALID
        .iter()
        .filter(|(k, _)| !changes.iter().any(|(c, _)| c == k))
        .copied()
        .collect();
    fields.extend(changes.iter().filter(|(_, v)| !v.is_empty()).copied());
    fields
}

/// The message shown for `field`, if the page marks that field invalid.
fn field_error(html: &str, field: &str) -> Option<String> {
    let marker = format!("id=\"{field}-error\">");
    let start = html.find(&marker)? + marker.len();
    let end = html[start..].find('<')? + start;
    Some(html[start..end].to_string())
}

both_backends! {
    async fn each_invalid_field_is_refused_next_to_it_with_the_input_kept(app: TestApp) {
        let org = app.create_org("Own SA", SIRET_A).await;
        app.create_user("user@own.test", "user", Some(org)).await;
        let client = app.signed_in("user@own.test").await;
        let cases: &[Case] = &[
            (&[("postal_code", "7500")], "postal_code", "5 digits"),
            (&[("siret", "21750001600018")], "siret", ""),
            (&[("siret", "")], "siret", "Chorus Pro routes"),
            (&[("country", "BEL"), ("postal_code", "1000")], "chorus", "FRA"),
            (&[("vat_number", "FR00217500016")], "vat_number", ""),
            (&[("email", "factures-at-paris.fr")], "email", ""),
            (&[("name", " ")], "name", "name"),
        ];
        for (changes, field, words) in cases {
            let fields = with(changes);
            let response = client.post_form("/customers", &fields).await;
            assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY, "{changes:?}");
            let html = response.text().await.unwrap();
            let message = field_error(&html, field).unwrap_or_else(|| panic!("no error next to {field} for {changes:?}"));
            assert!(message.contains(words), "{field}: {message}");
            assert!(html.contains(&format!("id=\"{field}\"")), "the field is on the page");
            assert!(html.contains("value=\"Place de l&#39;Hôtel de Ville\"") || html.contains("value=\"Place de l&#x27;Hôtel de Ville\""), "input kept: {changes:?}");
        }
        let too_long = "S".repeat(101);
        let mut fields = with(&[]);
        fields.retain(|(k, _)| *k != "service_code");
        fields.push(("service_code", too_long.as_str()));
        let response = client.post_form("/customers", &fields).await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let html = response.text().await.unwrap();
        assert!(field_error(&html, "service_code").unwrap().contains("100"));
        assert!(html.contains(&too_long), "the long code stays in the form");
        assert!(!app.audit_actions().await.contains(&"customer.created".to_string()));
    }

    async fn a_valid_customer_is_stored_listed_edited_and_archived(app: TestApp) {
        let org = app.create_org("Own SA", SIRET_A).await;
        app.create_user("user@own.test", "user", Some(org)).await;
        let client = app.signed_in("user@own.test").await;
        let response = client.post_form("/customers", VALID).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        let page = location(&response);
        let (status, html) = client.get_text(&page).await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains("Customer Mairie de Paris created."), "flash after redirect");
        assert!(html.contains("21750001600019"), "SIRET stored without spaces");
        assert!(html.contains("id=\"chorus-readiness\""), "the readiness panel's place");

        let (_, list) = client.get_text("/customers?q=mairie").await;
        assert!(list.contains("Mairie de Paris"));
        let (_, list) = client.get_text("/customers?q=2175000").await;
        assert!(list.contains("Mairie de Paris"), "search by SIRET");
        let (_, list) = client.get_text("/customers?q=Lyon").await;
        assert!(!list.contains("Mairie de Paris"));

        let edit = with(&[("name", "Ville de Paris"), ("postal_code", "75001")]);
        let response = client.post_form(&page, &edit).await;
        assert_redirect_to(&response, &page);
        let (_, html) = client.get_text(&page).await;
        assert!(html.contains("Ville de Paris") && html.contains("75001"));

        let response = client.post_form(&format!("{page}/archive"), &[]).await;
        assert_redirect_to(&response, &page);
        let (_, list) = client.get_text("/customers").await;
        assert!(!list.contains("Ville de Paris"), "archived customers leave the default list");
        let (_, list) = client.get_text("/customers?status=archived").await;
        assert!(list.contains("Ville de Paris"));

        let actions = app.audit_actions().await;
        for action in ["customer.created", "customer.updated", "customer.archived"] {
            assert!(actions.contains(&action.to_string()), "{action} audited");
        }
    }

    async fn another_organisations_customer_is_a_404(app: TestApp) {
        let own = app.create_org("Own SA", SIRET_A).await;
        let foreign = app.create_org("Foreign SA", SIRET_B).await;
        app.create_user("user@own.test", "user", Some(own)).await;
        let theirs = app.create_customer(foreign, "Their Customer").await;
        let client = app.signed_in("user@own.test").await;
        for path in [format!("/customers/{theirs}"), format!("/customers/{theirs}/edit")] {
            assert_eq!(client.get(&path).await.status(), StatusCode::NOT_FOUND, "{path}");
        }
        let response = client.post_form(&format!("/customers/{theirs}"), VALID).await;
        assert_eq!(response.status(), StatusCode::NOT_FOUND);
        let response = client.post_form(&format!("/customers/{theirs}/archive"), &[]).await;
        assert_eq!(response.status(), StatusCode::NOT_FOUND);
        let (_, list) = client.get_text("/customers?status=all").await;
        assert!(!list.contains("Their Customer"));
    }

    async fn the_list_is_paginated(app: TestApp) {
        let org = app.create_org("Own SA", SIRET_A).await;
        app.create_user("admin@own.test", "admin", Some(org)).await;
        for n in 0..27 {
            app.create_customer(org, &format!("Customer {n:02}")).await;
        }
        let client = app.signed_in("admin@own.test").await;
        let (_, first) = client.get_text("/customers").await;
        assert!(first.contains("Customer 00") && first.contains("Customer 24") && !first.contains("Customer 25"));
        assert!(first.contains("page 1 of 2") && first.contains("page=2"));
        let (_, second) = client.get_text("/customers?page=2").await;
        assert!(second.contains("Customer 26") && !second.contains("Customer 24"));
        let (status, _) = client.get_text("/customers?page=abc").await;
        assert_eq!(status, StatusCode::OK, "a bad page number is page 1, not an error");
    }
}
