//! The raw Chorus Pro status codes (reference §7.1 flux states, §7.2 invoice statuses) and what
//! each means for the supplier, in plain words. Unknown codes are shown as such, never hidden.

/// One known code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChorusStatus {
    pub code: &'static str,
    /// What it means, for the person who issued the invoice.
    pub meaning: &'static str,
    /// Whether the supplier has to do something.
    pub needs_action: bool,
}

const fn status(code: &'static str, meaning: &'static str, needs_action: bool) -> ChorusStatus {
    ChorusStatus {
        code,
        meaning,
        needs_action,
    }
}

/// Flux (deposit) states, then invoice statuses.
pub const KNOWN: &[ChorusStatus] = &[
    status(
        "IN_DEPOT_PORTAIL_EN_ATTENTE_TRAITEMENT_SE_CPP",
        "Deposited; Chorus Pro has not started processing the file yet.",
        false,
    ),
    status("IN_RECU", "Chorus Pro received the file.", false),
    status(
        "IN_EN_ATTENTE_TRAITEMENT_CPP",
        "The file is waiting to be processed by Chorus Pro.",
        false,
    ),
    status(
        "IN_EN_ATTENTE_RETRAITEMENT_CPP",
        "The file is waiting to be processed again by Chorus Pro.",
        false,
    ),
    status(
        "IN_EN_COURS_TRAITEMENT_CPP",
        "Chorus Pro is processing the file.",
        false,
    ),
    status(
        "IN_TRAITE_SE_CPP",
        "The exchange layer processed the file; integration follows.",
        false,
    ),
    status("QP_RECEVABLE", "The file is admissible; integration follows.", false),
    status(
        "QP_RECEVABLE_AVEC_ERREUR",
        "The file is admissible but has errors; integration follows.",
        false,
    ),
    status(
        "QP_IRRECEVABLE",
        "The file was refused as inadmissible: fix the invoice and send it again.",
        true,
    ),
    status("IN_INTEGRE", "The invoice was integrated into Chorus Pro.", false),
    status(
        "IN_INTEGRE_PARTIEL",
        "Only part of the file was integrated: the reasons list what was refused.",
        true,
    ),
    status(
        "IN_REJETE",
        "Chorus Pro rejected the whole file: fix what the reasons point at and send it again.",
        true,
    ),
    status(
        "IN_INCIDENTE",
        "Chorus Pro had a processing incident with the file: send it again.",
        true,
    ),
    status("DEPOSEE", "Received by Chorus Pro.", false),
    status("EN_COURS_ACHEMINEMENT", "Being routed to the public buyer.", false),
    status("MISE_A_DISPOSITION", "Available to the public buyer.", false),
    status(
        "A_RECYCLER",
        "Returned by the buyer: the routing data (buyer SIRET, service code or engagement number) is wrong. Fix it and send again.",
        true,
    ),
    status(
        "REJETEE",
        "Rejected by the buyer on substance: issue a credit note and a new invoice.",
        true,
    ),
    status(
        "SUSPENDUE",
        "On hold: the buyer needs more information or attachments.",
        true,
    ),
    status(
        "SERVICE_FAIT",
        "The buyer confirmed the service was done or the goods delivered.",
        false,
    ),
    status("MANDATEE", "The buyer issued the payment order.", false),
    status(
        "MISE_A_DISPOSITION_COMPTABLE",
        "Passed to the buyer's public accountant.",
        false,
    ),
    status("COMPTABILISEE", "Booked by the buyer's public accountant.", false),
    status("MISE_EN_PAIEMENT", "Payment released.", false),
    status("COMPLETEE", "Completed after a suspension; back with the buyer.", false),
];

/// The known code, if it is one.
pub fn lookup(code: &str) -> Option<&'static ChorusStatus> {
    KNOWN.iter().find(|s| s.code == code.trim())
}

/// The meaning of a raw code in plain words; an unknown code says so rather than guessing.
pub fn meaning(code: &str) -> String {
    match lookup(code) {
        Some(status) => status.meaning.to_string(),
        None => format!("Status \"{code}\" is not one chorus-desk knows; it is followed as still in processing."),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
        assert!(meaning("NOUVEAU_STATUT").contains("NOUVEAU_STATUT"));
        assert!(meaning("NOUVEAU_STATUT").contains("not one chorus-desk knows"));
    }
}
