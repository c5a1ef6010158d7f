//! CPU reference implementations: the plain math every GPU kernel is checked against.
//! Layouts match the kernels: row-major, token-major activations.

use crate::kernels::{Activation, AttentionShape, Rope, RopeStyle, Sampling};

/// RMSNorm of one row: `x / sqrt(mean(x²) + eps) * weight`.
pub fn rms_norm(x: &[f32], weight: &[f32], eps: f32) -> Vec<f32> {
    let mean_sq = x.iter().map(|v| v * v).sum::<f32>() / x.len() as f32;
    let scale = 1.0 / (mean_sq + eps).sqrt();
    x.iter().zip(weight).map(|(v, w)| v * scale * w).collect()
}

/// `y[t][r] = Σ_i w[r][i] · x[t][i]` for dequantized `w` [n_out][n_in] and `x` [n_tok][n_in].
pub fn matmul(w: &[f32], x: &[f32], n_in: usize) -> Vec<f32> {
    let n_out = w.len() / n_in;
    x.chunks(n_in)
        .flat_map(|xt| w.chunks(n_in).map(move |row| row.iter().zip(xt).map(|(a, b)| a * b).sum::<f32>()))
        .collect::<Vec<_>>()
        .chunks(n_out)
        .flatten()
        .copied()
        .collect()
}

/// Rotary embedding in place on `x` [n_tok][n_heads][head_dim], positions `pos0 + t`.
pub fn rope(x: &mut [f32], n_heads: usize, head_dim: usize, pos0: usize, rope: &Rope) {
    let half = rope.n_rot as usize / 2;
    let inv_freqs = rope.inv_freqs(None);
    for (t, token) in x.chunks_mut(n_heads * head_dim).enumerate() {
        let pos = (pos0 + t) as f32;
        for head in token.chunks_mut(head_dim) {
            for i in 0..half {
                let theta = pos * inv_freqs[i];
                let (a, b) = match rope.style {
                    RopeStyle::Adjacent => (2 * i, 2 * i + 1),
                    RopeStyle::Halves => (i, i + half),
                };
                let (x0, x1) = (head[a], head[b]);
                head[a] = x0 * theta.cos() - x1 * theta.sin();
                head[b] = x0 * theta.sin() + x1 * theta.cos();
            }
        }
    }
}

/// Causal attention for queries `q` [n_tok][n_head][hd] at positions `pos0..`, over caches
/// [pos][n_kv_head][hd] holding positions `0..pos0 + n_tok`.
pub fn attention(q: &[f32], k_cache: &[f32], v_cache: &[f32], pos0: usize, s: &AttentionShape) -> Vec<f32> {
    let (hd, n_head, n_kv) = (s.head_dim as usize, s.n_head as usize, s.n_kv_head as usize);
    let group = n_head / n_kv;
    let mut out = vec![0.0; q.len()];
    for (t, qt) in q.chunks(n_head * hd).enumerate() {
        let p = pos0 + t;
        let first = if s.window > 0 { (p + 1).saturating_sub(s.window as usize) } else { 0 };
        for h in 0..n_head {
            let qh = &qt[h * hd..(h + 1) * hd];
            let kvh = h / group;
            let at = |cache: &[f32], j: usize, d: usize| cache[(j * n_kv + kvh) * hd + d];
            let scores: Vec<f32> = (first..=p)
                .map(|j| (0..hd).map(|d| qh[d] * at(k_cache, j, d)).sum::<f32>() * s.scale)
                .collect();
            let max = scores.iter().copied().fold(f32::NEG_INFINITY, f32::max);
            let weights: Vec<f32> = scores.iter().map(|v| (v - max).exp()).collect();
            let total: f32 = weights.iter().sum();
            for d in 0..hd {
                let v: f32 = (first..=p).zip(&weights).map(|(j, w)| w * at(v_cache, j, d)).sum();
                out[(t * n_head + h) * hd + d] = v / total;
            }
        }
    }
    out
}

/// `act(g) * u` elementwise.
pub fn glu(gate: &[f32], up: &[f32], act: Activation) -> Vec<f32> {
    let act = |g: f32| match act {
        Activation::Silu => g / (1.0 + (-g).exp()),
        Activation::GeluTanh => 0.5 * g * (1.0 + (0.797_884_6 * (g + 0.044_715 * g * g * g)).tanh()),
    };
    gate.iter().zip(up).map(|(&g, u)| act(g) * u).collect()
}

/// Index of the largest value (first on ties).
pub fn argmax(x: &[f32]) -> usize {
    x.iter().enumerate().fold(0, |best, (i, &v)| if v > x[best] { i } else { best })
}

/// The token `sampling` draws from `logits` for the uniform draw `u` in [0, 1): the kept set is
/// every logit ≥ the top_k-th largest, then every logit ≥ the smallest one that still brings the
/// sorted cumulative probability to top_p; the pick is the first id (in id order) whose
/// cumulative kept probability exceeds `u`. Greedy when the temperature is 0 or top_k is 1.
pub fn sample(logits: &[f32], sampling: &Sampling, u: f32) -> usize {
    let best = argmax(logits);
    if sampling.is_greedy() {
        return best;
    }
    let max = logits[best];
    let mut sorted: Vec<f32> = logits.to_vec();
    sorted.sort_by(|a, b| b.total_cmp(a));
    let k = sampling.top_k as usize;
    let mut threshold = if k > 0 && k < logits.len() { sorted[k - 1] } else { f32::NEG_INFINITY };
    let weight = |l: f32| ((l - max) / sampling.temperature).exp();
    if sampling.top_p < 1.0 {
        let kept = sorted.iter().copied().filter(|&l| l >= threshold);
        let goal = sampling.top_p * kept.clone().map(weight).sum::<f32>();
        let mut mass = 0.0;
        for l in kept {
            mass += weight(l);
            if mass >= goal {
                threshold = l;
                break;
            }
        }
    }
    let p: Vec<f32> = logits.iter().map(|&l| if l >= threshold { weight(l) } else { 0.0 }).collect();
    let target = u * p.iter().sum::<f32>();
    let mut acc = 0.0;
    for (i, &pi) in p.iter().enumerate() {
        acc += pi;
        if pi > 0.0 && acc > target {
            return i;
        }
    }
    best
}
