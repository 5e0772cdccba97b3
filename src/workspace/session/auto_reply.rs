//! Auto reply (自动应答) as the window edits it: echo, and rules typed as text or hex that
//! become the engine's [`AutoReply`].

use bytes::Bytes;

use super::SessionState;
use crate::codec::{Checksum, LineEnding, PayloadError, SendFormat, build_payload};
use crate::messages::Message as _;
use crate::net::{AutoReply, ReplyRule};

/// An auto reply rule as typed: when `pattern` arrives, answer `reply`, both read with
/// `format` (the pattern without the checksum and line ending).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct AutoReplyRule {
    /// Whether the rule answers.
    pub enabled: bool,
    /// What to look for in each read or datagram (empty: everything).
    pub pattern: String,
    /// What to send back.
    pub reply: String,
    /// How both become bytes.
    pub format: SendFormat,
}

impl AutoReplyRule {
    /// The rule as bytes: the pattern read with the rule's format but nothing appended (an
    /// empty pattern matches everything), the reply with its checksum and line ending.
    pub fn to_bytes(&self) -> Result<ReplyRule, PayloadError> {
        let pattern = if self.pattern.trim().is_empty() {
            Vec::new()
        } else {
            let bare = SendFormat {
                checksum: Checksum::None,
                line_ending: LineEnding::None,
                ..self.format
            };
            build_payload(&self.pattern, &bare)?
        };
        Ok(ReplyRule {
            pattern: Bytes::from(pattern),
            reply: Bytes::from(build_payload(&self.reply, &self.format)?),
        })
    }
}

impl SessionState {
    /// Adds a rule from the editor's two fields, read with the send settings as they are now;
    /// a field that cannot be read is explained beside the editor and nothing is added.
    pub fn add_reply_rule(&mut self) {
        let rule = AutoReplyRule {
            enabled: true,
            pattern: self.auto_reply.pattern.clone(),
            reply: self.auto_reply.reply.clone(),
            format: self.send.format,
        };
        match rule.to_bytes() {
            Ok(_) => {
                self.auto_reply.rules.push(rule);
                self.auto_reply.pattern.clear();
                self.auto_reply.reply.clear();
                self.errors.auto_reply = None;
            }
            Err(error) => {
                self.errors.auto_reply =
                    Some(crate::i18n::Said::new(|language| error.message(language)));
            }
        }
    }

    /// Checks the rule editor's fields again after an edit, while a message about them is
    /// shown: it goes once both read with the send settings.
    pub(super) fn recheck_reply_editor(&mut self) {
        if self.errors.auto_reply.is_none() {
            return;
        }
        let rule = AutoReplyRule {
            enabled: true,
            pattern: self.auto_reply.pattern.clone(),
            reply: self.auto_reply.reply.clone(),
            format: self.send.format,
        };
        if rule.to_bytes().is_ok() {
            self.errors.auto_reply = None;
        }
    }

    /// Deletes rule `index`.
    pub fn delete_reply_rule(&mut self, index: usize) {
        if index < self.auto_reply.rules.len() {
            self.auto_reply.rules.remove(index);
        }
    }

    /// What the engine should answer with: the echo and the enabled rules (a rule that no
    /// longer reads, say from a damaged settings file, is left out).
    pub fn auto_reply(&self) -> AutoReply {
        AutoReply {
            echo: self.auto_reply.echo,
            rules: self
                .auto_reply
                .rules
                .iter()
                .filter(|rule| rule.enabled)
                .filter_map(|rule| rule.to_bytes().ok())
                .collect(),
            delay: std::time::Duration::from_millis(self.auto_reply.delay_ms),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codec::InputMode;

    #[test]
    fn rules_read_with_the_send_settings_and_bad_ones_are_refused() {
        let mut state = SessionState::default();
        state.send.format.mode = InputMode::Hex;
        state.send.format.checksum = Checksum::Crc16Modbus;
        state.auto_reply.pattern = "01 03".to_owned();
        state.auto_reply.reply = "01 03 02 00 2A".to_owned();
        state.add_reply_rule();
        assert!(state.auto_reply.pattern.is_empty() && state.errors.auto_reply.is_none());
        // The pattern is bare; the reply carries the checksum, low byte first.
        let reply = state.auto_reply();
        assert_eq!(reply.rules[0].pattern, [0x01, 0x03][..]);
        assert_eq!(
            reply.rules[0].reply,
            [0x01, 0x03, 0x02, 0x00, 0x2A, 0x39, 0x9B][..]
        );

        state.auto_reply.pattern = "01 0G".to_owned();
        state.auto_reply.reply = "00".to_owned();
        state.add_reply_rule();
        assert_eq!(state.auto_reply.rules.len(), 1);
        assert!(
            state
                .errors
                .auto_reply
                .as_ref()
                .unwrap()
                .get(state.language)
                .contains("position 5")
        );
        assert_eq!(
            state.auto_reply.pattern, "01 0G",
            "the typing is kept to fix"
        );

        state.auto_reply.rules[0].enabled = false;
        assert!(!state.auto_reply().is_active());
        state.auto_reply.echo = true;
        assert!(state.auto_reply().is_active());
        state.delete_reply_rule(0);
        assert!(state.auto_reply.rules.is_empty());
    }
}
