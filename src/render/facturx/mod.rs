//! Factur-X 1.0, profile EN 16931: the invoice PDF as PDF/A-3b carrying its CII as
//! `factur-x.xml` (`/AFRelationship /Alternative`), with the Factur-X XMP extension schema.
//!
//! krilla writes the PDF/A-3b file, its XMP (`pdfaid`) and the associated file, but has no hook
//! for extra XMP: the `fx:` properties and their `pdfaExtension` description are added by a
//! small lopdf step on krilla's output.

use crate::domain::invoice::Invoice;
use crate::render::cii::{CiiError, CiiOptions, render_cii};
use crate::render::pdf::{AssociatedFile, AssociationKind, Logo, PdfError, render_pdf_a3_with_logo};

/// The name Factur-X readers look for.
pub const XML_FILE_NAME: &str = "factur-x.xml";
/// `fx:ConformanceLevel` of the profile written.
pub const CONFORMANCE_LEVEL: &str = "EN 16931";
const FX_NAMESPACE: &str = "urn:factur-x:pdfa:CrossIndustryDocument:invoice:1p0#";

/// A Factur-X invoice: the PDF to deposit and the CII it carries.
#[derive(Debug, Clone)]
pub struct FacturX {
    pub pdf: Vec<u8>,
    pub xml: Vec<u8>,
}

