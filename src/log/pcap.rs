//! Save log as a packet capture (`.pcap`) for Wireshark: each data entry becomes the IP
//! packets that carried it between the session's local end and the entry's peer, at the time
//! it was logged, so Wireshark's dissectors (Modbus/TCP, MQTT, HTTP…) read the conversation.
//! A TCP connection opens with a handshake and ends with FINs made up from the log's
//! lifecycle lines, so Wireshark follows each stream from its start.

use std::collections::HashMap;
use std::io::{self, Write};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::time::Duration;

use chrono::{Local, NaiveDate, TimeZone};
use etherparse::PacketBuilder;
use pcap_file::DataLink;
use pcap_file::pcap::{PcapHeader, PcapPacket, PcapWriter};

use super::{Direction, LogBody, LogEntry, Notice};
use crate::log::Store;

/// The largest TCP payload an IPv4 packet carries (65,535 less the IP and TCP headers); a
/// longer entry goes in several segments.
const TCP_SEGMENT: usize = 65_495;
/// The largest UDP payload of an IPv4 packet.
const UDP_DATAGRAM: usize = 65_507;
/// Initial sequence numbers of the made-up handshake (Wireshark shows them as relative 0).
const LOCAL_ISN: u32 = 0x1000_0000;
const PEER_ISN: u32 = 0x2000_0000;

/// What a capture needs that the log may no longer hold (its first lines gone to the log's
/// budget): whether the session speaks TCP, and its local end when it has one. The log's own
/// lifecycle lines (listening, bound, connected) take over where they are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Wire {
    /// TCP (server, client, relay) rather than UDP.
    pub tcp: bool,
    /// The session's own address, if known.
    pub local: Option<SocketAddr>,
}

/// One TCP connection's next sequence number each way.
struct Connection {
    local_next: u32,
    peer_next: u32,
}

/// Writes the packets of `log`'s data, as the window shows it (without what a filter hides);
/// returns how many packets went in.
pub(super) fn write_pcap(log: &Store, wire: Wire, out: impl Write) -> io::Result<u64> {
    let header = PcapHeader {
        datalink: DataLink::RAW,
        ..PcapHeader::default()
    };
    let writer = PcapWriter::with_header(out, header).map_err(io::Error::other)?;
    let mut capture = Capture {
        writer,
        wire,
        we_connect: false,
        connections: HashMap::new(),
        packets: 0,
    };
    let mut day = log.dropped_day();
    for entry in log.entries().iter().filter(|entry| !log.hides(entry)) {
        if let LogBody::Notice(Notice::Date(date)) = &entry.body {
            day = Some(*date);
        }
        let at = timestamp(day, entry);
        match &entry.body {
            LogBody::Notice(notice) => capture.notice(notice, at)?,
            LogBody::Data {
                direction,
                peer,
                bytes,
                ..
            } => capture.data(*direction, *peer, bytes, at)?,
        }
    }
    Ok(capture.packets)
}

/// The capture being written, and what it knows of the session so far.
struct Capture<W: Write> {
    writer: PcapWriter<W>,
    wire: Wire,
    /// The session connected out (a TCP client), rather than being connected to.
    we_connect: bool,
    connections: HashMap<SocketAddr, Connection>,
    packets: u64,
}

impl<W: Write> Capture<W> {
    fn notice(&mut self, notice: &Notice, at: Duration) -> io::Result<()> {
        match *notice {
            // A log goes on across Opens, whose mode may change: each says it afresh.
            Notice::Listening(local) => {
                self.wire = Wire {
                    tcp: true,
                    local: Some(local),
                };
                self.we_connect = false;
            }
            Notice::Bound(local, _) => {
                self.wire = Wire {
                    tcp: false,
                    local: Some(local),
                };
                self.we_connect = false;
            }
            Notice::Connected { local, remote } => {
                self.wire = Wire {
                    tcp: true,
                    local: Some(local),
                };
                self.we_connect = true;
                self.open(remote, at)?;
            }
            Notice::PeerJoined(peer) if self.wire.tcp => self.open(peer, at)?,
            Notice::PeerLeft(peer, _) => self.close(peer, at)?,
            Notice::Closed(_) => {
                let open: Vec<SocketAddr> = self.connections.keys().copied().collect();
                for peer in open {
                    self.close(peer, at)?;
                }
            }
            _ => {}
        }
        Ok(())
    }

