//! Glyph ids and advance widths of a TrueType font, read once from its `cmap` (format 4)
//! and `hmtx` tables. They let us measure text (krilla does not) and hand krilla ready
//! glyph runs: invoices need no shaping, and skipping it makes the PDF several times faster.

use std::ops::Range;

use krilla::surface::Location;
use krilla::text::{Glyph, GlyphId};

pub(crate) struct FontMetrics {
    /// Glyph per BMP code point (0 = not in the font: `.notdef`).
    glyphs: Vec<u16>,
    /// Advance per BMP code point, in font units (0 = not in the font).
    advances: Vec<u16>,
    fallback_advance: u16,
    units_per_em: f32,
}

/// Drawn in place of a character the font lacks: krilla refuses `.notdef` in PDF/A, and a
/// visible mark tells the reader something is missing (the XML keeps the exact text).
pub(crate) const SUBSTITUTE: char = '?';

/// One glyph of a run, advance in em.
pub(crate) struct PlacedGlyph {
    id: u16,
    text_range: Range<usize>,
    advance_em: f32,
}

impl Glyph for PlacedGlyph {
    fn glyph_id(&self) -> GlyphId {
        GlyphId::new(u32::from(self.id))
    }
    fn text_range(&self) -> Range<usize> {
        self.text_range.clone()
    }
    fn x_advance(&self, size: f32) -> f32 {
        self.advance_em * size
    }
    fn x_offset(&self, _size: f32) -> f32 {
        0.0
    }
    fn y_offset(&self, _size: f32) -> f32 {
        0.0
    }
    fn y_advance(&self, _size: f32) -> f32 {
        0.0
    }
    fn location(&self) -> Option<Location> {
        None
    }
}

fn read_u16(data: &[u8], offset: usize) -> Option<u16> {
    Some(u16::from_be_bytes([*data.get(offset)?, *data.get(offset + 1)?]))
}

fn read_u32(data: &[u8], offset: usize) -> Option<u32> {
    Some(u32::from_be_bytes([
        *data.get(offset)?,
        *data.get(offset + 1)?,
        *data.get(offset + 2)?,
        *data.get(offset + 3)?,
    ]))
}

fn table<'a>(font: &'a [u8], tag: &[u8; 4]) -> Option<&'a [u8]> {
    let count = usize::from(read_u16(font, 4)?);
    (0..count).find_map(|i| {
        let record = 12 + i * 16;
        if font.get(record..record + 4)? != tag {
            return None;
        }
        let offset = read_u32(font, record + 8)? as usize;
        let length = read_u32(font, record + 12)? as usize;
        font.get(offset..offset.checked_add(length)?)
    })
}

impl FontMetrics {
    pub(crate) fn parse(font: &[u8]) -> Option<Self> {
        let head = table(font, b"head")?;
        let units_per_em = f32::from(read_u16(head, 18)?);
        let hhea = table(font, b"hhea")?;
        let metric_count = usize::from(read_u16(hhea, 34)?);
        let hmtx = table(font, b"hmtx")?;
        let advance_of = |glyph: u16| -> u16 {
            let index = usize::from(glyph).min(metric_count.saturating_sub(1));
            read_u16(hmtx, index * 4).unwrap_or(0)
        };
        let cmap = table(font, b"cmap")?;
        let subtable_count = usize::from(read_u16(cmap, 2)?);
        let subtable = (0..subtable_count).find_map(|i| {
            let record = 4 + i * 8;
            let platform = read_u16(cmap, record)?;
            let encoding = read_u16(cmap, record + 2)?;
            let offset = read_u32(cmap, record + 4)? as usize;
            let unicode = (platform == 3 && encoding == 1) || platform == 0;
            (unicode && read_u16(cmap, offset)? == 4).then(|| cmap.get(offset..))?
        })?;
        let segments = usize::from(read_u16(subtable, 6)? / 2);
        let ends = 14;
        let starts = ends + segments * 2 + 2;
        let deltas = starts + segments * 2;
        let range_offsets = deltas + segments * 2;
        let mut advances = vec![0u16; 0x10000];
        let mut glyphs = vec![0u16; 0x10000];
        for segment in 0..segments {
            let end = read_u16(subtable, ends + segment * 2)?;
            let start = read_u16(subtable, starts + segment * 2)?;
            let delta = read_u16(subtable, deltas + segment * 2)?;
            let range_offset_at = range_offsets + segment * 2;
            let range_offset = read_u16(subtable, range_offset_at)?;
            if start > end {
                continue;
            }
            for code in start..=end {
                if code == 0xFFFF {
                    break;
                }
                let glyph = if range_offset == 0 {
                    code.wrapping_add(delta)
                } else {
                    let at = range_offset_at + usize::from(range_offset) + 2 * usize::from(code - start);
                    match read_u16(subtable, at) {
                        Some(0) | None => 0,
                        Some(g) => g.wrapping_add(delta),
                    }
                };
                if glyph != 0 {
                    advances[usize::from(code)] = advance_of(glyph);
                    glyphs[usize::from(code)] = glyph;
                }
            }
        }
        let substitute = usize::from(SUBSTITUTE as u16);
        let fallback_advance = advances[substitute];
        Some(Self {
            glyphs,
            advances,
            fallback_advance,
            units_per_em,
        })
    }

    /// Whether the font draws `c`.
    pub(crate) fn has_glyph(&self, c: char) -> bool {
        self.glyphs.get(c as usize).is_some_and(|id| *id != 0)
    }

    /// `text` with every character the font lacks replaced by `SUBSTITUTE`.
    pub(crate) fn printable<'a>(&self, text: &'a str) -> std::borrow::Cow<'a, str> {
        if text.chars().all(|c| self.has_glyph(c)) {
            return std::borrow::Cow::Borrowed(text);
        }
        std::borrow::Cow::Owned(
            text.chars()
                .map(|c| if self.has_glyph(c) { c } else { SUBSTITUTE })
                .collect(),
        )
    }

    /// One glyph per character, in logical order (left-to-right Latin text).
    pub(crate) fn glyph_run(&self, text: &str) -> Vec<PlacedGlyph> {
        text.char_indices()
            .map(|(start, c)| {
                let index = c as usize;
                let id = self.glyphs.get(index).copied().unwrap_or(0);
                let advance = if id == 0 {
                    self.fallback_advance
                } else {
                    self.advances[index]
                };
                PlacedGlyph {
                    id,
                    text_range: start..start + c.len_utf8(),
                    advance_em: f32::from(advance) / self.units_per_em,
                }
            })
            .collect()
    }

    /// Width of `text` in points at `size`.
    pub(crate) fn width(&self, text: &str, size: f32) -> f32 {
        let units: u32 = text
            .chars()
            .map(|c| {
                let advance = self
                    .advances
                    .get(c as usize)
                    .copied()
                    .filter(|a| *a != 0)
                    .unwrap_or(self.fallback_advance);
                u32::from(advance)
            })
            .sum();
        units as f32 * size / self.units_per_em
    }
}
