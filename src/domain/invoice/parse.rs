//! `InvoiceDocument` → `Invoice`: every field checked once, every problem reported with
//! its path, totals computed.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::code_lists::{
    COUNTRY_CODES, CREDIT_NOTE_TYPE_CODES, CURRENCY_CODES, INVOICE_TYPE_CODES, PAYMENT_MEANS_CODES, UNIT_CODES,
};
use super::document::{self, DecimalText, DocumentKind, InvoiceDocument};
use super::totals::{self, ExemptionSource};
use super::{
    AllowanceCharge, BillingFramework, Code, Dates, FieldErrors, Invoice, InvoiceNumber, Line, VatCategory,
    VatTreatment,
};
use crate::domain::money::round_amount;
use crate::i18n::Message;

/// Largest magnitude accepted for any number: Chorus allows 19 positions.
const MAX_MAGNITUDE: Decimal = rust_decimal_macros::dec!(1_000_000_000_000);

/// Which invoice numbers are accepted: Chorus Pro's (what this app issues), or any EN 16931
/// number (a received file keeps its own; drafts are renumbered anyway).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum NumberRule {
    ChorusPro,
    En16931,
}

struct Parser {
    errors: FieldErrors,
}

impl Parser {
    fn decimal(&mut self, field: &str, text: &DecimalText) -> Option<Decimal> {
        let raw = text.as_str().trim();
        match Decimal::from_str_exact(raw) {
            Ok(value) if value.abs() < MAX_MAGNITUDE => Some(value),
            Ok(_) => {
                self.errors
                    .add(field, Message::new("err-inv-decimal-too-large").arg("value", raw));
                None
            }
            Err(_) => {
                self.errors
                    .add(field, Message::new("err-inv-decimal-format").arg("value", raw));
                None
            }
        }
    }

    fn opt_decimal(&mut self, field: &str, text: Option<&DecimalText>) -> Option<Decimal> {
        text.and_then(|t| self.decimal(field, t))
    }

    fn date(&mut self, field: &str, text: &str) -> Option<NaiveDate> {
        match NaiveDate::parse_from_str(text, "%Y-%m-%d") {
            Ok(date) if text.len() == 10 => Some(date),
            _ => {
                self.errors.add(field, Message::new("err-inv-date").arg("value", text));
                None
            }
        }
    }

    fn opt_date(&mut self, field: &str, text: Option<&str>) -> Option<NaiveDate> {
        text.and_then(|t| self.date(field, t))
    }

    fn code(&mut self, field: &str, text: &str, list: &[&str], what: &'static str) -> Option<Code> {
        match Code::parse_in(text, list, what) {
            Ok(code) => Some(code),
            Err(message) => {
                self.errors.add(field, message);
                None
            }
        }
    }

    fn required_text(&mut self, field: &str, text: &str) {
        if text.trim().is_empty() {
            self.errors.add(field, Message::new("err-inv-required"));
        }
    }

    fn vat(&mut self, field: &str, category: &str, rate: Option<&DecimalText>) -> Option<VatTreatment> {
        let category_field = format!("{field}vat_category");
        let rate_field = format!("{field}vat_rate");
        let category = match VatCategory::parse(category) {
            Ok(category) => category,
            Err(message) => {
                self.errors.add(category_field, message);
                return None;
            }
        };
        let rate = self.opt_decimal(&rate_field, rate);
        match (category, rate) {
            (VatCategory::OutOfScope, Some(_)) => {
                self.errors.add(rate_field, Message::new("err-inv-vat-rate-category-o"));
                None
            }
            (VatCategory::OutOfScope, None) => Some(VatTreatment { category, rate: None }),
            (c, Some(r)) if c.has_zero_rate() && !r.is_zero() => {
                self.errors.add(
                    rate_field,
                    Message::new("err-inv-vat-rate-zero").arg("category", c.code()),
                );
                None
            }
            (c, None) if c.has_zero_rate() => Some(VatTreatment {
                category,
                rate: Some(Decimal::ZERO),
            }),
            (_, None) => {
                self.errors.add(
                    rate_field,
                    Message::new("err-inv-vat-rate-required").arg("category", category.code()),
                );
                None
            }
            (_, Some(r)) if r.is_sign_negative() || r >= Decimal::ONE_HUNDRED => {
                self.errors
                    .add(rate_field, Message::new("err-inv-vat-rate-percentage").arg("rate", r));
                None
            }
            (c, Some(r)) if c == VatCategory::Standard && r.is_zero() => {
                self.errors.add(rate_field, Message::new("err-inv-vat-rate-standard"));
                None
            }
            (_, Some(r)) => Some(VatTreatment {
                category,
                rate: Some(r),
            }),
        }
    }

