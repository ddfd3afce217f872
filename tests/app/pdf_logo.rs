//! The organisation's logo on the invoice PDF: drawn as an image, and the Factur-X that carries it
//! still passes the EN 16931 validator (its PDF/A-3b is checked by krilla as it is written).

use chorus_desk::domain::einvoicing::IdentifierProfile;
use chorus_desk::domain::invoice::Invoice;
use chorus_desk::render::pdf::Logo;
use chorus_desk::render::{AttachmentMode, DepositFormat, render_invoice_with};

const PNG_LOGO: &[u8] = include_bytes!("../fixtures/logos/logo.png");
const JPEG_LOGO: &[u8] = include_bytes!("../fixtures/logos/logo.jpg");

fn image_xobjects(pdf: &[u8]) -> usize {
    let text = String::from_utf8_lossy(pdf);
    text.matches("/Subtype /Image").count() + text.matches("/Subtype/Image").count()
}

#[test]
fn a_factur_x_with_the_logo_draws_it_and_passes_the_validator() {
    // A French invoice the validator accepts as it is (`render_samples` checks every fixture).
    let fixture = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/invoices/chorus-example.json"
    );
    let document = serde_json::from_str(&std::fs::read_to_string(fixture).unwrap()).expect("a document");
    let invoice = Invoice::parse(document).expect("a valid invoice");
    let dir = tempfile::tempdir().unwrap();
    let mut files = Vec::new();
    for (name, content_type, bytes) in [("png", "image/png", PNG_LOGO), ("jpeg", "image/jpeg", JPEG_LOGO)] {
        let logo = Logo::decode(content_type, bytes).expect("the logo decodes");
        let rendered = render_invoice_with(
            &invoice,
            DepositFormat::FacturX,
            AttachmentMode::Pdf,
            IdentifierProfile::default(),
            Some(&logo),
        )
        .expect("a Factur-X");
        assert!(
            image_xobjects(&rendered.pdf) >= 1,
            "{name}: the logo is an image XObject"
        );
        let path = dir.path().join(format!("facturx-{name}.pdf"));
        std::fs::write(&path, &rendered.pdf).unwrap();
        files.push(path);
        // The invoice PDF of a UBL deposit carries it too.
        let ubl = render_invoice_with(
            &invoice,
            DepositFormat::Ubl,
            AttachmentMode::Pdf,
            IdentifierProfile::default(),
            Some(&logo),
        )
        .unwrap();
        assert!(image_xobjects(&ubl.pdf) >= 1, "{name}: UBL's PDF");
    }
    for (file, issues) in crate::render_samples::validate(&files, false) {
        let fatal: Vec<_> = issues.iter().filter(|(_, flag)| flag == "fatal").collect();
        assert!(fatal.is_empty(), "{}: {fatal:?}", file.display());
    }
}
