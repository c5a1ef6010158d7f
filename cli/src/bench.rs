//! `bench`: load time, time to first token, prefill and decode tokens/s on this machine's GPU.

use crate::args::Args;
use webslm::tokenizer::ChatMessage;
use webslm::Error;

pub async fn bench(args: &Args) -> Result<(), Error> {
    let n_prompt: usize = args.num("--prompt-tokens", 100).map_err(Error::InvalidRequest)?;
    let n_gen: usize = args.num("--gen", 128).map_err(Error::InvalidRequest)?;
    let loaded = crate::load(args).await?;
    let (ctx, model, tok) = (&loaded.ctx, &loaded.model, &loaded.tokenizer);
    // A chat-templated prompt of about n_prompt tokens.
    let filler = "Tell me about the history of maps, from clay tablets to satellites, in some detail. ";
    let mut user = String::new();
    let prompt = loop {
        user.push_str(filler);
        let ids = tok.encode_chat(&[ChatMessage::new("user", &user)])?;
        if ids.len() >= n_prompt {
            break ids;
        }
    };
    let start = std::time::Instant::now();
    let mut next = model.forward_greedy(ctx, &prompt, 0).await?;
    let prefill = start.elapsed().as_secs_f64();
    let start = std::time::Instant::now();
    for pos in prompt.len()..prompt.len() + n_gen - 1 {
        next = model.forward_greedy(ctx, &[next], pos as u32).await?;
    }
    let decode = start.elapsed().as_secs_f64();
    println!("adapter        {}", ctx.info.summary());
    println!("model          {} ({:.1} MiB of weights on the GPU)", args.required("--model").unwrap_or(""), model.weight_bytes as f64 / (1 << 20) as f64);
    println!("load (disk)    {:.2} s", loaded.load_seconds);
    println!("prompt         {} tokens, time to first token {:.3} s", prompt.len(), prefill);
    println!("prefill        {:.1} tok/s", prompt.len() as f64 / prefill);
    println!("decode         {:.1} tok/s ({} tokens)", (n_gen - 1) as f64 / decode, n_gen - 1);
    Ok(())
}
