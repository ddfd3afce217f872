//! Invoicing use cases: save a draft, issue it (gapless number, frozen document) and, when the buyer
//! receives invoices through Chorus Pro, queue its submission in the same transaction.

use crate::audit::{self, Actor, Entry};
use crate::db::models::bank_account::{self, BankAccountRow};
use crate::db::models::organisation::OrganisationRow;
use crate::db::models::{chorus_connection, invoice, organisation, submission};
use crate::db::types::to_micros;
use crate::db::{AnyConnection, now};
use crate::domain::deposit::AttachmentMode;
use crate::domain::invoice::document::{Address, PaymentMeans};
use crate::domain::invoice::{DocumentKind, Invoice, InvoiceDocument};
use crate::i18n::Message;
use chrono::NaiveDate;
use std::collections::BTreeMap;

/// The number a draft carries until it is issued (valid in the Chorus character set).
pub const DRAFT_NUMBER: &str = "BROUILLON";
pub const DEFAULT_SERIES: &str = "FA";

/// Field path → messages, as the API's 422 (in English) and the forms (in the reader's language)
/// show them.
pub type Problems = BTreeMap<String, Vec<Message>>;

#[derive(Debug, thiserror::Error)]
pub enum InvoicingError {
    #[error("the invoice has invalid fields")]
    Invalid(Problems),
    #[error("not found")]
    NotFound,
    #[error("an issued invoice never changes: issue a credit note to correct it")]
    AlreadyIssued,
    #[error(transparent)]
    Database(#[from] diesel::result::Error),
}

impl InvoicingError {
    /// Why it was refused, for a flash: each field's problems, or the reason itself.
    pub fn reasons(&self) -> Vec<Message> {
        match self {
            InvoicingError::Invalid(problems) => Message::field_list(problems),
            InvoicingError::NotFound => vec![Message::new("err-invoice-not-found")],
            InvoicingError::AlreadyIssued => vec![Message::new("err-invoice-already-issued")],
            InvoicingError::Database(e) => vec![Message::new("err-invoice-document-unreadable").arg("detail", e)],
        }
    }
}

/// What a caller provides for a draft.
#[derive(Debug, Clone)]
pub struct DraftInput {
    pub customer_id: Option<i64>,
    pub contract_id: Option<i64>,
    /// Numbering series prefix, e.g. `FA` (invoices) or `AV` (credit notes).
    pub series: Option<String>,
    pub corrects_invoice_id: Option<i64>,
    pub document: InvoiceDocument,
}

/// The seller is always the organisation: its name, SIRET, VAT number and address replace whatever
/// the document says; its bank account is the default payment means of an invoice.
pub fn apply_seller(document: &mut InvoiceDocument, org: &OrganisationRow) {
    let seller = &mut document.seller;
    seller.name = org.name.clone();
    seller.siret = Some(org.siret.clone());
    seller.siren = Some(org.siren.clone());
    seller.vat_id = org.vat_number.clone().or_else(|| {
        // A French company's intra-EU VAT number follows from its SIREN.
        (org.country == "FRA")
            .then(|| crate::domain::identifiers::Siren::parse(&org.siren).ok())
            .flatten()
            .map(|siren| {
                crate::domain::identifiers::VatNumber::french_from_siren(&siren)
                    .as_str()
                    .to_string()
            })
    });
    apply_profile(seller, org);
    seller.address = Address {
        line1: Some(org.address_line1.clone()).filter(|s| !s.is_empty()),
        line2: org.address_line2.clone(),
        line3: None,
        city: Some(org.city.clone()).filter(|s| !s.is_empty()),
        postal_code: Some(org.postal_code.clone()).filter(|s| !s.is_empty()),
        country_subdivision: None,
        country_code: alpha2(&org.country).to_string(),
    };
    apply_terms(document, org);
    // Legacy single account: migration 000400 moved it into `bank_accounts`; only code that still
    // writes the old columns directly (test set-ups) reaches this.
    if document.kind == DocumentKind::Invoice
        && document.payment_means.is_empty()
        && let Some(iban) = &org.iban
    {
        document.payment_means.push(PaymentMeans {
            code: "30".into(),
            iban: Some(iban.clone()),
            bic: org.bic.clone(),
            ..Default::default()
        });
    }
}

/// The seller's billing profile (Configuration › Company): trading name (BT-28), legal form,
/// share capital and registration (BT-33), contact (BG-6).
fn apply_profile(seller: &mut crate::domain::invoice::document::Party, org: &OrganisationRow) {
    use crate::domain::invoice::document::Contact;
    seller.trading_name = org.trading_name.clone().or(seller.trading_name.take());
    let capital = org.share_capital.map(crate::db::types::from_micros);
    if let Some(mentions) = crate::domain::organisation_profile::legal_mentions(
        org.legal_form.as_deref(),
        capital,
        org.registration.as_deref(),
    ) {
        seller.legal_form = Some(mentions);
    }
    if org.contact_email.is_some() || org.contact_phone.is_some() {
        seller.contact = Some(Contact {
            name: seller.contact.as_ref().and_then(|c| c.name.clone()),
            phone: org.contact_phone.clone(),
            email: org.contact_email.clone(),
        });
    }
}

/// The organisation's payment terms (BT-20) and due date (BT-9) when the invoice gives none, and
/// the French late-payment mentions as notes PMD (pénalités) and PMT (indemnité forfaitaire de
/// 40 €) unless the invoice carries its own.
fn apply_terms(document: &mut InvoiceDocument, org: &OrganisationRow) {
    use crate::domain::invoice::document::Note;
    use crate::domain::organisation_profile::{DEFAULT_LATE_PAYMENT_PENALTY, DEFAULT_RECOVERY_INDEMNITY, PaymentTerms};
    if document.kind != DocumentKind::Invoice {
        return;
    }
    let terms = PaymentTerms {
        days: u16::try_from(org.payment_terms_days).unwrap_or(30),
        end_of_month: org.payment_terms_end_of_month,
    };
    if document.payment_terms.as_deref().is_none_or(|t| t.trim().is_empty()) {
        document.payment_terms = Some(terms.text());
    }
    if document.due_date.as_deref().is_none_or(|d| d.trim().is_empty())
        && let Ok(issue) = document.issue_date.parse::<NaiveDate>()
    {
        document.due_date = Some(terms.due_date(issue).to_string());
    }
    let mentions = [
        (
            "PMD",
            org.late_payment_penalty
                .as_deref()
                .unwrap_or(DEFAULT_LATE_PAYMENT_PENALTY),
        ),
        (
            "PMT",
            org.recovery_indemnity.as_deref().unwrap_or(DEFAULT_RECOVERY_INDEMNITY),
        ),
    ];
    for (code, text) in mentions {
        if !document
            .notes
            .iter()
            .any(|note| note.subject_code.as_deref() == Some(code))
        {
            document.notes.push(Note {
                subject_code: Some(code.into()),
                text: text.into(),
            });
        }
    }
}

/// The payment means of an invoice paid to `account`: credit transfer (BT-81 code 30, as Chorus Pro
/// expects), IBAN (BT-84), holder (BT-85), BIC (BT-86).
pub fn payment_means_of(account: &BankAccountRow) -> PaymentMeans {
    PaymentMeans {
        code: "30".into(),
        iban: Some(account.iban.clone()),
        account_name: Some(account.holder_name.clone()),
        bic: account.bic.clone(),
        ..Default::default()
    }
}

/// An invoice is paid to the organisation's default account. The document's payment means are
/// replaced when it has none, or when they are only transfers to the organisation's own accounts
/// (so that a changed default reaches drafts saved before); a direct debit, a card or an account
/// given through the API is kept as it is.
pub fn apply_bank_account(document: &mut InvoiceDocument, accounts: &[BankAccountRow]) {
    let Some(default) = accounts.iter().find(|account| account.is_default) else {
        return;
    };
    let compact = |iban: &str| iban.split_whitespace().collect::<String>().to_ascii_uppercase();
    let ours = |means: &PaymentMeans| {
        matches!(means.code.as_str(), "30" | "58")
            && means
                .iban
                .as_deref()
                .is_some_and(|iban| accounts.iter().any(|account| account.iban == compact(iban)))
    };
    if document.kind == DocumentKind::Invoice
        && (document.payment_means.is_empty() || document.payment_means.iter().all(ours))
    {
        document.payment_means = vec![payment_means_of(default)];
    }
}

fn alpha2(alpha3: &str) -> &'static str {
    crate::domain::identifiers::CountryCode::parse(alpha3)
        .map(|c| c.alpha2())
        .unwrap_or("FR")
}

