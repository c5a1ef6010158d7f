// RMSNorm over each row (see rms_norm_params.wgsl), a thread per row: for CPU adapters, where a
// workgroup's threads are SIMD lanes run one group after another. There the workgroup per row
// of rms_norm.wgsl spends most of its time sharing partial sums (each of its 64 threads reads
// all 64 back: on SwiftShader each float read is a gather of its own) and switching its groups
// at the barrier; a thread per row has neither.

// Params, x, weight and y come from shaders/rms_norm_params.wgsl.

const WG: u32 = 8u;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
    let row = gid.x + gid.y * 65535u * WG;
    if (row >= params.n_rows) {
        return;
    }
    let base = row * params.n_cols;
    var sum_sq = 0.0;
    for (var i = 0u; i < params.n_cols; i++) {
        let v = x[base + i];
        sum_sq += v * v;
    }
    let scale = inverseSqrt(sum_sq / f32(params.n_cols) + params.eps);
    for (var i = 0u; i < params.n_cols; i++) {
        let prev = select(0.0, y[base + i], params.accumulate == 1u);
        y[base + i] = prev + x[base + i] * scale * weight[i];
    }
}
