//! Portable column conversions. Money is stored as BIGINT micro-units (value × 1,000,000), so sums,
//! sorting and comparisons work the same on SQLite and PostgreSQL and no float is ever involved.

use rust_decimal::{Decimal, RoundingStrategy};

const MICROS: u32 = 6;

/// Decimal → micro-units. Values beyond 6 decimals round half away from zero (never happens for
/// amounts, which have 2).
pub fn to_micros(value: Decimal) -> i64 {
    let scaled =
        value.round_dp_with_strategy(MICROS, RoundingStrategy::MidpointAwayFromZero) * Decimal::from(1_000_000);
    i64::try_from(scaled.trunc()).unwrap_or(if value.is_sign_negative() { i64::MIN } else { i64::MAX })
}

pub fn from_micros(micros: i64) -> Decimal {
    Decimal::new(micros, MICROS).normalize()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    #[test]
    fn amounts_round_trip_exactly() {
        for text in ["0", "0.01", "1234.56", "-99.99", "0.123456", "92233720368.547758"] {
            let d = Decimal::from_str(text).unwrap();
            assert_eq!(from_micros(to_micros(d)), d.normalize(), "{text}");
        }
    }

    #[test]
    fn a_seventh_decimal_rounds_half_away_from_zero() {
        assert_eq!(to_micros(Decimal::from_str("0.0000005").unwrap()), 1);
        assert_eq!(to_micros(Decimal::from_str("-0.0000005").unwrap()), -1);
    }
}
