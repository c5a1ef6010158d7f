// RMSNorm over each row (see rms_norm_params.wgsl), a workgroup per row (GPUs; CPU adapters run
// rms_norm_rows.wgsl); threads stride over the row, leave their partial sums of squares in
// workgroup memory, and after a single barrier each adds them all up itself. A barrier is what
// costs on CPU-emulated adapters (SwiftShader switches between the workgroup's SIMD groups at
// each one): a tree reduction over 256 threads (9 barriers) made a 576-value row take 0.24 ms
// there, 20% of a prompt's time.

// Params come from shaders/rms_norm_params.wgsl.
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> weight: array<f32>;
@group(0) @binding(3) var<storage, read_write> y: array<f32>;

const WG: u32 = 64u;
var<workgroup> partial: array<vec4<f32>, WG / 4u>;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
    let row = wg.x;
    let base = row * params.n_cols;

    var sum_sq = 0.0;
    for (var i = lid; i < params.n_cols; i += WG) {
        let v = x[base + i];
        sum_sq += v * v;
    }
    partial[lid / 4u][lid % 4u] = sum_sq;
    workgroupBarrier();
    var sums = vec4<f32>(0.0);
    for (var j = 0u; j < WG / 4u; j++) {
        sums += partial[j];
    }

    let scale = inverseSqrt(dot(sums, vec4<f32>(1.0)) / f32(params.n_cols) + params.eps);
    for (var i = lid; i < params.n_cols; i += WG) {
        let prev = select(0.0, y[base + i], params.accumulate == 1u);
        y[base + i] = prev + x[base + i] * scale * weight[i];
    }
}
