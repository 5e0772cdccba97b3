//! The bundled CJK font, so Chinese renders on machines without a CJK font installed.

use std::sync::Arc;

use egui::{FallbackRequest, FontData, FontFamily, FontInsert, FontPriority, InsertFontFamily};

/// Noto Sans CJK SC cut to ASCII + GB2312 (see `tools/make_cjk_subset.py`, licence in
/// `resources/fonts/OFL.txt`).
pub const BUNDLED_CJK_FONT: &[u8] = include_bytes!("../resources/fonts/NotoSansSC-GB2312.otf");

const FONT_NAME: &str = "NotoSansSC-GB2312 (bundled)";

/// Offers the bundled font for the characters it covers. Registered after eframe's system font
/// provider, so a CJK font the system has wins and ours is the last resort.
struct BundledCjkFont;

impl egui::FontProvider for BundledCjkFont {
    fn font_for(&self, request: &FallbackRequest<'_>) -> Option<FontInsert> {
        let first = request.cluster.chars().next()?;
        covers(first).then(|| {
            FontInsert::new(
                FONT_NAME,
                FontData::from_static(BUNDLED_CJK_FONT),
                vec![
                    InsertFontFamily {
                        family: FontFamily::Proportional,
                        priority: FontPriority::Lowest,
                    },
                    InsertFontFamily {
                        family: FontFamily::Monospace,
                        priority: FontPriority::Lowest,
                    },
                ],
            )
        })
    }
}

/// Whether the bundled subset has `c`: the subset holds exactly the characters GB2312 encodes,
/// which are those GBK encodes to two bytes both in 0xA1..=0xFE (outside the private-use area
/// GBK maps some of that range to).
fn covers(c: char) -> bool {
    if ('\u{E000}'..='\u{F8FF}').contains(&c) {
        return false;
    }
    let mut buf = [0u8; 4];
    let text: &str = c.encode_utf8(&mut buf);
    matches!(
        crate::codec::TextEncoding::Gbk.encode(text).as_deref(),
        Ok([0xA1..=0xF7, 0xA1..=0xFE])
    )
}

/// Installs the bundled font as a fallback after any font the system offers.
pub fn install(ctx: &egui::Context) {
    ctx.add_font_provider(Arc::new(BundledCjkFont));
}

#[cfg(test)]
mod tests {
    use super::covers;

    #[test]
    fn covers_gb2312_hanzi_and_punctuation_only() {
        assert!(covers('你'));
        assert!(covers('，'));
        assert!(!covers('A'), "ASCII comes from egui's own fonts");
        assert!(!covers('😀'));
        assert!(!covers('\u{E000}'));
    }
}
