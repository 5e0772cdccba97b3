//! Auto reply (自动应答): answer what arrives right where it arrives, in the session, so a
//! simulated device answers in microseconds rather than at the window's next frame.
//!
//! Each read (TCP) or datagram (UDP) is matched on its own, as Packet Sender's smart responses
//! do: a pattern split across two TCP reads is not seen. The session writes the answers before
//! it reads again, as an echo server does, so a peer that does not read its answers slows
//! down instead of answers piling up in memory.

use std::sync::{Arc, Mutex, PoisonError};

use bytes::Bytes;
use memchr::memmem;

/// What to send back when data arrives.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AutoReply {
    /// Send every read or datagram straight back to whoever sent it (an echo server).
    pub echo: bool,
    /// Tried in order on everything that arrives; each rule whose pattern occurs in it sends
    /// its reply once.
    pub rules: Vec<ReplyRule>,
}

/// "When this arrives, answer that."
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReplyRule {
    /// Bytes to look for in what arrived; empty matches everything.
    pub pattern: Bytes,
    /// Bytes to send back.
    pub reply: Bytes,
}

impl AutoReply {
    /// Whether anything would ever be sent.
    pub fn is_active(&self) -> bool {
        self.echo || !self.rules.is_empty()
    }

    /// What to send back for `received`, in order: the echo first, then each matching rule's
    /// reply.
    pub fn replies_to<'a>(&'a self, received: &'a Bytes) -> impl Iterator<Item = Bytes> + 'a {
        let echo = self.echo.then(|| received.clone());
        let rules = self
            .rules
            .iter()
            .filter_map(|rule| memmem::find(received, &rule.pattern).map(|_| rule.reply.clone()));
        echo.into_iter().chain(rules)
    }
}

/// The auto reply in force, shared by the engine (which changes it) and every session (which
/// reads it on each arrival).
#[derive(Debug, Clone, Default)]
pub(crate) struct SharedAutoReply(Arc<Mutex<Arc<AutoReply>>>);

impl SharedAutoReply {
    pub(crate) fn set(&self, reply: AutoReply) {
        *self.0.lock().unwrap_or_else(PoisonError::into_inner) = Arc::new(reply);
    }

    /// The auto reply in force now.
    pub(crate) fn current(&self) -> Arc<AutoReply> {
        Arc::clone(&self.0.lock().unwrap_or_else(PoisonError::into_inner))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn echo_comes_first_then_every_matching_rule_once() {
        let reply = AutoReply {
            echo: true,
            rules: vec![
                ReplyRule {
                    pattern: Bytes::from_static(b"PING"),
                    reply: Bytes::from_static(b"PONG"),
                },
                ReplyRule {
                    pattern: Bytes::from_static(b"\x01\x03"),
                    reply: Bytes::from_static(b"\x01\x03\x02\x00\x2A"),
                },
                ReplyRule {
                    pattern: Bytes::new(),
                    reply: Bytes::from_static(b"ACK"),
                },
            ],
        };
        let got: Vec<Bytes> = reply
            .replies_to(&Bytes::from_static(b"xxPINGyyPING"))
            .collect();
        assert_eq!(got, ["xxPINGyyPING".as_bytes(), b"PONG", b"ACK"]);
        let modbus = Bytes::from_static(&[0x01, 0x03, 0x00, 0x00, 0x00, 0x01]);
        let got: Vec<Bytes> = AutoReply {
            echo: false,
            ..reply
        }
        .replies_to(&modbus)
        .collect();
        assert_eq!(got, [&[0x01, 0x03, 0x02, 0x00, 0x2A][..], b"ACK"]);
        assert!(!AutoReply::default().is_active());
    }
}
