//! The raw Chorus Pro status codes (reference §7.1 flux states, §7.2 invoice statuses) and what
//! each means for the supplier, in plain words (`chorus-status-<CODE>` in locales/*/messages.ftl).
//! Unknown codes are shown as such, never hidden.

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
}
