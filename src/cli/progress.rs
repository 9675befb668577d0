//! The progress display of long searches: an indicatif spinner on stderr with states per
//! second and the process's memory, drawn only when stderr is a terminal and `--quiet` is
//! not given, so CI logs and pipes get no progress lines at all.

use std::io::IsTerminal;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};

/// A progress display that may be switched off.
pub struct Progress {
    bar: Option<ProgressBar>,
    label: String,
}

impl Progress {
    /// A spinner labelled `label` when stderr is a terminal and `quiet` is false;
    /// otherwise a display that draws nothing.
    pub fn new(label: &str, quiet: bool) -> Self {
        Self::with_terminal(label, !quiet && std::io::stderr().is_terminal())
    }

    /// As [`Progress::new`], with the terminal test given (for tests).
    pub fn with_terminal(label: &str, draw: bool) -> Self {
        let bar = draw.then(|| {
            let bar = ProgressBar::new_spinner();
            bar.set_style(
                ProgressStyle::with_template("{spinner} {prefix}: {msg} [{elapsed}]")
                    .unwrap_or_else(|_| ProgressStyle::default_spinner()),
            );
            bar.set_prefix(label.to_owned());
            bar.set_message("exploring");
            bar.enable_steady_tick(Duration::from_millis(200));
            bar
        });
        Progress {
            bar,
            label: label.to_owned(),
        }
    }

    /// Whether anything is drawn.
    #[cfg(test)]
    pub fn is_drawn(&self) -> bool {
        self.bar.is_some()
    }

    /// Shows the current counts: states, states per second since the start, transitions,
    /// depth and resident memory.
    pub fn update(&self, states: usize, transitions: usize, depth: usize) {
        if let Some(bar) = &self.bar {
            bar.set_message(message(
                states,
                bar.elapsed().as_secs_f64(),
                transitions,
                depth,
                resident_bytes(),
            ));
        }
    }

    /// Shows a message of the caller's own (e.g. `parameter set 2, 1200 states, 40
    /// vectors`), with the resident memory.
    pub fn say(&self, text: &str) {
        if let Some(bar) = &self.bar {
            let mut text = text.to_owned();
            if let Some(bytes) = resident_bytes() {
                text.push_str(&format!(", {}", indicatif::BinaryBytes(bytes)));
            }
            bar.set_message(text);
        }
    }

    /// Clears the display and, when it was drawn, says how long the work took.
    pub fn finish(self) {
        if let Some(bar) = self.bar {
            let elapsed = bar.elapsed();
            bar.finish_and_clear();
            errln!("{}: done in {:.1} s", self.label, elapsed.as_secs_f64());
        }
    }
}

/// The text of the display: `1200 states (600/s), 4000 transitions, depth 12, 35.2 MiB`.
pub fn message(
    states: usize,
    seconds: f64,
    transitions: usize,
    depth: usize,
    memory: Option<u64>,
) -> String {
    let rate = if seconds > 0.0 {
        (states as f64 / seconds).round() as u64
    } else {
        0
    };
    let mut text = format!("{states} states ({rate}/s), {transitions} transitions, depth {depth}");
    if let Some(bytes) = memory {
        text.push_str(&format!(", {}", indicatif::BinaryBytes(bytes)));
    }
    text
}

/// The process's resident memory, where the system says (Linux: `/proc/self/statm`,
/// assuming 4 KiB pages); `None` elsewhere.
fn resident_bytes() -> Option<u64> {
    let statm = std::fs::read_to_string("/proc/self/statm").ok()?;
    let pages: u64 = statm.split_whitespace().nth(1)?.parse().ok()?;
    Some(pages * 4096)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_message_has_the_rate_and_the_memory() {
        assert_eq!(
            message(1200, 2.0, 4000, 12, Some(3 * 1024 * 1024)),
            "1200 states (600/s), 4000 transitions, depth 12, 3.00 MiB"
        );
        assert_eq!(
            message(5, 0.0, 7, 1, None),
            "5 states (0/s), 7 transitions, depth 1"
        );
    }

    #[test]
    fn nothing_is_drawn_off_a_terminal_or_when_quiet() {
        let progress = Progress::with_terminal("system", false);
        assert!(!progress.is_drawn());
        progress.update(1, 1, 1);
        progress.say("parameter set 1");
        progress.finish();
        // Test runs capture stderr: never a terminal.
        assert!(!Progress::new("system", false).is_drawn());
        assert!(!Progress::new("system", true).is_drawn());
    }
}
