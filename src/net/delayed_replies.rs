//! UDP answers waiting out auto reply's delay (延时应答). UDP goes on reading meanwhile, so
//! a device that floods a socket set to answer late would pile answers up in memory; past a
//! limit they are dropped, as a real slow device's full buffer would, and the log says so.

use std::collections::VecDeque;
use std::net::SocketAddr;

use bytes::Bytes;
use tokio::time::Instant;

use super::NetError;

/// Memory that answers may take while they wait (16 MiB): their bytes, and the room each
/// takes in the queue (a 56-byte answer takes about twice that).
pub const DELAYED_REPLY_LIMIT: usize = 16 << 20;

/// Answers in the order their datagrams came, each batch with the time it is due.
#[derive(Debug, Default)]
pub(super) struct DelayedReplies {
    queue: VecDeque<(Instant, Vec<(SocketAddr, Bytes)>)>,
    /// What the answers in `queue` take, by [`cost`].
    bytes: usize,
    /// Answers dropped since the queue last ran empty.
    dropped: u64,
}

impl DelayedReplies {
    /// Queues `replies`, due at `due`; if they do not fit under [`DELAYED_REPLY_LIMIT`] they
    /// are dropped, and the first drop since the queue last ran empty is returned for the log.
    pub(super) fn push(
        &mut self,
        due: Instant,
        replies: Vec<(SocketAddr, Bytes)>,
    ) -> Option<NetError> {
        let len = cost(&replies);
        if self.bytes + len <= DELAYED_REPLY_LIMIT {
            self.bytes += len;
            self.queue.push_back((due, replies));
            return None;
        }
        let first = self.dropped == 0;
        let count = replies.len() as u64;
        self.dropped += count;
        first.then_some(NetError::RepliesDropped {
            count,
            limit: DELAYED_REPLY_LIMIT,
        })
    }

    /// When the oldest waiting batch is due.
    pub(super) fn next_due(&self) -> Option<Instant> {
        self.queue.front().map(|(due, _)| *due)
    }

    /// Takes the oldest batch; once the queue runs empty after drops, also how many answers
    /// were dropped in all, for the log.
    pub(super) fn pop(&mut self) -> (Vec<(SocketAddr, Bytes)>, Option<NetError>) {
        let Some((_, replies)) = self.queue.pop_front() else {
            return (Vec::new(), None);
        };
        self.bytes -= cost(&replies);
        let total = if self.queue.is_empty() && self.dropped > 0 {
            Some(NetError::RepliesDropped {
                count: std::mem::take(&mut self.dropped),
                limit: DELAYED_REPLY_LIMIT,
            })
        } else {
            None
        };
        (replies, total)
    }
}

/// The memory `replies` take while they wait.
fn cost(replies: &[(SocketAddr, Bytes)]) -> usize {
    replies
        .iter()
        .map(|(_, bytes)| bytes.len() + size_of::<(SocketAddr, Bytes)>())
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_past_the_limit_are_dropped_and_counted_once_each_way() {
        let peer = SocketAddr::from(([127, 0, 0, 1], 9));
        let now = Instant::now();
        let batch = |n: usize| vec![(peer, Bytes::from(vec![0; 1 << 20])); n];
        let mut waiting = DelayedReplies::default();
        assert!(waiting.push(now, batch(10)).is_none());
        assert!(waiting.push(now, batch(5)).is_none());
        // Full: dropped, said once, then silently.
        let first = waiting.push(now, batch(3));
        assert!(matches!(
            first,
            Some(NetError::RepliesDropped { count: 3, .. })
        ));
        assert!(waiting.push(now, batch(2)).is_none());
        assert_eq!(waiting.next_due(), Some(now));
        let (replies, total) = waiting.pop();
        assert_eq!((replies.len(), total.is_none()), (10, true));
        // Room again.
        assert!(waiting.push(now, batch(4)).is_none());
        let (replies, total) = waiting.pop();
        assert_eq!((replies.len(), total.is_none()), (5, true));
        // Run empty: the total dropped is told.
        let (replies, total) = waiting.pop();
        assert_eq!(replies.len(), 4);
        assert!(matches!(
            total,
            Some(NetError::RepliesDropped { count: 5, .. })
        ));
        assert_eq!(waiting.next_due(), None);
    }
}
