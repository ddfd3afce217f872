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
        room: &["app"],
        forbidden: &["crate::jobs"],
        why: "use cases run in requests and are called by the jobs, never the other way round: what both share is app::context",
    },
    Rule {
        room: &["chorus"],
        forbidden: &[
            "crate::web",
            "crate::app",
            "crate::jobs",
            "crate::invoicing",
            "crate::audit",
            "actix_web",
        ],
        why: "the Chorus Pro client knows connections and the wire, not pages, use cases, jobs or the audit log",
    },
    Rule {
        room: &["render", "import"],
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
        ("render/pdf/v.rs", "let conn = crate::db::connect();"),
        ("app/q.rs", "use crate::jobs::submit;"),
        ("chorus/p.rs", "use crate::app::context::AppContext;"),
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
        10,
        "one violation per bad file, none for comments or allowed imports: {found:#?}"
    );
    assert!(
        found
            .iter()
            .any(|v| v.contains("domain/y.rs") && v.contains("crate::config"))
    );
}

// ------------------------------------------------------------------ import circles

/// A module of `src/` (one file), as its path inside the crate: `audit/verify.rs` is
/// `["audit", "verify"]`, `audit/mod.rs` is `["audit"]`; `lib.rs` and `main.rs` are the root `[]`.
fn module_of(src_dir: &Path, file: &Path) -> Vec<String> {
    let relative = file.strip_prefix(src_dir).unwrap_or(file).with_extension("");
    let mut path: Vec<String> = relative
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if path.last().is_some_and(|last| last == "mod") {
        path.pop();
    }
    if path.len() == 1 && (path[0] == "lib" || path[0] == "main") {
        path.clear();
    }
    path
}

