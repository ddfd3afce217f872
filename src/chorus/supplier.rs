//! Whose invoices a Chorus Pro search may return. One technical account can be attached to several
//! suppliers (a group, an accountant, the simulator's default directory), and invoice numbers repeat
//! between suppliers: every `rechercher/fournisseur` call of an organisation names its own supplier
//! (`idFournisseur`), and every answer item is checked against its SIRET, so that another supplier's
//! invoice is never adopted, stored or logged.

use crate::chorus::dto::{SupplierInvoiceSearch, SupplierInvoiceSummary};
use crate::chorus::{ChorusApi, ChorusClient, ChorusError};
use crate::db::models::chorus_connection::ChorusConnection;
use rust_decimal::Decimal;

/// The organisation's own supplier on Chorus Pro.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OwnSupplier {
    /// `idStructureCPP` of the supplier: the `idFournisseur` of searches.
    pub structure_id: i64,
    pub siret: String,
}

impl OwnSupplier {
    /// The search, restricted to this supplier.
    pub fn scope(&self, search: SupplierInvoiceSearch) -> SupplierInvoiceSearch {
        SupplierInvoiceSearch {
            id_fournisseur: Some(self.structure_id),
            ..search
        }
    }

    /// Whether an answer item is one of this supplier's invoices (Chorus Pro names the supplier by
    /// its SIRET in `codeFournisseur`; an item that names none is not trusted).
    pub fn owns(&self, item: &SupplierInvoiceSummary) -> bool {
        item.code_fournisseur.as_deref().map(str::trim) == Some(self.siret.as_str())
    }

    /// Keeps this supplier's items only.
    pub fn keep_own(&self, items: Vec<SupplierInvoiceSummary>) -> Vec<SupplierInvoiceSummary> {
        items.into_iter().filter(|item| self.owns(item)).collect()
    }
}

/// Why the supplier could not be established: the search is not made.
fn not_attached(siret: &str) -> ChorusError {
    ChorusError::Configuration(format!(
        "the technical account is not attached to the supplier structure of SIRET {siret} on Chorus Pro: \
         its invoices cannot be searched (Configuration › E-Invoicing, test the connection)"
    ))
}

/// The organisation's supplier: the structure id saved with the connection when there is one,
/// otherwise the technical account's active supplier structure whose identifier is the
/// organisation's SIRET. A saved id must also be one of the account's structures for that SIRET.
pub async fn own_supplier(client: &ChorusClient, connection: &ChorusConnection) -> Result<OwnSupplier, ChorusError> {
    let siret = connection.supplier_siret.as_str().to_string();
    let saved = connection
        .structure_id
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .and_then(|s| s.parse::<i64>().ok());
    let structures = client.supplier_active_structures().await?;
    let attached = structures
        .liste_structures
        .into_iter()
        .filter(|s| s.identifiant.trim() == siret)
        .find(|s| saved.is_none_or(|id| id == s.id_structure_cpp))
        .ok_or_else(|| not_attached(&siret))?;
    Ok(OwnSupplier {
        structure_id: attached.id_structure_cpp,
        siret,
    })
}

/// What an earlier deposit of ours must look like in Chorus Pro to be taken for it.
#[derive(Debug, Clone)]
pub struct DepositedInvoice<'a> {
    pub number: &'a str,
    pub issue_date: chrono::NaiveDate,
    /// Total with VAT.
    pub total_with_vat: Decimal,
}

impl DepositedInvoice<'_> {
    /// Same supplier, number, amount and date: a hit that differs in any of them is someone else's
    /// invoice (or another of ours) and is never adopted.
    pub fn is(&self, own: &OwnSupplier, item: &SupplierInvoiceSummary) -> bool {
        own.owns(item)
            && item.numero_facture == self.number
            && item.montant_ttc == Some(self.total_with_vat)
            && item.date_facture == Some(self.issue_date)
    }
}
