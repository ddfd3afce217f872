//! Wire types of the Chorus Pro JSON API (reference §5), with the exact camelCase names.
//!
//! Parsing is tolerant where the reference reports real-world variations: unknown enumeration
//! values are kept as `Other(..)` and logged, lists that sometimes arrive as a single object are
//! accepted, `identifiantStructure` may be a JSON number, amounts may be numbers or strings.

use std::fmt;

use base64::Engine as _;
use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Declares a string enumeration of the API that keeps unknown values instead of failing.
macro_rules! wire_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $wire:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Clone, Debug, PartialEq, Eq, Hash)]
        pub enum $name {
            $($(#[$vmeta])* $variant,)+
            /// A value this version does not know; kept verbatim.
            Other(String),
        }

        impl $name {
            pub fn as_str(&self) -> &str {
                match self {
                    $($name::$variant => $wire,)+
                    $name::Other(value) => value,
                }
            }

            /// Parses a wire value; unknown values are logged and kept as `Other`.
            pub fn from_wire(value: &str) -> Self {
                match value {
                    $($wire => $name::$variant,)+
                    other => {
                        tracing::warn!(enumeration = stringify!($name), value = other, "unknown Chorus Pro value kept as is");
                        $name::Other(other.to_owned())
                    }
                }
            }

            /// Parses only known values (for strict contexts such as the simulator's input checks).
            pub fn known(value: &str) -> Option<Self> {
                match value {
                    $($wire => Some($name::$variant),)+
                    _ => None,
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let value = String::deserialize(deserializer)?;
                Ok($name::from_wire(&value))
            }
        }
    };
}

wire_enum! {
    /// `syntaxeFlux` of a deposit (reference §6.1).
    FluxSyntax {
        /// One UBL 2.1 Invoice/CreditNote (interface FSO1100A).
        UblInvoice = "IN_DP_E1_UBL_INVOICE",
        /// UN/CEFACT CII D16B (FSO1106A).
        Cii16b = "IN_DP_E1_CII_16B",
        /// Factur-X PDF/A-3 carrying CII (FSO1117A).
        FacturX = "IN_DP_E2_CII_FACTURX",
        /// Minimal UBL plus the invoice PDF (FSO1110A).
        UblInvoiceMin = "IN_DP_E2_UBL_INVOICE_MIN",
        /// Minimal CII D16B plus PDF.
        CiiMin16b = "IN_DP_E2_CII_MIN_16B",
        /// AIFE "CPP minimal" XML plus PDF (legacy).
        CppFactureMin = "IN_DP_E2_CPP_FACTURE_MIN",
    }
}

impl From<crate::domain::deposit::DepositFormat> for FluxSyntax {
    fn from(format: crate::domain::deposit::DepositFormat) -> Self {
        FluxSyntax::from_wire(format.wire_syntax())
    }
}

wire_enum! {
    /// Flux state `etatCourantDepotFlux` / `etatCourantFlux` (reference §7.1).
    FluxState {
        AwaitingProcessing = "IN_DEPOT_PORTAIL_EN_ATTENTE_TRAITEMENT_SE_CPP",
        Received = "IN_RECU",
        WaitingProcessing = "IN_EN_ATTENTE_TRAITEMENT_CPP",
        WaitingReprocessing = "IN_EN_ATTENTE_RETRAITEMENT_CPP",
        Processing = "IN_EN_COURS_TRAITEMENT_CPP",
        ProcessedByExchange = "IN_TRAITE_SE_CPP",
        Admissible = "QP_RECEVABLE",
        AdmissibleWithErrors = "QP_RECEVABLE_AVEC_ERREUR",
        Inadmissible = "QP_IRRECEVABLE",
        Integrated = "IN_INTEGRE",
        PartiallyIntegrated = "IN_INTEGRE_PARTIEL",
        Rejected = "IN_REJETE",
        Incident = "IN_INCIDENTE",
    }
}

impl FluxState {
    /// Final states: polling the flux again cannot change anything. Unknown values are not final.
    pub fn is_final(&self) -> bool {
        matches!(
            self,
            FluxState::Integrated
                | FluxState::PartiallyIntegrated
                | FluxState::Rejected
                | FluxState::Incident
                | FluxState::Inadmissible
        )
    }

    /// Final states in which no invoice of the flux was integrated: fix the file and deposit again.
    pub fn is_failure(&self) -> bool {
        matches!(
            self,
            FluxState::Rejected | FluxState::Incident | FluxState::Inadmissible
        )
    }
}

wire_enum! {
    /// Invoice status `statut` / `statutFacture` / `statutCourantCode` (reference §7.2).
    InvoiceStatus {
        Deposited = "DEPOSEE",
        InTransit = "EN_COURS_ACHEMINEMENT",
        MadeAvailable = "MISE_A_DISPOSITION",
        ToRecycle = "A_RECYCLER",
        Rejected = "REJETEE",
        Suspended = "SUSPENDUE",
        ServiceDone = "SERVICE_FAIT",
        PaymentOrdered = "MANDATEE",
        PassedToAccountant = "MISE_A_DISPOSITION_COMPTABLE",
        Booked = "COMPTABILISEE",
        Paid = "MISE_EN_PAIEMENT",
        Completed = "COMPLETEE",
    }
}

impl InvoiceStatus {
    /// The supplier must do something: recycle (A_RECYCLER), complete (SUSPENDUE) or re-issue (REJETEE).
    /// `domain::chorus_status` decides, for every code.
    pub fn requires_supplier_action(&self) -> bool {
        crate::domain::chorus_status::needs_action(self.as_str())
    }

    /// Nothing more will happen to this invoice from the supplier's point of view.
    pub fn is_final_for_supplier(&self) -> bool {
        matches!(self, InvoiceStatus::Rejected | InvoiceStatus::Paid)
    }
}

wire_enum! {
    /// `typeFacture`.
    InvoiceType {
        Invoice = "FACTURE",
        CreditNote = "AVOIR",
        Prepayment = "ACOMPTE",
    }
}

/// Paging object of search requests (its JSON name depends on the operation, reference §4.4).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Pagination {
    /// 1-based page number.
    pub page_resultat_demandee: u32,
    pub nb_resultats_par_page: u32,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub tri_sens: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub tri_colonne: Option<String>,
}

