//! The reader's language and what renders in it without a session: the language cookie, the
//! negotiation, the `Texts` a fragment or an error page renders with. A leaf: `error.rs` renders
//! its pages with it, and `page::Ctx` builds on it.

use crate::auth::CurrentUser;
use crate::i18n::{self, Locale, Message};
use actix_web::HttpRequest;
use chrono::{NaiveDate, NaiveDateTime};
use rust_decimal::Decimal;
use std::fmt::Display;

/// A value templates hand over as is or behind references (askama adds some): `ctx.date(d)`.
pub trait Given<T> {
    fn given(&self) -> T;
}

impl Given<Decimal> for Decimal {
    fn given(&self) -> Decimal {
        *self
    }
}

impl Given<NaiveDate> for NaiveDate {
    fn given(&self) -> NaiveDate {
        *self
    }
}

impl Given<NaiveDateTime> for NaiveDateTime {
    fn given(&self) -> NaiveDateTime {
        *self
    }
}

impl<T, V: Given<T> + ?Sized> Given<T> for &V {
    fn given(&self) -> T {
        (**self).given()
    }
}

/// The cookie the language switch on the sign-in page sets, for people not signed in.
pub const LANG_COOKIE: &str = "lang";

/// The reader's language: their saved choice (signed in), else the switch's cookie (signed out, or
/// no choice saved yet), else Accept-Language, else English.
pub fn request_locale(req: &HttpRequest, user: Option<&CurrentUser>) -> Locale {
    let cookie = req.cookie(LANG_COOKIE);
    let preference = user
        .and_then(|u| u.locale.clone())
        .or_else(|| cookie.map(|c| c.value().to_string()));
    let accept = req
        .headers()
        .get(actix_web::http::header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok());
    Locale::negotiate(preference.as_deref(), accept)
}

/// The texts and formats of one language, for a fragment rendered without a full `Ctx` (the
/// invoice rows' live refresh must not take the session's flash). Templates call it as `ctx`.
pub struct Texts {
    pub locale: Locale,
}

impl Texts {
    pub fn t(&self, key: &str) -> String {
        i18n::text(self.locale, key)
    }

    pub fn t1(&self, key: &str, name: &str, value: impl Display) -> String {
        i18n::text_with(self.locale, key, &[(name, value.to_string())])
    }

    pub fn msg(&self, message: &Message) -> String {
        message.render(self.locale)
    }

    pub fn amount(&self, value: impl Given<Decimal>, currency: &str) -> String {
        i18n::format_amount(self.locale, value.given(), currency)
    }

    pub fn date(&self, date: impl Given<NaiveDate>) -> String {
        i18n::format_date(self.locale, date.given())
    }

    pub fn datetime(&self, at: impl Given<NaiveDateTime>) -> String {
        i18n::format_datetime(self.locale, at.given())
    }
}
