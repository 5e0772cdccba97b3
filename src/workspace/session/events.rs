//! How engine events change the state.

use std::time::{Duration, Instant};

use super::{Connection, Mode, ServerTarget, SessionState};
use crate::i18n::Said;
use crate::log::{Direction, Notice};
use crate::messages::Message as _;
use crate::net::{CloseReason, Event, EventKind, SentBy, Way};

impl SessionState {
    /// Applies one engine event; events from sessions other than the current one are dropped.
    pub fn apply(&mut self, event: Event) {
        if self.session != Some(event.session) {
            return;
        }
        let (date, time) = crate::net::local_date_and_time(event.time);
        self.log.mark_day(date, time);
        match event.kind {
            EventKind::Listening { local } => {
                self.connection = Connection::Listening(local);
                self.log.notice(Notice::Listening(local), time);
            }
            EventKind::StoppedListening { clients } => {
                if let Connection::Listening(local) = self.connection {
                    self.connection = Connection::Serving(local);
                }
                self.log.notice(Notice::StoppedListening(clients), time);
            }
            EventKind::Bound {
                local,
                receive_buffer,
            } => {
                self.connection = Connection::Bound(local);
                self.log.notice(Notice::Bound(local, receive_buffer), time);
            }
            EventKind::JoinedGroup { group } => self.log.notice(Notice::JoinedGroup(group), time),
            EventKind::Connecting { remote, .. } => {
                self.connection = Connection::Connecting(Some(remote));
                // Retrying after a failure says nothing new: the failure line says where to.
                if self.retries.failures == 0 {
                    self.log.notice(Notice::Connecting(remote), time);
                }
            }
            EventKind::Connected { local, remote } => {
                // The settings cannot change while open: they are the session's.
                self.connection = if self.tls.enabled {
                    Connection::Securing { local, remote }
                } else {
                    Connection::Connected { local, remote }
                };
                // As it was typed (a name stays a name), now that it is known to work.
                if let Some(typed) = self.opening_remote.clone() {
                    self.remember_remote(typed);
                }
                self.retries = RetryTally::default();
                self.log.notice(Notice::Connected { local, remote }, time);
            }
            EventKind::ServingTls {
                certificate,
                self_signed,
            } => self
                .log
                .notice(Notice::ServingTls(certificate, self_signed), time),
            EventKind::Secured { peer, summary } => {
                if let Connection::Securing { local, remote } = self.connection
                    && remote == peer
                {
                    self.connection = Connection::Connected { local, remote };
                }
                self.log.notice(Notice::Secured(peer, summary), time);
            }
            EventKind::PeerJoined { peer } => {
                self.clients.insert(peer);
                self.log.notice(Notice::PeerJoined(peer), time);
            }
            EventKind::PeerLeft { peer, reason } => {
                self.clients.remove(&peer);
                self.client_totals.remove(&peer);
                self.log.peer_gone(peer);
                if self.target.server == ServerTarget::One(peer) {
                    self.target.server = ServerTarget::All;
                    self.sync_log_filter();
                }
                self.log.notice(
                    Notice::PeerLeft(peer, Said::new(|language| reason.message(language))),
                    time,
                );
            }
            EventKind::Received { peer, bytes } => {
                self.traffic.rx.add(bytes.len(), Instant::now());
                self.count_for_client(peer, bytes.len(), Direction::Rx);
                let after = if self.shows(Direction::Rx, &bytes) {
                    self.log.received_read(peer, bytes, time)
                } else {
                    self.log.unshown_read(peer, &bytes, time)
                };
                if let Some(after) = after {
                    self.traffic.responses.add(after);
                }
            }
            EventKind::Datagrams(datagrams) => {
                let now = Instant::now();
                for (peer, bytes) in datagrams {
                    self.traffic.rx.add(bytes.len(), now);
                    let after = if self.shows(Direction::Rx, &bytes) {
                        self.log.received(peer, bytes, time)
                    } else {
                        self.log.unshown_datagram(peer, &bytes, time)
                    };
                    if let Some(after) = after {
                        self.traffic.responses.add(after);
                    }
                }
            }
            EventKind::Sent { peer, bytes, by } => {
                self.traffic.tx.add(bytes.len(), Instant::now());
                self.count_for_client(peer, bytes.len(), Direction::Tx);
                if self.shows(Direction::Tx, &bytes) {
                    self.log.sent(peer, bytes, by, time);
                } else {
                    self.log.note_send(peer, by, time);
                }
            }
            EventKind::UpstreamConnected {
                client,
                local,
                upstream,
            } => {
                if self.clients.contains(&client) {
                    let totals = self.client_totals.entry(client).or_default();
                    totals.upstream_leg = Some(local);
                }
                self.log.notice(
                    Notice::UpstreamConnected {
                        client,
                        local,
                        upstream,
                    },
                    time,
                );
            }
            EventKind::Relayed {
                client,
                way,
                bytes,
                injected,
                impaired,
            } => self.apply_relayed(client, way, (bytes, injected, impaired), time),
            EventKind::HalfClosed { client, way } => {
                self.log.notice(Notice::HalfClosed(client, way), time);
            }
            EventKind::ResetPassedOn { client, way } => {
                self.log.notice(Notice::ResetPassedOn(client, way), time);
            }
            EventKind::CycleStopped { sends } => {
                self.cycling = None;
                self.log.notice(Notice::CycleStopped(sends), time);
            }
            EventKind::FileDone {
                path,
                sent,
                complete,
            } => {
                self.file = None;
                self.log.notice(
                    Notice::FileDone {
                        path: path.display().to_string(),
                        sent,
                        complete,
                    },
                    time,
                );
            }
            EventKind::Error(error) => self.report_error(&error, time),
            EventKind::Closed { reason } => {
                self.session = None;
                self.log.connections_ended();
                self.nothing_open();
                // A TCP client that lost its server (or never reached it) tries again, until
                // the person presses Close.
                let retry = self.mode == Mode::TcpClient
                    && self.client.auto_reconnect
                    && !self.closed_by_person
                    && !matches!(reason, CloseReason::ByUser);
                if let CloseReason::Failed(error) = &reason {
                    // One red line that says why; a "Closed" line repeating it adds nothing.
                    let text = error.message(self.language);
                    if retry && self.retries.last_error.as_deref() == Some(text.as_str()) {
                        // The same failure again, every few seconds while a device is off,
                        // would bury the log: the status bar and the state's count say it.
                        self.set_error(Said::new(|language| error.message(language)));
                    } else {
                        self.report_error(error, time);
                        self.retries.last_error = Some(text);
                    }
                    self.retries.failures = self.retries.failures.saturating_add(1);
                } else {
                    let reason = Said::new(|language| reason.message(language));
                    self.set_info(Said::new(|language| {
                        format!(
                            "{}: {}",
                            language.texts().session_closed,
                            reason.get(language)
                        )
                    }));
                    self.log.notice(Notice::Closed(reason), time);
                }
                if retry {
                    self.connection = Connection::Reconnecting {
                        at: Instant::now() + Duration::from_millis(self.client.reconnect_ms),
                        failures: self.retries.failures,
                    };
                } else {
                    self.retries = RetryTally::default();
                }
            }
        }
    }

