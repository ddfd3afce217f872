//! Money rounding and the three textual forms of a number: UBL amounts (2 decimals),
//! UBL quantities/rates (at most 6 decimals) and French display (`1 234,56 €`).

use std::fmt::Write as _;

use rust_decimal::{Decimal, RoundingStrategy};

/// Rounds a monetary amount to cents, half away from zero (EN 16931 expects commercial
/// rounding; `Decimal::round_dp` would be banker's rounding).
pub fn round_amount(value: Decimal) -> Decimal {
    value.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
}

/// Appends an amount in the UBL lexical form: exactly 2 decimals, `.` separator, never `-0.00`.
pub fn push_amount(out: &mut String, value: Decimal) {
    let mut rounded = round_amount(value);
    if rounded.is_zero() {
        rounded = Decimal::ZERO;
    }
    rounded.rescale(2);
    // Display of Decimal never fails when writing into a String.
    let _ = write!(out, "{rounded}");
}

/// An amount in the UBL lexical form (`1234.50`).
pub fn fmt_amount(value: Decimal) -> String {
    let mut out = String::with_capacity(16);
    push_amount(&mut out, value);
    out
}

/// Appends a quantity, price or rate: at most 6 decimals, trailing zeros dropped, never `-0`.
pub fn push_decimal(out: &mut String, value: Decimal) {
    let rounded = value
        .round_dp_with_strategy(6, RoundingStrategy::MidpointAwayFromZero)
        .normalize();
    let rounded = if rounded.is_zero() { Decimal::ZERO } else { rounded };
    let _ = write!(out, "{rounded}");
}

/// A quantity, price or rate in the UBL lexical form (`12.5`, `0.123457`, `100`).
pub fn fmt_decimal(value: Decimal) -> String {
    let mut out = String::with_capacity(16);
    push_decimal(&mut out, value);
    out
}

/// French display of an amount without currency: `1 234,56` (narrow no-break space
/// between thousands, comma decimal separator, always 2 decimals).
pub fn fmt_amount_fr(value: Decimal) -> String {
    let text = fmt_amount(value);
    let (sign, unsigned) = match text.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", text.as_str()),
    };
    let (integer, fraction) = unsigned.split_once('.').unwrap_or((unsigned, "00"));
    let mut out = String::with_capacity(text.len() + integer.len() / 3 * 3 + 2);
    out.push_str(sign);
    for (index, digit) in integer.chars().enumerate() {
        if index > 0 && (integer.len() - index) % 3 == 0 {
            out.push('\u{202F}');
        }
        out.push(digit);
    }
    out.push(',');
    out.push_str(fraction);
    out
}

/// French display of an amount with its currency: `1 234,56 €`, or `1 234,56 SEK`.
pub fn fmt_money_fr(value: Decimal, currency: &str) -> String {
    let symbol = if currency == "EUR" { "€" } else { currency };
    format!("{}\u{00A0}{symbol}", fmt_amount_fr(value))
}

/// French display of a quantity or rate: `12,5`, `20`.
pub fn fmt_decimal_fr(value: Decimal) -> String {
    fmt_decimal(value).replace('.', ",")
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    #[test]
    fn rounds_half_away_from_zero_not_to_even() {
        assert_eq!(round_amount(dec!(2.345)), dec!(2.35));
        assert_eq!(round_amount(dec!(2.335)), dec!(2.34));
        assert_eq!(round_amount(dec!(-2.345)), dec!(-2.35));
        assert_eq!(round_amount(dec!(2.344)), dec!(2.34));
    }

    #[test]
    fn amounts_have_exactly_two_decimals() {
        assert_eq!(fmt_amount(dec!(1234.5)), "1234.50");
        assert_eq!(fmt_amount(dec!(100)), "100.00");
        assert_eq!(fmt_amount(dec!(0.005)), "0.01");
        assert_eq!(fmt_amount(dec!(-0.001)), "0.00");
        assert_eq!(fmt_amount(dec!(-12.3)), "-12.30");
        assert_eq!(fmt_amount(dec!(1E3)), "1000.00");
    }

    #[test]
    fn decimals_have_at_most_six_places_and_no_negative_zero() {
        assert_eq!(fmt_decimal(dec!(1234.5)), "1234.5");
        assert_eq!(fmt_decimal(dec!(0.1234565)), "0.123457");
        assert_eq!(fmt_decimal(dec!(100.000000)), "100");
        assert_eq!(fmt_decimal(dec!(-0.0000004)), "0");
        assert_eq!(fmt_decimal(dec!(1E3)), "1000");
    }

    #[test]
    fn french_display_groups_thousands_and_uses_a_comma() {
        assert_eq!(fmt_amount_fr(dec!(1234.56)), "1\u{202F}234,56");
        assert_eq!(fmt_amount_fr(dec!(1234567.5)), "1\u{202F}234\u{202F}567,50");
        assert_eq!(fmt_amount_fr(dec!(-999.999)), "-1\u{202F}000,00");
        assert_eq!(fmt_amount_fr(dec!(12)), "12,00");
        assert_eq!(fmt_money_fr(dec!(1234.56), "EUR"), "1\u{202F}234,56\u{00A0}€");
        assert_eq!(fmt_decimal_fr(dec!(5.5)), "5,5");
    }
}
