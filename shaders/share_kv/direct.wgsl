// How an attention thread reads the keys and values it walks (shaders/attention.wgsl): its own
// keys, each quad loaded where it is used. For decode (a thread's keys are its own chunk), and
// for adapters without subgroups of 8 (see subgroup.wgsl). It reads the caches' buffers
// (`k_cache`, `v_cache` from shaders/kv_read/buffer.wgsl).

// Whether the lanes of a subgroup share their loads (and so must all run the loop).
const SHARED: bool = false;

struct Lane {
    @builtin(local_invocation_index) index: u32,
}

// The keys the thread's loop runs over: exactly its own.
fn walk(first: u32, last: u32) -> vec2<u32> {
    return vec2<u32>(first, last);
}

// What this lane loads of a cache row for the others: nothing here.
const SHARE: u32 = 1u;

fn k_share(lane: Lane, j: u32, col0: u32) -> array<vec4<f32>, SHARE> {
    return array<vec4<f32>, SHARE>(vec4<f32>(0.0));
}

fn v_share(lane: Lane, j: u32, col0: u32) -> array<vec4<f32>, SHARE> {
    return array<vec4<f32>, SHARE>(vec4<f32>(0.0));
}

// Quad d of the key (value) at cache row offset kv.
fn k_quad(share: array<vec4<f32>, SHARE>, kv: u32, d: u32) -> vec4<f32> {
    return vec4<f32>(k_cache[kv + d]);
}

fn v_quad(share: array<vec4<f32>, SHARE>, kv: u32, d: u32) -> vec4<f32> {
    return vec4<f32>(v_cache[kv + d]);
}
