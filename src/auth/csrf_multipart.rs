//! Forms that carry a file (`multipart/form-data`), CSRF-checked like `CsrfForm`. The body is read
//! whole (within the app's payload limit) and split on its boundary: the forms that use it send
//! one small file at most. A url-encoded body is read too, as fields without a file.

use crate::auth::session;
use crate::error::AppError;
use actix_session::SessionExt;
use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest};
use futures_util::future::LocalBoxFuture;
use subtle::ConstantTimeEq;

/// One field of the form; `file_name` is set for a file input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Part {
    pub name: String,
    pub file_name: Option<String>,
    pub content_type: Option<String>,
    pub data: Vec<u8>,
}

/// The fields of a form whose CSRF token matched.
pub struct CsrfMultipart(pub Vec<Part>);

/// The most of a body kept in memory. A larger body (a file far too big) is read to its end but
/// only its start and its last [`TAIL_BYTES`] are kept: the small fields on either side of the
/// file (the typed comment, the CSRF token) survive, the file is reported as too large.
pub const BODY_BYTES_KEPT: usize = 16 << 20;
const TAIL_BYTES: usize = 256 << 10;
/// Beyond this, reading on is pointless: the request is refused outright.
const BODY_BYTES_READ_MAX: usize = 512 << 20;

impl CsrfMultipart {
    /// Whether the file field `name` was sent but dropped for its size (the form's other fields
    /// were kept).
    pub fn file_too_large(&self, name: &str) -> bool {
        self.0
            .iter()
            .any(|p| p.name == name && p.file_name.is_some() && p.content_type.as_deref() == Some(TOO_LARGE))
    }

    /// A text field, trimmed; empty when absent.
    pub fn text(&self, name: &str) -> String {
        self.0
            .iter()
            .find(|p| p.name == name && p.file_name.is_none())
            .map(|p| String::from_utf8_lossy(&p.data).trim().to_string())
            .unwrap_or_default()
    }

    /// A file field that holds a file (a browser sends an empty part when none was chosen).
    pub fn file(&self, name: &str) -> Option<&Part> {
        self.0
            .iter()
            .find(|p| p.name == name && p.file_name.as_deref().is_some_and(|f| !f.is_empty()))
    }
}

/// The `boundary` parameter of a `multipart/form-data` content type.
pub fn boundary(content_type: &str) -> Option<String> {
    let (kind, params) = content_type.split_once(';')?;
    if !kind.trim().eq_ignore_ascii_case("multipart/form-data") {
        return None;
    }
    params.split(';').find_map(|param| {
        let (key, value) = param.split_once('=')?;
        key.trim()
            .eq_ignore_ascii_case("boundary")
            .then(|| value.trim().trim_matches('"').to_string())
            .filter(|b| !b.is_empty())
    })
}

fn find(haystack: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    haystack
        .get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|i| i + from)
}

/// A `name="value"` parameter of a `Content-Disposition` header.
fn disposition_param(header: &str, key: &str) -> Option<String> {
    let marker = format!("{key}=\"");
    let mut search = 0;
    while let Some(found) = header[search..].find(&marker) {
        let start = search + found;
        // `name=` must not be the end of `filename=`.
        let standalone = start == 0 || matches!(header.as_bytes()[start - 1], b' ' | b';');
        let value_start = start + marker.len();
        let value_end = header[value_start..].find('"')? + value_start;
        if standalone {
            return Some(header[value_start..value_end].to_string());
        }
        search = value_end;
    }
    None
}

/// Marks, as its content type, the part of a file dropped for its size.
const TOO_LARGE: &str = "chorus-desk/too-large";

