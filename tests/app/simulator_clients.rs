//! The simulator as other clients see it: its admin door closed to anyone without the token,
//! and requests read the way Chorus Pro's Java backend reads them (issues #15 part 2 and #20).

use std::net::TcpListener;

use chorus_desk::simulator::{Simulator, SimulatorConfig};
use serde_json::{Value, json};

use crate::both_backends;

const ADMIN_TOKEN: &str = "sim-admin-token-for-tests";

/// A standalone simulator (as `chorus-desk simulator` runs it) with its admin token.
fn standalone(config: SimulatorConfig) -> (Simulator, String) {
    let simulator = Simulator::new(config).with_admin_token(ADMIN_TOKEN);
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let base_url = format!("http://{}", listener.local_addr().unwrap());
    actix_web::rt::spawn(simulator.listen(listener).unwrap());
    (simulator, base_url)
}

both_backends! {
    async fn serve_mounts_no_simulator_admin_door(app: TestApp) {
        let http = reqwest::Client::new();
        let listed = http
            .get(format!("{}/simulator/simulator-admin/invoices", app.address))
            .send()
            .await
            .unwrap();
        assert_eq!(listed.status(), 404);
        let before = app.simulator.clock().now();
        for path in ["clock/advance", "tokens/revoke", "faults"] {
            for content_type in ["text/plain", "application/json"] {
                let posted = http
                    .post(format!("{}/simulator/simulator-admin/{path}", app.address))
                    .header("content-type", content_type)
                    .body(r#"{"seconds": 86400, "server_error_rate": 1.0}"#)
                    .send()
                    .await
                    .unwrap();
                assert_eq!(posted.status(), 404, "{path} as {content_type}");
            }
        }
        // The simulated clock follows real time; a refused advance of a day leaves it close.
        assert!(app.simulator.clock().now() < before + chrono::Duration::minutes(30), "the clock did not move");
        // The simulator's API itself still answers under /simulator.
        let token = http
            .post(format!("{}/simulator/api/oauth/token", app.address))
            .form(&[("grant_type", "client_credentials"), ("client_id", "x"), ("client_secret", "y")])
            .send()
            .await
            .unwrap();
        assert_eq!(token.status(), 400, "the token endpoint answers (wrong client)");
    }
}

#[actix_web::test]
async fn standalone_simulator_admin_needs_its_bearer_token_and_json() {
    let (simulator, base_url) = standalone(SimulatorConfig::default());
    let http = reqwest::Client::new();
    let admin = |path: &str| format!("{base_url}/simulator-admin/{path}");

    let anonymous = http.get(admin("invoices")).send().await.unwrap();
    assert_eq!(anonymous.status(), 401);
    let wrong = http
        .get(admin("invoices"))
        .bearer_auth("not-the-token")
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), 401);
    let before = simulator.clock().now();
    let anonymous_post = http
        .post(admin("clock/advance"))
        .json(&json!({"seconds": 3600}))
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous_post.status(), 401);
    // A cross-site form or `text/plain` fetch cannot set JSON: refused even with the token.
    let plain = http
        .post(admin("clock/advance"))
        .bearer_auth(ADMIN_TOKEN)
        .header("content-type", "text/plain")
        .body(r#"{"seconds": 3600}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(plain.status(), 415);
    assert!(
        simulator.clock().now() < before + chrono::Duration::minutes(30),
        "refused requests did not move the clock"
    );

    let listed = http
        .get(admin("invoices"))
        .bearer_auth(ADMIN_TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(listed.status(), 200);
    assert_eq!(listed.json::<Value>().await.unwrap(), json!([]));
    let advanced = http
        .post(admin("clock/advance"))
        .header("authorization", format!("bearer {ADMIN_TOKEN}"))
        .json(&json!({"seconds": 3600}))
        .send()
        .await
        .unwrap();
    assert_eq!(advanced.status(), 200);
    assert!(simulator.clock().now() >= before + chrono::Duration::seconds(3600));
}

/// A PISTE token for the default simulator account, and the `cpro-account` header value.
async fn piste_token(http: &reqwest::Client, base_url: &str) -> (String, String) {
    use base64::Engine as _;
    let config = SimulatorConfig::default();
    let token: Value = http
        .post(format!("{base_url}/api/oauth/token"))
        .form(&[
            ("grant_type", "client_credentials"),
            ("client_id", config.client_id.as_str()),
            ("client_secret", config.client_secret.as_str()),
            ("scope", "openid"),
        ])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let account =
        base64::engine::general_purpose::STANDARD.encode(format!("{}:{}", config.tech_login, config.tech_password));
    (token["access_token"].as_str().unwrap().to_owned(), account)
}

#[actix_web::test]
async fn the_bearer_scheme_is_case_insensitive() {
    let (_simulator, base_url) = standalone(SimulatorConfig::default());
    let http = reqwest::Client::new();
    let (token, account) = piste_token(&http, &base_url).await;
    for scheme in ["Bearer", "bearer", "BEARER"] {
        let answer = http
            .get(format!("{base_url}/cpro/transverses/v1/health-check"))
            .header("authorization", format!("{scheme} {token}"))
            .header("cpro-account", &account)
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status(), 200, "scheme {scheme}");
    }
}

