//! The invoice PDF (French layout, legal mentions, Chorus references) drawn with krilla.
//! Layout first builds pages of drawing operations, so the footer can say "page n / N".

mod layout;
mod metrics;

use std::sync::OnceLock;

use chrono::Datelike as _;

use krilla::color::rgb;
use krilla::configure::{Archival, ConfigurationBuilder};
pub use krilla::embed::AssociationKind;
use krilla::embed::{EmbeddedFile, MimeType};
use krilla::geom::{PathBuilder, Point, Rect, Size, Transform};
use krilla::image::Image;
use krilla::metadata::{DateTime, Metadata};
use krilla::num::NormalizedF32;
use krilla::page::PageSettings;
use krilla::paint::{Fill, LineJoin, Stroke};
use krilla::text::Font;
use krilla::{Document, SerializeSettings};

use crate::domain::invoice::Invoice;
use metrics::FontMetrics;

pub(crate) const PAGE_WIDTH: f32 = 595.28;
pub(crate) const PAGE_HEIGHT: f32 = 841.89;
/// Stroke width of the simulated bold, relative to the font size.
const BOLD_STROKE_EM: f32 = 0.035;

static REGULAR_TTF: &[u8] = include_bytes!("../../../assets/fonts/DejaVuSans.ttf");

/// One embedded font: bold is the same glyphs filled and stroked, which spares a second
/// font subset (subsetting and compressing fonts is most of the PDF's cost).
pub(crate) struct Fonts {
    regular: Font,
    pub(crate) metrics: FontMetrics,
}

/// Fonts are parsed once per process: parsing DejaVu costs more than drawing an invoice.
fn fonts() -> Result<&'static Fonts, PdfError> {
    static FONTS: OnceLock<Option<Fonts>> = OnceLock::new();
    FONTS
        .get_or_init(|| {
            Some(Fonts {
                regular: Font::new(REGULAR_TTF.into(), 0)?,
                metrics: FontMetrics::parse(REGULAR_TTF)?,
            })
        })
        .as_ref()
        .ok_or(PdfError::Font)
}

#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    #[error("the embedded DejaVu Sans font could not be read")]
    Font,
    #[error("could not write the PDF: {0}")]
    Write(String),
}

/// One drawing operation, in points from the top-left corner.
#[derive(Debug, Clone)]
pub(crate) enum Op {
    Text {
        x: f32,
        y: f32,
        size: f32,
        bold: bool,
        grey: bool,
        text: String,
    },
    /// The organisation's logo, scaled into this box.
    Logo { x: f32, y: f32, width: f32, height: f32 },
    /// A filled rectangle (rules and shaded header rows).
    Rect {
        x: f32,
        y: f32,
        width: f32,
        height: f32,
        shade: u8,
    },
}

/// The organisation's logo (PNG or JPEG), drawn at the top left of the first page.
#[derive(Clone)]
pub struct Logo {
    image: Image,
    /// Its size on the page, in points: at most [`LOGO_MAX_WIDTH`] × [`LOGO_MAX_HEIGHT`], its
    /// proportions kept.
    width: f32,
    height: f32,
}

/// The box the logo is scaled into, in points (about 6 × 2 cm).
pub const LOGO_MAX_WIDTH: f32 = 170.0;
pub const LOGO_MAX_HEIGHT: f32 = 56.0;

impl std::fmt::Debug for Logo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Logo")
            .field("width", &self.width)
            .field("height", &self.height)
            .finish_non_exhaustive()
    }
}

impl Logo {
    /// Decodes a logo as stored (`image/png` or `image/jpeg`); `None` when it cannot be read, so
    /// that a broken logo never stops an invoice.
    pub fn decode(content_type: &str, bytes: &[u8]) -> Option<Logo> {
        let data = bytes.to_vec().into();
        let image = match content_type {
            // No interpolation: PDF/A forbids it.
            "image/png" => Image::from_png(data, false).ok()?,
            "image/jpeg" => Image::from_jpeg(data, false).ok()?,
            _ => return None,
        };
        let (pixels_wide, pixels_high) = image.size();
        if pixels_wide == 0 || pixels_high == 0 {
            return None;
        }
        let (w, h) = (pixels_wide as f32, pixels_high as f32);
        let scale = (LOGO_MAX_WIDTH / w).min(LOGO_MAX_HEIGHT / h);
        Some(Logo {
            image,
            width: w * scale,
            height: h * scale,
        })
    }

    /// Its size on the page, in points.
    pub fn size(&self) -> (f32, f32) {
        (self.width, self.height)
    }
}

/// A file carried inside the PDF as a PDF/A-3 associated file (`/AF`).
#[derive(Debug, Clone)]
pub struct AssociatedFile {
    pub name: String,
    pub mime_type: &'static str,
    pub description: String,
    pub content: Vec<u8>,
    /// `/AFRelationship`: `Alternative` for a Factur-X EN 16931 invoice.
    pub relationship: AssociationKind,
}

