// The prefill GEMM's rows and outputs (see shaders/matmul.wgsl): thread slot i of a thread
// whose first row is `first` is row first + LANES·i, and each slot's sums go to y (added where
// params.accumulate says: write_slot).

// W's rows for a thread's slots (rows past the end repeat the last one).
fn thread_rows(slots: vec4<u32>, first: u32) -> vec4<u32> {
    return min(vec4<u32>(first) + slots * LANES, vec4<u32>(params.n_out - 1u));
}

// Outputs (here rows) per workgroup.
fn outputs_per_workgroup() -> u32 {
    return 4u * BLOCKS * LANES;
}

// Every token slot's results.
fn write_outputs(first: u32) {
    write_slot(s, first); // for each s < TOK
}
