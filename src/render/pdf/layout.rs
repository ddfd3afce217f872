//! French invoice layout: header, parties, Chorus references, lines (over several pages when
//! needed), VAT breakdown, totals, payment and the legal mentions.

use rust_decimal::Decimal;

use super::{Fonts, Op, PAGE_HEIGHT, PAGE_WIDTH};
use crate::domain::invoice::document::{Address, Party};
use crate::domain::invoice::{DocumentKind, Invoice, VatCategory};
use crate::domain::money::{fmt_amount_fr, fmt_decimal_fr, fmt_money_fr};

const MARGIN: f32 = 40.0;
const RIGHT: f32 = PAGE_WIDTH - MARGIN;
const BOTTOM: f32 = PAGE_HEIGHT - 60.0;
const BODY: f32 = 8.5;
const SMALL: f32 = 7.0;
const LEADING: f32 = 11.0;

// Line table columns (right edges for numbers).
const COL_DESCRIPTION: f32 = MARGIN + 4.0;
const COL_DESCRIPTION_WIDTH: f32 = 250.0;
const COL_QUANTITY_RIGHT: f32 = 350.0;
const COL_UNIT: f32 = 356.0;
const COL_PRICE_RIGHT: f32 = 455.0;
const COL_VAT_RIGHT: f32 = 495.0;
const COL_TOTAL_RIGHT: f32 = RIGHT - 4.0;

struct Pages<'a> {
    fonts: &'a Fonts,
    pages: Vec<Vec<Op>>,
    y: f32,
}

impl<'a> Pages<'a> {
    fn new(fonts: &'a Fonts) -> Self {
        Self {
            fonts,
            pages: vec![Vec::with_capacity(256)],
            y: MARGIN + 10.0,
        }
    }

    fn ops(&mut self) -> &mut Vec<Op> {
        // `pages` always holds at least one page.
        let last = self.pages.len() - 1;
        &mut self.pages[last]
    }

    fn width(&self, text: &str, size: f32, bold: bool) -> f32 {
        // The simulated bold stroke widens each glyph slightly.
        let stroke = if bold {
            text.chars().count() as f32 * size * 0.035
        } else {
            0.0
        };
        self.fonts.metrics.width(text, size) + stroke
    }

    fn text_at(&mut self, x: f32, y: f32, size: f32, bold: bool, text: impl Into<String>) {
        self.ops().push(Op::Text {
            x,
            y,
            size,
            bold,
            grey: false,
            text: text.into(),
        });
    }

    fn grey_at(&mut self, x: f32, y: f32, size: f32, text: impl Into<String>) {
        self.ops().push(Op::Text {
            x,
            y,
            size,
            bold: false,
            grey: true,
            text: text.into(),
        });
    }

    fn right_at(&mut self, right: f32, y: f32, size: f32, bold: bool, text: impl Into<String>) {
        let text = text.into();
        let x = right - self.width(&text, size, bold);
        self.text_at(x, y, size, bold, text);
    }

    fn rule(&mut self, y: f32) {
        self.ops().push(Op::Rect {
            x: MARGIN,
            y,
            width: RIGHT - MARGIN,
            height: 0.6,
            shade: 160,
        });
    }

    fn band(&mut self, x: f32, y: f32, width: f32, height: f32) {
        self.ops().push(Op::Rect {
            x,
            y,
            width,
            height,
            shade: 232,
        });
    }

    /// Starts a new page when fewer than `needed` points are left.
    fn ensure(&mut self, needed: f32) -> bool {
        if self.y + needed > BOTTOM {
            self.pages.push(Vec::with_capacity(128));
            self.y = MARGIN + 10.0;
            true
        } else {
            false
        }
    }

    /// Splits `text` into lines no wider than `max_width` (words longer than a line are cut).
    fn wrap(&self, text: &str, size: f32, max_width: f32) -> Vec<String> {
        let mut lines = Vec::new();
        for paragraph in text.split('\n') {
            let mut current = String::new();
            for word in paragraph.split_whitespace() {
                let candidate_width = if current.is_empty() {
                    self.width(word, size, false)
                } else {
                    self.width(&current, size, false) + self.width(" ", size, false) + self.width(word, size, false)
                };
                if candidate_width <= max_width {
                    if !current.is_empty() {
                        current.push(' ');
                    }
                    current.push_str(word);
                    continue;
                }
                if !current.is_empty() {
                    lines.push(std::mem::take(&mut current));
                }
                // A single word wider than the column is cut character by character.
                for c in word.chars() {
                    current.push(c);
                    if self.width(&current, size, false) > max_width {
                        current.pop();
                        lines.push(std::mem::take(&mut current));
                        current.push(c);
                    }
                }
            }
            lines.push(current);
        }
        lines
    }

