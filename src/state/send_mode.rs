//! Switching the send box between text and hex converts what is in it, as NetAssist and
//! SSCOM do: `AT\r\n` becomes `41 54 0D 0A` and back, and Send sends the same bytes either way.

use super::AppState;
use crate::codec::{InputMode, SendFormat, build_payload, format_hex, parse_hex, text_for_bytes};
use crate::messages::Message as _;

impl AppState {
    /// Reads the send box as `mode` from now on, rewriting its contents to the same bytes in
    /// that form. What cannot be rewritten (text the encoding cannot represent, say) is kept as
    /// it is, with the reason in the status bar: nothing typed is lost.
    pub fn set_send_mode(&mut self, mode: InputMode) {
        let format = self.send_format;
        if mode == format.mode {
            return;
        }
        self.send_format.mode = mode;
        if self.send_text.trim().is_empty() {
            return;
        }
        let t = self.texts();
        match mode {
            InputMode::Hex => {
                // The payload alone: the checksum and line ending are added at Send, as before.
                let payload = SendFormat::text(format.encoding, format.escapes);
                match build_payload(&self.send_text, &payload) {
                    Ok(bytes) => self.send_text = format_hex(&bytes),
                    Err(error) => {
                        let reason = error.message(self.language);
                        self.set_error(t.send_box_kept.replace("{reason}", &reason));
                    }
                }
            }
            InputMode::Text => {
                // Hex that does not parse was most likely text typed before switching to hex:
                // it stays as it is, and now reads as the text it is.
                let Ok(bytes) = parse_hex(&self.send_text) else {
                    return;
                };
                if let Some(text) = text_for_bytes(&bytes, format.encoding, format.escapes) {
                    self.send_text = text;
                } else if let Some(text) = text_for_bytes(&bytes, format.encoding, true) {
                    // Bytes that are no text need escapes to be written down.
                    self.send_format.escapes = true;
                    self.send_text = text;
                    self.set_info(
                        t.escapes_turned_on
                            .replace("{encoding}", &format.encoding.to_string()),
                    );
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::codec::{InputMode, TextEncoding, build_payload};
    use crate::i18n::Language;
    use crate::state::AppState;

    fn switched(text: &str, encoding: TextEncoding, escapes: bool) -> AppState {
        let mut state = AppState::new(Language::English);
        state.send_text = text.to_owned();
        state.send_format.encoding = encoding;
        state.send_format.escapes = escapes;
        state.set_send_mode(InputMode::Hex);
        state
    }

    #[test]
    fn the_send_box_keeps_its_bytes_when_it_switches_between_text_and_hex() {
        let mut state = switched(r"AT\r\n", TextEncoding::Utf8, true);
        assert_eq!(state.send_text, "41 54 0D 0A");
        state.set_send_mode(InputMode::Text);
        assert_eq!(state.send_text, r"AT\r\n");

        let mut state = switched("你好", TextEncoding::Gbk, false);
        assert_eq!(state.send_text, "C4 E3 BA C3");
        state.set_send_mode(InputMode::Text);
        assert_eq!(state.send_text, "你好");

        // Bytes that are no text: escapes come on to write them, and say so.
        state.send_text = "01 03 00 00 00 01 84 0A".to_owned();
        state.send_format.mode = InputMode::Hex;
        state.set_send_mode(InputMode::Text);
        assert_eq!(state.send_text, r"\x01\x03\0\0\0\x01\x84\n");
        assert!(state.send_format.escapes);
        assert!(state.status.as_ref().unwrap().text.contains("Escapes"));
        let bytes = build_payload(&state.send_text, &state.send_format).unwrap();
        assert_eq!(bytes, [0x01, 0x03, 0, 0, 0, 1, 0x84, 0x0A]);
    }

    #[test]
    fn what_cannot_be_switched_is_kept_as_typed() {
        // Text GBK cannot represent: kept, and the status bar says why.
        let state = switched("温度 😀", TextEncoding::Gbk, false);
        assert_eq!(state.send_text, "温度 😀");
        assert_eq!(state.send_format.mode, InputMode::Hex);
        let status = state.status.as_ref().unwrap();
        assert!(
            status.is_error && status.text.contains("kept"),
            "{status:?}"
        );
        // Text typed while in hex mode stays as it is when switching to text.
        let mut state = AppState::new(Language::English);
        state.send_format.mode = InputMode::Hex;
        state.send_text = "hello".to_owned();
        state.set_send_mode(InputMode::Text);
        assert_eq!(state.send_text, "hello");
        assert_eq!(state.status, None);
    }
}