fn problems_of(errors: &crate::domain::invoice::FieldErrors) -> Problems {
    let mut out = Problems::new();
    for (field, message) in errors.iter() {
        out.entry(field.to_string()).or_default().push(message.clone());
    }
    out
}

/// Parses a document as it would be issued, with a provisional number and today's date if missing.
pub fn parse_for_draft(mut document: InvoiceDocument) -> Result<Invoice, Problems> {
    if document.number.trim().is_empty() {
        document.number = DRAFT_NUMBER.to_string();
    }
    if document.issue_date.trim().is_empty() {
        document.issue_date = chrono::Utc::now().date_naive().to_string();
    }
    Invoice::parse(document).map_err(|e| problems_of(&e))
}

fn values_for(org: &OrganisationRow, input: &DraftInput, parsed: &Invoice) -> invoice::InvoiceValues {
    let document = parsed.document();
    let totals = parsed.totals();
    // Invoices take the organisation's series (Configuration › Company), credit notes their own.
    let series = input.series.clone().unwrap_or_else(|| match document.kind {
        DocumentKind::CreditNote => "AV".to_string(),
        DocumentKind::Invoice => org.invoice_prefix.clone(),
    });
    invoice::InvoiceValues {
        organisation_id: org.id,
        customer_id: input.customer_id,
        contract_id: input.contract_id,
        kind: document.kind.as_str().into(),
        series,
        issue_date: parsed.dates().issue,
        due_date: parsed.dates().due,
        currency: parsed.currency().as_str().to_string(),
        buyer_name: document.buyer.name.clone(),
        buyer_siret: document.buyer.siret.clone(),
        total_without_vat: to_micros(totals.tax_exclusive),
        total_vat: to_micros(totals.vat_total),
        total_with_vat: to_micros(totals.tax_inclusive),
        amount_due: to_micros(totals.payable),
        document: serde_json::to_string(document).unwrap_or_default(),
        corrects_invoice_id: input.corrects_invoice_id,
        updated_at: now(),
    }
}

