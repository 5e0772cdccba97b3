//! Find in the log: the next entry whose data holds what was typed, as text in the text view
//! or as bytes in the hex view (`01 03` finds those two bytes), wrapping around at the end.

use aho_corasick::AhoCorasick;
use memchr::memmem;

use super::{LogBody, LogEntry, Store};
use crate::codec::{InputMode, parse_hex};

/// Where the entry Find found last stands among all the entries that match: "3 of 41".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FindTally {
    /// Its place among the matches, from 1.
    pub position: usize,
    /// How many entries match.
    pub total: usize,
}

/// What Find looks for, as the view reads the log.
pub(crate) enum Matcher {
    /// Bytes, exactly (the hex view, with a query that is hex).
    Bytes(memmem::Finder<'static>),
    /// Text with no letters that have a case (digits, Chinese…): exactly.
    Exact(memmem::Finder<'static>),
    /// ASCII text: upper and lower case alike, without lowering each entry.
    Ascii(AhoCorasick),
    /// Other text with cased letters: compared in lower case.
    Folded(String),
}

impl Matcher {
    /// The matcher for `query` in `view`; `None` for an empty query.
    fn new(query: &str, view: InputMode) -> Option<Self> {
        if query.is_empty() {
            return None;
        }
        if view == InputMode::Hex
            && let Ok(bytes) = parse_hex(query)
            && !bytes.is_empty()
        {
            return Some(Self::Bytes(memmem::Finder::new(&bytes).into_owned()));
        }
        let lower = query.to_lowercase();
        if lower == query && query.to_uppercase() == query {
            return Some(Self::Exact(memmem::Finder::new(query).into_owned()));
        }
        if query.is_ascii() {
            let ascii = AhoCorasick::builder()
                .ascii_case_insensitive(true)
                .build([query])
                .ok()?;
            return Some(Self::Ascii(ascii));
        }
        Some(Self::Folded(lower))
    }

    /// The matcher for `query` in text, any case; `None` for an empty query.
    pub(crate) fn for_text(query: &str) -> Option<Self> {
        Self::new(query, InputMode::Text)
    }

    /// Whether `entry`, kept in `store`, holds the query; its text is decoded to look.
    fn matches(&self, store: &Store, entry: &LogEntry) -> bool {
        match (self, &entry.body) {
            (Self::Bytes(finder), LogBody::Data { bytes, .. }) => finder.find(bytes).is_some(),
            (_, LogBody::Data { .. }) => self.matches_text(&store.text(entry)),
            (_, LogBody::Notice(_)) => false,
        }
    }

    /// Whether `text` holds the query (a byte query looks for its bytes in the text).
    pub(crate) fn matches_text(&self, text: &str) -> bool {
        match self {
            Self::Bytes(finder) | Self::Exact(finder) => finder.find(text.as_bytes()).is_some(),
            Self::Ascii(ascii) => ascii.is_match(text),
            Self::Folded(lower) => text.to_lowercase().contains(lower.as_str()),
        }
    }
}

impl Store {
    /// Moves to the next entry after the one found last (or from the oldest) whose data holds
    /// `query`, wrapping around; where it stands among all the shown entries that match, or
    /// `None` if none does. Text is found in upper and lower case alike; the hex view looks
    /// for the bytes `query` spells in hex, unless it is not hex. One pass over the log, so
    /// it is asked for when Find moves, not every frame.
    pub fn find_next(&mut self, query: &str) -> Option<FindTally> {
        // The entry found is scrolled to: every entry needs its rows.
        self.measure_all();
        let found = self.next_match(query);
        self.found = found.map(|(index, _)| self.dropped + index as u64);
        found.map(|(_, tally)| tally)
    }

    /// The entry [`Store::find_next`] moves to, and its tally.
    fn next_match(&self, query: &str) -> Option<(usize, FindTally)> {
        let matcher = Matcher::new(query, self.layout.view)?;
        let start = self.found().map_or(0, |index| index + 1);
        // The first match from `start` on, else the first from the top (round again).
        let mut after_start = None;
        let mut first = None;
        let mut total = 0;
        for (index, entry) in self.entries.iter().enumerate() {
            if self.found_by(&matcher, entry) {
                total += 1;
                first.get_or_insert((index, total));
                if index >= start && after_start.is_none() {
                    after_start = Some((index, total));
                }
            }
        }
        let (index, position) = after_start.or(first)?;
        Some((index, FindTally { position, total }))
    }

    fn found_by(&self, matcher: &Matcher, entry: &LogEntry) -> bool {
        !self.hides(entry) && matcher.matches(self, entry)
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
    use crate::log::Log;
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

        assert!(log.store_mut().find_next("temp").is_some());
        assert_eq!(log.store().found(), Some(1));
        assert_eq!(log.store().first_row(1), 1, "after the notice's one row");
        assert!(log.store_mut().find_next("temp").is_some());
        assert_eq!(log.store().found(), Some(3));
        assert!(log.store_mut().find_next("temp").is_some(), "wraps around");
        assert_eq!(log.store().found(), Some(1));
        assert!(log.store_mut().find_next("humidity").is_none());
        assert_eq!(log.store().found(), None);

        // The hex view looks for bytes; text that is not hex is still looked for as text.
        log.store_mut().set_view(InputMode::Hex);
        assert!(log.store_mut().find_next("03 02").is_some());
        assert_eq!(log.store().found(), Some(2));
        assert!(log.store_mut().find_next("temp=26").is_some());
        assert_eq!(log.store().found(), Some(3));

        log.clear();
        assert_eq!(log.store().found(), None);
        assert!(log.store_mut().find_next("temp").is_none());
    }

    #[test]
    fn text_is_found_in_any_case_and_the_tally_says_which_of_how_many() {
        let peer = SocketAddr::from(([127, 0, 0, 1], 1));
        let mut log = Log::default();
        for line in [
            "ERROR 1\n",
            "ok\n",
            "error 2\n",
            "Error 3\n",
            "温度 Überhitzt\n",
        ] {
            log.received(peer, line.into(), T0);
        }
        let tally = |position| Some(FindTally { position, total: 3 });
        assert_eq!(log.store_mut().find_next("error"), tally(1));
        assert_eq!(log.store().found(), Some(0));
        assert_eq!(log.store_mut().find_next("eRRoR"), tally(2));
        assert_eq!(log.store().found(), Some(2));
        assert_eq!(log.store_mut().find_next("ERROR"), tally(3));
        assert_eq!(log.store().found(), Some(3));
        assert_eq!(
            log.store_mut().find_next("error"),
            tally(1),
            "round to the top"
        );
        // Letters beyond ASCII fold too; text without case is found as it is.
        assert!(log.store_mut().find_next("üBERHITZT").is_some());
        assert_eq!(log.store().found(), Some(4));
        assert_eq!(
            log.store_mut().find_next("温度"),
            Some(FindTally {
                position: 1,
                total: 1
            })
        );
    }
}
