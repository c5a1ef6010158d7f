//! CPU dequantization, one function per block format, following ggml's `dequantize_row_*`
//! operation order exactly so results are bit-identical to ggml's `to_float`.

use super::GgmlType;
use half::f16;

fn f16_at(b: &[u8], i: usize) -> f32 {
    f16::from_le_bytes([b[i], b[i + 1]]).to_f32()
}

/// BF16 is the upper half of an f32: widening is a shift (NaN payloads survive).
fn bf16_at(b: &[u8], i: usize) -> f32 {
    f32::from_bits((u16::from_le_bytes([b[i], b[i + 1]]) as u32) << 16)
}

/// Dequantizes `bytes` (whole blocks of type `ty`) into f32 values.
/// Panics on unsupported types or a partial block: callers validate both first (GGUF reader).
pub fn dequantize(ty: GgmlType, bytes: &[u8]) -> Vec<f32> {
    let (block_size, block_bytes) = (ty.block_size() as usize, ty.block_bytes() as usize);
    assert_eq!(bytes.len() % block_bytes, 0, "{ty:?}: partial block");
    let mut out = vec![0.0f32; bytes.len() / block_bytes * block_size];
    let block_fn: fn(&[u8], &mut [f32]) = match ty {
        GgmlType::F32 => |b, y| y[0] = f32::from_le_bytes([b[0], b[1], b[2], b[3]]),
        GgmlType::F16 => |b, y| y[0] = f16_at(b, 0),
        GgmlType::Q4_0 => q4_0,
        GgmlType::Q4_1 => q4_1,
        GgmlType::Q5_0 => q5_0,
        GgmlType::Q5_1 => q5_1,
        GgmlType::Q8_0 => q8_0,
        GgmlType::Q4_K => q4_k,
        GgmlType::Q5_K => q5_k,
        GgmlType::Q6_K => q6_k,
        GgmlType::BF16 => |b, y| y[0] = bf16_at(b, 0),
        other => panic!("dequantize: {other:?} is not supported"),
    };
    for (block, y) in bytes.chunks_exact(block_bytes).zip(out.chunks_exact_mut(block_size)) {
        block_fn(block, y);
    }
    out
}

/// Q4_0: scale d (f16), 32 4-bit values stored low nibbles first: x = (q - 8) * d.
fn q4_0(b: &[u8], y: &mut [f32]) {
    let d = f16_at(b, 0);
    for (j, &q) in b[2..18].iter().enumerate() {
        y[j] = ((q & 0x0F) as i32 - 8) as f32 * d;
        y[j + 16] = ((q >> 4) as i32 - 8) as f32 * d;
    }
}

/// Q4_1: scale d and minimum m (f16), 32 4-bit values: x = q * d + m.
fn q4_1(b: &[u8], y: &mut [f32]) {
    let (d, m) = (f16_at(b, 0), f16_at(b, 2));
    for (j, &q) in b[4..20].iter().enumerate() {
        y[j] = (q & 0x0F) as f32 * d + m;
        y[j + 16] = (q >> 4) as f32 * d + m;
    }
}

/// Q8_0: scale d (f16), 32 signed bytes: x = q * d.
fn q8_0(b: &[u8], y: &mut [f32]) {
    let d = f16_at(b, 0);
    for (j, &q) in b[2..34].iter().enumerate() {
        y[j] = (q as i8) as f32 * d;
    }
}

/// Q5_0: scale d (f16), qh (32 high bits), 16 bytes of nibble pairs: x = ((q | h << 4) - 16) * d.
fn q5_0(b: &[u8], y: &mut [f32]) {
    let d = f16_at(b, 0);
    let qh = u32::from_le_bytes([b[2], b[3], b[4], b[5]]);
    for (j, &q) in b[6..22].iter().enumerate() {
        let h0 = ((qh >> j) << 4) & 0x10;
        let h1 = (qh >> (j + 12)) & 0x10;
        y[j] = (((q as u32 & 0x0F) | h0) as i32 - 16) as f32 * d;
        y[j + 16] = (((q as u32 >> 4) | h1) as i32 - 16) as f32 * d;
    }
}

/// Q5_1: scale d, minimum m (f16), qh, 16 bytes of nibble pairs: x = (q | h << 4) * d + m.
fn q5_1(b: &[u8], y: &mut [f32]) {
    let (d, m) = (f16_at(b, 0), f16_at(b, 2));
    let qh = u32::from_le_bytes([b[4], b[5], b[6], b[7]]);
    for (j, &q) in b[8..24].iter().enumerate() {
        let h0 = ((qh >> j) << 4) & 0x10;
        let h1 = (qh >> (j + 12)) & 0x10;
        y[j] = ((q as u32 & 0x0F) | h0) as f32 * d + m;
        y[j + 16] = ((q as u32 >> 4) | h1) as f32 * d + m;
    }
}

