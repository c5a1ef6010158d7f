// The prefill GEMM's rows and outputs (see shaders/matmul.wgsl): a row per thread slot
// (plain_rows), and each slot's sums go to y (added where params.accumulate says: write_slot).

// W's rows for a thread's slots.
fn thread_rows(slots: vec4<u32>, first: u32) -> vec4<u32> {
    return plain_rows(slots, first);
}

// Outputs (here rows) per workgroup.
fn outputs_per_workgroup() -> u32 {
    return 4u * BLOCKS * LANES;
}

// Every token slot's results.
fn write_outputs(first: u32) {
    write_slot(s, first); // for each s < TOK
}
