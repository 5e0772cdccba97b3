//! Checking what a person typed in the address and port fields before anything touches a socket.

use std::fmt;

/// A host (IP literal or name) and a port, not yet resolved.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Endpoint {
    /// An IPv4/IPv6 literal or a host name, without brackets.
    pub host: String,
    /// The port; 0 means "any free port" where binding.
    pub port: u16,
}

impl Endpoint {
    /// An endpoint from parts already checked.
    pub fn new(host: impl Into<String>, port: u16) -> Self {
        Self {
            host: host.into(),
            port,
        }
    }
}

impl fmt::Display for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.host.contains(':') {
            write!(f, "[{}]:{}", self.host, self.port)
        } else {
            write!(f, "{}:{}", self.host, self.port)
        }
    }
}

/// A port field that does not hold a usable port.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PortError {
    /// Nothing typed.
    #[error("enter a port number")]
    Empty,
    /// Not a whole number, or out of range.
    #[error("port '{text}' is not valid: use {}", port_range(*allow_zero))]
    Invalid {
        /// What was typed.
        text: String,
        /// Whether 0 ("any free port") was allowed.
        allow_zero: bool,
    },
}

/// An address field that does not hold a usable host.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AddressError {
    /// Nothing typed.
    #[error("enter an address")]
    Empty,
    /// Characters no host name or IP literal has.
    #[error("'{text}' is not an IP address or host name")]
    Malformed {
        /// What was typed.
        text: String,
    },
    /// A `host:port` target without a usable port.
    #[error("'{text}' needs a port: write host:port, e.g. 127.0.0.1:8080 or [::1]:8080")]
    MissingPort {
        /// What was typed.
        text: String,
    },
    /// A `host:port` target whose port is bad.
    #[error(transparent)]
    Port(#[from] PortError),
}

/// Parses a port; `allow_zero` where 0 means "any free port" (binding), not where it would
/// mean sending to nowhere.
pub fn parse_port(text: &str, allow_zero: bool) -> Result<u16, PortError> {
    let text = text.trim();
    if text.is_empty() {
        return Err(PortError::Empty);
    }
    match text.parse::<u16>() {
        Ok(0) if !allow_zero => Err(PortError::Invalid {
            text: text.to_owned(),
            allow_zero,
        }),
        Ok(port) => Ok(port),
        Err(_) => Err(PortError::Invalid {
            text: text.to_owned(),
            allow_zero,
        }),
    }
}

fn port_range(allow_zero: bool) -> &'static str {
    if allow_zero {
        "0-65535 (0 = any free port)"
    } else {
        "1-65535"
    }
}

/// Checks a host field: an IPv4 or IPv6 literal (brackets optional; an IPv6 one may name its
/// interface, `fe80::1%eth0` or `fe80::1%3`, as a link-local address must) or a host name.
/// Names are resolved later, by the engine, off the UI thread.
pub fn parse_host(text: &str) -> Result<String, AddressError> {
    let text = text.trim();
    let unbracketed = text
        .strip_prefix('[')
        .and_then(|t| t.strip_suffix(']'))
        .unwrap_or(text);
    if unbracketed.is_empty() {
        return Err(AddressError::Empty);
    }
    if unbracketed.parse::<std::net::IpAddr>().is_ok()
        || is_zoned_ipv6(unbracketed)
        || is_host_name(unbracketed)
    {
        Ok(unbracketed.to_owned())
    } else {
        Err(AddressError::Malformed {
            text: text.to_owned(),
        })
    }
}

/// An IPv6 literal with a zone (RFC 4007): `fe80::1%eth0`, `fe80::1%3`. The system's resolver
/// turns the interface name into its index.
fn is_zoned_ipv6(text: &str) -> bool {
    text.split_once('%').is_some_and(|(address, zone)| {
        address.parse::<std::net::Ipv6Addr>().is_ok()
            && !zone.is_empty()
            && zone.len() <= 64
            && zone
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
    })
}

/// Host names as RFC 1123 allows them: dot-separated labels of letters, digits and hyphens.
/// All-digit names such as `300.1.1.1` are refused, since they can only be a mistyped IPv4.
fn is_host_name(text: &str) -> bool {
    let labels_ok = text.len() <= 253
        && text.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        });
    labels_ok && !text.chars().all(|c| c.is_ascii_digit() || c == '.')
}

/// Parses a `host:port` target such as `127.0.0.1:8080`, `[::1]:8080` or `device.local:502`.
pub fn parse_target(text: &str) -> Result<Endpoint, AddressError> {
    let text = text.trim();
    if text.is_empty() {
        return Err(AddressError::Empty);
    }
    let missing_port = || AddressError::MissingPort {
        text: text.to_owned(),
    };
    let (host, port) = if let Some(rest) = text.strip_prefix('[') {
        let (host, after) = rest.split_once(']').ok_or_else(missing_port)?;
        let port = after.strip_prefix(':').ok_or_else(missing_port)?;
        (host, port)
    } else {
        let (host, port) = text.rsplit_once(':').ok_or_else(missing_port)?;
        if host.contains(':') {
            // A bare IPv6 literal: its colons are not a port separator.
            return Err(missing_port());
        }
        (host, port)
    };
    let host = parse_host(host)?;
    let port = parse_port(port, false)?;
    Ok(Endpoint { host, port })
}
