//! Requests read the way Chorus Pro's Java backend reads them (issue #20), before they reach the
//! typed request structures of `chorus::dto` (which our own client keeps strict):
//! - `null` and empty strings mean "absent", so "no filter";
//! - numbers given as strings (`"identifiantFactureCPP": "123"`) and identifiers given as numbers
//!   (`"identifiantStructure": 12345678200010`) are read for what they are;
//! - booleans given as `"true"`/`"false"` are booleans, `""` is absent (hence `false`);
//! - zero filter ids (`idFournisseur: 0`, as Java clients send an unset `long`) mean "no filter";
//! - dates given as date-times keep their date; date-times without an offset are Paris time;
//! - one status where a list is expected, or a list of `{"statut": ...}` objects, is a list;
//! - paging given at the top level (`{"nbResultatsParPage": 50}`) is the operation's paging, and
//!   a paging object without a page number asks for page 1;
//! - required booleans a client omits when false (`avecSignature`) default to `false`.
//!
//! What remains wrong after this (a word where a number must be, a missing file) is still refused
//! with Chorus Pro's `codeRetour`/`libelle` shape.

use serde_json::{Map, Value};

/// Fields that hold whole numbers in Chorus Pro's requests.
const INTEGER_FIELDS: &[&str] = &[
    "identifiantFactureCPP",
    "idFacture",
    "idStructure",
    "idStructureCPP",
    "idService",
    "idFournisseur",
    "idDestinataire",
    "idServiceExecutant",
    "idUtilisateurCourant",
    "idUtilisateur",
    "pageResultatDemandee",
    "nbResultatsParPage",
    "nbResultatsMaximum",
    "pieceJointeComplementaireId",
    "pieceJointeId",
    "pageResultatDemandeeHistoStatut",
    "nbResultatsParPageHistoStatut",
];

/// Filter ids where `0` is what a client sends for "not set".
const ZERO_MEANS_ABSENT: &[&str] = &[
    "idFournisseur",
    "idDestinataire",
    "idServiceExecutant",
    "idUtilisateurCourant",
    "idUtilisateur",
];

/// Fields that hold text, even when they look like numbers (SIRETs, invoice numbers).
const TEXT_FIELDS: &[&str] = &[
    "identifiantStructure",
    "numeroFacture",
    "numeroFluxDepot",
    "codeDestinataire",
    "codeFournisseur",
    "codeServiceExecutant",
    "codeService",
    "numeroBonCommande",
    "numeroEngagement",
    "numeroMarche",
    "siretStructure",
    "commentaire",
    "nomFichier",
];

const BOOLEAN_FIELDS: &[&str] = &[
    "avecSignature",
    "restreindreStructuresPrivees",
    "estActif",
    "rejetTraite",
];

/// Fields holding a calendar date (`yyyy-MM-dd`).
const DATE_FIELDS: &[&str] = &[
    "periodeDateDepotDu",
    "periodeDateDepotAu",
    "periodeDateFactureDu",
    "periodeDateFactureAu",
    "dateDepot",
    "dateFacture",
];

/// Fields holding a date-time (ISO 8601, written with an offset by the simulator).
const DATE_TIME_FIELDS: &[&str] = &["periodeDateHeureEtatCourantDu", "periodeDateHeureEtatCourantAu"];

const PAGING_FIELDS: &[&str] = &["pageResultatDemandee", "nbResultatsParPage", "triSens", "triColonne"];

/// Where each operation expects its paging object.
fn paging_key(operation: &str) -> Option<&'static str> {
    match operation {
        "factures/v1/rechercher/fournisseur" => Some("rechercheFactureParFournisseur"),
        "structures/v1/rechercher" => Some("parametres"),
        "structures/v1/rechercher/services" => Some("parametresRechercherServicesStructure"),
        "engagementsJuridiques/v1/rechercher" => Some("parametres"),
        _ => None,
    }
}

/// Rewrites `body` of a request to `operation` (the path after `/cpro/`) into the strict shape.
pub(super) fn normalise(operation: &str, body: &Value) -> Value {
    let mut body = normalise_value(None, body).unwrap_or(Value::Object(Map::new()));
    let Value::Object(fields) = &mut body else {
        return body;
    };
    if let Some(paging_key) = paging_key(operation) {
        // Paging given at the top level, as several clients do.
        let mut hoisted = Map::new();
        for name in PAGING_FIELDS {
            if let Some(value) = fields.remove(*name) {
                hoisted.insert((*name).to_owned(), value);
            }
        }
        if !hoisted.is_empty() {
            let paging = fields.entry(paging_key).or_insert_with(|| Value::Object(Map::new()));
            if let Value::Object(paging) = paging {
                for (name, value) in hoisted {
                    paging.entry(name).or_insert(value);
                }
            }
        }
        if let Some(Value::Object(paging)) = fields.get_mut(paging_key) {
            paging.entry("pageResultatDemandee").or_insert(Value::from(1));
            paging.entry("nbResultatsParPage").or_insert(Value::from(10));
        }
    }
    match operation {
        "factures/v1/deposer/flux" | "factures/v1/deposer/pdf" => {
            fields.entry("avecSignature").or_insert(Value::Bool(false));
        }
        "structures/v1/rechercher" => {
            fields.entry("structure").or_insert_with(|| Value::Object(Map::new()));
        }
        _ => {}
    }
    body
}

