//! Contact email addresses: a pragmatic check that catches typos, not a full RFC 5322 parser.

use super::{display_as_stored, string_identifier};
use crate::i18n::Message;
use crate::i18n::message::message_error;

/// An email address of the form `local@domain.tld`, at most 254 characters, stored trimmed.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct EmailAddress(String);

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EmailAddressError {
    Empty,
    TooLong(usize),
    ContainsSpace,
    NotOneAt,
    BadLocalPart,
    BadDomain,
}

impl EmailAddressError {
    pub fn message(&self) -> Message {
        match self {
            Self::Empty => Message::new("err-email-empty"),
            Self::TooLong(typed) => Message::new("err-email-too-long").arg("typed", typed),
            Self::ContainsSpace => Message::new("err-email-space"),
            Self::NotOneAt => Message::new("err-email-at"),
            Self::BadLocalPart => Message::new("err-email-local-part"),
            Self::BadDomain => Message::new("err-email-domain"),
        }
    }
}

message_error!(EmailAddressError);

impl EmailAddress {
    pub const MAX_CHARS: usize = 254;
    const MAX_LOCAL_PART_CHARS: usize = 64;
    const MAX_LABEL_CHARS: usize = 63;

    pub fn parse(input: &str) -> Result<Self, EmailAddressError> {
        let address = input.trim();
        if address.is_empty() {
            return Err(EmailAddressError::Empty);
        }
        let length = address.chars().count();
        if length > Self::MAX_CHARS {
            return Err(EmailAddressError::TooLong(length));
        }
        if address
            .chars()
            .any(|character| character.is_whitespace() || character.is_control())
        {
            return Err(EmailAddressError::ContainsSpace);
        }
        let mut parts = address.split('@');
        let (Some(local_part), Some(domain), None) = (parts.next(), parts.next(), parts.next()) else {
            return Err(EmailAddressError::NotOneAt);
        };
        if !is_plausible_local_part(local_part) {
            return Err(EmailAddressError::BadLocalPart);
        }
        if !is_plausible_domain(domain) {
            return Err(EmailAddressError::BadDomain);
        }
        Ok(Self(address.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

fn is_plausible_local_part(local_part: &str) -> bool {
    !local_part.is_empty()
        && local_part.chars().count() <= EmailAddress::MAX_LOCAL_PART_CHARS
        && !local_part.starts_with('.')
        && !local_part.ends_with('.')
        && !local_part.contains("..")
        && !local_part.contains(['"', '(', ')', ',', ':', ';', '<', '>', '[', ']', '\\'])
}

/// At least two dot-separated labels of letters, digits and inner dashes (IDN letters allowed).
fn is_plausible_domain(domain: &str) -> bool {
    let labels: Vec<&str> = domain.split('.').collect();
    labels.len() >= 2
        && labels.iter().all(|label| {
            !label.is_empty()
                && label.chars().count() <= EmailAddress::MAX_LABEL_CHARS
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label
                    .chars()
                    .all(|character| character.is_alphanumeric() || character == '-')
        })
}

string_identifier!(EmailAddress, EmailAddressError);
display_as_stored!(EmailAddress);

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn accepts_ordinary_addresses() {
        for valid in [
            "compta@mairie-lyon.fr",
            " jean.dupont+factures@example.co.uk ",
            "élodie@société.fr",
        ] {
            let parsed = EmailAddress::parse(valid).unwrap_or_else(|error| panic!("{valid}: {error}"));
            assert_eq!(parsed.as_str(), valid.trim());
        }
    }

    #[test]
    fn refuses_typos_with_a_message_for_each() {
        let cases = [
            ("", EmailAddressError::Empty),
            ("compta.mairie.fr", EmailAddressError::NotOneAt),
            ("a@b@c.fr", EmailAddressError::NotOneAt),
            ("compta @mairie.fr", EmailAddressError::ContainsSpace),
            ("@mairie.fr", EmailAddressError::BadLocalPart),
            ("jean..dupont@mairie.fr", EmailAddressError::BadLocalPart),
            ("compta@mairie", EmailAddressError::BadDomain),
            ("compta@mairie..fr", EmailAddressError::BadDomain),
            ("compta@-mairie.fr", EmailAddressError::BadDomain),
            ("compta@mairie.fr.", EmailAddressError::BadDomain),
        ];
        for (input, expected) in cases {
            assert_eq!(EmailAddress::parse(input), Err(expected), "{input:?}");
        }
        let too_long = format!("{}@{}.fr", "a".repeat(60), "b".repeat(200));
        assert_eq!(EmailAddress::parse(&too_long), Err(EmailAddressError::TooLong(264)));
    }

    #[test]
    fn serde_goes_through_parse() {
        let email: EmailAddress = serde_json::from_str("\"compta@mairie-lyon.fr\"").expect("valid");
        assert_eq!(
            serde_json::to_string(&email).expect("serialises"),
            "\"compta@mairie-lyon.fr\""
        );
        assert!(serde_json::from_str::<EmailAddress>("\"compta\"").is_err());
    }

    proptest! {
        #[test]
        fn generated_addresses_parse_and_round_trip(
            local in "[a-z0-9]{1,20}(\\.[a-z0-9+_-]{1,10})?",
            domain in "[a-z0-9]{1,20}(-[a-z0-9]{1,10})?\\.[a-z]{2,6}",
        ) {
            let address = format!("{local}@{domain}");
            let parsed = EmailAddress::parse(&address);
            prop_assert_eq!(parsed.map(|email| email.to_string()), Ok(address));
        }

        #[test]
        fn random_text_never_panics(input in any::<String>()) {
            let _ = EmailAddress::parse(&input);
        }
    }
}
