//! What goes to Chorus Pro: the invoice's syntax (`DepositFormat`) and how its PDF travels with it
//! (`AttachmentMode`). One type each, used by the settings, the submitter, the downloads, the CLI
//! and the simulator's reading of a flux.
//!
//! A new format is a variant here (its name, wire syntax and what file is deposited), its writer
//! under `render/`, and its arm in `render::render_invoice` (ARCHITECTURE.md, "A new deposit format").

use serde::{Deserialize, Serialize};

/// The invoice syntax deposited on Chorus Pro, stored in `chorus_connections.deposit_format` as
/// [`DepositFormat::as_str`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum DepositFormat {
    /// UBL 2.1 Invoice/CreditNote (`IN_DP_E1_UBL_INVOICE`).
    #[default]
    Ubl,
    /// UN/CEFACT CII D16B (`IN_DP_E1_CII_16B`).
    Cii,
    /// Factur-X EN 16931: a PDF/A-3b carrying its CII (`IN_DP_E2_CII_FACTURX`).
    FacturX,
}

impl DepositFormat {
    pub const ALL: [DepositFormat; 3] = [DepositFormat::Ubl, DepositFormat::Cii, DepositFormat::FacturX];

    /// The stored and command-line name.
    pub fn as_str(self) -> &'static str {
        match self {
            DepositFormat::Ubl => "ubl",
            DepositFormat::Cii => "cii",
            DepositFormat::FacturX => "facturx",
        }
    }

    /// The format's own name, the same in every language.
    pub fn name(self) -> &'static str {
        match self {
            DepositFormat::Ubl => "UBL 2.1",
            DepositFormat::Cii => "UN/CEFACT CII D16B",
            DepositFormat::FacturX => "Factur-X (PDF/A-3 + CII)",
        }
    }

    /// `syntaxeFlux` of the deposit (Chorus Pro's `deposer/flux`).
    pub fn wire_syntax(self) -> &'static str {
        match self {
            DepositFormat::Ubl => "IN_DP_E1_UBL_INVOICE",
            DepositFormat::Cii => "IN_DP_E1_CII_16B",
            DepositFormat::FacturX => "IN_DP_E2_CII_FACTURX",
        }
    }

    /// Whether the PDF is what is deposited (it carries the XML), rather than the XML.
    pub fn deposits_pdf(self) -> bool {
        matches!(self, DepositFormat::FacturX)
    }

    /// The deposited file's extension.
    pub fn file_extension(self) -> &'static str {
        if self.deposits_pdf() { "pdf" } else { "xml" }
    }

    /// The deposited file's media type.
    pub fn content_type(self) -> &'static str {
        if self.deposits_pdf() {
            "application/pdf"
        } else {
            "application/xml"
        }
    }

    pub fn parse(value: &str) -> Option<DepositFormat> {
        Self::ALL.into_iter().find(|f| f.as_str() == value.trim())
    }

    /// The format a `syntaxeFlux` stands for, if it is one we write.
    pub fn from_wire(syntax: &str) -> Option<DepositFormat> {
        Self::ALL.into_iter().find(|f| f.wire_syntax() == syntax.trim())
    }
}

impl std::str::FromStr for DepositFormat {
    type Err = String;
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Self::parse(text).ok_or_else(|| {
            let known: Vec<&str> = Self::ALL.iter().map(|f| f.as_str()).collect();
            let (last, rest) = known.split_last().map_or(("", &[][..]), |(last, rest)| (*last, rest));
            format!("unknown format \"{text}\" (expected {} or {last})", rest.join(", "))
        })
    }
}

impl std::fmt::Display for DepositFormat {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How the invoice's PDF travels inside a UBL or CII deposit: zipped (Chorus Pro's E2 template, the
/// default), as a plain PDF (the strict EN 16931 MIME code list), or not at all (a document's own
/// choice; a Chorus Pro connection offers only [`AttachmentMode::CONNECTION_CHOICES`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum AttachmentMode {
    #[default]
    Zip,
    Pdf,
    None,
}

impl AttachmentMode {
    pub const ALL: [AttachmentMode; 3] = [AttachmentMode::Zip, AttachmentMode::Pdf, AttachmentMode::None];
    /// What the E-Invoicing card offers: Chorus Pro always receives the PDF.
    pub const CONNECTION_CHOICES: [AttachmentMode; 2] = [AttachmentMode::Zip, AttachmentMode::Pdf];

    pub fn as_str(self) -> &'static str {
        match self {
            AttachmentMode::Zip => "zip",
            AttachmentMode::Pdf => "pdf",
            AttachmentMode::None => "none",
        }
    }

    /// The catalog key of the mode's name.
    pub fn label_key(self) -> &'static str {
        match self {
            AttachmentMode::Zip => "einv-attachment-zip",
            AttachmentMode::Pdf => "einv-attachment-pdf",
            AttachmentMode::None => "einv-attachment-none",
        }
    }

    pub fn parse(value: &str) -> Option<AttachmentMode> {
        Self::ALL.into_iter().find(|m| m.as_str() == value.trim())
    }

    /// A connection's stored setting: one of [`AttachmentMode::CONNECTION_CHOICES`].
    pub fn parse_connection_choice(value: &str) -> Option<AttachmentMode> {
        Self::parse(value).filter(|mode| Self::CONNECTION_CHOICES.contains(mode))
    }
}

impl std::str::FromStr for AttachmentMode {
    type Err = String;
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Self::parse(text).ok_or_else(|| format!("unknown attachment mode \"{text}\" (expected zip, pdf or none)"))
    }
}

impl std::fmt::Display for AttachmentMode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_format_reads_back_from_its_name_and_its_wire_syntax() {
        for format in DepositFormat::ALL {
            assert_eq!(DepositFormat::parse(format.as_str()), Some(format));
            assert_eq!(DepositFormat::from_wire(format.wire_syntax()), Some(format));
            assert_eq!(format.to_string().parse::<DepositFormat>(), Ok(format));
        }
        assert_eq!(DepositFormat::from_wire("IN_DP_E2_UBL_INVOICE_MIN"), None);
        assert_eq!(
            "xml".parse::<DepositFormat>(),
            Err("unknown format \"xml\" (expected ubl, cii or facturx)".to_string())
        );
    }

    #[test]
    fn factur_x_deposits_its_pdf_and_the_others_their_xml() {
        assert_eq!(DepositFormat::FacturX.file_extension(), "pdf");
        assert_eq!(DepositFormat::Ubl.file_extension(), "xml");
        assert_eq!(DepositFormat::Cii.content_type(), "application/xml");
    }

    #[test]
    fn a_connection_cannot_choose_to_send_no_pdf() {
        assert_eq!(
            AttachmentMode::parse_connection_choice("pdf"),
            Some(AttachmentMode::Pdf)
        );
        assert_eq!(AttachmentMode::parse_connection_choice("none"), None);
        assert_eq!(AttachmentMode::parse("none"), Some(AttachmentMode::None));
    }
}
