//! Auto reply (自动应答): answer what arrives right where it arrives, in the session, so a
//! simulated device answers in microseconds rather than at the window's next frame.
//!
//! Each datagram (UDP) is matched on its own. A TCP connection is a stream: a pattern that
//! arrives split across two reads is found too, in the read that completes it
//! ([`StreamMatcher`]). The session writes the answers before it reads again, as an echo
//! server does, so a peer that does not read its answers slows down instead of answers piling
//! up in memory.

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
    /// How long to wait before answering, as a slow device would (zero: at once). Over TCP
    /// the connection reads nothing more meanwhile, as a device that handles one request at a
    /// time; UDP goes on receiving, and each answer leaves its delay after its datagram.
    pub delay: std::time::Duration,
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

    /// How many of the last bytes of `stream` may be the start of a rule's pattern whose rest
    /// has not come yet: the longest end of `stream` that some pattern begins with (and is
    /// longer than). A relay holds these back so that a request cut across reads is not half
    /// passed on before the read that completes it is answered.
    pub(crate) fn unfinished_match(&self, stream: &[u8]) -> usize {
        self.rules
            .iter()
            .filter_map(|rule| {
                let longest = rule.pattern.len().saturating_sub(1).min(stream.len());
                (1..=longest)
                    .rev()
                    .find(|&len| rule.pattern.get(..len) == stream.get(stream.len() - len..))
            })
            .max()
            .unwrap_or(0)
    }

    /// The longest pattern, in bytes.
    fn longest_pattern(&self) -> usize {
        self.rules
            .iter()
            .map(|rule| rule.pattern.len())
            .max()
            .unwrap_or(0)
    }
}

/// Matches rules across the reads of one TCP connection: the last bytes of the stream are kept
/// (one fewer than the longest pattern), so a pattern split across reads is found in the read
/// that completes it, and one found before is not found again.
#[derive(Debug, Default)]
pub(crate) struct StreamMatcher {
    tail: Vec<u8>,
}

