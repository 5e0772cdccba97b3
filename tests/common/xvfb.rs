//! An Xvfb server for the tests and benchmarks that draw the real window (the benchmarks
//! include this file by path).

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

/// An Xvfb server on a display number it picked itself, stopped when dropped.
pub struct Xvfb {
    child: Child,
    /// The display, as `DISPLAY` takes it (`:N`).
    pub name: String,
}

impl Xvfb {
    /// Starts Xvfb with a 1280×800 screen and `extra` arguments; fails if there is no Xvfb.
    pub fn start(extra: &[&str]) -> std::io::Result<Self> {
        let mut child = Command::new("Xvfb")
            .args(["-displayfd", "1", "-screen", "0", "1280x800x24"])
            .args(["-nolisten", "tcp"])
            .args(extra)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()?;
        // -displayfd: Xvfb writes the display number once it accepts clients, so there is no
        // number to guess and no delay to wait out.
        let mut number = String::new();
        if let Some(stdout) = child.stdout.take() {
            BufReader::new(stdout).read_line(&mut number)?;
        }
        if number.trim().is_empty() {
            let _ = child.kill();
            let _ = child.wait();
            return Err(std::io::Error::other("Xvfb exited without a display"));
        }
        Ok(Self {
            child,
            name: format!(":{}", number.trim()),
        })
    }
}

impl Drop for Xvfb {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
