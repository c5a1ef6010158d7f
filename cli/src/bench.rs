//! `bench`: the native half of the benchmark (wgpu on this machine's Vulkan/Metal/DX12 adapter).
//! Per run: load from disk, a chat-templated (without a template, plain) ~100-token prompt, 128
//! greedy tokens past EOS; the table shows the median of the runs. Then the kernel roofline (copy vs every GEMV and GEMM).
//! `--out PATH` also writes everything as JSON.

use crate::args::Args;
use serde_json::json;
use webslm::generate::{GenerateOptions, Timings};
use webslm::model::LoadTimings;
use webslm::tokenizer::{ChatMessage, Tokenizer};
use webslm::{roofline, Error};

/// The benchmark's user message, repeated until the templated prompt has enough tokens.
pub const FILLER: &str = "Tell me about the history of maps, from clay tablets to satellites, in some detail. ";

struct Run {
    load_s: f64,
    load: LoadTimings,
    prompt: Vec<u32>,
    generated: Vec<u32>,
    timings: Timings,
}

pub async fn bench(args: &Args) -> Result<(), Error> {
    let invalid = Error::InvalidRequest;
    let n_prompt: usize = args.num("--prompt-tokens", 100).map_err(invalid)?;
    let n_gen: usize = args.num("--gen", 128).map_err(invalid)?;
    let n_runs: usize = args.num("--runs", 3).map_err(invalid)?;
    let mut runs = Vec::new();
    let mut about = None;
    for i in 0..n_runs.max(1) {
        let loaded = crate::load(args).await?;
        let mut engine = loaded.engine;
        let prompt = prompt_of(&engine.tokenizer, n_prompt)?;
        let options = GenerateOptions { max_tokens: n_gen, ignore_eos: true, ..Default::default() };
        let out = engine.complete(&prompt, &options, |_| true).await?;
        eprintln!("run {}: prefill {:.1} tok/s, decode {:.1} tok/s", i + 1, out.timings.prefill_tok_s(), out.timings.decode_tok_s());
        about.get_or_insert((engine.ctx.info.summary(), engine.model.weight_bytes, engine.model.fused_layers(), engine.tokenizer.has_chat_template()));
        runs.push(Run { load_s: loaded.load_seconds, load: engine.model.load_timings, prompt, generated: out.tokens, timings: out.timings });
    }
    let (adapter, weight_bytes, fused, templated) = about.expect("at least one run");
    let median = |f: &dyn Fn(&Run) -> f64| {
        let mut v: Vec<f64> = runs.iter().map(f).collect();
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    let load_s = median(&|r| r.load_s);
    let feed_s = median(&|r| r.load.feed_ms / 1000.0);
    let finish_s = median(&|r| r.load.finish_ms / 1000.0);
    let warm_s = median(&|r| r.load.warm_up_ms / 1000.0);
    let ttft_s = median(&|r| r.timings.prefill_ms / 1000.0);
    let prefill = median(&|r| r.timings.prefill_tok_s());
    let decode = median(&|r| r.timings.decode_tok_s());
    let cpu_ms = median(&|r| r.timings.decode_cpu_ms_per_step());
    let record_wall_ms = median(&|r| r.timings.decode_record_wall_ms_per_step());
    let peak_rss = peak_rss_bytes();
    let model = args.required("--model").unwrap_or("");
    println!("adapter                {adapter}");
    println!("model                  {model} ({:.1} MiB of weights)", weight_bytes as f64 / (1 << 20) as f64);
    println!("runs                   {} (medians below)", runs.len());
    let warm = match warm_s > 0.0 {
        true => format!(", of which {warm_s:.2} s a warm-up step (kernels compiled at first dispatch)"),
        false => String::new(),
    };
    println!("load (disk)            {load_s:.2} s: {feed_s:.2} s uploading the weights, {finish_s:.2} s compiling the kernels (a thread per core) and finishing on the GPU{warm}");
    let plain = if templated { "" } else { " (plain text: the model has no chat template)" };
    let generated = runs[0].timings.decode_steps + 1;
    println!("prompt                 {} tokens{plain}; {generated} generated", runs[0].prompt.len());
    println!("time to first token    {ttft_s:.3} s");
    println!("prefill                {prefill:.1} tok/s ({:.1}× decode)", prefill / decode);
    println!("decode                 {decode:.2} tok/s");
    println!("fused matmuls          Q/K/V in {} and gate/up in {} of {} layers", fused.qkv, fused.gate_up, fused.of);
    println!("CPU per decode step    {cpu_ms:.3} ms of thread CPU time recording + submitting ({record_wall_ms:.3} ms wall); GPU wait excluded");
    if let Some(rss) = peak_rss {
        println!("peak RSS               {:.0} MiB (on a CPU adapter this includes the \"GPU\" memory)", rss as f64 / (1 << 20) as f64);
    }
    let ctx = webslm::GpuContext::new().await?;
    let roofline = match args.flag("--no-roofline") {
        true => None,
        false => {
            let shapes = roofline::shapes(args.flag("--large") || roofline::large_by_default(&ctx));
            let r = roofline::measure(&ctx, &roofline::gemv_types(), &roofline::GEMM_TYPES, &shapes).await?;
            println!("\nkernel roofline\n{r}");
            Some(r)
        }
    };
    // Decode's own place on the roofline: weight bytes read per token × tok/s vs the copy.
    let copy_gb_s = match &roofline {
        Some(r) => r.copy_gb_per_s,
        None => roofline::copy_gb_per_s(&ctx).await?,
    };
    let decode_gb_s = weight_bytes as f64 * decode / 1e9;
    let decode_of_copy = decode_gb_s / copy_gb_s;
    println!("decode reads {decode_gb_s:.2} GB/s of weights = {:.0}% of the copy kernel ({copy_gb_s:.2} GB/s)", 100.0 * decode_of_copy);
    if let Some(path) = args.str("--out") {
        let report = json!({
            "engine": "webslm (native)",
            "adapter": adapter,
            "model": model,
            "weight_bytes": weight_bytes,
            "runs": runs.len(),
            "prompt_tokens": runs[0].prompt.len(),
            // What the native peer (bench/native.mjs) evaluates and generates, the same tokens.
            "prompt_ids": runs[0].prompt,
            "generated_tokens": generated,
            "generated_ids": runs[0].generated,
            "load_disk_ms": load_s * 1000.0,
            "load_feed_ms": feed_s * 1000.0,
            "load_finish_ms": finish_s * 1000.0,
            "load_warm_up_ms": warm_s * 1000.0,
            "ttft_ms": ttft_s * 1000.0,
            "prefill_tok_s": prefill,
            "decode_tok_s": decode,
            "decode_cpu_ms_per_step": cpu_ms,
            "decode_record_wall_ms_per_step": record_wall_ms,
            "peak_rss_bytes": peak_rss,
            "copy_gb_per_s": copy_gb_s,
            "decode_weight_gb_per_s": decode_gb_s,
            "decode_of_copy": decode_of_copy,
            "roofline": roofline,
        });
        std::fs::write(path, serde_json::to_string_pretty(&report).expect("JSON"))
            .map_err(|e| Error::InvalidRequest(format!("writing {path}: {e}")))?;
        println!("wrote {path}");
    }
    Ok(())
}

/// A prompt of at least `n` tokens: the user message through the model's chat template, or as
/// plain text after BOS where the model has none (a base model).
pub fn prompt_of(tokenizer: &Tokenizer, n: usize) -> Result<Vec<u32>, Error> {
    let templated = tokenizer.has_chat_template();
    let mut user = String::new();
    loop {
        user.push_str(FILLER);
        let ids = match templated {
            true => tokenizer.encode_chat(&[ChatMessage::new("user", &user)])?,
            false => tokenizer.encode(&user, true)?,
        };
        if ids.len() >= n {
            return Ok(ids);
        }
    }
}

/// The process's peak resident memory (Linux: VmHWM).
fn peak_rss_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

/// `webslm roofline [--types Q4_0,Q8_0] [--gemv-split N] [--large]`: the kernel roofline alone,
/// for every type or the listed ones; `--large` adds an 8B model's shapes on a CPU adapter
/// (GPUs get them anyway).
pub async fn roofline_only(args: &Args) -> Result<(), Error> {
    let (mut gemv, mut gemm) = (roofline::gemv_types(), roofline::GEMM_TYPES.to_vec());
    if let Some(list) = args.str("--types") {
        let names: Vec<&str> = list.split(',').map(str::trim).collect();
        if let Some(unknown) = names.iter().find(|n| !gemv.iter().any(|t| t.name() == **n)) {
            return Err(Error::InvalidRequest(format!("--types: {unknown:?} is not one of {}", gemv.iter().map(|t| t.name()).collect::<Vec<_>>().join(", "))));
        }
        gemv.retain(|t| names.contains(&t.name().as_str()));
        gemm.retain(|t| names.contains(&t.name().as_str()));
    }
    let ctx = webslm::GpuContext::new().await?;
    let tuning = crate::tuning(args, &ctx)?;
    let shapes = roofline::shapes(args.flag("--large") || roofline::large_by_default(&ctx));
    println!("{}", roofline::measure_tuned(&ctx, tuning, &gemv, &gemm, &shapes).await?);
    Ok(())
}
