// Gated linear unit, in place: gate[i] = act(gate[i]) * up[i], where act is SiLU (SwiGLU: llama,
// qwen, phi3) or GELU with the tanh approximation (GeGLU: gemma).

struct Params {
    n: u32,
    act: u32, // 0: silu, 1: gelu_tanh
    _pad0: u32,
    _pad1: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read_write> gate: array<f32>;
@group(0) @binding(2) var<storage, read> up: array<f32>;

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
    let g = gate[i];
    var a: f32;
    if (params.act == 1u) {
        a = gelu_tanh(g);
    } else {
        a = g / (1.0 + exp(-g));
    }
    gate[i] = a * up[i];
}