const SUPPLIER_SIRET: &str = "41234567000019";
const SUPPLIER_ID: i64 = 26262962;
const BUYER_SIRET: &str = "21750001600019";
const BUYER_ID: i64 = 26346724;

/// A PISTE client speaking raw JSON, as other integrations do.
struct RawClient {
    http: reqwest::Client,
    base_url: String,
    token: String,
    account: String,
}

impl RawClient {
    async fn new(base_url: &str) -> RawClient {
        let http = reqwest::Client::new();
        let (token, account) = piste_token(&http, base_url).await;
        RawClient {
            http,
            base_url: base_url.to_owned(),
            token,
            account,
        }
    }

    async fn post(&self, path: &str, body: Value) -> (u16, Value) {
        let answer = self
            .http
            .post(format!("{}/cpro/{path}", self.base_url))
            .bearer_auth(&self.token)
            .header("cpro-account", &self.account)
            .json(&body)
            .send()
            .await
            .unwrap();
        let status = answer.status().as_u16();
        (status, answer.json().await.unwrap_or(Value::Null))
    }
}

fn ubl(number: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
  xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
  xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2">
  <cbc:ID>{number}</cbc:ID>
  <cbc:IssueDate>2026-03-13</cbc:IssueDate>
  <cbc:InvoiceTypeCode>380</cbc:InvoiceTypeCode>
  <cbc:DocumentCurrencyCode>EUR</cbc:DocumentCurrencyCode>
  <cac:AccountingSupplierParty><cac:Party>
    <cac:PartyIdentification><cbc:ID schemeName="1">{SUPPLIER_SIRET}</cbc:ID></cac:PartyIdentification>
  </cac:Party></cac:AccountingSupplierParty>
  <cac:AccountingCustomerParty><cac:Party>
    <cac:PartyIdentification><cbc:ID schemeName="1">{BUYER_SIRET}</cbc:ID></cac:PartyIdentification>
  </cac:Party></cac:AccountingCustomerParty>
  <cac:TaxTotal><cbc:TaxAmount currencyID="EUR">20.00</cbc:TaxAmount></cac:TaxTotal>
  <cac:LegalMonetaryTotal>
    <cbc:TaxExclusiveAmount currencyID="EUR">100.00</cbc:TaxExclusiveAmount>
    <cbc:TaxInclusiveAmount currencyID="EUR">120.00</cbc:TaxInclusiveAmount>
    <cbc:PayableAmount currencyID="EUR">120.00</cbc:PayableAmount>
  </cac:LegalMonetaryTotal>
</Invoice>"#
    )
}

fn quick() -> SimulatorConfig {
    SimulatorConfig {
        integration_delay: std::time::Duration::ZERO,
        ..SimulatorConfig::default()
    }
}

