//! All sessions in one timeline: the entries of every session's log in time order, each with
//! its session and the time since the entry before it, so a class sees "client sends → server
//! receives → server answers → client receives" in one column. The timeline holds only where
//! each entry is (its session and its place in that session's log), never a copy of it.

use std::collections::{HashMap, VecDeque};

use chrono::NaiveTime;

use super::{Tab, TabId};
use crate::i18n::Texts;
use crate::log::{Decoding, ENTRY_LINE_BYTES, LogEntry, Matcher, entry_line, text_head};

/// Most entries the timeline keeps; older ones fall off (they stay in their session's log).
pub const TIMELINE_LIMIT: usize = 1_000_000;

/// How far back an entry that arrived late is moved to keep the timeline in time order: the
/// engine reports in order, so only entries of sessions read in the same drain are ever out
/// of order, and by little.
const REORDER_WINDOW: usize = 256;

/// Where one entry of the timeline is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimelineItem {
    /// The session whose log holds it.
    pub tab: TabId,
    /// Its place among every entry that session's log ever held (entries dropped to keep the
    /// log within its memory limit counted).
    pub index: u64,
    /// When it happened.
    pub time: NaiveTime,
}

/// The timeline of a workspace, and its Find.
#[derive(Debug, Default)]
pub struct Timeline {
    items: VecDeque<TimelineItem>,
    /// For each session, how many entries its log had held when last looked at.
    seen: HashMap<TabId, u64>,
    /// Entries that fell off the front to keep within [`TIMELINE_LIMIT`].
    fell_off: u64,
    /// What Find looks for.
    find_query: String,
    /// The item Find found last, to go on from and to bring into view.
    found: Option<usize>,
    /// The last Find found nothing.
    find_missed: bool,
    /// Bring the item found into view when the timeline is drawn next.
    scroll_to_found: std::cell::Cell<bool>,
}

impl Timeline {
    /// Takes in the entries the sessions' logs gained since the last call, in time order
    /// across the sessions (however many: a timeline made afresh takes in all they hold, up to
    /// [`TIMELINE_LIMIT`]); forgets sessions gone and the entries of a log that was cleared.
    pub fn update(&mut self, tabs: &[Tab]) {
        let gone = |id: &TabId| tabs.iter().all(|tab| tab.id != *id);
        if self.seen.keys().any(gone) {
            self.seen.retain(|id, _| !gone(id));
            self.items.retain(|item| !gone(&item.tab));
            self.found = None;
        }
        let mut new = Vec::new();
        for tab in tabs {
            let log = &tab.state.log;
            let total = log.store().dropped() + log.store().entries().len() as u64;
            let mut seen = self.seen.get(&tab.id).copied().unwrap_or(0);
            if total < seen {
                // Cleared: what the timeline pointed at is gone.
                self.items.retain(|item| item.tab != tab.id);
                self.found = None;
                seen = 0;
            }
            let first_new = seen.max(log.store().dropped());
            // More than the timeline keeps would only fall off again.
            let kept_from = first_new.max(total.saturating_sub(TIMELINE_LIMIT as u64));
            self.fell_off += kept_from - first_new;
            for index in kept_from..total {
                let position = usize::try_from(index - log.store().dropped()).unwrap_or(usize::MAX);
                if let Some(entry) = log.store().entries().get(position) {
                    new.push(TimelineItem {
                        tab: tab.id,
                        index,
                        time: entry.time,
                    });
                }
            }
            self.seen.insert(tab.id, total);
        }
        // Each log is in time order; across them only a sort puts a batch in order (stable,
        // so equal times keep the sessions' order).
        new.sort_by_key(|item| item.time);
        for item in new {
            self.insert(item);
        }
        while self.items.len() > TIMELINE_LIMIT {
            self.items.pop_front();
            self.fell_off += 1;
            self.found = self.found.and_then(|found| found.checked_sub(1));
        }
    }

    /// Puts `item` after every item not later than it, looking back a little way at most.
    fn insert(&mut self, item: TimelineItem) {
        let mut at = self.items.len();
        let floor = at.saturating_sub(REORDER_WINDOW);
        while at > floor
            && self
                .items
                .get(at - 1)
                .is_some_and(|before| before.time > item.time)
        {
            at -= 1;
        }
        self.items.insert(at, item);
    }

    /// The entries in time order.
    pub fn items(&self) -> &VecDeque<TimelineItem> {
        &self.items
    }

    /// Entries that fell off the front to keep the timeline within [`TIMELINE_LIMIT`].
    pub fn fell_off(&self) -> u64 {
        self.fell_off
    }