/// The parts of a body of which only the start (`head`) and end (`tail`) were kept: the complete
/// parts of each, and the part cut in two as a dropped file.
pub fn parse_truncated(head: &[u8], tail: &[u8], boundary: &str) -> Vec<Part> {
    let delimiter = format!("--{boundary}");
    let mut parts = Vec::new();
    // The head: its complete parts, then the headers of the part cut off.
    let mut at = 0;
    while let Some(start) = find(head, delimiter.as_bytes(), at) {
        let after = start + delimiter.len();
        let Some(headers_end) = find(head, b"\r\n\r\n", after) else {
            break;
        };
        let headers = String::from_utf8_lossy(&head[after..headers_end]).to_string();
        let next = find(head, format!("\r\n{delimiter}").as_bytes(), headers_end);
        let mut part = part_from_headers(&headers);
        match next {
            Some(end) => {
                part.data = head[headers_end + 4..end].to_vec();
                parts.push(part);
                at = end + 2;
            }
            None => {
                part.content_type = Some(TOO_LARGE.into());
                parts.push(part);
                break;
            }
        }
    }
    // The tail: from its first whole delimiter on, a well-formed body of its own.
    if let Some(start) = find(tail, format!("\r\n{delimiter}").as_bytes(), 0)
        && let Ok(rest) = parse(&tail[start + 2..], boundary)
    {
        parts.extend(rest);
    }
    parts
}

fn part_from_headers(headers: &str) -> Part {
    let mut part = Part {
        name: String::new(),
        file_name: None,
        content_type: None,
        data: Vec::new(),
    };
    for line in headers.split("\r\n") {
        let Some((key, value)) = line.split_once(':') else {
            continue;
        };
        if key.trim().eq_ignore_ascii_case("content-disposition") {
            part.name = disposition_param(value, "name").unwrap_or_default();
            part.file_name = disposition_param(value, "filename");
        } else if key.trim().eq_ignore_ascii_case("content-type") {
            part.content_type = Some(value.trim().to_string());
        }
    }
    part
}

/// Splits a `multipart/form-data` body into its parts.
pub fn parse(body: &[u8], boundary: &str) -> Result<Vec<Part>, String> {
    let delimiter = format!("--{boundary}");
    let next_delimiter = format!("\r\n--{boundary}");
    let mut at = find(body, delimiter.as_bytes(), 0).ok_or("no multipart boundary in the body")? + delimiter.len();
    let mut parts = Vec::new();
    loop {
        if body.get(at..at + 2) == Some(b"--") {
            return Ok(parts);
        }
        if body.get(at..at + 2) != Some(b"\r\n") {
            return Err("a multipart boundary is not followed by a line break".into());
        }
        at += 2;
        let headers_end = find(body, b"\r\n\r\n", at).ok_or("a multipart part has no end of headers")?;
        let headers = String::from_utf8_lossy(&body[at..headers_end]).to_string();
        let data_start = headers_end + 4;
        let data_end = find(body, next_delimiter.as_bytes(), data_start).ok_or("a multipart part is not closed")?;
        let mut part = part_from_headers(&headers);
        part.data = body[data_start..data_end].to_vec();
        parts.push(part);
        at = data_end + next_delimiter.len();
    }
}

