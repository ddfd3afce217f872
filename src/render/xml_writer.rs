//! Thin quick-xml helpers shared by the UBL and CII writers: one output buffer, scratch strings reused for start tags with
//! attributes and for numbers, so writing an element allocates nothing in the common case.

use std::io;

use base64::Engine as _;
use quick_xml::Writer;
use quick_xml::escape::escape;
use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};
use rust_decimal::Decimal;

use crate::domain::money::{push_amount, push_decimal};

pub(crate) struct XmlOut {
    writer: Writer<Vec<u8>>,
    /// Start tag with its attributes, rebuilt per element.
    tag: String,
    /// Lexical form of the current number.
    number: String,
    /// Document currency, for every amount's `currencyID`.
    currency: String,
}

impl XmlOut {
    pub(crate) fn new(capacity: usize, currency: &str) -> io::Result<Self> {
        let mut writer = Writer::new(Vec::with_capacity(capacity));
        writer.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
        writer.get_mut().push(b'\n');
        Ok(Self {
            writer,
            tag: String::with_capacity(128),
            number: String::with_capacity(32),
            currency: currency.to_owned(),
        })
    }

    pub(crate) fn finish(self) -> Vec<u8> {
        self.writer.into_inner()
    }

    pub(crate) fn open(&mut self, name: &str) -> io::Result<()> {
        self.writer.write_event(Event::Start(BytesStart::new(name)))
    }

    /// Opens `name` with attributes; values are escaped.
    pub(crate) fn open_with(&mut self, name: &str, attributes: &[(&str, &str)]) -> io::Result<()> {
        self.tag.clear();
        self.tag.push_str(name);
        for (key, value) in attributes {
            self.tag.push(' ');
            self.tag.push_str(key);
            self.tag.push_str("=\"");
            self.tag.push_str(&escape(*value));
            self.tag.push('"');
        }
        self.writer
            .write_event(Event::Start(BytesStart::from_content(self.tag.as_str(), name.len())))
    }

    pub(crate) fn close(&mut self, name: &str) -> io::Result<()> {
        self.writer.write_event(Event::End(BytesEnd::new(name)))
    }

    fn write_text(&mut self, text: &str) -> io::Result<()> {
        self.writer.write_event(Event::Text(BytesText::new(text)))
    }

    /// `<name>text</name>`, text escaped.
    pub(crate) fn text(&mut self, name: &str, text: &str) -> io::Result<()> {
        self.open(name)?;
        self.write_text(text)?;
        self.close(name)
    }

    pub(crate) fn opt_text(&mut self, name: &str, text: Option<&str>) -> io::Result<()> {
        match text {
            Some(text) if !text.is_empty() => self.text(name, text),
            _ => Ok(()),
        }
    }

    pub(crate) fn text_with(&mut self, name: &str, attributes: &[(&str, &str)], text: &str) -> io::Result<()> {
        self.open_with(name, attributes)?;
        self.write_text(text)?;
        self.close(name)
    }

    /// An identifier with an optional scheme attribute (`schemeID` unless told otherwise).
    pub(crate) fn id_with_scheme(&mut self, name: &str, id: &str, scheme: Option<&str>) -> io::Result<()> {
        match scheme {
            Some(scheme) => self.text_with(name, &[("schemeID", scheme)], id),
            None => self.text(name, id),
        }
    }

    /// `<name currencyID="EUR">1234.50</name>`.
    pub(crate) fn amount(&mut self, name: &str, value: Decimal) -> io::Result<()> {
        self.number.clear();
        push_amount(&mut self.number, value);
        self.tag.clear();
        self.tag.push_str(name);
        self.tag.push_str(" currencyID=\"");
        self.tag.push_str(&self.currency);
        self.tag.push('"');
        self.writer
            .write_event(Event::Start(BytesStart::from_content(self.tag.as_str(), name.len())))?;
        self.writer
            .write_event(Event::Text(BytesText::from_escaped(self.number.as_str())))?;
        self.close(name)
    }

