//! `profile`: where a prompt's and a decode step's time goes, kernel by kernel. Every dispatch
//! runs on its own and is waited for (see `webslm::gpu::Profile`), so the totals exceed a
//! pipelined pass by one submission per dispatch; the shares are what to optimise first. Then
//! what each kernel a load compiles costs, compiled again one at a time: a kernel made faster by
//! more code (unrolled loops, more rows per thread) is paid for there, on every load (in a
//! browser on SwiftShader, most of a load from the cache). With `--timestamps` the GPU times each
//! kernel instead, in one submission per pass (`webslm::gpu::Timestamps`), as in a browser.

use crate::args::Args;
use webslm::gpu::Profile;
use webslm::Error;

pub async fn profile(args: &Args) -> Result<(), Error> {
    let invalid = Error::InvalidRequest;
    let n_prompt: usize = args.num("--prompt-tokens", 100).map_err(invalid)?;
    let n_steps: u32 = args.num("--steps", 8).map_err(invalid)?;
    let mut engine = crate::load(args).await?.engine;
    let prompt = crate::bench::prompt_of(&engine.tokenizer, n_prompt)?;
    if args.flag("--timestamps") {
        // Timed by the GPU in one submission per pass (as in a browser: bench/profile.mjs).
        let (prefill, decode) = engine.time_kernels(&prompt, n_steps.max(1)).await?;
        println!("{}\n\nGPU timestamps\nprefill of {} tokens\n{prefill}", engine.ctx.info.summary(), prompt.len());
        println!("\n{} decode steps\n{decode}", n_steps.max(1));
        return Ok(());
    }
    let (ctx, model) = (&engine.ctx, &engine.model);
    // A first pass compiles what is compiled on first use and warms the caches.
    model.profile(ctx, &prompt, 0, &mut Profile::default())?;
    let mut prefill = Profile::default();
    model.profile(ctx, &prompt, 0, &mut prefill)?;
    let mut decode = Profile::default();
    let last = *prompt.last().expect("a prompt has tokens");
    for step in 0..n_steps.max(1) {
        model.profile(ctx, &[last], prompt.len() as u32 + step, &mut decode)?;
    }
    println!("{}", ctx.info.summary());
    println!("\nprefill of {} tokens\n{prefill}", prompt.len());
    println!("\n{} decode steps\n{decode}", n_steps.max(1));
    print_compile_times(&model.compile_times());
    Ok(())
}

/// The table of [`webslm::model::Model::compile_times`], with their sum.
fn print_compile_times(times: &[(String, usize, f64)]) {
    println!("\ncompiling the kernels of a load, one at a time");
    println!("{:<24} {:>10} {:>10}", "kernel", "WGSL bytes", "ms");
    for (label, bytes, ms) in times {
        println!("{label:<24} {bytes:>10} {ms:>10.1}");
    }
    println!("{:<24} {:>10} {:>10.1}", "total", "", times.iter().map(|t| t.2).sum::<f64>());
}
