//! `webslm`: the runtime from a terminal, for scripted checks, benchmarks and chatting.
//!
//!   webslm complete --model PATH (--prompt TEXT | --prompt-ids 1,2,3) [--max-tokens N]
//!                   [--temperature T] [--top-k K] [--top-p P] [--seed S] [--stop TEXT]
//!                   [--logprobs K] [--echo] [--json]
//!   webslm chat --model PATH [--max-tokens N] [--temperature T] [--top-k K] [--top-p P] [--seed S]
//!   webslm bench --model PATH [--prompt-tokens 100] [--gen 128] [--runs 3] [--out PATH.json] [--no-roofline] [--large]
//!   webslm roofline [--types Q4_0,Q4_1] [--gemv-split N] [--large]
//!   webslm profile --model PATH [--prompt-tokens 100] [--steps 8]
//!   webslm info

mod args;
mod bench;
mod complete;
mod profile;

use args::Args;
use webslm::model::{load_file, ModelOptions};
use webslm::{Engine, GpuContext};

const USAGE: &str = "usage: webslm <complete|chat|bench|roofline|profile|info> [options] (see README.md)";

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
    let start = std::time::Instant::now();
    let model = load_file(&ctx, path.as_ref(), &ModelOptions { max_context, ..Default::default() }).await?;
    let load_seconds = start.elapsed().as_secs_f64();
    Ok(Loaded { engine: Engine::new(ctx, model)?, load_seconds })
}

async fn run(args: &Args) -> Result<(), webslm::Error> {
    match args.command.as_str() {
        "complete" => complete::complete(args).await,
        "chat" => complete::chat(args).await,
        "bench" => bench::bench(args).await,
        "roofline" => bench::roofline_only(args).await,
        "profile" => profile::profile(args).await,
        "info" => {
            let ctx = GpuContext::new().await?;
            println!("{}", ctx.info.summary());
            Ok(())
        }
        other => Err(webslm::Error::InvalidRequest(format!("unknown command {other:?}"))),
    }
}
