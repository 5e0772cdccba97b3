//! The colours that carry meaning (received, sent, session notices, markers, the state light),
//! in a shade for each theme: the dark theme's mid tones are too faint on a light background,
//! and a light theme is what a projector in a bright classroom needs.

use egui::{Color32, Ui, Visuals};

/// One theme's colours.
#[derive(Debug, Clone, Copy)]
pub(super) struct Palette {
    /// Session notices (listening, joined, closed) in the log.
    pub(super) notice: Color32,
    /// Received data: headers in the log, the RX line of the rate graph.
    pub(super) rx: Color32,
    /// Sent data.
    pub(super) tx: Color32,
    /// What the log leaves out: dropped entries, a paused display, one client only.
    pub(super) marker: Color32,
    /// The state light while a session opens or reconnects.
    pub(super) busy: Color32,
    /// The state light while a session is open.
    pub(super) live: Color32,
}

const DARK: Palette = Palette {
    notice: Color32::from_rgb(0x4a, 0x8f, 0xd0),
    rx: Color32::from_rgb(0x2e, 0x9a, 0x5a),
    tx: Color32::from_rgb(0xbf, 0x76, 0x28),
    marker: Color32::from_rgb(0xc0, 0x90, 0x30),
    busy: Color32::from_rgb(0xd0, 0x90, 0x20),
    live: Color32::from_rgb(0x30, 0xa0, 0x50),
};

const LIGHT: Palette = Palette {
    notice: Color32::from_rgb(0x1f, 0x5f, 0x9e),
    rx: Color32::from_rgb(0x17, 0x70, 0x3c),
    tx: Color32::from_rgb(0x93, 0x52, 0x0c),
    marker: Color32::from_rgb(0x8a, 0x64, 0x12),
    busy: Color32::from_rgb(0xb0, 0x78, 0x10),
    live: Color32::from_rgb(0x25, 0x88, 0x4a),
};

impl Palette {
    /// The colours for the theme `ui` is drawn in.
    pub(super) fn of(ui: &Ui) -> Self {
        Self::for_visuals(ui.visuals())
    }

    fn for_visuals(visuals: &Visuals) -> Self {
        if visuals.dark_mode { DARK } else { LIGHT }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// WCAG's relative luminance of an sRGB colour.
    fn luminance(color: Color32) -> f32 {
        let linear = |channel: u8| {
            let c = f32::from(channel) / 255.0;
            if c <= 0.039_28 {
                c / 12.92
            } else {
                ((c + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * linear(color.r()) + 0.7152 * linear(color.g()) + 0.0722 * linear(color.b())
    }

    /// WCAG's contrast ratio, from 1 (none) to 21 (black on white).
    fn contrast(a: Color32, b: Color32) -> f32 {
        let (a, b) = (luminance(a), luminance(b));
        (a.max(b) + 0.05) / (a.min(b) + 0.05)
    }

    #[test]
    fn log_text_reads_on_either_theme_background() {
        for visuals in [Visuals::dark(), Visuals::light()] {
            let palette = Palette::for_visuals(&visuals);
            // Both the panels and the log's own background show behind the text.
            for background in [visuals.panel_fill, visuals.extreme_bg_color] {
                for (what, color) in [
                    ("notice", palette.notice),
                    ("rx", palette.rx),
                    ("tx", palette.tx),
                    ("marker", palette.marker),
                ] {
                    let ratio = contrast(color, background);
                    // WCAG AA for normal text.
                    assert!(
                        ratio >= 4.5,
                        "{what} on {background:?} (dark: {}): {ratio:.2}",
                        visuals.dark_mode
                    );
                }
                for (what, light) in [("busy", palette.busy), ("live", palette.live)] {
                    // WCAG's minimum for a shape that carries meaning.
                    let ratio = contrast(light, background);
                    assert!(ratio >= 3.0, "{what} on {background:?}: {ratio:.2}");
                }
            }
        }
    }

    #[test]
    fn the_contrast_measure_tells_black_on_white_from_grey_on_grey() {
        assert!((contrast(Color32::BLACK, Color32::WHITE) - 21.0).abs() < 0.01);
        assert!(contrast(Color32::GRAY, Color32::from_gray(150)) < 1.2);
    }
}
