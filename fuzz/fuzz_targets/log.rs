//! The data log under any sequence of data in every form, sends, lifecycle lines and every
//! setting switched: no panic, memory within the budget, and every row can be drawn.
#![no_main]

use std::net::SocketAddr;
use std::time::Duration;

use arbitrary::Arbitrary;
use bytes::Bytes;
use chrono::NaiveTime;
use libfuzzer_sys::fuzz_target;
use netdebug::codec::{Checksum, InputMode, TextEncoding};
use netdebug::log::{Log, Notice, RowLayout};
use netdebug::net::SentBy;

#[derive(Debug, Arbitrary)]
enum Op {
    Datagram(u8, Vec<u8>),
    Read(u8, Vec<u8>),
    UnshownRead(u8, Vec<u8>),
    UnshownDatagram(Vec<u8>),
    Sent(u8, Vec<u8>, bool),
    Notice,
    PeerGone(u8),
    ConnectionsEnded,
    Wait(u16),
    MergeGap(Option<u16>),
    Split(Option<Vec<u8>>),
    Check(u8),
    ShowOnly(Option<u8>),
    Layout(bool, bool, u8),
    Encoding(bool),
    Budget(u16),
    Find(String),
    Clear,
}

fn peer(n: u8) -> SocketAddr {
    SocketAddr::from(([127, 0, 0, 1], 7000 + u16::from(n % 4)))
}

fuzz_target!(|ops: Vec<Op>| {
    let mut log = Log::default();
    let mut time = NaiveTime::from_hms_opt(12, 0, 0).unwrap_or_default();
    for op in ops {
        match op {
            Op::Datagram(p, b) => {
                log.received(peer(p), Bytes::from(b), time);
            }
            Op::Read(p, b) => {
                log.received_read(peer(p), Bytes::from(b), time);
            }
            Op::UnshownRead(p, b) => log.unshown_read(peer(p), &b, time),
            Op::UnshownDatagram(b) => log.unshown_datagram(&b),
            Op::Sent(p, b, owner) => {
                let by = if owner {
                    SentBy::Owner
                } else {
                    SentBy::AutoReply
                };
                log.sent(peer(p), Bytes::from(b), by, time);
            }
            Op::Notice => log.notice(Notice::Closed("fuzz".into()), time),
            Op::PeerGone(p) => log.peer_gone(peer(p)),
            Op::ConnectionsEnded => log.connections_ended(),
            Op::Wait(ms) => time += chrono::TimeDelta::milliseconds(i64::from(ms)),
            Op::MergeGap(gap) => {
                log.set_merge_gap(gap.map(|ms| Duration::from_millis(u64::from(ms))));
            }
            Op::Split(delimiter) => {
                log.set_split_at(delimiter.filter(|d| !d.is_empty()).map(Bytes::from));
            }
            Op::Check(kind) => {
                log.set_check_kind(Checksum::ALL[usize::from(kind) % Checksum::ALL.len()]);
            }
            Op::ShowOnly(p) => log.set_show_only(p.map(peer)),
            Op::Layout(headers, text, columns) => log.set_layout(RowLayout {
                view: if text {
                    InputMode::Text
                } else {
                    InputMode::Hex
                },
                headers,
                columns: usize::from(columns),
            }),
            Op::Encoding(gbk) => log.set_encoding(if gbk {
                TextEncoding::Gbk
            } else {
                TextEncoding::Utf8
            }),
            Op::Budget(budget) => log.set_budget(usize::from(budget)),
            Op::Find(query) => {
                let _ = log.find_next(&query);
            }
            Op::Clear => log.clear(),
        }
        assert!(log.used() <= log.budget() || log.entries().len() <= 1);
        let total = usize::try_from(log.total_rows()).unwrap_or(usize::MAX);
        assert_eq!(log.rows(0, total).len(), total);
    }
});
