//! Login, sessions, CSRF, first start, health, bad input.

use crate::both_backends;
use reqwest::StatusCode;

both_backends! {
    async fn health_reports_the_database(app: TestApp) {
        let client = Client::new(&app);
        let response = client.get("/health").await;
        assert_eq!(response.status(), StatusCode::OK);
        let body: serde_json::Value = response.json().await.unwrap();
        assert_eq!(body, serde_json::json!({"status": "ok", "database": "ok"}));
    }

    async fn the_first_admin_signs_in_and_must_change_the_password(app: TestApp) {
        let client = Client::new(&app);
        let response = client.login(ADMIN_EMAIL, ADMIN_PASSWORD).await;
        assert_redirect_to(&response, "/account/password");
        // Every other page sends them back to the password change until it is done.
        assert_redirect_to(&client.get("/").await, "/account/password");
        let response = client
            .post_form(
                "/account/password",
                &[("current_password", ADMIN_PASSWORD), ("new_password", "a brand new passphrase"), ("confirm_password", "a brand new passphrase")],
            )
            .await;
        assert_redirect_to(&response, "/");
        let (status, html) = client.get_text("/").await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains("Your password has been changed."));
        // The old password no longer works; the new one does.
        let other = Client::new(&app);
        assert_eq!(other.login(ADMIN_EMAIL, ADMIN_PASSWORD).await.status(), StatusCode::UNAUTHORIZED);
        assert_eq!(other.login(ADMIN_EMAIL, "a brand new passphrase").await.status(), StatusCode::SEE_OTHER);
    }

    async fn unknown_user_and_wrong_password_get_the_same_message(app: TestApp) {
        let org = app.create_org("Alpha", SIRET_A).await;
        app.create_user("user@alpha.test", "user", Some(org)).await;
        let client = Client::new(&app);
        let wrong_password = client.login("user@alpha.test", "not the password").await;
        assert_eq!(wrong_password.status(), StatusCode::UNAUTHORIZED);
        let wrong_password = wrong_password.text().await.unwrap();
        let unknown = client.login("nobody@alpha.test", "not the password").await;
        assert_eq!(unknown.status(), StatusCode::UNAUTHORIZED);
        let unknown = unknown.text().await.unwrap();
        assert!(wrong_password.contains("Email or password is incorrect."));
        assert!(unknown.contains("Email or password is incorrect."));
        // What was typed stays in the form.
        assert!(unknown.contains("value=\"nobody@alpha.test\""));
        let actions = app.audit_actions().await;
        assert_eq!(actions.iter().filter(|a| *a == "login.failed").count(), 2);
    }

    async fn repeated_failures_are_throttled_even_with_the_right_password(app: TestApp) {
        let org = app.create_org("Alpha", SIRET_A).await;
        app.create_user("user@alpha.test", "user", Some(org)).await;
        let client = Client::new(&app);
        for _ in 0..5 {
            assert_eq!(client.login("user@alpha.test", "wrong password!").await.status(), StatusCode::UNAUTHORIZED);
        }
        let response = client.login("user@alpha.test", PASSWORD).await;
        assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
        assert!(response.text().await.unwrap().contains("Too many failed attempts"));
        assert!(app.audit_actions().await.contains(&"login.throttled".to_string()));
    }

    async fn a_form_without_or_with_a_wrong_csrf_token_is_refused_and_changes_nothing(app: TestApp) {
        let support = app.create_user("support@platform.test", "support", None).await;
        let _ = support;
        let client = app.signed_in("support@platform.test").await;
        let fields = [("name", "Forged SA"), ("siret", SIRET_B)];
        let without = client.post_raw("/support/organisations", &fields).await;
        assert_eq!(without.status(), StatusCode::FORBIDDEN);
        let mut wrong = fields.to_vec();
        wrong.push(("csrf_token", "not-the-token"));
        assert_eq!(client.post_raw("/support/organisations", &wrong).await.status(), StatusCode::FORBIDDEN);
        let (_, html) = client.get_text("/support/organisations").await;
        assert!(!html.contains("Forged SA"), "a refused form must change nothing");
        // The same form with the token goes through.
        let ok = client.post_form("/support/organisations", &fields).await;
        assert_eq!(ok.status(), StatusCode::SEE_OTHER);
        let (_, html) = client.get_text("/support/organisations").await;
        assert!(html.contains("Forged SA"));
    }

    async fn malformed_and_invalid_forms_get_messages_not_errors(app: TestApp) {
        app.create_user("support@platform.test", "support", None).await;
        let client = app.signed_in("support@platform.test").await;
        let response = client
            .post_form("/support/organisations", &[("name", "Alpha <b>SA</b>"), ("siret", "1234"), ("postal_code", "750")])
            .await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let html = response.text().await.unwrap();
        assert!(html.contains("id=\"siret-error\""), "the SIRET error sits next to its field");
        assert!(html.contains("id=\"postal_code-error\""));
        // Input kept, and escaped.
        assert!(html.contains("value=\"Alpha &#60;b&#62;SA&#60;/b&#62;\"") || html.contains("Alpha &lt;b&gt;SA"));
        assert!(html.contains("value=\"1234\""));
        // Garbage bodies and huge fields never produce a 500.
        let token = client.csrf().await;
        let garbage = client
            .http
            .post(format!("{}/support/organisations", app.address))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(format!("csrf_token={token}&name=%ZZ%%&siret=\u{0}\u{1}"))
            .send()
            .await
            .unwrap();
        assert!(garbage.status().is_client_error(), "got {}", garbage.status());
        let long = "9".repeat(100_000);
        let response = client.post_form("/support/organisations", &[("name", &long), ("siret", &long)]).await;
        assert!(response.status().is_client_error(), "got {}", response.status());
    }

    async fn logout_ends_the_session(app: TestApp) {
        let org = app.create_org("Alpha", SIRET_A).await;
        app.create_user("admin@alpha.test", "admin", Some(org)).await;
        let client = app.signed_in("admin@alpha.test").await;
        assert_eq!(client.get("/settings/users").await.status(), StatusCode::OK);
        assert_redirect_to(&client.post_form("/logout", &[]).await, "/login");
        let response = client.get("/settings/users").await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        assert!(location(&response).starts_with("/login"));
    }

    async fn security_headers_are_on_every_page(app: TestApp) {
        let client = Client::new(&app);
        let response = client.get("/login").await;
        let csp = response.headers().get("content-security-policy").unwrap().to_str().unwrap().to_string();
        assert!(csp.contains("frame-ancestors 'none'") && csp.contains("script-src 'self'"));
        assert_eq!(response.headers().get("x-content-type-options").unwrap(), "nosniff");
        assert!(response.headers().get("referrer-policy").is_some());
        let cookie = response.headers().get("set-cookie").unwrap().to_str().unwrap().to_string();
        assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"));
    }

    async fn an_admin_creates_a_colleague_with_a_one_time_password(app: TestApp) {
        let org = app.create_org("Alpha", SIRET_A).await;
        app.create_user("admin@alpha.test", "admin", Some(org)).await;
        let client = app.signed_in("admin@alpha.test").await;
        let response = client.post_form("/settings/users", &[("email", "new@alpha.test"), ("role", "auditor")]).await;
        assert_redirect_to(&response, "/settings/users");
        let (_, html) = client.get_text("/settings/users").await;
        let marker = "One-time password: ";
        let start = html.find(marker).expect("the password is shown once") + marker.len();
        let password: String = html[start..].chars().take_while(|c| c.is_ascii_alphanumeric()).collect();
        let (_, again) = client.get_text("/settings/users").await;
        assert!(!again.contains(&password), "shown only once");
        let colleague = Client::new(&app);
        assert_redirect_to(&colleague.login("new@alpha.test", &password).await, "/account/password");
        // Refused roles and bad emails are explained.
        let response = client.post_form("/settings/users", &[("email", "not-an-email"), ("role", "support")]).await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let html = response.text().await.unwrap();
        assert!(html.contains("id=\"email-error\"") && html.contains("id=\"role-error\""));
    }
}

#[actix_web::test]
async fn an_unknown_database_scheme_is_refused_with_a_clear_message() {
    let error = chorus_desk::db::Backend::from_url("mysql://localhost/x")
        .unwrap_err()
        .to_string();
    assert!(error.contains("sqlite://") && error.contains("postgres://") && error.contains("mysql"));
}
