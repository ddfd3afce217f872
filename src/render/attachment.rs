//! The invoice file that travels inside the structured invoice (BG-24 / BT-125), and its name:
//! shared by the UBL and the CII writers.

use crate::domain::invoice::Invoice;

/// Chorus Pro limit on attachment file names, extension included.
pub const MAX_FILE_NAME_CHARS: usize = 50;

/// The invoice file travelling inside the UBL or the CII (BG-24 / BT-125).
#[derive(Debug, Clone, Copy)]
pub struct InvoiceAttachment<'a> {
    /// At most 50 characters, with its extension (Chorus Pro).
    pub file_name: &'a str,
    /// `application/zip` or `application/pdf`.
    pub mime_code: &'a str,
    pub content: &'a [u8],
}

/// `<number>.<extension>` with `/` replaced, shortened to the 50-character Chorus limit.
pub fn attachment_file_name(invoice: &Invoice, extension: &str) -> String {
    let stem: String = invoice
        .number()
        .file_stem()
        .chars()
        .take(MAX_FILE_NAME_CHARS - extension.len() - 1)
        .collect();
    format!("{stem}.{extension}")
}
