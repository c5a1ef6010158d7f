// Decode's Q/K/V GEMV adding q's, k's and v's biases (qwen2) as it stores, which spares three
// bias adds a layer: W's rows are q's (params.q_rows), then k's and v's (params.kv_rows each),
// each range with its own bias vector. EPILOGUE_B0..EPILOGUE_B2 (the bindings after the GEMV's
// inputs) are replaced when compiled.

@group(0) @binding(EPILOGUE_B0) var<storage, read> q_bias: array<f32>;
@group(0) @binding(EPILOGUE_B1) var<storage, read> k_bias: array<f32>;
@group(0) @binding(EPILOGUE_B2) var<storage, read> v_bias: array<f32>;

// The bias of row `row` of the whole of W.
fn bias(row: u32) -> f32 {
    if (row < params.q_rows) {
        return q_bias[row];
    }
    if (row < params.q_rows + params.kv_rows) {
        return k_bias[row - params.q_rows];
    }
    return v_bias[row - params.q_rows - params.kv_rows];
}

fn store_pair(part_row: u32, v: vec2<f32>) {
    let row = params.y_row0 + part_row; // in the whole of W (a part of it starts at y_row0)
    for (var j = 0u; j < 2u; j++) {
        if (part_row + j < params.n_out) {
            y[row + j] = v[j] + bias(row + j);
        }
    }
}
