//! NetDebug: a network debugging assistant (网络调试助手) for TCP and UDP.
//!
//! The crate is a library plus a thin `main.rs`, so tests drive the real app:
//! - [`codec`]: text and bytes (UTF-8, GBK, hex), pure functions;
//! - [`net`]: the engine that runs TCP server, TCP client and UDP sessions on tokio;
//! - [`app`], [`state`] and [`ui`]: the egui window that drives the engine.

pub mod codec;
pub mod net;
