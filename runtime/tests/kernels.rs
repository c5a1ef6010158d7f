//! Every GPU kernel against its CPU reference on the native adapter (lavapipe in CI).

use webslm::{check, GpuContext};

#[test]
fn every_kernel_matches_its_cpu_reference() {
    let ctx = pollster::block_on(GpuContext::new()).unwrap_or_else(|e| panic!("{e}"));
    eprintln!("adapter: {}", ctx.info.summary());
    let results = pollster::block_on(check::check_all(&ctx)).unwrap();
    for r in &results {
        eprintln!("{r}");
    }
    let failed: Vec<String> = results.iter().filter(|r| !r.passed()).map(|r| r.to_string()).collect();
    assert!(failed.is_empty(), "failed:\n{}", failed.join("\n"));
    assert!(results.len() >= 15);
}

/// Evenly spaced draws u = (i + 0.5) / N through the GPU sampler give each token a count of
/// N · p (±2) under the softmax restricted by top-k / top-p.
#[test]
fn gpu_sampling_follows_the_restricted_softmax() {
    use webslm::gpu::whole;
    use webslm::kernels::{Kernels, Sampling};
    let ctx = pollster::block_on(GpuContext::new()).unwrap();
    let k = Kernels::new(&ctx, [], &[]).unwrap();
    let logits = [0.0f32, 1.0, 2.0, 0.5, -1.0];
    let xb = ctx.storage_buffer("logits", &logits);
    let n = 1000;
    let counts = |s: Sampling| {
        let mut c = [0usize; 5];
        for i in 0..n {
            let rb = ctx.output_buffer("r", 4);
            let mut rec = webslm::gpu::Recorder::new(&ctx);
            k.sample(&mut rec, whole(&xb), 0, 5, &s, (i as f32 + 0.5) / n as f32, whole(&rb));
            rec.submit();
            let b = pollster::block_on(ctx.read_bytes(&rb, 4)).unwrap();
            c[u32::from_le_bytes(b[..4].try_into().unwrap()) as usize] += 1;
        }
        c
    };
    let expect = |s: Sampling, kept: &[usize]| {
        let w: Vec<f64> = logits.iter().enumerate().map(|(i, &l)| if kept.contains(&i) { (l as f64 / s.temperature as f64).exp() } else { 0.0 }).collect();
        let z: f64 = w.iter().sum();
        let got = counts(s);
        for i in 0..5 {
            let want = n as f64 * w[i] / z;
            assert!((got[i] as f64 - want).abs() <= 2.0, "{s:?}: token {i} drawn {} times, want {want:.1} ({got:?})", got[i]);
        }
    };
    expect(Sampling { temperature: 1.0, top_k: 0, top_p: 1.0 }, &[0, 1, 2, 3, 4]);
    expect(Sampling { temperature: 0.5, top_k: 0, top_p: 1.0 }, &[0, 1, 2, 3, 4]);
    expect(Sampling { temperature: 1.0, top_k: 2, top_p: 1.0 }, &[1, 2]);
    expect(Sampling { temperature: 1.0, top_k: 0, top_p: 0.5 }, &[2]);
    expect(Sampling { temperature: 1.0, top_k: 0, top_p: 0.7 }, &[1, 2]);
    expect(Sampling { temperature: 1.0, top_k: 3, top_p: 0.9 }, &[1, 2, 3]);
}
