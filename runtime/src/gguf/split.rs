//! gguf-split models: one model in several files `name-00001-of-0000N.gguf`, … . The first shard
//! holds all metadata; every shard holds `split.no`, `split.count` and `split.tensors.count` plus
//! its own tensors. This module derives shard names and checks each shard's place in the set.

use super::{GgufError, Metadata};

/// The shard names of a split model, given its first shard's name or URL (a query string or
/// fragment is kept on each); `None` when the name has no `-00001-of-0000N.gguf` suffix.
pub fn shard_names(first: &str) -> Option<Vec<String>> {
    let cut = first.find(['?', '#']).unwrap_or(first.len());
    let (path, tail) = first.split_at(cut);
    let stem = path.strip_suffix(".gguf")?;
    // "<base>-NNNNN-of-MMMMM"
    let (rest, count) = stem.rsplit_once("-of-")?;
    let (base, no) = rest.rsplit_once('-')?;
    let digits = |s: &str| s.len() == 5 && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(no) || !digits(count) || no != "00001" {
        return None;
    }
    let count: u32 = count.parse().ok().filter(|&c| c >= 1)?;
    Some((1..=count).map(|i| format!("{base}-{i:05}-of-{count:05}.gguf{tail}")).collect())
}

/// A shard's `split.*` keys: its index (from 0), the number of shards and of tensors in all.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SplitInfo {
    pub no: u32,
    pub count: u32,
    pub tensors: u64,
}

impl SplitInfo {
    /// `None` for an ordinary (unsplit) file.
    pub fn from_metadata(md: &Metadata) -> Result<Option<Self>, GgufError> {
        let Some(count) = md.u64("split.count")? else { return Ok(None) };
        let bad = |reason: String| GgufError::BadMetadata { key: "split.count".into(), reason };
        let no = md.u64("split.no")?.unwrap_or(0);
        let tensors = md.u64("split.tensors.count")?.unwrap_or(0);
        if count == 0 || count > 9999 || no >= count {
            return Err(bad(format!("shard {no} of {count} is not a valid split")));
        }
        Ok(Some(Self { no: no as u32, count: count as u32, tensors }))
    }

    /// Checks that this is shard `expected_no` of a set of `count` shards.
    pub fn check_place(this: Option<Self>, expected_no: u32, count: u32) -> Result<(), GgufError> {
        let (no, n) = this.map_or((0, 1), |s| (s.no, s.count));
        if no != expected_no || n != count {
            return Err(GgufError::BadMetadata {
                key: "split.no".into(),
                reason: format!("expected shard {} of {count}, the file says shard {} of {n}", expected_no + 1, no + 1),
            });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::shard_names;

    #[test]
    fn shard_names_are_derived_from_the_first() {
        assert_eq!(
            shard_names("https://h/x/m-00001-of-00003.gguf?download=1").unwrap(),
            ["https://h/x/m-00001-of-00003.gguf?download=1", "https://h/x/m-00002-of-00003.gguf?download=1", "https://h/x/m-00003-of-00003.gguf?download=1"]
        );
        assert_eq!(shard_names("m-00001-of-00001.gguf").unwrap(), ["m-00001-of-00001.gguf"]);
        for not_first in ["m.gguf", "m-00002-of-00003.gguf", "m-1-of-3.gguf", "m-00001-of-00003.bin", "m-00001-of-00000.gguf"] {
            assert_eq!(shard_names(not_first), None, "{not_first}");
        }
    }
}
