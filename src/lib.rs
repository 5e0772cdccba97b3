//! NetDebug: a network debugging assistant (网络调试助手) for TCP and UDP.
//!
//! The crate is a library plus a thin `main.rs`, so tests drive the real app:
//! - [`codec`]: text and bytes (UTF-8, GBK, hex), pure functions;
//! - [`net`]: the engine that runs TCP server, TCP client and UDP sessions on tokio;
//! - [`workspace`] and [`log`]: what the window shows (what the app shares, and each
//!   session's state), changed by engine events, without egui; [`workspace_file`] keeps it;
//! - [`ui`] and [`app`]: the egui window that draws the state and drives the engine;
//! - [`controller`]: drives the engine from the state, for the window and without one;
//! - [`cli`]: the command line's presets; [`headless`]: a session run without a window.

pub mod app;
pub mod background_writer;
pub mod cli;
pub mod codec;
pub mod controller;
pub mod counters;
pub mod dialogs;
pub mod fonts;
pub mod headless;
pub mod i18n;
pub mod icon;
pub mod log;
pub mod messages;
pub mod net;
pub mod quick_file;
pub mod repaint;
pub mod response_times;
pub mod screenshot;
pub mod settings;
pub mod ui;
pub mod workspace;
pub mod workspace_file;

pub use app::NetDebugApp;