    /// The entry `item` points at, with its session, if its log still holds it.
    pub fn entry<'a>(item: &TimelineItem, tabs: &'a [Tab]) -> Option<(&'a Tab, &'a LogEntry)> {
        let tab = tabs.iter().find(|tab| tab.id == item.tab)?;
        let log = &tab.state.log;
        let position = usize::try_from(item.index.checked_sub(log.store().dropped())?).ok()?;
        Some((tab, log.store().entries().get(position)?))
    }

    /// What the timeline shows for item number `at`, if its log still holds its entry.
    pub fn row(&self, at: usize, tabs: &[Tab]) -> Option<TimelineRow> {
        let item = self.items.get(at)?;
        let (tab, entry) = Self::entry(item, tabs)?;
        let since = at
            .checked_sub(1)
            .and_then(|before| self.items.get(before))
            .map(|before| item.time.signed_duration_since(before.time));
        Some(TimelineRow {
            tab: tab.id,
            time: item.time,
            since,
            session: tab.title(),
            entry: entry.clone(),
            hex: tab.state.log.store().layout().view == crate::codec::InputMode::Hex,
            decoding: tab.state.log.store().decoding(),
        })
    }

    /// The line the timeline shows for item number `at` (see [`TimelineRow::line`]).
    pub fn line(&self, at: usize, tabs: &[Tab], t: &Texts) -> Option<TimelineLine> {
        self.row(at, tabs).map(|row| row.line(t))
    }

    /// What Find looks for.
    pub fn find_query(&self) -> &str {
        &self.find_query
    }

    /// Finds `query` from the next Find on; what was said about the old one goes.
    pub fn set_find_query(&mut self, query: String) {
        self.find_query = query;
        self.find_missed = false;
    }

    /// The item Find found last.
    pub fn found(&self) -> Option<usize> {
        self.found
    }

    /// Whether the last Find found nothing.
    pub fn find_missed(&self) -> bool {
        self.find_missed
    }

    /// The item found, once, to bring into view after a Find moved to it.
    pub fn take_scroll_to_found(&self) -> Option<usize> {
        self.scroll_to_found.take().then_some(self.found).flatten()
    }

    /// Moves Find to the next item whose line holds the query (any case, as the log's Find
    /// reads text), from the one after the last found, round to the start; whether one was
    /// found.
    pub fn find_next(&mut self, tabs: &[Tab], t: &Texts) -> bool {
        let Some(matcher) = Matcher::for_text(&self.find_query) else {
            self.found = None;
            self.find_missed = false;
            return false;
        };
        let count = self.items.len();
        let start = self.found.map_or(0, |found| found + 1);
        let hit = (0..count).map(|step| (start + step) % count).find(|&at| {
            self.line(at, tabs, t).is_some_and(|line| {
                matcher.matches_text(&line.session) || matcher.matches_text(&line.text)
            })
        });
        self.found = hit;
        self.find_missed = hit.is_none();
        self.scroll_to_found.set(hit.is_some());
        hit.is_some()
    }

    /// Every row of the timeline as it is now, for Save log: the entries are shared with the
    /// logs (their bytes and text are not copied), so the lines can be made and written off
    /// the window's thread ([`timeline_text`]).
    pub fn snapshot(&self, tabs: &[Tab]) -> Vec<TimelineRow> {
        (0..self.items.len())
            .filter_map(|at| self.row(at, tabs))
            .collect()
    }
}

/// The timeline as Save log writes it, a line per row: time, time since the one before,
/// session, entry.
pub fn timeline_text(rows: &[TimelineRow], t: &Texts) -> String {
    let mut text = String::new();
    for row in rows {
        text.push_str(&row.line(t).to_string());
        text.push('\n');
    }
    text
}

/// One entry of the timeline with what it is shown with.
#[derive(Debug, Clone)]
pub struct TimelineRow {
    /// The session the entry is of.
    pub tab: TabId,
    /// When it happened.
    pub time: NaiveTime,
    /// The time since the entry before, if there is one.
    pub since: Option<chrono::TimeDelta>,
    /// The session's name.
    pub session: String,
    /// The entry (its bytes and text shared with the log).
    pub entry: LogEntry,
    /// Whether its session shows data as hex.
    pub hex: bool,
    /// How its session shows bytes as text.
    pub decoding: Decoding,
}

impl TimelineRow {
    /// The row as a line: its time, the time since the entry before, its session's name, and
    /// the entry on one line (see [`entry_line`]).
    pub fn line(&self, t: &Texts) -> TimelineLine {
        TimelineLine {
            tab: self.tab,
            time: self.time.format(crate::net::TIME_OF_DAY).to_string(),
            since: self.since.map_or_else(String::new, format_since),
            session: self.session.clone(),
            text: entry_line(
                &self.entry,
                &text_head(&self.entry, self.decoding, ENTRY_LINE_BYTES),
                self.hex,
                t,
            ),
        }
    }
}

/// `+0.003 s`: the time since the entry before.
fn format_since(since: chrono::TimeDelta) -> String {
    let micros = since.num_microseconds().unwrap_or(i64::MAX);
    #[allow(clippy::cast_precision_loss)] // a display of seconds
    let seconds = micros as f64 / 1e6;
    format!("+{seconds:.3} s")
}

