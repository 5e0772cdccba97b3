//! The state of the whole window, without egui: what the app shares ([`Shared`]: language,
//! quick commands, history, Recent) and its sessions, each a [`SessionState`] in a [`Tab`].
//! `ui/` draws it and `controller` connects it to the engine.

mod session;
mod shared;
mod tab;
mod timeline;

pub use session::*;
pub use shared::{
    HISTORY_LIMIT, HistoryEntry, Outcome, QuickCommand, QuickEdit, RECENT_LIMIT, Shared,
};
pub use tab::{Health, Tab, TabId};
pub use timeline::{
    TIMELINE_LIMIT, Timeline, TimelineItem, TimelineLine, TimelineRow, timeline_text,
};

use crate::i18n::Language;
use crate::net::Event;

/// The app-wide state and every session, in the order they were added.
#[derive(Debug)]
pub struct Workspace {
    /// What every session shares.
    pub shared: Shared,
    tabs: Vec<Tab>,
    focused: TabId,
    last_id: u64,
    timeline: Timeline,
    /// Whether the timeline follows the logs (it is in sight).
    timeline_followed: bool,
}

impl Default for Workspace {
    fn default() -> Self {
        Self::new(Language::default())
    }
}

impl Workspace {
    /// One fresh session, labelled in `language`.
    pub fn new(language: Language) -> Self {
        Self::with_session(Shared::new(language), SessionState::new(language))
    }

    /// A workspace of `shared` and one session, `first`.
    pub fn with_session(shared: Shared, first: SessionState) -> Self {
        let mut workspace = Self {
            shared,
            tabs: Vec::new(),
            focused: TabId(1),
            last_id: 0,
            timeline: Timeline::default(),
            timeline_followed: true,
        };
        workspace.add(first, String::new());
        workspace
    }

    /// A workspace of `shared` and `sessions` (id, name, state) in tab order, `focused` shown
    /// (the first if it is not among them). No sessions give one fresh session; a repeated id
    /// gets a new one.
    pub fn restore(
        shared: Shared,
        sessions: impl IntoIterator<Item = (TabId, String, SessionState)>,
        focused: TabId,
    ) -> Self {
        let mut workspace = Self {
            shared,
            tabs: Vec::new(),
            focused,
            last_id: 0,
            timeline: Timeline::default(),
            timeline_followed: true,
        };
        let sessions: Vec<_> = sessions.into_iter().collect();
        workspace.last_id = sessions.iter().map(|(id, ..)| id.0).max().unwrap_or(0);
        for (id, name, mut state) in sessions {
            if workspace.tab(id).is_some() {
                workspace.add(state, name);
                continue;
            }
            state.language = workspace.shared.language;
            workspace.tabs.push(Tab::new(id, name, state));
        }
        if workspace.tabs.is_empty() {
            workspace.add_fresh();
        }
        if workspace.tab(focused).is_none() {
            workspace.focused = workspace.tabs.first().map_or(TabId(1), |tab| tab.id);
        } else {
            workspace.focused = focused;
        }
        workspace
    }

    /// Adds `state` as a new session named `name` (empty: named after its mode and address),
    /// focused; its id.
    pub fn add(&mut self, mut state: SessionState, name: String) -> TabId {
        self.last_id += 1;
        let id = TabId(self.last_id);
        state.language = self.shared.language;
        self.tabs.push(Tab::new(id, name, state));
        self.focused = id;
        id
    }

    /// Adds a session with default settings (in the app's language), focused; its id.
    pub fn add_fresh(&mut self) -> TabId {
        self.add(SessionState::new(self.shared.language), String::new())
    }

    /// Takes session `id` out of the workspace (its sockets are the controller's to close).
    /// The last session stays: a window always has one. Focus moves to a neighbour.
    pub fn remove(&mut self, id: TabId) -> Option<Tab> {
        if self.tabs.len() < 2 {
            return None;
        }
        let index = self.tabs.iter().position(|tab| tab.id == id)?;
        let tab = self.tabs.remove(index);
        if self.focused == id {
            let neighbour = self.tabs.get(index).or_else(|| self.tabs.last());
            if let Some(neighbour) = neighbour {
                self.focused = neighbour.id;
            }
        }
        Some(tab)
    }

    /// Every session, in the order they were added.
    pub fn tabs(&self) -> &[Tab] {
        &self.tabs
    }

    /// Every session, to change.
    pub fn tabs_mut(&mut self) -> &mut [Tab] {
        &mut self.tabs
    }

    /// Session `id`, if it is still there.
    pub fn tab(&self, id: TabId) -> Option<&Tab> {
        self.tabs.iter().find(|tab| tab.id == id)
    }

    /// Session `id`, to change.
    pub fn tab_mut(&mut self, id: TabId) -> Option<&mut Tab> {
        self.tabs.iter_mut().find(|tab| tab.id == id)
    }

