//! French and English pages: the language comes from the person's saved choice, else the switch's
//! cookie, else the browser's Accept-Language, else English; dates and amounts follow it on pages
//! and never in the UBL.

use crate::both_backends;
#[allow(unused_imports)]
use crate::helpers::*;
use crate::pipeline::{READY_BUYER, SUPPLIER_SIRET};
use reqwest::StatusCode;
use reqwest::header::{ACCEPT_LANGUAGE, HeaderMap, HeaderValue};

/// A client whose browser asks for `accept_language` on every request.
fn browser(app: &TestApp, accept_language: &str) -> Client {
    let mut headers = HeaderMap::new();
    headers.insert(ACCEPT_LANGUAGE, HeaderValue::from_str(accept_language).unwrap());
    let http = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .default_headers(headers)
        .build()
        .unwrap();
    Client {
        http,
        base: app.address.clone(),
    }
}

async fn signed_in_with(app: &TestApp, email: &str, accept_language: &str) -> Client {
    let client = browser(app, accept_language);
    let response = client.login(email, PASSWORD).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER, "login of {email} failed");
    client
}

/// A catalog key printed as is means a lookup fell through to the key.
fn assert_no_raw_key(html: &str, page: &str) {
    for key in chorus_desk::i18n::keys() {
        assert!(
            !html.contains(&format!(">{key}<"))
                && !html.contains(&format!("\"{key}\""))
                && !html.contains(&format!("({key})")),
            "{page}: the key {key} is shown instead of its text"
        );
    }
}

fn html_lang(html: &str) -> &str {
    let start = html.find("<html lang=\"").expect("<html lang>") + "<html lang=\"".len();
    &html[start..start + html[start..].find('"').unwrap()]
}

async fn page(client: &Client, path: &str) -> String {
    let (status, html) = client.get_text(path).await;
    assert_eq!(status, StatusCode::OK, "{path}");
    html
}

