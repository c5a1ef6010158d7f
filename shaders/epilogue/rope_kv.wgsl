// Decode's Q/K/V GEMV storing its results as attention reads them, which spares the rope_kv
// pass (shaders/rope/rope_kv.wgsl) a dispatch a layer: W's rows are q's (params.q_rows), then
// k's and v's (params.kv_rows each); q's values go into y rotated, k's rotated into the key
// cache and v's into the value cache, at position params.pos. RoPE with adjacent pairs
// (2i, 2i + 1) of each head (GGUF llama's "norm" style), so that a pair is two consecutive rows
// of one thread (shaders/matvec_rows.wgsl: its rows come in pairs from an even row); the first
// n_rot dimensions of a head rotate by pos · inv_freqs[i], the rest are kept. sin_cos comes from
// shaders/rope/sin_cos.wgsl; kv_float (the caches' type) is defined first (kernels::Tuning);
// `texel_after_pair` (the caches' texture copies, or nothing) from shaders/epilogue/kv_texels*.
// EPILOGUE_B0..EPILOGUE_B4 (the bindings after the GEMV's inputs) are replaced when compiled.

@group(0) @binding(EPILOGUE_B0) var<storage, read> inv_freqs: array<f32>;
@group(0) @binding(EPILOGUE_B1) var<storage, read_write> k_cache: array<kv_float>; // [pos][kv_rows]
@group(0) @binding(EPILOGUE_B2) var<storage, read_write> v_cache: array<kv_float>; // [pos][kv_rows]

fn store_pair(part_row: u32, v: vec2<f32>) {
    let row = params.y_row0 + part_row; // in the whole of W (a part of it starts at y_row0)
    let kv_row = row - params.q_rows; // past q
    let is_v = row >= params.q_rows + params.kv_rows;
    let d = select(kv_row, row, row < params.q_rows) % params.head_dim; // dimension in its head
    var r = v;
    if (!is_v && d < params.n_rot) {
        let sc = sin_cos(f32(params.pos) * inv_freqs[d / 2u]);
        r = vec2<f32>(v.x * sc.y - v.y * sc.x, v.x * sc.x + v.y * sc.y);
    }
    let cache_at = params.pos * params.kv_rows;
    if (row < params.q_rows) {
        y[row] = r.x;
        y[row + 1u] = r.y;
    } else if (!is_v) {
        k_cache[cache_at + kv_row] = kv_float(r.x);
        k_cache[cache_at + kv_row + 1u] = kv_float(r.y);
        texel_after_pair(false, kv_row);
    } else {
        v_cache[cache_at + kv_row - params.kv_rows] = kv_float(r.x);
        v_cache[cache_at + kv_row - params.kv_rows + 1u] = kv_float(r.y);
        texel_after_pair(true, kv_row - params.kv_rows);
    }
}