    /// Logs and counts what went through a relay: what the client sends as a server would
    /// receive it, what goes back to it as a server would send it.
    fn apply_relayed(
        &mut self,
        client: std::net::SocketAddr,
        way: Way,
        (bytes, injected, impaired): (bytes::Bytes, Option<SentBy>, Option<crate::net::Fate>),
        time: chrono::NaiveTime,
    ) {
        let direction = match way {
            Way::ToUpstream => Direction::Rx,
            Way::ToClient => Direction::Tx,
        };
        let counter = match direction {
            Direction::Rx => &mut self.traffic.rx,
            Direction::Tx => &mut self.traffic.tx,
        };
        counter.add(bytes.len(), Instant::now());
        if let Some(fate) = &impaired {
            self.traffic.impaired.count(fate);
        }
        self.count_for_client(client, bytes.len(), direction);
        let after = if self.shows(direction, &bytes) {
            // A delayed TCP read shows on its own, to say by how much.
            if self.mode == Mode::UdpRelay || impaired.is_some() {
                let datagram = (bytes, impaired);
                self.log
                    .relayed_datagram(client, direction, datagram, injected, time)
            } else {
                self.log.relayed(client, direction, bytes, injected, time)
            }
        } else {
            self.log
                .unshown_relayed(client, direction, &bytes, injected, time)
        };
        if let Some(after) = after {
            self.traffic.responses.add(after);
        }
    }

    /// Adds `len` bytes that went `direction` to a server client's totals (a TCP client's
    /// or UDP's peers are not counted apart).
    fn count_for_client(&mut self, peer: std::net::SocketAddr, len: usize, direction: Direction) {
        if !self.clients.contains(&peer) {
            return;
        }
        let totals = self.client_totals.entry(peer).or_default();
        match direction {
            Direction::Rx => totals.rx += len as u64,
            Direction::Tx => totals.tx += len as u64,
        }
    }

    /// Whether data that went `direction` is logged; when the display is paused or hides it,
    /// it is only counted as not shown.
    fn shows(&mut self, direction: Direction, bytes: &[u8]) -> bool {
        let shows = self.display.shows(direction);
        if !shows {
            self.traffic.not_shown += bytes.len() as u64;
        }
        shows
    }
}

/// Auto reconnect's failed attempts in a row, so a device that stays off logs its failure
/// once, not once per attempt.
#[derive(Debug, Default)]
pub(super) struct RetryTally {
    /// Attempts that failed since the last connection (or since Open).
    pub(super) failures: u32,
    /// The message of the last failure logged.
    pub(super) last_error: Option<String>,
}
