//! Document totals per the EN 16931 calculation rules (BR-CO-10 ... BR-CO-17).

use rust_decimal::Decimal;

use super::{AllowanceCharge, Line, VatCategory, VatTreatment};
use crate::domain::money::round_amount;

/// One row of the VAT breakdown (BG-23).
#[derive(Debug, Clone, PartialEq)]
pub struct VatBreakdown {
    pub vat: VatTreatment,
    /// BT-116.
    pub taxable_amount: Decimal,
    /// BT-117: taxable × rate / 100, rounded once per category and rate.
    pub tax_amount: Decimal,
    /// BT-120 / BT-121, taken from the first line or allowance that gives one.
    pub exemption_reason: Option<String>,
    pub exemption_reason_code: Option<String>,
}

/// Document totals (BG-22).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Totals {
    /// BT-106: sum of line net amounts.
    pub line_net_total: Decimal,
    /// BT-107.
    pub allowance_total: Decimal,
    /// BT-108.
    pub charge_total: Decimal,
    /// BT-109.
    pub tax_exclusive: Decimal,
    /// BT-110.
    pub vat_total: Decimal,
    /// BT-112.
    pub tax_inclusive: Decimal,
    /// BT-113.
    pub prepaid: Decimal,
    /// BT-114.
    pub rounding: Decimal,
    /// BT-115.
    pub payable: Decimal,
    /// Whether the document has allowances (BT-107 is then written even if 0).
    pub has_allowances: bool,
    pub has_charges: bool,
}

/// Line net amount (BT-131): quantity × (unit price / base quantity), rounded to cents,
/// plus line charges minus line allowances.
pub fn line_net_amount(
    quantity: Decimal,
    unit_price: Decimal,
    base_quantity: Option<Decimal>,
    allowances_charges: &[AllowanceCharge],
) -> Decimal {
    let base = base_quantity.filter(|b| !b.is_zero()).unwrap_or(Decimal::ONE);
    let mut net = round_amount(quantity * unit_price / base);
    for item in allowances_charges {
        if item.is_charge {
            net += item.amount;
        } else {
            net -= item.amount;
        }
    }
    net
}

/// An allowance/charge amount from its base and percentage (BT-92 = BT-93 × BT-94 / 100).
pub fn percentage_amount(base: Decimal, percentage: Decimal) -> Decimal {
    round_amount(base * percentage / Decimal::ONE_HUNDRED)
}

/// Exemption text carried by a line or document allowance for its VAT category.
pub struct ExemptionSource<'a> {
    pub vat: VatTreatment,
    pub reason: Option<&'a str>,
    pub reason_code: Option<&'a str>,
}

/// Builds the VAT breakdown (in order of first appearance) and the document totals.
pub fn compute(
    lines: &[Line],
    document_allowances_charges: &[AllowanceCharge],
    exemptions: &[ExemptionSource<'_>],
    prepaid: Decimal,
    rounding: Decimal,
) -> (Vec<VatBreakdown>, Totals) {
    let mut breakdown: Vec<VatBreakdown> = Vec::new();
    let mut add =
        |vat: VatTreatment, amount: Decimal| match breakdown.iter_mut().find(|row| same_treatment(row.vat, vat)) {
            Some(row) => row.taxable_amount += amount,
            None => breakdown.push(VatBreakdown {
                vat,
                taxable_amount: amount,
                tax_amount: Decimal::ZERO,
                exemption_reason: None,
                exemption_reason_code: None,
            }),
        };
    let mut totals = Totals::default();
    for line in lines {
        totals.line_net_total += line.net_amount;
        add(line.vat, line.net_amount);
    }
    for item in document_allowances_charges {
        let signed = if item.is_charge {
            totals.charge_total += item.amount;
            totals.has_charges = true;
            item.amount
        } else {
            totals.allowance_total += item.amount;
            totals.has_allowances = true;
            -item.amount
        };
        if let Some(vat) = item.vat {
            add(vat, signed);
        }
    }
    for row in &mut breakdown {
        let rate = row.vat.rate.unwrap_or(Decimal::ZERO);
        row.tax_amount = round_amount(row.taxable_amount * rate / Decimal::ONE_HUNDRED);
        if let Some(source) = exemptions
            .iter()
            .find(|s| same_treatment(s.vat, row.vat) && (s.reason.is_some() || s.reason_code.is_some()))
        {
            row.exemption_reason = source.reason.map(str::to_owned);
            row.exemption_reason_code = source.reason_code.map(str::to_owned);
        }
    }
    totals.vat_total = breakdown.iter().map(|row| row.tax_amount).sum();
    totals.tax_exclusive = totals.line_net_total - totals.allowance_total + totals.charge_total;
    totals.tax_inclusive = totals.tax_exclusive + totals.vat_total;
    totals.prepaid = prepaid;
    totals.rounding = rounding;
    totals.payable = totals.tax_inclusive - prepaid + rounding;
    (breakdown, totals)
}

/// Rates compare by value (`20` = `20.00`); category O has no rate.
fn same_treatment(a: VatTreatment, b: VatTreatment) -> bool {
    a.category == b.category && a.rate.unwrap_or(Decimal::ZERO) == b.rate.unwrap_or(Decimal::ZERO)
}

impl VatCategory {
    /// Whether EN 16931 wants the rate written for this category (all but O).
    pub fn writes_rate(self) -> bool {
        self != VatCategory::OutOfScope
    }
}