both_backends! {
    async fn pages_follow_the_browsers_language(app: TestApp) {
        let org = app.create_org("Atelier Exemple", SIRET_A).await;
        app.create_user("admin@org.test", "admin,user", Some(org)).await;
        let customer = app.create_customer(org, "Mairie de Lyon").await;
        let contract = app.create_contract(org, customer, "CT-1").await;
        let invoice = app.create_draft(org).await;

        let french = signed_in_with(&app, "admin@org.test", "fr-FR,fr;q=0.9,en;q=0.5").await;
        let expectations: &[(&str, &[&str])] = &[
            ("/", &["Tableau de bord", "Brouillons", "Se déconnecter"]),
            ("/customers", &["Clients", "Nouveau client", "Nom ou SIRET"]),
            ("/customers/new", &["Code postal", "Créer le client"]),
            (&format!("/customers/{customer}"), &["Prêt pour Chorus Pro", "Archiver ce client"]),
            ("/contracts", &["Contrats", "Nouveau contrat"]),
            ("/contracts/new", &["Périodicité de facturation", "Numéro de marché", "Désignation"]),
            (&format!("/contracts/{contract}"), &["Lignes de facturation", "Total HT par période"]),
            ("/invoices", &["Factures", "Nouvelle facture", "Total TTC", "Brouillon"]),
            ("/invoices/new", &["Références Chorus Pro", "Devise", "Enregistrer le brouillon"]),
            (&format!("/invoices/{invoice}/edit"), &["Modifier le brouillon de facture", "Prix unitaire HT"]),
            (&format!("/invoices/{invoice}"), &["Brouillon de facture", "Net à payer", "Télécharger le PDF", "15/10/2026"]),
            ("/settings/e-invoicing", &["Facturation électronique", "Tester la connexion", "Export UBL"]),
            ("/settings/users", &["Utilisateurs", "Ajouter une personne"]),
            ("/settings/api-tokens", &["Début du jeton", "Créer le jeton"]),
            ("/account/password", &["Changer votre mot de passe", "Language / Langue"]),
        ];
        for (path, texts) in expectations {
            let html = page(&french, path).await;
            assert_eq!(html_lang(&html), "fr", "{path}");
            for text in *texts {
                assert!(html.contains(text), "{path} lacks {text:?}");
            }
            assert_no_raw_key(&html, path);
        }

        // No Accept-Language at all, or one we do not have: English, as before.
        for header in [None, Some("de-DE,de;q=0.9")] {
            let client = match header {
                Some(h) => signed_in_with(&app, "admin@org.test", h).await,
                None => app.signed_in("admin@org.test").await,
            };
            let html = page(&client, "/invoices").await;
            assert_eq!(html_lang(&html), "en");
            assert!(html.contains("New invoice") && html.contains("Total incl. VAT"));
            assert_no_raw_key(&html, "/invoices (en)");
        }
    }

    async fn amounts_and_dates_follow_the_language_on_pages_but_not_in_the_ubl(app: TestApp) {
        let org = app.create_org("Atelier Exemple", SIRET_A).await;
        app.create_user("user@org.test", "user", Some(org)).await;
        // 2 days at 450 € + 20 % VAT, issued on 15/10/2026.
        let invoice = app.create_draft(org).await;

        let french = signed_in_with(&app, "user@org.test", "fr").await;
        let html = page(&french, "/invoices").await;
        assert!(html.contains("1\u{202F}080,00\u{A0}€"), "French amount: {html}");
        assert!(html.contains("15/10/2026"), "French date");
        let english = signed_in_with(&app, "user@org.test", "en-GB").await;
        let html = page(&english, "/invoices").await;
        assert!(html.contains("€1,080.00"), "English amount");
        assert!(html.contains("15 Oct 2026"), "English date");

        let show = page(&french, &format!("/invoices/{invoice}")).await;
        assert!(show.contains("1\u{202F}080,00\u{A0}€") && show.contains("15/10/2026"), "invoice page in French");
        let show = page(&english, &format!("/invoices/{invoice}")).await;
        assert!(show.contains("€1,080.00") && show.contains("15 Oct 2026"), "invoice page in English");

        // The live refresh of the rows speaks the page's language too.
        let rows = page(&french, "/invoices/rows").await;
        assert!(rows.contains("1\u{202F}080,00\u{A0}€") && rows.contains("Brouillon"), "{rows}");

        // The UBL is the same document whoever downloads it: standard decimals, no locale.
        let ubl_fr = french.get(&format!("/invoices/{invoice}/ubl")).await;
        let ubl_en = english.get(&format!("/invoices/{invoice}/ubl")).await;
        assert_eq!(ubl_fr.status(), ubl_en.status());
        if ubl_fr.status() == StatusCode::OK {
            let (fr, en) = (ubl_fr.bytes().await.unwrap(), ubl_en.bytes().await.unwrap());
            assert_eq!(fr, en, "the UBL does not depend on the reader's language");
            let xml = String::from_utf8(fr.to_vec()).unwrap();
            assert!(xml.contains(">1080.00<"), "UBL amounts use a point: {xml}");
            assert!(!xml.contains("1\u{202F}080") && !xml.contains("1080,00"));
        }
    }

    async fn a_saved_language_beats_the_browser_and_follows_the_person(app: TestApp) {
        let org = app.create_org("Atelier Exemple", SIRET_A).await;
        let user_id = app.create_user("user@org.test", "user", Some(org)).await;
        let client = signed_in_with(&app, "user@org.test", "en-GB,en;q=0.9").await;
        let html = page(&client, "/account/password").await;
        assert!(html.contains("<option value=\"en\" lang=\"en\" selected>English</option>"), "{html}");

        let response = client.post_form("/account/language", &[("lang", "fr")]).await;
        assert_redirect_to(&response, "/account/password");
        let stored = app
            .db
            .run(move |conn| chorus_desk::db::models::user::find(conn, user_id).map_err(chorus_desk::db::DbError::from))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(stored.locale.as_deref(), Some("fr"));
        assert!(app.audit_actions().await.contains(&"account.locale_changed".to_string()));

        // The English browser now gets French, with the confirmation in French.
        let html = page(&client, "/account/password").await;
        assert_eq!(html_lang(&html), "fr");
        assert!(html.contains("Votre langue a été enregistrée."), "{html}");
        assert!(html.contains("<option value=\"fr\" lang=\"fr\" selected>Français</option>"));

        // On another device with an English browser, after signing in: still French.
        let other = signed_in_with(&app, "user@org.test", "en-US").await;
        let html = page(&other, "/").await;
        assert_eq!(html_lang(&html), "fr");
        assert!(html.contains("Tableau de bord"));

        // A language we do not have changes nothing.
        let response = client.post_form("/account/language", &[("lang", "de")]).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        assert_eq!(html_lang(&page(&client, "/").await), "fr");

        // And back to English.
        client.post_form("/account/language", &[("lang", "en")]).await;
        let html = page(&other, "/").await;
        assert_eq!(html_lang(&html), "en");
        assert!(html.contains("Dashboard"));
    }

    async fn the_sign_in_page_switches_language_for_people_not_signed_in(app: TestApp) {
        let org = app.create_org("Atelier Exemple", SIRET_A).await;
        app.create_user("user@org.test", "user", Some(org)).await;
        let client = browser(&app, "en-GB");
        let html = page(&client, "/login?next=/invoices").await;
        assert_eq!(html_lang(&html), "en");
        assert!(html.contains(">Sign in</button>"));
        assert!(html.contains("action=\"/language\""), "the switch is on the sign-in page");

        let response = client
            .post_form("/language", &[("lang", "fr"), ("next", "/login?next=%2Finvoices")])
            .await;
        assert_redirect_to(&response, "/login?next=%2Finvoices");
        let cookie = response
            .headers()
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|c| c.starts_with("lang="))
            .expect("the switch sets the lang cookie")
            .to_string();
        assert!(cookie.starts_with("lang=fr"), "{cookie}");

        let html = page(&client, "/login?next=/invoices").await;
        assert_eq!(html_lang(&html), "fr");
        assert!(html.contains("<h1>Connexion</h1>") && html.contains("Mot de passe"), "{html}");
        assert_no_raw_key(&html, "/login");

        // A wrong password in French keeps the page French.
        let response = client.login("user@org.test", "not the password").await;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
        assert_eq!(html_lang(&response.text().await.unwrap()), "fr");

        // Signed in without a saved choice: the cookie still decides.
        let response = client.login("user@org.test", PASSWORD).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        assert!(page(&client, "/invoices").await.contains("Nouvelle facture"));

        // Only our own paths: the switch cannot send people elsewhere.
        let response = client.post_form("/language", &[("lang", "en"), ("next", "//evil.example/")]).await;
        assert_redirect_to(&response, "/login");
    }
}

