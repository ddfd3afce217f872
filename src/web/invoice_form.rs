//! The invoice form as people type it (French decimals, dates as `31/12/2026` or `2026-12-31`,
//! any number of line rows) ⇄ the invoice document. Field names are the document's field paths
//! (`buyer.siret`, `lines[2].quantity`), so the `FieldErrors` that `invoicing` reports land next to
//! the input they are about.

use crate::domain::field_errors::FieldErrors;
use crate::domain::identifiers::Siret;
use crate::domain::invoice::document::{DecimalText, InvoiceDocument, Line, Note};
use crate::i18n::Message;
use chrono::NaiveDate;
use rust_decimal::Decimal;

/// Line rows a new form starts with, and how many "add lines" adds.
pub const EMPTY_ROWS: usize = 3;
/// Upper bound on line rows, so a crafted form cannot make us allocate without limit.
pub const MAX_ROWS: usize = 200;

/// Common UN/ECE recommendation 20 units, with their names.
pub const UNIT_CHOICES: &[(&str, &str)] = &[
    ("C62", "unit"),
    ("HUR", "hour"),
    ("DAY", "day"),
    ("WEE", "week"),
    ("MON", "month"),
    ("ANN", "year"),
    ("MIN", "minute"),
    ("KGM", "kilogram"),
    ("TNE", "tonne"),
    ("MTR", "metre"),
    ("KMT", "kilometre"),
    ("MTK", "square metre"),
    ("MTQ", "cubic metre"),
    ("LTR", "litre"),
    ("SET", "set"),
    ("LS", "lump sum"),
];

/// VAT categories (UNTDID 5305) with what they mean.
pub const VAT_CHOICES: &[(&str, &str)] = &[
    ("S", "S: standard rate"),
    ("Z", "Z: zero rated"),
    ("E", "E: exempt"),
    ("AE", "AE: reverse charge"),
    ("K", "K: intra-community supply"),
    ("G", "G: export outside the EU"),
    ("O", "O: not subject to VAT"),
];

/// The free-text fields of the form, by name. Line fields are `lines[N].<name>`.
const FIELDS: &[&str] = &[
    "buyer.name",
    "buyer.siret",
    "buyer.address.line1",
    "buyer.address.postal_code",
    "buyer.address.city",
    "buyer.address.country_code",
    "references.buyer_reference",
    "references.order_reference",
    "references.contract_reference",
    "issue_date",
    "due_date",
    "currency",
    "payment_terms",
    "notes",
    // The customer and contract the invoice starts from (hidden inputs; empty for a one-off buyer).
    "customer_id",
    "contract_id",
];
const LINE_FIELDS: &[&str] = &[
    "name",
    "quantity",
    "unit_code",
    "unit_price",
    "vat_category",
    "vat_rate",
];

/// One line row as typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineInput {
    pub name: String,
    pub quantity: String,
    pub unit_code: String,
    pub unit_price: String,
    pub vat_category: String,
    pub vat_rate: String,
}

impl Default for LineInput {
    fn default() -> Self {
        LineInput {
            name: String::new(),
            quantity: String::new(),
            unit_code: "C62".into(),
            unit_price: String::new(),
            vat_category: "S".into(),
            vat_rate: "20".into(),
        }
    }
}

impl LineInput {
    /// A row nobody filled in (unit and VAT come pre-selected, so they do not count).
    pub fn is_blank(&self) -> bool {
        self.name.trim().is_empty() && self.quantity.trim().is_empty() && self.unit_price.trim().is_empty()
    }

    fn set(&mut self, field: &str, value: String) {
        match field {
            "name" => self.name = value,
            "quantity" => self.quantity = value,
            "unit_code" => self.unit_code = value,
            "unit_price" => self.unit_price = value,
            "vat_category" => self.vat_category = value,
            "vat_rate" => self.vat_rate = value,
            _ => {}
        }
    }
}

/// `FR`, `FRA`, `fra` → `FR`: the form takes either ISO code, the document carries alpha-2.
pub fn country_alpha2(text: &str) -> Option<&'static str> {
    use crate::domain::identifiers::{CountryCode, CountryCodeError};
    match CountryCode::parse(text) {
        Ok(country) => Some(country.alpha2()),
        Err(CountryCodeError::TwoLetterCode { alpha2, .. }) => Some(alpha2),
        Err(_) => None,
    }
}

