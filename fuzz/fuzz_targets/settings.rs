//! Saved workspaces: whatever the file holds (damaged, hand-edited, from another version,
//! a single-session settings record) is read or refused with a reason, never a panic; what is
//! read becomes a workspace within every range and is saved again as text that reads back.
#![no_main]

use libfuzzer_sys::fuzz_target;
use netdebug::workspace_file::WorkspaceFile;

fuzz_target!(|text: &str| {
    let (file, reason) = WorkspaceFile::from_text(Some(text));
    let Some(file) = file else {
        assert!(reason.is_some(), "refused without a reason: {text:?}");
        return;
    };
    let workspace = file.to_workspace();
    assert!(!workspace.tabs().is_empty());
    let saved = WorkspaceFile::from_workspace(&workspace, file.layout.clone()).to_text();
    let (again, reason) = WorkspaceFile::from_text(Some(&saved));
    assert!(again.is_some(), "{saved:?} does not read back: {reason:?}");
});
