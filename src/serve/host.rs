//! The `Host` check of a server bound to a loopback address (README "okrc watch and okrc
//! serve").
//!
//! A web page on another site can make the browser send requests to
//! `127.0.0.1` under a name of its own that it re-points there (DNS
//! rebinding), and then read the answers as its own. Those requests carry
//! the attacker's name in `Host`; the ones a person makes carry a loopback
//! name or address. So a loopback server answers only `Host` values that
//! are `localhost` (or a name under `.localhost`, which browsers keep on
//! this machine), an IPv4 address in 127.0.0.0/8 or `[::1]`, with the port
//! it listens on.

use std::net::{IpAddr, Ipv6Addr};

/// Whether a request with this `Host` header (`None`: it had none) may be
/// answered by a server bound to loopback on `port`.
pub fn allowed(host: Option<&str>, port: u16) -> bool {
    let Some(host) = host else {
        return false;
    };
    let (name, given_port) = split_port(host);
    let port_matches = match given_port {
        None => port == 80,
        Some(given) => given.parse::<u16>().is_ok_and(|given| given == port),
    };
    port_matches && is_loopback_name(name)
}

/// `name:port` into its parts; an IPv6 address keeps its brackets.
fn split_port(host: &str) -> (&str, Option<&str>) {
    if host.starts_with('[') {
        return match host.find(']') {
            Some(end) => {
                let rest = &host[end + 1..];
                (&host[..=end], rest.strip_prefix(':'))
            }
            None => (host, None),
        };
    }
    match host.rsplit_once(':') {
        Some((name, port)) => (name, Some(port)),
        None => (host, None),
    }
}

fn is_loopback_name(name: &str) -> bool {
    let name = name.strip_suffix('.').unwrap_or(name).to_ascii_lowercase();
    if name == "localhost" || name.ends_with(".localhost") {
        return name
            .split('.')
            .all(|label| !label.is_empty() && label.bytes().all(is_label_byte));
    }
    if let Some(v6) = name.strip_prefix('[').and_then(|n| n.strip_suffix(']')) {
        return v6.parse::<Ipv6Addr>().is_ok_and(|ip| ip.is_loopback());
    }
    // Only the dotted form: `2130706433` or `0x7f.1` are numbers some
    // resolvers accept, but no person types them.
    name.split('.').count() == 4 && name.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

fn is_label_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'-'
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_names_and_addresses_with_the_port_are_allowed() {
        for host in [
            "127.0.0.1:3000",
            "localhost:3000",
            "LocalHost:3000",
            "localhost.:3000",
            "okrs.localhost:3000",
            "127.1.2.3:3000",
            "[::1]:3000",
        ] {
            assert!(allowed(Some(host), 3000), "{host}");
        }
        assert!(allowed(Some("localhost"), 80));
        assert!(allowed(Some("[::1]"), 80));
    }

    #[test]
    fn other_hosts_and_ports_are_refused() {
        for host in [
            "evil.example:3000",
            "localhost.evil.example:3000",
            "127.0.0.1.evil.example:3000",
            "attacker.com",
            "localhost:3001",
            "localhost",
            "127.0.0.1:notaport",
            "127.0.0.1:99999",
            "[::1]",
            "[::2]:3000",
            "[::1:3000",
            "10.0.0.1:3000",
            "0.0.0.0:3000",
            "2130706433:3000",
            "a..localhost:3000",
            "x_y.localhost:3000",
            "",
            ":3000",
        ] {
            assert!(!allowed(Some(host), 3000), "{host}");
        }
        assert!(!allowed(None, 3000));
    }
}