    fn data(
        &mut self,
        direction: Direction,
        peer: SocketAddr,
        bytes: &[u8],
        at: Duration,
    ) -> io::Result<()> {
        let rx = direction == Direction::Rx;
        if !self.wire.tcp {
            for datagram in chunks(bytes, UDP_DATAGRAM) {
                let (from, to) = self.ends(peer, rx);
                let builder = packet(from, to).udp(from.port(), to.port());
                let mut packet = Vec::with_capacity(builder.size(datagram.len()));
                builder
                    .write(&mut packet, datagram)
                    .map_err(io::Error::other)?;
                self.write(&packet, at)?;
            }
            return Ok(());
        }
        if !self.connections.contains_key(&peer) {
            self.open(peer, at)?;
        }
        for segment in chunks(bytes, TCP_SEGMENT) {
            let Some(connection) = self.connections.get_mut(&peer) else {
                break;
            };
            let (seq, ack) = if rx {
                (connection.peer_next, connection.local_next)
            } else {
                (connection.local_next, connection.peer_next)
            };
            let len = u32::try_from(segment.len()).unwrap_or(u32::MAX);
            if rx {
                connection.peer_next = seq.wrapping_add(len);
            } else {
                connection.local_next = seq.wrapping_add(len);
            }
            self.segment(peer, rx, (seq, ack), Flags::Data, segment, at)?;
        }
        Ok(())
    }

    /// A TCP connection with `peer` begins: the three-way handshake, from whoever connected.
    fn open(&mut self, peer: SocketAddr, at: Duration) -> io::Result<()> {
        if !self.wire.tcp || self.connections.contains_key(&peer) {
            return Ok(());
        }
        let (from_peer, isn_first, isn_second) = if self.we_connect {
            (false, LOCAL_ISN, PEER_ISN)
        } else {
            (true, PEER_ISN, LOCAL_ISN)
        };
        self.segment(peer, from_peer, (isn_first, 0), Flags::Syn, &[], at)?;
        let acked = isn_first.wrapping_add(1);
        let both = (isn_second, acked);
        self.segment(peer, !from_peer, both, Flags::SynAck, &[], at)?;
        let third = (acked, isn_second.wrapping_add(1));
        self.segment(peer, from_peer, third, Flags::Ack, &[], at)?;
        self.connections.insert(
            peer,
            Connection {
                local_next: LOCAL_ISN.wrapping_add(1),
                peer_next: PEER_ISN.wrapping_add(1),
            },
        );
        Ok(())
    }

    /// A TCP connection with `peer` ended: a FIN each way and the last ACK.
    fn close(&mut self, peer: SocketAddr, at: Duration) -> io::Result<()> {
        let Some(Connection {
            local_next,
            peer_next,
        }) = self.connections.remove(&peer)
        else {
            return Ok(());
        };
        self.segment(peer, true, (peer_next, local_next), Flags::Fin, &[], at)?;
        let peer_fin_acked = peer_next.wrapping_add(1);
        self.segment(
            peer,
            false,
            (local_next, peer_fin_acked),
            Flags::Fin,
            &[],
            at,
        )?;
        let local_fin_acked = local_next.wrapping_add(1);
        self.segment(
            peer,
            true,
            (peer_fin_acked, local_fin_acked),
            Flags::Ack,
            &[],
            at,
        )
    }