impl Pagination {
    pub fn page(page: u32, per_page: u32) -> Self {
        Pagination {
            page_resultat_demandee: page,
            nb_resultats_par_page: per_page,
            tri_sens: None,
            tri_colonne: None,
        }
    }
}

/// Paging information of search answers (`parametresRetour`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct PageInfo {
    pub nb_resultats_par_page: i64,
    pub page_courante: i64,
    pub pages: i64,
    pub total: i64,
}

// ---------------------------------------------------------------- deposit (§5.1)

/// `POST /cpro/factures/v1/deposer/flux`.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DepositFluxRequest {
    /// The file, base64 (standard alphabet, padded).
    pub fichier_flux: String,
    /// File name with its extension, without `/`.
    pub nom_fichier: String,
    pub syntaxe_flux: FluxSyntax,
    pub avec_signature: bool,
}

impl DepositFluxRequest {
    /// Encodes `file` for deposit. `/` in the name is replaced (Chorus Pro refuses it, reference §6.3).
    pub fn new(file_name: &str, file: &[u8], syntax: FluxSyntax) -> Self {
        DepositFluxRequest {
            fichier_flux: base64::engine::general_purpose::STANDARD.encode(file),
            nom_fichier: file_name.replace('/', "-"),
            syntaxe_flux: syntax,
            avec_signature: false,
        }
    }
}

