// The sums of a GEMV whose SPLIT threads share each block of rows (GPUs, where a thread walking
// its own rows alone would have a warp read 32 rows at once, a cache line each, and threads
// reading one row's consecutive 16-byte words coalesce): each thread loads the quads of the
// groups it takes (every SPLIT-th: shaders/share_x/direct.wgsl), and the SPLIT threads
// (consecutive invocations) add up their sums at the end through workgroup memory. SPLIT and
// LANES come from shaders/matvec_rows.wgsl.

var<workgroup> split_sums: array<vec4<f32>, LANES>;

// The sum of `v` over the SPLIT threads that share this thread's rows. Every thread of the
// workgroup calls it (it has barriers).
fn row_total(inv: Invocation, v: vec4<f32>) -> vec4<f32> {
    workgroupBarrier(); // the previous call's reads are done
    split_sums[inv.lid] = v;
    workgroupBarrier();
    let first = inv.lid - inv.lid % SPLIT;
    var total = vec4<f32>(0.0);
    for (var k = 0u; k < SPLIT; k++) {
        total += split_sums[first + k];
    }
    return total;
}

// The sum over the threads that shared x's loads of what each accumulated from its own.
fn x_total(inv: Invocation, v: f32) -> f32 {
    return row_total(inv, vec4<f32>(v, 0.0, 0.0, 0.0)).x;
}