fn is_ident(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// `a::b::c` at the start of `text` (spaces allowed around `::`), and what follows it.
fn leading_path(text: &str) -> (Vec<String>, &str) {
    let mut segments = Vec::new();
    let mut rest = text.trim_start();
    loop {
        let end = rest.find(|c: char| !is_ident(c)).unwrap_or(rest.len());
        if end == 0 {
            break;
        }
        segments.push(rest[..end].to_string());
        let after = rest[end..].trim_start();
        match after.strip_prefix("::") {
            Some(next) if next.trim_start().starts_with(|c: char| is_ident(c)) => rest = next.trim_start(),
            Some(next) => return (segments, next.trim_start()),
            None => return (segments, after),
        }
    }
    (segments, rest)
}

/// The members of a `{…}` group at the start of `text` (nested groups kept whole).
fn group_members(text: &str) -> Vec<&str> {
    let Some(inner) = text.strip_prefix('{') else {
        return Vec::new();
    };
    let (mut depth, mut start, mut members) = (0, 0, Vec::new());
    for (at, c) in inner.char_indices() {
        match c {
            '{' => depth += 1,
            '}' if depth == 0 => {
                members.push(&inner[start..at]);
                break;
            }
            '}' => depth -= 1,
            ',' if depth == 0 => {
                members.push(&inner[start..at]);
                start = at + 1;
            }
            _ => {}
        }
    }
    members
}

/// Every path the code of `module` names through `crate::`, `super::` or `self::` (in `use`
/// lines and inline), as an absolute path in the crate, each member of a `{…}` group on its own.
/// Comment lines and the `#[cfg(test)]` part at the end of a file are left out.
fn named_modules(module: &[String], text: &str) -> Vec<Vec<String>> {
    let code: String = text
        .lines()
        .take_while(|line| !line.trim_start().starts_with("#[cfg(test)]"))
        .filter(|line| !line.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n");
    let mut found = Vec::new();
    for (at, _) in code.match_indices("::") {
        // The first `::` of a path: the segment before it is `crate`, `super` or `self`, and
        // nothing path-like comes before that segment.
        let before = &code[..at];
        let start = before.rfind(|c: char| !is_ident(c)).map(|i| i + 1).unwrap_or(0);
        let head = &before[start..];
        if before[..start].trim_end().ends_with("::") {
            continue;
        }
        let mut base: Vec<String> = match head {
            "crate" => Vec::new(),
            "self" => module.to_vec(),
            "super" => module[..module.len().saturating_sub(1)].to_vec(),
            _ => continue,
        };
        let (mut segments, rest) = leading_path(&code[at + 2..]);
        // `super::super::x`
        while segments.first().is_some_and(|s| s == "super") && head == "super" {
            segments.remove(0);
            base.pop();
        }
        base.extend(segments);
        let members = group_members(rest);
        if members.is_empty() {
            found.push(base);
            continue;
        }
        for member in members {
            let (member, _) = leading_path(member);
            let mut path = base.clone();
            path.extend(member.into_iter().filter(|s| s != "self"));
            found.push(path);
        }
    }
    found
}

/// The module imports of `src/`: for each module (one file), the modules it names, with where.
fn import_graph(src_dir: &Path) -> std::collections::BTreeMap<Vec<String>, Vec<(Vec<String>, String)>> {
    let mut files = Vec::new();
    rust_files(src_dir, &mut files);
    let modules: std::collections::BTreeSet<Vec<String>> = files.iter().map(|f| module_of(src_dir, f)).collect();
    let mut graph = std::collections::BTreeMap::new();
    for file in &files {
        let module = module_of(src_dir, file);
        if module.last().is_some_and(|last| last == "tests") {
            continue;
        }
        let text = std::fs::read_to_string(file).unwrap_or_default();
        let mut edges: Vec<(Vec<String>, String)> = Vec::new();
        for mut path in named_modules(&module, &text) {
            // The deepest module the path names: `crate::audit::record` is `audit`.
            while !path.is_empty() && !modules.contains(&path) {
                path.pop();
            }
            if !path.is_empty() && path != module && !edges.iter().any(|(to, _)| *to == path) {
                edges.push((path, file.display().to_string()));
            }
        }
        graph.insert(module, edges);
    }
    graph
}

/// The import circles of `src/`: groups of two or more modules each of which reaches the others
/// through its imports (strongly connected components, Tarjan), each as `a → b → … → a` lines.
pub fn import_circles(src_dir: &Path) -> Vec<String> {
    let graph = import_graph(src_dir);
    let nodes: Vec<&Vec<String>> = graph.keys().collect();
    let index_of = |m: &Vec<String>| nodes.iter().position(|n| *n == m);
    let successors: Vec<Vec<usize>> = nodes
        .iter()
        .map(|n| graph[*n].iter().filter_map(|(to, _)| index_of(to)).collect())
        .collect();
    struct Tarjan<'a> {
        successors: &'a [Vec<usize>],
        index: Vec<Option<usize>>,
        low: Vec<usize>,
        stack: Vec<usize>,
        on_stack: Vec<bool>,
        next: usize,
        components: Vec<Vec<usize>>,
    }
    impl Tarjan<'_> {
        fn visit(&mut self, v: usize) {
            self.index[v] = Some(self.next);
            self.low[v] = self.next;
            self.next += 1;
            self.stack.push(v);
            self.on_stack[v] = true;
            for &w in &self.successors[v] {
                match self.index[w] {
                    None => {
                        self.visit(w);
                        self.low[v] = self.low[v].min(self.low[w]);
                    }
                    Some(iw) if self.on_stack[w] => self.low[v] = self.low[v].min(iw),
                    Some(_) => {}
                }
            }
            if Some(self.low[v]) == self.index[v] {
                let mut component = Vec::new();
                while let Some(w) = self.stack.pop() {
                    self.on_stack[w] = false;
                    component.push(w);
                    if w == v {
                        break;
                    }
                }
                if component.len() > 1 {
                    self.components.push(component);
                }
            }
        }
    }
    let mut tarjan = Tarjan {
        successors: &successors,
        index: vec![None; nodes.len()],
        low: vec![0; nodes.len()],
        stack: Vec::new(),
        on_stack: vec![false; nodes.len()],
        next: 0,
        components: Vec::new(),
    };
    for v in 0..nodes.len() {
        if tarjan.index[v].is_none() {
            tarjan.visit(v);
        }
    }
    let name = |m: &Vec<String>| if m.is_empty() { "crate".to_string() } else { m.join("/") };
    let mut circles: Vec<String> = tarjan
        .components
        .iter()
        .map(|component| {
            let mut members: Vec<&Vec<String>> = component.iter().map(|&i| nodes[i]).collect();
            members.sort();
            let edges: Vec<String> = members
                .iter()
                .flat_map(|from| {
                    graph[*from]
                        .iter()
                        .filter(|(to, _)| members.contains(&to))
                        .map(|(to, file)| format!("    {file} names {}", name(to)))
                        .collect::<Vec<_>>()
                })
                .collect();
            format!(
                "{}\n{}",
                members.iter().map(|m| name(m)).collect::<Vec<_>>().join(" ↔ "),
                edges.join("\n")
            )
        })
        .collect();
    circles.sort();
    circles
}

