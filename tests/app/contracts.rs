//! Contracts in the back office: validation next to each field (lines included), the engagement
//! number Chorus Pro requires, storage in micro-units, and organisation scoping.

use crate::both_backends;
#[allow(unused_imports)]
use crate::helpers::*;

/// (fields changed from the valid input, the field that must show an error, words of its message)
type Case = (&'static [(&'static str, &'static str)], &'static str, &'static str);
use reqwest::StatusCode;

fn field_error(html: &str, field: &str) -> Option<String> {
    let marker = format!("id=\"{field}-error\">");
    let start = html.find(&marker)? + marker.len();
    let end = html[start..].find('<')? + start;
    Some(html[start..end].to_string())
}

fn form(customer_id: &str, changes: &[(&'static str, &'static str)]) -> Vec<(String, String)> {
    let base = [
        ("customer_id", customer_id),
        ("number", "C-2026-001"),
        ("title", "Maintenance du parc"),
        ("start_date", "2026-01-01"),
        ("end_date", "31/12/2026"),
        ("external_reference", "EJ-0001"),
        ("billing_period", "quarterly"),
        ("line_description", "Maintenance"),
        ("line_quantity", "1,5"),
        ("line_unit_code", "HUR"),
        ("line_unit_price", "80,10"),
        ("line_vat_category", "S"),
        ("line_vat_rate", "20"),
        // An untouched empty row, as the form always adds.
        ("line_description", ""),
        ("line_quantity", ""),
        ("line_unit_code", ""),
        ("line_unit_price", ""),
        ("line_vat_category", "S"),
        ("line_vat_rate", ""),
    ];
    let mut fields: Vec<(String, String)> = Vec::new();
    let mut replaced = std::collections::HashSet::new();
    for (key, value) in base {
        match changes.iter().find(|(k, _)| *k == key) {
            Some((_, new)) if replaced.insert(key) => fields.push((key.into(), new.to_string())),
            _ => fields.push((key.into(), value.into())),
        }
    }
    fields
}

async fn post(client: &Client, path: &str, fields: &[(String, String)]) -> reqwest::Response {
    let refs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    client.post_form(path, &refs).await
}

both_backends! {
    async fn each_invalid_contract_field_is_refused_next_to_it_with_the_input_kept(app: TestApp) {
        let org = app.create_org("Own SA", SIRET_A).await;
        app.create_user("user@own.test", "user", Some(org)).await;
        let customer = app.create_customer(org, "Mairie").await;
        let id = customer.to_string();
        let client = app.signed_in("user@own.test").await;
        let cases: &[Case] = &[
            (&[("end_date", "2025-12-31")], "end_date", "before the start"),
            (&[("start_date", "32/01/2026")], "start_date", "not a date"),
            (&[("external_reference", "EJ-0000000000-0000000000-0000000000-0000000000-00000")], "external_reference", "50"),
            (&[("number", "")], "number", "contract number"),
            (&[("line_quantity", "1,234.5")], "line-0-quantity", "number"),
            (&[("line_unit_code", "BOX")], "line-0-unit_code", "Recommendation 20"),
            (&[("line_unit_price", "-5")], "line-0-unit_price", "negative"),
            (&[("line_vat_rate", "0")], "line-0-vat_rate", "above 0"),
            (&[("line_description", "")], "line-0-description", "Describe"),
        ];
        for (changes, field, words) in cases {
            let response = post(&client, "/contracts", &form(&id, changes)).await;
            assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY, "{changes:?}");
            let html = response.text().await.unwrap();
            let message = field_error(&html, field).unwrap_or_else(|| panic!("no error at {field} for {changes:?}"));
            assert!(message.contains(words), "{field}: {message}");
            assert!(html.contains("value=\"Maintenance du parc\""), "input kept for {changes:?}");
        }
        // A foreign or unknown customer id is refused on the customer field.
        let foreign = app.create_org("Foreign SA", SIRET_B).await;
        let theirs = app.create_customer(foreign, "Their Customer").await.to_string();
        let response = post(&client, "/contracts", &form(&theirs, &[])).await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let html = response.text().await.unwrap();
        assert!(field_error(&html, "customer_id").unwrap().contains("your customers"));
        assert!(!html.contains("Their Customer"), "another organisation's customers are never offered");
    }

    async fn a_valid_contract_is_stored_with_exact_amounts(app: TestApp) {
        let org = app.create_org("Own SA", SIRET_A).await;
        app.create_user("user@own.test", "user", Some(org)).await;
        let customer = app.create_customer(org, "Mairie").await;
        let client = app.signed_in("user@own.test").await;
        let response = post(&client, "/contracts", &form(&customer.to_string(), &[])).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        let page = location(&response);
        let (_, html) = client.get_text(&page).await;
        assert!(html.contains("Contract C-2026-001 created."));
        // 1.5 h × 80.10 € = 120.15 €
        assert!(html.contains("120.15"), "{html}");
        assert!(html.contains("EJ-0001") && html.contains("billed quarterly") && html.contains("31 Dec 2026"));
        let (_, customer_page) = client.get_text(&format!("/customers/{customer}")).await;
        assert!(customer_page.contains("C-2026-001"), "the customer page lists its contracts");

        use chorus_desk::db::schema::contract_lines;
        use diesel::prelude::*;
        let stored: Vec<(i64, i64)> = app
            .db
            .run(|conn| {
                contract_lines::table
                    .select((contract_lines::quantity_micros, contract_lines::unit_price_micros))
                    .load(conn)
                    .map_err(chorus_desk::db::DbError::from)
            })
            .await
            .unwrap();
        assert_eq!(stored, vec![(1_500_000, 80_100_000)], "micro-units; the empty row is not a line");

        let response = post(&client, "/contracts", &form(&customer.to_string(), &[])).await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(field_error(&response.text().await.unwrap(), "number").unwrap().contains("already"));

        let response = post(&client, &page, &form(&customer.to_string(), &[("title", "Nouveau titre")])).await;
        assert_redirect_to(&response, &page);
        assert!(client.get_text(&page).await.1.contains("Nouveau titre"));
        let actions = app.audit_actions().await;
        assert!(actions.contains(&"contract.created".to_string()) && actions.contains(&"contract.updated".to_string()));
    }

    async fn an_engagement_number_is_required_when_chorus_readiness_says_so(app: TestApp) {
        let org = app.create_org("Own SA", SIRET_A).await;
        app.create_user("user@own.test", "user", Some(org)).await;
        let customer = app.create_customer(org, "Mairie").await;
        app.db
            .run(move |conn| {
                chorus_desk::db::models::customer::record_chorus_readiness(
                    conn, org, customer, Some(true), r#"{"engagement_required":true}"#,
                )
                .map_err(chorus_desk::db::DbError::from)
            })
            .await
            .unwrap();
        let client = app.signed_in("user@own.test").await;
        let response = post(&client, "/contracts", &form(&customer.to_string(), &[("external_reference", "")])).await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let message = field_error(&response.text().await.unwrap(), "external_reference").unwrap();
        assert!(message.contains("requires an engagement number"), "{message}");
        let response = post(&client, "/contracts", &form(&customer.to_string(), &[])).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "with one it is accepted");
        let (_, page) = client.get_text(&format!("/customers/{customer}")).await;
        assert!(page.contains("requires an engagement number"), "the panel shows the cached answer");
    }

    async fn another_organisations_contract_is_a_404(app: TestApp) {
        let own = app.create_org("Own SA", SIRET_A).await;
        let foreign = app.create_org("Foreign SA", SIRET_B).await;
        app.create_user("user@own.test", "user", Some(own)).await;
        let mine = app.create_customer(own, "Mine").await;
        let theirs = app.create_customer(foreign, "Theirs").await;
        let contract = app.create_contract(foreign, theirs, "SECRET-1").await;
        let client = app.signed_in("user@own.test").await;
        for path in [format!("/contracts/{contract}"), format!("/contracts/{contract}/edit")] {
            assert_eq!(client.get(&path).await.status(), StatusCode::NOT_FOUND, "{path}");
        }
        let response = post(&client, &format!("/contracts/{contract}"), &form(&mine.to_string(), &[])).await;
        assert_eq!(response.status(), StatusCode::NOT_FOUND);
        let response = client.post_form(&format!("/contracts/{contract}/archive"), &[]).await;
        assert_eq!(response.status(), StatusCode::NOT_FOUND);
        let (_, list) = client.get_text("/contracts?status=all").await;
        assert!(!list.contains("SECRET-1"));
    }
}