    fn allowance_charge(
        &mut self,
        field: &str,
        item: &document::AllowanceCharge,
        document_level: bool,
    ) -> Option<AllowanceCharge> {
        let amount = self.opt_decimal(&format!("{field}.amount"), item.amount.as_ref());
        let base_amount = self.opt_decimal(&format!("{field}.base_amount"), item.base_amount.as_ref());
        let percentage = self.opt_decimal(&format!("{field}.percentage"), item.percentage.as_ref());
        if item.reason.as_deref().is_none_or(|r| r.trim().is_empty()) && item.reason_code.is_none() {
            self.errors
                .add(format!("{field}.reason"), Message::new("err-inv-allowance-reason"));
        }
        if percentage.is_some() && base_amount.is_none() {
            self.errors
                .add(format!("{field}.base_amount"), Message::new("err-inv-allowance-base"));
        }
        let amount = match (amount, base_amount, percentage) {
            (Some(amount), _, _) => Some(round_amount(amount)),
            (None, Some(base), Some(pct)) => Some(totals::percentage_amount(base, pct)),
            _ => {
                self.errors
                    .add(format!("{field}.amount"), Message::new("err-inv-allowance-amount"));
                None
            }
        };
        // EN 16931 allows negative allowances and charges (the official samples use them).
        let vat = if document_level {
            match item.vat_category.as_deref() {
                Some(category) => self.vat(&format!("{field}."), category, item.vat_rate.as_ref()),
                None => {
                    self.errors.add(
                        format!("{field}.vat_category"),
                        Message::new("err-inv-allowance-vat-required"),
                    );
                    None
                }
            }
        } else {
            if item.vat_category.is_some()
                || item.vat_rate.is_some()
                || item.vat_exemption_reason.is_some()
                || item.vat_exemption_reason_code.is_some()
            {
                self.errors.add(
                    format!("{field}.vat_category"),
                    Message::new("err-inv-allowance-line-vat"),
                );
            }
            None
        };
        Some(AllowanceCharge {
            is_charge: item.charge,
            amount: amount?,
            base_amount,
            percentage,
            vat: if document_level { Some(vat?) } else { None },
        })
    }

