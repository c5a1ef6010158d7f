// RMSNorm over each row (see rms_norm_params.wgsl), a thread per row, rows of whole quads
// (n_cols a multiple of 4): for CPU adapters, where a workgroup's threads are SIMD lanes run one
// group after another. There the workgroup per row of rms_norm.wgsl spends most of its time
// sharing partial sums (each of its 64 threads reads all 64 back: on SwiftShader each float read
// is a gather of its own) and switching its groups at the barrier; a thread per row has neither.
// Each load is a loop over the lanes on these adapters, so the row is read a quad at a time
// (a quarter of the loads of a float at a time).

// Params come from shaders/rms_norm_params.wgsl; `put(row, i, v)`, which writes quad i of the
// row's result, from shaders/norm_out/{buffer,texture}.wgsl.
@group(0) @binding(1) var<storage, read> x: array<vec4<f32>>;
@group(0) @binding(2) var<storage, read> weight: array<vec4<f32>>;

const WG: u32 = 8u;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
    let row = gid.x + gid.y * 65535u * WG;
    if (row >= params.n_rows) {
        return;
    }
    let n_quads = params.n_cols / 4u;
    let base = row * n_quads;
    var sum_sq = vec4<f32>(0.0);
    for (var i = 0u; i < n_quads; i++) {
        let v = x[base + i];
        sum_sq += v * v;
    }
    let scale = inverseSqrt(dot(sum_sq, vec4<f32>(1.0)) / f32(params.n_cols) + params.eps);
    for (var i = 0u; i < n_quads; i++) {
        put(row, i, x[base + i] * scale * weight[i]);
    }
}