    fn paragraph(&mut self, x: f32, size: f32, max_width: f32, text: &str) {
        for line in self.wrap(text, size, max_width) {
            self.ensure(LEADING);
            let y = self.y;
            self.text_at(x, y, size, false, line);
            self.y += size + 3.0;
        }
    }
}

fn address_lines(address: &Address) -> Vec<String> {
    let mut lines: Vec<String> = [&address.line1, &address.line2, &address.line3]
        .into_iter()
        .flatten()
        .cloned()
        .collect();
    let city = [address.postal_code.as_deref(), address.city.as_deref()]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ");
    if !city.is_empty() {
        lines.push(city);
    }
    if let Some(subdivision) = &address.country_subdivision {
        lines.push(subdivision.clone());
    }
    if address.country_code != "FR" {
        lines.push(address.country_code.clone());
    }
    lines
}

fn party_lines(party: &Party) -> Vec<String> {
    let mut lines = Vec::new();
    if let Some(trading) = &party.trading_name {
        lines.push(trading.clone());
    }
    lines.extend(address_lines(&party.address));
    if let Some(siret) = &party.siret {
        lines.push(format!("SIRET : {siret}"));
    } else if let Some(siren) = &party.siren {
        lines.push(format!("SIREN : {siren}"));
    }
    if let Some(legal) = &party.legal_id
        && party.siren.is_none()
    {
        lines.push(format!("N° d'immatriculation : {}", legal.id));
    }
    if let Some(vat) = &party.vat_id {
        lines.push(format!("N° TVA intracommunautaire : {vat}"));
    }
    if let Some(form) = &party.legal_form {
        lines.push(form.clone());
    }
    if let Some(contact) = &party.contact {
        let parts: Vec<&str> = [&contact.name, &contact.phone, &contact.email]
            .into_iter()
            .flatten()
            .map(String::as_str)
            .collect();
        if !parts.is_empty() {
            lines.push(parts.join(" · "));
        }
    }
    lines
}

fn vat_label(category: VatCategory, rate: Option<Decimal>) -> String {
    match (category, rate) {
        (VatCategory::Standard, Some(rate)) => format!("{} %", fmt_decimal_fr(rate)),
        (category, _) => category.code().to_owned(),
    }
}

fn date_fr(date: chrono::NaiveDate) -> String {
    date.format("%d/%m/%Y").to_string()
}

fn date_text_fr(text: &str) -> String {
    chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map(date_fr)
        .unwrap_or_else(|_| text.to_owned())
}

