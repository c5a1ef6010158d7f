//! `complete` (one prompt → one completion, optionally JSON with top-k logits) and `chat`.

use crate::args::Args;
use webslm::generate::GenerateOptions;
use webslm::kernels::Sampling;
use webslm::tokenizer::ChatMessage;
use webslm::Error;

fn invalid(message: String) -> Error {
    Error::InvalidRequest(message)
}

/// Sampling, seed, stop and length options shared by `complete` and `chat`.
fn options(args: &Args, default_max_tokens: usize) -> Result<GenerateOptions, Error> {
    let seed = match args.str("--seed") {
        Some(_) => args.num("--seed", 0u64).map_err(invalid)?,
        // Without a seed, a fresh one per run (still reproducible when given back).
        None => std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos() as u64).unwrap_or(0),
    };
    let sampling = Sampling {
        temperature: args.num("--temperature", 0.0f32).map_err(invalid)?,
        top_k: args.num("--top-k", 0u32).map_err(invalid)?,
        top_p: args.num("--top-p", 1.0f32).map_err(invalid)?,
    };
    if !(sampling.temperature >= 0.0 && sampling.top_p > 0.0 && sampling.top_p <= 1.0) {
        return Err(invalid("--temperature must be ≥ 0 and --top-p in (0, 1]".into()));
    }
    Ok(GenerateOptions {
        max_tokens: args.num("--max-tokens", default_max_tokens).map_err(invalid)?,
        sampling,
        seed,
        stop: args.str("--stop").map(|s| vec![s.to_string()]).unwrap_or_default(),
        logprobs: args.num("--logprobs", 0usize).map_err(invalid)?,
        echo: args.flag("--echo"),
        ignore_eos: false,
    })
}

pub async fn complete(args: &Args) -> Result<(), Error> {
    let options = options(args, 64)?;
    let mut engine = crate::load(args).await?.engine;
    let prompt: Vec<u32> = match (args.str("--prompt"), args.str("--prompt-ids")) {
        (Some(text), None) => engine.tokenizer.encode(text, true)?,
        (None, Some(ids)) => ids
            .split(',')
            .map(|s| s.trim().parse().map_err(|_| invalid(format!("--prompt-ids: {s:?} is not a token id"))))
            .collect::<Result<_, _>>()?,
        _ => return Err(invalid("give exactly one of --prompt and --prompt-ids".into())),
    };
    let out = engine.complete(&prompt, &options, |_| true).await?;
    if args.flag("--json") {
        let tokens: Vec<u32> = prompt.iter().chain(&out.tokens).copied().collect();
        let json = serde_json::json!({
            "tokens": tokens,
            "n_prompt": prompt.len(),
            "text": out.text,
            "positions": out.positions.iter().map(|top| serde_json::json!({"top": top})).collect::<Vec<_>>(),
        });
        println!("{json}");
    } else {
        println!("{}", out.text);
    }
    Ok(())
}

pub async fn chat(args: &Args) -> Result<(), Error> {
    use std::io::{BufRead, Write};
    let options = options(args, 512)?;
    let mut engine = crate::load(args).await?.engine;
    let name = engine.model.header.metadata.str("general.name")?.unwrap_or("model").to_string();
    eprintln!("{name} on {} — empty line quits", engine.ctx.info.adapter_name());
    let mut messages: Vec<ChatMessage> = Vec::new();
    let stdin = std::io::stdin();
    loop {
        eprint!("> ");
        let mut line = String::new();
        if stdin.lock().read_line(&mut line).map_err(|e| invalid(e.to_string()))? == 0 || line.trim().is_empty() {
            return Ok(());
        }
        messages.push(ChatMessage::new("user", line.trim()));
        let out = engine
            .chat(&messages, &options, |piece| {
                print!("{piece}");
                std::io::stdout().flush().is_ok()
            })
            .await?;
        println!();
        let t = out.timings;
        eprintln!("[{} new prompt tokens at {:.1} tok/s, {} tokens at {:.1} tok/s]", t.prefill_tokens, t.prefill_tok_s(), out.tokens.len(), t.decode_tok_s());
        messages.push(ChatMessage::new("assistant", &out.text));
    }
}
