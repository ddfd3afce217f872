//! Who is on the other end: the peer address, or, behind a reverse proxy we were told to trust,
//! the address that proxy saw. `X-Forwarded-For` from anyone else is ignored, since any client
//! can write it (and would otherwise pick a fresh address for every guess).

use actix_web::HttpRequest;

pub use super::trusted_proxies::{Network, TrustedProxies};

/// The client address of this request, as text for the throttle and the audit log.
pub fn of_request(req: &HttpRequest) -> String {
    let Some(peer) = req.peer_addr().map(|a| a.ip()) else {
        return "unknown".into();
    };
    let trusted = req
        .app_data::<actix_web::web::Data<crate::config::Settings>>()
        .map(|settings| settings.trusted_proxies.clone())
        .unwrap_or_default();
    let headers: Vec<&str> = req
        .headers()
        .get_all("X-Forwarded-For")
        .filter_map(|value| value.to_str().ok())
        .collect();
    trusted.client_ip(peer, &headers).to_string()
}
