//! Free-text Chorus Pro routing codes: service code, engagement number, market number.

use super::{display_as_stored, string_identifier};
use crate::i18n::Message;
use crate::i18n::message::message_error;

/// Why a bounded free-text code was refused; each type words it for its own field.
enum TextProblem {
    Empty,
    TooLong(usize),
    ControlCharacter,
}

/// Trims, then requires 1..=`max_chars` characters and no control characters (a line break
/// would end up inside an XML element and a Chorus code).
fn parse_bounded_text(input: &str, max_chars: usize) -> Result<String, TextProblem> {
    let text = input.trim();
    if text.is_empty() {
        return Err(TextProblem::Empty);
    }
    if text.chars().any(char::is_control) {
        return Err(TextProblem::ControlCharacter);
    }
    let length = text.chars().count();
    if length > max_chars {
        return Err(TextProblem::TooLong(length));
    }
    Ok(text.to_owned())
}

/// Chorus Pro's reserved service, for invoices between public bodies only.
const RESERVED_PUBLIC_SERVICE: &str = "FACTURES_PUBLIQUES";

/// The "code service" routing an invoice to a department of a public buyer: 1 to 100 characters.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ServiceCode(String);

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ServiceCodeError {
    Empty,
    TooLong(usize),
    ControlCharacter,
    ReservedForPublicBodies,
}

impl ServiceCodeError {
    pub fn message(&self) -> Message {
        match self {
            Self::Empty => Message::new("err-service-code-empty"),
            Self::TooLong(typed) => Message::new("err-service-code-too-long").arg("typed", typed),
            Self::ControlCharacter => Message::new("err-service-code-one-line"),
            Self::ReservedForPublicBodies => Message::new("err-service-code-public-bodies"),
        }
    }
}

message_error!(ServiceCodeError);

impl ServiceCode {
    pub const MAX_CHARS: usize = 100;

