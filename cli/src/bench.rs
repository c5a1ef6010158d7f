//! `bench`: load time, time to first token, prefill and decode tokens/s on this machine's GPU.

use crate::args::Args;
use webslm::generate::GenerateOptions;
use webslm::tokenizer::ChatMessage;
use webslm::Error;

pub async fn bench(args: &Args) -> Result<(), Error> {
    let n_prompt: usize = args.num("--prompt-tokens", 100).map_err(Error::InvalidRequest)?;
    let n_gen: usize = args.num("--gen", 128).map_err(Error::InvalidRequest)?;
    let loaded = crate::load(args).await?;
    let mut engine = loaded.engine;
    // A chat-templated prompt of about n_prompt tokens.
    let filler = "Tell me about the history of maps, from clay tablets to satellites, in some detail. ";
    let mut user = String::new();
    let prompt = loop {
        user.push_str(filler);
        let ids = engine.tokenizer.encode_chat(&[ChatMessage::new("user", &user)])?;
        if ids.len() >= n_prompt {
            break ids;
        }
    };
    // Greedy, and no stop tokens end it early: a fixed amount of work.
    engine.tokenizer.stop_ids.clear();
    let options = GenerateOptions { max_tokens: n_gen, ..Default::default() };
    let out = engine.complete(&prompt, &options, |_| true).await?;
    let t = out.timings;
    println!("adapter        {}", engine.ctx.info.summary());
    println!("model          {} ({:.1} MiB of weights on the GPU)", args.required("--model").unwrap_or(""), engine.model.weight_bytes as f64 / (1 << 20) as f64);
    println!("load (disk)    {:.2} s", loaded.load_seconds);
    println!("prompt         {} tokens, time to first token {:.3} s", prompt.len(), t.prefill_ms / 1000.0);
    println!("prefill        {:.1} tok/s", t.prefill_tok_s());
    println!("decode         {:.1} tok/s ({} tokens)", t.decode_tok_s(), t.decode_steps);
    Ok(())
}