/// ggml's `get_scale_min_k4`: 6-bit scale and min of sub-block `j` (0..8) from the 12 packed bytes.
pub(crate) fn scale_min_k4(j: usize, q: &[u8]) -> (u8, u8) {
    if j < 4 {
        (q[j] & 63, q[j + 4] & 63)
    } else {
        ((q[j + 4] & 0x0F) | ((q[j - 4] >> 6) << 4), (q[j + 4] >> 4) | ((q[j] >> 6) << 4))
    }
}

/// Q4_K (256 values): d, dmin (f16), 12 bytes of 6-bit scales/mins, 128 bytes of nibbles. 64 values
/// share 32 bytes: sub-block 2i = low nibbles, 2i + 1 = high. x = (d * sc) * q - dmin * m.
fn q4_k(b: &[u8], y: &mut [f32]) {
    let (d, min) = (f16_at(b, 0), f16_at(b, 2));
    let scales = &b[4..16];
    for (i, (q, y)) in b[16..144].chunks_exact(32).zip(y.chunks_exact_mut(64)).enumerate() {
        let (sc, m) = scale_min_k4(2 * i, scales);
        let (d1, m1) = (d * sc as f32, min * m as f32);
        let (sc, m) = scale_min_k4(2 * i + 1, scales);
        let (d2, m2) = (d * sc as f32, min * m as f32);
        for l in 0..32 {
            y[l] = d1 * (q[l] & 0x0F) as f32 - m1;
            y[l + 32] = d2 * (q[l] >> 4) as f32 - m2;
        }
    }
}

/// Q5_K (256 values): Q4_K plus qh (32 bytes): bit s of qh[l] is the 5th bit of value l of sub-block s.
fn q5_k(b: &[u8], y: &mut [f32]) {
    let (d, min) = (f16_at(b, 0), f16_at(b, 2));
    let (scales, qh) = (&b[4..16], &b[16..48]);
    for (i, (ql, y)) in b[48..176].chunks_exact(32).zip(y.chunks_exact_mut(64)).enumerate() {
        let (sc, m) = scale_min_k4(2 * i, scales);
        let (d1, m1) = (d * sc as f32, min * m as f32);
        let (sc, m) = scale_min_k4(2 * i + 1, scales);
        let (d2, m2) = (d * sc as f32, min * m as f32);
        let (u1, u2) = (1u8 << (2 * i), 2u8 << (2 * i));
        for l in 0..32 {
            let h1 = if qh[l] & u1 != 0 { 16 } else { 0 };
            let h2 = if qh[l] & u2 != 0 { 16 } else { 0 };
            y[l] = d1 * ((ql[l] & 0x0F) as i32 + h1) as f32 - m1;
            y[l + 32] = d2 * ((ql[l] >> 4) as i32 + h2) as f32 - m2;
        }
    }
}

/// Q6_K (256 values): ql (128 bytes of low nibbles), qh (64 bytes of 2-bit pairs), 16 int8 scales,
/// d (f16). Per half of 128 values: x = (d * sc) * (q - 32).
fn q6_k(b: &[u8], y: &mut [f32]) {
    let d = f16_at(b, 208);
    for (n, y) in y.chunks_exact_mut(128).enumerate() {
        let (ql, qh, sc) = (&b[64 * n..64 * n + 64], &b[128 + 32 * n..160 + 32 * n], &b[192 + 8 * n..200 + 8 * n]);
        let sc = |k: usize| sc[k] as i8 as f32;
        for l in 0..32 {
            let is = l / 16;
            let q1 = ((ql[l] & 0x0F) | ((qh[l] & 3) << 4)) as i32 - 32;
            let q2 = ((ql[l + 32] & 0x0F) | (((qh[l] >> 2) & 3) << 4)) as i32 - 32;
            let q3 = ((ql[l] >> 4) | (((qh[l] >> 4) & 3) << 4)) as i32 - 32;
            let q4 = ((ql[l + 32] >> 4) | (((qh[l] >> 6) & 3) << 4)) as i32 - 32;
            y[l] = d * sc(is) * q1 as f32;
            y[l + 32] = d * sc(is + 2) * q2 as f32;
            y[l + 64] = d * sc(is + 4) * q3 as f32;
            y[l + 96] = d * sc(is + 6) * q4 as f32;
        }
    }
}
