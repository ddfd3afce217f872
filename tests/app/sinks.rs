//! Local receivers for the notification tests: a small SMTP sink and an HTTP receiver, each on a
//! random port of 127.0.0.1, recording what they get.

use std::sync::{Arc, Mutex};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

/// One message as the SMTP sink received it.
#[derive(Debug, Clone)]
pub struct ReceivedMail {
    pub rcpt_to: Vec<String>,
    /// The DATA part, dot-unstuffed, with CRLF line ends.
    pub raw: String,
}

impl ReceivedMail {
    /// A header's value (unfolded, RFC 2047 words decoded).
    pub fn header(&self, name: &str) -> Option<String> {
        let head = self.raw.split("\r\n\r\n").next()?;
        let unfolded = head.replace("\r\n ", " ").replace("\r\n\t", " ");
        unfolded.lines().find_map(|line| {
            let (key, value) = line.split_once(':')?;
            key.eq_ignore_ascii_case(name).then(|| decode_words(value.trim()))
        })
    }

    /// The body, decoded from its Content-Transfer-Encoding.
    pub fn body(&self) -> String {
        let body = self.raw.split_once("\r\n\r\n").map(|(_, b)| b).unwrap_or("");
        match self
            .header("Content-Transfer-Encoding")
            .unwrap_or_default()
            .to_ascii_lowercase()
            .as_str()
        {
            "base64" => {
                use base64::Engine;
                let compact: String = body.split_whitespace().collect();
                String::from_utf8(base64::engine::general_purpose::STANDARD.decode(compact).unwrap()).unwrap()
            }
            "quoted-printable" => String::from_utf8(quoted_printable(body.as_bytes(), true)).unwrap(),
            _ => body.to_string(),
        }
    }
}

/// `=?charset?B|Q?text?=` words (RFC 2047), UTF-8 only.
fn decode_words(value: &str) -> String {
    let mut out = String::new();
    let mut rest = value;
    while let Some(start) = rest.find("=?") {
        let Some(end) = rest[start + 2..].find("?=").map(|e| e + start + 2) else {
            break;
        };
        let word = &rest[start + 2..end];
        let parts: Vec<&str> = word.splitn(3, '?').collect();
        if parts.len() != 3 {
            break;
        }
        let before = &rest[..start];
        // Whitespace between two encoded words is not part of the text.
        if !before.trim().is_empty() || out.is_empty() {
            out.push_str(before);
        }
        let bytes = match parts[1] {
            "B" | "b" => {
                use base64::Engine;
                base64::engine::general_purpose::STANDARD.decode(parts[2]).unwrap()
            }
            _ => quoted_printable(parts[2].replace('_', " ").as_bytes(), false),
        };
        out.push_str(&String::from_utf8(bytes).unwrap());
        rest = &rest[end + 2..];
    }
    out.push_str(rest);
    out
}

fn quoted_printable(input: &[u8], soft_breaks: bool) -> Vec<u8> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < input.len() {
        if input[i] == b'=' {
            if soft_breaks && input[i + 1..].starts_with(b"\r\n") {
                i += 3;
                continue;
            }
            if let Some(hex) = input.get(i + 1..i + 3)
                && let Ok(byte) = u8::from_str_radix(std::str::from_utf8(hex).unwrap_or("zz"), 16)
            {
                out.push(byte);
                i += 3;
                continue;
            }
        }
        out.push(input[i]);
        i += 1;
    }
    out
}

/// An SMTP server that accepts everything. With [`SmtpSink::hold_next_reply`], it keeps the next
/// message (it is received) but never answers its DATA: the sender sees the server take the mail
/// and then hangs, the moment a crash would leave it without knowing.
#[derive(Clone)]
pub struct SmtpSink {
    pub port: u16,
    mails: Arc<Mutex<Vec<ReceivedMail>>>,
    hold_next: Arc<Mutex<bool>>,
}

impl SmtpSink {
    pub async fn start() -> SmtpSink {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let sink = SmtpSink {
            port: listener.local_addr().unwrap().port(),
            mails: Arc::default(),
            hold_next: Arc::default(),
        };
        let server = sink.clone();
        actix_web::rt::spawn(async move {
            while let Ok((socket, _)) = listener.accept().await {
                let server = server.clone();
                actix_web::rt::spawn(async move { server.session(socket).await });
            }
        });
        sink
    }

    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    pub fn hold_next_reply(&self) {
        *self.hold_next.lock().unwrap() = true;
    }

    pub fn mails(&self) -> Vec<ReceivedMail> {
        self.mails.lock().unwrap().clone()
    }

