// Gated linear unit: out[t][i] = act(gate[t][i]) * up[t][i], act from shaders/act.wgsl. Gate
// and up are the two halves of one row per token, [t][gate (n_ff) | up (n_ff)], as one matmul
// over a fused [gate; up] weight (or two matmuls into the halves) writes them. Decode reads the
// GLU inside the down projection instead (shaders/activations/uniform_glu.wgsl).

struct Params {
    n: u32,    // n_tok * n_ff outputs
    act: u32,  // 0: silu, 1: gelu_tanh
    n_ff: u32,
    _pad: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> gate_up: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;

@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
    let i = gid.x + gid.y * 65535u * 256u;
    if (i >= params.n) {
        return;
    }
    let t = i / params.n_ff;
    let g = gate_up[i + t * params.n_ff];
    let u = gate_up[i + (t + 1u) * params.n_ff];
    var a: vec4<f32>;
    if (params.act == 1u) {
        a = gelu_tanh(vec4<f32>(g));
    } else {
        a = silu(vec4<f32>(g));
    }
    out[i] = a.x * u;
}
