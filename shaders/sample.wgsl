// Token sampling on the GPU, so a decode step reads back 4 bytes instead of the vocabulary.
// One workgroup over logits[offset .. offset + n]:
//   temperature <= 0 or top_k == 1: greedy (largest logit, lowest index on ties);
//   otherwise p_i ∝ exp((l_i - max) / temperature) restricted to the top_k largest logits (0 = all)
//   and then to the smallest top-scoring set whose mass reaches top_p (the nucleus); the token is
//   the first (in id order) whose cumulative kept mass exceeds u · (kept mass), u uniform in [0, 1).
// Both cuts are a threshold on the logit, found by bisection over the logits' order-preserving u32
// keys (32 steps, exact), so ties at a threshold are all kept — as in cpu::sample.

struct Params {
    n: u32,
    offset: u32,
    top_k: u32,
    _pad: u32,
    temperature: f32,
    top_p: f32,
    u: f32,
    _pad1: f32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> logits: array<f32>;
@group(0) @binding(2) var<storage, read_write> result: array<u32>;

const WG: u32 = 256u;
var<workgroup> red_f: array<f32, WG>;
var<workgroup> red_u: array<u32, WG>;
var<workgroup> out_f: f32;
var<workgroup> out_u: u32;

// Order-preserving map of f32 to u32: a < b ⇔ key(a) < key(b).
fn key(v: f32) -> u32 {
    let b = bitcast<u32>(v);
    return select(b | 0x80000000u, ~b, (b & 0x80000000u) != 0u);
}

fn logit(i: u32) -> f32 {
    return logits[params.offset + i];
}

fn sum_f(lid: u32, v: f32) -> f32 {
    red_f[lid] = v;
    workgroupBarrier();
    for (var s = WG / 2u; s > 0u; s >>= 1u) {
        if (lid < s) {
            red_f[lid] += red_f[lid + s];
        }
        workgroupBarrier();
    }
    if (lid == 0u) {
        out_f = red_f[0];
    }
    return workgroupUniformLoad(&out_f);
}

fn sum_u(lid: u32, v: u32) -> u32 {
    red_u[lid] = v;
    workgroupBarrier();
    for (var s = WG / 2u; s > 0u; s >>= 1u) {
        if (lid < s) {
            red_u[lid] += red_u[lid + s];
        }
        workgroupBarrier();
    }
    if (lid == 0u) {
        out_u = red_u[0];
    }
    return workgroupUniformLoad(&out_u);
}

// Largest logit's index (lowest on ties), left in out_u; its value in out_f.
fn argmax(lid: u32) {
    var v = -3.0e38;
    var idx = 0xffffffffu;
    for (var i = lid; i < params.n; i += WG) {
        if (logit(i) > v) {
            v = logit(i);
            idx = i;
        }
    }
    red_f[lid] = v;
    red_u[lid] = idx;
    workgroupBarrier();
    for (var s = WG / 2u; s > 0u; s >>= 1u) {
        if (lid < s) {
            let ov = red_f[lid + s];
            let oi = red_u[lid + s];
            if (ov > red_f[lid] || (ov == red_f[lid] && oi < red_u[lid])) {
                red_f[lid] = ov;
                red_u[lid] = oi;
            }
        }
        workgroupBarrier();
    }
    if (lid == 0u) {
        out_f = red_f[0];
        out_u = red_u[0];
    }
    workgroupBarrier();
}

// Unnormalised probability of token i, 0 when its logit's key is below `threshold`.
fn weight(i: u32, max_logit: f32, threshold: u32) -> f32 {
    let l = logit(i);
    return select(0.0, exp((l - max_logit) / params.temperature), key(l) >= threshold);
}

fn count_at_least(lid: u32, threshold: u32) -> u32 {
    var c = 0u;
    for (var i = lid; i < params.n; i += WG) {
        c += u32(key(logit(i)) >= threshold);
    }
    return sum_u(lid, c);
}

fn mass_at_least(lid: u32, max_logit: f32, threshold: u32) -> f32 {
    var m = 0.0;
    for (var i = lid; i < params.n; i += WG) {
        m += weight(i, max_logit, threshold);
    }
    return sum_f(lid, m);
}

@compute @workgroup_size(WG)
fn main(@builtin(local_invocation_index) lid: u32) {
    argmax(lid);
    let max_logit = workgroupUniformLoad(&out_f);
    let best = workgroupUniformLoad(&out_u);
    if (params.temperature <= 0.0 || params.top_k == 1u) {
        if (lid == 0u) {
            result[0] = best;
        }
        return;
    }
    // Invariant of both searches: `lo` satisfies the condition, `hi` does not.
    let above_max = key(max_logit) + 1u;
    var threshold = 0u;
    if (params.top_k > 0u && params.top_k < params.n) {
        var lo = 0u;
        var hi = above_max;
        while (hi - lo > 1u) {
            let mid = lo + (hi - lo) / 2u;
            if (count_at_least(lid, mid) >= params.top_k) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        threshold = lo;
    }
    if (params.top_p < 1.0) {
        let goal = params.top_p * mass_at_least(lid, max_logit, threshold);
        var lo = threshold;
        var hi = above_max;
        while (hi - lo > 1u) {
            let mid = lo + (hi - lo) / 2u;
            if (mass_at_least(lid, max_logit, mid) >= goal) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        threshold = lo;
    }

    // Inverse CDF in id order: each thread owns a contiguous chunk; a prefix sum of chunk masses
    // finds the chunk holding the wanted mass, whose thread walks it.
    let chunk = (params.n + WG - 1u) / WG;
    let begin = min(lid * chunk, params.n);
    let end = min(begin + chunk, params.n);
    var mine = 0.0;
    for (var i = begin; i < end; i++) {
        mine += weight(i, max_logit, threshold);
    }
    red_f[lid] = mine;
    workgroupBarrier();
    for (var s = 1u; s < WG; s <<= 1u) {
        var add = 0.0;
        if (lid >= s) {
            add = red_f[lid - s];
        }
        workgroupBarrier();
        red_f[lid] += add;
        workgroupBarrier();
    }
    // Chunk lid covers [red_f[lid - 1], red_f[lid]): the intervals partition [0, total) exactly.
    let incl = red_f[lid];
    var excl = 0.0;
    if (lid > 0u) {
        excl = red_f[lid - 1u];
    }
    let wanted = params.u * red_f[WG - 1u];
    if (lid == 0u) {
        out_u = best; // kept unless a chunk claims the wanted mass (only float rounding prevents it)
    }
    workgroupBarrier();
    if (excl <= wanted && wanted < incl) {
        var acc = excl;
        var pick = best;
        for (var i = begin; i < end; i++) {
            let p = weight(i, max_logit, threshold);
            if (p > 0.0) {
                pick = i;
                acc += p;
                if (acc > wanted) {
                    break;
                }
            }
        }
        out_u = pick;
    }
    workgroupBarrier();
    if (lid == 0u) {
        result[0] = out_u;
    }
}