/// Sentences built in Rust that once reached French pages in English.
const ENGLISH_LEFTOVERS: &[&str] = &[
    "Set on ",
    "Not set",
    "Built-in simulator",
    "Sandbox (Chorus Pro qualification)",
    "PDF with embedded CII",
    "OAuth token from PISTE",
    "Chorus Pro health check",
    "Your supplier structure",
    "PISTE gave a token",
    "answered and accepted",
    "is active, Chorus structure",
    "Not tried",
    ">Skipped<",
    ">Failed<",
    "Back to the dashboard",
    "Error 404",
    "entries verified",
    "intact:",
    "Platform",
];

/// The same on /audit, whose table shows the details as they were recorded (in English, on
/// purpose: a record is not rewritten for its reader).
const AUDIT_LEFTOVERS: &[&str] = &[
    "entries verified",
    "intact:",
    "Platform",
    "BROKEN at",
    "Back to the dashboard",
];

fn assert_no_english_leftover(html: &str, page: &str) {
    assert_none_of(ENGLISH_LEFTOVERS, html, page);
}

fn assert_none_of(leftovers: &[&str], html: &str, page: &str) {
    for english in leftovers {
        assert!(
            !html.contains(english),
            "{page} still says {english:?} in French: {html}"
        );
    }
}

