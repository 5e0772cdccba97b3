//! A relay's data in the log: what its clients send read as a server's received streams,
//! what goes back to them as streams of their own (see [`super::Stream`]), and what the
//! relay writes itself (injected, auto reply) as whole messages.

use std::net::SocketAddr;

use bytes::Bytes;
use chrono::NaiveTime;

use super::{Annotation, Direction, Log, Stream};
use crate::net::SentBy;

impl Log {
    /// Marks the data logged from now on as going through a relay, or not.
    pub fn set_relaying(&mut self, relaying: bool) {
        self.relaying = relaying;
    }

    /// Adds bytes that went through a relay at `time`: what `client` sent on to the upstream
    /// (`Rx`) as a server's reads from it are, and what went back (`Tx`) as its sends are;
    /// written by the relay on behalf of the person or auto reply when `injected` says who.
    /// Returns what [`Log::received_read`] does.
    pub fn relayed(
        &mut self,
        client: SocketAddr,
        direction: Direction,
        bytes: Bytes,
        injected: Option<SentBy>,
        time: NaiveTime,
    ) -> Option<std::time::Duration> {
        // Only a relay's data comes this way.
        self.relaying = true;
        let stream = Stream {
            peer: client,
            direction,
        };
        match injected {
            None => self.stream_read(stream, bytes, time),
            Some(by) => {
                let annotation = match by {
                    SentBy::Owner => Annotation::Injected,
                    SentBy::AutoReply => Annotation::AutoReply,
                };
                self.whole_data(direction, client, bytes, time, Some(annotation));
                None
            }
        }
    }

    /// [`Log::relayed`] for a datagram (a UDP relay's): each a whole message of its stream,
    /// decoded as a continuation of what came before in it.
    pub fn relayed_datagram(
        &mut self,
        client: SocketAddr,
        direction: Direction,
        (bytes, impaired): (Bytes, Option<crate::net::Fate>),
        injected: Option<SentBy>,
        time: NaiveTime,
    ) -> Option<std::time::Duration> {
        let stream = Stream {
            peer: client,
            direction,
        };
        // Nothing later continues a datagram's entry.
        self.last_reads.remove(&stream);
        if injected.is_some() {
            return self.relayed(client, direction, bytes, injected, time);
        }
        self.relaying = true;
        match impaired {
            // What happened to it says more than a response time.
            Some(fate) => {
                self.stream_data(stream, bytes, time, Some(Annotation::Impaired(fate)));
                None
            }
            None => self.stream_piece(stream, bytes, time),
        }
    }

    /// Takes bytes that went through a relay as [`Log::relayed`] does while the display does
    /// not show them: each way cut and checked on (see [`Log::unshown_read`]), what the
    /// relay wrote on the person's behalf left out.
    pub fn unshown_relayed(
        &mut self,
        client: SocketAddr,
        direction: Direction,
        bytes: &[u8],
        injected: Option<SentBy>,
        time: NaiveTime,
    ) -> Option<std::time::Duration> {
        let stream = Stream {
            peer: client,
            direction,
        };
        if injected.is_some() {
            // As when shown: the stream's entry ends here.
            self.last_reads.remove(&stream);
            return None;
        }
        self.unshown_stream_read(stream, bytes, time)
    }
}
