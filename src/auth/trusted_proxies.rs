//! `CHORUS_DESK_TRUSTED_PROXIES`: the reverse proxies whose `X-Forwarded-For` we believe, and the
//! client address read through them. Plain values, read by the configuration and by
//! `client_address`.

use std::net::IpAddr;
use std::str::FromStr;

/// One address or network (`192.0.2.7`, `10.0.0.0/8`, `2001:db8::/32`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Network {
    address: IpAddr,
    prefix: u8,
}

impl Network {
    pub fn contains(&self, ip: IpAddr) -> bool {
        match (self.address, canonical(ip)) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => {
                masked(u32::from(net).into(), 32, self.prefix) == masked(u32::from(ip).into(), 32, self.prefix)
            }
            (IpAddr::V6(net), IpAddr::V6(ip)) => {
                masked(u128::from(net), 128, self.prefix) == masked(u128::from(ip), 128, self.prefix)
            }
            _ => false,
        }
    }
}

fn masked(bits: u128, width: u8, prefix: u8) -> u128 {
    if prefix == 0 { 0 } else { bits >> (width - prefix) }
}

/// `::ffff:192.0.2.7` is 192.0.2.7: a dual-stack listener reports IPv4 peers that way.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map(IpAddr::V4).unwrap_or(ip),
        v4 => v4,
    }
}

impl FromStr for Network {
    type Err = anyhow::Error;

    fn from_str(text: &str) -> anyhow::Result<Network> {
        let text = text.trim();
        let (address, prefix) = match text.split_once('/') {
            Some((address, prefix)) => (address, Some(prefix)),
            None => (text, None),
        };
        let address = canonical(
            address
                .parse::<IpAddr>()
                .map_err(|_| anyhow::anyhow!("{text:?} is not an IP address or network"))?,
        );
        let width = if address.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            None => width,
            Some(prefix) => match prefix.parse::<u8>() {
                Ok(p) if p <= width => p,
                _ => anyhow::bail!("{text:?}: the prefix length must be 0 to {width}"),
            },
        };
        Ok(Network { address, prefix })
    }
}

/// `CHORUS_DESK_TRUSTED_PROXIES`: comma-separated addresses and networks; empty trusts nobody.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustedProxies(Vec<Network>);

impl TrustedProxies {
    pub fn trusts(&self, ip: IpAddr) -> bool {
        self.0.iter().any(|network| network.contains(ip))
    }

    /// The client's address: the peer, unless the peer is a trusted proxy; then the nearest
    /// `X-Forwarded-For` hop that is not itself a trusted proxy (read from the right: the
    /// left-hand entries are whatever the client chose to send).
    pub fn client_ip(&self, peer: IpAddr, forwarded_for: &[&str]) -> IpAddr {
        let mut client = canonical(peer);
        if !self.trusts(client) {
            return client;
        }
        let hops = forwarded_for.iter().rev().flat_map(|header| header.rsplit(','));
        for hop in hops {
            let Ok(hop) = hop.trim().parse::<IpAddr>() else {
                // Garbage from the client side: stop at the last address a proxy vouched for.
                return client;
            };
            client = canonical(hop);
            if !self.trusts(client) {
                return client;
            }
        }
        client
    }
}

impl FromStr for TrustedProxies {
    type Err = anyhow::Error;

    fn from_str(text: &str) -> anyhow::Result<TrustedProxies> {
        let networks = text
            .split(',')
            .filter(|part| !part.trim().is_empty())
            .map(|part| part.parse::<Network>())
            .collect::<anyhow::Result<Vec<_>>>()
            .map_err(|e| anyhow::anyhow!("CHORUS_DESK_TRUSTED_PROXIES: {e}"))?;
        Ok(TrustedProxies(networks))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    #[test]
    fn networks_and_single_addresses_are_read() {
        let trusted: TrustedProxies = "10.0.0.0/8, 192.0.2.7,2001:db8::/32".parse().unwrap();
        assert!(trusted.trusts(ip("10.1.2.3")));
        assert!(trusted.trusts(ip("::ffff:10.1.2.3")));
        assert!(trusted.trusts(ip("192.0.2.7")));
        assert!(!trusted.trusts(ip("192.0.2.8")));
        assert!(trusted.trusts(ip("2001:db8::1")));
        assert!(!trusted.trusts(ip("2001:db9::1")));
        assert!("10.0.0.0/33".parse::<TrustedProxies>().is_err());
        assert!("proxy.local".parse::<TrustedProxies>().is_err());
        assert_eq!("".parse::<TrustedProxies>().unwrap(), TrustedProxies::default());
    }

    #[test]
    fn forwarded_for_counts_only_from_a_trusted_proxy() {
        let nobody = TrustedProxies::default();
        assert_eq!(
            nobody.client_ip(ip("198.51.100.1"), &["203.0.113.9"]),
            ip("198.51.100.1")
        );
        let proxy: TrustedProxies = "10.0.0.0/8".parse().unwrap();
        assert_eq!(proxy.client_ip(ip("10.0.0.2"), &["203.0.113.9"]), ip("203.0.113.9"));
        // The client's own prefix is not believed: the proxy appended the real address last.
        assert_eq!(
            proxy.client_ip(ip("10.0.0.2"), &["1.2.3.4, 203.0.113.9, 10.0.0.5"]),
            ip("203.0.113.9")
        );
        assert_eq!(proxy.client_ip(ip("10.0.0.2"), &["nonsense"]), ip("10.0.0.2"));
        assert_eq!(proxy.client_ip(ip("10.0.0.2"), &[]), ip("10.0.0.2"));
    }
}
