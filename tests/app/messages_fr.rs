//! Messages in the reader's language: a validation error next to its field, a flash message and an
//! error page in French when the browser asks for French; the JSON API stays English.

use crate::both_backends;
#[allow(unused_imports)]
use crate::helpers::*;
use reqwest::StatusCode;

/// A client whose browser asks for French first, signed in as `email`.
async fn french_client(app: &TestApp, email: &str) -> Client {
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert(
        reqwest::header::ACCEPT_LANGUAGE,
        reqwest::header::HeaderValue::from_static("fr-FR,fr;q=0.9,en;q=0.8"),
    );
    let client = Client {
        http: reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .default_headers(headers)
            .build()
            .unwrap(),
        base: app.address.clone(),
    };
    let response = client.login(email, PASSWORD).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER, "login of {email} failed");
    client
}

/// The text of the element with this id (up to the next tag).
fn text_of(html: &str, id: &str) -> Option<String> {
    let marker = format!("id=\"{id}\">");
    let start = html.find(&marker)? + marker.len();
    let end = html[start..].find('<')? + start;
    Some(html[start..end].to_string())
}

const CUSTOMER: &[(&str, &str)] = &[
    ("name", "Mairie de Lyon"),
    ("address_line1", "1 place de la Comédie"),
    ("city", "Lyon"),
    ("postal_code", "6900"),
    ("country", "FRA"),
    ("siret", "21690123100011"),
];

both_backends! {
    async fn a_bad_postal_code_is_explained_in_french_next_to_the_field(app: TestApp) {
        let org = app.create_org("Own SA", SIRET_A).await;
        app.create_user("user@own.test", "user", Some(org)).await;
        let client = french_client(&app, "user@own.test").await;

        let response = client.post_form("/customers", CUSTOMER).await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let html = response.text().await.unwrap();
        assert_eq!(
            text_of(&html, "postal_code-error").as_deref(),
            Some("Le code postal doit comporter exactement 5 chiffres, par exemple 75001."),
            "{html}"
        );
        assert!(html.contains("value=\"6900\""), "the input is kept");

        // The same form in English says it in English.
        let english = app.signed_in("user@own.test").await;
        let html = english.post_form("/customers", CUSTOMER).await.text().await.unwrap();
        assert_eq!(
            text_of(&html, "postal_code-error").as_deref(),
            Some("A French postal code is exactly 5 digits, like 75001.")
        );
    }

    async fn flash_messages_and_error_pages_follow_the_language(app: TestApp) {
        let org = app.create_org("Own SA", SIRET_A).await;
        app.create_user("user@own.test", "user", Some(org)).await;
        let client = french_client(&app, "user@own.test").await;
        let mut fields = CUSTOMER.to_vec();
        fields.retain(|(name, _)| *name != "postal_code");
        fields.push(("postal_code", "69001"));
        let response = client.post_form("/customers", &fields).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        let (_, html) = client.get_text(&location(&response)).await;
        assert!(html.contains("Client Mairie de Lyon créé."), "{html}");

        let response = client.get("/customers/999999").await;
        assert_eq!(response.status(), StatusCode::NOT_FOUND);
        let html = response.text().await.unwrap();
        assert!(
            html.contains("Cette page n\u{2019}existe pas, ou elle appartient à une autre organisation."),
            "{html}"
        );
    }

    async fn the_api_answers_in_english_whatever_the_language(app: TestApp) {
        let org = app.create_org("Own SA", SIRET_A).await;
        let (_, token) = app.create_token(org, "erp").await;
        let response = reqwest::Client::new()
            .post(format!("{}/api/v1/customers", app.address))
            .bearer_auth(&token)
            .header(reqwest::header::ACCEPT_LANGUAGE, "fr-FR")
            .json(&serde_json::json!({
                "name": "Mairie de Lyon", "address_line1": "1 place", "city": "Lyon",
                "postal_code": "6900", "siret": "21690123100011"
            }))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let body: serde_json::Value = response.json().await.unwrap();
        assert_eq!(
            body["errors"]["postal_code"][0],
            "A French postal code is exactly 5 digits, like 75001."
        );
    }
}