    /// One TCP segment between `peer` and the local end, sent by the peer when `rx`.
    fn segment(
        &mut self,
        peer: SocketAddr,
        rx: bool,
        (seq, ack): (u32, u32),
        flags: Flags,
        payload: &[u8],
        at: Duration,
    ) -> io::Result<()> {
        let (from, to) = self.ends(peer, rx);
        let builder = packet(from, to).tcp(from.port(), to.port(), seq, u16::MAX);
        let builder = match flags {
            Flags::Syn => builder.syn(),
            Flags::SynAck => builder.syn().ack(ack),
            Flags::Ack => builder.ack(ack),
            Flags::Data => builder.ack(ack).psh(),
            Flags::Fin => builder.fin().ack(ack),
        };
        let mut packet = Vec::with_capacity(builder.size(payload.len()));
        builder
            .write(&mut packet, payload)
            .map_err(io::Error::other)?;
        self.write(&packet, at)
    }

    /// Source and destination of a packet between `peer` and the local end.
    fn ends(&self, peer: SocketAddr, rx: bool) -> (SocketAddr, SocketAddr) {
        let local = local_end(self.wire.local, peer);
        if rx { (peer, local) } else { (local, peer) }
    }

    fn write(&mut self, packet: &[u8], at: Duration) -> io::Result<()> {
        let len = u32::try_from(packet.len()).unwrap_or(u32::MAX);
        self.writer
            .write_packet(&PcapPacket::new(at, len, packet))
            .map_err(io::Error::other)?;
        self.packets += 1;
        Ok(())
    }
}

/// Which TCP flags a made-up segment carries.
#[derive(Debug, Clone, Copy)]
enum Flags {
    Syn,
    SynAck,
    Ack,
    Data,
    Fin,
}

/// The IP header of a packet `from` → `to`, which are of one family (see [`local_end`]).
fn packet(
    from: SocketAddr,
    to: SocketAddr,
) -> etherparse::PacketBuilderStep<etherparse::IpHeaders> {
    match (from.ip(), to.ip()) {
        (IpAddr::V4(from), IpAddr::V4(to)) => PacketBuilder::ipv4(from.octets(), to.octets(), 64),
        (from, to) => PacketBuilder::ipv6(v6(from).octets(), v6(to).octets(), 64),
    }
}

fn v6(ip: IpAddr) -> Ipv6Addr {
    match ip {
        IpAddr::V4(ip) => ip.to_ipv6_mapped(),
        IpAddr::V6(ip) => ip,
    }
}

/// The session's end of a packet with `peer`, in the peer's family (a socket bound to `::`
/// hears IPv4 peers too): the local address when known, else the unspecified one.
fn local_end(local: Option<SocketAddr>, peer: SocketAddr) -> SocketAddr {
    let port = local.map_or(0, |local| local.port());
    let ip = match (local.map(|local| local.ip()), peer.ip()) {
        (Some(IpAddr::V4(ip)), IpAddr::V4(_)) => IpAddr::V4(ip),
        (Some(IpAddr::V6(ip)), IpAddr::V6(_)) => IpAddr::V6(ip),
        (Some(IpAddr::V6(ip)), IpAddr::V4(_)) => {
            IpAddr::V4(ip.to_ipv4_mapped().unwrap_or(Ipv4Addr::UNSPECIFIED))
        }
        (_, IpAddr::V4(_)) => IpAddr::V4(Ipv4Addr::UNSPECIFIED),
        (_, IpAddr::V6(_)) => IpAddr::V6(Ipv6Addr::UNSPECIFIED),
    };
    SocketAddr::new(ip, port)
}

/// `bytes` in pieces of at most `size`; an empty entry is one empty piece.
fn chunks(bytes: &[u8], size: usize) -> impl Iterator<Item = &[u8]> {
    let empty: &[u8] = &[];
    let whole = bytes.is_empty().then_some(empty);
    whole.into_iter().chain(bytes.chunks(size))
}

/// When `entry` was logged, since the Unix epoch: its time on `day` (today when the log has
/// no date line left), in local time as the log shows it.
fn timestamp(day: Option<NaiveDate>, entry: &LogEntry) -> Duration {
    let day = day.unwrap_or_else(|| Local::now().date_naive());
    Local
        .from_local_datetime(&day.and_time(entry.time))
        .earliest()
        .and_then(|time| {
            let micros = time.timestamp_micros();
            u64::try_from(micros).ok()
        })
        .map_or(Duration::ZERO, Duration::from_micros)
}