    fn line(&mut self, index: usize, line: &document::Line) -> Option<Line> {
        let field = format!("lines[{index}]");
        self.required_text(&format!("{field}.name"), &line.name);
        let quantity = self.decimal(&format!("{field}.quantity"), &line.quantity);
        let unit_code = self.code(
            &format!("{field}.unit_code"),
            &line.unit_code,
            UNIT_CODES,
            "code-list-unit",
        );
        let unit_price = self.decimal(&format!("{field}.unit_price"), &line.unit_price);
        if unit_price.is_some_and(|p| p.is_sign_negative() && !p.is_zero()) {
            self.errors
                .add(format!("{field}.unit_price"), Message::new("err-inv-price-negative"));
        }
        let base_quantity = self.opt_decimal(
            &format!("{field}.price_base_quantity"),
            line.price_base_quantity.as_ref(),
        );
        if base_quantity.is_some_and(|b| b <= Decimal::ZERO) {
            self.errors.add(
                format!("{field}.price_base_quantity"),
                Message::new("err-inv-above-zero"),
            );
        }
        let gross_price = self.opt_decimal(&format!("{field}.gross_price"), line.gross_price.as_ref());
        let price_discount = self.opt_decimal(&format!("{field}.price_discount"), line.price_discount.as_ref());
        // No gross − discount = net check: EN 16931 has none, and official samples differ.
        if price_discount.is_some_and(|d| d.is_sign_negative() && !d.is_zero()) {
            self.errors
                .add(format!("{field}.price_discount"), Message::new("err-inv-negative"));
        }
        if let Some(country) = &line.origin_country {
            self.code(
                &format!("{field}.origin_country"),
                country,
                COUNTRY_CODES,
                "code-list-country",
            );
        }
        if let Some(period) = &line.period {
            self.period(&format!("{field}.period"), period);
        }
        let mut allowances_charges = Vec::with_capacity(line.allowances_charges.len());
        for (i, item) in line.allowances_charges.iter().enumerate() {
            if let Some(parsed) = self.allowance_charge(&format!("{field}.allowances_charges[{i}]"), item, false) {
                allowances_charges.push(parsed);
            }
        }
        let vat = self.vat(&format!("{field}."), &line.vat_category, line.vat_rate.as_ref());
        let (quantity, unit_code, unit_price, vat) = (quantity?, unit_code?, unit_price?, vat?);
        if allowances_charges.len() != line.allowances_charges.len() {
            return None;
        }
        let stated_net = self.opt_decimal(&format!("{field}.net_amount"), line.net_amount.as_ref());
        let net_amount = match stated_net {
            Some(stated) => round_amount(stated),
            None => totals::line_net_amount(quantity, unit_price, base_quantity, &allowances_charges),
        };
        Some(Line {
            id: line.id.clone().unwrap_or_else(|| (index + 1).to_string()),
            quantity,
            unit_code,
            unit_price,
            price_base_quantity: base_quantity,
            gross_price,
            price_discount,
            allowances_charges,
            vat,
            net_amount,
        })
    }

    fn period(&mut self, field: &str, period: &document::Period) {
        let start = self.opt_date(&format!("{field}.start_date"), period.start_date.as_deref());
        let end = self.opt_date(&format!("{field}.end_date"), period.end_date.as_deref());
        if let (Some(start), Some(end)) = (start, end)
            && end < start
        {
            self.errors
                .add(format!("{field}.end_date"), Message::new("err-inv-period-end"));
        }
        if period.start_date.is_none() && period.end_date.is_none() && period.description_code.is_none() {
            self.errors.add(field, Message::new("err-inv-period-empty"));
        }
    }

    fn party(&mut self, field: &str, party: &document::Party) {
        self.required_text(&format!("{field}.name"), &party.name);
        self.code(
            &format!("{field}.address.country_code"),
            &party.address.country_code,
            COUNTRY_CODES,
            "code-list-country",
        );
        if let Some(siret) = &party.siret
            && !(siret.len() == 14 && siret.bytes().all(|b| b.is_ascii_digit()))
        {
            self.errors.add(format!("{field}.siret"), Message::new("err-inv-siret"));
        }
        if let Some(siren) = &party.siren {
            if !(siren.len() == 9 && siren.bytes().all(|b| b.is_ascii_digit())) {
                self.errors.add(format!("{field}.siren"), Message::new("err-inv-siren"));
            } else if let Some(siret) = &party.siret
                && !siret.starts_with(siren.as_str())
            {
                self.errors
                    .add(format!("{field}.siren"), Message::new("err-inv-siren-siret"));
            }
        }
        if let Some(address) = &party.electronic_address
            && address.scheme.is_none()
        {
            self.errors.add(
                format!("{field}.electronic_address.scheme"),
                Message::new("err-inv-eas-scheme"),
            );
        }
    }
}

