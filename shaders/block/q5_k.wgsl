// Sub-block `group % 8` of a Q5_K row's super-block `group / 8`, as dequant/q5_k.wgsl and
// dot/q5_k.wgsl both read it (the GPU layout is in dequant/q5_k.wgsl): its scale and min
// (d · sc, dmin · m), its fifth bits (bit l: value l) and its nibbles.
struct Q5kSub {
    dm: vec2<f32>,
    h: u32,
    q: vec4<u32>,
}

fn q5_k_sub(row_byte: u32, group: u32) -> Q5kSub {
    let b = (row_byte >> 4u) + (group / 8u) * 11u;
    let s = group % 8u;
    let head = wq(b);
    let dm = unpack2x16float(head.x);
    let sm = scale_min_k4(head.y, head.z, head.w, s);
    return Q5kSub(dm * sm, wq(b + 1u + s / 4u)[s % 4u], wq(b + 3u + s));
}
