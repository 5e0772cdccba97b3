//! The app photographs itself: `--screenshot PATH` writes a PNG of the window after a delay,
//! which is how the README's pictures are made (see `tools/screenshots.sh`).

use std::fs::File;
use std::io::BufWriter;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// A screenshot to take once, some time after start.
#[derive(Debug)]
pub struct ScreenshotPlan {
    path: PathBuf,
    due: Instant,
    quit_after: bool,
    requested: bool,
}

/// Writing the PNG failed.
#[derive(Debug, thiserror::Error)]
pub enum ScreenshotError {
    /// Creating the file failed.
    #[error("cannot create {path}: {source}")]
    Create {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// Encoding the image failed.
    #[error("cannot write PNG {path}: {source}")]
    Encode {
        /// The file.
        path: PathBuf,
        /// Why.
        source: png::EncodingError,
    },
}

impl ScreenshotPlan {
    /// Takes a screenshot to `path` after `delay`, then closes the window if `quit_after`.
    pub fn new(path: PathBuf, delay: Duration, quit_after: bool) -> Self {
        Self {
            path,
            due: Instant::now() + delay,
            quit_after,
            requested: false,
        }
    }

    /// Called every frame: asks for the screenshot when it is due, or for a wake-up then.
    pub fn tick(&mut self, ctx: &egui::Context) {
        if self.requested {
            return;
        }
        let now = Instant::now();
        if now < self.due {
            ctx.request_repaint_after(self.due - now);
            return;
        }
        self.requested = true;
        let path = self.path.clone();
        let quit_after = self.quit_after;
        let ctx_for_callback = ctx.clone();
        ctx.request_screenshot(move |image| {
            match save_png(&path, &image) {
                Ok(()) => tracing::info!(path = %path.display(), "screenshot written"),
                Err(error) => tracing::error!(%error, "screenshot failed"),
            }
            if quit_after {
                ctx_for_callback.send_viewport_cmd(egui::ViewportCommand::Close);
            }
            ctx_for_callback.request_repaint();
        });
        ctx.request_repaint();
    }
}

/// Writes an egui image as an RGBA PNG.
pub fn save_png(path: &Path, image: &egui::ColorImage) -> Result<(), ScreenshotError> {
    let file = File::create(path).map_err(|source| ScreenshotError::Create {
        path: path.to_owned(),
        source,
    })?;
    let [width, height] = image.size;
    let mut encoder = png::Encoder::new(
        BufWriter::new(file),
        u32::try_from(width).unwrap_or(u32::MAX),
        u32::try_from(height).unwrap_or(u32::MAX),
    );
    encoder.set_color(png::ColorType::Rgba);
    encoder.set_depth(png::BitDepth::Eight);
    let rgba: Vec<u8> = image
        .pixels
        .iter()
        .flat_map(egui::Color32::to_srgba_unmultiplied)
        .collect();
    let encode_error = |source| ScreenshotError::Encode {
        path: path.to_owned(),
        source,
    };
    encoder
        .write_header()
        .and_then(|mut writer| writer.write_image_data(&rgba))
        .map_err(encode_error)
}
