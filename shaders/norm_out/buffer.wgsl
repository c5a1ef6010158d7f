// A thread-per-row RMSNorm's result into a buffer of rows: written, or with params.accumulate
// = 1 added to what is there (y is read only then).
@group(0) @binding(3) var<storage, read_write> y: array<vec4<f32>>;

fn put(row: u32, i: u32, v: vec4<f32>) {
    let at = row * (params.n_cols / 4u) + i;
    if (params.accumulate == 1u) {
        y[at] += v;
    } else {
        y[at] = v;
    }
}
