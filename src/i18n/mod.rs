//! French and English: which language a request gets, the Fluent catalogs, and how dates and
//! amounts read in each. Pages and messages are translated; UBL, CII and the PDF never are (they
//! follow the standards and stay as they are whatever the reader's language).
//!
//! Catalogs are compiled in and parsed once. A missing key falls back to English, then to the key
//! itself: a gap in a catalog shows, but never fails a page (the catalog tests catch it first).

pub mod message;

use chrono::{NaiveDate, NaiveDateTime};
use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource};
use rust_decimal::{Decimal, RoundingStrategy};
use std::str::FromStr;
use std::sync::LazyLock;
use unic_langid::LanguageIdentifier;

pub use message::Message;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Locale {
    #[default]
    En,
    Fr,
}

impl Locale {
    pub const ALL: [Locale; 2] = [Locale::En, Locale::Fr];

    pub fn as_str(self) -> &'static str {
        match self {
            Locale::En => "en",
            Locale::Fr => "fr",
        }
    }

    /// The language's own name, for the language switch.
    pub fn native_name(self) -> &'static str {
        match self {
            Locale::En => "English",
            Locale::Fr => "Français",
        }
    }

    /// The person's saved choice first, else the browser's best-weighted language we have, else
    /// English.
    pub fn negotiate(preference: Option<&str>, accept_language: Option<&str>) -> Locale {
        if let Some(locale) = preference.and_then(|p| p.trim().parse().ok()) {
            return locale;
        }
        accept_language.and_then(best_accepted).unwrap_or_default()
    }
}

impl FromStr for Locale {
    type Err = ();

    fn from_str(s: &str) -> Result<Self, ()> {
        match s.to_ascii_lowercase().as_str() {
            "en" => Ok(Locale::En),
            "fr" => Ok(Locale::Fr),
            _ => Err(()),
        }
    }
}

impl std::fmt::Display for Locale {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// `fr-FR,fr;q=0.9,en;q=0.8` → the highest q among the languages we have; the first listed wins a
/// tie. Region subtags count as their language (`fr-CA` is French); `q=0` means "not this one".
fn best_accepted(header: &str) -> Option<Locale> {
    let mut best: Option<(Locale, f32)> = None;
    for item in header.split(',') {
        let mut parts = item.split(';');
        let tag = parts.next().unwrap_or("").trim();
        let language = tag.split(['-', '_']).next().unwrap_or("");
        let Ok(locale) = language.parse::<Locale>() else {
            continue;
        };
        let mut q = 1.0f32;
        for param in parts {
            if let Some((name, value)) = param.split_once('=')
                && name.trim().eq_ignore_ascii_case("q")
            {
                q = value.trim().parse().unwrap_or(0.0);
            }
        }
        if q > 0.0 && best.is_none_or(|(_, b)| q > b) {
            best = Some((locale, q));
        }
    }
    best.map(|(locale, _)| locale)
}

/// The catalog files, per locale: (file name, source). Tests walk these.
pub const CATALOGS: [(Locale, &str, &str); 4] = [
    (Locale::En, "pages.ftl", include_str!("../../locales/en/pages.ftl")),
    (
        Locale::En,
        "messages.ftl",
        include_str!("../../locales/en/messages.ftl"),
    ),
    (Locale::Fr, "pages.ftl", include_str!("../../locales/fr/pages.ftl")),
    (
        Locale::Fr,
        "messages.ftl",
        include_str!("../../locales/fr/messages.ftl"),
    ),
];

type Bundle = FluentBundle<FluentResource>;

fn build(locale: Locale) -> Bundle {
    let id: LanguageIdentifier = locale.as_str().parse().expect("en and fr are language identifiers");
    let mut bundle = FluentBundle::new_concurrent(vec![id]);
    // No Unicode isolation marks around arguments: pages are left-to-right only, and the marks
    // would end up in copied text and in test assertions.
    bundle.set_use_isolating(false);
    for (_, _, source) in CATALOGS.iter().filter(|(l, _, _)| *l == locale) {
        // A syntax error keeps the entries that did parse; tests::catalogs_parse fails on it.
        let resource = FluentResource::try_new(source.to_string()).unwrap_or_else(|(partial, _)| partial);
        // Duplicates keep the first entry; tests::catalogs_parse fails on them too.
        let _ = bundle.add_resource(resource);
    }
    bundle
}

static EN: LazyLock<Bundle> = LazyLock::new(|| build(Locale::En));
static FR: LazyLock<Bundle> = LazyLock::new(|| build(Locale::Fr));

fn bundle(locale: Locale) -> &'static Bundle {
    match locale {
        Locale::En => &EN,
        Locale::Fr => &FR,
    }
}