fn validate_series(series: &Option<String>) -> Result<(), Problems> {
    if let Some(series) = series
        && (series.is_empty()
            || series.len() > 8
            || !series
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '/')))
    {
        let mut p = Problems::new();
        p.entry("series".into())
            .or_default()
            .push(Message::new("err-invoice-series"));
        return Err(p);
    }
    Ok(())
}

/// Creates (`invoice_id = None`) or updates a draft. Call inside a write transaction.
pub fn save_draft(
    conn: &mut AnyConnection,
    org: &OrganisationRow,
    invoice_id: Option<i64>,
    mut input: DraftInput,
    actor: Actor,
) -> Result<invoice::InvoiceRow, InvoicingError> {
    validate_series(&input.series).map_err(InvoicingError::Invalid)?;
    apply_bank_account(&mut input.document, &bank_account::list(conn, org.id)?);
    apply_seller(&mut input.document, org);
    input.document.number = DRAFT_NUMBER.to_string();
    let parsed = parse_for_draft(input.document.clone()).map_err(InvoicingError::Invalid)?;
    let values = values_for(org, &input, &parsed);
    let row = match invoice_id {
        None => invoice::insert_draft(conn, &values)?,
        Some(id) => {
            let existing = invoice::find(conn, org.id, id)?.ok_or(InvoicingError::NotFound)?;
            if existing.state != crate::domain::state::InvoiceState::Draft {
                return Err(InvoicingError::AlreadyIssued);
            }
            invoice::update_draft(conn, org.id, id, &values)?;
            invoice::find(conn, org.id, id)?.ok_or(InvoicingError::NotFound)?
        }
    };
    audit::record(
        conn,
        Entry::new(Some(org.id), actor, if invoice_id.is_some() { "invoice.draft_updated" } else { "invoice.draft_created" })
            .target("invoice", row.id)
            .details(serde_json::json!({"buyer": row.buyer_name, "total_with_vat": crate::db::types::from_micros(row.total_with_vat).to_string()})),
    )?;
    Ok(row)
}

