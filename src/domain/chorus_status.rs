//! What a status means, in one place: the raw Chorus Pro codes (reference §7.1 flux states, §7.2
//! invoice statuses), the status people see that each leads to ([`submission_status`]), and the
//! words that explain it (`chorus-status-<CODE>` in locales/*/messages.ftl; [`StatusWords`] for an
//! invoice as a whole). The jobs (`jobs::poll`), the pages and the API (`web::handlers::invoices`)
//! call this module; the database's list-status triggers (migration 2026-11-29-000060, one copy per
//! backend) compute [`ListStatus::of`], which `tests/app/state_checks.rs` checks against them.
//! Unknown codes are shown as such, never hidden.

use crate::domain::state::{InvoiceState, ListStatus, SubmissionStage, SubmissionStatus};
use crate::i18n::Message;

/// One known code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChorusStatus {
    pub code: &'static str,
    /// Whether the supplier has to do something.
    pub needs_action: bool,
}

const fn status(code: &'static str, needs_action: bool) -> ChorusStatus {
    ChorusStatus { code, needs_action }
}

impl ChorusStatus {
    /// What it means, for the person who issued the invoice.
    pub fn meaning(&self) -> Message {
        Message::new(format!("chorus-status-{}", self.code))
    }
}

/// The invoice statuses the code acts on (reference §7.2).
pub const TO_RECYCLE: &str = "A_RECYCLER";
pub const SUSPENDED: &str = "SUSPENDUE";
pub const REJECTED: &str = "REJETEE";
/// The buyer has paid.
pub const PAID: &str = "MISE_EN_PAIEMENT";

/// Flux (deposit) states, then invoice statuses.
pub const KNOWN: &[ChorusStatus] = &[
    status("IN_DEPOT_PORTAIL_EN_ATTENTE_TRAITEMENT_SE_CPP", false),
    status("IN_RECU", false),
    status("IN_EN_ATTENTE_TRAITEMENT_CPP", false),
    status("IN_EN_ATTENTE_RETRAITEMENT_CPP", false),
    status("IN_EN_COURS_TRAITEMENT_CPP", false),
    status("IN_TRAITE_SE_CPP", false),
    status("QP_RECEVABLE", false),
    status("QP_RECEVABLE_AVEC_ERREUR", false),
    status("QP_IRRECEVABLE", true),
    status("IN_INTEGRE", false),
    status("IN_INTEGRE_PARTIEL", true),
    status("IN_REJETE", true),
    status("IN_INCIDENTE", true),
    status("DEPOSEE", false),
    status("EN_COURS_ACHEMINEMENT", false),
    status("MISE_A_DISPOSITION", false),
    status("A_RECYCLER", true),
    status("REJETEE", true),
    status("SUSPENDUE", true),
    status("SERVICE_FAIT", false),
    status("MANDATEE", false),
    status("MISE_A_DISPOSITION_COMPTABLE", false),
    status("COMPTABILISEE", false),
    status("MISE_EN_PAIEMENT", false),
    status("COMPLETEE", false),
];

/// The known code, if it is one.
pub fn lookup(code: &str) -> Option<&'static ChorusStatus> {
    KNOWN.iter().find(|s| s.code == code.trim())
}

/// The meaning of a raw code in plain words; an unknown code says so rather than guessing.
pub fn meaning(code: &str) -> Message {
    match lookup(code) {
        Some(status) => status.meaning(),
        None => Message::new("chorus-status-unknown").arg("code", code),
    }
}

/// Whether the supplier must act on this code (an unknown code: no).
pub fn needs_action(code: &str) -> bool {
    lookup(code).is_some_and(|s| s.needs_action)
}

/// The status people see once Chorus Pro reports `code` for the invoice: rejected when the
/// supplier must act (A_RECYCLER, SUSPENDUE, REJETEE; a refused flux), sent otherwise.
pub fn submission_status(code: &str) -> SubmissionStatus {
    if needs_action(code) {
        SubmissionStatus::Rejected
    } else {
        SubmissionStatus::Sent
    }
}

/// The follow-up form an invoice waiting at this code offers, if any.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FollowUp {
    /// A_RECYCLER: fix the routing (buyer, service code, engagement) and recycle.
    Recycle,
    /// SUSPENDUE: complete the invoice.
    Complete,
}

/// The follow-up form a code calls for, if any.
pub fn follow_up(code: &str) -> Option<FollowUp> {
    match lookup(code)?.code {
        TO_RECYCLE => Some(FollowUp::Recycle),
        SUSPENDED => Some(FollowUp::Complete),
        _ => None,
    }
}

/// What an invoice's submission says of its status.
#[derive(Debug, Clone, Copy)]
pub struct SubmissionSeen<'a> {
    pub status: SubmissionStatus,
    pub stage: SubmissionStage,
    pub chorus_status: Option<&'a str>,
}

/// An invoice's status as people see it: the list's key and what it means in words.
#[derive(Debug, Clone)]
pub struct StatusWords {
    pub key: ListStatus,
    pub meaning: Message,
}

