//! A contract with a customer: what is billed (lines), how often, and the public-procurement
//! references Chorus Pro routes and checks (numéro d'engagement, numéro de marché).

use crate::domain::field_errors::{FieldErrors, add_error};
use crate::domain::identifiers::{EngagementNumber, MarketNumber};
use crate::domain::input::{self, parse_decimal};
use crate::i18n::Message;
use chrono::NaiveDate;
use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};

const NUMBER_MAX_CHARS: usize = 50;
const TITLE_MAX_CHARS: usize = 200;
const DESCRIPTION_MAX_CHARS: usize = 1000;
pub const MAX_LINES: usize = 200;

/// UN/ECE Recommendation 20 (with the Rec 21 extension): the unit codes EN 16931 accepts (BR-CL-23),
/// copied from the official code-list schematron 1.3.16.
const UNIT_CODES: &str = include_str!("unit_codes.txt");

/// A few units people pick most, for the form's suggestions.
pub const COMMON_UNITS: &[(&str, &str)] = &[
    ("C62", "unit (one)"),
    ("H87", "piece"),
    ("HUR", "hour"),
    ("DAY", "day"),
    ("MON", "month"),
    ("ANN", "year"),
    ("KGM", "kilogram"),
    ("MTR", "metre"),
    ("MTK", "square metre"),
    ("LTR", "litre"),
    ("KWH", "kilowatt hour"),
    ("LS", "lump sum"),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct UnitCode(&'static str);

impl UnitCode {
    pub fn parse(input: &str) -> Result<UnitCode, Message> {
        let code = input.trim().to_ascii_uppercase();
        if code.is_empty() {
            return Ok(UnitCode("C62"));
        }
        UNIT_CODES
            .split_whitespace()
            .find(|known| *known == code)
            .map(UnitCode)
            .ok_or_else(|| Message::new("err-unit-code").arg("code", code))
    }

    pub fn as_str(&self) -> &'static str {
        self.0
    }
}

/// How often the contract is invoiced.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BillingPeriod {
    Monthly,
    Quarterly,
    Yearly,
    OneOff,
}

impl BillingPeriod {
    pub const ALL: [BillingPeriod; 4] = [
        BillingPeriod::Monthly,
        BillingPeriod::Quarterly,
        BillingPeriod::Yearly,
        BillingPeriod::OneOff,
    ];

    /// A blank period means monthly, the usual subscription.
    pub fn parse(input: &str) -> Result<BillingPeriod, Message> {
        match input.trim().to_ascii_lowercase().replace('-', "_").as_str() {
            "" | "monthly" => Ok(BillingPeriod::Monthly),
            "quarterly" => Ok(BillingPeriod::Quarterly),
            "yearly" | "annual" => Ok(BillingPeriod::Yearly),
            "one_off" | "once" => Ok(BillingPeriod::OneOff),
            _ => Err(Message::new("err-billing-period")),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            BillingPeriod::Monthly => "monthly",
            BillingPeriod::Quarterly => "quarterly",
            BillingPeriod::Yearly => "yearly",
            BillingPeriod::OneOff => "one_off",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            BillingPeriod::Monthly => "Monthly",
            BillingPeriod::Quarterly => "Quarterly",
            BillingPeriod::Yearly => "Yearly",
            BillingPeriod::OneOff => "One-off",
        }
    }
}

/// EN 16931 VAT category codes (UNCL 5305 subset).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum VatCategory {
    /// Standard rate.
    S,
    /// Zero rated goods.
    Z,
    /// Exempt from VAT.
    E,
    /// Reverse charge (autoliquidation).
    AE,
    /// Intra-community supply.
    K,
    /// Export outside the EU.
    G,
    /// Outside the scope of VAT.
    O,
}

impl VatCategory {
    pub const ALL: [VatCategory; 7] = [
        VatCategory::S,
        VatCategory::Z,
        VatCategory::E,
        VatCategory::AE,
        VatCategory::K,
        VatCategory::G,
        VatCategory::O,
    ];

