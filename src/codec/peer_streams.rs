//! One stream decoder per peer, for the save-to-file writer, which writes what many peers send
//! as text. (The log keeps only where each peer's stream stands, and decodes when it draws.)

use std::collections::HashMap;
use std::net::SocketAddr;

use super::{StreamDecoder, TextEncoding};

/// Peers whose decoders are kept before the least recently heard half is forgotten. Far above
/// the clients a TCP server holds at once (those are forgotten as they leave); reached by a
/// UDP socket that hears from ever new source ports, which would otherwise grow it for as
/// long as the session is open.
pub const MAX_PEER_STREAMS: usize = 16_384;

/// Each peer's received stream, decoded so that a character split across two reads shows
/// whole. Bounded by [`MAX_PEER_STREAMS`]: a forgotten peer's next bytes start a fresh
/// stream, which costs at most a character that was split right there.
#[derive(Debug)]
pub struct PeerStreams {
    encoding: TextEncoding,
    /// Each peer's decoder and when it was last used, on `clock`.
    streams: HashMap<SocketAddr, (StreamDecoder, u64)>,
    /// Counts decodes, to tell which peers were heard from least recently.
    clock: u64,
}

impl PeerStreams {
    /// No streams yet, decoding `encoding`.
    pub fn new(encoding: TextEncoding) -> Self {
        Self {
            encoding,
            streams: HashMap::new(),
            clock: 0,
        }
    }

    /// The encoding the streams are decoded as.
    pub fn encoding(&self) -> TextEncoding {
        self.encoding
    }

    /// Appends to `out` the text of `bytes`, the next part of `peer`'s stream.
    pub fn decode_into(&mut self, peer: SocketAddr, bytes: &[u8], out: &mut String) {
        if self.streams.len() >= MAX_PEER_STREAMS && !self.streams.contains_key(&peer) {
            self.forget_least_recent();
        }
        self.clock += 1;
        let fresh = || (StreamDecoder::new(self.encoding), 0);
        let (decoder, used) = self.streams.entry(peer).or_insert_with(fresh);
        *used = self.clock;
        decoder.decode_into(bytes, out);
    }

    /// Forgets `peer`'s stream (it is gone); what it held back of a character is dropped.
    pub fn remove(&mut self, peer: SocketAddr) {
        self.streams.remove(&peer);
    }

    /// Forgets every stream.
    pub fn clear(&mut self) {
        self.streams.clear();
    }

    /// Peers with a stream kept.
    pub fn len(&self) -> usize {
        self.streams.len()
    }

    /// Whether no stream is kept.
    pub fn is_empty(&self) -> bool {
        self.streams.is_empty()
    }

    /// Keeps the more recently heard half: once per [`MAX_PEER_STREAMS`] / 2 new peers, so
    /// each new peer costs a constant share of it.
    fn forget_least_recent(&mut self) {
        let mut times: Vec<u64> = self.streams.values().map(|(_, used)| *used).collect();
        let middle = times.len() / 2;
        let (_, &mut cut, _) = times.select_nth_unstable(middle);
        self.streams.retain(|_, (_, used)| *used >= cut);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn peer(n: usize) -> SocketAddr {
        let [_, a, b, c] = u32::try_from(n).unwrap().to_be_bytes();
        SocketAddr::from(([10, a, b, c], 9))
    }

    #[test]
    fn streams_continue_per_peer_and_ever_new_peers_stay_bounded() {
        let mut streams = PeerStreams::new(TextEncoding::Gbk);
        let mut out = String::new();
        // A character split across two reads shows whole, each peer on its own.
        streams.decode_into(peer(0), &[0xC4], &mut out);
        streams.decode_into(peer(1), &[0xBA], &mut out);
        streams.decode_into(peer(0), &[0xE3], &mut out);
        streams.decode_into(peer(1), &[0xC3], &mut out);
        assert_eq!(out, "你好");

        // Peer 0 goes on talking while a hundred thousand others are heard from once each:
        // the map stays bounded and peer 0's stream, mid-character each time, survives.
        streams.decode_into(peer(0), &[0xC4], &mut out);
        for n in 2..100_000 {
            streams.decode_into(peer(n), b"x", &mut out);
            assert!(streams.len() <= MAX_PEER_STREAMS);
            if n % 1000 == 0 {
                out.clear();
                streams.decode_into(peer(0), &[0xE3, 0xC4], &mut out);
                assert_eq!(out, "你", "at {n}");
            }
        }
        assert!(streams.len() >= MAX_PEER_STREAMS / 2);
        streams.remove(peer(0));
        streams.clear();
        assert!(streams.is_empty());
    }
}