/// Where messages that belong to no input of the form go (shown above the form).
pub const GENERAL: &str = "form";

/// The form as typed: every value kept, so a refused form comes back exactly as it was sent.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InvoiceForm {
    fields: std::collections::BTreeMap<String, String>,
    pub lines: Vec<LineInput>,
    /// Lines were typed past `MAX_ROWS`: they cannot be kept, and the form says so rather than
    /// saving without them.
    pub lines_beyond_limit: bool,
}

fn line_key(key: &str) -> Option<(usize, &str)> {
    let rest = key.strip_prefix("lines[")?;
    let (index, field) = rest.split_once("].")?;
    let index: usize = index.parse().ok()?;
    LINE_FIELDS.contains(&field).then_some((index, field))
}

/// `1 234,50` → `1234.50`; `None` when it is not a number.
pub fn parse_french_decimal(text: &str) -> Option<Decimal> {
    let cleaned: String = text
        .chars()
        .filter(|c| !matches!(c, ' ' | '\u{00A0}' | '\u{202F}' | '_'))
        .map(|c| if c == ',' { '.' } else { c })
        .collect();
    if cleaned.is_empty() || cleaned.matches('.').count() > 1 {
        return None;
    }
    Decimal::from_str_exact(&cleaned).ok()
}

/// `31/12/2026` or `2026-12-31`.
pub fn parse_form_date(text: &str) -> Option<NaiveDate> {
    let text = text.trim();
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(text, "%d/%m/%Y"))
        .ok()
}

fn non_empty(text: &str) -> Option<String> {
    let trimmed = text.trim();
    (!trimmed.is_empty()).then(|| trimmed.to_string())
}

fn add(errors: &mut FieldErrors, field: impl Into<String>, message: impl Into<Message>) {
    errors.entry(field.into()).or_default().push(message.into());
}

/// Decimals are shown the French way in the form.
fn french(text: &str) -> String {
    text.replace('.', ",")
}

impl InvoiceForm {
    /// A blank form: buyer in France, EUR, today's date, a few empty line rows.
    pub fn blank(today: NaiveDate) -> InvoiceForm {
        let mut form = InvoiceForm::default();
        form.fields.insert("buyer.address.country_code".into(), "FR".into());
        form.fields.insert("currency".into(), "EUR".into());
        form.fields.insert("issue_date".into(), today.to_string());
        form.lines = vec![LineInput::default(); EMPTY_ROWS];
        form
    }

    /// The buyer block, service code, payment terms and due date from a customer record: what the
    /// invoice will carry (the record is copied, so later edits of the customer do not change it).
    pub fn fill_from_customer(
        &mut self,
        customer: &crate::db::models::customer::CustomerRow,
        today: NaiveDate,
        terms: crate::domain::organisation_profile::PaymentTerms,
    ) {
        let buyer = crate::invoicing::buyer_from_customer(customer);
        let mut set = |key: &str, value: Option<String>| {
            self.fields.insert(key.to_string(), value.unwrap_or_default());
        };
        set("customer_id", Some(customer.id.to_string()));
        set("buyer.name", Some(buyer.name));
        set("buyer.siret", buyer.siret);
        set("buyer.address.line1", buyer.address.line1);
        set("buyer.address.postal_code", buyer.address.postal_code);
        set("buyer.address.city", buyer.address.city);
        set("buyer.address.country_code", Some(buyer.address.country_code));
        set("references.buyer_reference", customer.service_code.clone());
        set("due_date", Some(terms.due_date(today).to_string()));
        set("payment_terms", Some(terms.text()));
    }

