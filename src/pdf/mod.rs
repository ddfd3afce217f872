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
use krilla::geom::{PathBuilder, Point, Rect};
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

static REGULAR_TTF: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");

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
    /// A filled rectangle (rules and shaded header rows).
    Rect {
        x: f32,
        y: f32,
        width: f32,
        height: f32,
        shade: u8,
    },
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
    for ops in layout::layout(invoice, fonts) {
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
    render(invoice, None)
}

/// Renders the invoice PDF as PDF/A-3b carrying `file` as an associated file. krilla refuses
/// to write a document that breaks PDF/A-3b, and says why.
pub fn render_pdf_a3(invoice: &Invoice, file: AssociatedFile) -> Result<Vec<u8>, PdfError> {
    render(invoice, Some(file))
}

fn render(invoice: &Invoice, associated: Option<AssociatedFile>) -> Result<Vec<u8>, PdfError> {
    let fonts = fonts()?;
    let pages = layout::layout(invoice, fonts);
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