impl FromRequest for CsrfMultipart {
    type Error = AppError;
    type Future = LocalBoxFuture<'static, Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let session = req.get_session();
        let content_type = req
            .headers()
            .get(actix_web::http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string();
        let mut payload = payload.take();
        Box::pin(async move {
            use futures_util::StreamExt;
            let incomplete = || AppError::BadRequest("The form is too large or incomplete.".into());
            let (mut body, mut tail, mut read) = (Vec::new(), Vec::new(), 0usize);
            while let Some(chunk) = payload.next().await {
                let chunk = chunk.map_err(|_| incomplete())?;
                read += chunk.len();
                if read > BODY_BYTES_READ_MAX {
                    return Err(incomplete());
                }
                if tail.is_empty() && body.len() + chunk.len() <= BODY_BYTES_KEPT {
                    body.extend_from_slice(&chunk);
                } else {
                    tail.extend_from_slice(&chunk);
                    if tail.len() > 2 * TAIL_BYTES {
                        tail.drain(..tail.len() - TAIL_BYTES);
                    }
                }
            }
            if tail.len() > TAIL_BYTES {
                tail.drain(..tail.len() - TAIL_BYTES);
            }
            let parts = match boundary(&content_type) {
                Some(boundary) if !tail.is_empty() => parse_truncated(&body, &tail, &boundary),
                Some(boundary) => parse(&body, &boundary)
                    .map_err(|e| AppError::BadRequest(format!("The form could not be read ({e}).")))?,
                None if !tail.is_empty() => return Err(incomplete()),
                None => serde_urlencoded::from_bytes::<Vec<(String, String)>>(&body)
                    .unwrap_or_default()
                    .into_iter()
                    .map(|(name, value)| Part {
                        name,
                        file_name: None,
                        content_type: None,
                        data: value.into_bytes(),
                    })
                    .collect(),
            };
            let sent = parts
                .iter()
                .find(|p| p.name == "csrf_token" && p.file_name.is_none())
                .map(|p| p.data.clone());
            let expected = session::stored_csrf_token(&session);
            let valid = match (sent, expected.as_deref()) {
                (Some(sent), Some(expected)) => bool::from(sent.as_slice().ct_eq(expected.as_bytes())),
                _ => false,
            };
            if !valid {
                return Err(AppError::CsrfRejected);
            }
            let text_is_utf8 = parts
                .iter()
                .all(|p| p.file_name.is_some() || std::str::from_utf8(&p.data).is_ok());
            if !text_is_utf8 || (boundary(&content_type).is_none() && !crate::auth::csrf::urlencoded_is_utf8(&body)) {
                return Err(AppError::BadRequest(crate::auth::csrf::NOT_TEXT.into()));
            }
            Ok(CsrfMultipart(parts))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_browser_form_with_a_file_splits_into_its_fields() {
        let body = b"--XyZ\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\nabc\r\n\
--XyZ\r\nContent-Disposition: form-data; name=\"attachment\"; filename=\"bon.pdf\"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1\r\n--X\r\n\
--XyZ\r\nContent-Disposition: form-data; name=\"comment\"\r\n\r\nVoici le bon\r\n--XyZ--\r\n";
        let boundary = boundary("multipart/form-data; boundary=XyZ").unwrap();
        let parts = parse(body, &boundary).unwrap();
        assert_eq!(parts.len(), 3);
        assert_eq!(parts[0].name, "csrf_token");
        assert_eq!(parts[0].data, b"abc");
        assert_eq!(parts[1].name, "attachment");
        assert_eq!(parts[1].file_name.as_deref(), Some("bon.pdf"));
        assert_eq!(parts[1].content_type.as_deref(), Some("application/pdf"));
        // A line that merely starts like the boundary stays in the file.
        assert_eq!(parts[1].data, b"%PDF-1\r\n--X");
        assert_eq!(parts[2].data, "Voici le bon".as_bytes());
    }

    #[test]
    fn a_file_too_large_to_keep_leaves_the_fields_around_it() {
        let head = b"--XyZ\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\nabc\r\n\
--XyZ\r\nContent-Disposition: form-data; name=\"attachment\"; filename=\"big.pdf\"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1 lots";
        let tail = b"more of the file\r\n--XyZ\r\nContent-Disposition: form-data; name=\"comment\"\r\n\r\nVoici le bon\r\n--XyZ--\r\n";
        let form = CsrfMultipart(parse_truncated(head, tail, "XyZ"));
        assert_eq!(form.text("csrf_token"), "abc");
        assert_eq!(form.text("comment"), "Voici le bon");
        assert!(form.file_too_large("attachment"));
        assert!(form.file("attachment").is_some_and(|p| p.data.is_empty()));
    }

    #[test]
    fn broken_bodies_are_errors_not_panics() {
        assert!(parse(b"nothing here", "XyZ").is_err());
        assert!(
            parse(
                b"--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nunclosed",
                "XyZ"
            )
            .is_err()
        );
        assert!(boundary("application/x-www-form-urlencoded").is_none());
        assert_eq!(boundary("multipart/form-data; boundary=\"q\"").as_deref(), Some("q"));
    }
}