    /// The engagement and market numbers and the billing lines from a contract of the customer.
    pub fn fill_from_contract(&mut self, detail: &crate::db::models::contract::ContractDetail) {
        let contract = &detail.contract;
        self.fields.insert("contract_id".into(), contract.id.to_string());
        self.fields.insert(
            "references.order_reference".into(),
            contract.external_reference.clone().unwrap_or_default(),
        );
        self.fields.insert(
            "references.contract_reference".into(),
            contract.market_number.clone().unwrap_or_default(),
        );
        let lines: Vec<LineInput> = detail
            .lines
            .iter()
            .map(|line| LineInput {
                name: line.description.clone(),
                quantity: french(&line.quantity().normalize().to_string()),
                unit_code: line.unit_code.clone(),
                unit_price: french(&line.unit_price().normalize().to_string()),
                vat_category: line.vat_category.clone(),
                vat_rate: french(&line.vat_rate().normalize().to_string()),
            })
            .collect();
        if !lines.is_empty() {
            self.lines = lines;
            self.add_rows(1);
        }
    }

    /// Lines that name a saved item and have no unit price take the item's unit, price and VAT
    /// (and a quantity of 1 when none is typed): how the lines editor uses saved items without
    /// JavaScript.
    pub fn fill_saved_items(&mut self, items: &[crate::db::models::saved_item::SavedItemRow]) {
        for line in &mut self.lines {
            let name = line.name.trim();
            if name.is_empty() || !line.unit_price.trim().is_empty() {
                continue;
            }
            let Some(item) = items.iter().find(|item| item.name == name) else {
                continue;
            };
            line.unit_code = item.unit_code.clone();
            line.unit_price = french(&item.unit_price().normalize().to_string());
            line.vat_category = item.vat_category.clone();
            line.vat_rate = french(&item.vat_rate().normalize().to_string());
            if line.quantity.trim().is_empty() {
                line.quantity = "1".into();
            }
        }
    }

    /// Carries a stored draft's customer and contract (hidden inputs of the edit form).
    pub fn set_links(&mut self, customer_id: Option<i64>, contract_id: Option<i64>) {
        let text = |id: Option<i64>| id.map(|id| id.to_string()).unwrap_or_default();
        self.fields.insert("customer_id".into(), text(customer_id));
        self.fields.insert("contract_id".into(), text(contract_id));
    }

    /// The id of the customer (or contract) the form starts from, when it names one.
    pub fn linked_id(&self, field: &str) -> Option<i64> {
        self.value(field).trim().parse().ok()
    }

    /// Reads the posted pairs (unknown names are ignored).
    pub fn from_pairs(pairs: &[(String, String)]) -> InvoiceForm {
        let mut form = InvoiceForm::default();
        for (key, value) in pairs {
            if let Some((index, field)) = line_key(key) {
                if index >= MAX_ROWS {
                    form.lines_beyond_limit |= !value.trim().is_empty();
                    continue;
                }
                if form.lines.len() <= index {
                    form.lines.resize(index + 1, LineInput::default());
                }
                form.lines[index].set(field, value.clone());
            } else if FIELDS.contains(&key.as_str()) {
                form.fields.insert(key.clone(), value.clone());
            }
        }
        form
    }

    /// The value typed in one field (empty when absent).
    pub fn value(&self, field: &str) -> &str {
        self.fields.get(field).map(String::as_str).unwrap_or("")
    }

    /// Adds `count` empty rows (the "add lines" button), within the row limit.
    pub fn add_rows(&mut self, count: usize) {
        let target = (self.lines.len() + count).min(MAX_ROWS);
        self.lines.resize(target, LineInput::default());
    }

    /// The form showing a stored document (to edit a draft).
    pub fn from_document(document: &InvoiceDocument) -> InvoiceForm {
        let mut form = InvoiceForm::default();
        let mut set = |key: &str, value: Option<&str>| {
            form.fields.insert(key.to_string(), value.unwrap_or("").to_string());
        };
        let buyer = &document.buyer;
        set("buyer.name", Some(&buyer.name));
        set("buyer.siret", buyer.siret.as_deref());
        set("buyer.address.line1", buyer.address.line1.as_deref());
        set("buyer.address.postal_code", buyer.address.postal_code.as_deref());
        set("buyer.address.city", buyer.address.city.as_deref());
        set("buyer.address.country_code", Some(&buyer.address.country_code));
        let refs = &document.references;
        set("references.buyer_reference", refs.buyer_reference.as_deref());
        set("references.order_reference", refs.order_reference.as_deref());
        set("references.contract_reference", refs.contract_reference.as_deref());
        set("issue_date", Some(&document.issue_date));
        set("due_date", document.due_date.as_deref());
        set("currency", Some(document.currency.as_deref().unwrap_or("EUR")));
        set("payment_terms", document.payment_terms.as_deref());
        let free_notes: Vec<&str> = document
            .notes
            .iter()
            .filter(|n| n.subject_code.is_none())
            .map(|n| n.text.as_str())
            .collect();
        set("notes", Some(&free_notes.join("\n")));
        form.lines = document
            .lines
            .iter()
            .map(|line| LineInput {
                name: line.name.clone(),
                quantity: french(line.quantity.as_str()),
                unit_code: line.unit_code.clone(),
                unit_price: french(line.unit_price.as_str()),
                vat_category: line.vat_category.clone(),
                vat_rate: line.vat_rate.as_ref().map(|r| french(r.as_str())).unwrap_or_default(),
            })
            .collect();
        form.add_rows(1);
        form
    }