/// The status of an invoice: draft, issued outside Chorus Pro, or its Chorus Pro submission's;
/// with the meaning of the last Chorus Pro code, or of where the pipeline holds it.
pub fn status_words(state: InvoiceState, submission: Option<SubmissionSeen<'_>>) -> StatusWords {
    // A draft is a draft (it never has a submission).
    let submission = submission.filter(|_| state != InvoiceState::Draft);
    let key = ListStatus::of(state, submission.map(|s| s.status));
    let meaning = match submission {
        None if state == InvoiceState::Draft => Message::new("status-draft-meaning"),
        None => Message::new("status-issued-meaning"),
        Some(SubmissionSeen {
            chorus_status: Some(code),
            ..
        }) => meaning(code),
        Some(seen) => match seen.stage {
            SubmissionStage::Submit => Message::new("status-queued-meaning"),
            SubmissionStage::Hold => Message::new("status-hold-meaning"),
            SubmissionStage::Poll | SubmissionStage::Track | SubmissionStage::Done => {
                Message::new("status-deposited-meaning")
            }
        },
    };
    StatusWords { key, meaning }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Locale;

    #[test]
    fn every_code_of_the_reference_has_a_meaning() {
        for code in [
            "IN_DEPOT_PORTAIL_EN_ATTENTE_TRAITEMENT_SE_CPP",
            "IN_INTEGRE",
            "IN_REJETE",
            "QP_IRRECEVABLE",
            "DEPOSEE",
            "MISE_A_DISPOSITION",
            "A_RECYCLER",
            "SUSPENDUE",
            "REJETEE",
            "MANDATEE",
            "MISE_EN_PAIEMENT",
        ] {
            assert!(lookup(code).is_some(), "{code}");
        }
        let mut codes: Vec<_> = KNOWN.iter().map(|s| s.code).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), KNOWN.len(), "a code appears twice");
    }

    #[test]
    fn codes_the_supplier_must_act_on_say_so() {
        for code in ["A_RECYCLER", "REJETEE", "SUSPENDUE", "IN_REJETE"] {
            assert!(lookup(code).is_some_and(|s| s.needs_action), "{code}");
        }
        assert!(!lookup("MISE_EN_PAIEMENT").is_some_and(|s| s.needs_action));
    }

    #[test]
    fn an_unknown_code_is_shown_as_unknown() {
        assert!(meaning("NOUVEAU_STATUT").to_string().contains("NOUVEAU_STATUT"));
        assert!(
            meaning("NOUVEAU_STATUT")
                .to_string()
                .contains("not one chorus-desk knows")
        );
        assert!(
            meaning("NOUVEAU_STATUT")
                .render(Locale::Fr)
                .contains("«\u{a0}NOUVEAU_STATUT\u{a0}»")
        );
    }

    #[test]
    fn every_known_code_means_something_in_french_and_in_english() {
        for status in KNOWN {
            let key = status.meaning().key().to_string();
            for locale in Locale::ALL {
                assert!(crate::i18n::has(locale, &key), "{key} is missing in {locale}");
            }
            assert_ne!(
                status.meaning().render(Locale::En),
                status.meaning().render(Locale::Fr),
                "{key} is not translated"
            );
        }
        assert_eq!(
            meaning("REJETEE").render(Locale::Fr),
            "Rejetée par l\u{2019}acheteur sur le fond\u{a0}: émettez un avoir et une nouvelle facture."
        );
    }

    #[test]
    fn the_supplier_s_actions_make_the_status_rejected_and_the_rest_sent() {
        for code in [TO_RECYCLE, SUSPENDED, REJECTED, "IN_REJETE", "QP_IRRECEVABLE"] {
            assert_eq!(submission_status(code), SubmissionStatus::Rejected, "{code}");
        }
        for code in [PAID, "MISE_A_DISPOSITION", "DEPOSEE", "NOUVEAU_STATUT"] {
            assert_eq!(submission_status(code), SubmissionStatus::Sent, "{code}");
        }
        assert_eq!(follow_up(TO_RECYCLE), Some(FollowUp::Recycle));
        assert_eq!(follow_up(SUSPENDED), Some(FollowUp::Complete));
        assert_eq!(follow_up(REJECTED), None);
    }

    #[test]
    fn an_invoice_s_words_follow_its_submission_once_it_has_one() {
        let draft = status_words(InvoiceState::Draft, None);
        assert_eq!(
            (draft.key, draft.meaning.key()),
            (ListStatus::Draft, "status-draft-meaning")
        );
        let issued = status_words(InvoiceState::Issued, None);
        assert_eq!(
            (issued.key, issued.meaning.key()),
            (ListStatus::Issued, "status-issued-meaning")
        );
        let queued = status_words(
            InvoiceState::Issued,
            Some(SubmissionSeen {
                status: SubmissionStatus::InProcessing,
                stage: SubmissionStage::Submit,
                chorus_status: None,
            }),
        );
        assert_eq!(
            (queued.key, queued.meaning.key()),
            (ListStatus::InProcessing, "status-queued-meaning")
        );
        let recycle = status_words(
            InvoiceState::Issued,
            Some(SubmissionSeen {
                status: SubmissionStatus::Rejected,
                stage: SubmissionStage::Track,
                chorus_status: Some(TO_RECYCLE),
            }),
        );
        assert_eq!(
            (recycle.key, recycle.meaning.key()),
            (ListStatus::Rejected, "chorus-status-A_RECYCLER")
        );
    }
}