    pub fn parse(input: &str) -> Result<Self, ServiceCodeError> {
        let code = parse_bounded_text(input, Self::MAX_CHARS).map_err(|problem| match problem {
            TextProblem::Empty => ServiceCodeError::Empty,
            TextProblem::TooLong(length) => ServiceCodeError::TooLong(length),
            TextProblem::ControlCharacter => ServiceCodeError::ControlCharacter,
        })?;
        if code.eq_ignore_ascii_case(RESERVED_PUBLIC_SERVICE) {
            return Err(ServiceCodeError::ReservedForPublicBodies);
        }
        Ok(Self(code))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

string_identifier!(ServiceCode, ServiceCodeError);
display_as_stored!(ServiceCode);

/// The "numéro d'engagement" (EJ) of the buyer's purchase commitment: 1 to 50 characters.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct EngagementNumber(String);

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EngagementNumberError {
    Empty,
    TooLong(usize),
    ControlCharacter,
}

impl EngagementNumberError {
    pub fn message(&self) -> Message {
        match self {
            Self::Empty => Message::new("err-engagement-empty"),
            Self::TooLong(typed) => Message::new("err-engagement-too-long").arg("typed", typed),
            Self::ControlCharacter => Message::new("err-engagement-one-line"),
        }
    }
}

message_error!(EngagementNumberError);

impl EngagementNumber {
    pub const MAX_CHARS: usize = 50;

    pub fn parse(input: &str) -> Result<Self, EngagementNumberError> {
        parse_bounded_text(input, Self::MAX_CHARS)
            .map(Self)
            .map_err(|problem| match problem {
                TextProblem::Empty => EngagementNumberError::Empty,
                TextProblem::TooLong(length) => EngagementNumberError::TooLong(length),
                TextProblem::ControlCharacter => EngagementNumberError::ControlCharacter,
            })
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

string_identifier!(EngagementNumber, EngagementNumberError);
display_as_stored!(EngagementNumber);

/// The "numéro de marché" of a public procurement contract: 1 to 50 characters.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct MarketNumber(String);

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MarketNumberError {
    Empty,
    TooLong(usize),
    ControlCharacter,
}

impl MarketNumberError {
    pub fn message(&self) -> Message {
        match self {
            Self::Empty => Message::new("err-market-empty"),
            Self::TooLong(typed) => Message::new("err-market-too-long").arg("typed", typed),
            Self::ControlCharacter => Message::new("err-market-one-line"),
        }
    }
}

message_error!(MarketNumberError);

impl MarketNumber {
    pub const MAX_CHARS: usize = 50;

    pub fn parse(input: &str) -> Result<Self, MarketNumberError> {
        parse_bounded_text(input, Self::MAX_CHARS)
            .map(Self)
            .map_err(|problem| match problem {
                TextProblem::Empty => MarketNumberError::Empty,
                TextProblem::TooLong(length) => MarketNumberError::TooLong(length),
                TextProblem::ControlCharacter => MarketNumberError::ControlCharacter,
            })
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

string_identifier!(MarketNumber, MarketNumberError);
display_as_stored!(MarketNumber);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Locale;

    #[test]
    fn engagement_number_refusals_read_in_french() {
        let error = EngagementNumber::parse(&"E".repeat(51)).unwrap_err();
        assert_eq!(
            error.message().render(Locale::Fr),
            "Un numéro d\u{2019}engagement comporte au plus 50 caractères\u{a0}; vous en avez saisi 51."
        );
        assert_eq!(
            EngagementNumber::parse(" ").unwrap_err().message().render(Locale::Fr),
            "Saisissez le numéro d\u{2019}engagement communiqué par l\u{2019}acheteur."
        );
    }

    use proptest::prelude::*;

    #[test]
    fn service_code_is_trimmed_and_bounded() {
        assert_eq!(
            ServiceCode::parse("  SERVICE_A  ").map(|code| code.to_string()),
            Ok("SERVICE_A".into())
        );
        assert!(ServiceCode::parse(&"S".repeat(100)).is_ok());
        assert_eq!(
            ServiceCode::parse(&"S".repeat(101)).unwrap_err().to_string(),
            "A service code has at most 100 characters; you typed 101."
        );
        // Characters, not bytes: 100 accented letters are 200 bytes but still allowed.
        assert!(ServiceCode::parse(&"é".repeat(100)).is_ok());
        assert_eq!(ServiceCode::parse("\t"), Err(ServiceCodeError::Empty));
        assert_eq!(ServiceCode::parse("A\nB"), Err(ServiceCodeError::ControlCharacter));
        assert_eq!(ServiceCode::parse_optional(""), Ok(None));
    }

    #[test]
    fn service_code_refuses_the_reserved_public_service() {
        for reserved in ["FACTURES_PUBLIQUES", " factures_publiques "] {
            assert_eq!(
                ServiceCode::parse(reserved),
                Err(ServiceCodeError::ReservedForPublicBodies)
            );
        }
        assert!(ServiceCode::parse("FACTURES_PUBLIQUES_2").is_ok());
    }

    #[test]
    fn engagement_and_market_numbers_allow_50_characters() {
        assert!(EngagementNumber::parse(&"1".repeat(50)).is_ok());
        assert_eq!(
            EngagementNumber::parse(&"1".repeat(51)).unwrap_err().to_string(),
            "An engagement number has at most 50 characters; you typed 51."
        );
        assert_eq!(
            EngagementNumber::parse(" EJ-2026-0042 ").map(|n| n.to_string()),
            Ok("EJ-2026-0042".into())
        );
        assert_eq!(EngagementNumber::parse(""), Err(EngagementNumberError::Empty));
        assert!(MarketNumber::parse(&"M".repeat(50)).is_ok());
        assert_eq!(
            MarketNumber::parse(&"M".repeat(51)),
            Err(MarketNumberError::TooLong(51))
        );
        assert_eq!(MarketNumber::parse("  "), Err(MarketNumberError::Empty));
    }

    #[test]
    fn serde_goes_through_parse() {
        let code: ServiceCode = serde_json::from_str("\" SERVICE_A \"").expect("valid");
        assert_eq!(serde_json::to_string(&code).expect("serialises"), "\"SERVICE_A\"");
        assert!(serde_json::from_str::<ServiceCode>("\"FACTURES_PUBLIQUES\"").is_err());
        assert!(serde_json::from_str::<EngagementNumber>(&format!("\"{}\"", "1".repeat(51))).is_err());
    }

    proptest! {
        #[test]
        fn random_text_never_panics(input in any::<String>()) {
            let _ = ServiceCode::parse(&input);
            let _ = EngagementNumber::parse(&input);
            let _ = MarketNumber::parse(&input);
        }

        #[test]
        fn accepted_codes_are_trimmed_and_within_bounds(input in any::<String>()) {
            if let Ok(code) = EngagementNumber::parse(&input) {
                prop_assert_eq!(code.as_str(), input.trim());
                prop_assert!((1..=50).contains(&code.as_str().chars().count()));
            }
        }
    }
}