/// The characters of the invoice the PDF font lacks, each once, in order of appearance: the
/// PDF draws them as `?` (the XML keeps them). Empty when the PDF shows every character.
pub fn substituted_characters(invoice: &Invoice) -> Vec<char> {
    let Ok(fonts) = fonts() else {
        return Vec::new();
    };
    let mut missing = Vec::new();
    for ops in layout::layout(invoice, fonts, None) {
        for op in ops {
            if let Op::Text { text, .. } = op {
                for c in text.chars().filter(|c| !fonts.metrics.has_glyph(*c)) {
                    if !missing.contains(&c) {
                        missing.push(c);
                    }
                }
            }
        }
    }
    missing
}

/// Renders the invoice PDF (A4, embedded DejaVu Sans subset).
pub fn render_pdf(invoice: &Invoice) -> Result<Vec<u8>, PdfError> {
    render(invoice, None, None)
}

/// Renders the invoice PDF with the organisation's logo at the top left.
pub fn render_pdf_with_logo(invoice: &Invoice, logo: Option<&Logo>) -> Result<Vec<u8>, PdfError> {
    render(invoice, None, logo)
}

/// Renders the invoice PDF as PDF/A-3b carrying `file` as an associated file. krilla refuses
/// to write a document that breaks PDF/A-3b, and says why.
pub fn render_pdf_a3(invoice: &Invoice, file: AssociatedFile) -> Result<Vec<u8>, PdfError> {
    render(invoice, Some(file), None)
}

/// [`render_pdf_a3`] with the organisation's logo at the top left.
pub fn render_pdf_a3_with_logo(
    invoice: &Invoice,
    file: AssociatedFile,
    logo: Option<&Logo>,
) -> Result<Vec<u8>, PdfError> {
    render(invoice, Some(file), logo)
}

fn render(invoice: &Invoice, associated: Option<AssociatedFile>, logo: Option<&Logo>) -> Result<Vec<u8>, PdfError> {
    let fonts = fonts()?;
    let pages = layout::layout(invoice, fonts, logo.map(Logo::size));
    let mut settings = SerializeSettings {
        compress_content_streams: false,
        ..SerializeSettings::default()
    };
    if associated.is_some() {
        settings.configuration = ConfigurationBuilder::new()
            .with_archival_validator(Archival::A3_B)
            .finish()
            .map_err(|error| PdfError::Write(format!("{error:?}")))?;
    }
    let mut document = Document::new_with(settings);
    let title = format!(
        "{} {}",
        match invoice.kind() {
            crate::domain::invoice::DocumentKind::Invoice => "Facture",
            crate::domain::invoice::DocumentKind::CreditNote => "Avoir",
        },
        invoice.number()
    );
    // The issue date as creation date keeps the file reproducible for a given invoice.
    let issue = invoice.dates().issue;
    let created = DateTime::new(issue.year().clamp(0, i32::from(u16::MAX)) as u16)
        .month(issue.month() as u8)
        .day(issue.day() as u8)
        .hour(0)
        .minute(0)
        .second(0)
        .utc_offset_hour(0)
        .utc_offset_minute(0);
    document.set_metadata(
        Metadata::new()
            .title(title)
            .language("fr".into())
            .creator("chorus-desk".into())
            .authors(vec![invoice.document().seller.name.clone()])
            .creation_date(created),
    );
    if let Some(file) = associated {
        let mime_type = MimeType::new(file.mime_type).ok_or_else(|| PdfError::Write("invalid MIME type".into()))?;
        document
            .embed_file(EmbeddedFile {
                path: file.name,
                mime_type: Some(mime_type),
                description: Some(file.description),
                association_kind: file.relationship,
                data: file.content.into(),
                modification_date: Some(created),
                // Kept uncompressed: readers that cannot inflate still find the XML.
                compress: Some(false),
                location: None,
            })
            .ok_or_else(|| PdfError::Write("the file is embedded twice".into()))?;
    }
    let settings = PageSettings::from_wh(PAGE_WIDTH, PAGE_HEIGHT).ok_or(PdfError::Font)?;
    for ops in &pages {
        let mut page = document.start_page_with(settings.clone());
        let mut surface = page.surface();
        // Set explicitly: the simulated bold strokes text, and stroke without a fill
        // would draw hollow letters.
        surface.set_fill(Some(fill(0)));
        let mut current_shade = 0u8;
        for op in ops {
            match op {
                Op::Text {
                    x,
                    y,
                    size,
                    bold,
                    grey,
                    text,
                } => {
                    let shade = if *grey { 90 } else { 0 };
                    if shade != current_shade {
                        surface.set_fill(Some(fill(shade)));
                        current_shade = shade;
                    }
                    if *bold {
                        surface.set_stroke(Some(Stroke {
                            width: size * BOLD_STROKE_EM,
                            line_join: LineJoin::Round,
                            ..Stroke::default()
                        }));
                    }
                    // Characters DejaVu lacks (emoji, CJK …) are drawn as a substitute.
                    let text = fonts.metrics.printable(text);
                    surface.draw_glyphs(
                        Point::from_xy(*x, *y),
                        &fonts.metrics.glyph_run(&text),
                        fonts.regular.clone(),
                        &text,
                        *size,
                        false,
                    );
                    if *bold {
                        surface.set_stroke(None);
                    }
                }
                Op::Logo { x, y, width, height } => {
                    if let (Some(logo), Some(size)) = (logo, Size::from_wh(*width, *height)) {
                        surface.push_transform(&Transform::from_translate(*x, *y));
                        surface.draw_image(logo.image.clone(), size);
                        surface.pop();
                    }
                }
                Op::Rect {
                    x,
                    y,
                    width,
                    height,
                    shade,
                } => {
                    if let Some(rect) = Rect::from_xywh(*x, *y, *width, *height) {
                        let mut builder = PathBuilder::new();
                        builder.push_rect(rect);
                        if let Some(path) = builder.finish() {
                            surface.set_fill(Some(fill(*shade)));
                            current_shade = *shade;
                            surface.draw_path(&path);
                        }
                    }
                }
            }
        }
        surface.finish();
        page.finish();
    }
    document.finish().map_err(|error| PdfError::Write(format!("{error:?}")))
}

