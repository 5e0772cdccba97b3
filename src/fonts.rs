//! The bundled CJK font, so Chinese renders on machines without a CJK font installed.

use std::sync::Arc;

use egui::{FallbackRequest, FontData, FontFamily, FontInsert, FontPriority, InsertFontFamily};

/// Noto Sans CJK SC cut to ASCII + GB2312 (see `tools/make_cjk_subset.py`, licence in
/// `resources/fonts/OFL.txt`).
pub const BUNDLED_CJK_FONT: &[u8] = include_bytes!("../resources/fonts/NotoSansSC-GB2312.otf");

/// DejaVu Sans Mono cut to U+FFFD, which neither egui's fonts nor Noto CJK have, so undecodable
/// bytes show as the replacement character (licence in `resources/fonts/DejaVu-LICENSE.txt`).
pub const BUNDLED_REPLACEMENT_FONT: &[u8] =
    include_bytes!("../resources/fonts/DejaVuSansMono-FFFD.ttf");

/// Offers the bundled fonts for the characters they cover. Registered after eframe's system
/// font provider, so a font the system has wins and ours are the last resort.
struct BundledFonts;

impl egui::FontProvider for BundledFonts {
    fn font_for(&self, request: &FallbackRequest<'_>) -> Option<FontInsert> {
        let first = request.cluster.chars().next()?;
        if first == char::REPLACEMENT_CHARACTER {
            return Some(insert(
                "DejaVuSansMono-FFFD (bundled)",
                BUNDLED_REPLACEMENT_FONT,
            ));
        }
        covers(first).then(|| insert("NotoSansSC-GB2312 (bundled)", BUNDLED_CJK_FONT))
    }
}

fn insert(name: &str, data: &'static [u8]) -> FontInsert {
    FontInsert::new(
        name,
        FontData::from_static(data),
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
}

/// Whether the bundled CJK subset has `c`: the subset holds exactly the characters GB2312 encodes,
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

/// Installs the bundled fonts as fallbacks after any font the system offers.
pub fn install(ctx: &egui::Context) {
    ctx.add_font_provider(Arc::new(BundledFonts));
}

#[cfg(test)]
mod tests {
    use super::covers;

    /// Every label, in both languages and in both the proportional and the monospace font,
    /// has its glyphs in the fonts the window installs: a label added with a character the
    /// bundled subset lacks would show as a box on a machine without CJK fonts.
    #[test]
    fn every_label_has_its_glyphs() {
        use crate::i18n::Language;
        let ctx = egui::Context::default();
        super::install(&ctx);
        // Fonts take effect at the next frame; its texture updates have no renderer to go to.
        let mut output = ctx.run_ui(egui::RawInput::default(), |_| {});
        output.textures_delta.clear();
        for language in [Language::Chinese, Language::English] {
            let labels = format!("{:?}", language.texts());
            for family in [egui::FontFamily::Proportional, egui::FontFamily::Monospace] {
                let font = egui::FontId::new(14.0, family);
                let missing: String = ctx.fonts_mut(|fonts| {
                    labels
                        .chars()
                        .filter(|&c| !fonts.has_glyph(&font, c))
                        .collect()
                });
                assert!(missing.is_empty(), "{language:?}: no glyph for {missing:?}");
            }
        }
    }

    #[test]
    fn covers_gb2312_hanzi_and_punctuation_only() {
        assert!(covers('你'));
        assert!(covers('，'));
        assert!(!covers('A'), "ASCII comes from egui's own fonts");
        assert!(!covers('😀'));
        assert!(!covers('\u{E000}'));
    }
}
