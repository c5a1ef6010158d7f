//! HF `tokenizers` models from GGUF vocabularies: byte-level BPE for `gpt2`-style vocabularies,
//! and SentencePiece-style BPE (▁ for spaces, byte fallback) for `llama`.

use crate::error::{Error, Result};
use crate::gguf::Metadata;
use tokenizers::decoders::{byte_fallback::ByteFallback, byte_level::ByteLevel as ByteLevelDecoder, fuse::Fuse, sequence::Sequence as DecoderSequence, strip::Strip};
use tokenizers::models::bpe::{Vocab, BPE};
use tokenizers::normalizers::{Prepend, Replace, Sequence as NormalizerSequence};
use tokenizers::pre_tokenizers::split::{Split, SplitPattern};
use tokenizers::pre_tokenizers::{byte_level::ByteLevel, digits::Digits, sequence::Sequence as PreSequence};
use tokenizers::SplitDelimiterBehavior;
use tokenizers::{AddedToken, DecoderWrapper, NormalizerWrapper, PreTokenizerWrapper};

/// GGUF `tokenizer.ggml.token_type` values.
const TOKEN_NORMAL: i64 = 1;
const TOKEN_CONTROL: i64 = 3;
const TOKEN_USER_DEFINED: i64 = 4;

pub struct Built {
    pub tokenizer: tokenizers::Tokenizer,
    pub n_vocab: usize,
    pub is_sentencepiece: bool,
}

fn err(e: impl std::fmt::Display) -> Error {
    Error::Tokenizer(e.to_string())
}

pub fn from_metadata(md: &Metadata) -> Result<Built> {
    let model = md.str("tokenizer.ggml.model")?.ok_or_else(|| Error::Tokenizer("tokenizer.ggml.model is missing".into()))?;
    let tokens = md.str_array("tokenizer.ggml.tokens")?.ok_or_else(|| Error::Tokenizer("tokenizer.ggml.tokens is missing".into()))?;
    let types = md.i64_array("tokenizer.ggml.token_type")?.unwrap_or_else(|| vec![TOKEN_NORMAL; tokens.len()]);
    if types.len() != tokens.len() {
        return Err(Error::Tokenizer(format!("{} token types for {} tokens", types.len(), tokens.len())));
    }
    let vocab: Vocab = tokens.iter().enumerate().map(|(i, t)| (t.to_string(), i as u32)).collect();
    let (mut tokenizer, is_sentencepiece) = match model {
        "gpt2" => (byte_level_bpe(md, vocab)?, false),
        "llama" => (sentencepiece_bpe(md, &tokens, &types, vocab)?, true),
        other => return Err(Error::UnsupportedModel(format!("tokenizer model {other:?} is not supported yet (gpt2, llama)"))),
    };
    // Control and user-defined tokens are matched whole in the input and skipped when decoding.
    let specials: Vec<AddedToken> = tokens
        .iter()
        .zip(&types)
        .filter(|(_, &ty)| ty == TOKEN_CONTROL || ty == TOKEN_USER_DEFINED)
        .map(|(t, _)| AddedToken::from(t.to_string(), true))
        .collect();
    tokenizer.add_special_tokens(specials).map_err(err)?;
    Ok(Built { tokenizer, n_vocab: tokens.len(), is_sentencepiece })
}

/// One merge rule `"a b"`: both parts and their concatenation must be tokens. (`tokenizers`
/// panics on a merge whose result is longer than every token, a case found by fuzzing.)
fn checked_merge(vocab: &Vocab, rule: &str) -> Result<(String, String)> {
    let (a, b) = rule.split_once(' ').ok_or_else(|| err(format!("bad merge {rule:?}")))?;
    for part in [a, b, &format!("{a}{b}")] {
        if !vocab.contains_key(part) {
            return Err(err(format!("merge {rule:?}: {part:?} is not in the vocabulary")));
        }
    }
    Ok((a.to_string(), b.to_string()))
}

fn byte_level_bpe(md: &Metadata, vocab: Vocab) -> Result<tokenizers::Tokenizer> {
    let merges = md.str_array("tokenizer.ggml.merges")?.ok_or_else(|| Error::Tokenizer("tokenizer.ggml.merges is missing".into()))?;
    let merges = merges.iter().map(|m| checked_merge(&vocab, m)).collect::<Result<Vec<_>>>()?;
    let bpe = BPE::builder().vocab_and_merges(vocab, merges).build().map_err(err)?;
    let mut tokenizer = tokenizers::Tokenizer::new(bpe);
    let pre = md.str("tokenizer.ggml.pre")?.unwrap_or("default");
    tokenizer.with_pre_tokenizer(Some(pre_tokenizer(pre)?));
    tokenizer.with_decoder(Some(DecoderWrapper::from(ByteLevelDecoder::default())));
    Ok(tokenizer)
}

/// Word-splitting regexes of gpt2-style vocabularies, by `tokenizer.ggml.pre` (as llama.cpp's
/// llama-vocab.cpp names them).
const LLAMA3_SPLIT: &str = r"(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+";
const QWEN2_SPLIT: &str = r"(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+";
const GPT4O_SPLIT: &str = r"[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?|[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n/]*|\s*[\r\n]+|\s+(?!\S)|\s+";

