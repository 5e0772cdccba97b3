//! Saved settings: whatever the file holds (damaged, hand-edited, from another version) is
//! read or refused with a reason, never a panic; what is read applies to the window within
//! every range and is saved again as text that reads back.
#![no_main]

use libfuzzer_sys::fuzz_target;
use netdebug::i18n::Language;
use netdebug::settings::Settings;
use netdebug::state::AppState;

fuzz_target!(|text: &str| {
    let (settings, reason) = Settings::from_text(Some(text));
    let Some(settings) = settings else {
        assert!(reason.is_some(), "refused without a reason: {text:?}");
        return;
    };
    let mut state = AppState::new(Language::English);
    settings.apply(&mut state);
    let saved = Settings::from_state(&state).to_text();
    let (again, reason) = Settings::from_text(Some(&saved));
    assert!(again.is_some(), "{saved:?} does not read back: {reason:?}");
});
