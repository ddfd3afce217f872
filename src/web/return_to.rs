//! `?return_to=/invoices/12`: where a customer or contract form brings the user back after saving,
//! when they came from an invoice's fix link. Only an invoice page of this site, through
//! `auth::redirect`'s safe-redirect rule; anything else is ignored (the form's usual page follows).

use serde::Deserialize;

#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default)]
pub struct ReturnTo {
    pub return_to: Option<String>,
}

impl ReturnTo {
    /// The invoice page to go back to, if `return_to` names one.
    pub fn path(&self) -> Option<String> {
        let path = crate::auth::redirect::same_origin_path(self.return_to.as_deref()?)?;
        let id = path.strip_prefix("/invoices/")?;
        (!id.is_empty() && id.len() <= 18 && id.bytes().all(|b| b.is_ascii_digit())).then(|| path.to_string())
    }
}

/// `?return_to=…` for a form's action, or nothing.
pub fn query(back: &Option<String>) -> String {
    back.as_deref()
        .map(|path| format!("?return_to={path}"))
        .unwrap_or_default()
}

/// "Contract … saved. Back on the invoice: …"
pub fn back_to_invoice(saved: crate::i18n::Message) -> crate::i18n::Message {
    crate::i18n::Message::new("flash-two-sentences")
        .arg_msg("first", saved)
        .arg_msg("second", crate::i18n::Message::new("flash-back-to-invoice"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn of(text: &str) -> Option<String> {
        ReturnTo {
            return_to: Some(text.into()),
        }
        .path()
    }

    #[test]
    fn only_an_invoice_page_of_this_site_is_a_way_back() {
        assert_eq!(of("/invoices/12").as_deref(), Some("/invoices/12"));
        for bad in [
            "//evil.example/invoices/12",
            "https://evil.example/invoices/12",
            "/invoices/12/../../admin",
            "/invoices/",
            "/invoices/12?x=1",
            "/customers/3",
            "/\\evil.example",
        ] {
            assert_eq!(of(bad), None, "{bad:?}");
        }
        assert_eq!(ReturnTo::default().path(), None);
    }
}
