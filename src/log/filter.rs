//! Showing one peer's data only (只显示该客户端): a TCP server with many devices connected,
//! and one of them to watch. Hidden entries take no rows, so the rest of the log's machinery
//! (virtual scrolling, Find, Save log) sees only what is shown; lifecycle lines all stay.

use std::net::SocketAddr;

use super::{LogBody, LogEntry, Store};

impl Store {
    /// The peer whose data alone is shown, if the log is filtered.
    pub fn show_only(&self) -> Option<SocketAddr> {
        self.show_only
    }

    /// Shows only `peer`'s data (and every lifecycle line), or everything for `None`.
    pub fn set_show_only(&mut self, peer: Option<SocketAddr>) {
        if peer != self.show_only {
            self.show_only = peer;
            self.hidden = match peer {
                Some(_) => self
                    .entries
                    .iter()
                    .map(|entry| hidden(peer, entry))
                    .collect(),
                None => std::collections::VecDeque::new(),
            };
            self.recount_rows();
        }
    }

    /// Whether `entry` is hidden by the filter.
    pub(super) fn hides(&self, entry: &LogEntry) -> bool {
        hidden(self.show_only, entry)
    }
}

/// Whether `show_only` hides `entry`: data of another peer.
pub(super) fn hidden(show_only: Option<SocketAddr>, entry: &LogEntry) -> bool {
    match (&entry.body, show_only) {
        (LogBody::Data { peer, .. }, Some(shown)) => *peer != shown,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use bytes::Bytes;

    use super::*;
    use crate::codec::InputMode;
    use crate::log::Log;
    use crate::log::tests::row_texts;
    use crate::log::{Notice, RowLayout, SentBy, T0};

    fn peer(port: u16) -> SocketAddr {
        SocketAddr::from(([127, 0, 0, 1], port))
    }

    #[test]
    fn a_filtered_log_shows_one_peers_data_and_every_lifecycle_line() {
        // Two peers' reads and sends, cut anywhere, with lifecycle lines, in every layout,
        // filtered before or after they arrive, with a budget small enough that entries drop
        // or not: in log mode the rows are those of a log that only ever had the shown peer's
        // data (when nothing dropped), and in every view the counted rows exist, the
        // kept counts are those a recount finds.
        let pieces = proptest::collection::vec(
            (
                0u8..3,
                proptest::bool::ANY,
                proptest::collection::vec(proptest::sample::select(b"ab\n".to_vec()), 0..20),
            ),
            0..24,
        );
        let layouts = (
            proptest::bool::ANY,
            proptest::bool::ANY,
            proptest::sample::select(vec![1usize, 3, 8]),
            proptest::bool::ANY,
        );
        proptest::test_runner::TestRunner::default()
            .run(
                &(pieces, layouts, proptest::bool::ANY),
                |(pieces, (hex, headers, columns, early), budget_drops)| {
                    let layout = RowLayout {
                        view: if hex { InputMode::Hex } else { InputMode::Text },
                        headers,
                        columns,
                    };
                    let fill = |log: &mut Log, only_shown: bool| {
                        for (who, sent, bytes) in &pieces {
                            let bytes = Bytes::from(bytes.clone());
                            match who {
                                0 => log.notice(Notice::PeerJoined(peer(9)), T0),
                                1 | 2 => {
                                    let from = peer(u16::from(*who));
                                    if only_shown && from != peer(1) {
                                        continue;
                                    }
                                    if *sent {
                                        log.sent(from, bytes, SentBy::Owner, T0);
                                    } else {
                                        log.received_read(from, bytes, T0);
                                    }
                                }
                                _ => unreachable!(),
                            }
                        }
                    };
                    let mut filtered = Log::default();
                    filtered.store_mut().set_layout(layout);
                    if budget_drops {
                        // Entries leave as others come: their flags must leave with them.
                        filtered.store_mut().set_budget(2048);
                    }
                    if early {
                        filtered.store_mut().set_show_only(Some(peer(1)));
                    }
                    fill(&mut filtered, false);
                    filtered.store_mut().set_show_only(Some(peer(1)));
                    let all = |log: &Log| row_texts(log, 0, usize::MAX);
                    proptest::prop_assert_eq!(
                        all(&filtered).len() as u64,
                        filtered.store().total_rows()
                    );
                    let kept = filtered.store().total_rows();
                    filtered.store_mut().recount_rows();
                    proptest::prop_assert_eq!(kept, filtered.store().total_rows());
                    if headers && !budget_drops {
                        let mut alone = Log::default();
                        alone.store_mut().set_layout(layout);
                        fill(&mut alone, true);
                        proptest::prop_assert_eq!(all(&filtered), all(&alone));
                    }
                    // Off again: everything, as if never filtered.
                    filtered.store_mut().set_show_only(None);
                    let mut plain = Log::default();
                    plain.store_mut().set_layout(layout);
                    if budget_drops {
                        plain.store_mut().set_budget(2048);
                    }
                    fill(&mut plain, false);
                    proptest::prop_assert_eq!(all(&filtered), all(&plain));
                    Ok(())
                },
            )
            .unwrap();
    }

    #[test]
    fn find_and_the_csv_table_skip_what_the_filter_hides() {
        let mut log = Log::default();
        log.received(peer(1), Bytes::from_static(b"needle one"), T0);
        log.received(peer(2), Bytes::from_static(b"needle two"), T0);
        log.store_mut().set_show_only(Some(peer(2)));
        assert!(log.store_mut().find_next("needle").is_some());
        assert_eq!(log.store().found(), Some(1));
        assert!(log.store_mut().find_next("needle").is_some());
        assert_eq!(
            log.store().found(),
            Some(1),
            "wraps round to the only shown one"
        );
        assert!(log.store_mut().find_next("one").is_none());
        let t = crate::i18n::Language::English.texts();
        let mut table = Vec::new();
        crate::log::table::write_csv(log.store(), t, &mut table).unwrap();
        let table = String::from_utf8(table).unwrap();
        assert!(
            table.contains("needle two") && !table.contains("needle one"),
            "{table}"
        );
    }
}