#[test]
fn no_two_modules_import_each_other() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let circles = import_circles(&src);
    assert!(
        circles.is_empty(),
        "import circles (modules that import each other, directly or through others); move what \
         both need to a leaf module:\n{}",
        circles.join("\n")
    );
}

#[test]
fn an_import_circle_is_caught_however_it_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path();
    for (file, text) in [
        ("lib.rs", "pub mod a;\npub mod b;\npub mod c;\npub mod leaf;\n"),
        // a → b directly; b → c/d through a group; c/d → a through `super::super::`, inline.
        ("a/mod.rs", "pub mod inner;\nuse crate::b::Thing;\n"),
        ("a/inner.rs", "use crate::leaf::Leaf;\n"),
        (
            "b.rs",
            "use crate::{\n    leaf::Leaf,\n    c::d::Other,\n};\n// crate::a in a comment is no import\n",
        ),
        ("c/mod.rs", "pub mod d;\n"),
        ("c/d.rs", "fn f() { super::super::a::go() }\n"),
        (
            "leaf.rs",
            "pub struct Leaf;\n#[cfg(test)]\nmod tests {\n    use crate::a::go;\n}\n",
        ),
    ] {
        let path = src.join(file);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, text).unwrap();
    }
    let circles = import_circles(src);
    assert_eq!(circles.len(), 1, "{circles:#?}");
    assert!(circles[0].starts_with("a ↔ b"), "{circles:#?}");
    assert!(!circles[0].contains("c ↔"), "c/mod.rs imports nothing: {circles:#?}");

    // Breaking it: b no longer names c.
    std::fs::write(src.join("b.rs"), "use crate::leaf::Leaf;\n").unwrap();
    assert_eq!(import_circles(src), Vec::<String>::new());
}

/// Lines of `src/` (outside `except`) on which `matches` holds, as `file:line`.
fn lines_where(except: &[&str], matches: impl Fn(&str) -> bool) -> Vec<String> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut found = Vec::new();
    for file in files {
        let relative = file
            .strip_prefix(&src)
            .unwrap_or(&file)
            .to_string_lossy()
            .replace('\\', "/");
        if except.iter().any(|e| relative.starts_with(e)) {
            continue;
        }
        let text = std::fs::read_to_string(&file).unwrap_or_default();
        for (number, line) in text.lines().enumerate() {
            let code = line.trim_start();
            if !code.starts_with("//") && matches(code) {
                found.push(format!("{relative}:{}", number + 1));
            }
        }
    }
    found
}

#[test]
fn conversions_into_app_error_live_in_error_rs() {
    let found = lines_where(&["error.rs"], |code| {
        code.starts_with("impl")
            && code.contains("From<")
            && (code.contains("for AppError") || code.contains("for crate::error::AppError"))
    });
    assert!(
        found.is_empty(),
        "`From<_> for AppError` outside src/error.rs (the error policy keeps them together):\n{}",
        found.join("\n")
    );
}

#[test]
fn raw_sql_lives_in_db() {
    let found = lines_where(&["db/"], |code| code.contains("sql_query("));
    assert!(
        found.is_empty(),
        "raw SQL outside src/db/ (write a function in db/):\n{}",
        found.join("\n")
    );
}
