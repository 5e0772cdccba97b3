//! The addresses a local socket can bind: the wildcards, loopback, and this machine's own.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// `0.0.0.0`, `::`, `127.0.0.1`, `::1`, then every interface address (IPv4 first), without
/// repeats.
pub fn local_addresses() -> Vec<IpAddr> {
    let mut addresses = vec![
        IpAddr::V4(Ipv4Addr::UNSPECIFIED),
        IpAddr::V6(Ipv6Addr::UNSPECIFIED),
        IpAddr::V4(Ipv4Addr::LOCALHOST),
        IpAddr::V6(Ipv6Addr::LOCALHOST),
    ];
    let mut found: Vec<IpAddr> = if_addrs::get_if_addrs()
        .map(|interfaces| interfaces.into_iter().map(|i| i.ip()).collect())
        .unwrap_or_default();
    found.sort_by_key(IpAddr::is_ipv6);
    for address in found {
        if !addresses.contains(&address) {
            addresses.push(address);
        }
    }
    addresses
}

/// The index of the interface that has `address`, if any (0, "any", for the unspecified one).
pub(crate) fn index_of(address: IpAddr) -> Option<u32> {
    if address.is_unspecified() {
        return Some(0);
    }
    if_addrs::get_if_addrs()
        .ok()?
        .into_iter()
        .find(|interface| interface.ip() == address)
        .and_then(|interface| interface.index)
}
