//! Invoices: the invoice page, its pre-send checks, Chorus Pro status and preview.

use super::*;

pub struct LineView {
    pub name: String,
    pub quantity: String,
    pub unit: String,
    pub unit_price: String,
    pub vat: String,
    pub net: String,
}

pub struct VatView {
    pub label: String,
    pub taxable: String,
    pub tax: String,
}

pub struct TotalsView {
    pub without_vat: String,
    pub vat: String,
    pub with_vat: String,
    pub payable: String,
}

pub struct FileView {
    pub name: String,
    pub what: &'static str,
    pub size: String,
}

pub struct ReasonView {
    pub source: String,
    pub code: String,
    pub message: String,
    pub fix_link: Option<String>,
    pub fix_label: String,
}

pub struct ChorusView {
    pub stage: SubmissionStage,
    pub flux_number: Option<String>,
    pub chorus_invoice_id: Option<String>,
    pub last_error: Option<String>,
    pub reasons: Vec<ReasonView>,
    pub waiting_for_person: bool,
    pub next_check: Option<String>,
    pub ageing: Option<String>,
    pub deposited_at: Option<String>,
    /// Chorus Pro rejected the deposit at integration: the routing may be corrected and deposited again.
    pub routing_correctable: bool,
    /// The buyer rejected it after integration: "credit note and corrected copy" is offered.
    pub corrected_copy_offered: bool,
    /// What "Resend after correction" would change ("Engagement: (none) → EJ-2026-0042"), in the
    /// reader's language; empty: nothing changed since the rejected deposit, nothing offered.
    pub resend_changes: Vec<String>,
}

#[derive(Template)]
#[template(path = "invoices/show.html", blocks = ["live"])]
pub struct ShowPage {
    pub ctx: Ctx,
    pub row: InvoiceRow,
    pub title: String,
    pub status: StatusView,
    pub document: InvoiceDocument,
    pub lines: Vec<LineView>,
    pub vat: Vec<VatView>,
    pub totals: Option<TotalsView>,
    pub problems: Vec<String>,
    pub checks: Vec<RuleViolation>,
    pub files: Vec<FileView>,
    pub render_error: Option<String>,
    pub chorus: Option<ChorusView>,
    pub corrects: Option<(i64, String)>,
    /// "Fix routing and recycle" or "Complete", when the invoice waits for one.
    pub followup: Option<FollowUpForm>,
    /// The characters the PDF font cannot draw (shown as `?` in the PDF), each once.
    pub pdf_substitutes: Vec<char>,
    /// The file it was imported from, and what its deposit sent.
    pub original: Option<crate::db::models::invoice_original::OriginalSummary>,
}

/// The follow-up form of an invoice Chorus Pro sent back: `recycle` (A_RECYCLER) or `complete`
/// (SUSPENDUE). Fields as typed, errors next to them.
pub struct FollowUpForm {
    pub kind: &'static str,
    pub buyer_siret: String,
    pub service_code: String,
    pub engagement: String,
    pub comment: String,
    pub errors: FieldErrors,
    /// The reader's language, for the errors.
    pub locale: crate::i18n::Locale,
}

impl FollowUpForm {
    pub const RECYCLE: &'static str = "recycle";
    pub const COMPLETE: &'static str = "complete";

    /// Which form a submission waits for, if any.
    pub(super) fn offered(sub: &SubmissionRow) -> Option<&'static str> {
        if sub.stage != SubmissionStage::Track {
            return None;
        }
        match chorus_status::follow_up(sub.chorus_status.as_deref()?)? {
            chorus_status::FollowUp::Recycle => Some(Self::RECYCLE),
            chorus_status::FollowUp::Complete => Some(Self::COMPLETE),
        }
    }

    pub fn error(&self, field: &str) -> String {
        crate::domain::organisation::field_error(&self.errors, field, self.locale)
    }

    pub fn has_error(&self, field: &str) -> bool {
        self.errors.contains_key(field)
    }
}

impl ShowPage {
    /// "UBL 2.1", "CII D16B" or "Factur-X": the syntax of the imported file.
    pub fn original_format(&self) -> String {
        self.original
            .as_ref()
            .and_then(|o| crate::import::ImportFormat::parse(&o.format))
            .map(|f| f.to_string())
            .unwrap_or_default()
    }