pub(super) fn parse(document: InvoiceDocument, number_rule: NumberRule) -> Result<Invoice, FieldErrors> {
    let mut p = Parser {
        errors: FieldErrors::default(),
    };
    // First, so that a field XML cannot carry is named for that, whatever else is wrong with it.
    for (field, c) in crate::domain::input::unwritable_text_fields(&document) {
        p.errors
            .add(field, crate::domain::input::unwritable_character_message(c));
    }
    let number = match number_rule {
        NumberRule::ChorusPro => InvoiceNumber::parse(&document.number),
        NumberRule::En16931 => InvoiceNumber::parse_received(&document.number),
    }
    .map_err(|message| p.errors.add("number", message))
    .ok();
    let issue = p.date("issue_date", &document.issue_date);
    let due = p.opt_date("due_date", document.due_date.as_deref());
    let tax_point = p.opt_date("tax_point_date", document.tax_point_date.as_deref());
    if let (Some(issue), Some(due)) = (issue, due)
        && due < issue
    {
        p.errors.add("due_date", Message::new("err-inv-due-before-issue"));
    }

    let (type_list, default_type) = match document.kind {
        DocumentKind::Invoice => (INVOICE_TYPE_CODES, "380"),
        DocumentKind::CreditNote => (CREDIT_NOTE_TYPE_CODES, "381"),
    };
    let type_code = document.type_code.as_deref().unwrap_or(default_type);
    p.code("type_code", type_code, type_list, "code-list-type");

    let currency = p.code(
        "currency",
        document.currency.as_deref().unwrap_or("EUR"),
        CURRENCY_CODES,
        "code-list-currency",
    );
    let tax_currency = match &document.tax_currency {
        Some(tc) => {
            let code = p.code("tax_currency.code", &tc.code, CURRENCY_CODES, "code-list-currency");
            let total = p.decimal("tax_currency.vat_total", &tc.vat_total);
            code.zip(total)
        }
        None => None,
    };
    let billing_framework = match document.billing_framework.as_deref() {
        Some(code) => BillingFramework::parse(code)
            .map_err(|message| p.errors.add("billing_framework", message))
            .ok(),
        None => Some(BillingFramework::default_a1()),
    };

    for (i, note) in document.notes.iter().enumerate() {
        p.required_text(&format!("notes[{i}].text"), &note.text);
    }
    for (i, preceding) in document.references.preceding_invoices.iter().enumerate() {
        p.required_text(&format!("references.preceding_invoices[{i}].number"), &preceding.number);
        p.opt_date(
            &format!("references.preceding_invoices[{i}].issue_date"),
            preceding.issue_date.as_deref(),
        );
    }
    if let Some(period) = &document.invoice_period {
        p.period("invoice_period", period);
    }
    p.party("seller", &document.seller);
    p.party("buyer", &document.buyer);
    if let Some(rep) = &document.tax_representative {
        p.required_text("tax_representative.name", &rep.name);
        p.required_text("tax_representative.vat_id", &rep.vat_id);
        p.code(
            "tax_representative.address.country_code",
            &rep.address.country_code,
            COUNTRY_CODES,
            "code-list-country",
        );
    }
    if let Some(delivery) = &document.delivery {
        p.opt_date("delivery.date", delivery.date.as_deref());
        if let Some(address) = &delivery.address {
            p.code(
                "delivery.address.country_code",
                &address.country_code,
                COUNTRY_CODES,
                "code-list-country",
            );
        }
    }
    for (i, means) in document.payment_means.iter().enumerate() {
        p.code(
            &format!("payment_means[{i}].code"),
            &means.code,
            PAYMENT_MEANS_CODES,
            "code-list-payment-means",
        );
    }
    for (i, doc) in document.supporting_documents.iter().enumerate() {
        p.required_text(&format!("supporting_documents[{i}].id"), &doc.id);
        if let Some(file) = &doc.file {
            use base64::Engine as _;
            if base64::engine::general_purpose::STANDARD
                .decode(file.content_base64.trim())
                .is_err()
            {
                p.errors.add(
                    format!("supporting_documents[{i}].file.content_base64"),
                    Message::new("err-inv-base64"),
                );
            }
        }
    }

    if document.lines.is_empty() {
        p.errors.add("lines", Message::new("err-inv-lines-empty"));
    }
    let lines: Vec<Line> = document
        .lines
        .iter()
        .enumerate()
        .filter_map(|(i, line)| p.line(i, line))
        .collect();
    let allowances_charges: Vec<AllowanceCharge> = document
        .allowances_charges
        .iter()
        .enumerate()
        .filter_map(|(i, item)| p.allowance_charge(&format!("allowances_charges[{i}]"), item, true))
        .collect();
    let prepaid = p
        .opt_decimal("prepaid_amount", document.prepaid_amount.as_ref())
        .map(round_amount)
        .unwrap_or_default();
    let rounding = p
        .opt_decimal("rounding_amount", document.rounding_amount.as_ref())
        .map(round_amount)
        .unwrap_or_default();

    if !p.errors.is_empty() {
        return Err(p.errors);
    }

    let mut exemptions = Vec::with_capacity(lines.len());
    for (parsed, source) in lines.iter().zip(&document.lines) {
        exemptions.push(ExemptionSource {
            vat: parsed.vat,
            reason: source.vat_exemption_reason.as_deref(),
            reason_code: source.vat_exemption_reason_code.as_deref(),
        });
    }
    // Document allowances and charges give exemption reasons too (BR-E-10 when the category
    // exists only through them).
    for (parsed, source) in allowances_charges.iter().zip(&document.allowances_charges) {
        if let Some(vat) = parsed.vat {
            exemptions.push(ExemptionSource {
                vat,
                reason: source.vat_exemption_reason.as_deref(),
                reason_code: source.vat_exemption_reason_code.as_deref(),
            });
        }
    }
    let (mut vat_breakdown, mut totals) = totals::compute(&lines, &allowances_charges, &exemptions, prepaid, rounding);
    // BT-117 as stated by a received invoice: kept when within 1 unit of the computed amount.
    for (i, stated) in document.vat_amounts.iter().enumerate() {
        let field = format!("vat_amounts[{i}].tax_amount");
        let amount = p.decimal(&field, &stated.tax_amount);
        let rate = p.opt_decimal(&format!("vat_amounts[{i}].vat_rate"), stated.vat_rate.as_ref());
        let row = vat_breakdown.iter_mut().find(|row| {
            row.vat.category.code() == stated.vat_category
                && row.vat.rate.unwrap_or(Decimal::ZERO) == rate.unwrap_or(Decimal::ZERO)
        });
        match (row, amount) {
            (Some(row), Some(amount)) if (amount - row.tax_amount).abs() <= Decimal::ONE => {
                row.tax_amount = round_amount(amount);
            }
            (_, Some(_)) => p.errors.add(field, Message::new("err-inv-vat-amount-stated")),
            _ => {}
        }
    }
    if !document.vat_amounts.is_empty() {
        totals.vat_total = vat_breakdown.iter().map(|row| row.tax_amount).sum();
        totals.tax_inclusive = totals.tax_exclusive + totals.vat_total;
        totals.payable = totals.tax_inclusive - totals.prepaid + totals.rounding;
    }
    if !p.errors.is_empty() {
        return Err(p.errors);
    }
    drop(exemptions);

    // Everything below was checked above; the fallbacks are unreachable.
    let (Some(number), Some(issue), Some(currency), Some(billing_framework)) =
        (number, issue, currency, billing_framework)
    else {
        p.errors.add("document", Message::new("err-inv-unparsed"));
        return Err(p.errors);
    };
    if billing_framework.is_already_paid() && !totals.payable.is_zero() {
        p.errors.add(
            "billing_framework",
            Message::new("err-inv-already-paid").arg("amount", totals.payable),
        );
        return Err(p.errors);
    }
    let type_code = type_code.to_owned();
    let attachment = document.attachment.unwrap_or_default();
    Ok(Invoice {
        number,
        type_code,
        dates: Dates { issue, due, tax_point },
        currency,
        tax_currency,
        billing_framework,
        lines,
        allowances_charges,
        vat_breakdown,
        totals,
        attachment,
        document,
    })
}