#[derive(Debug, thiserror::Error)]
pub enum FacturXError {
    #[error(transparent)]
    Cii(#[from] CiiError),
    #[error(transparent)]
    Pdf(#[from] PdfError),
    #[error("could not add the Factur-X metadata to the PDF: {0}")]
    Metadata(String),
}

/// Renders the CII (without an embedded PDF) and the PDF/A-3b that carries it.
pub fn render_facturx(invoice: &Invoice) -> Result<FacturX, FacturXError> {
    render_facturx_with(invoice, crate::domain::einvoicing::IdentifierProfile::default(), None)
}

/// `render_facturx` with the connection's identifier profile (the CII's BT-29/BT-46) and the
/// organisation's logo on the PDF.
pub fn render_facturx_with(
    invoice: &Invoice,
    identifier_profile: crate::domain::einvoicing::IdentifierProfile,
    logo: Option<&Logo>,
) -> Result<FacturX, FacturXError> {
    let options = CiiOptions {
        identifier_profile,
        ..CiiOptions::default()
    };
    let xml = render_cii(invoice, &options)?;
    let pdf = render_pdf_a3_with_logo(
        invoice,
        AssociatedFile {
            name: XML_FILE_NAME.to_owned(),
            mime_type: "text/xml",
            description: "Factur-X invoice (CII D16B, EN 16931)".to_owned(),
            content: xml.clone(),
            relationship: AssociationKind::Alternative,
        },
        logo,
    )?;
    let pdf = add_facturx_xmp(&pdf)?;
    Ok(FacturX { pdf, xml })
}

/// The `fx:` values and the PDF/A extension schema that declares them.
fn facturx_xmp() -> String {
    let property = |name: &str, description: &str| {
        format!(
            "<rdf:li rdf:parseType=\"Resource\">\
             <pdfaProperty:name>{name}</pdfaProperty:name>\
             <pdfaProperty:valueType>Text</pdfaProperty:valueType>\
             <pdfaProperty:category>external</pdfaProperty:category>\
             <pdfaProperty:description>{description}</pdfaProperty:description>\
             </rdf:li>"
        )
    };
    format!(
        "<rdf:Description rdf:about=\"\" xmlns:fx=\"{FX_NAMESPACE}\">\
         <fx:DocumentType>INVOICE</fx:DocumentType>\
         <fx:DocumentFileName>{XML_FILE_NAME}</fx:DocumentFileName>\
         <fx:Version>1.0</fx:Version>\
         <fx:ConformanceLevel>{CONFORMANCE_LEVEL}</fx:ConformanceLevel>\
         </rdf:Description>\
         <rdf:Description rdf:about=\"\" \
         xmlns:pdfaExtension=\"http://www.aiim.org/pdfa/ns/extension/\" \
         xmlns:pdfaSchema=\"http://www.aiim.org/pdfa/ns/schema#\" \
         xmlns:pdfaProperty=\"http://www.aiim.org/pdfa/ns/property#\">\
         <pdfaExtension:schemas><rdf:Bag><rdf:li rdf:parseType=\"Resource\">\
         <pdfaSchema:schema>Factur-X PDFA Extension Schema</pdfaSchema:schema>\
         <pdfaSchema:namespaceURI>{FX_NAMESPACE}</pdfaSchema:namespaceURI>\
         <pdfaSchema:prefix>fx</pdfaSchema:prefix>\
         <pdfaSchema:property><rdf:Seq>{}{}{}{}</rdf:Seq></pdfaSchema:property>\
         </rdf:li></rdf:Bag></pdfaExtension:schemas>\
         </rdf:Description>",
        property("DocumentFileName", "The name of the embedded XML document"),
        property(
            "DocumentType",
            "The type of the hybrid document in capital letters, e.g. INVOICE or ORDER"
        ),
        property(
            "Version",
            "The actual version of the standard applying to the embedded XML document"
        ),
        property("ConformanceLevel", "The conformance level of the embedded XML document"),
    )
}

/// Inserts the Factur-X XMP into the catalog's metadata stream, left uncompressed (PDF/A).
fn add_facturx_xmp(pdf: &[u8]) -> Result<Vec<u8>, FacturXError> {
    let fail = |what: &str, error: &dyn std::fmt::Display| FacturXError::Metadata(format!("{what}: {error}"));
    let mut document = lopdf::Document::load_mem(pdf).map_err(|e| fail("reading the PDF", &e))?;
    let metadata_id = document
        .catalog()
        .and_then(|catalog| catalog.get(b"Metadata"))
        .and_then(|object| object.as_reference())
        .map_err(|e| fail("finding the XMP", &e))?;
    let stream = document
        .get_object_mut(metadata_id)
        .and_then(|object| object.as_stream_mut())
        .map_err(|e| fail("reading the XMP", &e))?;
    let xmp = match stream.decompressed_content() {
        Ok(content) => content,
        Err(_) => stream.content.clone(),
    };
    let xmp = String::from_utf8(xmp).map_err(|e| fail("reading the XMP", &e))?;
    let end = xmp
        .rfind("</rdf:RDF>")
        .ok_or_else(|| FacturXError::Metadata("the XMP has no rdf:RDF element".into()))?;
    let mut updated = String::with_capacity(xmp.len() + 2048);
    updated.push_str(&xmp[..end]);
    updated.push_str(&facturx_xmp());
    updated.push_str(&xmp[end..]);
    stream.set_plain_content(updated.into_bytes());
    let mut out = Vec::with_capacity(pdf.len() + 4096);
    document.save_to(&mut out).map_err(|e| fail("writing the PDF", &e))?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::invoice::tests::sample_document;

    #[test]
    fn the_pdf_carries_the_cii_and_declares_factur_x() {
        let invoice = Invoice::parse(sample_document()).expect("valid");
        let facturx = render_facturx(&invoice).expect("renders");
        assert!(facturx.pdf.starts_with(b"%PDF-"));
        let text = String::from_utf8_lossy(&facturx.pdf);
        // The embedded XML is stored uncompressed and is the CII returned alongside.
        let xml = String::from_utf8(facturx.xml.clone()).expect("UTF-8");
        let body = xml.trim_start_matches("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        assert!(text.contains(body), "the CII is in the PDF as written");
        assert!(text.contains("/AFRelationship /Alternative") || text.contains("/AFRelationship/Alternative"));
        assert!(text.contains("(factur-x.xml)"));
        assert!(text.contains("<fx:ConformanceLevel>EN 16931</fx:ConformanceLevel>"));
        assert!(text.contains("<fx:DocumentFileName>factur-x.xml</fx:DocumentFileName>"));
        assert!(text.contains("pdfaid:part"));
    }
}
