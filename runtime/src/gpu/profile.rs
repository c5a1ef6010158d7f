//! Where a forward pass's time goes, kernel by kernel, two ways. A [`Recorder`](super::Recorder)
//! made with `Recorder::profiled` submits every dispatch on its own and waits for it, adding the
//! time to the kernel's label here: native only (the browser cannot wait for the GPU
//! synchronously), and each figure includes one submission's overhead (tens of µs on CPU
//! adapters), so it is a guide to where the time goes, not a measure of the pipelined pass.
//! `Recorder::timed` has the GPU stamp each dispatch instead ([`super::Timestamps`]): one
//! submission, in browsers too.

/// Time per kernel label, in the order first seen.
#[derive(Default, Debug, Clone)]
pub struct Profile {
    pub entries: Vec<ProfileEntry>,
}

#[derive(Debug, Clone)]
pub struct ProfileEntry {
    pub label: String,
    pub calls: u32,
    pub ms: f64,
}

impl Profile {
    pub fn add(&mut self, label: &str, ms: f64) {
        self.add_calls(label, 1, ms);
    }

    /// `calls` calls of `label` that took `ms` in all.
    fn add_calls(&mut self, label: &str, calls: u32, ms: f64) {
        match self.entries.iter_mut().find(|e| e.label == label) {
            Some(e) => {
                e.calls += calls;
                e.ms += ms;
            }
            None => self.entries.push(ProfileEntry { label: label.to_string(), calls, ms }),
        }
    }

    /// Adds `other`'s calls and times to this one's.
    pub fn merge(&mut self, other: &Profile) {
        for e in &other.entries {
            self.add_calls(&e.label, e.calls, e.ms);
        }
    }

    pub fn total_ms(&self) -> f64 {
        self.entries.iter().map(|e| e.ms).sum()
    }

    /// The entries, most time first.
    pub fn by_time(&self) -> Vec<&ProfileEntry> {
        let mut v: Vec<_> = self.entries.iter().collect();
        v.sort_by(|a, b| b.ms.total_cmp(&a.ms));
        v
    }
}

impl std::fmt::Display for Profile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let total = self.total_ms();
        writeln!(f, "{:<24} {:>6} {:>10} {:>6}", "kernel", "calls", "ms", "%")?;
        for e in self.by_time() {
            writeln!(f, "{:<24} {:>6} {:>10.2} {:>5.1}%", e.label, e.calls, e.ms, 100.0 * e.ms / total)?;
        }
        write!(f, "{:<24} {:>6} {:>10.2}", "total", self.entries.iter().map(|e| e.calls).sum::<u32>(), total)
    }
}
