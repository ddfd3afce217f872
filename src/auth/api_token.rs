//! Organisation API tokens: `Authorization: Bearer cdk_…`. The clear token is shown once; the
//! database holds only HMAC-SHA256 under `SecretKey::token_key`, so a leaked database (or a backup)
//! gives no usable token, and a lookup by hash needs no scan.

use crate::error::AppError;
use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpMessage, HttpRequest};
use base64::Engine;
use sha2::{Digest, Sha256};
use std::future::{Ready, ready};

const TOKEN_PREFIX: &str = "cdk_";
/// How much of the token the UI shows to tell tokens apart ("cdk_" + 8 characters).
const SHOWN_PREFIX_LEN: usize = 12;

/// A freshly generated token: `clear` goes to the person once and is never stored.
pub struct GeneratedToken {
    pub clear: String,
    pub prefix: String,
    pub hash: String,
}

impl std::fmt::Debug for GeneratedToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GeneratedToken")
            .field("prefix", &self.prefix)
            .field("clear", &"[redacted]")
            .finish()
    }
}

pub fn generate(token_key: &[u8; 32]) -> Result<GeneratedToken, AppError> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(AppError::internal)?;
    let clear = format!(
        "{TOKEN_PREFIX}{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
    );
    Ok(GeneratedToken {
        prefix: clear[..SHOWN_PREFIX_LEN].to_string(),
        hash: hash(token_key, &clear),
        clear,
    })
}

/// HMAC-SHA256 (RFC 2104) of the token under the deployment's token key, hex-encoded.
pub fn hash(token_key: &[u8; 32], token: &str) -> String {
    const BLOCK: usize = 64;
    let mut inner_pad = [0x36u8; BLOCK];
    let mut outer_pad = [0x5cu8; BLOCK];
    for (i, byte) in token_key.iter().enumerate() {
        inner_pad[i] ^= byte;
        outer_pad[i] ^= byte;
    }
    let inner = Sha256::new()
        .chain_update(inner_pad)
        .chain_update(token.as_bytes())
        .finalize();
    let outer = Sha256::new().chain_update(outer_pad).chain_update(inner).finalize();
    hex::encode(outer)
}

/// The bearer token of a request, if it looks like one of ours.
pub fn bearer(req: &HttpRequest) -> Option<String> {
    let header = req
        .headers()
        .get(actix_web::http::header::AUTHORIZATION)?
        .to_str()
        .ok()?;
    let (scheme, token) = header.trim().split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && token.starts_with(TOKEN_PREFIX) && token.len() < 200)
        .then(|| token.to_string())
}

/// The organisation an API request acts for, attached by the access middleware once the bearer
/// token matched a live token.
#[derive(Debug, Clone)]
pub struct ApiCaller {
    pub organisation_id: i64,
    pub token_id: i64,
    pub token_name: String,
}

impl ApiCaller {
    pub fn actor(&self) -> crate::audit::Actor {
        crate::audit::Actor::ApiToken {
            id: self.token_id,
            name: self.token_name.clone(),
        }
    }
}

impl FromRequest for ApiCaller {
    type Error = crate::error::ApiError;
    type Future = Ready<Result<ApiCaller, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(
            req.extensions()
                .get::<ApiCaller>()
                .cloned()
                .ok_or_else(|| AppError::Unauthenticated.into()),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hmac_matches_the_rfc_4231_style_reference() {
        // RFC 4231 test case 1's data with a 32-byte key of 0x0b; the expected value comes from
        // Python's `hmac.new(bytes([0x0b] * 32), b"Hi There", hashlib.sha256)`.
        let key = [0x0bu8; 32];
        assert_eq!(
            hash(&key, "Hi There"),
            "198a607eb44bfbc69903a0f1cf2bbdc5ba0aa3f3d9ae3c1c7a3b1696a0b68cf7"
        );
    }

    #[test]
    fn tokens_are_random_and_only_their_hash_identifies_them() {
        let key = [7u8; 32];
        let a = generate(&key).unwrap();
        let b = generate(&key).unwrap();
        assert_ne!(a.clear, b.clear);
        assert!(a.clear.starts_with("cdk_") && a.clear.len() == 4 + 43);
        assert_eq!(a.hash, hash(&key, &a.clear));
        assert!(!a.hash.contains(&a.clear[4..]));
        assert_ne!(hash(&[8u8; 32], &a.clear), a.hash, "the key matters");
        assert!(!format!("{a:?}").contains(&a.clear));
    }
}
