// Parameters shared by the RMSNorm kernels (rms_norm.wgsl, rms_norm_rows.wgsl, which bind x,
// weight and y at 1, 2 and 3 as floats and as quads; rms_norm_rows's y may be a texture):
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