    pub fn is_draft(&self) -> bool {
        self.row.state == InvoiceState::Draft
    }
    /// The substituted characters for the warning, each quoted: `«😀», «漢»`.
    pub fn pdf_substitutes_list(&self) -> String {
        self.pdf_substitutes
            .iter()
            .map(|c| format!("«{c}»"))
            .collect::<Vec<_>>()
            .join(", ")
    }
    pub fn can_credit(&self) -> bool {
        self.row.state == InvoiceState::Issued && self.row.kind == DocumentKind::Invoice
    }
    /// A document date (ISO text) in the reader's language; anything else as written.
    pub fn day(&self, text: &str) -> String {
        match NaiveDate::parse_from_str(text, "%Y-%m-%d") {
            Ok(date) => self.ctx.date(date),
            Err(_) => text.to_string(),
        }
    }

    pub fn opt_day(&self, text: &Option<String>) -> String {
        text.as_deref().map(|t| self.day(t)).unwrap_or_else(|| "—".to_string())
    }

    pub fn opt<'a>(&self, value: &'a Option<String>) -> &'a str {
        value.as_deref().unwrap_or("—")
    }
}

/// A file size in the reader's units: bytes/KB/MB, octets/Ko/Mo.
fn human_size(locale: Locale, bytes: usize) -> String {
    use rust_decimal::{Decimal, RoundingStrategy};
    let (unit_bytes, unit_kb, unit_mb) = match locale {
        Locale::Fr => ("octets", "Ko", "Mo"),
        Locale::En => ("bytes", "KB", "MB"),
    };
    if bytes < 1024 {
        format!("{bytes}\u{a0}{unit_bytes}")
    } else if bytes < 1024 * 1024 {
        format!("{}\u{a0}{unit_kb}", bytes.div_ceil(1024))
    } else {
        let mb = Decimal::from(bytes as u64) / Decimal::from(1024 * 1024);
        // Half away from zero, to one decimal.
        let mb = mb.round_dp_with_strategy(1, RoundingStrategy::MidpointAwayFromZero);
        format!("{}\u{a0}{unit_mb}", i18n::format_decimal(locale, mb))
    }
}

/// A unit price in the same money format as the totals; a price with more than two decimals
/// keeps them (it is not an amount due: rounding it would misstate the line).
fn unit_price_text(locale: Locale, price: Decimal, currency: &str) -> String {
    use rust_decimal::RoundingStrategy;
    if price.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero) == price {
        return i18n::format_amount(locale, price, currency);
    }
    let zero = i18n::format_amount(locale, Decimal::ZERO, currency);
    let zero_digits = i18n::format_decimal(locale, Decimal::new(0, 2));
    zero.replacen(&zero_digits, &i18n::format_decimal(locale, price.normalize()), 1)
}

/// Where to fix the field a Chorus Pro reason points at. An issued invoice never opens the draft
/// form (it refuses them): its routing data is corrected on its own page, which also shows what the
/// customer and contract records say now, and deposits it again.
///
/// An issued invoice made from a customer (or a contract) is fixed where the data comes from: the
/// customer's (or contract's) form, which brings the user back to the invoice
/// (`?return_to=/invoices/{id}`) to "Resend after correction".
pub fn fix_link(field: &str, row: &InvoiceRow) -> Option<(String, Message)> {
    let on_invoice = |anchor: &str| {
        if row.state == InvoiceState::Draft {
            format!("/invoices/{}/edit#{anchor}", row.id)
        } else {
            format!("/invoices/{}/routing#{anchor}", row.id)
        }
    };
    let back = format!("return_to=/invoices/{}", row.id);
    let on_customer = |anchor: &str, field: &str| match row.customer_id {
        Some(customer) if row.state != InvoiceState::Draft => format!("/customers/{customer}/edit?{back}#{field}"),
        _ => on_invoice(anchor),
    };
    let on_contract = |anchor: &str, field: &str| match row.contract_id {
        Some(contract) if row.state != InvoiceState::Draft => format!("/contracts/{contract}/edit?{back}#{field}"),
        _ => on_invoice(anchor),
    };
    Some(match field {
        "buyer_siret" => (
            on_customer("buyer_siret", "siret"),
            Message::new("hint-fix-buyer-siret"),
        ),
        "service_code" => (
            on_customer("service_code", "service_code"),
            Message::new("hint-fix-service-code"),
        ),
        "engagement" => (
            on_contract("engagement", "external_reference"),
            Message::new("hint-fix-engagement"),
        ),
        // The pre-send check names `payment_means…`; a Chorus Pro reason about the account, `iban`.
        field if field == "iban" || field.starts_with("payment_means") => {
            ("/settings/bank-accounts".into(), Message::new("hint-fix-iban"))
        }
        _ => return None,
    })
}