/// One line of the timeline, in parts the window draws each in its own way.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimelineLine {
    /// The session the entry is of.
    pub tab: TabId,
    /// When it happened, to the millisecond.
    pub time: String,
    /// The time since the entry before (empty for the first).
    pub since: String,
    /// The session's name.
    pub session: String,
    /// The entry on one line.
    pub text: String,
}

impl std::fmt::Display for TimelineLine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "[{}] {:>10}  {}  {}",
            self.time, self.since, self.session, self.text
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Language;
    use crate::net::SentBy::Owner;
    use crate::workspace::Workspace;

    fn at(ms: u32) -> NaiveTime {
        NaiveTime::from_hms_milli_opt(12, 0, 0, ms).unwrap()
    }

    #[test]
    fn entries_of_every_session_come_in_time_order_with_the_time_between() {
        let mut workspace = Workspace::new(Language::English);
        let server = workspace.focused();
        let client = workspace.add_fresh();
        workspace.rename(server, "server");
        workspace.rename(client, "client");
        let peer = |port| std::net::SocketAddr::from(([127, 0, 0, 1], port));
        let mut timeline = Timeline::default();
        // The client sends, the server receives and answers, the client receives; the
        // server's entries are taken in before the client's, as one drain may do.
        let server_log = &mut workspace.tab_mut(server).unwrap().state.log;
        server_log.received(peer(2), bytes::Bytes::from_static(b"PING\n"), at(2));
        server_log.sent(peer(2), bytes::Bytes::from_static(b"PONG\n"), Owner, at(3));
        let client_log = &mut workspace.tab_mut(client).unwrap().state.log;
        client_log.sent(peer(1), bytes::Bytes::from_static(b"PING\n"), Owner, at(1));
        client_log.received(peer(1), bytes::Bytes::from_static(b"PONG\n"), at(5));
        timeline.update(workspace.tabs());
        let t = Language::English.texts();
        let lines: Vec<String> = (0..4)
            .map(|i| {
                let line = timeline.line(i, workspace.tabs(), t).unwrap();
                format!("{} {} {}", line.since, line.session, line.text)
            })
            .collect();
        assert_eq!(
            lines,
            [
                " client TX → 127.0.0.1:1 (5 B): PING\\n",
                "+0.001 s server RX ← 127.0.0.1:2 (5 B): PING\\n",
                "+0.001 s server TX → 127.0.0.1:2 (5 B): PONG\\n",
                "+0.002 s client RX ← 127.0.0.1:1 (5 B) · 4.000 ms after the send: PONG\\n",
            ]
        );

        // Find goes through every session's entries, in any case, and round.
        timeline.set_find_query("pong".to_owned());
        assert!(timeline.find_next(workspace.tabs(), t));
        assert_eq!(timeline.found, Some(2));
        assert!(timeline.find_next(workspace.tabs(), t));
        assert_eq!(timeline.found, Some(3));
        assert!(timeline.find_next(workspace.tabs(), t));
        assert_eq!(timeline.found, Some(2));
        timeline.set_find_query("nothing like it".to_owned());
        assert!(!timeline.find_next(workspace.tabs(), t));
        assert!(timeline.find_missed);

        // Saved, it reads as shown.
        let text = timeline_text(&timeline.snapshot(workspace.tabs()), t);
        assert_eq!(text.lines().count(), 4);
        assert!(
            text.lines()
                .nth(1)
                .unwrap()
                .contains("+0.001 s  server  RX ← 127.0.0.1:2")
        );

        // A session closed and gone leaves the timeline; a cleared log empties its part.
        workspace.tab_mut(server).unwrap().state.log.clear();
        timeline.update(workspace.tabs());
        assert_eq!(timeline.items().len(), 2);
        workspace.remove(client);
        timeline.update(workspace.tabs());
        assert!(timeline.items().is_empty());
    }

    #[test]
    fn a_timeline_out_of_sight_costs_nothing_and_comes_back_whole_and_in_order() {
        let mut workspace = Workspace::new(Language::English);
        let first = workspace.focused();
        let second = workspace.add_fresh();
        let peer = std::net::SocketAddr::from(([127, 0, 0, 1], 9));
        workspace.follow_timeline(false);
        // Far more entries than the timeline looks back over when it takes in a few, each
        // session's interleaved in time with the other's.
        for i in 0..400 {
            for (id, ms) in [(first, 2 * i), (second, 2 * i + 1)] {
                let log = &mut workspace.tab_mut(id).unwrap().state.log;
                log.received(peer, bytes::Bytes::from_static(b"x"), at(ms));
            }
            workspace.update_timeline();
        }
        assert!(
            workspace.timeline().items().is_empty(),
            "nothing done out of sight"
        );
        workspace.follow_timeline(true);
        workspace.update_timeline();
        let items = workspace.timeline().items();
        assert_eq!(items.len(), 800);
        assert!(
            items
                .iter()
                .zip(items.iter().skip(1))
                .all(|(a, b)| a.time <= b.time)
        );
        let sessions: Vec<TabId> = items.iter().take(4).map(|item| item.tab).collect();
        assert_eq!(sessions, [first, second, first, second]);
    }
}