    /// Writes the form onto `base` (the stored draft, or an empty document), keeping what the
    /// form does not show. Returns the document, the form row of each document line, and the
    /// problems found in the form itself (numbers, dates, SIRET).
    pub fn apply_to(&self, mut document: InvoiceDocument) -> (InvoiceDocument, Vec<usize>, FieldErrors) {
        let mut errors = FieldErrors::new();
        if self.lines_beyond_limit {
            add(
                &mut errors,
                GENERAL,
                Message::new("err-form-too-many-lines").arg("max", MAX_ROWS),
            );
        }
        let text = |key: &str| non_empty(self.value(key));

        let buyer = &mut document.buyer;
        buyer.name = self.value("buyer.name").trim().to_string();
        buyer.siret = match text("buyer.siret") {
            None => None,
            Some(raw) => match Siret::parse(&raw) {
                Ok(siret) => Some(siret.as_str().to_string()),
                Err(e) => {
                    add(&mut errors, "buyer.siret", e);
                    Some(raw)
                }
            },
        };
        // The SIREN follows the SIRET; a stale one would contradict it.
        buyer.siren = None;
        buyer.address.line1 = text("buyer.address.line1");
        buyer.address.postal_code = text("buyer.address.postal_code");
        buyer.address.city = text("buyer.address.city");
        buyer.address.country_code = match text("buyer.address.country_code") {
            None => "FR".into(),
            Some(raw) => match country_alpha2(&raw) {
                Some(alpha2) => alpha2.to_string(),
                None => {
                    add(
                        &mut errors,
                        "buyer.address.country_code",
                        Message::new("err-form-country"),
                    );
                    raw.to_ascii_uppercase()
                }
            },
        };

        let refs = &mut document.references;
        refs.buyer_reference = text("references.buyer_reference");
        refs.order_reference = text("references.order_reference");
        refs.contract_reference = text("references.contract_reference");

        document.issue_date = match text("issue_date") {
            None => String::new(),
            Some(raw) => match parse_form_date(&raw) {
                Some(date) => date.to_string(),
                None => {
                    add(&mut errors, "issue_date", Message::new("err-form-date"));
                    raw
                }
            },
        };
        document.due_date = text("due_date").map(|raw| match parse_form_date(&raw) {
            Some(date) => date.to_string(),
            None => {
                add(&mut errors, "due_date", Message::new("err-form-date-optional"));
                raw
            }
        });
        document.currency = Some(text("currency").unwrap_or_else(|| "EUR".into()).to_ascii_uppercase());
        document.payment_terms = text("payment_terms");
        document.notes.retain(|n| n.subject_code.is_some());
        if let Some(note) = text("notes") {
            document.notes.push(Note {
                subject_code: None,
                text: note,
            });
        }

        let mut rows = Vec::new();
        let mut lines = Vec::new();
        for (row, input) in self.lines.iter().enumerate() {
            if input.is_blank() {
                continue;
            }
            let field = |name: &str| format!("lines[{row}].{name}");
            let mut number = |name: &str, raw: &str, required: bool| -> Option<DecimalText> {
                if raw.trim().is_empty() {
                    if required {
                        add(&mut errors, field(name), Message::new("err-number-empty"));
                    }
                    return None;
                }
                match parse_french_decimal(raw) {
                    Some(value) => Some(DecimalText(value.to_string())),
                    None => {
                        add(
                            &mut errors,
                            field(name),
                            Message::new("err-form-number").arg("value", raw.trim()),
                        );
                        None
                    }
                }
            };
            let quantity = number("quantity", &input.quantity, true);
            let unit_price = number("unit_price", &input.unit_price, true);
            let vat_rate = number("vat_rate", &input.vat_rate, false);
            // Category O takes no rate; zero-rate categories take 0 whatever the row says.
            let vat_category = input.vat_category.trim().to_string();
            let vat_rate = match vat_category.as_str() {
                "O" => None,
                "Z" | "E" | "AE" | "K" | "G" => Some(DecimalText("0".into())),
                _ => vat_rate,
            };
            let existing = document.lines.get(lines.len()).cloned().unwrap_or_default();
            lines.push(Line {
                id: None,
                name: input.name.trim().to_string(),
                quantity: quantity.unwrap_or_else(|| DecimalText("0".into())),
                unit_code: input.unit_code.trim().to_string(),
                unit_price: unit_price.unwrap_or_else(|| DecimalText("0".into())),
                vat_category,
                vat_rate,
                // A reason the form does not show is kept only while the category still needs one.
                vat_exemption_reason: existing
                    .vat_exemption_reason
                    .filter(|_| existing.vat_category == input.vat_category.trim()),
                vat_exemption_reason_code: existing
                    .vat_exemption_reason_code
                    .filter(|_| existing.vat_category == input.vat_category.trim()),
                ..Default::default()
            });
            rows.push(row);
        }
        document.lines = lines;
        (document, rows, errors)
    }
}