impl fmt::Debug for DepositFluxRequest {
    // The file body is large and may hold personal data: show its size only.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DepositFluxRequest")
            .field(
                "fichier_flux",
                &format_args!("<{} base64 chars>", self.fichier_flux.len()),
            )
            .field("nom_fichier", &self.nom_fichier)
            .field("syntaxe_flux", &self.syntaxe_flux)
            .field("avec_signature", &self.avec_signature)
            .finish()
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DepositFluxResponse {
    /// `CPP` + 22 digits.
    pub numero_flux_depot: String,
    #[serde(default)]
    pub date_depot: Option<NaiveDate>,
    #[serde(default)]
    pub syntaxe_flux: Option<FluxSyntax>,
}

// ---------------------------------------------------------------- reports (§5.2, §5.3)

/// `POST /cpro/transverses/v1/consulterCR`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FluxReportRequest {
    pub numero_flux_depot: String,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub syntaxe_flux: Option<FluxSyntax>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub date_depot: Option<NaiveDate>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FluxReportResponse {
    #[serde(default)]
    pub numero_flux_depot: Option<String>,
    pub etat_courant_flux: FluxState,
    #[serde(default)]
    pub date_depot_flux: Option<String>,
    #[serde(default)]
    pub date_heure_etat_courant_flux: Option<String>,
    #[serde(default)]
    pub nom_fichier_flux: Option<String>,
    #[serde(default)]
    pub code_interface_flux: Option<String>,
    /// The human-readable report, a base64 PDF.
    #[serde(default, rename = "fichierCR")]
    pub fichier_cr: Option<String>,
}

/// `POST /cpro/transverses/v1/consulterCRDetaille`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DetailedFluxReportRequest {
    pub numero_flux_depot: String,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub syntaxe_flux: Option<FluxSyntax>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DetailedFluxReportResponse {
    /// Kept because OCA stores a non-default `libelle` as a note on the flux.
    #[serde(default)]
    pub libelle: String,
    pub etat_courant_depot_flux: FluxState,
    #[serde(default)]
    pub date_depot_flux: Option<String>,
    #[serde(default)]
    pub date_heure_etat_courant_flux: Option<String>,
    #[serde(default)]
    pub code_interface_depot_flux: Option<String>,
    #[serde(default)]
    pub nom_fichier: Option<String>,
    #[serde(default, deserialize_with = "one_or_many")]
    pub liste_erreur_technique: Vec<TechnicalError>,
    #[serde(default, deserialize_with = "one_or_many", rename = "listeErreurDP")]
    pub liste_erreur_dp: Vec<InvoiceError>,
}

/// An error that made the whole flux unacceptable.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TechnicalError {
    #[serde(default)]
    pub code_erreur: Option<String>,
    #[serde(default)]
    pub libelle_erreur: String,
    #[serde(default)]
    pub nature_erreur: Option<String>,
}

/// One rejected invoice ("demande de paiement") inside a flux.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InvoiceError {
    /// The invoice number from the file.
    #[serde(default, rename = "numeroDP")]
    pub numero_dp: String,
    #[serde(default, deserialize_with = "opt_string_or_number")]
    pub identifiant_fournisseur: Option<String>,
    #[serde(default, deserialize_with = "opt_string_or_number")]
    pub identifiant_destinataire: Option<String>,
    #[serde(default, rename = "libelleErreurDP")]
    pub libelle_erreur_dp: String,
}

// ---------------------------------------------------------------- invoices (§5.4 - §5.6)

/// A date-time as the API writes them: `2018-02-16T15:10:25.536+01:00` (reference §4.3).
pub fn chorus_date_time(at: chrono::DateTime<chrono::Utc>) -> String {
    at.format("%Y-%m-%dT%H:%M:%S%.3f%:z").to_string()
}

/// `POST /cpro/factures/v1/rechercher/fournisseur`. All criteria optional.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SupplierInvoiceSearch {
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub numero_flux_depot: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub numero_facture: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub id_fournisseur: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub periode_date_depot_du: Option<NaiveDate>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub periode_date_depot_au: Option<NaiveDate>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub periode_date_facture_du: Option<NaiveDate>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub periode_date_facture_au: Option<NaiveDate>,
    /// Invoices whose current status was reached at or after this date-time (ISO 8601 with
    /// milliseconds and offset, see `chorus_date_time`; added in API annex V4.10).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub periode_date_heure_etat_courant_du: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub statut_courant: Vec<InvoiceStatus>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub type_facture: Option<InvoiceType>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub recherche_facture_par_fournisseur: Option<Pagination>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SupplierInvoiceSearchResponse {
    #[serde(default, deserialize_with = "one_or_many")]
    pub liste_factures: Vec<SupplierInvoiceSummary>,
    #[serde(default)]
    pub parametres_retour: Option<PageInfo>,
}

