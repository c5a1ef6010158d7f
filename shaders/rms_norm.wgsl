// RMSNorm over each row: y = x / sqrt(mean(x^2) + eps) * weight, or y += that (accumulate = 1:
// a normalised branch output added to the residual stream, as gemma's post-norms do).
// One workgroup per row; threads stride over the row and reduce their partial sums of squares.

struct Params {
    n_cols: u32,
    n_rows: u32,
    eps: f32,
    accumulate: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> weight: array<f32>;
@group(0) @binding(3) var<storage, read_write> y: array<f32>;

const WG: u32 = 256u;
var<workgroup> partial: array<f32, WG>;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
    let row = wg.x;
    let base = row * params.n_cols;

    var sum_sq = 0.0;
    for (var i = lid; i < params.n_cols; i += WG) {
        let v = x[base + i];
        sum_sq += v * v;
    }
    partial[lid] = sum_sq;
    workgroupBarrier();
    for (var stride = WG / 2u; stride > 0u; stride >>= 1u) {
        if (lid < stride) {
            partial[lid] += partial[lid + stride];
        }
        workgroupBarrier();
    }

    let scale = inverseSqrt(partial[0] / f32(params.n_cols) + params.eps);
    for (var i = lid; i < params.n_cols; i += WG) {
        let prev = select(0.0, y[base + i], params.accumulate == 1u);
        y[base + i] = prev + x[base + i] * scale * weight[i];
    }
}