    /// A blank category means the standard rate, by far the most common.
    pub fn parse(input: &str) -> Result<VatCategory, Message> {
        match input.trim().to_ascii_uppercase().as_str() {
            "" | "S" => Ok(VatCategory::S),
            "Z" => Ok(VatCategory::Z),
            "E" => Ok(VatCategory::E),
            "AE" => Ok(VatCategory::AE),
            "K" => Ok(VatCategory::K),
            "G" => Ok(VatCategory::G),
            "O" => Ok(VatCategory::O),
            _ => Err(Message::new("err-vat-category")),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            VatCategory::S => "S",
            VatCategory::Z => "Z",
            VatCategory::E => "E",
            VatCategory::AE => "AE",
            VatCategory::K => "K",
            VatCategory::G => "G",
            VatCategory::O => "O",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            VatCategory::S => "S: standard rate",
            VatCategory::Z => "Z: zero rated",
            VatCategory::E => "E: exempt",
            VatCategory::AE => "AE: reverse charge",
            VatCategory::K => "K: intra-community supply",
            VatCategory::G => "G: export outside the EU",
            VatCategory::O => "O: outside the scope of VAT",
        }
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct ContractLineInput {
    #[serde(deserialize_with = "input::text")]
    pub description: String,
    #[serde(deserialize_with = "input::text")]
    pub quantity: String,
    #[serde(deserialize_with = "input::text")]
    pub unit_code: String,
    #[serde(deserialize_with = "input::text")]
    pub unit_price: String,
    #[serde(deserialize_with = "input::text")]
    pub vat_category: String,
    #[serde(deserialize_with = "input::text")]
    pub vat_rate: String,
}

impl ContractLineInput {
    /// A form row left entirely empty is not a line.
    pub fn is_blank(&self) -> bool {
        [
            &self.description,
            &self.quantity,
            &self.unit_code,
            &self.unit_price,
            &self.vat_category,
            &self.vat_rate,
        ]
        .iter()
        .all(|v| v.trim().is_empty())
    }
}

/// What was typed or sent; the field names are the API's, kept stable.
#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct ContractInput {
    #[serde(deserialize_with = "input::text")]
    pub customer_id: String,
    #[serde(deserialize_with = "input::text")]
    pub number: String,
    #[serde(deserialize_with = "input::text")]
    pub title: String,
    #[serde(deserialize_with = "input::text")]
    pub start_date: String,
    #[serde(deserialize_with = "input::text")]
    pub end_date: String,
    /// The numéro d'engagement (purchase commitment) the buyer gave.
    #[serde(deserialize_with = "input::text")]
    pub external_reference: String,
    #[serde(deserialize_with = "input::text")]
    pub market_number: String,
    #[serde(deserialize_with = "input::text")]
    pub billing_period: String,
    pub lines: Vec<ContractLineInput>,
}

/// What the contract rules need to know about the chosen customer (looked up in the caller's
/// organisation only).
#[derive(Debug, Clone, Copy)]
pub struct ContractCustomer {
    pub id: i64,
    pub archived: bool,
    /// The cached Chorus Pro answer: does this buyer require an engagement number?
    pub engagement_required: Option<bool>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ContractLine {
    pub description: String,
    pub quantity: Decimal,
    pub unit_code: UnitCode,
    pub unit_price: Decimal,
    pub vat_category: VatCategory,
    /// Percent, e.g. 20 or 5.5.
    pub vat_rate: Decimal,
}

impl ContractLine {
    /// Quantity × unit price, rounded half away from zero to the cent.
    pub fn net_amount(&self) -> Decimal {
        (self.quantity * self.unit_price).round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct NewContract {
    pub customer_id: i64,
    pub number: String,
    pub title: String,
    pub start_date: NaiveDate,
    pub end_date: Option<NaiveDate>,
    pub external_reference: Option<EngagementNumber>,
    pub market_number: Option<MarketNumber>,
    pub billing_period: BillingPeriod,
    pub lines: Vec<ContractLine>,
}

/// An amount in euros as shown and sent: rounded half away from zero, always two decimals ("150.00").
pub fn money(amount: Decimal) -> String {
    let mut rounded = amount.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
    rounded.rescale(2);
    rounded.to_string()
}

/// "2026-01-31" (what date inputs send) or "31/01/2026" (how French people write it).
pub fn parse_date(input: &str) -> Result<NaiveDate, Message> {
    let text = input.trim();
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(text, "%d/%m/%Y"))
        .map_err(|_| Message::new("err-date").arg("text", text))
}

fn bounded_text(errors: &mut FieldErrors, field: &str, value: &str, missing: Message, max: usize) -> String {
    let value = value.trim();
    if value.is_empty() {
        add_error(errors, field, missing);
    } else if value.chars().count() > max {
        add_error(
            errors,
            field,
            Message::new("err-text-too-long")
                .arg("max", max)
                .arg("typed", value.chars().count()),
        );
    } else if value.chars().any(char::is_control) {
        add_error(errors, field, Message::new("err-text-one-line"));
    }
    value.to_string()
}

fn parse_line(errors: &mut FieldErrors, index: usize, line: &ContractLineInput) -> Option<ContractLine> {
    let field = |name: &str| format!("lines[{index}].{name}");
    let before = errors.len();
    let description = line.description.trim().to_string();
    if description.is_empty() {
        add_error(
            errors,
            &field("description"),
            Message::new("err-contract-line-description"),
        );
    } else if description.chars().count() > DESCRIPTION_MAX_CHARS {
        add_error(
            errors,
            &field("description"),
            Message::new("err-text-max").arg("max", DESCRIPTION_MAX_CHARS),
        );
    }
    let quantity = match parse_decimal(&line.quantity) {
        Ok(q) if q > Decimal::ZERO => Some(q),
        Ok(_) => {
            add_error(errors, &field("quantity"), Message::new("err-contract-line-quantity"));
            None
        }
        Err(e) => {
            add_error(errors, &field("quantity"), e);
            None
        }
    };
    let unit_code = UnitCode::parse(&line.unit_code)
        .map_err(|e| add_error(errors, &field("unit_code"), e))
        .ok();
    let unit_price = match parse_decimal(&line.unit_price) {
        Ok(p) if p >= Decimal::ZERO => Some(p),
        Ok(_) => {
            // EN 16931 BR-27: a price is never negative; discounts are separate allowances.
            add_error(
                errors,
                &field("unit_price"),
                Message::new("err-contract-line-price-negative"),
            );
            None
        }
        Err(e) => {
            add_error(errors, &field("unit_price"), e);
            None
        }
    };
    let vat_category = VatCategory::parse(&line.vat_category)
        .map_err(|e| add_error(errors, &field("vat_category"), e))
        .ok();
    let vat_rate = if line.vat_rate.trim().is_empty() && vat_category != Some(VatCategory::S) {
        Some(Decimal::ZERO)
    } else {
        parse_decimal(line.vat_rate.trim_end_matches('%'))
            .map_err(|e| add_error(errors, &field("vat_rate"), e))
            .ok()
    };
    if let (Some(category), Some(rate)) = (vat_category, vat_rate) {
        match category {
            VatCategory::S if rate <= Decimal::ZERO || rate >= Decimal::ONE_HUNDRED => add_error(
                errors,
                &field("vat_rate"),
                Message::new("err-contract-line-standard-rate"),
            ),
            VatCategory::S => {}
            other if !rate.is_zero() => add_error(
                errors,
                &field("vat_rate"),
                Message::new("err-contract-line-zero-rate").arg("category", other.as_str()),
            ),
            _ => {}
        }
    }
    if errors.len() != before {
        return None;
    }
    Some(ContractLine {
        description,
        quantity: quantity?,
        unit_code: unit_code?,
        unit_price: unit_price?,
        vat_category: vat_category?,
        vat_rate: vat_rate?.normalize(),
    })
}

/// The longest period one invoice of a contract may cover.
pub const LONGEST_INVOICED_PERIOD_DAYS: i64 = 366;

/// What is wrong with invoicing a contract for `start..=end`, by form field (`period_start`,
/// `period_end`): the period must lie within the contract's own dates, cover at most a year, and
/// end before the contract ends (or, open-ended, within a year from `today`). An invoice for
/// 0001-01-01..9999-12-31 is a typo, not a billing period.
pub fn invoicing_period_problems(
    start: NaiveDate,
    end: NaiveDate,
    contract_start: NaiveDate,
    contract_end: Option<NaiveDate>,
    today: NaiveDate,
) -> Vec<(&'static str, Message)> {
    let mut problems = Vec::new();
    if end < start {
        problems.push(("period_end", Message::new("err-invoice-period-end")));
        return problems;
    }
    if start < contract_start {
        problems.push((
            "period_start",
            Message::new("err-invoice-period-before-contract").arg("date", contract_start.to_string()),
        ));
    }
    let latest_end = contract_end.unwrap_or(today + chrono::Duration::days(LONGEST_INVOICED_PERIOD_DAYS));
    if end > latest_end {
        problems.push((
            "period_end",
            Message::new("err-invoice-period-after-contract").arg("date", latest_end.to_string()),
        ));
    }
    if (end - start).num_days() >= LONGEST_INVOICED_PERIOD_DAYS {
        problems.push((
            "period_end",
            Message::new("err-invoice-period-too-long").arg("days", LONGEST_INVOICED_PERIOD_DAYS),
        ));
    }
    problems
}

impl NewContract {
    /// `customer` is the customer named by `customer_id`, found in the caller's organisation, or
    /// `None` when there is no such customer there.
    pub fn parse(input: &ContractInput, customer: Option<&ContractCustomer>) -> Result<NewContract, FieldErrors> {
        let mut errors = FieldErrors::new();
        let customer_id = match customer {
            _ if input.customer_id.trim().is_empty() => {
                add_error(&mut errors, "customer_id", Message::new("err-contract-customer-empty"));
                None
            }
            None => {
                add_error(
                    &mut errors,
                    "customer_id",
                    Message::new("err-contract-customer-unknown"),
                );
                None
            }
            Some(c) if c.archived => {
                add_error(
                    &mut errors,
                    "customer_id",
                    Message::new("err-contract-customer-archived"),
                );
                None
            }
            Some(c) => Some(c.id),
        };
        let number = bounded_text(
            &mut errors,
            "number",
            &input.number,
            Message::new("err-contract-number-empty"),
            NUMBER_MAX_CHARS,
        );
        let title = bounded_text(
            &mut errors,
            "title",
            &input.title,
            Message::new("err-contract-title-empty"),
            TITLE_MAX_CHARS,
        );
        let start_date = if input.start_date.trim().is_empty() {
            add_error(&mut errors, "start_date", Message::new("err-contract-start-empty"));
            None
        } else {
            parse_date(&input.start_date)
                .map_err(|e| add_error(&mut errors, "start_date", e))
                .ok()
        };
        let end_date = if input.end_date.trim().is_empty() {
            None
        } else {
            parse_date(&input.end_date)
                .map_err(|e| add_error(&mut errors, "end_date", e))
                .ok()
        };
        if let (Some(start), Some(end)) = (start_date, end_date)
            && end < start
        {
            add_error(&mut errors, "end_date", Message::new("err-contract-end-before-start"));
        }
        let external_reference = EngagementNumber::parse_optional(&input.external_reference)
            .map_err(|e| add_error(&mut errors, "external_reference", e))
            .ok()
            .flatten();
        if external_reference.is_none()
            && input.external_reference.trim().is_empty()
            && customer.and_then(|c| c.engagement_required) == Some(true)
        {
            add_error(
                &mut errors,
                "external_reference",
                Message::new("err-contract-engagement-required"),
            );
        }
        let market_number = MarketNumber::parse_optional(&input.market_number)
            .map_err(|e| add_error(&mut errors, "market_number", e))
            .ok()
            .flatten();
        let billing_period = BillingPeriod::parse(&input.billing_period)
            .map_err(|e| add_error(&mut errors, "billing_period", e))
            .ok();
        let mut lines = Vec::new();
        if input.lines.is_empty() {
            add_error(&mut errors, "lines", Message::new("err-contract-lines-empty"));
        } else if input.lines.len() > MAX_LINES {
            add_error(
                &mut errors,
                "lines",
                Message::new("err-contract-lines-too-many").arg("max", MAX_LINES),
            );
        } else {
            for (index, line) in input.lines.iter().enumerate() {
                if let Some(line) = parse_line(&mut errors, index, line) {
                    lines.push(line);
                }
            }
        }
        crate::domain::field_errors::refuse_unwritable_text(&mut errors, input);
        match (customer_id, start_date, billing_period) {
            (Some(customer_id), Some(start_date), Some(billing_period)) if errors.is_empty() => Ok(NewContract {
                customer_id,
                number,
                title,
                start_date,
                end_date,
                external_reference,
                market_number,
                billing_period,
                lines,
            }),
            _ => Err(errors),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    const CUSTOMER: ContractCustomer = ContractCustomer {
        id: 7,
        archived: false,
        engagement_required: None,
    };

    fn line() -> ContractLineInput {
        ContractLineInput {
            description: "Maintenance".into(),
            quantity: "1,5".into(),
            unit_code: "hur".into(),
            unit_price: "80.10".into(),
            vat_category: "S".into(),
            vat_rate: "20".into(),
        }
    }

    fn contract() -> ContractInput {
        ContractInput {
            customer_id: "7".into(),
            number: "C-2026-001".into(),
            title: "Maintenance du parc".into(),
            start_date: "2026-01-01".into(),
            end_date: "31/12/2026".into(),
            external_reference: "EJ-1234".into(),
            lines: vec![line()],
            ..Default::default()
        }
    }

    fn messages(errors: &FieldErrors, field: &str) -> String {
        crate::domain::field_errors::field_error(errors, field, crate::i18n::Locale::En)
    }

    #[test]
    fn a_valid_contract_reads_french_decimals_and_dates() {
        let parsed = NewContract::parse(&contract(), Some(&CUSTOMER)).unwrap();
        assert_eq!(parsed.end_date, NaiveDate::from_ymd_opt(2026, 12, 31));
        assert_eq!(parsed.billing_period, BillingPeriod::Monthly);
        assert_eq!(parsed.lines[0].quantity, dec!(1.5));
        assert_eq!(parsed.lines[0].unit_code.as_str(), "HUR");
        // 1.5 × 80.10 = 120.15
        assert_eq!(parsed.lines[0].net_amount(), dec!(120.15));
    }

    #[test]
    fn line_amounts_round_half_away_from_zero() {
        let mut input = contract();
        input.lines[0].quantity = "1".into();
        input.lines[0].unit_price = "0.125".into();
        let parsed = NewContract::parse(&input, Some(&CUSTOMER)).unwrap();
        assert_eq!(parsed.lines[0].net_amount(), dec!(0.13));
        assert_eq!(money(dec!(150)), "150.00");
        assert_eq!(money(dec!(-0.125)), "-0.13");
    }

    #[test]
    fn the_end_cannot_precede_the_start() {
        let mut input = contract();
        input.end_date = "2025-12-31".into();
        let errors = NewContract::parse(&input, Some(&CUSTOMER)).unwrap_err();
        assert!(messages(&errors, "end_date").contains("before the start"));
    }

    #[test]
    fn engagement_number_is_at_most_50_characters() {
        let mut input = contract();
        input.external_reference = "E".repeat(51);
        let errors = NewContract::parse(&input, Some(&CUSTOMER)).unwrap_err();
        assert!(messages(&errors, "external_reference").contains("50"));
    }

    #[test]
    fn an_engagement_number_is_required_when_chorus_says_so() {
        let mut input = contract();
        input.external_reference = " ".into();
        assert!(
            NewContract::parse(&input, Some(&CUSTOMER)).is_ok(),
            "unknown readiness: optional"
        );
        let strict = ContractCustomer {
            engagement_required: Some(true),
            ..CUSTOMER
        };
        let errors = NewContract::parse(&input, Some(&strict)).unwrap_err();
        assert!(messages(&errors, "external_reference").contains("requires an engagement number"));
    }

    #[test]
    fn a_customer_of_another_organisation_or_archived_is_refused() {
        let errors = NewContract::parse(&contract(), None).unwrap_err();
        assert!(messages(&errors, "customer_id").contains("your customers"));
        let archived = ContractCustomer {
            archived: true,
            ..CUSTOMER
        };
        assert!(
            NewContract::parse(&contract(), Some(&archived))
                .unwrap_err()
                .contains_key("customer_id")
        );
    }

    #[test]
    fn each_bad_line_field_is_reported_with_its_index() {
        let mut input = contract();
        input.lines.push(ContractLineInput {
            description: " ".into(),
            quantity: "0".into(),
            unit_code: "XYZ1".into(),
            unit_price: "-1".into(),
            vat_category: "Q".into(),
            vat_rate: "abc".into(),
        });
        let errors = NewContract::parse(&input, Some(&CUSTOMER)).unwrap_err();
        for name in [
            "description",
            "quantity",
            "unit_code",
            "unit_price",
            "vat_category",
            "vat_rate",
        ] {
            assert!(errors.contains_key(&format!("lines[1].{name}")), "{name}: {errors:?}");
        }
        assert!(!errors.keys().any(|k| k.starts_with("lines[0]")));
    }

    #[test]
    fn vat_rates_follow_the_category() {
        let mut input = contract();
        input.lines[0].vat_rate = "0".into();
        assert!(
            messages(
                &NewContract::parse(&input, Some(&CUSTOMER)).unwrap_err(),
                "lines[0].vat_rate"
            )
            .contains("above 0")
        );
        input.lines[0].vat_category = "AE".into();
        input.lines[0].vat_rate = "".into();
        assert_eq!(
            NewContract::parse(&input, Some(&CUSTOMER)).unwrap().lines[0].vat_rate,
            Decimal::ZERO
        );
        input.lines[0].vat_rate = "20".into();
        assert!(
            NewContract::parse(&input, Some(&CUSTOMER))
                .unwrap_err()
                .contains_key("lines[0].vat_rate")
        );
        input.lines[0].vat_category = "S".into();
        input.lines[0].vat_rate = "5,5%".into();
        assert_eq!(
            NewContract::parse(&input, Some(&CUSTOMER)).unwrap().lines[0].vat_rate,
            dec!(5.5)
        );
    }

    #[test]
    fn unit_codes_come_from_recommendation_20() {
        assert_eq!(UnitCode::parse("c62").unwrap().as_str(), "C62");
        assert_eq!(UnitCode::parse("").unwrap().as_str(), "C62");
        assert!(UnitCode::parse("DAY").is_ok());
        assert!(UnitCode::parse("XPP").is_ok());
        assert!(UnitCode::parse("BOX").is_err());
        for (code, _) in COMMON_UNITS {
            assert!(UnitCode::parse(code).is_ok(), "{code}");
        }
    }

    #[test]
    fn a_contract_needs_at_least_one_line_and_json_numbers_are_read() {
        let mut input = contract();
        input.lines.clear();
        assert!(
            NewContract::parse(&input, Some(&CUSTOMER))
                .unwrap_err()
                .contains_key("lines")
        );
        let input: ContractInput = serde_json::from_value(serde_json::json!({
            "customer_id": 7, "number": "N1", "title": "T", "start_date": "2026-02-01",
            "lines": [{"description": "D", "quantity": 2, "unit_price": 10.5, "vat_rate": 20}]
        }))
        .unwrap();
        let parsed = NewContract::parse(&input, Some(&CUSTOMER)).unwrap();
        assert_eq!(parsed.lines[0].net_amount(), dec!(21));
    }
}