both_backends! {
    async fn texts_built_in_rust_reach_french_pages_in_french(app: TestApp) {
        let org = app.chorus_ready_org().await;
        app.create_user("admin@org.test", "admin,user,auditor", Some(org)).await;
        app.create_user("auditor@platform.test", "auditor", None).await;
        let invoice = app.issue_invoice(org, READY_BUYER, None).await;
        app.settle().await;
        let french = signed_in_with(&app, "admin@org.test", "fr-FR,fr;q=0.9").await;

        // The invoice page with a Chorus Pro status.
        let html = page(&french, &format!("/invoices/{invoice}")).await;
        assert_eq!(html_lang(&html), "fr");
        assert_no_raw_key(&html, "invoice page");
        assert_no_english_leftover(&html, "invoice page");

        // The E-Invoicing card, and its Test connection results.
        let html = page(&french, "/settings/e-invoicing").await;
        for text in ["Enregistré le ", "Simulateur intégré", "Bac à sable (qualification Chorus Pro)", "Factur-X (PDF/A-3 + CII)"] {
            assert!(html.contains(text), "the card lacks {text:?}");
        }
        assert_no_english_leftover(&html, "/settings/e-invoicing");
        let response = french.post_form("/settings/e-invoicing/test", &[]).await;
        assert_eq!(response.status(), StatusCode::OK);
        let html = response.text().await.unwrap();
        for text in [
            "Jeton OAuth de PISTE\u{A0}:",
            "PISTE a délivré un jeton pour ces identifiants client.",
            "Chorus Pro a répondu et accepté le compte technique.",
            &format!("Le SIRET {SUPPLIER_SIRET} ("),
            ") est actif, structure Chorus ",
        ] {
            assert!(html.contains(text), "the test results lack {text:?}: {html}");
        }
        assert!(html.contains("data-outcome=\"OK\""), "the marker stays stable");
        assert_no_raw_key(&html, "test connection");
        assert_no_english_leftover(&html, "test connection");

        // A failed step and the skipped ones after it.
        app.change_connection(org, Some("not-the-secret"), None, None).await;
        let html = french.post_form("/settings/e-invoicing/test", &[]).await.text().await.unwrap();
        assert!(html.contains("PISTE a refusé l\u{2019}identifiant client ou le secret client"), "{html}");
        assert!(html.contains(">Échec<") && html.contains(">Non tentée<"), "{html}");
        assert!(html.contains("Non tentée\u{A0}: une étape précédente a échoué."), "{html}");
        assert_no_english_leftover(&html, "failed test connection");

        // The audit log's verification panel, for the organisation and for the platform.
        let html = page(&french, "/audit").await;
        assert!(html.contains("intacte\u{A0}:") && html.contains("entrées vérifiées"), "{html}");
        assert_no_raw_key(&html, "/audit");
        assert_none_of(AUDIT_LEFTOVERS, &html, "/audit");
        let platform = signed_in_with(&app, "auditor@platform.test", "fr").await;
        let html = page(&platform, "/audit").await;
        assert!(html.contains("Plateforme\u{A0}:"), "{html}");
        assert_none_of(AUDIT_LEFTOVERS, &html, "/audit (platform)");

        // An error page: its frame too, in the reader's language.
        let response = french.get("/invoices/999999").await;
        assert_eq!(response.status(), StatusCode::NOT_FOUND);
        let html = response.text().await.unwrap();
        assert_eq!(html_lang(&html), "fr");
        assert!(html.contains("Erreur 404") && html.contains("Retour au tableau de bord"), "{html}");
        assert_no_english_leftover(&html, "404");

        // English readers still get English.
        let english = signed_in_with(&app, "admin@org.test", "en-GB").await;
        let response = english.get("/invoices/999999").await;
        let html = response.text().await.unwrap();
        assert_eq!(html_lang(&html), "en");
        assert!(html.contains("Error 404") && html.contains("Back to the dashboard"), "{html}");
        let html = page(&english, "/audit").await;
        assert!(html.contains("entries verified"), "{html}");
    }
}