/// Whether an issued invoice goes to Chorus Pro: the organisation's Chorus Pro is active, and the
/// buyer is French with a SIRET (and, for a registered customer, receives invoices through Chorus).
pub fn eligible_for_chorus(
    org: &OrganisationRow,
    document: &InvoiceDocument,
    customer_receives_chorus: Option<bool>,
) -> bool {
    org.chorus_active()
        && document.buyer.address.country_code.eq_ignore_ascii_case("FR")
        && document.buyer.siret.as_deref().is_some_and(|s| s.len() == 14)
        && customer_receives_chorus.unwrap_or(true)
}

/// Whether a registered customer receives its invoices through Chorus Pro: it says so, and it is
/// not archived. The one rule for the pages, the API and `issue` alike.
pub fn customer_receives_chorus(customer: &crate::db::models::customer::CustomerRow) -> bool {
    customer.chorus && !customer.archived
}

/// How the invoice PDF travels with the structured invoice. For an organisation connected to
/// Chorus Pro: its setting (Configuration › E-Invoicing), which the submitter deposits with, so the
/// invoice page previews exactly what is sent. Without a connection nothing is deposited and the
/// document's own choice applies.
pub fn attachment_mode(connection_setting: Option<AttachmentMode>, document: &InvoiceDocument) -> AttachmentMode {
    connection_setting.unwrap_or_else(|| document.attachment.unwrap_or_default())
}

/// The outcome of issuing.
#[derive(Debug, Clone)]
pub struct Issued {
    pub invoice: invoice::InvoiceRow,
    pub submission_id: Option<i64>,
}

/// Issues a draft: takes the next number of its series, freezes the document and queues the Chorus
/// Pro submission when eligible, all in the caller's write transaction.
pub fn issue(
    conn: &mut AnyConnection,
    organisation_id: i64,
    invoice_id: i64,
    customer_receives_chorus: Option<bool>,
    actor: Actor,
) -> Result<Issued, InvoicingError> {
    let org = organisation::find(conn, organisation_id)?.ok_or(InvoicingError::NotFound)?;
    let draft = invoice::find(conn, organisation_id, invoice_id)?.ok_or(InvoicingError::NotFound)?;
    if draft.state != crate::domain::state::InvoiceState::Draft {
        return Err(InvoicingError::AlreadyIssued);
    }
    let mut document: InvoiceDocument = serde_json::from_str(&draft.document).map_err(|e| {
        let mut p = Problems::new();
        p.entry("document".into())
            .or_default()
            .push(Message::new("err-invoice-draft-unreadable").arg("detail", e));
        InvoicingError::Invalid(p)
    })?;
    let number = match kept_import_number(conn, &org, &draft, &document)? {
        // An imported invoice, unedited, keeps its number and says what its file says.
        Some(number) => number,
        None => {
            // The document is frozen below: the account it names stays, whatever the organisation changes later.
            apply_bank_account(&mut document, &bank_account::list(conn, organisation_id)?);
            apply_seller(&mut document, &org);
            // Gapless per organisation, series and year, in this transaction.
            let year = chrono::Datelike::year(&draft.issue_date);
            let sequence = crate::db::models::numbering::take_next(conn, organisation_id, &draft.series, year)?;
            format!("{}{year}-{sequence:05}", draft.series)
        }
    };
    document.number = number.clone();
    let parsed = Invoice::parse(document).map_err(|e| InvoicingError::Invalid(problems_of(&e)))?;
    let frozen = serde_json::to_string(parsed.document()).unwrap_or_default();
    if invoice::mark_issued(conn, organisation_id, invoice_id, &number, &frozen)? != 1 {
        return Err(InvoicingError::AlreadyIssued);
    }
    audit::record(
        conn,
        Entry::new(Some(organisation_id), actor.clone(), "invoice.issued")
            .target("invoice", invoice_id)
            .details(serde_json::json!({"number": number})),
    )?;
    // A registered customer's own flag decides, unless the caller already knows.
    let customer_receives_chorus = match (customer_receives_chorus, draft.customer_id) {
        (Some(known), _) => Some(known),
        (None, Some(customer_id)) => crate::db::models::customer::find(conn, organisation_id, customer_id)?
            .map(|c| self::customer_receives_chorus(&c)),
        (None, None) => None,
    };
    let submission_id = if eligible_for_chorus(&org, parsed.document(), customer_receives_chorus) {
        let syntax = chorus_connection::deposit_format(conn, organisation_id)?.wire_syntax();
        let id = submission::enqueue(conn, organisation_id, invoice_id, syntax)?;
        audit::record(
            conn,
            Entry::new(Some(organisation_id), actor, "submission.queued")
                .target("invoice", invoice_id)
                .details(serde_json::json!({"submission": id, "syntax": syntax})),
        )?;
        Some(id)
    } else {
        None
    };
    crate::notify::invoice_issued(conn, organisation_id, invoice_id, &number, submission_id.is_some())?;
    let invoice = invoice::find(conn, organisation_id, invoice_id)?.ok_or(InvoicingError::NotFound)?;
    Ok(Issued { invoice, submission_id })
}

