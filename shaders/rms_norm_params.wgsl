// Parameters and bindings shared by the RMSNorm kernels (rms_norm.wgsl, rms_norm_rows.wgsl):
// y = x / sqrt(mean(x^2) + eps) * weight over each of n_rows rows of n_cols, or y += that
// (accumulate = 1: a normalised branch output added to the residual stream, as gemma's
// post-norms do).

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