fn fill(shade: u8) -> Fill {
    Fill {
        paint: rgb::Color::new(shade, shade, shade).into(),
        opacity: NormalizedF32::ONE,
        rule: Default::default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::invoice::tests::sample_document;

    const PNG_LOGO: &[u8] = include_bytes!("../../../tests/fixtures/logos/logo.png");
    const JPEG_LOGO: &[u8] = include_bytes!("../../../tests/fixtures/logos/logo.jpg");

    fn invoice() -> Invoice {
        Invoice::parse(sample_document()).expect("the sample is valid")
    }

    fn image_xobjects(pdf: &[u8]) -> usize {
        let text = String::from_utf8_lossy(pdf);
        text.matches("/Subtype /Image").count() + text.matches("/Subtype/Image").count()
    }

    #[test]
    fn a_png_or_jpeg_logo_is_drawn_as_an_image_xobject_in_its_box() {
        for (content_type, bytes) in [("image/png", PNG_LOGO), ("image/jpeg", JPEG_LOGO)] {
            let logo = Logo::decode(content_type, bytes).expect("the fixture decodes");
            let (width, height) = logo.size();
            assert!(
                width <= LOGO_MAX_WIDTH + 0.01 && height <= LOGO_MAX_HEIGHT + 0.01,
                "{logo:?}"
            );
            assert!(
                (width - LOGO_MAX_WIDTH).abs() < 0.01 || (height - LOGO_MAX_HEIGHT).abs() < 0.01,
                "the logo fills its box one way: {logo:?}"
            );
            let pdf = render_pdf_with_logo(&invoice(), Some(&logo)).expect("a PDF");
            assert!(image_xobjects(&pdf) >= 1, "{content_type}: no image XObject");
        }
        let pdf = render_pdf(&invoice()).expect("a PDF");
        assert_eq!(image_xobjects(&pdf), 0, "no logo, no image");
    }

    #[test]
    fn a_logo_keeps_the_factur_x_pdf_a_3b_valid() {
        // krilla refuses to write a PDF/A-3b it would break (the PNG has an alpha channel, the
        // JPEG an ICC profile).
        for (content_type, bytes) in [("image/png", PNG_LOGO), ("image/jpeg", JPEG_LOGO)] {
            let logo = Logo::decode(content_type, bytes).expect("the fixture decodes");
            let file = AssociatedFile {
                name: "factur-x.xml".into(),
                mime_type: "text/xml",
                description: "test".into(),
                content: b"<x/>".to_vec(),
                relationship: AssociationKind::Alternative,
            };
            let pdf = render_pdf_a3_with_logo(&invoice(), file, Some(&logo))
                .unwrap_or_else(|e| panic!("{content_type}: {e}"));
            assert!(image_xobjects(&pdf) >= 1);
        }
    }

    #[test]
    fn what_is_not_a_png_or_a_jpeg_is_left_out() {
        assert!(Logo::decode("image/png", b"GIF89a not a png").is_none());
        assert!(Logo::decode("image/gif", PNG_LOGO).is_none());
        assert!(Logo::decode("image/jpeg", PNG_LOGO).is_none());
    }
}