/// Reads an issued (or draft) invoice back into the domain, for rendering.
pub fn load(row: &invoice::InvoiceRow) -> Result<Invoice, Problems> {
    let document: InvoiceDocument = serde_json::from_str(&row.document).map_err(|e| {
        let mut p = Problems::new();
        p.entry("document".into())
            .or_default()
            .push(Message::new("err-invoice-document-unreadable").arg("detail", e));
        p
    })?;
    if row.state == crate::domain::state::InvoiceState::Draft {
        parse_for_draft(document)
    } else {
        Invoice::parse(document).map_err(|e| problems_of(&e))
    }
}

/// Today in France, for default issue dates.
pub fn today() -> NaiveDate {
    chrono::Utc::now().date_naive()
}

/// The buyer party as the customer record says now (copied into the invoice at issue time).
pub fn buyer_from_customer(
    customer: &crate::db::models::customer::CustomerRow,
) -> crate::domain::invoice::document::Party {
    use crate::domain::invoice::document::Party;
    Party {
        name: customer.name.clone(),
        siret: customer.siret.clone(),
        vat_id: customer.vat_number.clone(),
        address: Address {
            line1: Some(customer.address_line1.clone()),
            line2: customer.address_line2.clone(),
            line3: None,
            city: Some(customer.city.clone()),
            postal_code: Some(customer.postal_code.clone()),
            country_subdivision: None,
            country_code: alpha2(&customer.country).to_string(),
        },
        contact: customer
            .email
            .clone()
            .map(|email| crate::domain::invoice::document::Contact {
                email: Some(email),
                ..Default::default()
            }),
        ..Default::default()
    }
}

