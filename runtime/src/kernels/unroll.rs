//! One-statement loops in WGSL text, written as a line marked `// for each VAR < BOUND` and
//! expanded when a kernel is compiled: into a loop, or unrolled, the statement repeated for VAR =
//! 0 .. n - 1 with the identifier VAR replaced by the constant (`0u`, `1u`, …).
//!
//! Why unroll: private arrays indexed only by constants stay in registers; indexed by a loop
//! counter they live in memory, and SwiftShader's compiler (Subzero) unrolls nothing. Attention's
//! loops over a head's quads took most of its time there. Why not always: on lavapipe the
//! unrolled decode attention ran 8x slower than the loops, which its LLVM handles well.

/// How marked lines are expanded.
#[derive(Clone, Copy)]
pub enum Expand {
    /// `for (var VAR = 0u; VAR < BOUND; VAR++) { statement }`
    Loop,
    /// The statement repeated this many times (BOUND's value).
    Unrolled(u32),
}

/// `wgsl` with every line marked `// for each {var} < {bound}` expanded as `how` says.
pub fn expand(wgsl: &str, var: &str, bound: &str, how: Expand) -> String {
    let marker = format!("// for each {var} < {bound}");
    let mut out = String::with_capacity(wgsl.len());
    for line in wgsl.lines() {
        let Some(marked) = line.strip_suffix(&marker) else {
            out.push_str(line);
            out.push('\n');
            continue;
        };
        let statement = marked.trim_end();
        match how {
            Expand::Loop => {
                let indent = &statement[..statement.len() - statement.trim_start().len()];
                out.push_str(&format!("{indent}for (var {var} = 0u; {var} < {bound}; {var}++) {{ {} }}\n", statement.trim_start()));
            }
            Expand::Unrolled(n) => {
                for i in 0..n {
                    out.push_str(&replace_identifier(statement, var, &format!("{i}u")));
                    out.push('\n');
                }
            }
        }
    }
    out
}

/// `text` with each whole-word occurrence of the identifier `name` replaced by `value`.
fn replace_identifier(text: &str, name: &str, value: &str) -> String {
    let is_ident = |c: char| c.is_ascii_alphanumeric() || c == '_';
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    for (at, _) in text.match_indices(name) {
        let before = text[..at].chars().next_back();
        let after = text[at + name.len()..].chars().next();
        if !before.is_some_and(is_ident) && !after.is_some_and(is_ident) {
            out.push_str(&text[copied..at]);
            out.push_str(value);
            copied = at + name.len();
        }
    }
    out.push_str(&text[copied..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const WGSL: &str = "var s = 0.0;\n    s += dot(qs[d], k(kv, d, dd)); // for each d < D4\nreturn s;\n";

    #[test]
    fn unrolled_lines_repeat_with_the_constant() {
        let expected = "var s = 0.0;\n    s += dot(qs[0u], k(kv, 0u, dd));\n    s += dot(qs[1u], k(kv, 1u, dd));\nreturn s;\n";
        assert_eq!(expand(WGSL, "d", "D4", Expand::Unrolled(2)), expected);
    }

    #[test]
    fn looped_lines_become_a_loop() {
        let expected = "var s = 0.0;\n    for (var d = 0u; d < D4; d++) { s += dot(qs[d], k(kv, d, dd)); }\nreturn s;\n";
        assert_eq!(expand(WGSL, "d", "D4", Expand::Loop), expected);
    }

    #[test]
    fn other_lines_and_identifiers_are_untouched() {
        let wgsl = "let d4 = d; // for each i < D4\n";
        assert_eq!(expand(wgsl, "d", "D4", Expand::Unrolled(3)), wgsl);
        assert_eq!(replace_identifier("add(d, d_1, od, d)", "d", "7u"), "add(7u, d_1, od, 7u)");
    }
}