    /// Session `id` and what all sessions share, both to change (a send remembers its text in
    /// the shared history, a Recent entry fills the session's fields).
    pub fn split_mut(&mut self, id: TabId) -> Option<(&mut SessionState, &mut Shared)> {
        let tab = self.tabs.iter_mut().find(|tab| tab.id == id)?;
        Some((&mut tab.state, &mut self.shared))
    }

    /// The session whose settings the left column shows.
    pub fn focused(&self) -> TabId {
        self.focused
    }

    /// Makes `id` the session whose settings the left column shows.
    pub fn focus(&mut self, id: TabId) {
        if self.tab(id).is_some() {
            self.focused = id;
        }
    }

    /// The focused session's state.
    pub fn focused_state(&self) -> &SessionState {
        // A workspace always holds its focused tab (see `remove`); the first is a fallback
        // that no path reaches.
        self.tab(self.focused)
            .or_else(|| self.tabs.first())
            .map_or_else(|| unreachable_empty(), |tab| &tab.state)
    }

    /// The focused session's state, to change.
    pub fn focused_state_mut(&mut self) -> &mut SessionState {
        let focused = self.focused;
        let index = self
            .tabs
            .iter()
            .position(|tab| tab.id == focused)
            .unwrap_or(0);
        match self.tabs.get_mut(index) {
            Some(tab) => &mut tab.state,
            None => unreachable_empty(),
        }
    }

    /// Names session `id` (an empty name goes back to the automatic one).
    pub fn rename(&mut self, id: TabId, name: &str) {
        if let Some(tab) = self.tab_mut(id) {
            name.trim().clone_into(&mut tab.name);
        }
    }

    /// Relabels the app and every session in `language`.
    pub fn set_language(&mut self, language: Language) {
        self.shared.language = language;
        for tab in &mut self.tabs {
            tab.state.language = language;
        }
    }

    /// Applies an engine event to the session whose Open it came from; an event of a session
    /// closed and gone is dropped.
    pub fn apply(&mut self, event: Event) {
        if let Some(tab) = self
            .tabs
            .iter_mut()
            .find(|tab| tab.state.owns(event.session))
        {
            tab.apply(event);
        }
    }

    /// Every session's entries in one timeline.
    pub fn timeline(&self) -> &Timeline {
        &self.timeline
    }

    /// Finds `query` in the timeline from the next Find on.
    pub fn set_timeline_query(&mut self, query: String) {
        self.timeline.set_find_query(query);
    }

    /// Moves the timeline's Find to the next item that holds its query.
    pub fn timeline_find_next(&mut self) {
        let t = self.shared.texts();
        self.timeline.find_next(&self.tabs, t);
    }

    /// Has the timeline follow the sessions' logs while `in_sight`, and not otherwise; once in
    /// sight again it is made afresh from what the logs hold.
    pub fn follow_timeline(&mut self, in_sight: bool) {
        if in_sight && !self.timeline_followed {
            self.timeline = Timeline::default();
        }
        self.timeline_followed = in_sight;
    }

    /// Takes the entries the sessions' logs gained into the timeline, while it is followed.
    pub fn update_timeline(&mut self) {
        if self.timeline_followed {
            self.timeline.update(&self.tabs);
        }
    }

    /// Moves what the sessions noted for the app (a remote that worked) into the shared lists.
    pub fn collect_remembered(&mut self) {
        for tab in &mut self.tabs {
            if let Some(remote) = tab.state.take_remote_to_remember() {
                self.shared.remember_remote(remote);
            }
        }
    }
}

/// A workspace is never empty: [`Workspace::remove`] keeps the last session.
#[allow(clippy::panic)]
fn unreachable_empty() -> ! {
    panic!("a workspace always holds a session")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_last_session_stays_and_focus_moves_to_a_neighbour() {
        let mut workspace = Workspace::new(Language::English);
        let first = workspace.focused();
        assert!(workspace.remove(first).is_none());
        let second = workspace.add_fresh();
        let third = workspace.add_fresh();
        workspace.focus(second);
        assert!(workspace.remove(second).is_some());
        assert_eq!(workspace.focused(), third);
        assert!(workspace.remove(third).is_some());
        assert_eq!(workspace.focused(), first);
        assert_eq!(workspace.tabs().len(), 1);
    }

    #[test]
    fn the_language_is_the_apps_in_every_session() {
        let mut workspace = Workspace::new(Language::English);
        workspace.add_fresh();
        workspace.set_language(Language::Chinese);
        let added = workspace.add_fresh();
        assert!(
            workspace
                .tabs()
                .iter()
                .all(|tab| tab.state.language == Language::Chinese)
        );
        assert_eq!(
            workspace.tab(added).map(|t| t.state.language),
            Some(Language::Chinese)
        );
    }

    #[test]
    fn a_name_is_trimmed() {
        let mut workspace = Workspace::new(Language::English);
        let first = workspace.focused();
        workspace.rename(first, "  device  ");
        assert_eq!(
            workspace.tab(first).map(|t| t.name.as_str()),
            Some("device")
        );
    }
}