fn lookup(locale: Locale, key: &str, args: Option<&FluentArgs>) -> Option<String> {
    let bundle = bundle(locale);
    let pattern = bundle.get_message(key)?.value()?;
    let mut errors = Vec::new();
    let text = bundle.format_pattern(pattern, args, &mut errors);
    if !errors.is_empty() {
        tracing::warn!(
            key,
            locale = locale.as_str(),
            ?errors,
            "catalog entry did not format cleanly"
        );
    }
    Some(text.into_owned())
}

/// Every message key of the English catalogs (tests look for keys left unresolved on pages).
pub fn keys() -> Vec<String> {
    CATALOGS
        .iter()
        .filter(|(l, _, _)| *l == Locale::En)
        .filter_map(|(_, _, source)| FluentResource::try_new(source.to_string()).ok())
        .flat_map(|resource| {
            resource
                .entries()
                .filter_map(|e| match e {
                    fluent_syntax::ast::Entry::Message(m) => Some(m.id.name.to_string()),
                    _ => None,
                })
                .collect::<Vec<_>>()
        })
        .collect()
}

/// Whether `key` is in the catalogs of `locale` (tests, and the fallback).
pub fn has(locale: Locale, key: &str) -> bool {
    bundle(locale).has_message(key)
}

/// The text of `key` in `locale`; English if that locale lacks it; the key itself if both do.
pub fn text(locale: Locale, key: &str) -> String {
    text_with(locale, key, &[])
}

/// As `text`, with `{ $name }` placeholders filled. Values are strings: numbers, dates and amounts
/// arrive already formatted for the locale.
pub fn text_with(locale: Locale, key: &str, args: &[(&str, String)]) -> String {
    let fluent_args = (!args.is_empty()).then(|| {
        let mut a = FluentArgs::with_capacity(args.len());
        for (name, value) in args {
            // Plain integers go in as numbers so that `{ $count -> [one] … *[other] … }` selects.
            match value.parse::<i64>() {
                Ok(n) if !value.starts_with('+') => a.set(*name, n),
                _ => a.set(*name, value.as_str()),
            }
        }
        a
    });
    lookup(locale, key, fluent_args.as_ref())
        .or_else(|| {
            if locale != Locale::En {
                tracing::warn!(key, locale = locale.as_str(), "missing translation");
            }
            lookup(Locale::En, key, fluent_args.as_ref())
        })
        .unwrap_or_else(|| key.to_string())
}

/// U+202F, the thin space French typography puts between thousands.
const NARROW_NBSP: char = '\u{202F}';
/// U+00A0, between an amount and its currency sign in French.
const NBSP: char = '\u{00A0}';

/// Digits of `value` (kept at its scale) with the locale's separators, sign included.
fn digits(locale: Locale, value: Decimal) -> String {
    let (group, point) = match locale {
        Locale::En => (',', '.'),
        Locale::Fr => (NARROW_NBSP, ','),
    };
    let plain = value.abs().to_string();
    let (int, frac) = match plain.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (plain.as_str(), None),
    };
    let mut out = String::with_capacity(plain.len() + 4);
    if value.is_sign_negative() && !value.is_zero() {
        out.push('-');
    }
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i).is_multiple_of(3) {
            out.push(group);
        }
        out.push(c);
    }
    if let Some(frac) = frac {
        out.push(point);
        out.push_str(frac);
    }
    out
}