fn chorus_view(row: &InvoiceRow, sub: &SubmissionRow, tracking: Option<NaiveDateTime>, locale: Locale) -> ChorusView {
    let at = |at: NaiveDateTime| format!("{} UTC", i18n::format_datetime(locale, at));
    let now = crate::db::now();
    let listed = sub.list_item();
    ChorusView {
        stage: sub.stage,
        flux_number: sub.flux_number.clone(),
        chorus_invoice_id: sub.chorus_invoice_id.clone(),
        last_error: sub.last_error.clone(),
        reasons: sub
            .reason_list()
            .into_iter()
            .map(|reason| {
                let fix = reason.field.as_deref().and_then(|f| fix_link(f, row));
                ReasonView {
                    source: reason.source,
                    code: reason.code.unwrap_or_default(),
                    message: reason.message,
                    fix_label: fix.as_ref().map(|(_, label)| label.render(locale)).unwrap_or_default(),
                    fix_link: fix.map(|(link, _)| link),
                }
            })
            .collect(),
        waiting_for_person: sub.stage == SubmissionStage::Hold,
        next_check: next_check(Some(&listed), tracking).map(at),
        ageing: ageing(Some(&listed), now)
            .map(|days| i18n::text_with(locale, "invoice-ageing", &[("days", days.to_string())])),
        deposited_at: sub.deposited_at.map(at),
        routing_correctable: row.state == InvoiceState::Issued && crate::app::routing_fix::correctable(sub),
        corrected_copy_offered: crate::app::corrected_copy::offered(row, Some(sub)),
        resend_changes: Vec::new(),
    }
}

/// How the invoice PDF travels: what the submitter deposits (`invoicing::attachment_mode`).
pub fn attachment_mode(
    conn: &mut AnyConnection,
    org_id: i64,
    document: &InvoiceDocument,
) -> QueryResult<AttachmentMode> {
    let setting = chorus_connection::summary(conn, org_id)?
        .and_then(|s| crate::domain::deposit::AttachmentMode::parse_connection_choice(&s.attachment_mode));
    Ok(invoicing::attachment_mode(setting, document))
}

/// The invoice with its submission and attachment mode; a 404 for another organisation's.
pub async fn load_full(
    db: &Db,
    org_id: i64,
    id: i64,
) -> Result<(InvoiceRow, Option<SubmissionRow>, AttachmentMode), AppError> {
    db.run(move |conn| {
        let row = invoice::find(conn, org_id, id)?.ok_or(AppError::NotFound)?;
        let sub = submission::find_for_invoice(conn, org_id, id)?;
        let document: InvoiceDocument = serde_json::from_str(&row.document).unwrap_or_default();
        let mode = attachment_mode(conn, org_id, &document)?;
        Ok::<_, AppError>((row, sub, mode))
    })
    .await
}

/// Parses the stored invoice; a stored draft that no longer parses is a server fault.
pub fn parsed(row: &InvoiceRow) -> Result<Invoice, AppError> {
    invoicing::load(row).map_err(|p| AppError::internal(format!("stored invoice {} does not parse: {p:?}", row.id)))
}

/// Renders the package off the async threads (PDF layout is CPU work).
pub async fn render(invoice: Invoice, mode: AttachmentMode) -> Result<crate::render::ubl::Package, AppError> {
    web::block(move || crate::render::ubl::render_package(&invoice, mode))
        .await
        .map_err(AppError::internal)?
        .map_err(AppError::internal)
}

pub async fn show(
    ctx: Ctx,
    user: CurrentUser,
    db: web::Data<Db>,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let org_id = user.organisation()?;
    ok(build_show(ctx, &db, org_id, path.into_inner(), None).await?)
}

