//! The client's address, for every limiter: the peer of the connection, or,
//! when that peer is a trusted proxy, the rightmost address in
//! `X-Forwarded-For` that is not itself a trusted proxy.
//!
//! Headers from untrusted peers are ignored entirely, so a client cannot pick
//! its own address. The address is used in memory (and, keyed-hashed, by the
//! sign-in throttle) and is never logged.

use crate::AppState;
use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::{HeaderMap, request::Parts};
use std::net::{IpAddr, Ipv6Addr, SocketAddr};

/// An address block such as `10.0.0.0/8` or `fd00::/8`.
pub type Cidr = ipnet::IpNet;

/// An address block, or one address (`192.0.2.7`, taken as its own block).
pub fn parse_cidr(s: &str) -> Result<Cidr, String> {
    let s = s.trim();
    if let Ok(ip) = s.parse::<IpAddr>() {
        return Ok(Cidr::from(ip.to_canonical()));
    }
    s.parse::<Cidr>()
        .map(|n| n.trunc())
        .map_err(|_| format!("{s:?} is not an address or address block (CIDR)"))
}

/// Parses a comma-separated list of address blocks (the environment form).
pub fn parse_list(s: &str) -> Result<Vec<Cidr>, String> {
    s.split(',')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(parse_cidr)
        .collect()
}

fn trusted(proxies: &[Cidr], ip: IpAddr) -> bool {
    let ip = ip.to_canonical();
    proxies.iter().any(|c| c.contains(&ip))
}

/// One hop of `X-Forwarded-For`: an address, possibly with a port.
fn hop(s: &str) -> Option<IpAddr> {
    let s = s.trim();
    s.parse::<IpAddr>()
        .ok()
        .or_else(|| s.parse::<SocketAddr>().ok().map(|a| a.ip()))
        .map(|ip| ip.to_canonical())
}

/// The client's address: the one function every limiter uses.
pub fn client_ip(proxies: &[Cidr], peer: IpAddr, headers: &HeaderMap) -> IpAddr {
    let peer = peer.to_canonical();
    if !trusted(proxies, peer) {
        return peer;
    }
    // all X-Forwarded-For headers, in order, form one list; walk it from the right
    let hops: Vec<&str> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .collect();
    let mut client = peer;
    for h in hops.iter().rev() {
        match hop(h) {
            Some(ip) => {
                client = ip;
                if !trusted(proxies, ip) {
                    return ip;
                }
            }
            // the trusted proxy's own neighbour is unreadable: stay with the proxy
            None => return client,
        }
    }
    client
}

/// The key a limiter counts under: an IPv4 address, or the /64 an IPv6 address
/// is in (one subscriber usually holds a whole /64).
pub fn limit_key(ip: IpAddr) -> IpAddr {
    match ip.to_canonical() {
        IpAddr::V6(a) => {
            let net = u128::from(a) & !((1u128 << 64) - 1);
            IpAddr::V6(Ipv6Addr::from(net))
        }
        v4 => v4,
    }
}

/// The caller's address (after [`client_ip`] and [`limit_key`]), as an extractor.
#[derive(Debug, Clone, Copy)]
pub struct ClientIp(pub IpAddr);

impl FromRequestParts<AppState> for ClientIp {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip())
            .unwrap_or(IpAddr::from([0, 0, 0, 0]));
        Ok(ClientIp(limit_key(client_ip(
            &state.config.trusted_proxies,
            peer,
            &parts.headers,
        ))))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap_or(IpAddr::from([0, 0, 0, 0]))
    }

    fn xff(values: &[&str]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for v in values {
            if let Ok(v) = HeaderValue::from_str(v) {
                h.append("x-forwarded-for", v);
            }
        }
        h
    }

    #[test]
    fn blocks_parse_and_match() {
        let c = [parse_cidr("10.0.0.0/8").unwrap_or_else(|_| unreachable!())];
        assert!(trusted(&c, ip("10.200.3.4")));
        assert!(!trusted(&c, ip("11.0.0.1")));
        assert!(trusted(&c, ip("::ffff:10.1.2.3")), "IPv4-mapped IPv6");
        let one = [parse_cidr("192.0.2.7").unwrap_or_else(|_| unreachable!())];
        assert!(trusted(&one, ip("192.0.2.7")) && !trusted(&one, ip("192.0.2.8")));
        let all = [parse_cidr("::/0").unwrap_or_else(|_| unreachable!())];
        assert!(trusted(&all, ip("2001:db8::1")) && !trusted(&all, ip("127.0.0.1")));
        assert!(parse_cidr("10.0.0.0/33").is_err());
        assert!(parse_cidr("nonsense").is_err());
        assert_eq!(parse_list("127.0.0.1, 10.0.0.0/8,").map(|l| l.len()), Ok(2));
    }

    #[test]
    fn forwarded_for_counts_only_behind_a_trusted_peer() {
        let proxies = parse_list("127.0.0.1,10.0.0.0/8").unwrap_or_default();
        // an untrusted peer cannot choose its address
        assert_eq!(
            client_ip(&proxies, ip("198.51.100.9"), &xff(&["203.0.113.1"])),
            ip("198.51.100.9")
        );
        // behind the proxy: the rightmost hop that is not a proxy
        assert_eq!(
            client_ip(
                &proxies,
                ip("127.0.0.1"),
                &xff(&["6.6.6.6, 203.0.113.5, 10.1.1.1"])
            ),
            ip("203.0.113.5"),
            "a spoofed leftmost entry is ignored"
        );
        assert_eq!(
            client_ip(&proxies, ip("127.0.0.1"), &xff(&["6.6.6.6", "203.0.113.5"])),
            ip("203.0.113.5"),
            "several headers form one list"
        );
        assert_eq!(
            client_ip(&proxies, ip("127.0.0.1"), &HeaderMap::new()),
            ip("127.0.0.1")
        );
        assert_eq!(
            client_ip(&proxies, ip("127.0.0.1"), &xff(&["garbage"])),
            ip("127.0.0.1")
        );
        assert_eq!(
            client_ip(&proxies, ip("127.0.0.1"), &xff(&["203.0.113.5:4711"])),
            ip("203.0.113.5")
        );
        // no proxies configured: the header never counts
        assert_eq!(
            client_ip(&[], ip("127.0.0.1"), &xff(&["203.0.113.5"])),
            ip("127.0.0.1")
        );
    }

    #[test]
    fn ipv6_clients_are_counted_per_64() {
        assert_eq!(
            limit_key(ip("2001:db8:1:2:aaaa::1")),
            limit_key(ip("2001:db8:1:2:ffff::9"))
        );
        assert_ne!(
            limit_key(ip("2001:db8:1:2::1")),
            limit_key(ip("2001:db8:1:3::1"))
        );
        assert_eq!(limit_key(ip("192.0.2.1")), ip("192.0.2.1"));
    }
}