/// One invoice of a search result.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SupplierInvoiceSummary {
    #[serde(rename = "identifiantFactureCPP")]
    pub identifiant_facture_cpp: i64,
    pub numero_facture: String,
    pub statut: InvoiceStatus,
    #[serde(default)]
    pub numero_flux_depot: Option<String>,
    #[serde(default)]
    pub type_facture: Option<InvoiceType>,
    #[serde(default)]
    pub date_facture: Option<NaiveDate>,
    #[serde(default)]
    pub date_depot: Option<NaiveDate>,
    #[serde(default)]
    pub date_heure_etat_courant: Option<String>,
    #[serde(default)]
    pub commentaire_etat_courant: Option<String>,
    #[serde(default, deserialize_with = "opt_string_or_number")]
    pub code_fournisseur: Option<String>,
    #[serde(default, deserialize_with = "opt_string_or_number")]
    pub code_destinataire: Option<String>,
    #[serde(default)]
    pub designation_destinataire: Option<String>,
    #[serde(default)]
    pub code_service_executant: Option<String>,
    #[serde(default, rename = "montantHT", with = "opt_amount")]
    pub montant_ht: Option<Decimal>,
    #[serde(default, rename = "montantTTC", with = "opt_amount")]
    pub montant_ttc: Option<Decimal>,
    #[serde(default, rename = "montantAPayer", with = "opt_amount")]
    pub montant_a_payer: Option<Decimal>,
    #[serde(default)]
    pub devise: Option<String>,
    #[serde(default)]
    pub rejet_traite: Option<bool>,
}

