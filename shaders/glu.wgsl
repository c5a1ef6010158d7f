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

// Gate and up of output i (0 ≤ i < n), at [t][gate | up] with t = i / n_ff.
fn gate_up_of(i: u32) -> vec2<f32> {
    let t = i / params.n_ff;
    return vec2<f32>(gate_up[i + t * params.n_ff], gate_up[i + (t + 1u) * params.n_ff]);
}

// Four outputs per thread, so that the activation runs on four values at a time (on CPU
// adapters each lane of a vec4 costs its own exp: a thread per output computed four exps for
// one). Outputs past n repeat the last one and are not written.
@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
    let first = (gid.x + gid.y * 65535u * 256u) * 4u;
    if (first >= params.n) {
        return;
    }
    let last = params.n - 1u;
    let p0 = gate_up_of(first);
    let p1 = gate_up_of(min(first + 1u, last));
    let p2 = gate_up_of(min(first + 2u, last));
    let p3 = gate_up_of(min(first + 3u, last));
    let g = vec4<f32>(p0.x, p1.x, p2.x, p3.x);
    var a: vec4<f32>;
    if (params.act == 1u) {
        a = gelu_tanh(g);
    } else {
        a = silu(g);
    }
    let y = a * vec4<f32>(p0.y, p1.y, p2.y, p3.y);
    for (var k = 0u; k < 4u; k++) {
        if (first + k < params.n) {
            out[first + k] = y[k];
        }
    }
}
