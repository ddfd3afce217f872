//! The audit log as files: CSV (RFC 4180, either separator, formulas defused) and JSON, one row at
//! a time into a byte buffer, so that an export streams in bounded memory.

use super::AuditRow;

/// The CSV separator: `,` (RFC 4180, the default) or `;` (what French Excel expects, since the
/// comma is its decimal mark): `?sep=semicolon`.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub enum Separator {
    #[default]
    Comma,
    Semicolon,
}

impl Separator {
    fn byte(self) -> u8 {
        match self {
            Separator::Comma => b',',
            Separator::Semicolon => b';',
        }
    }
}

/// The UTF-8 byte order mark: without it Excel reads the file in the system's code page and
/// mangles every accent.
pub const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

pub const CSV_HEADER: [&str; 12] = [
    "id",
    "organisation_id",
    "occurred_at",
    "actor_user_id",
    "actor",
    "action",
    "target_type",
    "target_id",
    "outcome",
    "details",
    "prev_hash",
    "entry_hash",
];

fn iso(at: &chrono::NaiveDateTime) -> String {
    at.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string()
}

/// RFC 4180 quoting (for either separator). A cell a spreadsheet would run as a formula gets a
/// leading apostrophe.
fn csv_cell(out: &mut Vec<u8>, value: &str) {
    let formula = value.starts_with(['=', '+', '-', '@', '\t', '\r']);
    if formula || value.contains([',', ';', '"', '\n', '\r']) {
        out.push(b'"');
        if formula {
            out.push(b'\'');
        }
        out.extend_from_slice(value.replace('"', "\"\"").as_bytes());
        out.push(b'"');
    } else {
        out.extend_from_slice(value.as_bytes());
    }
}

pub fn write_csv_line<S: AsRef<str>>(out: &mut Vec<u8>, cells: &[S], separator: Separator) {
    for (i, cell) in cells.iter().enumerate() {
        if i > 0 {
            out.push(separator.byte());
        }
        csv_cell(out, cell.as_ref());
    }
    out.extend_from_slice(b"\r\n");
}

pub fn write_csv_row(out: &mut Vec<u8>, row: &AuditRow, separator: Separator) {
    let cells = [
        row.id.to_string(),
        row.organisation_id.map(|v| v.to_string()).unwrap_or_default(),
        iso(&row.occurred_at),
        row.actor_user_id.map(|v| v.to_string()).unwrap_or_default(),
        row.actor_label.clone(),
        row.action.clone(),
        row.target_type.clone().unwrap_or_default(),
        row.target_id.clone().unwrap_or_default(),
        row.outcome.clone(),
        row.details.clone(),
        row.prev_hash.clone(),
        row.entry_hash.clone(),
    ];
    write_csv_line(out, &cells, separator);
}

pub fn write_json_row(out: &mut Vec<u8>, row: &AuditRow) {
    let details = serde_json::from_str::<serde_json::Value>(&row.details)
        .unwrap_or_else(|_| serde_json::Value::String(row.details.clone()));
    let value = serde_json::json!({
        "id": row.id,
        "organisation_id": row.organisation_id,
        "occurred_at": iso(&row.occurred_at),
        "actor_user_id": row.actor_user_id,
        "actor": row.actor_label,
        "action": row.action,
        "target_type": row.target_type,
        "target_id": row.target_id,
        "outcome": row.outcome,
        "details": details,
        "prev_hash": row.prev_hash,
        "entry_hash": row.entry_hash,
    });
    // Writing a JSON value into a Vec cannot fail.
    let _ = serde_json::to_writer(&mut *out, &value);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_cells_are_quoted_and_formulas_defused() {
        let mut out = Vec::new();
        csv_cell(&mut out, "plain");
        out.push(b'|');
        csv_cell(&mut out, "{\"a\":1,\"b\":\"x\"}");
        out.push(b'|');
        csv_cell(&mut out, "=HYPERLINK(\"x\")");
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "plain|\"{\"\"a\"\":1,\"\"b\"\":\"\"x\"\"}\"|\"'=HYPERLINK(\"\"x\"\")\""
        );
    }
}
