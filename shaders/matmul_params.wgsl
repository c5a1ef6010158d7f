// Parameters and bindings shared by matmul.wgsl, matvec.wgsl and matvec_rows.wgsl (one Rust
// struct, `MatmulParams`, fills them). w (binding 1) comes from shaders/weights/, x (binding 2)
// from shaders/activations/.

struct Params {
    n_in: u32,
    n_out: u32,
    n_tok: u32,
    row_bytes: u32,
    accumulate: u32, // 1: add into y (residual connection), 0: overwrite
    first_row: u32,  // W's rows start here in the binding (a row view, e.g. phi3's fused attn_qkv)
    y_stride: u32,   // y's row length: n_out, or the whole tensor's rows when W is one part of it
    y_row0: u32,     // where this part's outputs start in a row of y
    eps: f32,        // the RMSNorm's epsilon, where the GEMV normalises its input
    // Where decode's Q/K/V GEMV rotates and stores its outputs (shaders/epilogue/rope_kv.wgsl):
    pos: u32,        // the token's position
    head_dim: u32,
    n_rot: u32,      // rotated dimensions at the start of each head
    q_rows: u32,     // W's rows are q's, then kv_rows of k's, then kv_rows of v's
    kv_rows: u32,
    n_in4: u32,      // n_in / 4: quads of x per token (x read as vec4s; see xq in shaders/activations/)
    w_word0: u32,    // where W's words start in a weight texture (shaders/weights/texture.wgsl)
    // The prefill GEMM's GLU epilogue (shaders/matmul.wgsl): 0 none; 1 SiLU, 2 GELU (tanh) of
    // W's first half of rows (gate) times its second half (up).
    glu: u32,
    _pad0: u32,
    _pad1: u32,
    _pad2: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(3) var<storage, read_write> y: array<f32>;

// Values per row of W (planar rows keep their scales after all the row's quants).
fn row_len() -> u32 {
    return params.n_in;
}
