//! Command-line arguments: `--flag value` pairs and boolean `--flag`s after a subcommand.

use std::collections::HashMap;

pub struct Args {
    pub command: String,
    values: HashMap<String, String>,
    flags: Vec<String>,
}

/// Flags that take no value.
const BOOLEAN_FLAGS: &[&str] = &["--echo", "--json", "--no-roofline", "--large", "--header-only", "--timestamps"];

impl Args {
    pub fn parse(mut argv: impl Iterator<Item = String>) -> Result<Self, String> {
        let command = argv.next().ok_or("missing command")?;
        let (mut values, mut flags) = (HashMap::new(), Vec::new());
        while let Some(arg) = argv.next() {
            if BOOLEAN_FLAGS.contains(&arg.as_str()) {
                flags.push(arg);
            } else if arg.starts_with("--") {
                let value = argv.next().ok_or(format!("{arg} needs a value"))?;
                values.insert(arg, value);
            } else {
                return Err(format!("unexpected argument {arg:?}"));
            }
        }
        Ok(Self { command, values, flags })
    }

    pub fn flag(&self, name: &str) -> bool {
        self.flags.iter().any(|f| f == name)
    }

    pub fn str(&self, name: &str) -> Option<&str> {
        self.values.get(name).map(String::as_str)
    }

    pub fn required(&self, name: &str) -> Result<&str, String> {
        self.str(name).ok_or(format!("{name} is required"))
    }

    pub fn num<T: std::str::FromStr>(&self, name: &str, default: T) -> Result<T, String> {
        match self.str(name) {
            None => Ok(default),
            Some(v) => v.parse().map_err(|_| format!("{name}: {v:?} is not a valid number")),
        }
    }
}