/// `None`: the value means "absent".
fn normalise_value(key: Option<&str>, value: &Value) -> Option<Value> {
    let is = |list: &[&str]| key.is_some_and(|key| list.contains(&key));
    match value {
        Value::Null => None,
        Value::String(text) if text.trim().is_empty() => None,
        Value::String(text) if is(INTEGER_FIELDS) => match text.trim().parse::<i64>() {
            Ok(0) if is(ZERO_MEANS_ABSENT) => None,
            Ok(number) => Some(Value::from(number)),
            // Left as is: the typed reading refuses it, naming the field.
            Err(_) => Some(value.clone()),
        },
        Value::Number(number) if is(ZERO_MEANS_ABSENT) && number.as_i64() == Some(0) => None,
        Value::Number(number) if is(TEXT_FIELDS) => Some(Value::String(number.to_string())),
        Value::String(text) if is(BOOLEAN_FIELDS) => match text.trim().to_ascii_lowercase().as_str() {
            "true" => Some(Value::Bool(true)),
            "false" => Some(Value::Bool(false)),
            _ => Some(value.clone()),
        },
        Value::String(text) if is(DATE_FIELDS) => Some(Value::String(calendar_date(text))),
        Value::String(text) if is(DATE_TIME_FIELDS) => Some(Value::String(date_time_with_offset(text))),
        Value::String(text) if key == Some("statutCourant") => Some(Value::Array(vec![Value::String(text.clone())])),
        Value::Array(items) if key == Some("statutCourant") => {
            let statuses: Vec<Value> = items
                .iter()
                .filter_map(|item| match item {
                    Value::Object(object) => object.get("statut").cloned(),
                    other => Some(other.clone()),
                })
                .filter(|status| !matches!(status, Value::Null) && status.as_str() != Some(""))
                .collect();
            (!statuses.is_empty()).then_some(Value::Array(statuses))
        }
        Value::Object(fields) => Some(Value::Object(
            fields
                .iter()
                .filter_map(|(name, value)| normalise_value(Some(name), value).map(|value| (name.clone(), value)))
                .collect(),
        )),
        Value::Array(items) => Some(Value::Array(
            items.iter().filter_map(|item| normalise_value(None, item)).collect(),
        )),
        other => Some(other.clone()),
    }
}

/// `2024-03-01T00:00:00` or `2024-03-01T00:00:00.000+01:00` given for a date: its date.
fn calendar_date(text: &str) -> String {
    let text = text.trim();
    match text.split_once(['T', ' ']) {
        Some((date, _)) if chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d").is_ok() => date.to_owned(),
        _ => text.to_owned(),
    }
}

/// A date-time without offset is Paris time (the simulator's, fixed at +01:00); a bare date is
/// its midnight. Anything else is left for the typed reading to refuse.
fn date_time_with_offset(text: &str) -> String {
    let text = text.trim();
    if chrono::DateTime::parse_from_rfc3339(text).is_ok() {
        return text.to_owned();
    }
    let local = ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M:%S%.f", "%Y-%m-%dT%H:%M"]
        .iter()
        .find_map(|format| chrono::NaiveDateTime::parse_from_str(text, format).ok())
        .or_else(|| {
            chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d")
                .ok()
                .and_then(|date| date.and_hms_opt(0, 0, 0))
        });
    match local {
        Some(local) => format!("{}+01:00", local.format("%Y-%m-%dT%H:%M:%S%.3f")),
        None => text.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn what_java_clients_send_is_read_for_what_it_means() {
        let body = json!({
            "periodeDateDepotAu": "",
            "periodeDateDepotDu": "2026-01-01T00:00:00",
            "statutCourant": null,
            "idFournisseur": 0,
            "identifiantFactureCPP": "123",
            "nbResultatsParPage": 50,
            "periodeDateHeureEtatCourantDu": "2026-03-01T08:00:00",
            "champInconnu": "ignoré",
        });
        let normal = normalise("factures/v1/rechercher/fournisseur", &body);
        assert_eq!(
            normal,
            json!({
                "periodeDateDepotDu": "2026-01-01",
                "identifiantFactureCPP": 123,
                "periodeDateHeureEtatCourantDu": "2026-03-01T08:00:00.000+01:00",
                "champInconnu": "ignoré",
                "rechercheFactureParFournisseur": {"nbResultatsParPage": 50, "pageResultatDemandee": 1},
            })
        );
    }

    #[test]
    fn booleans_statuses_and_identifiers_take_their_type() {
        let search = normalise(
            "structures/v1/rechercher",
            &json!({"restreindreStructuresPrivees": "false", "structure": {"identifiantStructure": 26073617200014_i64}}),
        );
        assert_eq!(search["restreindreStructuresPrivees"], json!(false));
        assert_eq!(search["structure"]["identifiantStructure"], json!("26073617200014"));
        let empty = normalise("structures/v1/rechercher", &json!({"restreindreStructuresPrivees": ""}));
        assert_eq!(empty, json!({"structure": {}}));
        let statuses = normalise(
            "factures/v1/rechercher/fournisseur",
            &json!({"statutCourant": [{"statut": "REJETEE"}, {"statut": "MISE_EN_PAIEMENT"}]}),
        );
        assert_eq!(statuses["statutCourant"], json!(["REJETEE", "MISE_EN_PAIEMENT"]));
        let deposit = normalise("factures/v1/deposer/flux", &json!({"fichierFlux": "eA=="}));
        assert_eq!(deposit["avecSignature"], json!(false));
        // Still wrong after reading: left for the typed reading to refuse.
        let word = normalise(
            "factures/v1/consulter/fournisseur",
            &json!({"identifiantFactureCPP": "douze"}),
        );
        assert_eq!(word["identifiantFactureCPP"], json!("douze"));
    }
}
