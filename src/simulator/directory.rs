//! The simulator's directory of structures (the Chorus Pro "annuaire"): buyers with their
//! services and mandatory-reference flags, suppliers, and legal commitments (EJ). Loaded from a
//! JSON file (`CHORUS_SIM_DIRECTORY`) or the built-in `directory.json`.

use std::path::Path;

use serde::{Deserialize, Serialize};

/// The built-in directory used by the demo and the tests.
pub const DEFAULT_DIRECTORY_JSON: &str = include_str!("directory.json");

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Directory {
    /// SIRETs of the supplier structures the technical account is attached to.
    pub technical_account_suppliers: Vec<String>,
    pub structures: Vec<DirectoryStructure>,
    #[serde(default)]
    pub engagements: Vec<DirectoryEngagement>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum StructureKind {
    Publique,
    Privee,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DirectoryStructure {
    #[serde(rename = "idStructureCPP")]
    pub id_structure_cpp: i64,
    pub siret: String,
    pub designation: String,
    #[serde(rename = "type")]
    pub kind: StructureKind,
    pub active: bool,
    #[serde(default)]
    pub code_service_doit_etre_renseigne: bool,
    #[serde(default, rename = "numeroEJDoitEtreRenseigne")]
    pub numero_ej_doit_etre_renseigne: bool,
    #[serde(default, rename = "gestionNumeroEJOuCodeService")]
    pub gestion_numero_ej_ou_code_service: bool,
    #[serde(default)]
    pub services: Vec<DirectoryService>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DirectoryService {
    pub id_service: i64,
    pub code_service: String,
    pub libelle: String,
    pub active: bool,
    /// An engagement (EJ) number is mandatory on invoices to this service.
    #[serde(default)]
    pub numero_engagement: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DirectoryEngagement {
    pub id_engagement_juridique: i64,
    pub numero: String,
    pub siret_destinataire: String,
    #[serde(default)]
    pub code_service_executant: Option<String>,
    #[serde(rename = "type")]
    pub kind: String,
    pub etat: String,
    /// Decimal text, e.g. "12000.00".
    pub montant_total_ttc: String,
}

#[derive(Debug, thiserror::Error)]
pub enum DirectoryError {
    #[error("cannot read the simulator directory {path}: {source}")]
    Read { path: String, source: std::io::Error },
    #[error("the simulator directory is not valid: {0}")]
    Invalid(String),
}

impl Directory {
    pub fn built_in() -> Self {
        Self::from_json(DEFAULT_DIRECTORY_JSON).expect("the built-in directory is valid")
    }

    pub fn from_json(json: &str) -> Result<Self, DirectoryError> {
        let directory: Directory =
            serde_json::from_str(json).map_err(|error| DirectoryError::Invalid(error.to_string()))?;
        directory.check()?;
        Ok(directory)
    }

    pub fn load(path: &Path) -> Result<Self, DirectoryError> {
        let json = std::fs::read_to_string(path).map_err(|source| DirectoryError::Read {
            path: path.display().to_string(),
            source,
        })?;
        Self::from_json(&json)
    }

    fn check(&self) -> Result<(), DirectoryError> {
        let mut sirets = std::collections::HashSet::new();
        let mut ids = std::collections::HashSet::new();
        for structure in &self.structures {
            if structure.siret.len() != 14 || !structure.siret.bytes().all(|b| b.is_ascii_digit()) {
                return Err(DirectoryError::Invalid(format!(
                    "structure {:?}: a SIRET has 14 digits, got {:?}",
                    structure.designation, structure.siret
                )));
            }
            if !sirets.insert(structure.siret.as_str()) || !ids.insert(structure.id_structure_cpp) {
                return Err(DirectoryError::Invalid(format!(
                    "structure {} appears twice",
                    structure.siret
                )));
            }
        }
        for siret in &self.technical_account_suppliers {
            if !sirets.contains(siret.as_str()) {
                return Err(DirectoryError::Invalid(format!(
                    "technicalAccountSuppliers lists {siret}, which is not a structure"
                )));
            }
        }
        Ok(())
    }

    pub fn by_siret(&self, siret: &str) -> Option<&DirectoryStructure> {
        self.structures.iter().find(|s| s.siret == siret)
    }

    pub fn by_id(&self, id: i64) -> Option<&DirectoryStructure> {
        self.structures.iter().find(|s| s.id_structure_cpp == id)
    }

    pub fn is_attached_supplier(&self, siret: &str) -> bool {
        self.technical_account_suppliers.iter().any(|s| s == siret)
    }
}

impl DirectoryStructure {
    pub fn service(&self, code: &str) -> Option<&DirectoryService> {
        self.services.iter().find(|s| s.code_service == code)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn built_in_directory_holds_what_the_demo_needs() {
        let directory = Directory::built_in();
        let public: Vec<_> = directory
            .structures
            .iter()
            .filter(|s| s.kind == StructureKind::Publique)
            .collect();
        assert!(
            public
                .iter()
                .any(|s| s.active && !s.code_service_doit_etre_renseigne && !s.numero_ej_doit_etre_renseigne)
        );
        assert!(public.iter().any(|s| s.numero_ej_doit_etre_renseigne));
        assert!(public.iter().any(|s| !s.active));
        let with_service_code = public
            .iter()
            .find(|s| s.code_service_doit_etre_renseigne)
            .expect("a buyer requiring a service code");
        assert!(with_service_code.services.iter().any(|s| s.active));
        assert!(with_service_code.services.iter().any(|s| !s.active));
        assert!(directory.technical_account_suppliers.len() >= 2);
    }

    #[test]
    fn duplicate_and_malformed_sirets_are_refused() {
        let mut directory = Directory::built_in();
        directory.structures[1].siret = directory.structures[0].siret.clone();
        let json = serde_json::to_string(&directory).unwrap();
        assert!(Directory::from_json(&json).is_err());
        let mut directory = Directory::built_in();
        directory.structures[0].siret = "123".to_owned();
        let json = serde_json::to_string(&directory).unwrap();
        assert!(Directory::from_json(&json).is_err());
    }
}