    async fn session(&self, socket: tokio::net::TcpStream) {
        let (read, mut write) = socket.into_split();
        let mut lines = BufReader::new(read);
        let mut rcpt_to = Vec::new();
        let _ = write.write_all(b"220 sink.test ESMTP\r\n").await;
        let mut line = String::new();
        loop {
            line.clear();
            if lines.read_line(&mut line).await.unwrap_or(0) == 0 {
                return;
            }
            let command = line.trim_end().to_ascii_uppercase();
            let reply: &[u8] = if command.starts_with("EHLO") {
                b"250-sink.test\r\n250-8BITMIME\r\n250 SMTPUTF8\r\n"
            } else if command.starts_with("HELO")
                || command.starts_with("MAIL FROM")
                || command.starts_with("RSET")
                || command.starts_with("NOOP")
            {
                if command.starts_with("RSET") {
                    rcpt_to.clear();
                }
                b"250 OK\r\n"
            } else if command.starts_with("RCPT TO") {
                let address = line.trim_end()[8..]
                    .trim()
                    .trim_start_matches('<')
                    .trim_end_matches('>')
                    .to_string();
                rcpt_to.push(address);
                b"250 OK\r\n"
            } else if command == "DATA" {
                let _ = write.write_all(b"354 End data with <CR><LF>.<CR><LF>\r\n").await;
                let mut raw = String::new();
                loop {
                    line.clear();
                    if lines.read_line(&mut line).await.unwrap_or(0) == 0 {
                        return;
                    }
                    if line == ".\r\n" {
                        break;
                    }
                    raw.push_str(
                        line.strip_prefix('.')
                            .filter(|_| line.starts_with(".."))
                            .unwrap_or(&line),
                    );
                }
                self.mails.lock().unwrap().push(ReceivedMail {
                    rcpt_to: std::mem::take(&mut rcpt_to),
                    raw,
                });
                let hold = std::mem::take(&mut *self.hold_next.lock().unwrap());
                if hold {
                    // Received, never acknowledged: wait until the sender goes away.
                    let mut rest = Vec::new();
                    let _ = lines.read_to_end(&mut rest).await;
                    return;
                }
                b"250 OK queued\r\n"
            } else if command == "QUIT" {
                let _ = write.write_all(b"221 Bye\r\n").await;
                return;
            } else {
                b"502 Command not implemented\r\n"
            };
            if write.write_all(reply).await.is_err() {
                return;
            }
        }
    }
}

/// One request as the HTTP receiver got it.
#[derive(Debug, Clone)]
pub struct ReceivedRequest {
    pub path: String,
    pub headers: Vec<(String, String)>,
    pub body: String,
    /// The status the receiver answered.
    pub answered: u16,
}

impl ReceivedRequest {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// An HTTP/1.1 server answering each request with the next status of its script (then 200).
#[derive(Clone)]
pub struct HttpReceiver {
    pub port: u16,
    requests: Arc<Mutex<Vec<ReceivedRequest>>>,
    script: Arc<Mutex<std::collections::VecDeque<u16>>>,
}

impl HttpReceiver {
    pub async fn start(script: &[u16]) -> HttpReceiver {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let receiver = HttpReceiver {
            port: listener.local_addr().unwrap().port(),
            requests: Arc::default(),
            script: Arc::new(Mutex::new(script.iter().copied().collect())),
        };
        let server = receiver.clone();
        actix_web::rt::spawn(async move {
            while let Ok((socket, _)) = listener.accept().await {
                let server = server.clone();
                actix_web::rt::spawn(async move { server.handle(socket).await });
            }
        });
        receiver
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    pub fn requests(&self) -> Vec<ReceivedRequest> {
        self.requests.lock().unwrap().clone()
    }

    async fn handle(&self, socket: tokio::net::TcpStream) {
        let (read, mut write) = socket.into_split();
        let mut reader = BufReader::new(read);
        let mut request_line = String::new();
        if reader.read_line(&mut request_line).await.unwrap_or(0) == 0 {
            return;
        }
        let path = request_line.split_whitespace().nth(1).unwrap_or("").to_string();
        let mut headers = Vec::new();
        loop {
            let mut line = String::new();
            if reader.read_line(&mut line).await.unwrap_or(0) == 0 {
                return;
            }
            let line = line.trim_end();
            if line.is_empty() {
                break;
            }
            if let Some((k, v)) = line.split_once(':') {
                headers.push((k.trim().to_string(), v.trim().to_string()));
            }
        }
        let length: usize = headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case("content-length"))
            .and_then(|(_, v)| v.parse().ok())
            .unwrap_or(0);
        let mut body = vec![0u8; length];
        if reader.read_exact(&mut body).await.is_err() {
            return;
        }
        let answered = self.script.lock().unwrap().pop_front().unwrap_or(200);
        self.requests.lock().unwrap().push(ReceivedRequest {
            path,
            headers,
            body: String::from_utf8(body).unwrap(),
            answered,
        });
        let response = format!("HTTP/1.1 {answered} Status\r\ncontent-length: 0\r\nconnection: close\r\n\r\n");
        let _ = write.write_all(response.as_bytes()).await;
        let _ = write.shutdown().await;
    }
}