fn base64_of(bytes: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// Replays of exact request bodies of other public clients (issue #20), each once refused.
#[actix_web::test]
async fn requests_of_other_public_clients_are_answered() {
    let (_simulator, base_url) = standalone(quick());
    let client = RawClient::new(&base_url).await;

    // Two clients omit `avecSignature` when false; the Python client sends `idUtilisateurCourant: 0`.
    let (status, deposit) = client
        .post(
            "factures/v1/deposer/flux",
            json!({"idUtilisateurCourant": 0, "fichierFlux": base64_of(ubl("REPLAY-1").as_bytes()),
                   "nomFichier": "REPLAY-1.xml", "syntaxeFlux": "IN_DP_E1_UBL_INVOICE"}),
        )
        .await;
    assert_eq!((status, &deposit["codeRetour"]), (200, &json!(0)), "{deposit}");
    let flux = deposit["numeroFluxDepot"].as_str().unwrap().to_owned();

    // OCA l10n_fr_chorus_account: services without a page number, a page size of 10,000.
    let (status, services) = client
        .post(
            "structures/v1/rechercher/services",
            json!({"idStructure": BUYER_ID, "parametresRechercherServicesStructure": {"nbResultatsParPage": 10000}}),
        )
        .await;
    assert_eq!(status, 200, "{services}");
    assert_eq!(services["listeServices"][0]["codeService"], "SERV-TECH");
    // OCA: consulter with the id only.
    let (status, structure) = client
        .post("structures/v1/consulter", json!({"idStructureCPP": BUYER_ID}))
        .await;
    assert_eq!(status, 200, "{structure}");
    assert!(structure["adressePostaleDuSiege"]["codePostal"].is_string());
    // Booleans as strings, and empty.
    for restrict in [json!(""), json!("false"), json!("true")] {
        let (status, found) = client
            .post(
                "structures/v1/rechercher",
                json!({"structure": {"identifiantStructure": BUYER_SIRET, "typeIdentifiantStructure": "SIRET"},
                       "restreindreStructuresPrivees": restrict}),
            )
            .await;
        assert_eq!(status, 200, "{found}");
        assert_eq!(found["listeStructures"][0]["idStructureCPP"], BUYER_ID);
    }
    // A search with empty and null criteria, a zero supplier id, top-level paging and a
    // date-time without offset: none of them is a filter that hides the invoice.
    let (status, search) = client
        .post(
            "factures/v1/rechercher/fournisseur",
            json!({"periodeDateDepotAu": "", "statutCourant": null, "idFournisseur": 0, "numeroFacture": "",
                   "nbResultatsParPage": 50, "periodeDateHeureEtatCourantDu": "2020-01-01T00:00:00"}),
        )
        .await;
    assert_eq!(status, 200, "{search}");
    let invoice = &search["listeFactures"][0];
    assert_eq!(invoice["numeroFacture"], "REPLAY-1");
    assert_eq!(invoice["numeroFluxDepot"], flux.as_str());
    assert_eq!(invoice["idDestinataire"], BUYER_ID);
    assert_eq!(search["parametresRetour"]["nbResultatsParPage"], 50);
    for field in [
        "idServiceExecutant",
        "nomServiceExecutant",
        "numeroBonCommande",
        "numeroMarche",
        "taille",
    ] {
        assert!(invoice.get(field).is_some(), "{field} missing");
    }
    // The id as a string.
    let id = invoice["identifiantFactureCPP"].as_i64().unwrap();
    let (status, detail) = client
        .post(
            "factures/v1/consulter/fournisseur",
            json!({"identifiantFactureCPP": id.to_string()}),
        )
        .await;
    assert_eq!(status, 200, "{detail}");
    // A date filter that excludes it is honoured.
    let (_, none) = client
        .post(
            "factures/v1/rechercher/fournisseur",
            json!({"periodeDateHeureEtatCourantAu": "2020-01-01T00:00:00"}),
        )
        .await;
    assert!(none["listeFactures"].as_array().is_none_or(Vec::is_empty), "{none}");
    // What stays wrong is refused in Chorus Pro's shape, naming the field.
    let (status, refused) = client
        .post(
            "factures/v1/consulter/fournisseur",
            json!({"identifiantFactureCPP": "douze"}),
        )
        .await;
    assert_eq!(status, 400);
    assert_eq!(refused["codeRetour"], 20001);
    assert!(
        refused["libelle"].as_str().unwrap().contains("identifiantFactureCPP"),
        "{refused}"
    );
}

#[actix_web::test]
async fn submitted_and_pdf_deposited_invoices_follow_the_lifecycle() {
    let (simulator, base_url) = standalone(quick());
    let client = RawClient::new(&base_url).await;
    let submission = |number: &str, mode: &str, attachment: Option<i64>| {
        json!({
            "modeDepot": mode,
            "numeroFactureSaisi": number,
            "dateFacture": "2026-03-13",
            "fournisseur": {"idFournisseur": SUPPLIER_ID},
            "destinataire": {"codeDestinataire": BUYER_SIRET},
            "cadreDeFacturation": {"codeCadreFacturation": "A1_FACTURE_FOURNISSEUR"},
            "references": {"deviseFacture": "EUR", "typeFacture": "FACTURE", "typeTva": "TVA_SUR_DEBIT"},
            "montantTotal": {"montantHtTotal": 100, "montantTVA": "20.00", "montantTtcTotal": 120, "montantAPayer": 120},
            "pieceJointePrincipale": attachment.map(|id| json!([{"pieceJointePrincipaleId": id}])),
        })
    };
    let (status, entered) = client
        .post("factures/v1/soumettre", submission("SAISIE-1", "SAISIE_API", None))
        .await;
    assert_eq!(status, 200, "{entered}");
    let id = entered["identifiantFactureCPP"].as_i64().unwrap();
    let (_, history) = client
        .post("factures/v1/consulter/historique", json!({"idFacture": id}))
        .await;
    assert_eq!(history["statutCourantCode"], "MISE_A_DISPOSITION");
    assert_eq!(history["modeDepot"], "SAISIE_API");
    simulator
        .set_invoice_status(id, chorus_desk::chorus::dto::InvoiceStatus::Paid, "")
        .unwrap();
    let (_, history) = client
        .post("factures/v1/consulter/historique", json!({"idFacture": id}))
        .await;
    assert_eq!(history["statutCourantCode"], "MISE_EN_PAIEMENT");
    // The same number again is refused, as for a deposit.
    let (status, again) = client
        .post("factures/v1/soumettre", submission("SAISIE-1", "SAISIE_API", None))
        .await;
    assert_eq!(status, 400, "{again}");
    assert!(again["codeRetour"].as_i64().unwrap() > 0);

    let (status, pdf) = client
        .post(
            "factures/v1/deposer/pdf",
            json!({"fichierFacture": base64_of(b"%PDF-1.7\n%%EOF"), "nomFichier": "PDF-1.pdf", "formatDepot": "PDF_NON_SIGNE"}),
        )
        .await;
    assert_eq!(status, 200, "{pdf}");
    let attachment = pdf["pieceJointeId"].as_i64().unwrap();
    let (status, from_pdf) = client
        .post(
            "factures/v1/soumettre",
            submission("PDF-1", "DEPOT_PDF_API", Some(attachment)),
        )
        .await;
    assert_eq!(status, 200, "{from_pdf}");
    let (_, found) = client
        .post("factures/v1/rechercher/fournisseur", json!({"numeroFacture": "PDF-1"}))
        .await;
    assert_eq!(found["listeFactures"][0]["modeDepot"], "DEPOT_PDF_API");
    let (status, missing) = client
        .post("factures/v1/soumettre", submission("PDF-2", "DEPOT_PDF_API", Some(999)))
        .await;
    assert_eq!(status, 400, "{missing}");
}

#[actix_web::test]
async fn history_paging_is_honest() {
    let (simulator, base_url) = standalone(quick());
    let client = RawClient::new(&base_url).await;
    let (_, entered) = client
        .post(
            "factures/v1/soumettre",
            json!({"numeroFactureSaisi": "HISTO-1", "dateFacture": "2026-03-13", "fournisseur": {"idFournisseur": SUPPLIER_ID},
                   "destinataire": {"codeDestinataire": BUYER_SIRET},
                   "montantTotal": {"montantHtTotal": 100, "montantTVA": 20, "montantTtcTotal": 120}}),
        )
        .await;
    let id = entered["identifiantFactureCPP"].as_i64().unwrap();
    use chorus_desk::chorus::dto::InvoiceStatus;
    for _ in 0..5 {
        simulator.set_invoice_status(id, InvoiceStatus::Suspended, "").unwrap();
        simulator.set_invoice_status(id, InvoiceStatus::Completed, "").unwrap();
    }
    // 2 + 10 = 12 entries.
    let (_, first) = client
        .post("factures/v1/consulter/historique", json!({"idFacture": id}))
        .await;
    let first = &first["historiquesDesStatuts"];
    assert_eq!(first["totalHistoStatut"], 12);
    assert_eq!(first["pagesHistoStatut"], 2);
    assert_eq!(first["histoStatut"].as_array().unwrap().len(), 10);
    let (_, second) = client
        .post(
            "factures/v1/consulter/historique",
            json!({"idFacture": id.to_string(), "pageResultatDemandeeHistoStatut": "2"}),
        )
        .await;
    let second = &second["historiquesDesStatuts"];
    assert_eq!(second["pageCouranteHistoStatut"], 2);
    let entries = second["histoStatut"].as_array().unwrap();
    assert_eq!(entries.len(), 2);
    assert_eq!(entries[1]["histoStatutCode"], "DEPOSEE", "oldest last");
}

#[actix_web::test]
async fn a_flux_passes_through_the_intermediate_states() {
    let step = std::time::Duration::from_secs(60);
    let (simulator, base_url) = standalone(SimulatorConfig {
        integration_delay: std::time::Duration::ZERO,
        flux_step: Some(step),
        ..SimulatorConfig::default()
    });
    let client = RawClient::new(&base_url).await;
    let (_, deposit) = client
        .post(
            "factures/v1/deposer/flux",
            json!({"fichierFlux": base64_of(ubl("STEPS-1").as_bytes()), "nomFichier": "STEPS-1.xml",
                   "syntaxeFlux": "IN_DP_E1_UBL_INVOICE", "avecSignature": false}),
        )
        .await;
    let flux = deposit["numeroFluxDepot"].as_str().unwrap().to_owned();
    let mut seen = Vec::new();
    for _ in 0..5 {
        let (_, report) = client
            .post("transverses/v1/consulterCRDetaille", json!({"numeroFluxDepot": flux}))
            .await;
        seen.push(report["etatCourantDepotFlux"].as_str().unwrap().to_owned());
        simulator.clock().advance(step);
    }
    assert_eq!(
        seen,
        [
            "IN_RECU",
            "IN_EN_ATTENTE_TRAITEMENT_CPP",
            "IN_EN_COURS_TRAITEMENT_CPP",
            "IN_TRAITE_SE_CPP",
            "IN_INTEGRE"
        ]
    );
}
