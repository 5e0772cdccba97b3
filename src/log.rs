//! The data log: what arrived and what was sent, and what happened to the session.

use std::collections::HashMap;
use std::net::SocketAddr;

use chrono::NaiveTime;

use crate::codec::{StreamDecoder, TextEncoding};

/// Which way data went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// Received from the peer.
    Rx,
    /// Sent to the peer.
    Tx,
}

/// A lifecycle event worth its own line, so a class can see what TCP and UDP do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Notice {
    /// A TCP server is listening.
    Listening(SocketAddr),
    /// A UDP socket is bound.
    Bound(SocketAddr),
    /// A TCP client is connecting.
    Connecting(SocketAddr),
    /// A TCP client connected.
    Connected {
        /// Our end.
        local: SocketAddr,
        /// Their end.
        remote: SocketAddr,
    },
    /// A client joined our server.
    PeerJoined(SocketAddr),
    /// A client left our server, and why.
    PeerLeft(SocketAddr, String),
    /// The session ended, and why.
    Closed(String),
    /// Something failed.
    Error(String),
}

impl Notice {
    /// Whether the line reports a failure.
    pub fn is_error(&self) -> bool {
        matches!(self, Self::Error(_))
    }
}

/// What one log line holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LogBody {
    /// Bytes that went over the wire.
    Data {
        /// Received or sent.
        direction: Direction,
        /// The other end.
        peer: SocketAddr,
        /// Exactly the bytes.
        bytes: Vec<u8>,
        /// The bytes decoded with the log's encoding, computed once when they arrive.
        text: String,
    },
    /// A lifecycle event.
    Notice(Notice),
}

/// One line of the log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogEntry {
    /// Local time it happened.
    pub time: NaiveTime,
    /// What happened.
    pub body: LogBody,
}

/// The log, with one streaming decoder per peer so a character split across reads shows whole.
#[derive(Debug, Default)]
pub struct Log {
    entries: Vec<LogEntry>,
    encoding: TextEncoding,
    decoders: HashMap<SocketAddr, StreamDecoder>,
}

impl Log {
    /// Every line, oldest first.
    pub fn entries(&self) -> &[LogEntry] {
        &self.entries
    }

    /// The encoding received text is decoded with.
    pub fn encoding(&self) -> TextEncoding {
        self.encoding
    }

    /// Adds a lifecycle line.
    pub fn notice(&mut self, notice: Notice) {
        self.push(LogBody::Notice(notice));
    }

    /// Adds received bytes, decoded as a continuation of what this peer sent before.
    pub fn received(&mut self, peer: SocketAddr, bytes: Vec<u8>) {
        let encoding = self.encoding;
        let text = self
            .decoders
            .entry(peer)
            .or_insert_with(|| StreamDecoder::new(encoding))
            .decode(&bytes);
        let text = printable(&text);
        self.push(LogBody::Data {
            direction: Direction::Rx,
            peer,
            bytes,
            text,
        });
    }

    /// Adds sent bytes; each send is a whole message, decoded on its own.
    pub fn sent(&mut self, peer: SocketAddr, bytes: Vec<u8>) {
        let text = printable(&self.encoding.decode_whole(&bytes));
        self.push(LogBody::Data {
            direction: Direction::Tx,
            peer,
            bytes,
            text,
        });
    }

    /// Forgets a peer's pending partial character (the peer is gone).
    pub fn peer_gone(&mut self, peer: SocketAddr) {
        self.decoders.remove(&peer);
    }

    /// Removes every line.
    pub fn clear(&mut self) {
        self.entries.clear();
        self.decoders.clear();
    }

    /// Switches the decoding and decodes every line again, once, replaying each peer's stream.
    pub fn set_encoding(&mut self, encoding: TextEncoding) {
        if encoding == self.encoding {
            return;
        }
        self.encoding = encoding;
        self.decoders.clear();
        for entry in &mut self.entries {
            if let LogBody::Data {
                direction,
                peer,
                bytes,
                text,
            } = &mut entry.body
            {
                *text = printable(&match direction {
                    Direction::Rx => self
                        .decoders
                        .entry(*peer)
                        .or_insert_with(|| StreamDecoder::new(encoding))
                        .decode(bytes),
                    Direction::Tx => encoding.decode_whole(bytes),
                });
            }
        }
    }

    fn push(&mut self, body: LogBody) {
        self.entries.push(LogEntry {
            time: chrono::Local::now().time(),
            body,
        });
    }
}

/// Text as the log draws it: line breaks kept (CR dropped, so CRLF and LF look alike), other
/// control characters shown as `·`, since they have no glyph and would otherwise vanish. The
/// hex view always shows the exact bytes.
fn printable(text: &str) -> String {
    text.chars()
        .filter(|&c| c != '\r')
        .map(|c| {
            if c.is_control() && c != '\n' && c != '\t' {
                '·'
            } else {
                c
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::printable;

    #[test]
    fn control_characters_become_visible_and_line_breaks_stay() {
        assert_eq!(printable("a\r\nb\x00\x07\tc\u{7f}"), "a\nb··\tc·");
    }
}
