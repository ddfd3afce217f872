//! Every EN 16931 business term has a row in `docs/invoice-json.md` (term → JSON path → UBL path
//! → CII path). The official list is held here, so a term forgotten in the table fails the test.

use std::collections::BTreeSet;

/// The business terms and groups of EN 16931-1 (BT-4 does not exist), with the scheme, MIME and
/// file name sub-terms that the syntaxes carry as attributes.
fn official_terms() -> Vec<String> {
    let mut terms: Vec<String> = (1..=165).filter(|n| *n != 4).map(|n| format!("BT-{n}")).collect();
    terms.extend((1..=32).map(|n| format!("BG-{n}")));
    for sub in [
        "BT-18-1", "BT-29-1", "BT-30-1", "BT-34-1", "BT-46-1", "BT-47-1", "BT-49-1", "BT-60-1", "BT-61-1", "BT-71-1",
        "BT-125-1", "BT-125-2", "BT-128-1", "BT-157-1", "BT-158-1", "BT-158-2",
    ] {
        terms.push(sub.to_owned());
    }
    terms
}

/// The terms that have a table row (`| BT-n | name | json | ubl | cii |`, every cell filled).
fn documented_terms() -> BTreeSet<String> {
    let doc = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/invoice-json.md")).expect("doc");
    doc.lines()
        .filter_map(|line| {
            let cells: Vec<&str> = line.trim().trim_matches('|').split(" | ").map(str::trim).collect();
            let term = *cells.first()?;
            let is_term = (term.starts_with("BT-") || term.starts_with("BG-")) && cells.len() == 5;
            (is_term && cells.iter().all(|c| !c.is_empty())).then(|| term.to_owned())
        })
        .collect()
}

#[test]
fn every_en16931_business_term_has_a_row_in_the_invoice_json_table() {
    let documented = documented_terms();
    let missing: Vec<String> = official_terms()
        .into_iter()
        .filter(|term| !documented.contains(term))
        .collect();
    assert!(missing.is_empty(), "no row in docs/invoice-json.md for {missing:?}");
}
