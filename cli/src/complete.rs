//! `complete` (one prompt → one completion, optionally JSON with top-k logits) and `chat`.

use crate::args::Args;
use webslm::generate::generate_greedy;
use webslm::model::Logits;
use webslm::tokenizer::{ChatMessage, TextStream};
use webslm::Error;

fn invalid(message: String) -> Error {
    Error::InvalidRequest(message)
}

/// The K highest logits of one position, best first (ties: lower id first).
fn top_k(logits: &[f32], k: usize) -> Vec<(u32, f32)> {
    let mut ids: Vec<u32> = (0..logits.len() as u32).collect();
    ids.sort_by(|&a, &b| logits[b as usize].total_cmp(&logits[a as usize]).then(a.cmp(&b)));
    ids.truncate(k);
    ids.into_iter().map(|i| (i, logits[i as usize])).collect()
}

pub async fn complete(args: &Args) -> Result<(), Error> {
    let temperature: f32 = args.num("--temperature", 0.0).map_err(invalid)?;
    if temperature != 0.0 {
        return Err(invalid("only --temperature 0 (greedy) is implemented so far".into()));
    }
    let max_tokens: usize = args.num("--max-tokens", 64).map_err(invalid)?;
    let logprobs: usize = args.num("--logprobs", 0).map_err(invalid)?;
    let echo = args.flag("--echo");
    let loaded = crate::load(args).await?;
    let (ctx, model, tok) = (&loaded.ctx, &loaded.model, &loaded.tokenizer);
    let prompt: Vec<u32> = match (args.str("--prompt"), args.str("--prompt-ids")) {
        (Some(text), None) => tok.encode(text, true)?,
        (None, Some(ids)) => ids
            .split(',')
            .map(|s| s.trim().parse().map_err(|_| invalid(format!("--prompt-ids: {s:?} is not a token id"))))
            .collect::<Result<_, _>>()?,
        _ => return Err(invalid("give exactly one of --prompt and --prompt-ids".into())),
    };

    let (generated, positions) = if logprobs == 0 {
        let out = generate_greedy(ctx, model, &prompt, max_tokens, &tok.stop_ids, |_| true).await?;
        (out.tokens, Vec::new())
    } else {
        // Logprobs need every computed position's logits: read them back (no GPU argmax).
        let k = logprobs.min(model.config.n_vocab as usize);
        let n_vocab = model.config.n_vocab as usize;
        let mut positions: Vec<Vec<(u32, f32)>> = Vec::new();
        let which = if echo { Logits::All } else { Logits::Last };
        let logits = model.forward(ctx, &prompt, 0, which).await?;
        positions.extend(logits.chunks(n_vocab).map(|row| top_k(row, k)));
        let mut generated = Vec::new();
        let mut pos = prompt.len() as u32;
        while generated.len() < max_tokens {
            let next = positions.last().expect("at least one position")[0].0;
            if tok.stop_ids.contains(&next) {
                break;
            }
            generated.push(next);
            if generated.len() == max_tokens || pos >= model.n_ctx {
                break;
            }
            let logits = model.forward(ctx, &[next], pos, Logits::Last).await?;
            positions.push(top_k(&logits, k));
            pos += 1;
        }
        (generated, positions)
    };

    let text = tok.decode(&generated)?;
    if args.flag("--json") {
        let tokens: Vec<u32> = prompt.iter().chain(&generated).copied().collect();
        let json = serde_json::json!({
            "tokens": tokens,
            "n_prompt": prompt.len(),
            "text": text,
            "positions": positions.iter().map(|top| serde_json::json!({"top": top})).collect::<Vec<_>>(),
        });
        println!("{json}");
    } else {
        println!("{text}");
    }
    Ok(())
}

pub async fn chat(args: &Args) -> Result<(), Error> {
    use std::io::{BufRead, Write};
    let max_tokens: usize = args.num("--max-tokens", 512).map_err(invalid)?;
    let loaded = crate::load(args).await?;
    let (ctx, model, tok) = (&loaded.ctx, &loaded.model, &loaded.tokenizer);
    eprintln!("{} on {} — empty line quits", model.header.metadata.str("general.name")?.unwrap_or("model"), ctx.info.adapter_name());
    let mut messages: Vec<ChatMessage> = Vec::new();
    let stdin = std::io::stdin();
    loop {
        eprint!("> ");
        let mut line = String::new();
        if stdin.lock().read_line(&mut line).map_err(|e| invalid(e.to_string()))? == 0 || line.trim().is_empty() {
            return Ok(());
        }
        messages.push(ChatMessage::new("user", line.trim()));
        let prompt = tok.encode_chat(&messages)?;
        let mut stream = TextStream::new();
        let mut reply = String::new();
        let mut stream_error = None;
        generate_greedy(ctx, model, &prompt, max_tokens, &tok.stop_ids, |id| match stream.push(tok, id) {
            Ok(piece) => {
                print!("{piece}");
                let _ = std::io::stdout().flush();
                reply.push_str(&piece);
                true
            }
            Err(e) => {
                stream_error = Some(e);
                false
            }
        })
        .await?;
        println!();
        if let Some(e) = stream_error {
            return Err(e);
        }
        messages.push(ChatMessage::new("assistant", &reply));
    }
}
