//! Stop strings in streamed text: text is released only once it cannot be the start of a stop
//! string, and everything from the first stop string on is dropped.

pub struct StopText {
    stops: Vec<String>,
    pending: String,
}

impl StopText {
    pub fn new(stops: &[String]) -> Self {
        Self { stops: stops.iter().filter(|s| !s.is_empty()).cloned().collect(), pending: String::new() }
    }

    /// Adds streamed text; returns the text now safe to emit and whether a stop string was hit
    /// (then nothing more should be emitted).
    pub fn push(&mut self, piece: &str) -> (String, bool) {
        self.pending.push_str(piece);
        let first_stop = self.stops.iter().filter_map(|s| self.pending.find(s.as_str())).min();
        if let Some(at) = first_stop {
            let out = self.pending[..at].to_string();
            self.pending.clear();
            return (out, true);
        }
        // Hold back the longest tail that a stop string starts with.
        let held = self
            .pending
            .char_indices()
            .map(|(i, _)| i)
            .find(|&i| self.stops.iter().any(|s| s.starts_with(&self.pending[i..])))
            .unwrap_or(self.pending.len());
        let out = self.pending[..held].to_string();
        self.pending.drain(..held);
        (out, false)
    }

    /// The held-back text, when generation ends without a stop string.
    pub fn finish(&mut self) -> String {
        std::mem::take(&mut self.pending)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(stops: &[&str], pieces: &[&str]) -> (String, bool) {
        let stops: Vec<String> = stops.iter().map(|s| s.to_string()).collect();
        let mut st = StopText::new(&stops);
        let mut out = String::new();
        for p in pieces {
            let (text, hit) = st.push(p);
            out.push_str(&text);
            if hit {
                return (out, true);
            }
        }
        out.push_str(&st.finish());
        (out, false)
    }

    #[test]
    fn stop_strings_split_across_pieces_are_caught() {
        assert_eq!(run(&["\nUser:"], &["Hello", "\nUs", "er: hi"]), ("Hello".into(), true));
        assert_eq!(run(&["END"], &["aEN", "D b"]), ("a".into(), true));
        assert_eq!(run(&["END"], &["aEN", "d"]), ("aENd".into(), false));
        assert_eq!(run(&[], &["x", "y"]), ("xy".into(), false));
        assert_eq!(run(&["é!"], &["café", "?"]), ("café?".into(), false));
        assert_eq!(run(&["b", "abc"], &["xab"]), ("xa".into(), true));
    }

    #[test]
    fn held_text_is_released_as_soon_as_it_cannot_start_a_stop() {
        let stops = vec!["STOP".to_string()];
        let mut st = StopText::new(&stops);
        assert_eq!(st.push("go ST"), ("go ".into(), false));
        assert_eq!(st.push("OR"), ("STOR".into(), false));
    }
}