/// "Invoice this contract": a draft from the contract's billing lines for a period, addressed to its
/// customer as the record says now, with its engagement (BT-13) and market (BT-12) numbers.
pub fn draft_from_contract(
    conn: &mut AnyConnection,
    org: &OrganisationRow,
    contract_id: i64,
    period: (NaiveDate, NaiveDate),
    actor: Actor,
) -> Result<invoice::InvoiceRow, InvoicingError> {
    use crate::domain::invoice::document::{Line, Period};
    let detail = crate::db::models::contract::find(conn, org.id, contract_id)?.ok_or(InvoicingError::NotFound)?;
    let customer = crate::db::models::customer::find(conn, org.id, detail.contract.customer_id)?
        .ok_or(InvoicingError::NotFound)?;
    let (start, end) = period;
    let problems = crate::domain::contract::invoicing_period_problems(
        start,
        end,
        detail.contract.start_date,
        detail.contract.end_date,
        today(),
    );
    if !problems.is_empty() {
        let mut p = Problems::new();
        for (field, message) in problems {
            p.entry(field.into()).or_default().push(message);
        }
        return Err(InvoicingError::Invalid(p));
    }
    let mut document = InvoiceDocument {
        issue_date: today().to_string(),
        buyer: buyer_from_customer(&customer),
        invoice_period: Some(Period {
            start_date: Some(start.to_string()),
            end_date: Some(end.to_string()),
            ..Default::default()
        }),
        payment_terms: Some("Paiement à 30 jours par virement.".into()),
        ..Default::default()
    };
    document.references.buyer_reference = customer.service_code.clone();
    document.references.order_reference = detail.contract.external_reference.clone();
    document.references.contract_reference = detail.contract.market_number.clone();
    document.lines = detail
        .lines
        .iter()
        .map(|line| Line {
            name: line.description.clone(),
            quantity: crate::domain::invoice::document::DecimalText::new(line.quantity().normalize().to_string()),
            unit_code: line.unit_code.clone(),
            unit_price: crate::domain::invoice::document::DecimalText::new(line.unit_price().normalize().to_string()),
            vat_category: line.vat_category.clone(),
            vat_rate: Some(crate::domain::invoice::document::DecimalText::new(
                line.vat_rate().normalize().to_string(),
            )),
            ..Default::default()
        })
        .collect();
    save_draft(
        conn,
        org,
        None,
        DraftInput {
            customer_id: Some(customer.id),
            contract_id: Some(contract_id),
            series: None,
            corrects_invoice_id: None,
            document,
        },
        actor,
    )
}

/// Whether an imported document is the organisation's own invoice: its seller SIRET is the
/// organisation's. Only then is it kept as the file says (seller, payment means and number).
pub fn is_own_invoice(document: &InvoiceDocument, org: &OrganisationRow) -> bool {
    document.seller.siret.as_deref() == Some(org.siret.as_str())
}

/// Saves an imported document as a new draft. The organisation's own invoice (`is_own_invoice`)
/// is kept exactly as its file says, so that the file itself can be deposited; any other is
/// saved like a typed draft (the organisation's seller details and bank account applied).
pub fn save_received_draft(
    conn: &mut AnyConnection,
    org: &OrganisationRow,
    mut input: DraftInput,
    actor: Actor,
) -> Result<invoice::InvoiceRow, InvoicingError> {
    if !is_own_invoice(&input.document, org) {
        return save_draft(conn, org, None, input, actor);
    }
    validate_series(&input.series).map_err(InvoicingError::Invalid)?;
    input.document.number = DRAFT_NUMBER.to_string();
    let parsed = parse_for_draft(input.document.clone()).map_err(InvoicingError::Invalid)?;
    let values = values_for(org, &input, &parsed);
    let row = invoice::insert_draft(conn, &values)?;
    audit::record(
        conn,
        Entry::new(Some(org.id), actor, "invoice.draft_created")
            .target("invoice", row.id)
            .details(serde_json::json!({"buyer": row.buyer_name, "total_with_vat": crate::db::types::from_micros(row.total_with_vat).to_string(), "as_imported": true})),
    )?;
    Ok(row)
}

/// The number an imported draft keeps at issue: its file's, when the draft is unedited since the
/// import, is the organisation's own invoice, the number is free in the organisation and valid
/// for Chorus Pro. `None`: the gapless series numbers it.
fn kept_import_number(
    conn: &mut AnyConnection,
    org: &OrganisationRow,
    draft: &invoice::InvoiceRow,
    document: &InvoiceDocument,
) -> Result<Option<String>, InvoicingError> {
    use crate::db::models::invoice_original;
    let Some(original) = invoice_original::find(conn, org.id, draft.id)? else {
        return Ok(None);
    };
    if original.draft_document != draft.document
        || !is_own_invoice(document, org)
        || invoice_original::number_taken(conn, org.id, &original.number)?
    {
        return Ok(None);
    }
    let mut numbered = document.clone();
    numbered.number = original.number.clone();
    Ok(Invoice::parse(numbered).is_ok().then_some(original.number))
}
