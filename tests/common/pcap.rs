//! Reads back a packet capture NetDebug saved (raw IP packets, as Wireshark would read
//! them), checking every checksum on the way.

use std::net::{IpAddr, SocketAddr};

use etherparse::{NetHeaders, PacketHeaders, TransportHeader};
use pcap_file::DataLink;
use pcap_file::pcap::PcapReader;

/// One TCP segment of a capture.
#[derive(Debug)]
pub struct Segment {
    pub from: SocketAddr,
    pub to: SocketAddr,
    pub seq: u32,
    pub ack: u32,
    /// "SYN", "SYN ACK", "ACK", "ACK PSH" (data), "FIN ACK".
    pub flags: String,
    pub payload: Vec<u8>,
}

/// One UDP datagram of a capture.
#[derive(Debug)]
pub struct Datagram {
    pub from: SocketAddr,
    pub to: SocketAddr,
    pub payload: Vec<u8>,
}

/// Every packet of `capture`: its IP addresses, transport header and payload. Panics on a
/// capture that is not raw IP or a checksum that is wrong.
fn packets(capture: &[u8]) -> Vec<(IpAddr, IpAddr, TransportHeader, Vec<u8>)> {
    let mut reader = PcapReader::new(capture).unwrap();
    assert_eq!(reader.header().datalink, DataLink::RAW);
    let mut packets = Vec::new();
    while let Some(packet) = reader.next_packet() {
        let packet = packet.unwrap();
        assert_eq!(packet.orig_len as usize, packet.data.len());
        let headers = PacketHeaders::from_ip_slice(&packet.data).unwrap();
        let payload = headers.payload.slice().to_vec();
        let transport = headers.transport.unwrap();
        let (from, to, checksum_ok) = match (headers.net.unwrap(), &transport) {
            (NetHeaders::Ipv4(ip, _), TransportHeader::Tcp(tcp)) => (
                IpAddr::from(ip.source),
                IpAddr::from(ip.destination),
                tcp.calc_checksum_ipv4(&ip, &payload).unwrap() == tcp.checksum,
            ),
            (NetHeaders::Ipv6(ip, _), TransportHeader::Tcp(tcp)) => (
                IpAddr::from(ip.source),
                IpAddr::from(ip.destination),
                tcp.calc_checksum_ipv6(&ip, &payload).unwrap() == tcp.checksum,
            ),
            (NetHeaders::Ipv4(ip, _), TransportHeader::Udp(udp)) => (
                IpAddr::from(ip.source),
                IpAddr::from(ip.destination),
                udp.calc_checksum_ipv4(&ip, &payload).unwrap() == udp.checksum,
            ),
            (NetHeaders::Ipv6(ip, _), TransportHeader::Udp(udp)) => (
                IpAddr::from(ip.source),
                IpAddr::from(ip.destination),
                udp.calc_checksum_ipv6(&ip, &payload).unwrap() == udp.checksum,
            ),
            other => panic!("not TCP or UDP over IP: {other:?}"),
        };
        assert!(checksum_ok, "a wrong checksum from {from} to {to}");
        packets.push((from, to, transport, payload));
    }
    packets
}

/// The TCP segments of `capture`, in order.
pub fn tcp_segments(capture: &[u8]) -> Vec<Segment> {
    packets(capture)
        .into_iter()
        .map(|(from, to, transport, payload)| {
            let TransportHeader::Tcp(tcp) = transport else {
                panic!("a UDP packet in a TCP capture");
            };
            let flags = [
                (tcp.syn, "SYN"),
                (tcp.fin, "FIN"),
                (tcp.ack, "ACK"),
                (tcp.psh, "PSH"),
            ]
            .into_iter()
            .filter_map(|(set, name)| set.then_some(name))
            .collect::<Vec<_>>()
            .join(" ");
            Segment {
                from: SocketAddr::new(from, tcp.source_port),
                to: SocketAddr::new(to, tcp.destination_port),
                seq: tcp.sequence_number,
                ack: tcp.acknowledgment_number,
                flags,
                payload,
            }
        })
        .collect()
}

/// The UDP datagrams of `capture`, in order.
pub fn udp_datagrams(capture: &[u8]) -> Vec<Datagram> {
    packets(capture)
        .into_iter()
        .map(|(from, to, transport, payload)| {
            let TransportHeader::Udp(udp) = transport else {
                panic!("a TCP packet in a UDP capture");
            };
            Datagram {
                from: SocketAddr::new(from, udp.source_port),
                to: SocketAddr::new(to, udp.destination_port),
                payload,
            }
        })
        .collect()
}