/// `POST /cpro/factures/v1/consulter/fournisseur`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SupplierInvoiceRequest {
    #[serde(rename = "identifiantFactureCPP")]
    pub identifiant_facture_cpp: i64,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub code_langue: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SupplierInvoiceResponse {
    pub facture: InvoiceDetail,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InvoiceDetail {
    #[serde(rename = "identifiantFactureCPP")]
    pub identifiant_facture_cpp: i64,
    pub numero_facture: String,
    pub statut_facture: InvoiceStatus,
    #[serde(default)]
    pub mode_depot: Option<String>,
    #[serde(default)]
    pub commentaire: Option<String>,
    #[serde(default)]
    pub cadre_de_facturation: Option<BillingFramework>,
    #[serde(default)]
    pub destinataire: Option<InvoiceRecipient>,
    #[serde(default)]
    pub fournisseur: Option<InvoiceSupplier>,
    #[serde(default)]
    pub references: Option<InvoiceReferences>,
    #[serde(default)]
    pub montant_total: Option<InvoiceTotals>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BillingFramework {
    #[serde(default)]
    pub code_cadre_facturation: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InvoiceRecipient {
    #[serde(default, deserialize_with = "opt_string_or_number")]
    pub code_destinataire: Option<String>,
    #[serde(default)]
    pub id_destinataire: Option<i64>,
    #[serde(default)]
    pub libelle_destinataire: Option<String>,
    #[serde(default)]
    pub code_service_executant: Option<String>,
    #[serde(default)]
    pub id_service_executant: Option<i64>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InvoiceSupplier {
    #[serde(default, deserialize_with = "opt_string_or_number")]
    pub code_fournisseur: Option<String>,
    #[serde(default)]
    pub id_fournisseur: Option<i64>,
    #[serde(default)]
    pub designation_fournisseur: Option<String>,
    #[serde(default)]
    pub type_identifiant_fournisseur: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InvoiceReferences {
    #[serde(default)]
    pub type_facture: Option<InvoiceType>,
    #[serde(default)]
    pub code_devise_facture: Option<String>,
    #[serde(default)]
    pub date_facture: Option<NaiveDate>,
    #[serde(default)]
    pub date_depot: Option<NaiveDate>,
    #[serde(default)]
    pub numero_bon_commande: Option<String>,
    #[serde(default)]
    pub numero_marche: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InvoiceTotals {
    #[serde(default, with = "opt_amount")]
    pub montant_ht_total: Option<Decimal>,
    #[serde(default, rename = "montantTVA", with = "opt_amount")]
    pub montant_tva: Option<Decimal>,
    #[serde(default, with = "opt_amount")]
    pub montant_ttc_total: Option<Decimal>,
    #[serde(default, rename = "montantAPayer", with = "opt_amount")]
    pub montant_a_payer: Option<Decimal>,
}

/// `POST /cpro/factures/v1/consulter/historique`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InvoiceHistoryRequest {
    /// The `identifiantFactureCPP`.
    pub id_facture: i64,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub nb_resultats_maximum: Option<u32>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InvoiceHistoryResponse {
    pub id_facture: i64,
    #[serde(default)]
    pub numero_facture: Option<String>,
    pub statut_courant_code: InvoiceStatus,
    #[serde(default)]
    pub historiques_des_statuts: StatusHistory,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StatusHistory {
    /// Newest first.
    #[serde(default, deserialize_with = "one_or_many")]
    pub histo_statut: Vec<StatusHistoryEntry>,
    #[serde(default)]
    pub total_histo_statut: Option<i64>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StatusHistoryEntry {
    #[serde(default)]
    pub histo_statut_id: Option<i64>,
    pub histo_statut_code: InvoiceStatus,
    /// `YYYY-MM-DD HH:MM`.
    #[serde(default)]
    pub histo_statut_date_passage: Option<String>,
    /// The recipient's reason (suspension, rejection, recycling).
    #[serde(default)]
    pub histo_statut_commentaire: Option<String>,
}

// ---------------------------------------------------------------- follow-up actions (§5.15)

/// `POST /cpro/factures/v1/recycler`: fix the routing of an `A_RECYCLER` invoice.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RecycleInvoiceRequest {
    #[serde(rename = "identifiantFactureCPP")]
    pub identifiant_facture_cpp: i64,
    pub destinataire: RecycleRecipient,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub reference: Option<RecycleReference>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub commentaire: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RecycleRecipient {
    pub code_destinataire: String,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub code_service_executant: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RecycleReference {
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub numero_bon_commande: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub numero_marche: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RecycleInvoiceResponse {
    #[serde(rename = "identifiantFactureCPP")]
    pub identifiant_facture_cpp: i64,
    #[serde(default)]
    pub numero_facture: Option<String>,
    #[serde(default)]
    pub statut_facture: Option<InvoiceStatus>,
}

/// `POST /cpro/factures/v1/completer`: answer a `SUSPENDUE` invoice.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CompleteInvoiceRequest {
    #[serde(rename = "identifiantFactureCPP")]
    pub identifiant_facture_cpp: i64,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub commentaire: Option<String>,
    /// Attachments uploaded beforehand with `transverses/v1/ajouter/fichier`.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub piece_jointe_complementaire: Vec<AdditionalAttachment>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AdditionalAttachment {
    pub piece_jointe_complementaire_id: i64,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub piece_jointe_complementaire_designation: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub piece_jointe_complementaire_type: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CompleteInvoiceResponse {
    #[serde(rename = "identifiantFactureCPP")]
    pub identifiant_facture_cpp: i64,
    #[serde(default)]
    pub numero_facture: Option<String>,
    #[serde(default)]
    pub date_traitement: Option<String>,
}

/// `POST /cpro/transverses/v1/ajouter/fichier`: upload an attachment (under 10 MB, a name of at most
/// 50 characters with an extension), then name its id in `completer`.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AddFileRequest {
    /// The file, base64.
    pub piece_jointe_fichier: String,
    pub piece_jointe_nom: String,
    pub piece_jointe_type_mime: String,
    /// The extension, without its dot.
    pub piece_jointe_extension: String,
}

impl AddFileRequest {
    pub fn new(file_name: &str, content_type: &str, content: &[u8]) -> Self {
        AddFileRequest {
            piece_jointe_fichier: base64::engine::general_purpose::STANDARD.encode(content),
            piece_jointe_nom: file_name.to_owned(),
            piece_jointe_type_mime: content_type.to_owned(),
            piece_jointe_extension: file_name
                .rsplit_once('.')
                .map(|(_, e)| e.to_owned())
                .unwrap_or_default(),
        }
    }
}

impl fmt::Debug for AddFileRequest {
    // The file body may be large and personal: show its size only.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AddFileRequest")
            .field(
                "piece_jointe_fichier",
                &format_args!("<{} base64 chars>", self.piece_jointe_fichier.len()),
            )
            .field("piece_jointe_nom", &self.piece_jointe_nom)
            .field("piece_jointe_type_mime", &self.piece_jointe_type_mime)
            .finish()
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AddFileResponse {
    pub piece_jointe_id: i64,
}

// ---------------------------------------------------------------- structures (§5.7 - §5.11)

/// `POST /cpro/structures/v1/rechercher`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StructureSearch {
    pub structure: StructureCriteria,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub restreindre_structures_privees: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub parametres: Option<Pagination>,
}

impl StructureSearch {
    /// Search by SIRET, all public structures.
    pub fn by_siret(siret: &str) -> Self {
        StructureSearch {
            structure: StructureCriteria {
                identifiant_structure: Some(siret.to_owned()),
                type_identifiant_structure: Some("SIRET".to_owned()),
                ..StructureCriteria::default()
            },
            restreindre_structures_privees: Some(false),
            parametres: Some(Pagination::page(1, 10)),
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StructureCriteria {
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub identifiant_structure: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub type_identifiant_structure: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub raison_sociale_structure: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StructureSearchResponse {
    #[serde(default, deserialize_with = "one_or_many")]
    pub liste_structures: Vec<StructureSummary>,
    #[serde(default)]
    pub parametres_retour: Option<PageInfo>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StructureSummary {
    #[serde(rename = "idStructureCPP")]
    pub id_structure_cpp: i64,
    /// A SIRET for French entities; sometimes sent as a JSON number.
    #[serde(deserialize_with = "string_or_number")]
    pub identifiant_structure: String,
    #[serde(default)]
    pub type_identifiant_structure: Option<String>,
    #[serde(default)]
    pub designation_structure: Option<String>,
    #[serde(default)]
    pub statut: Option<String>,
}

/// `POST /cpro/structures/v1/consulter`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StructureRequest {
    #[serde(rename = "idStructureCPP")]
    pub id_structure_cpp: i64,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub code_langue: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StructureResponse {
    #[serde(default)]
    pub information_generales: Option<StructureGeneralInformation>,
    #[serde(default)]
    pub parametres: StructureSettings,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StructureGeneralInformation {
    #[serde(default, rename = "idStructureCPP")]
    pub id_structure_cpp: Option<i64>,
    #[serde(default, deserialize_with = "opt_string_or_number")]
    pub identifiant_structure: Option<String>,
    #[serde(default)]
    pub type_identifiant_structure: Option<String>,
    #[serde(default)]
    pub libelle_structure: Option<String>,
    #[serde(default)]
    pub raison_sociale_structure: Option<String>,
    #[serde(default)]
    pub structure_privee_publique: Option<String>,
}

/// The flags that decide which references an invoice to this structure must carry.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct StructureSettings {
    pub code_service_doit_etre_renseigne: bool,
    #[serde(rename = "numeroEJDoitEtreRenseigne")]
    pub numero_ej_doit_etre_renseigne: bool,
    #[serde(rename = "gestionNumeroEJOuCodeService")]
    pub gestion_numero_ej_ou_code_service: bool,
    pub statut_mise_en_paiement_nest_pas_remonte: bool,
}

/// What a buyer requires on invoices, derived as OCA does (reference §5.8).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RoutingRequirement {
    None,
    ServiceCode,
    EngagementNumber,
    ServiceCodeAndEngagementNumber,
    ServiceCodeOrEngagementNumber,
}

impl StructureSettings {
    pub fn routing_requirement(&self) -> RoutingRequirement {
        if self.gestion_numero_ej_ou_code_service {
            return RoutingRequirement::ServiceCodeOrEngagementNumber;
        }
        match (
            self.code_service_doit_etre_renseigne,
            self.numero_ej_doit_etre_renseigne,
        ) {
            (true, true) => RoutingRequirement::ServiceCodeAndEngagementNumber,
            (true, false) => RoutingRequirement::ServiceCode,
            (false, true) => RoutingRequirement::EngagementNumber,
            (false, false) => RoutingRequirement::None,
        }
    }
}

/// `POST /cpro/structures/v1/rechercher/services`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StructureServicesSearch {
    pub id_structure: i64,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub parametres_rechercher_services_structure: Option<Pagination>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StructureServicesResponse {
    #[serde(default, deserialize_with = "one_or_many")]
    pub liste_services: Vec<ServiceSummary>,
    #[serde(default)]
    pub parametres_retour: Option<PageInfo>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ServiceSummary {
    pub id_service: i64,
    pub code_service: String,
    #[serde(default)]
    pub libelle_service: Option<String>,
    #[serde(default)]
    pub date_dbt_service: Option<String>,
    #[serde(default)]
    pub date_fin_service: Option<String>,
    #[serde(default)]
    pub est_actif: bool,
    #[serde(default)]
    pub statut_service: Option<String>,
}

/// `POST /cpro/structures/v1/consulter/service`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ServiceRequest {
    pub id_structure: i64,
    pub id_service: i64,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub code_langue: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ServiceResponse {
    #[serde(default)]
    pub informations_generales: Option<ServiceGeneralInformation>,
    #[serde(default)]
    pub parametres: ServiceSettings,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ServiceGeneralInformation {
    #[serde(default)]
    pub code_service: Option<String>,
    #[serde(default)]
    pub nom_service: Option<String>,
    #[serde(default)]
    pub description_service: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ServiceSettings {
    /// True: invoices to this service need an engagement (EJ) number.
    pub numero_engagement: bool,
    pub mise_en_paiement: Option<bool>,
    pub date_debut_validite: Option<String>,
    pub date_fin_validite: Option<String>,
}

/// `POST /cpro/transverses/v1/recuperer/structures/actives/fournisseur`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SupplierStructuresResponse {
    #[serde(default, deserialize_with = "one_or_many")]
    pub liste_structures: Vec<SupplierStructure>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SupplierStructure {
    #[serde(rename = "idStructureCPP")]
    pub id_structure_cpp: i64,
    #[serde(deserialize_with = "string_or_number")]
    pub identifiant: String,
    #[serde(default)]
    pub designation_structure: Option<String>,
}

/// `GET /cpro/transverses/v1/health-check`; the body shape is uncertain, so it is kept raw.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct HealthCheckResponse {
    pub body: serde_json::Value,
}

// ---------------------------------------------------------------- engagements (§5.14)

/// `POST /cpro/engagementsJuridiques/v1/rechercher`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EngagementSearch {
    /// The buyer's `idStructureCPP`, as a string.
    pub structure_receptrice_engagement_juridique: String,
    pub numero_engagement_juridique: String,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub etat_courant_engagement_juridique: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EngagementSearchResponse {
    #[serde(default, deserialize_with = "one_or_many")]
    pub liste_engagement_juridique: Vec<Engagement>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Engagement {
    #[serde(default)]
    pub id_engagement_juridique: Option<i64>,
    pub numero_engagement_juridique: String,
    #[serde(default)]
    pub libelle_type_engagement_juridique: Option<String>,
    #[serde(default)]
    pub code_service_executant: Option<String>,
    #[serde(default, rename = "dateNotificationEJ")]
    pub date_notification_ej: Option<String>,
    #[serde(default, rename = "libelleEtatCourantEJ")]
    pub libelle_etat_courant_ej: Option<String>,
    #[serde(default, with = "opt_amount")]
    pub montant_total_ttc: Option<Decimal>,
}

// ---------------------------------------------------------------- tolerant field parsers

/// Accepts `[..]`, a single object, or `null`.
fn one_or_many<'de, D, T>(deserializer: D) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum OneOrMany<T> {
        Many(Vec<T>),
        One(T),
    }
    Ok(match Option::<OneOrMany<T>>::deserialize(deserializer)? {
        Some(OneOrMany::Many(items)) => items,
        Some(OneOrMany::One(item)) => vec![item],
        None => Vec::new(),
    })
}

fn string_or_number<'de, D: Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
    match serde_json::Value::deserialize(deserializer)? {
        serde_json::Value::String(text) => Ok(text),
        serde_json::Value::Number(number) => Ok(number.to_string()),
        other => Err(serde::de::Error::custom(format!(
            "expected a string or a number, got {other}"
        ))),
    }
}

fn opt_string_or_number<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<String>, D::Error> {
    match serde_json::Value::deserialize(deserializer)? {
        serde_json::Value::Null => Ok(None),
        serde_json::Value::String(text) => Ok(Some(text)),
        serde_json::Value::Number(number) => Ok(Some(number.to_string())),
        other => Err(serde::de::Error::custom(format!(
            "expected a string or a number, got {other}"
        ))),
    }
}

/// Amounts travel as JSON numbers (`9822.5`); read them through their decimal text so no
/// binary floating point rounding reaches a `Decimal`, and write them back as numbers.
mod opt_amount {
    use std::str::FromStr;

    use rust_decimal::Decimal;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<Decimal>, D::Error> {
        let text = match serde_json::Value::deserialize(deserializer)? {
            serde_json::Value::Null => return Ok(None),
            serde_json::Value::Number(number) => number.to_string(),
            serde_json::Value::String(text) => text,
            other => {
                return Err(serde::de::Error::custom(format!("expected an amount, got {other}")));
            }
        };
        Decimal::from_str(&text)
            .or_else(|_| Decimal::from_scientific(&text))
            .map(Some)
            .map_err(|error| serde::de::Error::custom(format!("invalid amount {text:?}: {error}")))
    }

    pub fn serialize<S: Serializer>(value: &Option<Decimal>, serializer: S) -> Result<S::Ok, S::Error> {
        match value {
            None => serializer.serialize_none(),
            Some(amount) => {
                let number =
                    serde_json::Number::from_str(&amount.normalize().to_string()).map_err(serde::ser::Error::custom)?;
                serde::Serialize::serialize(&number, serializer)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    #[test]
    fn unknown_flux_state_is_kept_and_not_final() {
        let report: DetailedFluxReportResponse =
            serde_json::from_str(r#"{"etatCourantDepotFlux":"IN_NOUVEL_ETAT","listeErreurTechnique":[]}"#).unwrap();
        assert_eq!(
            report.etat_courant_depot_flux,
            FluxState::Other("IN_NOUVEL_ETAT".to_owned())
        );
        assert!(!report.etat_courant_depot_flux.is_final());
        assert_eq!(report.etat_courant_depot_flux.as_str(), "IN_NOUVEL_ETAT");
    }

    #[test]
    fn error_list_sent_as_a_single_object_is_read_as_a_list() {
        let report: DetailedFluxReportResponse = serde_json::from_str(
            r#"{"etatCourantDepotFlux":"IN_INTEGRE_PARTIEL",
                "listeErreurDP":{"numeroDP":"FA-1","identifiantFournisseur":12345678900017,
                                 "libelleErreurDP":"inconnu"}}"#,
        )
        .unwrap();
        assert_eq!(report.liste_erreur_dp.len(), 1);
        assert_eq!(report.liste_erreur_dp[0].numero_dp, "FA-1");
        assert_eq!(
            report.liste_erreur_dp[0].identifiant_fournisseur.as_deref(),
            Some("12345678900017")
        );
        assert!(report.liste_erreur_technique.is_empty());
    }

    #[test]
    fn numeric_structure_identifier_is_accepted() {
        let found: StructureSearchResponse = serde_json::from_str(
            r#"{"listeStructures":[{"idStructureCPP":26346724,"identifiantStructure":21750001600019}]}"#,
        )
        .unwrap();
        assert_eq!(found.liste_structures[0].identifiant_structure, "21750001600019");
    }

    #[test]
    fn amounts_are_read_exactly_and_written_as_numbers() {
        let invoice: SupplierInvoiceSummary = serde_json::from_str(
            r#"{"identifiantFactureCPP":8123456,"numeroFacture":"FA-1","statut":"MANDATEE",
                "montantHT":9822.5,"montantTTC":"11787.00","montantAPayer":0.1}"#,
        )
        .unwrap();
        assert_eq!(invoice.montant_ht, Some(dec!(9822.5)));
        assert_eq!(invoice.montant_ttc, Some(dec!(11787.00)));
        assert_eq!(invoice.montant_a_payer, Some(dec!(0.1)));
        assert_eq!(invoice.statut, InvoiceStatus::PaymentOrdered);
        let json = serde_json::to_value(&invoice).unwrap();
        assert_eq!(json["montantHT"], serde_json::json!(9822.5));
    }

    #[test]
    fn deposit_request_uses_the_wire_names_and_hides_the_file_in_debug() {
        let request = DepositFluxRequest::new("FA/2025/1.xml", b"<Invoice/>", FluxSyntax::UblInvoice);
        let json = serde_json::to_value(&request).unwrap();
        assert_eq!(json["syntaxeFlux"], "IN_DP_E1_UBL_INVOICE");
        assert_eq!(json["nomFichier"], "FA-2025-1.xml");
        assert_eq!(json["fichierFlux"], "PEludm9pY2UvPg==");
        assert_eq!(json["avecSignature"], false);
        assert!(!format!("{request:?}").contains("PEludm9pY2UvPg=="));
    }

    #[test]
    fn routing_requirement_follows_the_structure_flags() {
        let mut settings = StructureSettings::default();
        assert_eq!(settings.routing_requirement(), RoutingRequirement::None);
        settings.code_service_doit_etre_renseigne = true;
        assert_eq!(settings.routing_requirement(), RoutingRequirement::ServiceCode);
        settings.numero_ej_doit_etre_renseigne = true;
        assert_eq!(
            settings.routing_requirement(),
            RoutingRequirement::ServiceCodeAndEngagementNumber
        );
        settings.gestion_numero_ej_ou_code_service = true;
        assert_eq!(
            settings.routing_requirement(),
            RoutingRequirement::ServiceCodeOrEngagementNumber
        );
    }
}
