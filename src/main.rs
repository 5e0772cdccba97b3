//! NetDebug's entry point: parse the command line, build the tokio runtime, run the window.

use std::path::PathBuf;
use std::time::Duration;

use anyhow::Context as _;
use clap::{Parser, ValueEnum};
use netdebug::NetDebugApp;
use netdebug::codec::TextEncoding;
use netdebug::i18n::Language;
use netdebug::screenshot::ScreenshotPlan;
use netdebug::state::{AppState, Mode};
use netdebug::ui::Action;

/// NetDebug, a network debugging assistant (网络调试助手) for TCP and UDP.
#[derive(Debug, Clone, Parser)]
// The last of a repeated option wins, as in most command lines.
#[command(version, about, args_override_self = true)]
struct Args {
    /// Start in this mode.
    #[arg(long, value_enum)]
    mode: Option<ModeArg>,
    /// Local address (server, UDP) or remote address (client).
    #[arg(long)]
    address: Option<String>,
    /// Port (0 picks a free one where binding).
    #[arg(long)]
    port: Option<String>,
    /// UDP target, host:port.
    #[arg(long)]
    target: Option<String>,
    /// Open (listen, connect or bind) right away.
    #[arg(long)]
    open: bool,
    /// Text to put in the send box.
    #[arg(long)]
    send_text: Option<String>,
    /// Text encoding for both the log and the send box.
    #[arg(long, value_enum)]
    encoding: Option<EncodingArg>,
    /// Label language; by default the system's.
    #[arg(long, value_enum)]
    lang: Option<LangArg>,
    /// Write a PNG of the window to this file after --screenshot-delay-ms.
    #[arg(long)]
    screenshot: Option<PathBuf>,
    /// How long after start to take the screenshot.
    #[arg(long, default_value_t = 1500)]
    screenshot_delay_ms: u64,
    /// Close the window once the screenshot is written.
    #[arg(long)]
    quit_after_screenshot: bool,
    /// Print one line to stdout when the first frame has been laid out (for benchmarks).
    #[arg(long)]
    print_first_frame: bool,
    /// How the window is drawn: OpenGL (glow) by default, falling back to wgpu (Vulkan, Metal,
    /// DirectX) when OpenGL cannot start.
    #[arg(long, value_enum)]
    renderer: Option<RendererArg>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum RendererArg {
    Glow,
    Wgpu,
}

impl RendererArg {
    fn renderer(self) -> eframe::Renderer {
        match self {
            Self::Glow => eframe::Renderer::Glow,
            Self::Wgpu => eframe::Renderer::Wgpu,
        }
    }
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum ModeArg {
    TcpServer,
    TcpClient,
    Udp,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum EncodingArg {
    Utf8,
    Gbk,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum LangArg {
    Zh,
    En,
}

fn main() -> anyhow::Result<()> {
    // Logs go to stderr; stdout carries only what --print-first-frame promises.
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "netdebug=info".into()),
        )
        .init();
    let args = Args::parse();
    raise_file_limit();

    // Network work runs here, never on the UI thread.
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("netdebug-net")
        .enable_all()
        .build()
        .context("cannot start the network runtime")?;

    // OpenGL first: it draws egui's flat shapes with far less CPU than wgpu where the driver
    // rasterizes in software (Mesa's llvmpipe, remote desktops, virtual machines). wgpu is
    // the fallback for machines without a usable OpenGL.
    let first = args.renderer.unwrap_or(RendererArg::Glow);
    let result = run_window(&args, &runtime, first);
    let result = match result {
        Err(WindowError::NotStarted(error)) if args.renderer.is_none() => {
            tracing::warn!(%error, "OpenGL could not start; drawing with wgpu instead");
            run_window(&args, &runtime, RendererArg::Wgpu)
        }
        other => other,
    };
    result.map_err(|error| anyhow::anyhow!("the window failed: {error}"))?;
    runtime.shutdown_timeout(Duration::from_millis(500));
    Ok(())
}

/// Why the window ended with an error: before the app was created (the renderer could not
/// start, another may) or while it ran.
#[derive(Debug, thiserror::Error)]
enum WindowError {
    #[error("{0}")]
    NotStarted(eframe::Error),
    #[error("{0}")]
    Failed(eframe::Error),
}

/// Opens the window drawn by `renderer` and runs it until it is closed.
fn run_window(
    args: &Args,
    runtime: &tokio::runtime::Runtime,
    renderer: RendererArg,
) -> Result<(), WindowError> {
    let language = match args.lang {
        Some(LangArg::Zh) => Some(Language::Chinese),
        Some(LangArg::En) => Some(Language::English),
        None => None,
    };
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title(language.unwrap_or_else(Language::from_system).texts().title)
            .with_app_id("netdebug")
            .with_inner_size([1024.0, 700.0])
            .with_min_inner_size([720.0, 480.0]),
        renderer: renderer.renderer(),
        // A flat interface has no gradients to band; dithering would only cost fill time.
        dithering: false,
        ..Default::default()
    };
    let started = std::rc::Rc::new(std::cell::Cell::new(false));
    let app_started = std::rc::Rc::clone(&started);
    let args = args.clone();
    let handle = runtime.handle().clone();
    let result = eframe::run_native(
        "NetDebug",
        options,
        Box::new(move |cc| {
            app_started.set(true);
            let mut app = NetDebugApp::new(cc, handle);
            apply_args(&args, app.state_mut());
            if let Some(path) = args.screenshot.clone() {
                app.set_screenshot(ScreenshotPlan::new(
                    path,
                    Duration::from_millis(args.screenshot_delay_ms),
                    args.quit_after_screenshot,
                ));
            }
            if args.open {
                app.perform(Action::Open);
            }
            if args.print_first_frame {
                app.on_first_frame(Box::new(report_first_frame));
            }
            Ok(Box::new(app))
        }),
    );
    result.map_err(|error| {
        if started.get() {
            WindowError::Failed(error)
        } else {
            WindowError::NotStarted(error)
        }
    })
}

/// Command-line presets win over the remembered settings.
fn apply_args(args: &Args, state: &mut AppState) {
    match args.lang {
        Some(LangArg::Zh) => state.language = Language::Chinese,
        Some(LangArg::En) => state.language = Language::English,
        None => {}
    }
    if let Some(mode) = args.mode {
        state.mode = match mode {
            ModeArg::TcpServer => Mode::TcpServer,
            ModeArg::TcpClient => Mode::TcpClient,
            ModeArg::Udp => Mode::Udp,
        };
    }
    if let Some(address) = &args.address {
        state.address.clone_from(address);
    }
    if let Some(port) = &args.port {
        state.port.clone_from(port);
    }
    if let Some(target) = &args.target {
        state.udp_target.clone_from(target);
    }
    if let Some(encoding) = args.encoding {
        let encoding = match encoding {
            EncodingArg::Utf8 => TextEncoding::Utf8,
            EncodingArg::Gbk => TextEncoding::Gbk,
        };
        state.send_format.encoding = encoding;
        state.log.set_encoding(encoding);
    }
    if let Some(text) = &args.send_text {
        state.send_text.clone_from(text);
    }
}

/// Raises the soft limit on open files to the hard limit, so a server can hold thousands of
/// clients (the soft limit is often 1024). Failing leaves the default, which still works.
fn raise_file_limit() {
    match rlimit::increase_nofile_limit(u64::MAX) {
        Ok(limit) => tracing::debug!(limit, "open file limit"),
        Err(error) => tracing::warn!(%error, "could not raise the open file limit"),
    }
}

/// Tells a waiting benchmark that the first frame is laid out; it measures from the spawn.
#[allow(clippy::print_stdout)]
fn report_first_frame() {
    use std::io::Write as _;
    println!("first-frame");
    let _ = std::io::stdout().flush();
}
