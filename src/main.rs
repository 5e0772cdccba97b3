//! NetDebug's entry point: parse the command line, build the tokio runtime, run the window.

// A window program on Windows: started from Explorer it opens no console window behind it.
// For a console the Windows zip has netdebug.com, the same program marked as a console one
// (tools/windows.sh); netdebug.exe's own output goes only to a pipe or a file.
#![cfg_attr(windows, windows_subsystem = "windows")]

use std::time::Duration;

use anyhow::Context as _;
use clap::Parser as _;
use netdebug::NetDebugApp;
use netdebug::cli::{Args, RendererArg};
use netdebug::i18n::Language;
use netdebug::screenshot::ScreenshotPlan;

fn main() -> anyhow::Result<()> {
    let args = Args::parse().checked().unwrap_or_else(|error| error.exit());
    start_tracing(&args);
    raise_file_limit();

    // Network work runs here, never on the UI thread.
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("netdebug-net")
        .enable_all()
        .build()
        .context("cannot start the network runtime")?;

    if args.headless {
        // Buffered beyond stdout's own line buffer, which wrote each line of a flood with a
        // call of its own, and written on a thread of its own; the log is handed over after
        // each round of printing.
        let mut out = netdebug::background_writer::BackgroundWriter::new(std::io::stdout())
            .context("cannot start writing to stdout")?;
        let outcome = netdebug::headless::run(&args, runtime.handle().clone(), &mut out)
            .and_then(|outcome| out.finish().map(|()| outcome))
            .context("cannot write to stdout")?;
        runtime.shutdown_timeout(Duration::from_millis(500));
        if let netdebug::headless::Outcome::Failed(reason) = outcome {
            anyhow::bail!("the session did not open: {reason}");
        }
        return Ok(());
    }

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
    let language = args.language();
    let mut viewport = egui::ViewportBuilder::default()
        .with_title(language.unwrap_or_else(Language::from_system).texts().title)
        .with_app_id("netdebug")
        .with_inner_size(args.window_size.unwrap_or([1024.0, 700.0]))
        .with_min_inner_size([720.0, 480.0]);
    if let Some(icon) = netdebug::icon::window_icon() {
        viewport = viewport.with_icon(std::sync::Arc::new(icon));
    }
    let options = eframe::NativeOptions {
        viewport,
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
            let mut app = match &args.workspace {
                Some(path) => NetDebugApp::from_file(cc, handle, path),
                None => NetDebugApp::new(cc, handle),
            };
            args.apply(&mut app);
            if let Some(path) = args.screenshot.clone() {
                app.set_screenshot(ScreenshotPlan::new(
                    path,
                    Duration::from_millis(args.screenshot_delay_ms),
                    args.quit_after_screenshot,
                ));
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

/// Sends the app's own diagnostics to stderr (stdout carries the headless log and what
/// --print-first-frame promises): what the window does, but from `--headless` only warnings
/// and errors, from `--quiet` only errors, unless `RUST_LOG` asks for more; coloured only on a
/// terminal.
fn start_tracing(args: &Args) {
    use std::io::IsTerminal as _;
    let default = if args.quiet {
        "error"
    } else if args.headless {
        "warn"
    } else {
        "netdebug=info"
    };
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| default.into()),
        )
        .init();
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
