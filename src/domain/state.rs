//! Every stage, status, state and kind the database stores as text, as an enum.
//!
//! The stored strings are exactly `as_str()`; reading a row parses them back (`TryFrom<String>`, which
//! diesel's `deserialize_as = String` calls), so an unknown value is an error at the boundary and
//! code compares enums, never strings. Serde uses the same strings. The database refuses any other
//! value (CHECK constraints on PostgreSQL, triggers on SQLite: migration
//! `2026-12-07-000900_state_checks`); `tests/app/state_checks.rs` keeps both lists equal to `ALL`.

/// The string a stored value did not match, and what it was meant to be.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("\"{value}\" is not a known {what}")]
pub struct UnknownState {
    pub what: &'static str,
    pub value: String,
}

/// Adds `ALL`, `as_str`, `FromStr`, `TryFrom<String>`, `TryFrom<&str>`, `Display` and
/// `From<Self> for String` to an enum whose variants each stand for one stored string. With
/// `serde`, also `Serialize`/`Deserialize` as the same strings.
#[macro_export]
macro_rules! text_enum {
    (@impls $name:ident, $what:literal, { $($variant:ident => $text:literal),+ $(,)? }) => {
        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The stored text.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text),+
                }
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = $crate::domain::state::UnknownState;
            fn from_str(text: &str) -> Result<Self, Self::Err> {
                match text {
                    $($text => Ok($name::$variant),)+
                    other => Err($crate::domain::state::UnknownState { what: $what, value: other.to_owned() }),
                }
            }
        }

        impl ::std::convert::TryFrom<String> for $name {
            type Error = $crate::domain::state::UnknownState;
            fn try_from(text: String) -> Result<Self, Self::Error> {
                text.parse()
            }
        }

        impl ::std::convert::TryFrom<&str> for $name {
            type Error = $crate::domain::state::UnknownState;
            fn try_from(text: &str) -> Result<Self, Self::Error> {
                text.parse()
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl From<$name> for String {
            fn from(value: $name) -> String {
                value.as_str().to_owned()
            }
        }
    };
    (@serde $name:ident) => {
        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let text = <::std::borrow::Cow<'de, str> as ::serde::Deserialize>::deserialize(deserializer)?;
                text.parse().map_err(::serde::de::Error::custom)
            }
        }
    };
    // An enum declared elsewhere (with its own serde, if any).
    (impl $name:ident, $what:literal { $($variant:ident => $text:literal),+ $(,)? }) => {
        $crate::text_enum!(@impls $name, $what, { $($variant => $text),+ });
    };
    // A new enum, with serde as the stored strings.
    ($(#[$meta:meta])* pub enum $name:ident, $what:literal { $($(#[$vmeta:meta])* $variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name {
            $($(#[$vmeta])* $variant),+
        }
        $crate::text_enum!(@impls $name, $what, { $($variant => $text),+ });
        $crate::text_enum!(@serde $name);
    };
}

text_enum! {
    /// `invoices.state`: a draft changes, an issued invoice never does.
    pub enum InvoiceState, "invoice state" {
        Draft => "draft",
        Issued => "issued",
    }
}

text_enum! {
    /// `invoices.list_status`, kept by the database's triggers: the invoice's state while it has no
    /// submission, its submission's status after ([`ListStatus::of`] says the same in Rust). What
    /// the list filters on and the API shows.
    pub enum ListStatus, "list status" {
        Draft => "draft",
        Issued => "issued",
        InProcessing => "in_processing",
        Sent => "sent",
        Rejected => "rejected",
    }
}

text_enum! {
    /// `submissions.stage`: where a submission is in the pipeline (what the jobs look at).
    pub enum SubmissionStage, "submission stage" {
        /// Build, validate and deposit the package.
        Submit => "submit",
        /// Deposited: follow the flux until Chorus Pro integrates the invoice (one row at a time).
        Poll => "poll",
        /// Integrated: its lifecycle is followed by the organisation's batched search
        /// (`jobs::track`); `next_run_at` is then the date following stops for a buyer that never
        /// reports payment.
        Track => "track",
        /// Waiting for a person (rejection, A_RECYCLER, SUSPENDUE, technical failure).
        Hold => "hold",
        /// Nothing more to follow.
        Done => "done",
    }
}

text_enum! {
    /// `submissions.status`: what people see of a submission.
    pub enum SubmissionStatus, "submission status" {
        InProcessing => "in_processing",
        Sent => "sent",
        Rejected => "rejected",
    }
}

text_enum! {
    /// `mail_outbox.status`.
    pub enum OutboxStatus, "mail status" {
        Pending => "pending",
        Sent => "sent",
        /// Still failing after the last attempt.
        Failed => "failed",
    }
}

text_enum! {
    /// `webhook_deliveries.status`.
    pub enum DeliveryStatus, "webhook delivery status" {
        Pending => "pending",
        Delivered => "delivered",
        /// Still failing when the retry window closed.
        Failed => "failed",
    }
}

text_enum!(impl DocumentKind, "invoice kind" {
    Invoice => "invoice",
    CreditNote => "credit_note",
});

pub use crate::domain::invoice::DocumentKind;

impl ListStatus {
    /// The status the list shows: the invoice's state while it has no submission, its
    /// submission's status after (what the `*_list_status` triggers of migration
    /// `2026-11-29-000060_performance_indexes` keep in `invoices.list_status`).
    pub fn of(state: InvoiceState, submission: Option<SubmissionStatus>) -> ListStatus {
        match (submission, state) {
            (Some(status), _) => status.into(),
            (None, InvoiceState::Draft) => ListStatus::Draft,
            (None, InvoiceState::Issued) => ListStatus::Issued,
        }
    }
}

impl From<SubmissionStatus> for ListStatus {
    fn from(status: SubmissionStatus) -> ListStatus {
        match status {
            SubmissionStatus::InProcessing => ListStatus::InProcessing,
            SubmissionStatus::Sent => ListStatus::Sent,
            SubmissionStatus::Rejected => ListStatus::Rejected,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trips<T>(all: &[T])
    where
        T: Copy + PartialEq + std::fmt::Debug + std::fmt::Display + TryFrom<String> + serde::Serialize,
        <T as TryFrom<String>>::Error: std::fmt::Debug,
    {
        for value in all {
            let text = value.to_string();
            assert_eq!(T::try_from(text.clone()).unwrap(), *value);
            assert_eq!(serde_json::to_value(value).unwrap(), serde_json::Value::String(text));
        }
    }

    #[test]
    fn every_state_reads_back_from_its_stored_text_and_serialises_as_it() {
        round_trips(InvoiceState::ALL);
        round_trips(ListStatus::ALL);
        round_trips(SubmissionStage::ALL);
        round_trips(SubmissionStatus::ALL);
        round_trips(OutboxStatus::ALL);
        round_trips(DeliveryStatus::ALL);
        round_trips(DocumentKind::ALL);
    }

    #[test]
    fn the_stored_strings_are_the_ones_rows_already_hold() {
        assert_eq!(DocumentKind::CreditNote.as_str(), "credit_note");
        assert_eq!(SubmissionStage::Hold.as_str(), "hold");
        assert_eq!(SubmissionStatus::InProcessing.as_str(), "in_processing");
        assert_eq!(
            serde_json::from_str::<SubmissionStage>("\"track\"").unwrap(),
            SubmissionStage::Track
        );
    }

    #[test]
    fn an_unknown_stored_value_is_refused_by_name() {
        let error = SubmissionStage::try_from("archived".to_string()).unwrap_err();
        assert_eq!(error.to_string(), "\"archived\" is not a known submission stage");
        assert!("Draft".parse::<InvoiceState>().is_err());
    }

    #[test]
    fn the_list_shows_the_submission_status_once_there_is_one() {
        assert_eq!(ListStatus::of(InvoiceState::Draft, None), ListStatus::Draft);
        assert_eq!(ListStatus::of(InvoiceState::Issued, None), ListStatus::Issued);
        assert_eq!(
            ListStatus::of(InvoiceState::Issued, Some(SubmissionStatus::Rejected)),
            ListStatus::Rejected
        );
    }
}