/// The invoice page; `followup` is the follow-up form as posted (with its errors), else the form
/// is prefilled when the invoice waits for one. Its `live` block is the page's live status.
pub async fn build_show(
    ctx: Ctx,
    db: &Db,
    org_id: i64,
    id: i64,
    followup: Option<FollowUpForm>,
) -> Result<ShowPage, AppError> {
    let (row, sub, mode) = load_full(db, org_id, id).await?;
    let document = stored_document(&row)?;
    let corrects = match row.corrects_invoice_id {
        Some(original) => {
            let found = db
                .run(move |conn| invoice::find(conn, org_id, original).map_err(AppError::from))
                .await?;
            found.map(|o| (o.id, o.number.unwrap_or_else(|| "draft".into())))
        }
        None => None,
    };
    let locale = ctx.locale;
    let title = match (&row.number, row.kind) {
        (Some(number), DocumentKind::CreditNote) => {
            i18n::text_with(locale, "invoice-title-credit-note", &[("number", number.clone())])
        }
        (Some(number), _) => i18n::text_with(locale, "invoice-title-invoice", &[("number", number.clone())]),
        (None, DocumentKind::CreditNote) => i18n::text(locale, "invoice-title-draft-credit-note"),
        (None, _) => i18n::text(locale, "invoice-title-draft-invoice"),
    };
    let status = status_view(row.state, sub.as_ref().map(SubmissionRow::list_item).as_ref());
    let (tracking, prefill, resend_changes) = {
        let (customer_id, contract_id) = (row.customer_id, row.contract_id);
        db.run(move |conn| {
            let tracking = tracking_next(conn, org_id)?;
            let resend_changes = match crate::app::resend_after_correction::pending(conn, org_id, id) {
                Ok(changes) => changes.unwrap_or_default(),
                Err(InvoicingError::Database(e)) => return Err(AppError::from(e)),
                Err(_) => Vec::new(),
            };
            let customer = match customer_id {
                Some(c) => customer::find(conn, org_id, c)?,
                None => None,
            };
            let contract = match contract_id {
                Some(c) => crate::db::models::contract::find(conn, org_id, c)?,
                None => None,
            };
            Ok::<_, AppError>((
                tracking,
                (customer, contract.and_then(|c| c.contract.external_reference)),
                resend_changes,
            ))
        })
        .await?
    };
    let chorus = sub.as_ref().map(|s| ChorusView {
        resend_changes: resend_changes.iter().map(|c| c.message().render(locale)).collect(),
        ..chorus_view(&row, s, tracking, locale)
    });
    let original = db
        .run(move |conn| crate::db::models::invoice_original::summary(conn, org_id, id).map_err(AppError::from))
        .await?;
    let followup = followup.or_else(|| {
        let kind = sub.as_ref().and_then(FollowUpForm::offered)?;
        let (customer, engagement) = &prefill;
        let refs = &document.references;
        Some(FollowUpForm {
            kind,
            buyer_siret: customer
                .as_ref()
                .and_then(|c| c.siret.clone())
                .or_else(|| document.buyer.siret.clone())
                .unwrap_or_default(),
            service_code: customer
                .as_ref()
                .and_then(|c| c.service_code.clone())
                .or_else(|| refs.buyer_reference.clone())
                .unwrap_or_default(),
            engagement: engagement
                .clone()
                .or_else(|| refs.order_reference.clone())
                .unwrap_or_default(),
            comment: String::new(),
            errors: FieldErrors::new(),
            locale: ctx.locale,
        })
    });
    let mut page = ShowPage {
        followup,
        ctx,
        title,
        status,
        document: document.clone(),
        lines: Vec::new(),
        vat: Vec::new(),
        totals: None,
        problems: Vec::new(),
        checks: Vec::new(),
        files: Vec::new(),
        render_error: None,
        chorus,
        corrects,
        row,
        pdf_substitutes: Vec::new(),
        original,
    };
    let invoice = match invoicing::load(&page.row) {
        Ok(invoice) => invoice,
        Err(problems) => {
            let locale = page.ctx.locale;
            page.problems = Message::field_list(&problems)
                .iter()
                .map(|m| m.render(locale))
                .collect();
            return Ok(page);
        }
    };
    let currency = invoice.currency().as_str().to_string();
    page.lines = invoice
        .lines()
        .iter()
        .zip(&invoice.document().lines)
        .map(|(line, source)| LineView {
            name: source.name.clone(),
            quantity: i18n::format_decimal(locale, line.quantity),
            unit: i18n::text_with(locale, "unit-code", &[("code", line.unit_code.as_str().to_string())]),
            unit_price: unit_price_text(locale, line.unit_price, &currency),
            vat: match line.vat.rate {
                Some(rate) => format!("{} {} %", line.vat.category.code(), i18n::format_decimal(locale, rate)),
                None => line.vat.category.code().to_string(),
            },
            net: i18n::format_amount(locale, line.net_amount, &currency),
        })
        .collect();
    page.vat = invoice
        .vat_breakdown()
        .iter()
        .map(|b| VatView {
            label: {
                let category = i18n::text_with(locale, "vat-category", &[("code", b.vat.category.code().to_string())]);
                match b.vat.rate {
                    Some(rate) => format!("{category} {} %", i18n::format_decimal(locale, rate)),
                    None => category,
                }
            },
            taxable: i18n::format_amount(locale, b.taxable_amount, &currency),
            tax: i18n::format_amount(locale, b.tax_amount, &currency),
        })
        .collect();
    let totals = invoice.totals();
    page.totals = Some(TotalsView {
        without_vat: i18n::format_amount(locale, totals.tax_exclusive, &currency),
        vat: i18n::format_amount(locale, totals.vat_total, &currency),
        with_vat: i18n::format_amount(locale, totals.tax_inclusive, &currency),
        payable: i18n::format_amount(locale, totals.payable, &currency),
    });
    page.checks = checks(&invoice);
    // What readiness knows about the buyer (unknown SIRET, closed service, engagement required).
    let directory = {
        let (customer_id, document) = (page.row.customer_id, invoice.document().clone());
        db.run(move |conn| {
            crate::app::invoices::known_buyer_directory(conn, org_id, customer_id, &document).map_err(AppError::from)
        })
        .await?
    };
    if let Some(directory) = directory {
        page.checks
            .extend(crate::domain::invoice::directory_checks(&invoice, &directory));
    }
    page.pdf_substitutes = crate::render::pdf::substituted_characters(&invoice);
    let supporting = crate::domain::invoice::checks::supporting_attachments(&invoice);
    let stem = invoice.number().file_stem();
    let sizes = match package_sizes(&page.row, invoice, mode).await {
        Ok(sizes) => Some(sizes),
        Err(e) => {
            tracing::warn!(invoice = page.row.id, error = %e, "invoice preview failed");
            page.render_error = Some(Message::new("err-invoice-files-failed").render(page.ctx.locale));
            None
        }
    };
    if let Some(sizes) = sizes {
        page.files.push(FileView {
            name: format!("{stem}.xml"),
            what: "invoice-file-ubl",
            size: human_size(locale, sizes.ubl),
        });
        let mut attachments = Vec::new();
        if mode != AttachmentMode::None {
            page.files.push(FileView {
                name: sizes.attachment_file_name.clone(),
                what: if mode == AttachmentMode::Zip {
                    "invoice-file-pdf-zipped"
                } else {
                    "invoice-file-pdf"
                },
                size: human_size(locale, sizes.attachment),
            });
            attachments.push(AttachmentInfo {
                field: "attachment".into(),
                file_name: sizes.attachment_file_name.clone(),
                size_bytes: sizes.attachment,
            });
        }
        for file in &supporting {
            page.files.push(FileView {
                name: file.file_name.clone(),
                what: "invoice-file-supporting",
                size: human_size(locale, file.size_bytes),
            });
        }
        attachments.extend(supporting);
        // `checks` already covers the supporting documents; add what concerns the PDF.
        let known: Vec<(String, String)> = page
            .checks
            .iter()
            .map(|c| (c.rule_id.to_string(), c.field.clone()))
            .collect();
        for violation in attachment_violations(&attachments) {
            if !known.contains(&(violation.rule_id.to_string(), violation.field.clone())) {
                page.checks.push(violation);
            }
        }
    }
    Ok(page)
}

/// The sizes of the invoice's files: rendered for a draft, kept per process for an issued
/// invoice (see `web::package_sizes`).
async fn package_sizes(row: &InvoiceRow, invoice: Invoice, mode: AttachmentMode) -> Result<PackageSizes, AppError> {
    let cache = PackageSizeCache::shared();
    let key = (row.state != InvoiceState::Draft).then(|| PackageKey::new(row.id, &row.document, mode));
    if let Some(sizes) = key.as_ref().and_then(|key| cache.get(key)) {
        return Ok(sizes);
    }
    let package = render(invoice, mode).await?;
    let sizes = PackageSizes {
        ubl: package.ubl.len(),
        attachment_file_name: package.attachment_file_name,
        attachment: package.attachment.len(),
    };
    if let Some(key) = key {
        cache.keep(key, sizes.clone());
    }
    Ok(sizes)
}