crate::both_backends! {
    async fn a_contract_is_invoiced_for_a_period_from_its_billing_lines(app: TestApp) {
        let org = app.create_org("Alpha", SIRET_A).await;
        app.create_user("user@alpha.test", "user", Some(org)).await;
        let customer = app.create_customer(org, "Ville de Démo").await;
        let contract = app.create_contract(org, customer, "CT-42").await;
        let client = app.signed_in("user@alpha.test").await;
        let response = client
            .post_form(&format!("/contracts/{contract}/invoice"), &[("period_start", "01/11/2026"), ("period_end", "30/11/2026")])
            .await;
        assert_eq!(response.status(), reqwest::StatusCode::SEE_OTHER);
        let invoice_page = location(&response);
        assert!(invoice_page.starts_with("/invoices/"), "{invoice_page}");
        let (status, html) = client.get_text(&invoice_page).await;
        assert_eq!(status, reqwest::StatusCode::OK);
        assert!(html.contains("Monthly maintenance"), "the contract's line is on the invoice");
        assert!(html.contains("Ville de Démo") || html.contains("Ville de D&#233;mo"));
        // A reversed period is refused with a message, and no draft is made.
        let response = client
            .post_form(&format!("/contracts/{contract}/invoice"), &[("period_start", "30/11/2026"), ("period_end", "01/11/2026")])
            .await;
        assert_eq!(location(&response), format!("/contracts/{contract}"));
        let (_, html) = client.get_text(&format!("/contracts/{contract}")).await;
        assert!(html.contains("The period ends before it starts."));
    }
}
