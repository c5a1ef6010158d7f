// Gated linear unit: out[t][i] = act(gate[t][i]) * up[t][i], where act is SiLU (SwiGLU: llama,
// qwen, phi3) or GELU with the tanh approximation (GeGLU: gemma). Gate and up are the two
// halves of one row per token, [t][gate (n_ff) | up (n_ff)], as one matmul over a fused
// [gate; up] weight (or two matmuls into the halves) writes them.

struct Params {
    n: u32,    // n_tok * n_ff outputs
    act: u32,  // 0: silu, 1: gelu_tanh
    n_ff: u32,
    _pad: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> gate_up: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;

fn gelu_tanh(x: f32) -> f32 {
    // tanh of a clamped argument: some tanh implementations overflow to NaN for large inputs,
    // and tanh(±9) is already ±1 in f32.
    let inner = clamp(0.7978845608 * (x + 0.044715 * x * x * x), -9.0, 9.0);
    return 0.5 * x * (1.0 + tanh(inner));
}

@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
    let i = gid.x + gid.y * 65535u * 256u;
    if (i >= params.n) {
        return;
    }
    let t = i / params.n_ff;
    let g = gate_up[i + t * params.n_ff];
    let u = gate_up[i + (t + 1u) * params.n_ff];
    var a: f32;
    if (params.act == 1u) {
        a = gelu_tanh(g);
    } else {
        a = g / (1.0 + exp(-g));
    }
    out[i] = a * u;
}