impl StreamMatcher {
    /// What `reply` sends back for the read `received`: the echo first, then the reply of each
    /// rule whose pattern ends in this read (once per read).
    pub(crate) fn replies_to(&mut self, reply: &AutoReply, received: &Bytes) -> Vec<Bytes> {
        let keep = reply.longest_pattern().saturating_sub(1);
        // Where a pattern can start in the tail and end in this read: the tail and the first
        // bytes of the read, a few bytes whatever the read's size.
        let carried = self.tail.len();
        let mut seam = std::mem::take(&mut self.tail);
        seam.extend_from_slice(received.get(..keep.min(received.len())).unwrap_or_default());
        let echo = reply.echo.then(|| received.clone());
        let rules = reply.rules.iter().filter_map(|rule| {
            // A match that ends past the tail starts no earlier than this.
            let from = carried.saturating_sub(rule.pattern.len().saturating_sub(1));
            let across =
                || memmem::find(seam.get(from..).unwrap_or_default(), &rule.pattern).is_some();
            let found = memmem::find(received, &rule.pattern).is_some() || across();
            found.then(|| rule.reply.clone())
        });
        let replies = echo.into_iter().chain(rules).collect();
        // The stream's last `keep` bytes, for the next read.
        self.tail = if received.len() >= keep {
            received
                .get(received.len() - keep..)
                .unwrap_or_default()
                .to_vec()
        } else {
            let from = seam.len().saturating_sub(keep);
            seam.drain(..from);
            seam
        };
        replies
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
            ..AutoReply::default()
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

    proptest::proptest! {
        /// However a stream is cut into reads, a rule answers in exactly the reads in which an
        /// occurrence of its pattern in the whole stream ends.
        #[test]
        fn a_rule_answers_where_a_match_in_the_whole_stream_ends(
            reads in proptest::collection::vec(proptest::collection::vec(0u8..3, 0..8), 0..12),
            pattern in proptest::collection::vec(0u8..3, 1..5),
            other in proptest::collection::vec(0u8..3, 1..3),
        ) {
            let reply = AutoReply {
                echo: false,
                rules: vec![
                    ReplyRule { pattern: Bytes::from(pattern.clone()), reply: Bytes::from_static(b"P") },
                    ReplyRule { pattern: Bytes::from(other), reply: Bytes::from_static(b"O") },
                ],
                ..AutoReply::default()
            };
            let stream: Vec<u8> = reads.concat();
            let ends: Vec<usize> = (pattern.len()..=stream.len())
                .filter(|&end| stream[end - pattern.len()..end] == pattern[..])
                .collect();
            let mut matcher = StreamMatcher::default();
            let mut start = 0;
            for read in &reads {
                let end = start + read.len();
                let expected = ends.iter().any(|&e| e > start && e <= end);
                let got = matcher.replies_to(&reply, &Bytes::from(read.clone()));
                proptest::prop_assert_eq!(got.contains(&Bytes::from_static(b"P")), expected);
                start = end;
            }
        }
    }

    #[test]
    fn the_unfinished_start_of_a_pattern_is_found_at_the_end_of_a_stream() {
        let reply = AutoReply {
            rules: vec![
                ReplyRule {
                    pattern: Bytes::from_static(b"GET TIME\r\n"),
                    reply: Bytes::from_static(b"12:00"),
                },
                ReplyRule {
                    pattern: Bytes::from_static(b"\xAA\x55"),
                    reply: Bytes::from_static(b"ok"),
                },
            ],
            ..AutoReply::default()
        };
        for (stream, held) in [
            (&b"data GET TI"[..], 6),
            (b"data G", 1),
            (b"GET TIME\r", 9),
            // A whole pattern is no unfinished one: auto reply has answered it.
            (b"GET TIME\r\n", 0),
            (b"\x01\x02\xAA", 1),
            (b"\xAA\x55", 0),
            (b"data", 0),
            (b"", 0),
        ] {
            assert_eq!(reply.unfinished_match(stream), held, "{stream:?}");
        }
        let nothing_held = AutoReply {
            echo: true,
            ..AutoReply::default()
        };
        assert_eq!(nothing_held.unfinished_match(b"GET TI"), 0);
    }

    #[test]
    fn a_stream_finds_patterns_split_across_reads_once() {
        let reply = AutoReply {
            echo: false,
            rules: vec![
                ReplyRule {
                    pattern: Bytes::from_static(b"PING"),
                    reply: Bytes::from_static(b"PONG"),
                },
                ReplyRule {
                    pattern: Bytes::from_static(b"AA"),
                    reply: Bytes::from_static(b"2A"),
                },
            ],
            ..AutoReply::default()
        };
        let mut matcher = StreamMatcher::default();
        let mut answers = |read: &'static [u8]| -> Vec<Bytes> {
            matcher.replies_to(&reply, &Bytes::from_static(read))
        };
        assert!(answers(b"xxPI").is_empty());
        assert_eq!(answers(b"NGyy"), ["PONG"], "across two reads");
        assert!(
            answers(b"y").is_empty(),
            "the PING before is not found again"
        );
        assert_eq!(answers(b"PINGPI"), ["PONG"]);
        assert_eq!(answers(b"NG"), ["PONG"], "the second PING ends here");
        for byte in [&b"P"[..], b"I", b"N"] {
            assert!(answers(byte).is_empty());
        }
        assert_eq!(answers(b"G"), ["PONG"], "one byte at a time");
        assert_eq!(answers(b"A"), Vec::<Bytes>::new());
        assert_eq!(answers(b"A"), ["2A"]);
        assert_eq!(answers(b"A"), ["2A"], "a new AA ends in each read");

        // A long read keeps only the few bytes a pattern could need.
        assert!(answers(&[b'z'; 10_000]).is_empty());
        assert_eq!(matcher.tail.len(), 3);

        // Echo and an empty pattern answer every read, once.
        let every = AutoReply {
            echo: true,
            rules: vec![ReplyRule {
                pattern: Bytes::new(),
                reply: Bytes::from_static(b"ACK"),
            }],
            ..AutoReply::default()
        };
        let mut matcher = StreamMatcher::default();
        for read in [&b"one"[..], b"two"] {
            let got = matcher.replies_to(&every, &Bytes::from_static(read));
            assert_eq!(got, [read, b"ACK"]);
        }
    }
}
