// Sub-block `group % 8` of a Q6_K row's super-block `group / 8`, as dequant/q6_k.wgsl and
// dot/q6_k.wgsl both read it (the GPU layout is in dequant/q6_k.wgsl): its low nibbles, its high
// bits (values 0..15 in h.x, 16..31 in h.y), d and the scales of its two halves.
struct Q6kSub {
    q: vec4<u32>,
    h: vec2<u32>,
    d: f32,
    sc: vec2<f32>,
}

fn q6_k_sub(row_byte: u32, group: u32) -> Q6kSub {
    let b = (row_byte >> 4u) + (group / 8u) * 14u;
    let s = group % 8u;
    let hw = wq(b + 8u + s / 2u);
    let sc = wq(b + 12u)[s / 2u];
    let scales = vec2<f32>(i8_of(sc, 2u * (s % 2u)), i8_of(sc, 2u * (s % 2u) + 1u));
    return Q6kSub(wq(b + s), select(hw.xy, hw.zw, (s % 2u) == 1u), unpack2x16float(wq(b + 13u).x).x, scales);
}