/// A number as written in the locale, at its own scale: `1 234,5` / `1,234.5`.
pub fn format_decimal(locale: Locale, value: Decimal) -> String {
    digits(locale, value)
}

/// Money, rounded to the cent half away from zero: fr `1 234,56 €`, en `€1,234.56`; other
/// currencies by their code (`1 234,56 USD`, `USD 1,234.56`).
pub fn format_amount(locale: Locale, value: Decimal, currency_code: &str) -> String {
    let rounded = value.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
    let mut cents = rounded;
    cents.rescale(2);
    let number = digits(locale, cents);
    let symbol = match currency_code {
        "EUR" => "€",
        other => other,
    };
    match locale {
        Locale::Fr => format!("{number}{NBSP}{symbol}"),
        Locale::En if symbol == "€" => match number.strip_prefix('-') {
            Some(unsigned) => format!("-€{unsigned}"),
            None => format!("€{number}"),
        },
        Locale::En => format!("{symbol}{NBSP}{number}"),
    }
}

/// fr `29/11/2026`, en `29 Nov 2026`.
pub fn format_date(locale: Locale, date: NaiveDate) -> String {
    match locale {
        Locale::En => date.format("%-d %b %Y").to_string(),
        Locale::Fr => date.format("%d/%m/%Y").to_string(),
    }
}

