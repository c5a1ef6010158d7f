// How an attention thread reads the keys and values it walks (shaders/attention.wgsl), for a
// prompt on an adapter whose subgroups are always 8 lanes (kernels::Tuning): the lanes are
// consecutive queries of one head and read the same keys, so the subgroup walks the union of its
// queries' keys together, lane l loads quads l, l + 8, .. of each key and value, and a thread
// gets quad d from lane d % 8 by a shuffle: an eighth of the loads. A lane skips (in
// attention.wgsl) the keys outside its own range. Needs D4 a multiple of 8 (head size 32, 64,
// 128, ...).

// Whether the lanes of a subgroup share their loads (and so must all run the loop).
const SHARED: bool = true;

struct Lane {
    @builtin(subgroup_invocation_id) index: u32,
}

// The keys the subgroup's loop runs over: every key some lane of it needs.
fn walk(first: u32, last: u32) -> vec2<u32> {
    return vec2<u32>(subgroupMin(first), subgroupMax(last));
}

const SHARE: u32 = D4 / 8u;

// This lane's quads of position j's key, from quad col0 of its row (the KV head's first).
fn k_share(lane: Lane, j: u32, col0: u32) -> array<vec4<f32>, SHARE> {
    var share: array<vec4<f32>, SHARE>;
    for (var i = 0u; i < SHARE; i++) {
        share[i] = key_quad(j, col0 + 8u * i + lane.index);
    }
    return share;
}

fn v_share(lane: Lane, j: u32, col0: u32) -> array<vec4<f32>, SHARE> {
    var share: array<vec4<f32>, SHARE>;
    for (var i = 0u; i < SHARE; i++) {
        share[i] = value_quad(j, col0 + 8u * i + lane.index);
    }
    return share;
}

// Quad d of the key (value) at cache row offset kv: lane d % 8's load.
fn k_quad(share: array<vec4<f32>, SHARE>, kv: u32, d: u32) -> vec4<f32> {
    return subgroupShuffle(share[d / 8u], d % 8u);
}

fn v_quad(share: array<vec4<f32>, SHARE>, kv: u32, d: u32) -> vec4<f32> {
    return subgroupShuffle(share[d / 8u], d % 8u);
}
