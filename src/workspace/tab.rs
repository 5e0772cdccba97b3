//! One session of the workspace as its tab shows it: a name, a state, and what arrived while
//! nobody looked.

use serde::{Deserialize, Serialize};

use super::{Connection, Mode, SessionState};
use crate::net::{Event, EventKind};

/// Which session: stays the same for as long as the session is in the workspace, whatever
/// its place among the tabs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct TabId(pub u64);

/// How a session stands, for the coloured dot on its tab.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Health {
    /// Nothing open.
    Closed,
    /// Opening, connecting or waiting to reconnect.
    Waiting,
    /// Listening, connected or bound.
    Up,
    /// Closed or waiting after a failure.
    Failed,
}

impl SessionState {
    /// How the session stands, for the dots beside Open and on its tab: a TLS handshake
    /// still under way counts as waiting.
    pub fn health(&self) -> Health {
        let failed = self.status.as_ref().is_some_and(|status| status.is_error);
        match self.connection {
            Connection::Closed | Connection::Reconnecting { .. } if failed => Health::Failed,
            Connection::Closed => Health::Closed,
            Connection::Opening
            | Connection::Connecting(_)
            | Connection::Securing { .. }
            | Connection::Reconnecting { .. } => Health::Waiting,
            Connection::Listening(_)
            | Connection::Serving(_)
            | Connection::Connected { .. }
            | Connection::Bound(_) => Health::Up,
        }
    }
}

/// A session of the workspace.
#[derive(Debug)]
pub struct Tab {
    /// Which session.
    pub id: TabId,
    /// The name the person gave it; empty for one made from its mode and address.
    pub name: String,
    /// Its settings, connection, log and counters.
    pub state: SessionState,
    /// Reads and datagrams received while it was not shown.
    unseen: u64,
    /// Whether the window showed it in the last frame.
    shown: bool,
}

impl Tab {
    /// A tab for `state`.
    pub fn new(id: TabId, name: String, state: SessionState) -> Self {
        Self {
            id,
            name,
            state,
            unseen: 0,
            shown: false,
        }
    }

    /// What the tab says: the given name, or the mode and the address it uses.
    pub fn title(&self) -> String {
        if self.name.is_empty() {
            self.what()
        } else {
            self.name.clone()
        }
    }

    /// The tab's hover: the mode and address (which a given name hides) and how the session
    /// stands, in words.
    pub fn summary(&self) -> String {
        let t = self.state.texts();
        format!("{}\n{}", self.what(), self.state.connection.describe(t))
    }

    /// The mode and the address the session uses.
    fn what(&self) -> String {
        let state = &self.state;
        let t = state.texts();
        let address = match state.connection.local_addr() {
            Some(local) if state.mode != Mode::TcpClient => local.to_string(),
            _ if state.mode == Mode::TcpClient => format!("{}:{}", state.address, state.port),
            _ => format!(":{}", state.port),
        };
        format!("{} {address}", state.mode.label(t))
    }

    /// How the session stands.
    pub fn health(&self) -> Health {
        self.state.health()
    }

    /// Reads and datagrams received since the session was last shown.
    pub fn unseen(&self) -> u64 {
        self.unseen
    }

    /// Says whether the window shows the session; shown, nothing it holds is unseen.
    pub fn set_shown(&mut self, shown: bool) {
        self.shown = shown;
        if shown {
            self.unseen = 0;
        }
    }

    /// Applies an engine event of this session, counting what arrives while it is not shown.
    pub fn apply(&mut self, event: Event) {
        if !self.shown {
            self.unseen += match &event.kind {
                EventKind::Received { .. } | EventKind::Relayed { .. } => 1,
                EventKind::Datagrams(datagrams) => datagrams.len() as u64,
                _ => 0,
            };
        }
        self.state.apply(event);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Language;

    #[test]
    fn the_title_names_mode_and_address_until_renamed() {
        let mut state = SessionState::new(Language::English);
        state.port = "9000".to_owned();
        let mut tab = Tab::new(TabId(1), String::new(), state);
        assert_eq!(tab.title(), "TCP Server :9000");
        tab.state.connection = Connection::Listening(([127, 0, 0, 1], 9000).into());
        assert_eq!(tab.title(), "TCP Server 127.0.0.1:9000");
        assert_eq!(tab.health(), Health::Up);
        tab.name = "device".to_owned();
        assert_eq!(tab.title(), "device");
        // The name hides the mode and address: the hover keeps them, with the state.
        assert_eq!(
            tab.summary(),
            "TCP Server 127.0.0.1:9000\nListening 127.0.0.1:9000"
        );
    }

    #[test]
    fn data_received_unseen_is_counted_until_shown() {
        let mut state = SessionState::new(Language::English);
        let session = crate::net::SessionId(7);
        state.opened(session);
        let mut tab = Tab::new(TabId(1), String::new(), state);
        let peer: std::net::SocketAddr = ([127, 0, 0, 1], 5000).into();
        let datagrams = |n: usize| Event {
            session,
            time: std::time::SystemTime::now(),
            kind: EventKind::Datagrams(vec![(peer, bytes::Bytes::from_static(b"x")); n]),
        };
        tab.apply(datagrams(3));
        assert_eq!(tab.unseen(), 3);
        tab.set_shown(true);
        assert_eq!(tab.unseen(), 0);
        tab.apply(datagrams(2));
        assert_eq!(tab.unseen(), 0, "seen as it arrives");
        tab.set_shown(false);
        tab.apply(datagrams(1));
        assert_eq!((tab.unseen(), tab.state.traffic.rx.frames), (1, 6));
    }
}
