//! The JSON API: token authentication (hashed, revocable), 201/422/400/401/404 answers, and
//! organisation scoping.

use crate::both_backends;
#[allow(unused_imports)]
use crate::helpers::*;
use reqwest::{Method, StatusCode};
use serde_json::json;

const CUSTOMER: &str = r#"{"name":"Mairie de Lyon","address_line1":"1 place de la Comédie","address_line2":null,
  "city":"Lyon","postal_code":"69001","country":"FRA","vat_number":null,"siret":"21750001600019",
  "service_code":"COMPTA","chorus":true,"email":"factures@lyon.fr"}"#;

both_backends! {
    async fn customers_are_created_read_updated_and_listed(app: TestApp) {
        let org = app.create_org("Own SA", SIRET_A).await;
        let (_, token) = app.create_token(org, "ERP").await;
        let token = Some(token.as_str());
        let (status, created) = app.api(Method::POST, "/api/v1/customers", token, Some(CUSTOMER)).await;
        assert_eq!(status, StatusCode::CREATED, "{created}");
        let id = created["id"].as_i64().expect("the new customer's id");
        for field in ["name", "address_line1", "address_line2", "city", "postal_code", "country", "vat_number", "siret", "service_code", "chorus", "email"] {
            assert!(created.get(field).is_some(), "{field} in the answer");
        }
        assert_eq!(created["chorus"], json!(true));
        assert_eq!(created["address_line2"], json!(null));

        let (status, read) = app.api(Method::GET, &format!("/api/v1/customers/{id}"), token, None).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(read["name"], "Mairie de Lyon");

        let (status, patched) = app.api(Method::PATCH, &format!("/api/v1/customers/{id}"), token, Some(r#"{"city":"Lyon 1er"}"#)).await;
        assert_eq!(status, StatusCode::OK, "{patched}");
        assert_eq!(patched["city"], "Lyon 1er");
        assert_eq!(patched["siret"], "21750001600019", "fields not sent are kept");

        let (status, errors) = app.api(Method::PUT, &format!("/api/v1/customers/{id}"), token, Some(r#"{"name":"Only a name"}"#)).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "PUT replaces everything: the address is missing");
        assert!(errors["errors"]["city"].is_array());

        for n in 0..3 {
            let body = CUSTOMER.replace("Mairie de Lyon", &format!("Customer {n}"));
            assert_eq!(app.api(Method::POST, "/api/v1/customers", token, Some(&body)).await.0, StatusCode::CREATED);
        }
        let (_, page1) = app.api(Method::GET, "/api/v1/customers?limit=2", token, None).await;
        assert_eq!(page1["data"].as_array().unwrap().len(), 2);
        let after = page1["next_after"].as_i64().expect("a next page");
        let (_, page2) = app.api(Method::GET, &format!("/api/v1/customers?limit=2&after={after}"), token, None).await;
        assert_eq!(page2["data"].as_array().unwrap().len(), 2);
        assert!(page2["data"][0]["id"].as_i64().unwrap() > after, "keyset: the next page starts after");
        let last = page2["next_after"].as_i64().expect("a full page may have a next one");
        let (_, page3) = app.api(Method::GET, &format!("/api/v1/customers?limit=2&after={last}"), token, None).await;
        assert_eq!(page3["data"], json!([]));
        assert_eq!(page3["next_after"], json!(null));
        let (status, _) = app.api(Method::GET, "/api/v1/customers?limit=abc", token, None).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        let actions = app.audit_actions().await;
        assert!(actions.contains(&"customer.created".to_string()) && actions.contains(&"customer.updated".to_string()));
    }

    async fn invalid_payloads_get_422_with_field_messages_and_malformed_json_400(app: TestApp) {
        let org = app.create_org("Own SA", SIRET_A).await;
        let (_, token) = app.create_token(org, "ERP").await;
        let token = Some(token.as_str());
        let bad = CUSTOMER.replace("69001", "6900").replace("\"siret\":\"21750001600019\"", "\"siret\":\"\"");
        let (status, body) = app.api(Method::POST, "/api/v1/customers", token, Some(&bad)).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(body["errors"]["postal_code"][0].as_str().unwrap().contains("5 digits"), "{body}");
        assert!(body["errors"]["siret"][0].as_str().unwrap().contains("Chorus Pro"), "{body}");

        let (status, body) = app.api(Method::POST, "/api/v1/customers", token, Some(r#"{"name": "unterminated"#)).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert!(body["error"].is_string());

        let customer = app.create_customer(org, "Mairie").await;
        let contract = json!({
            "customer_id": customer, "number": "C-1", "title": "Maintenance", "start_date": "2026-03-01",
            "end_date": "2026-02-01", "external_reference": "EJ-1",
            "lines": [{"description": "Heures", "quantity": "2,5", "unit_code": "HUR", "unit_price": 60, "vat_category": "S", "vat_rate": 20}]
        });
        let (status, body) = app.api(Method::POST, "/api/v1/contracts", token, Some(&contract.to_string())).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(body["errors"]["end_date"].is_array(), "{body}");
        let mut valid = contract.clone();
        valid["end_date"] = json!(null);
        let (status, body) = app.api(Method::POST, "/api/v1/contracts", token, Some(&valid.to_string())).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        assert_eq!(body["lines"][0]["quantity"], "2.5");
        assert_eq!(body["lines"][0]["net_amount"], "150.00");
        let id = body["id"].as_i64().unwrap();
        let (status, body) = app.api(Method::PATCH, &format!("/api/v1/contracts/{id}"), token, Some(r#"{"lines":[{"description":"X","quantity":1,"unit_price":1,"vat_category":"Q"}]}"#)).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(body["errors"]["lines[0].vat_category"].is_array(), "{body}");
    }

    async fn tokens_are_hashed_revocable_and_scoped_to_their_organisation(app: TestApp) {
        let own = app.create_org("Own SA", SIRET_A).await;
        let foreign = app.create_org("Foreign SA", SIRET_B).await;
        let (token_id, token) = app.create_token(own, "ERP").await;
        let theirs = app.create_customer(foreign, "Theirs").await;
        let their_contract = app.create_contract(foreign, theirs, "THEIRS-1").await;

        // No token, a wrong token, or a session cookie: 401 JSON.
        let (status, body) = app.api(Method::GET, "/api/v1/customers", None, None).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        assert!(body["error"].as_str().unwrap().contains("Bearer"));
        let (status, _) = app.api(Method::GET, "/api/v1/customers", Some("cdk_not-a-real-token"), None).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);

        // Another organisation's rows and unknown ids are 404 JSON, for every verb.
        let t = Some(token.as_str());
        for path in [format!("/api/v1/customers/{theirs}"), format!("/api/v1/contracts/{their_contract}"), "/api/v1/customers/999999".to_string()] {
            for method in [Method::GET, Method::PUT, Method::PATCH] {
                let body = (method != Method::GET).then_some(CUSTOMER);
                let (status, json) = app.api(method.clone(), &path, t, body).await;
                assert_eq!(status, StatusCode::NOT_FOUND, "{method} {path}");
                assert!(json["error"].is_string());
            }
        }
        let (_, list) = app.api(Method::GET, "/api/v1/contracts", t, None).await;
        assert_eq!(list["data"], json!([]), "another organisation's contracts are not listed");
        let body = json!({"customer_id": theirs, "number": "X", "title": "X", "start_date": "2026-01-01",
            "lines": [{"description": "X", "quantity": 1, "unit_price": 1, "vat_rate": 20}]});
        let (status, errors) = app.api(Method::POST, "/api/v1/contracts", t, Some(&body.to_string())).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "a contract for another organisation's customer");
        assert!(errors["errors"]["customer_id"].is_array());

        // The database holds only the keyed hash.
        use chorus_desk::db::schema::api_tokens;
        use diesel::prelude::*;
        let stored: Vec<(String, String)> = app
            .db
            .run(|conn| {
                api_tokens::table
                    .select((api_tokens::token_hash, api_tokens::token_prefix))
                    .load(conn)
                    .map_err(chorus_desk::db::DbError::from)
            })
            .await
            .unwrap();
        assert_eq!(stored.len(), 1);
        assert_ne!(stored[0].0, token);
        assert!(!stored[0].0.contains(&token[4..]), "no part of the secret in the hash column");
        assert_eq!(stored[0].0, chorus_desk::auth::api_token::hash(&app.token_key, &token));
        assert!(token.starts_with(&stored[0].1) && stored[0].1.len() < 16, "only a short prefix is shown");

        // An admin revokes it in the UI: it is refused from then on.
        app.create_user("admin@own.test", "admin", Some(own)).await;
        let admin = app.signed_in("admin@own.test").await;
        let response = admin.post_form(&format!("/settings/api-tokens/{token_id}/revoke"), &[]).await;
        assert_redirect_to(&response, "/settings/api-tokens");
        let (status, _) = app.api(Method::GET, "/api/v1/customers", t, None).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "a revoked token is refused");
        assert!(app.audit_actions().await.contains(&"api_token.revoked".to_string()));
    }

    async fn admins_create_a_token_shown_once_that_works(app: TestApp) {
        let org = app.create_org("Own SA", SIRET_A).await;
        app.create_user("admin@own.test", "admin", Some(org)).await;
        let admin = app.signed_in("admin@own.test").await;
        let response = admin.post_form("/settings/api-tokens", &[("name", " ")]).await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(response.text().await.unwrap().contains("id=\"name-error\""));
        let response = admin.post_form("/settings/api-tokens", &[("name", "Accounting ERP")]).await;
        assert_eq!(response.status(), StatusCode::OK);
        let html = response.text().await.unwrap();
        let marker = "<code id=\"new-token\">";
        let start = html.find(marker).expect("the token is shown") + marker.len();
        let token = &html[start..start + html[start..].find('<').unwrap()];
        let (status, _) = app.api(Method::GET, "/api/v1/customers", Some(token), None).await;
        assert_eq!(status, StatusCode::OK);
        let (_, again) = admin.get_text("/settings/api-tokens").await;
        assert!(!again.contains(token), "never shown again");
        assert!(again.contains("Accounting ERP"));
        assert!(app.audit_actions().await.contains(&"api_token.created".to_string()));
    }
}
