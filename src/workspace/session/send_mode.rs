//! Switching the send box between text and hex converts what is in it, as NetAssist and
//! SSCOM do: `AT\r\n` becomes `41 54 0D 0A` and back, and Send sends the same bytes either way.

use super::SessionState;
use crate::codec::{InputMode, SendFormat, build_payload, format_hex, parse_hex, text_for_bytes};
use crate::i18n::Said;
use crate::messages::Message as _;

impl SessionState {
    /// Reads the send box, and the auto reply editor's two fields (read with the send
    /// settings too), as `mode` from now on, rewriting each to the same bytes in that form.
    /// What cannot be rewritten (text the encoding cannot represent, say) is kept as it is,
    /// with the reason shown: nothing typed is lost.
    pub fn set_send_mode(&mut self, mode: InputMode) {
        let format = self.send.format;
        if mode == format.mode {
            return;
        }
        self.send.format.mode = mode;
        let mut fields = [
            &mut self.send.text,
            &mut self.auto_reply.pattern,
            &mut self.auto_reply.reply,
        ];
        match mode {
            InputMode::Hex => {
                // The payload alone: the checksum and line ending are added at Send, as before.
                let payload = SendFormat::text(format.encoding, format.escapes);
                let mut refused = [None, None, None];
                for (field, refused) in fields.iter_mut().zip(&mut refused) {
                    if field.trim().is_empty() {
                        continue;
                    }
                    match build_payload(field, &payload) {
                        Ok(bytes) => **field = format_hex(&bytes),
                        Err(error) => *refused = Some(error),
                    }
                }
                let [send_box, pattern, reply] = refused;
                if let Some(reason) = send_box {
                    self.set_error(Said::new(|language| {
                        language
                            .texts()
                            .send_box_kept
                            .replace("{reason}", &reason.message(language))
                    }));
                }
                if let Some(reason) = pattern.or(reply) {
                    self.errors.auto_reply = Some(Said::new(|language| {
                        language
                            .texts()
                            .reply_field_kept
                            .replace("{reason}", &reason.message(language))
                    }));
                }
            }
            InputMode::Text => {
                // Hex that does not parse was most likely text typed before switching to hex:
                // it stays as it is, and now reads as the text it is.
                let parsed = fields
                    .each_ref()
                    .map(|field| parse_hex(field).ok().filter(|bytes| !bytes.is_empty()));
                // Bytes that are no text need escapes to be written down; escapes are one
                // setting for all three fields, so all are written with them then.
                let escapes_needed = !format.escapes
                    && parsed.iter().flatten().any(|bytes| {
                        text_for_bytes(bytes, format.encoding, false).is_none()
                            && text_for_bytes(bytes, format.encoding, true).is_some()
                    });
                let escapes = format.escapes || escapes_needed;
                for (field, bytes) in fields.iter_mut().zip(parsed) {
                    if let Some(text) =
                        bytes.and_then(|bytes| text_for_bytes(&bytes, format.encoding, escapes))
                    {
                        **field = text;
                    } else if escapes_needed {
                        // Kept as typed, and read with escapes from now on: its backslashes
                        // stay backslashes.
                        **field = field.replace('\\', "\\\\");
                    }
                }
                if escapes_needed {
                    self.send.format.escapes = true;
                    self.set_info(Said::new(|language| {
                        language
                            .texts()
                            .escapes_turned_on
                            .replace("{encoding}", &format.encoding.to_string())
                    }));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::codec::{InputMode, TextEncoding, build_payload};
    use crate::i18n::Language;
    use crate::workspace::SessionState;

    fn switched(text: &str, encoding: TextEncoding, escapes: bool) -> SessionState {
        let mut state = SessionState::new(Language::English);
        state.send.text = text.to_owned();
        state.send.format.encoding = encoding;
        state.send.format.escapes = escapes;
        state.set_send_mode(InputMode::Hex);
        state
    }

    #[test]
    fn the_send_box_keeps_its_bytes_when_it_switches_between_text_and_hex() {
        let mut state = switched(r"AT\r\n", TextEncoding::Utf8, true);
        assert_eq!(state.send.text, "41 54 0D 0A");
        state.set_send_mode(InputMode::Text);
        assert_eq!(state.send.text, r"AT\r\n");

        let mut state = switched("你好", TextEncoding::Gbk, false);
        assert_eq!(state.send.text, "C4 E3 BA C3");
        state.set_send_mode(InputMode::Text);
        assert_eq!(state.send.text, "你好");

        // Bytes that are no text: escapes come on to write them, and say so.
        state.send.text = "01 03 00 00 00 01 84 0A".to_owned();
        state.send.format.mode = InputMode::Hex;
        state.set_send_mode(InputMode::Text);
        assert_eq!(state.send.text, r"\x01\x03\0\0\0\x01\x84\n");
        assert!(state.send.format.escapes);
        assert!(
            state
                .status
                .as_ref()
                .unwrap()
                .text(Language::English)
                .contains("Escapes")
        );
        let bytes = build_payload(&state.send.text, &state.send.format).unwrap();
        assert_eq!(bytes, [0x01, 0x03, 0, 0, 0, 1, 0x84, 0x0A]);
    }

    #[test]
    fn the_auto_reply_fields_switch_with_the_send_box_and_share_its_escapes() {
        let mut state = SessionState::new(Language::English);
        state.auto_reply.pattern = "PING".to_owned();
        state.auto_reply.reply = "PONG 好".to_owned();
        state.set_send_mode(InputMode::Hex);
        assert_eq!(state.auto_reply.pattern, "50 49 4E 47");
        assert_eq!(state.auto_reply.reply, "50 4F 4E 47 20 E5 A5 BD");
        assert_eq!(state.send.text, "");

        // The reply's bytes are no UTF-8 text and need escapes; the send box holds a backslash,
        // which must then be written as one too, or it would read as an escape.
        state.send.text = "61 5C 6E".to_owned();
        state.auto_reply.pattern = r"C:\temp".to_owned();
        state.auto_reply.reply = "01 03 84 0D 0A".to_owned();
        state.set_send_mode(InputMode::Text);
        assert!(state.send.format.escapes);
        assert_eq!(state.auto_reply.reply, r"\x01\x03\x84\r\n");
        assert_eq!(state.send.text, r"a\\n");
        assert_eq!(
            build_payload(&state.send.text, &state.send.format).unwrap(),
            b"a\\n"
        );
        // Not hex: kept, as text typed before the switch, and still the same bytes now that
        // escapes are on.
        assert_eq!(state.auto_reply.pattern, r"C:\\temp");
        assert_eq!(
            build_payload(&state.auto_reply.pattern, &state.send.format).unwrap(),
            b"C:\\temp"
        );
        state.auto_reply.pattern = "PING".to_owned();

        // A field the encoding cannot hold is kept, and the editor says why.
        state.send.format.encoding = TextEncoding::Gbk;
        state.send.format.escapes = false;
        state.send.text.clear();
        state.auto_reply.reply = "Erdő".to_owned();
        state.set_send_mode(InputMode::Hex);
        assert_eq!(state.auto_reply.pattern, "50 49 4E 47");
        assert_eq!(state.auto_reply.reply, "Erdő");
        let shown = state
            .errors
            .auto_reply
            .as_ref()
            .unwrap()
            .get(state.language);
        assert!(shown.contains("auto reply field was kept"), "{shown}");
        // The send box was fine: no error in the status bar.
        assert!(state.status.as_ref().is_none_or(|status| !status.is_error));
    }

    #[test]
    fn what_cannot_be_switched_is_kept_as_typed() {
        // Text GBK cannot represent: kept, and the status bar says why.
        let state = switched("温度 😀", TextEncoding::Gbk, false);
        assert_eq!(state.send.text, "温度 😀");
        assert_eq!(state.send.format.mode, InputMode::Hex);
        let status = state.status.as_ref().unwrap();
        assert!(
            status.is_error && status.text(Language::English).contains("kept"),
            "{status:?}"
        );
        // Text typed while in hex mode stays as it is when switching to text.
        let mut state = SessionState::new(Language::English);
        state.send.format.mode = InputMode::Hex;
        state.send.text = "hello".to_owned();
        state.set_send_mode(InputMode::Text);
        assert_eq!(state.send.text, "hello");
        assert_eq!(state.status, None);
    }

    #[test]
    fn what_is_put_in_the_send_box_keeps_the_auto_reply_editor_reading_the_same_bytes() {
        let mut state = SessionState::new(Language::English);
        state.auto_reply.pattern = "PING".to_owned();
        state.auto_reply.reply = "PONG".to_owned();
        // A log entry's bytes put in the send box make it hex: the editor follows.
        let hex = crate::codec::SendFormat {
            mode: InputMode::Hex,
            ..state.send.format
        };
        state.load_send_box("01 03", hex);
        assert_eq!(state.send.text, "01 03");
        assert_eq!(state.send.format.mode, InputMode::Hex);
        assert_eq!(
            (
                state.auto_reply.pattern.as_str(),
                state.auto_reply.reply.as_str()
            ),
            ("50 49 4E 47", "50 4F 4E 47")
        );
        // A history entry sent as text brings the editor back to text.
        state.load_send_box("AT", crate::codec::SendFormat::default());
        assert_eq!(
            (
                state.auto_reply.pattern.as_str(),
                state.auto_reply.reply.as_str()
            ),
            ("PING", "PONG")
        );
        assert_eq!(state.send.text, "AT");
    }
}