/// fr `29/11/2026 14:05`, en `29 Nov 2026, 14:05` (times are shown as stored: UTC).
pub fn format_datetime(locale: Locale, at: NaiveDateTime) -> String {
    match locale {
        Locale::En => at.format("%-d %b %Y, %H:%M").to_string(),
        Locale::Fr => at.format("%d/%m/%Y %H:%M").to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;
    use std::collections::BTreeSet;

    #[test]
    fn preference_wins_over_the_browser() {
        assert_eq!(Locale::negotiate(Some("fr"), Some("en-GB,en;q=0.9")), Locale::Fr);
        assert_eq!(Locale::negotiate(Some("en"), Some("fr-FR")), Locale::En);
    }

    #[test]
    fn browser_languages_by_weight() {
        assert_eq!(Locale::negotiate(None, Some("fr-FR,fr;q=0.9,en;q=0.8")), Locale::Fr);
        assert_eq!(Locale::negotiate(None, Some("de-DE,en;q=0.5,fr;q=0.7")), Locale::Fr);
        assert_eq!(Locale::negotiate(None, Some("fr;q=0.4, en-US;q=0.6")), Locale::En);
        assert_eq!(Locale::negotiate(None, Some("FR-ca")), Locale::Fr);
        // Equal weights: the first listed.
        assert_eq!(Locale::negotiate(None, Some("en,fr")), Locale::En);
        assert_eq!(Locale::negotiate(None, Some("fr,en")), Locale::Fr);
    }

    #[test]
    fn unknown_or_refused_languages_give_english() {
        assert_eq!(Locale::negotiate(None, None), Locale::En);
        assert_eq!(Locale::negotiate(None, Some("de-DE,*;q=0.1")), Locale::En);
        assert_eq!(Locale::negotiate(None, Some("fr;q=0")), Locale::En);
        assert_eq!(Locale::negotiate(None, Some(";;,q=")), Locale::En);
        // A stored value we do not know (hand-edited row) is ignored, not an error.
        assert_eq!(Locale::negotiate(Some("de"), Some("fr")), Locale::Fr);
    }

    #[test]
    fn amounts_per_locale() {
        assert_eq!(
            format_amount(Locale::Fr, dec!(1234.56), "EUR"),
            "1\u{202F}234,56\u{A0}€"
        );
        assert_eq!(format_amount(Locale::En, dec!(1234.56), "EUR"), "€1,234.56");
        assert_eq!(
            format_amount(Locale::Fr, dec!(1234567.5), "EUR"),
            "1\u{202F}234\u{202F}567,50\u{A0}€"
        );
        assert_eq!(format_amount(Locale::En, dec!(0), "EUR"), "€0.00");
        assert_eq!(format_amount(Locale::En, dec!(-12.5), "EUR"), "-€12.50");
        assert_eq!(
            format_amount(Locale::Fr, dec!(-999.999), "EUR"),
            "-1\u{202F}000,00\u{A0}€"
        );
        assert_eq!(format_amount(Locale::En, dec!(100), "USD"), "USD\u{A0}100.00");
        assert_eq!(format_amount(Locale::Fr, dec!(100), "USD"), "100,00\u{A0}USD");
    }

    #[test]
    fn amounts_round_half_away_from_zero() {
        assert_eq!(format_amount(Locale::En, dec!(0.005), "EUR"), "€0.01");
        assert_eq!(format_amount(Locale::En, dec!(-0.005), "EUR"), "-€0.01");
        assert_eq!(format_amount(Locale::Fr, dec!(2.345), "EUR"), "2,35\u{A0}€");
    }

    #[test]
    fn decimals_keep_their_scale() {
        assert_eq!(format_decimal(Locale::Fr, dec!(1.5)), "1,5");
        assert_eq!(format_decimal(Locale::En, dec!(12345.125)), "12,345.125");
        assert_eq!(format_decimal(Locale::Fr, dec!(20.00)), "20,00");
        assert_eq!(format_decimal(Locale::Fr, dec!(-1000)), "-1\u{202F}000");
        assert_eq!(format_decimal(Locale::En, dec!(999)), "999");
    }

    #[test]
    fn dates_per_locale() {
        let d = NaiveDate::from_ymd_opt(2026, 11, 29).unwrap();
        assert_eq!(format_date(Locale::Fr, d), "29/11/2026");
        assert_eq!(format_date(Locale::En, d), "29 Nov 2026");
        let early = NaiveDate::from_ymd_opt(2027, 1, 5).unwrap();
        assert_eq!(format_date(Locale::Fr, early), "05/01/2027");
        assert_eq!(format_date(Locale::En, early), "5 Jan 2027");
        let at = d.and_hms_opt(14, 5, 9).unwrap();
        assert_eq!(format_datetime(Locale::Fr, at), "29/11/2026 14:05");
        assert_eq!(format_datetime(Locale::En, at), "29 Nov 2026, 14:05");
    }

    fn keys(source: &str) -> BTreeSet<String> {
        let resource = FluentResource::try_new(source.to_string()).unwrap_or_else(|(_, e)| panic!("{e:?}"));
        resource
            .entries()
            .filter_map(|e| match e {
                fluent_syntax::ast::Entry::Message(m) => Some(m.id.name.to_string()),
                fluent_syntax::ast::Entry::Term(t) => Some(format!("-{}", t.id.name)),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn catalogs_parse_without_errors_or_duplicates() {
        for (locale, file, source) in CATALOGS {
            if let Err((_, errors)) = FluentResource::try_new(source.to_string()) {
                panic!("locales/{locale}/{file}: {errors:?}");
            }
            let count = FluentResource::try_new(source.to_string())
                .unwrap()
                .entries()
                .filter(|e| {
                    matches!(
                        e,
                        fluent_syntax::ast::Entry::Message(_) | fluent_syntax::ast::Entry::Term(_)
                    )
                })
                .count();
            assert_eq!(count, keys(source).len(), "locales/{locale}/{file} defines a key twice");
        }
        let mut all = BTreeSet::new();
        for (locale, _, source) in CATALOGS.iter().filter(|(l, _, _)| *l == Locale::En) {
            for key in keys(source) {
                assert!(all.insert(key.clone()), "{key} is in both {locale} catalog files");
            }
        }
    }

    #[test]
    fn french_and_english_catalogs_have_the_same_keys() {
        for file in ["pages.ftl", "messages.ftl"] {
            let of = |locale| {
                let (_, _, source) = CATALOGS.iter().find(|(l, f, _)| *l == locale && *f == file).unwrap();
                keys(source)
            };
            let (en, fr) = (of(Locale::En), of(Locale::Fr));
            let only_en: Vec<_> = en.difference(&fr).collect();
            let only_fr: Vec<_> = fr.difference(&en).collect();
            assert!(only_en.is_empty(), "{file}: missing in French: {only_en:?}");
            assert!(only_fr.is_empty(), "{file}: missing in English: {only_fr:?}");
        }
    }

    #[test]
    fn every_entry_formats_without_errors() {
        for locale in Locale::ALL {
            let bundle = bundle(locale);
            for (_, file, source) in CATALOGS.iter().filter(|(l, _, _)| *l == locale) {
                for key in keys(source).iter().filter(|k| !k.starts_with('-')) {
                    let message = bundle.get_message(key).unwrap();
                    let pattern = message
                        .value()
                        .unwrap_or_else(|| panic!("{locale}/{file}: {key} has no value"));
                    let mut errors = Vec::new();
                    // Variables are reported missing without args; anything else is a real error.
                    bundle.format_pattern(pattern, None, &mut errors);
                    let real: Vec<_> = errors
                        .iter()
                        .filter(|e| {
                            !matches!(
                                e,
                                fluent_bundle::FluentError::ResolverError(
                                    fluent_bundle::resolver::ResolverError::Reference(
                                        fluent_bundle::resolver::errors::ReferenceKind::Variable { .. }
                                    )
                                )
                            )
                        })
                        .collect();
                    assert!(real.is_empty(), "{locale}/{file}: {key}: {real:?}");
                }
            }
        }
    }

    /// `ctx.t("key")`, `ctx.t1("key", …)`…: the keys written in the templates.
    fn keys_in_templates() -> Vec<(String, String)> {
        let mut found = Vec::new();
        let mut stack = vec![std::path::PathBuf::from(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/templates"
        ))];
        while let Some(path) = stack.pop() {
            if path.is_dir() {
                for entry in std::fs::read_dir(&path).expect("templates are readable") {
                    stack.push(entry.expect("directory entry").path());
                }
                continue;
            }
            let source = std::fs::read_to_string(&path).expect("template is UTF-8");
            for call in [".t(\"", ".t1(\"", ".t2(\"", ".t3(\""] {
                let mut rest = source.as_str();
                while let Some(start) = rest.find(call) {
                    rest = &rest[start + call.len()..];
                    let end = rest.find('"').expect("closing quote");
                    found.push((rest[..end].to_string(), path.display().to_string()));
                }
            }
        }
        found
    }

    #[test]
    fn every_key_used_in_templates_is_in_both_catalogs() {
        let used = keys_in_templates();
        assert!(used.len() > 300, "the scan found only {} keys", used.len());
        let missing: BTreeSet<String> = used
            .iter()
            .flat_map(|(key, file)| {
                Locale::ALL
                    .into_iter()
                    .filter(|locale| !has(*locale, key))
                    .map(move |locale| format!("{locale}: {key} ({file})"))
            })
            .collect();
        assert!(missing.is_empty(), "keys missing from the catalogs: {missing:#?}");
    }

    #[test]
    fn lookup_falls_back_to_english_then_to_the_key() {
        assert_eq!(text(Locale::Fr, "no-such-key"), "no-such-key");
        assert_eq!(text(Locale::En, "nav-invoices"), "Invoices");
        assert_eq!(text(Locale::Fr, "nav-invoices"), "Factures");
        assert_eq!(
            text_with(Locale::Fr, "page-of", &[("page", "2".into()), ("pages", "5".into())]),
            "page 2 sur 5"
        );
    }
}
