//! The house rules of `ARCHITECTURE.md` that can be read from the sources: which room may import
//! which. It reads `src/` as text; a rule broken anywhere fails with the file, the line and the rule.

use std::path::{Path, PathBuf};

/// A room (folder or file under `src/`) and the paths it must not name.
struct Rule {
    room: &'static [&'static str],
    forbidden: &'static [&'static str],
    why: &'static str,
}

const RULES: &[Rule] = &[
    Rule {
        room: &["domain"],
        forbidden: &[
            "crate::db",
            "crate::web",
            "crate::jobs",
            "crate::chorus",
            "crate::simulator",
            "crate::audit",
            "crate::app",
            "crate::invoicing",
            "crate::auth",
            "crate::config",
            "crate::crypto",
            "crate::startup",
            "crate::notify",
            "diesel",
            "actix_web",
            "reqwest",
        ],
        why: "the domain is pure business rules: no database, web, HTTP, jobs or configuration",
    },
    Rule {
        room: &["web"],
        forbidden: &["db::schema", "diesel"],
        why: "handlers parse, call a use case and render: queries live in db/",
    },
    Rule {
        room: &["web"],
        forbidden: &["write_tx", "audit::record"],
        why: "handlers hold no transaction and record no audit entry: a use case in app/ does",
    },
    Rule {
        room: &["web"],
        forbidden: &["crate::jobs"],
        why: "scheduled work and deposits live in jobs/: the web reaches Chorus Pro through a use case in app/",
    },
    Rule {
        room: &["ubl", "cii", "facturx", "pdf", "xml_writer.rs", "import"],
        forbidden: &[
            "crate::db",
            "crate::web",
            "crate::jobs",
            "crate::app",
            "crate::invoicing",
            "crate::audit",
            "crate::chorus",
            "diesel",
            "actix_web",
        ],
        why: "rendering and reading invoice files depend on the domain only",
    },
];

fn rust_files(path: &Path, out: &mut Vec<PathBuf>) {
    if path.is_file() {
        if path.extension().is_some_and(|e| e == "rs") {
            out.push(path.to_path_buf());
        }
        return;
    }
    let Ok(entries) = std::fs::read_dir(path) else { return };
    for entry in entries.flatten() {
        rust_files(&entry.path(), out);
    }
}

/// The paths a line names: `crate::a::b` as written, and each member of `crate::{a, b::c}` as
/// `crate::a`, `crate::b`.
fn named_paths(line: &str) -> Vec<String> {
    let mut paths = vec![line.to_string()];
    if let Some(start) = line.find("crate::{") {
        let inner = &line[start + "crate::{".len()..];
        let inner = inner.split('}').next().unwrap_or(inner);
        for member in inner.split(',') {
            let head = member.trim().split("::").next().unwrap_or("").trim();
            if !head.is_empty() {
                paths.push(format!("crate::{head}"));
            }
        }
    }
    paths
}

fn names(text: &str, forbidden: &str) -> bool {
    // A whole path segment: `crate::db` must not match `crate::dbx`.
    text.match_indices(forbidden).any(|(at, _)| {
        let after = text[at + forbidden.len()..].chars().next();
        let before = text[..at].chars().next_back();
        !after.is_some_and(|c| c.is_alphanumeric() || c == '_')
            && !before.is_some_and(|c| c.is_alphanumeric() || c == '_')
    })
}

/// Every (file, line number, forbidden path, why) under `src_dir`.
pub fn violations(src_dir: &Path) -> Vec<String> {
    let mut found = Vec::new();
    for rule in RULES {
        let mut files = Vec::new();
        for room in rule.room {
            rust_files(&src_dir.join(room), &mut files);
        }
        for file in files {
            let text = std::fs::read_to_string(&file).unwrap_or_default();
            for (number, line) in text.lines().enumerate() {
                let code = line.trim_start();
                if code.starts_with("//") {
                    continue;
                }
                for path in named_paths(code) {
                    for forbidden in rule.forbidden {
                        if names(&path, forbidden) {
                            found.push(format!(
                                "{}:{}: names `{forbidden}`: {}",
                                file.display(),
                                number + 1,
                                rule.why
                            ));
                        }
                    }
                }
            }
        }
    }
    found.sort();
    found.dedup();
    found
}

#[test]
fn every_room_imports_only_what_architecture_md_allows() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let found = violations(&src);
    assert!(
        found.is_empty(),
        "house rules broken (ARCHITECTURE.md):\n{}",
        found.join("\n")
    );
}

#[test]
fn a_forbidden_import_is_caught_in_each_room() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path();
    for (room, line) in [
        ("domain/x.rs", "use crate::db::models::invoice;"),
        ("domain/y.rs", "use crate::{i18n::Message, config::Settings};"),
        ("web/handlers/z.rs", "use crate::db::schema::invoices;"),
        ("web/w.rs", "use diesel::prelude::*;"),
        ("pdf/v.rs", "let conn = crate::db::connect();"),
        (
            "web/handlers/t.rs",
            "db.run(move |conn| write_tx(conn, |conn| save(conn))).await?;",
        ),
        ("web/handlers/s.rs", "audit::record(conn, entry)?;"),
        ("web/handlers/r.rs", "use crate::jobs::followup;"),
    ] {
        let path = src.join(room);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, format!("// a comment naming crate::db is fine\n{line}\n")).unwrap();
    }
    std::fs::write(
        src.join("domain/ok.rs"),
        "use crate::i18n::Message;\nuse crate::secret::Secret;\n",
    )
    .unwrap();
    let found = violations(src);
    assert_eq!(
        found.len(),
        8,
        "one violation per bad file, none for comments or allowed imports: {found:#?}"
    );
    assert!(
        found
            .iter()
            .any(|v| v.contains("domain/y.rs") && v.contains("crate::config"))
    );
}
