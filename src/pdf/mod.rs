//! The invoice PDF (French layout, legal mentions, Chorus references) drawn with krilla.
//! Layout first builds pages of drawing operations, so the footer can say "page n / N".

mod layout;
mod metrics;

use std::sync::OnceLock;

use krilla::color::rgb;
use krilla::geom::{PathBuilder, Point, Rect};
use krilla::metadata::Metadata;
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

/// Renders the invoice PDF (A4, embedded DejaVu Sans subset).
pub fn render_pdf(invoice: &Invoice) -> Result<Vec<u8>, PdfError> {
    let fonts = fonts()?;
    let pages = layout::layout(invoice, fonts);
    let mut document = Document::new_with(SerializeSettings {
        compress_content_streams: false,
        ..SerializeSettings::default()
    });
    let title = format!(
        "{} {}",
        match invoice.kind() {
            crate::domain::invoice::DocumentKind::Invoice => "Facture",
            crate::domain::invoice::DocumentKind::CreditNote => "Avoir",
        },
        invoice.number()
    );
    document.set_metadata(
        Metadata::new()
            .title(title)
            .language("fr".into())
            .creator("chorus-desk".into())
            .authors(vec![invoice.document().seller.name.clone()]),
    );
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
                    surface.draw_glyphs(
                        Point::from_xy(*x, *y),
                        &fonts.metrics.glyph_run(text),
                        fonts.regular.clone(),
                        text,
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