/// The pre-tokenizer of a gpt2-style vocabulary: split into words, then map bytes to symbols.
pub(crate) fn pre_tokenizer(pre: &str) -> Result<PreTokenizerWrapper> {
    let regex_split = |pattern: &str| -> Result<PreTokenizerWrapper> {
        let split = Split::new(SplitPattern::Regex(pattern.to_string()), SplitDelimiterBehavior::Isolated, false).map_err(err)?;
        Ok(PreSequence::new(vec![split.into(), ByteLevel::new(false, false, false).into()]).into())
    };
    match pre {
        "gpt2" | "default" => Ok(ByteLevel::new(false, false, true).into()),
        // SmolLM: digits one by one, then GPT-2's byte-level split.
        "smollm" => Ok(PreSequence::new(vec![Digits::new(true).into(), ByteLevel::new(false, false, true).into()]).into()),
        "llama-bpe" | "llama3" | "falcon3" | "smaug-bpe" => regex_split(LLAMA3_SPLIT),
        "qwen2" | "deepseek-r1-qwen" | "megrez" => regex_split(QWEN2_SPLIT),
        "gpt-4o" => regex_split(GPT4O_SPLIT),
        other => Err(Error::UnsupportedModel(format!(
            "pre-tokenizer {other:?} is not supported (supported: gpt2, smollm, llama-bpe, qwen2, gpt-4o)"
        ))),
    }
}

/// SentencePiece vocabularies carry scores, not merges: derive merges the way HF's converter
/// does — every split of a piece into two known pieces, ordered by the merged piece's score.
fn sentencepiece_bpe(md: &Metadata, tokens: &[&str], types: &[i64], vocab: Vocab) -> Result<tokenizers::Tokenizer> {
    let scores = md.f64_array("tokenizer.ggml.scores")?.unwrap_or_else(|| (0..tokens.len()).map(|i| -(i as f64)).collect());
    let mut merges: Vec<(f64, u32, u32, String, String)> = Vec::new();
    for (i, piece) in tokens.iter().enumerate() {
        if types[i] != TOKEN_NORMAL {
            continue;
        }
        for (split, _) in piece.char_indices().skip(1) {
            let (left, right) = piece.split_at(split);
            if let (Some(&l), Some(&r)) = (vocab.get(left), vocab.get(right)) {
                merges.push((scores.get(i).copied().unwrap_or(0.0), l, r, left.to_string(), right.to_string()));
            }
        }
    }
    merges.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
    let merges = merges.into_iter().map(|m| (m.3, m.4)).collect();
    let unk = md.u64("tokenizer.ggml.unknown_token_id")?.and_then(|i| tokens.get(i as usize)).unwrap_or(&"<unk>").to_string();
    let bpe = BPE::builder().vocab_and_merges(vocab, merges).unk_token(unk).byte_fallback(true).fuse_unk(true).build().map_err(err)?;
    let mut tokenizer = tokenizers::Tokenizer::new(bpe);
    // SentencePiece's dummy prefix: a space before the text (not for gemma, whose files say so).
    let add_space_prefix = md.bool("tokenizer.ggml.add_space_prefix")?.unwrap_or(true);
    let mut normalizers: Vec<NormalizerWrapper> = vec![Replace::new(" ", "▁").map_err(err)?.into()];
    let mut decoders: Vec<DecoderWrapper> = vec![
        tokenizers::decoders::DecoderWrapper::Replace(tokenizers::normalizers::Replace::new("▁", " ").map_err(err)?),
        ByteFallback::new().into(),
        Fuse::new().into(),
    ];
    if add_space_prefix {
        normalizers.insert(0, Prepend::new("▁".into()).into());
        decoders.push(Strip::new(' ', 1, 0).into());
    }
    tokenizer.with_normalizer(Some(NormalizerWrapper::from(NormalizerSequence::new(normalizers)))).map_err(err)?;
    let decoder: DecoderWrapper = DecoderSequence::new(decoders).into();
    tokenizer.with_decoder(Some(decoder));
    Ok(tokenizer)
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokenizers::{OffsetReferential, OffsetType, PreTokenizedString, PreTokenizer};

    fn words(pre: &str, text: &str) -> Vec<String> {
        let mut s = PreTokenizedString::from(text);
        pre_tokenizer(pre).unwrap().pre_tokenize(&mut s).unwrap();
        s.get_splits(OffsetReferential::Original, OffsetType::Byte).into_iter().map(|(w, _, _)| w.to_string()).collect()
    }

    #[test]
    fn pre_tokenizers_split_words_and_numbers_like_their_models() {
        // Llama 3 groups digits by three, Qwen2 splits every digit; both keep the leading space (Ġ).
        assert_eq!(words("llama-bpe", "Hello world 12345!"), ["Hello", "Ġworld", "Ġ", "123", "45", "!"]);
        assert_eq!(words("qwen2", "Hello world 12345!"), ["Hello", "Ġworld", "Ġ", "1", "2", "3", "4", "5", "!"]);
        assert_eq!(words("gpt-4o", "HelloWorld it's"), ["Hello", "World", "Ġit's"]);
        assert_eq!(words("smollm", "a 12"), ["a", "Ġ", "1", "2"]);
        assert_eq!(words("gpt2", "don't stop"), ["don", "'t", "Ġstop"]);
        assert!(pre_tokenizer("no-such-pre").is_err());
    }
}
