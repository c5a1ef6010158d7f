// RoPE's pairs (rope.wgsl, and attention.wgsl's decode rotation). Pair j < n_rot / 2 of a head
// rotates by the angle pos · inv_freqs[j] (base^(-2j / n_rot), from the CPU): dimensions
// (2j, 2j + 1) in mode 0 ("norm", GGUF llama) and (j, j + n_rot / 2) in mode 1 ("neox").
// Dimensions from n_rot to head_dim stay as they are (partial rotary).

fn rope_dims(j: u32, n_rot: u32, mode: u32) -> vec2<u32> {
    if (mode == 1u) {
        return vec2<u32>(j, j + n_rot / 2u);
    }
    return vec2<u32>(2u * j, 2u * j + 1u);
}

// The pair x rotated by the angle whose (sin, cos) is sc.
fn rotated(x: vec2<f32>, sc: vec2<f32>) -> vec2<f32> {
    return vec2<f32>(x.x * sc.y - x.y * sc.x, x.x * sc.x + x.y * sc.y);
}
