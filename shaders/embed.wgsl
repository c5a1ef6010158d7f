// Embedding lookup: y[t] = dequant(table row ids[t]) * scale. One workgroup per token; a table
// split over several bindings is looked up once per part.
// `dequant32` comes from shaders/dequant/<type>.wgsl, w (binding 1) from shaders/weights/.

struct Params {
    n_embd: u32,
    row_bytes: u32,
    scale: f32,
    first_id: u32, // this binding holds rows first_id .. first_id + n_ids of the table
    n_ids: u32,
    skip_rows: u32,
    w_word0: u32, // where the table's words start in a weight texture (shaders/weights/texture.wgsl)
    _pad1: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(2) var<storage, read> ids: array<u32>;
@group(0) @binding(3) var<storage, read_write> y: array<f32>;

// Values per row of the table (planar rows keep their scales after all the row's quants).
fn row_len() -> u32 {
    return params.n_embd;
}

@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
    let t = wg.x;
    let id = ids[t];
    if (id < params.first_id || id >= params.first_id + params.n_ids) {
        return; // another part of a split table holds this row
    }
    let row_byte = (id - params.first_id + params.skip_rows) * params.row_bytes;
    let n_groups = (params.n_embd + 31u) / 32u;
    for (var g = lid; g < n_groups; g += 64u) {
        let n_valid = min(32u, params.n_embd - g * 32u);
        let v = dequant32(row_byte, g, n_valid);
        for (var i = 0u; i < n_valid; i++) {
            y[t * params.n_embd + g * 32u + i] = v[i / 4u][i % 4u] * params.scale;
        }
    }
}
