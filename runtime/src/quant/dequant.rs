//! CPU dequantization, one function per block format, following ggml's `dequantize_row_*`
//! operation order exactly so results are bit-identical to ggml's `to_float`.

use super::GgmlType;
use half::f16;

fn f16_at(b: &[u8], i: usize) -> f32 {
    f16::from_le_bytes([b[i], b[i + 1]]).to_f32()
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
        GgmlType::Q8_0 => q8_0,
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
