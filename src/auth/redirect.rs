//! Where `next=` may send people after signing in or choosing a language: only a path on this
//! site. Browsers are lenient in ways that turn paths into other sites (`//evil`, `/\evil`, and
//! `/\t/evil` once they drop the tab), so anything unusual is refused rather than cleaned up.

/// `next` if it is a plain path on this site, else nothing.
pub fn same_origin_path(next: &str) -> Option<&str> {
    let rest = next.strip_prefix('/')?;
    let unusual = |c: char| c.is_control() || c.is_whitespace() || c == '\\';
    if rest.starts_with('/') || next.chars().any(unusual) || next.len() > 2000 {
        return None;
    }
    Some(next)
}

/// `next` when it is a same-origin path, else `fallback`.
pub fn or_fallback(next: Option<&str>, fallback: &str) -> String {
    next.and_then(same_origin_path).unwrap_or(fallback).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_paths_of_this_site_are_kept() {
        for good in ["/", "/customers?page=2", "/invoices/12#lines", "/a/b%2F%2Fc"] {
            assert_eq!(same_origin_path(good), Some(good), "{good:?}");
        }
        for bad in [
            "",
            "//evil.example",
            "/\\evil.example",
            "/\t/evil.example",
            "/\n/evil.example",
            "/\r\n/evil.example",
            "/ /evil.example",
            "/a\\b",
            "https://evil.example",
            "evil.example",
            "/\u{0}x",
            "/\u{a0}/evil.example",
            "/\u{2028}x",
        ] {
            assert_eq!(same_origin_path(bad), None, "{bad:?}");
        }
        assert_eq!(same_origin_path(&format!("/{}", "a".repeat(3000))), None);
    }
}