/// The pages' drawing operations; `logo` is the logo's size in points, when there is one.
pub(super) fn layout(invoice: &Invoice, fonts: &Fonts, logo: Option<(f32, f32)>) -> Vec<Vec<Op>> {
    let doc = invoice.document();
    let currency = invoice.currency().as_str();
    let money = |value: Decimal| fmt_money_fr(value, currency);
    let mut p = Pages::new(fonts);
    let half = (RIGHT - MARGIN) / 2.0;

    // Header: seller name left, document title right.
    let title = match invoice.kind() {
        DocumentKind::Invoice => "FACTURE",
        DocumentKind::CreditNote => "AVOIR",
    };
    // The logo, when there is one, sits at the top left, above the seller's name.
    let top = p.y;
    if let Some((width, height)) = logo {
        p.ops().push(Op::Logo {
            x: MARGIN,
            y: top - 4.0,
            width,
            height,
        });
        p.y += height + 4.0;
    }
    p.text_at(MARGIN, p.y + 8.0, 15.0, true, doc.seller.name.clone());
    p.right_at(RIGHT, top + 8.0, 18.0, true, title);
    p.y += 28.0;
    let mut header = vec![format!("N° {}", invoice.number())];
    header.push(format!("Date : {}", date_fr(invoice.dates().issue)));
    if let Some(due) = invoice.dates().due {
        header.push(format!("Échéance : {}", date_fr(due)));
    }
    if let Some(date) = invoice.dates().tax_point {
        header.push(format!("Date d'exigibilité de la TVA : {}", date_fr(date)));
    }
    let header_top = p.y;
    for line in &header {
        let y = p.y;
        p.right_at(RIGHT, y, BODY + 1.0, false, line.clone());
        p.y += LEADING + 1.0;
    }

    // Parties.
    p.y = p.y.max(header_top) + 8.0;
    let parties_top = p.y;
    p.grey_at(MARGIN, parties_top, SMALL, "ÉMETTEUR");
    p.grey_at(MARGIN + half + 10.0, parties_top, SMALL, "CLIENT");
    let seller_lines = party_lines(&doc.seller);
    let mut buyer_lines = party_lines(&doc.buyer);
    buyer_lines.insert(0, doc.buyer.name.clone());
    let mut y = parties_top + 12.0;
    for line in &seller_lines {
        for wrapped in p.wrap(line, BODY, half - 10.0) {
            p.text_at(MARGIN, y, BODY, false, wrapped);
            y += LEADING;
        }
    }
    let seller_bottom = y;
    let mut y = parties_top + 12.0;
    for (index, line) in buyer_lines.iter().enumerate() {
        for wrapped in p.wrap(line, BODY, half - 10.0) {
            p.text_at(MARGIN + half + 10.0, y, BODY, index == 0, wrapped);
            y += LEADING;
        }
    }
    p.y = seller_bottom.max(y) + 6.0;

    // Chorus Pro references and other references.
    let refs = &doc.references;
    let mut references: Vec<(String, String)> = Vec::new();
    let mut push_ref = |label: &str, value: Option<&String>| {
        if let Some(value) = value {
            references.push((label.to_owned(), value.clone()));
        }
    };
    push_ref("Code service", refs.buyer_reference.as_ref());
    push_ref("N° d'engagement", refs.order_reference.as_ref());
    push_ref("N° de marché", refs.contract_reference.as_ref());
    push_ref("Projet", refs.project_reference.as_ref());
    push_ref("Commande vendeur", refs.sales_order_reference.as_ref());
    push_ref("Bon de livraison", refs.despatch_advice_reference.as_ref());
    push_ref("Avis de réception", refs.receiving_advice_reference.as_ref());
    push_ref("Appel d'offres", refs.tender_reference.as_ref());
    push_ref("Référence comptable", doc.accounting_reference.as_ref());
    for preceding in &refs.preceding_invoices {
        let value = match &preceding.issue_date {
            Some(date) => format!("{} du {}", preceding.number, date_text_fr(date)),
            None => preceding.number.clone(),
        };
        references.push(("Facture d'origine".to_owned(), value));
    }
    references.push((
        "Cadre de facturation".to_owned(),
        invoice.billing_framework().as_str().to_owned(),
    ));
    if let Some(period) = &doc.invoice_period {
        let from = period.start_date.as_deref().map(date_text_fr);
        let to = period.end_date.as_deref().map(date_text_fr);
        references.push((
            "Période".to_owned(),
            format!("{} – {}", from.unwrap_or_default(), to.unwrap_or_default()),
        ));
    }
    p.band(MARGIN, p.y - 2.0, RIGHT - MARGIN, 12.0);
    p.text_at(MARGIN + 4.0, p.y + 7.0, BODY, true, "Références");
    p.y += 20.0;
    for pair in references.chunks(2) {
        for (column, (label, value)) in pair.iter().enumerate() {
            let x = MARGIN + column as f32 * (half + 10.0);
            let label_text = format!("{label} : ");
            let label_width = p.width(&label_text, BODY, true);
            let y = p.y;
            p.text_at(x, y, BODY, true, label_text);
            let value_lines = p.wrap(value, BODY, half - 10.0 - label_width);
            p.text_at(
                x + label_width,
                y,
                BODY,
                false,
                value_lines.into_iter().next().unwrap_or_default(),
            );
        }
        p.y += LEADING;
    }
    p.y += 8.0;

    // Lines.
    let line_header = |p: &mut Pages| {
        p.band(MARGIN, p.y - 2.0, RIGHT - MARGIN, 14.0);
        let y = p.y + 8.0;
        p.text_at(COL_DESCRIPTION, y, BODY, true, "Désignation");
        p.right_at(COL_QUANTITY_RIGHT, y, BODY, true, "Qté");
        p.text_at(COL_UNIT, y, BODY, true, "Unité");
        p.right_at(COL_PRICE_RIGHT, y, BODY, true, "PU HT");
        p.right_at(COL_VAT_RIGHT, y, BODY, true, "TVA");
        p.right_at(COL_TOTAL_RIGHT, y, BODY, true, "Total HT");
        p.y += 22.0;
    };
    line_header(&mut p);
    for (line, source) in invoice.lines().iter().zip(&doc.lines) {
        let mut description = p.wrap(&source.name, BODY, COL_DESCRIPTION_WIDTH);
        let mut details = Vec::new();
        if let Some(text) = &source.description {
            details.extend(p.wrap(text, SMALL, COL_DESCRIPTION_WIDTH));
        }
        if let Some(id) = &source.seller_item_id {
            details.push(format!("Réf. {id}"));
        }
        if let (Some(gross), Some(discount)) = (line.gross_price, line.price_discount) {
            details.push(format!(
                "Prix brut {} − remise {}",
                fmt_amount_fr(gross),
                fmt_amount_fr(discount)
            ));
        }
        for (item, item_source) in line.allowances_charges.iter().zip(&source.allowances_charges) {
            let label = item_source
                .reason
                .clone()
                .or_else(|| item_source.reason_code.clone())
                .unwrap_or_default();
            let label = if label.is_empty() {
                (if item.is_charge { "Frais" } else { "Remise" }).to_owned()
            } else {
                label
            };
            details.push(format!(
                "{label} : {}{}",
                if item.is_charge { "+" } else { "−" },
                money(item.amount)
            ));
        }
        if let Some(note) = &source.note {
            details.extend(p.wrap(note, SMALL, COL_DESCRIPTION_WIDTH));
        }
        let height = description.len() as f32 * LEADING + details.len() as f32 * (SMALL + 3.0) + 4.0;
        if p.ensure(height) {
            line_header(&mut p);
        }
        let y = p.y;
        p.right_at(COL_QUANTITY_RIGHT, y, BODY, false, fmt_decimal_fr(line.quantity));
        p.text_at(COL_UNIT, y, BODY, false, unit_label(line.unit_code.as_str()));
        // Prices keep their precision (up to 6 decimals) but show at least cents.
        let mut price = if line.unit_price.normalize().scale() <= 2 {
            fmt_amount_fr(line.unit_price)
        } else {
            fmt_decimal_fr(line.unit_price)
        };
        if let Some(base) = line.price_base_quantity.filter(|b| *b != Decimal::ONE) {
            price.push_str(&format!(" / {}", fmt_decimal_fr(base)));
        }
        p.right_at(COL_PRICE_RIGHT, y, BODY, false, price);
        p.right_at(
            COL_VAT_RIGHT,
            y,
            BODY,
            false,
            vat_label(line.vat.category, line.vat.rate),
        );
        p.right_at(COL_TOTAL_RIGHT, y, BODY, false, fmt_amount_fr(line.net_amount));
        for text in description.drain(..) {
            let y = p.y;
            p.text_at(COL_DESCRIPTION, y, BODY, false, text);
            p.y += LEADING;
        }
        for text in details {
            let y = p.y;
            p.grey_at(COL_DESCRIPTION, y, SMALL, text);
            p.y += SMALL + 3.0;
        }
        p.y += 2.0;
        let y = p.y - 6.0;
        p.rule(y);
        p.y += 4.0;
    }

    // Document allowances and charges.
    if !invoice.allowances_charges().is_empty() {
        p.ensure(LEADING * (invoice.allowances_charges().len() as f32 + 1.0));
        for (item, source) in invoice.allowances_charges().iter().zip(&doc.allowances_charges) {
            let label = source
                .reason
                .clone()
                .or_else(|| source.reason_code.clone())
                .unwrap_or_default();
            let y = p.y;
            p.text_at(
                COL_DESCRIPTION,
                y,
                BODY,
                false,
                format!("{} : {}", if item.is_charge { "Frais" } else { "Remise" }, label),
            );
            if let Some(vat) = item.vat {
                p.right_at(COL_VAT_RIGHT, y, BODY, false, vat_label(vat.category, vat.rate));
            }
            let signed = if item.is_charge { item.amount } else { -item.amount };
            p.right_at(COL_TOTAL_RIGHT, y, BODY, false, fmt_amount_fr(signed));
            p.y += LEADING;
        }
        p.y += 4.0;
    }

    // VAT breakdown (left) and totals (right), side by side.
    let breakdown = invoice.vat_breakdown();
    let totals = invoice.totals();
    let mut total_rows: Vec<(String, Decimal, bool)> =
        vec![("Total HT des lignes".into(), totals.line_net_total, false)];
    if totals.has_allowances {
        total_rows.push(("Remises".into(), -totals.allowance_total, false));
    }
    if totals.has_charges {
        total_rows.push(("Frais".into(), totals.charge_total, false));
    }
    total_rows.push(("Total HT".into(), totals.tax_exclusive, false));
    total_rows.push(("Total TVA".into(), totals.vat_total, false));
    total_rows.push(("Total TTC".into(), totals.tax_inclusive, true));
    if doc.prepaid_amount.is_some() {
        total_rows.push(("Déjà payé".into(), -totals.prepaid, false));
    }
    if doc.rounding_amount.is_some() {
        total_rows.push(("Arrondi".into(), totals.rounding, false));
    }
    total_rows.push((
        if invoice.kind() == DocumentKind::CreditNote {
            "Montant à rembourser".into()
        } else {
            "Net à payer".into()
        },
        totals.payable,
        true,
    ));
    let block_height = (breakdown.len().max(total_rows.len()) as f32 + 2.0) * LEADING + 20.0;
    p.ensure(block_height);
    let top = p.y + 4.0;
    p.band(MARGIN, top - 2.0, half, 14.0);
    let y = top + 8.0;
    p.text_at(MARGIN + 4.0, y, BODY, true, "TVA");
    p.right_at(MARGIN + 150.0, y, BODY, true, "Base HT");
    p.right_at(MARGIN + half - 4.0, y, BODY, true, "Montant TVA");
    let mut y = top + 24.0;
    for row in breakdown {
        let label = match row.vat.category {
            VatCategory::Standard => vat_label(row.vat.category, row.vat.rate),
            other => other.label_fr().to_owned(),
        };
        p.text_at(MARGIN + 4.0, y, BODY, false, label);
        p.right_at(MARGIN + 150.0, y, BODY, false, fmt_amount_fr(row.taxable_amount));
        p.right_at(MARGIN + half - 4.0, y, BODY, false, fmt_amount_fr(row.tax_amount));
        y += LEADING;
        if let Some(reason) = row.exemption_reason.as_ref().or(row.exemption_reason_code.as_ref()) {
            for text in p.wrap(reason, SMALL, half - 8.0) {
                p.grey_at(MARGIN + 4.0, y, SMALL, text);
                y += SMALL + 3.0;
            }
        }
    }
    if let Some((code, amount)) = invoice.tax_currency() {
        p.grey_at(
            MARGIN + 4.0,
            y,
            SMALL,
            format!("TVA en {code} : {}", fmt_amount_fr(*amount)),
        );
        y += SMALL + 3.0;
    }
    let left_bottom = y;
    let mut y = top + 8.0;
    let totals_left = MARGIN + half + 20.0;
    for (label, value, strong) in &total_rows {
        if *strong {
            p.band(totals_left - 4.0, y - 9.0, RIGHT - totals_left + 4.0, 13.0);
        }
        p.text_at(totals_left, y, BODY, *strong, label.clone());
        p.right_at(COL_TOTAL_RIGHT, y, BODY, *strong, money(*value));
        y += LEADING + 2.0;
    }
    p.y = left_bottom.max(y) + 10.0;

    // Payment.
    let mut payment: Vec<String> = Vec::new();
    for means in &doc.payment_means {
        let label = match means.code.as_str() {
            "30" | "58" => "Virement",
            "49" | "59" => "Prélèvement",
            "48" | "54" | "55" => "Carte",
            "10" => "Espèces",
            "20" => "Chèque",
            _ => "Paiement",
        };
        let mut line = format!("{label} (code {})", means.code);
        if let Some(iban) = &means.iban {
            // Grouped by 4 as on bank documents, so that a payer can read it back.
            let grouped =
                crate::domain::identifiers::Iban::parse(iban).map_or_else(|_| iban.clone(), |i| i.to_string());
            line.push_str(&format!(" · IBAN {grouped}"));
        }
        if let Some(bic) = &means.bic {
            line.push_str(&format!(" · BIC {bic}"));
        }
        if let Some(holder) = &means.account_name {
            line.push_str(&format!(" · Titulaire {holder}"));
        }
        if let Some(reference) = &means.remittance_information {
            line.push_str(&format!(" · Référence {reference}"));
        }
        if let Some(mandate) = &means.mandate_reference {
            line.push_str(&format!(" · Mandat {mandate}"));
        }
        payment.push(line);
    }
    if let Some(terms) = &doc.payment_terms {
        payment.push(format!("Conditions : {terms}"));
    }
    if let Some(due) = invoice.dates().due {
        payment.push(format!("Date d'échéance : {}", date_fr(due)));
    }
    if !payment.is_empty() {
        p.ensure(LEADING * 3.0);
        let y = p.y;
        p.text_at(MARGIN, y, BODY, true, "Paiement");
        p.y += LEADING + 2.0;
        for line in &payment {
            p.paragraph(MARGIN, BODY, RIGHT - MARGIN, line);
        }
        p.y += 6.0;
    }

    // Notes and legal mentions.
    let mut notes: Vec<String> = doc.notes.iter().map(|note| note.text.clone()).collect();
    let has_note = |code: &str| doc.notes.iter().any(|note| note.subject_code.as_deref() == Some(code));
    // The legal mentions, unless the seller already wrote them as notes.
    if invoice.kind() == DocumentKind::Invoice && !(has_note("PMT") && has_note("PMD")) {
        notes.push(
            "En cas de retard de paiement, des pénalités de retard sont exigibles au taux \
             d'intérêt appliqué par la BCE à son opération de refinancement la plus récente \
             majoré de 10 points, ainsi qu'une indemnité forfaitaire pour frais de recouvrement \
             de 40 € (articles L441-10 et D441-5 du Code de commerce)."
                .to_owned(),
        );
    }
    if invoice.kind() == DocumentKind::Invoice && !has_note("AAB") {
        notes.push("Pas d'escompte pour paiement anticipé.".to_owned());
    }
    if breakdown
        .iter()
        .any(|row| row.vat.category == VatCategory::ReverseCharge)
    {
        notes.push("Autoliquidation : TVA due par le preneur.".to_owned());
    }
    p.ensure(LEADING * 2.0);
    let y = p.y;
    p.text_at(MARGIN, y, BODY, true, "Mentions");
    p.y += LEADING + 2.0;
    for note in &notes {
        p.paragraph(MARGIN, SMALL + 0.5, RIGHT - MARGIN, note);
        p.y += 2.0;
    }

    // Footer on every page: seller identity and page numbers.
    let count = p.pages.len();
    let footer = {
        let mut parts = vec![doc.seller.name.clone()];
        if let Some(siret) = &doc.seller.siret {
            parts.push(format!("SIRET {siret}"));
        }
        if let Some(vat) = &doc.seller.vat_id {
            parts.push(format!("TVA {vat}"));
        }
        // Legal form, share capital and registration (BT-33), as French law wants on every page.
        if let Some(legal) = &doc.seller.legal_form {
            parts.push(legal.clone());
        }
        parts.join(" · ")
    };
    let page_width = |text: &str| fonts.metrics.width(text, SMALL);
    for (index, ops) in p.pages.iter_mut().enumerate() {
        let y = PAGE_HEIGHT - 30.0;
        ops.push(Op::Rect {
            x: MARGIN,
            y: y - 12.0,
            width: RIGHT - MARGIN,
            height: 0.6,
            shade: 160,
        });
        ops.push(Op::Text {
            x: MARGIN,
            y,
            size: SMALL,
            bold: false,
            grey: true,
            text: footer.clone(),
        });
        let numbering = format!(
            "{} {} · page {}/{}",
            title_case(title),
            invoice.number(),
            index + 1,
            count
        );
        ops.push(Op::Text {
            x: RIGHT - page_width(&numbering),
            y,
            size: SMALL,
            bold: false,
            grey: true,
            text: numbering,
        });
    }
    p.pages
}

fn title_case(title: &str) -> String {
    let mut chars = title.chars();
    match chars.next() {
        Some(first) => first.to_string() + &chars.as_str().to_lowercase(),
        None => String::new(),
    }
}

/// French label of the most common UN/ECE rec 20 units; the code otherwise.
fn unit_label(code: &str) -> &str {
    match code {
        "C62" | "H87" | "EA" | "XPP" => "unité",
        "HUR" => "heure",
        "DAY" => "jour",
        "WEE" => "semaine",
        "MON" => "mois",
        "ANN" => "an",
        "MIN" => "minute",
        "KGM" => "kg",
        "GRM" => "g",
        "TNE" => "tonne",
        "MTR" => "m",
        "KMT" => "km",
        "MTK" => "m²",
        "MTQ" => "m³",
        "LTR" => "litre",
        "KWH" => "kWh",
        "LS" => "forfait",
        other => other,
    }
}
