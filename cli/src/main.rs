//! `webslm`: the runtime from a terminal, for scripted checks, benchmarks and chatting.
//!
//!   webslm complete --model PATH (--prompt TEXT | --prompt-ids 1,2,3) [--max-tokens N]
//!                   [--temperature T] [--top-k K] [--top-p P] [--seed S] [--stop TEXT]
//!                   [--logprobs K] [--echo] [--json]
//!   webslm chat --model PATH [--max-tokens N] [--temperature T] [--top-k K] [--top-p P] [--seed S]
//!   webslm bench --model PATH [--prompt-tokens 100] [--gen 128] [--runs 3] [--out PATH.json] [--no-roofline] [--large]
//!                [--gemv-split N] [--decode-ahead 0|1] [--norm-in-gemv 0|1] [--qkv-epilogue 0|1] [--kv-texture 0|1]
//!                [--x-texture 0|1] [--gemm-tokens N] [--weight-texture 0|1] [--texel-read fetch|storage] [--warm-up 0|1]
//!                [--attention-lanes N] [--gemm-glu 0|1]
//!   webslm roofline [--types Q4_0,Q4_1] [--gemv-split N] [--x-texture 0|1] [--gemm-tokens N]
//!                   [--weight-texture 0|1] [--texel-read fetch|storage] [--large]
//!   webslm profile --model PATH [--prompt-tokens 100] [--steps 8] [--timestamps] (and bench's tuning flags)
//!   webslm synth --like PATH.gguf --out PATH.gguf [--shape NAME] [--layers N] [--embd N] [--ff N]
//!                [--heads N] [--kv-heads N] [--seed S] [--header-only]
//!   webslm info

mod args;
mod bench;
mod complete;
mod profile;
mod synth;

use args::Args;
use webslm::model::{load_file, ModelOptions};
use webslm::kernels::{TexelRead, Tuning};
use webslm::{Engine, GpuContext};

const USAGE: &str = "usage: webslm <complete|chat|bench|roofline|profile|synth|info> [options] (see README.md)";

fn main() {
    let result = Args::parse(std::env::args().skip(1)).and_then(|args| {
        pollster::block_on(run(&args)).map_err(|e| format!("{} error: {e}", e.kind()))
    });
    if let Err(message) = result {
        eprintln!("{message}\n{USAGE}");
        std::process::exit(1);
    }
}

pub struct Loaded {
    pub engine: Engine,
    pub load_seconds: f64,
}

pub async fn load(args: &Args) -> Result<Loaded, webslm::Error> {
    let path = args.required("--model").map_err(webslm::Error::InvalidRequest)?;
    let max_context = args.num("--context", 2048u32).map_err(webslm::Error::InvalidRequest)?;
    let ctx = GpuContext::new().await?;
    let tuning = Some(tuning(args, &ctx)?);
    let start = std::time::Instant::now();
    let model = load_file(&ctx, path.as_ref(), &ModelOptions { max_context, tuning, ..Default::default() }).await?;
    let load_seconds = start.elapsed().as_secs_f64();
    Ok(Loaded { engine: Engine::new(ctx, model)?, load_seconds })
}

/// The adapter's kernel variants, with what the options override, to compare variants on one
/// adapter: `--gemv-split N`, decode's GEMV with each run of rows split over N threads (1: a
/// thread per run); `--decode-ahead 0|1`, whether a decode step is submitted before the last
/// one's token is read back; `--norm-in-gemv 0|1`, whether decode's GEMVs compute the RMSNorm
/// before them as they read x; `--qkv-epilogue 0|1`, whether decode's Q/K/V GEMV applies RoPE
/// and writes the KV cache itself; `--x-texture 0|1`, whether prefill's GEMM reads x through a
/// texture; `--gemm-tokens N`, tokens per GEMM workgroup; `--weight-texture 0|1`, whether the
/// weights (of the types read as 16-byte words) live in textures; `--texel-read fetch|storage`,
/// how kernels read those textures (`TexelRead`); `--kv-texture 0|1`, whether the subgroup
/// attention kernels read texture copies of the KV cache; `--warm-up 0|1`, whether a load ends
/// with a warm-up step; `--attention-lanes N`, threads per workgroup of the attention whose
/// threads read their own keys (1 to 32).
pub fn tuning(args: &Args, ctx: &GpuContext) -> Result<Tuning, webslm::Error> {
    let invalid = webslm::Error::InvalidRequest;
    let mut tuning = Tuning::for_adapter(ctx);
    if args.str("--gemv-split").is_some() {
        let split: u32 = args.num("--gemv-split", 1).map_err(invalid)?;
        let threads = tuning.gemv_rows * tuning.gemv_split; // per workgroup × 4 · gemv_blocks
        if split == 0 || threads % (split * 4 * tuning.gemv_blocks) != 0 {
            return Err(invalid(format!("--gemv-split: {split} threads do not divide this adapter's GEMV workgroups")));
        }
        tuning.gemv_rows = threads / split;
        tuning.gemv_split = split;
    }
    if args.str("--gemm-tokens").is_some() {
        tuning.gemm_tokens = args.num("--gemm-tokens", 8u32).map_err(invalid)?;
        if tuning.gemm_tokens == 0 {
            return Err(invalid("--gemm-tokens: at least 1".into()));
        }
    }
    if args.str("--attention-lanes").is_some() {
        tuning.attention_lanes = args.num("--attention-lanes", 32u32).map_err(invalid)?;
        if !(1..=32).contains(&tuning.attention_lanes) {
            return Err(invalid("--attention-lanes: 1 to 32".into()));
        }
    }
    if let Some(read) = args.str("--texel-read") {
        tuning.texel_read = match read {
            "fetch" => TexelRead::Fetch,
            "storage" => TexelRead::Storage,
            _ => return Err(invalid(format!("--texel-read: {read:?} is not fetch or storage"))),
        };
    }
    for (flag, choice) in [("--x-texture", &mut tuning.x_texture), ("--weight-texture", &mut tuning.weight_texture), ("--decode-ahead", &mut tuning.decode_ahead), ("--norm-in-gemv", &mut tuning.norm_in_gemv), ("--qkv-epilogue", &mut tuning.qkv_epilogue), ("--kv-texture", &mut tuning.kv_texture), ("--warm-up", &mut tuning.warm_up), ("--gemm-glu", &mut tuning.gemm_glu)] {
        if args.str(flag).is_some() {
            *choice = args.num(flag, 1u8).map_err(invalid)? != 0;
        }
    }
    Ok(tuning)
}

async fn run(args: &Args) -> Result<(), webslm::Error> {
    match args.command.as_str() {
        "complete" => complete::complete(args).await,
        "chat" => complete::chat(args).await,
        "bench" => bench::bench(args).await,
        "roofline" => bench::roofline_only(args).await,
        "profile" => profile::profile(args).await,
        "synth" => synth::synth(args),
        "info" => {
            let ctx = GpuContext::new().await?;
            println!("{}", ctx.info.summary());
            Ok(())
        }
        other => Err(webslm::Error::InvalidRequest(format!("unknown command {other:?}"))),
    }
}