/// Puts the parser's problems next to the inputs: document line `k` is form row `rows[k]`;
/// anything the form has no input for goes under [`GENERAL`] with its path. A field the form
/// already explained keeps only the form's message.
pub fn merge_problems(form_errors: &mut FieldErrors, problems: &FieldErrors, rows: &[usize]) {
    let explained: Vec<String> = form_errors.keys().cloned().collect();
    for (path, messages) in problems {
        let key = match line_key(path) {
            Some((index, field)) => match rows.get(index) {
                Some(row) => format!("lines[{row}].{field}"),
                None => GENERAL.to_string(),
            },
            // The customer and contract are hidden inputs: their problems are shown above the form.
            None if path == "customer_id" || path == "contract_id" => GENERAL.to_string(),
            None if FIELDS.contains(&path.as_str()) => path.clone(),
            None if path == "lines" => GENERAL.to_string(),
            None => GENERAL.to_string(),
        };
        if explained.contains(&key) {
            continue;
        }
        for message in messages {
            let message = if key == GENERAL {
                Message::new("err-form-general")
                    .arg_msg("path", describe_path(path))
                    .arg_msg("message", message)
            } else {
                message.clone()
            };
            add(form_errors, key.clone(), message);
        }
    }
}

/// A readable name for a document path that has no input on the form.
fn describe_path(path: &str) -> Message {
    match path {
        "lines" => Message::new("err-form-path-lines"),
        p if p.starts_with("seller.") => Message::new("err-form-path-seller").arg("field", &p["seller.".len()..]),
        p => Message::new("err-form-path").arg("path", p),
    }
}

