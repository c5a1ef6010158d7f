// The sums of a thread that loaded its x itself (shaders/share_x/direct.wgsl) and went
// through all of x and all of its rows: nothing to add up across threads.

// The sum over the threads that shared x's loads of what each accumulated from its own: each
// thread loaded all of x itself.
fn x_total(inv: Invocation, v: f32) -> f32 {
    return v;
}

// A GEMV thread's sums for its rows, whole: each thread went through all of its rows.
fn row_total(inv: Invocation, v: vec4<f32>) -> vec4<f32> {
    return v;
}
