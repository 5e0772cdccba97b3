//! Find in the log: the next entry whose data holds what was typed, as text in the text view
//! or as bytes in the hex view (`01 03` finds those two bytes), wrapping around at the end.

use memchr::memmem;

use super::{Log, LogBody};
use crate::codec::{InputMode, parse_hex};

impl Log {
    /// Moves to the next entry after the one found last (or from the oldest) whose data holds
    /// `query`, wrapping around; whether one was found. The hex view looks for the bytes
    /// `query` spells in hex, unless it is not hex.
    pub fn find_next(&mut self, query: &str) -> bool {
        let bytes_wanted = match self.layout.view {
            InputMode::Hex => parse_hex(query).ok().filter(|bytes| !bytes.is_empty()),
            InputMode::Text => None,
        };
        let needle = bytes_wanted.as_deref().unwrap_or(query.as_bytes());
        if needle.is_empty() || self.entries.is_empty() {
            self.found = None;
            return false;
        }
        let finder = memmem::Finder::new(needle);
        let matches = |body: &LogBody| match body {
            LogBody::Data { bytes, .. } if bytes_wanted.is_some() => finder.find(bytes).is_some(),
            LogBody::Data { text, .. } => finder.find(text.as_bytes()).is_some(),
            LogBody::Notice(_) => false,
        };
        let count = self.entries.len();
        let start = self.found().map_or(0, |index| index + 1);
        let hit = (0..count)
            .map(|step| (start + step) % count)
            .find(|&index| {
                self.entries
                    .get(index)
                    .is_some_and(|e| !self.hides(e) && matches(&e.body))
            });
        self.found = hit.map(|index| self.dropped + index as u64);
        hit.is_some()
    }

    /// The entry found last, if it is still kept.
    pub fn found(&self) -> Option<usize> {
        let index = usize::try_from(self.found?.checked_sub(self.dropped)?).ok()?;
        (index < self.entries.len()).then_some(index)
    }

    /// The first display row of entry `index` in the current view.
    pub fn first_row(&self, index: usize) -> u64 {
        index
            .checked_sub(1)
            .and_then(|previous| self.row_ends.get(previous))
            .copied()
            .unwrap_or(self.row_base)
            - self.row_base
    }
}

#[cfg(test)]
mod tests {
    use std::net::SocketAddr;

    use super::*;
    use crate::log::{Notice, T0};

    #[test]
    fn finds_text_or_bytes_in_turn_and_wraps_around() {
        let peer = SocketAddr::from(([127, 0, 0, 1], 1));
        let mut log = Log::default();
        log.notice(Notice::PeerJoined(peer), T0);
        log.received(peer, "temp=25\n".into(), T0);
        log.received(
            peer,
            bytes::Bytes::from_static(&[0x01, 0x03, 0x02, 0x00, 0x19]),
            T0,
        );
        log.received(peer, "temp=26\n".into(), T0);

        assert!(log.find_next("temp"));
        assert_eq!(log.found(), Some(1));
        assert_eq!(log.first_row(1), 1, "after the notice's one row");
        assert!(log.find_next("temp"));
        assert_eq!(log.found(), Some(3));
        assert!(log.find_next("temp"), "wraps around");
        assert_eq!(log.found(), Some(1));
        assert!(!log.find_next("humidity"));
        assert_eq!(log.found(), None);

        // The hex view looks for bytes; text that is not hex is still looked for as text.
        log.set_view(InputMode::Hex);
        assert!(log.find_next("03 02"));
        assert_eq!(log.found(), Some(2));
        assert!(log.find_next("temp=26"));
        assert_eq!(log.found(), Some(3));

        log.clear();
        assert_eq!(log.found(), None);
        assert!(!log.find_next("temp"));
    }
}