/// The HTML id of a field: `lines[2].quantity` → `lines_2_quantity`, `buyer.siret` → `buyer_siret`.
pub fn html_id(field: &str) -> String {
    let mut id = String::with_capacity(field.len());
    for c in field.chars() {
        if c.is_ascii_alphanumeric() || c == '_' || c == '-' {
            id.push(c);
        } else if !id.ends_with('_') {
            id.push('_');
        }
    }
    id.trim_end_matches('_').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::invoice::code_lists::UNIT_CODES;

    fn pairs(items: &[(&str, &str)]) -> Vec<(String, String)> {
        items.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn french_decimals_are_read() {
        assert_eq!(parse_french_decimal("1,5"), Some(Decimal::new(15, 1)));
        assert_eq!(parse_french_decimal("1\u{202F}234,56"), Some(Decimal::new(123456, 2)));
        assert_eq!(parse_french_decimal(" 12.50 "), Some(Decimal::new(1250, 2)));
        assert_eq!(parse_french_decimal("1,2,3"), None);
        assert_eq!(parse_french_decimal("abc"), None);
        assert_eq!(parse_french_decimal(""), None);
    }

    #[test]
    fn dates_in_both_forms() {
        let expected = NaiveDate::from_ymd_opt(2026, 12, 31);
        assert_eq!(parse_form_date("31/12/2026"), expected);
        assert_eq!(parse_form_date("2026-12-31"), expected);
        assert_eq!(parse_form_date("31/13/2026"), None);
    }

    #[test]
    fn blank_rows_are_skipped_and_problems_land_on_the_typed_row() {
        let form = InvoiceForm::from_pairs(&pairs(&[
            ("buyer.name", "Mairie"),
            ("lines[0].name", ""),
            ("lines[0].quantity", ""),
            ("lines[0].unit_price", ""),
            ("lines[2].name", "Audit"),
            ("lines[2].quantity", "1,5"),
            ("lines[2].unit_code", "HUR"),
            ("lines[2].unit_price", "abc"),
            ("lines[2].vat_category", "S"),
            ("lines[2].vat_rate", "20"),
        ]));
        let (document, rows, mut errors) = form.apply_to(InvoiceDocument::default());
        assert_eq!(document.lines.len(), 1);
        assert_eq!(document.lines[0].quantity.as_str(), "1.5");
        assert_eq!(rows, vec![2]);
        assert!(errors.contains_key("lines[2].unit_price"), "{errors:?}");
        let mut problems = FieldErrors::new();
        problems.insert("lines[0].unit_price".into(), vec![Message::new("err-inv-negative")]);
        problems.insert("lines[0].unit_code".into(), vec![Message::new("err-inv-required")]);
        problems.insert("seller.siret".into(), vec![Message::new("err-inv-required")]);
        merge_problems(&mut errors, &problems, &rows);
        assert_eq!(errors["lines[2].unit_price"].len(), 1, "the form's message only");
        assert_eq!(errors["lines[2].unit_code"], vec![Message::new("err-inv-required")]);
        assert!(errors[GENERAL][0].to_string().contains("siret"));
        assert_eq!(
            errors[GENERAL][0].render(crate::i18n::Locale::Fr),
            "Votre organisation (siret), voir ses paramètres\u{a0}: obligatoire"
        );
    }

    #[test]
    fn a_document_round_trips_through_the_form() {
        let form = InvoiceForm::from_pairs(&pairs(&[
            ("buyer.name", "Mairie de Lyon"),
            ("buyer.siret", "73282932000074"),
            ("buyer.address.country_code", "fr"),
            ("references.buyer_reference", "SERVICE-1"),
            ("issue_date", "15/10/2026"),
            ("lines[0].name", "Audit"),
            ("lines[0].quantity", "2"),
            ("lines[0].unit_code", "DAY"),
            ("lines[0].unit_price", "450,5"),
            ("lines[0].vat_category", "S"),
            ("lines[0].vat_rate", "20"),
        ]));
        let (document, _, errors) = form.apply_to(InvoiceDocument::default());
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(document.issue_date, "2026-10-15");
        assert_eq!(document.buyer.address.country_code, "FR");
        let again = InvoiceForm::from_document(&document);
        assert_eq!(again.value("buyer.siret"), "73282932000074");
        assert_eq!(again.lines[0].unit_price, "450,5");
        assert_eq!(again.lines.len(), 2, "one empty row to add a line");
    }

    #[test]
    fn a_wrong_siret_is_explained() {
        let form = InvoiceForm::from_pairs(&pairs(&[("buyer.siret", "73282932000075")]));
        let (_, _, errors) = form.apply_to(InvoiceDocument::default());
        assert!(errors["buyer.siret"][0].to_string().contains("check digit"));
    }

    #[test]
    fn every_unit_offered_is_a_known_code() {
        for (code, _) in UNIT_CHOICES {
            assert!(UNIT_CODES.binary_search(code).is_ok(), "{code}");
        }
    }

    #[test]
    fn ids_are_safe() {
        assert_eq!(html_id("lines[2].quantity"), "lines_2_quantity");
        assert_eq!(html_id("buyer.siret"), "buyer_siret");
        assert_eq!(html_id("references.buyer_reference"), "references_buyer_reference");
    }
}
