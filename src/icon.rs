//! NetDebug's icon (two arrows, out and back, in a rounded square), for the window's title
//! bar and task bar. Drawn in `resources/icon/netdebug.svg`; `tools/icon.sh` renders the
//! PNGs and the Windows .ico from it.

/// The icon at 256 px, as `tools/icon.sh` renders it.
pub const ICON_PNG: &[u8] = include_bytes!("../resources/icon/netdebug-256.png");

/// The icon as the window system takes it; `None` if the bundled PNG would not decode (the
/// window then opens with the system's default icon).
pub fn window_icon() -> Option<egui::IconData> {
    match eframe::icon_data::from_png_bytes(ICON_PNG) {
        Ok(icon) => Some(icon),
        Err(error) => {
            tracing::warn!(%error, "the bundled icon does not decode");
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bundled_icon_decodes_square_with_clear_corners_and_a_solid_middle() {
        let icon = window_icon().expect("the icon decodes");
        assert_eq!((icon.width, icon.height), (256, 256));
        let alpha = |x: u32, y: u32| {
            let at = usize::try_from((y * icon.width + x) * 4 + 3).unwrap();
            icon.rgba[at]
        };
        // Rounded: the corners show what is behind it; the square itself is opaque.
        assert_eq!(alpha(0, 0), 0);
        assert_eq!(alpha(255, 255), 0);
        assert_eq!(alpha(128, 128), 255);
    }
}