    /// An amount in another currency (BT-111).
    pub(crate) fn amount_in(&mut self, name: &str, value: Decimal, currency: &str) -> io::Result<()> {
        let document_currency = std::mem::replace(&mut self.currency, currency.to_owned());
        let result = self.amount(name, value);
        self.currency = document_currency;
        result
    }

    /// A quantity, price or percentage (at most 6 decimals), optionally with a unit code.
    pub(crate) fn decimal(&mut self, name: &str, value: Decimal, unit_code: Option<&str>) -> io::Result<()> {
        self.number.clear();
        push_decimal(&mut self.number, value);
        match unit_code {
            Some(unit) => {
                self.tag.clear();
                self.tag.push_str(name);
                self.tag.push_str(" unitCode=\"");
                self.tag.push_str(&escape(unit));
                self.tag.push('"');
                self.writer
                    .write_event(Event::Start(BytesStart::from_content(self.tag.as_str(), name.len())))?;
            }
            None => self.open(name)?,
        }
        self.writer
            .write_event(Event::Text(BytesText::from_escaped(self.number.as_str())))?;
        self.close(name)
    }

    /// A price or unit amount with currency and up to 6 decimals (BT-146, BT-148, BT-147).
    pub(crate) fn price(&mut self, name: &str, value: Decimal) -> io::Result<()> {
        self.number.clear();
        push_decimal(&mut self.number, value);
        self.tag.clear();
        self.tag.push_str(name);
        self.tag.push_str(" currencyID=\"");
        self.tag.push_str(&self.currency);
        self.tag.push('"');
        self.writer
            .write_event(Event::Start(BytesStart::from_content(self.tag.as_str(), name.len())))?;
        self.writer
            .write_event(Event::Text(BytesText::from_escaped(self.number.as_str())))?;
        self.close(name)
    }

    /// An ISO date element.
    pub(crate) fn date(&mut self, name: &str, date: chrono::NaiveDate) -> io::Result<()> {
        use std::fmt::Write as _;
        self.number.clear();
        let _ = write!(self.number, "{}", date.format("%Y-%m-%d"));
        self.open(name)?;
        self.writer
            .write_event(Event::Text(BytesText::from_escaped(self.number.as_str())))?;
        self.close(name)
    }

    /// An amount with 2 decimals and no currency attribute (CII: only the VAT total has one).
    pub(crate) fn plain_amount(&mut self, name: &str, value: Decimal) -> io::Result<()> {
        self.number.clear();
        push_amount(&mut self.number, value);
        self.open(name)?;
        self.writer
            .write_event(Event::Text(BytesText::from_escaped(self.number.as_str())))?;
        self.close(name)
    }

    /// A CII date: `<outer><inner format="102">YYYYMMDD</inner></outer>`.
    pub(crate) fn date_102(&mut self, outer: &str, inner: &str, date: chrono::NaiveDate) -> io::Result<()> {
        use std::fmt::Write as _;
        self.number.clear();
        let _ = write!(self.number, "{}", date.format("%Y%m%d"));
        self.open(outer)?;
        self.tag.clear();
        self.tag.push_str(inner);
        self.tag.push_str(" format=\"102\"");
        self.writer
            .write_event(Event::Start(BytesStart::from_content(self.tag.as_str(), inner.len())))?;
        self.writer
            .write_event(Event::Text(BytesText::from_escaped(self.number.as_str())))?;
        self.close(inner)?;
        self.close(outer)
    }

    /// An element with no content (`<name/>`).
    pub(crate) fn empty(&mut self, name: &str) -> io::Result<()> {
        self.writer.write_event(Event::Empty(BytesStart::new(name)))
    }

    /// Base64 content written straight into the output (base64 needs no escaping).
    pub(crate) fn base64_content(&mut self, bytes: &[u8]) -> io::Result<()> {
        let output = self.writer.get_mut();
        output.reserve(bytes.len().div_ceil(3) * 4);
        let mut encoded = String::with_capacity(bytes.len().div_ceil(3) * 4);
        base64::engine::general_purpose::STANDARD.encode_string(bytes, &mut encoded);
        output.extend_from_slice(encoded.as_bytes());
        Ok(())
    }
}
