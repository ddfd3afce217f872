//! Webhook endpoints must be on the public internet: an organisation admin must not be able to make
//! the server call its own loopback, the cloud metadata address or the private network (SSRF).
//! The host is resolved and every address checked, at registration and again at each delivery; a
//! delivery then connects to the checked addresses only (no second lookup that could differ).

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

/// The environment variable that allows private and loopback endpoints (tests, closed networks).
pub const ALLOW_PRIVATE_ENV: &str = "CHORUS_DESK_WEBHOOKS_ALLOW_PRIVATE";

/// Whether private endpoints are allowed: `CHORUS_DESK_WEBHOOKS_ALLOW_PRIVATE=on`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AddressPolicy {
    pub allow_private: bool,
}

impl AddressPolicy {
    pub fn from_env() -> AddressPolicy {
        let value = std::env::var(ALLOW_PRIVATE_ENV).unwrap_or_default();
        AddressPolicy {
            allow_private: matches!(value.trim().to_ascii_lowercase().as_str(), "on" | "true" | "1" | "yes"),
        }
    }
}

/// Why an endpoint URL is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EndpointRefused {
    #[error("the URL is not a valid http(s) URL")]
    NotHttp,
    #[error("the host could not be resolved")]
    Unresolved,
    #[error("the host resolves to a private, loopback or reserved address ({0})")]
    PrivateAddress(IpAddr),
}

/// A webhook URL whose host resolved to addresses the policy accepts.
#[derive(Debug, Clone)]
pub struct CheckedEndpoint {
    pub url: url::Url,
    pub host: String,
    pub addresses: Vec<SocketAddr>,
}

/// Parses `raw`, resolves its host and checks every address.
pub async fn check(raw: &str, policy: AddressPolicy) -> Result<CheckedEndpoint, EndpointRefused> {
    let url = url::Url::parse(raw.trim()).map_err(|_| EndpointRefused::NotHttp)?;
    if !matches!(url.scheme(), "http" | "https") || !url.username().is_empty() || url.password().is_some() {
        return Err(EndpointRefused::NotHttp);
    }
    let host = url.host_str().ok_or(EndpointRefused::NotHttp)?.to_string();
    let port = url.port_or_known_default().ok_or(EndpointRefused::NotHttp)?;
    let bare = host.trim_start_matches('[').trim_end_matches(']').to_string();
    let addresses: Vec<SocketAddr> = match bare.parse::<IpAddr>() {
        Ok(ip) => vec![SocketAddr::new(ip, port)],
        Err(_) => tokio::net::lookup_host((bare.as_str(), port))
            .await
            .map_err(|_| EndpointRefused::Unresolved)?
            .collect(),
    };
    if addresses.is_empty() {
        return Err(EndpointRefused::Unresolved);
    }
    if !policy.allow_private
        && let Some(bad) = addresses.iter().find(|a| !is_public(a.ip()))
    {
        return Err(EndpointRefused::PrivateAddress(bad.ip()));
    }
    Ok(CheckedEndpoint {
        url,
        host: bare,
        addresses,
    })
}

/// An address on the public internet: not loopback, private, link-local, shared (CGNAT),
/// unspecified, multicast, broadcast, documentation or otherwise reserved.
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_public_v4(v4),
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_public_v4(v4);
            }
            is_public_v6(v6)
        }
    }
}

fn is_public_v4(ip: Ipv4Addr) -> bool {
    let [a, b, c, _] = ip.octets();
    !(ip.is_loopback()
        || ip.is_private()
        || ip.is_link_local()
        || ip.is_unspecified()
        || ip.is_multicast()
        || ip.is_broadcast()
        || ip.is_documentation()
        || a == 0
        || (a == 100 && (64..128).contains(&b)) // shared address space (CGNAT)
        || (a == 192 && b == 0 && c == 0) // IETF protocol assignments
        || (a == 198 && (b == 18 || b == 19)) // benchmarking
        || a >= 240)
}

fn is_public_v6(ip: Ipv6Addr) -> bool {
    let first = ip.segments()[0];
    !(ip.is_loopback()
        || ip.is_unspecified()
        || ip.is_multicast()
        || (first & 0xfe00) == 0xfc00 // unique local
        || (first & 0xffc0) == 0xfe80 // link local
        || first == 0x2001 && ip.segments()[1] == 0x0db8 // documentation
        || first == 0x0064 && ip.segments()[1] == 0xff9b) // NAT64 (maps to IPv4 of any kind)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn private_loopback_and_metadata_addresses_are_not_public() {
        for bad in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "::1",
            "fd00::1",
            "fe80::1",
            "::ffff:127.0.0.1",
        ] {
            assert!(!is_public(bad.parse().unwrap()), "{bad}");
        }
        for good in ["93.184.216.34", "2606:4700::1111"] {
            assert!(is_public(good.parse().unwrap()), "{good}");
        }
    }

    #[tokio::test]
    async fn a_host_resolving_to_loopback_is_refused_unless_allowed() {
        let strict = AddressPolicy { allow_private: false };
        assert!(matches!(
            check("http://localhost:9/hook", strict).await,
            Err(EndpointRefused::PrivateAddress(_))
        ));
        assert!(matches!(
            check("http://[::1]:9/hook", strict).await,
            Err(EndpointRefused::PrivateAddress(_))
        ));
        assert_eq!(
            check("ftp://example.com/", strict).await.unwrap_err(),
            EndpointRefused::NotHttp
        );
        assert!(
            check("http://127.0.0.1:9/hook", AddressPolicy { allow_private: true })
                .await
                .is_ok()
        );
    }
}
