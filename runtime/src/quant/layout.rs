//! How a tensor's rows lie in GPU buffers: the one place that decides it (the WGSL in
//! shaders/dequant/ and shaders/dot/ reads what this writes).
//!
//! Most types keep their GGUF bytes. Q4_0, Q4_1, Q5_0, Q5_1 and Q8_0 blocks are 18, 20, 22, 24
//! and 34 bytes, so their quants sit at every alignment and a GEMV must read them as single,
//! realigned 4-byte words. We store their rows *planar* instead: all the row's quants first, 16
//! or 32 bytes per block (every block 16-byte aligned, read as whole `vec4<u32>`s), then its
//! scales (and Q5's fifth bits, 8 bytes per block), padded to 16 bytes. On
//! CPU adapters each storage load is a loop over the lanes, so the GEMV makes 2 loads per block
//! instead of 5 (Q4_1) or 9 (Q8_0); a GPU gets 16-byte loads. Q4_K keeps its 144-byte blocks
//! (already 16-byte aligned) but gives each 32-value sub-block's nibbles 16 bytes of their own
//! (`place_quants`): a sub-block's dot reads 2 words instead of 3. Q5_K does the same and gives
//! each sub-block's fifth bits a u32 of their own (GGUF spreads them over 32 bytes, one bit of
//! each). Both unpack their 12 bytes of 6-bit scales and mins into three u32s (`k_scales`).
//! Q6_K's 210-byte blocks are regrouped into 224 bytes (`q6_k_block`): each 32-value sub-block's low nibbles in a 16-byte
//! word of their own, its high bits in 8 bytes, then the 16 scales and d, so that a sub-block's
//! dot reads 4 words where the GGUF block took 16 misaligned ones.

use super::GgmlType::{self, *};

/// Where a planar type's block fields go: each GGUF block is `head_bytes` of scales (d, or d
/// and m) and, for Q5_0/Q5_1, fifth bits, followed by `quant_bytes` of quants. On the GPU the
/// head takes `scale_bytes` (Q5_0's 6 become 8: d, two zero bytes, then qh, so that both words
/// are aligned).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Planar {
    pub head_bytes: u32,
    pub scale_bytes: u32,
    pub quant_bytes: u32,
}

impl GgmlType {
    /// The planar layout of this type's rows on the GPU, or `None` when they keep GGUF's.
    pub fn planar(self) -> Option<Planar> {
        match self {
            Q4_0 => Some(Planar { head_bytes: 2, scale_bytes: 2, quant_bytes: 16 }),
            Q4_1 => Some(Planar { head_bytes: 4, scale_bytes: 4, quant_bytes: 16 }),
            Q5_0 => Some(Planar { head_bytes: 6, scale_bytes: 8, quant_bytes: 16 }),
            Q5_1 => Some(Planar { head_bytes: 8, scale_bytes: 8, quant_bytes: 16 }),
            Q8_0 => Some(Planar { head_bytes: 2, scale_bytes: 2, quant_bytes: 32 }),
            _ => None,
        }
    }

    /// Whether this type's GPU rows differ from its GGUF bytes (planar, or Q4_K's regrouped
    /// quants), so that the uploader must pass whole rows through [`GgmlType::to_gpu_rows`].
    pub fn rearranged(self) -> bool {
        self.planar().is_some() || matches!(self, Q4_K | Q5_K | Q6_K)
    }

    /// Bytes of one row of `row_len` values on the GPU (`None` as [`GgmlType::bytes_for`]).
    pub fn gpu_row_bytes(self, row_len: u64) -> Option<u64> {
        let gguf = self.bytes_for(row_len)?;
        Some(match self.planar() {
            None if self == Q6_K => row_len / self.block_size() * Q6_K_GPU_BLOCK as u64,
            None => gguf,
            Some(p) => {
                let blocks = row_len / self.block_size();
                blocks * p.quant_bytes as u64 + (blocks * p.scale_bytes as u64).div_ceil(16) * 16
            }
        })
    }

    /// Bytes on the GPU of a tensor of `dims` (GGUF order: `dims[0]` is the row length).
    pub fn gpu_bytes(self, dims: &[u64]) -> Option<u64> {
        self.gpu_row_bytes(*dims.first()?)?.checked_mul(dims[1..].iter().product())
    }

    /// Whole GGUF rows of `row_len` values, as the GPU holds them.
    pub fn to_gpu_rows(self, row_len: u64, gguf: &[u8]) -> Vec<u8> {
        if matches!(self, Q4_K | Q5_K) {
            // Blocks stay in place (a 16-byte head, then quants: 144 or 176 bytes, 16-byte
            // aligned); the head's scales are unpacked (`k_scales`) and the quants regrouped. A
            // split like the planar types' puts each head far from its quants: the GEMM read
            // every row from two places and was 1.45x slower.
            const HEAD: usize = 16;
            let block = self.block_bytes() as usize;
            let mut out = gguf.to_vec();
            for (src, dst) in gguf.chunks_exact(block).zip(out.chunks_exact_mut(block)) {
                dst[4..HEAD].copy_from_slice(&k_scales(&src[4..HEAD]));
                self.place_quants(&src[HEAD..], &mut dst[HEAD..]);
            }
            return out;
        }
        if self == Q6_K {
            let block = self.block_bytes() as usize;
            let mut out = vec![0u8; gguf.len() / block * Q6_K_GPU_BLOCK];
            for (src, dst) in gguf.chunks_exact(block).zip(out.chunks_exact_mut(Q6_K_GPU_BLOCK)) {
                q6_k_block(src, dst);
            }
            return out;
        }
        let Some(p) = self.planar() else { return gguf.to_vec() };
        let gguf_row = self.bytes_for(row_len).expect("whole blocks") as usize;
        let gpu_row = self.gpu_row_bytes(row_len).expect("whole blocks") as usize;
        debug_assert_eq!(gguf.len() % gguf_row, 0, "whole rows");
        let (hb, sb, qb) = (p.head_bytes as usize, p.scale_bytes as usize, p.quant_bytes as usize);
        let blocks = gguf_row / (hb + qb);
        let mut out = vec![0u8; gguf.len() / gguf_row * gpu_row];
        for (src, dst) in gguf.chunks_exact(gguf_row).zip(out.chunks_exact_mut(gpu_row)) {
            let (quants, scales) = dst.split_at_mut(blocks * qb);
            for (b, block) in src.chunks_exact(hb + qb).enumerate() {
                let (head, scale) = (&block[..hb], &mut scales[b * sb..(b + 1) * sb]);
                match self {
                    // d, two zero bytes, qh.
                    Q5_0 => {
                        scale[..2].copy_from_slice(&head[..2]);
                        scale[4..].copy_from_slice(&head[2..]);
                    }
                    _ => scale.copy_from_slice(head),
                }
                self.place_quants(&block[hb..], &mut quants[b * qb..(b + 1) * qb]);
            }
        }
        out
    }

    /// A block's quants as the GPU holds them: GGUF's, except Q4_K's and Q5_K's. There
    /// sub-blocks 2j and 2j + 1 share 32 bytes (low and high nibbles), so a dot of one sub-block
    /// reads 32 bytes for 16 bytes of quants; on the GPU each sub-block gets its own 16 bytes in
    /// Q4_0's order (value l in the low nibble of byte l, value l + 16 in the high one). Q5_K's
    /// 32 bytes of fifth bits (bit s of byte l: sub-block s, value l) come first, as one u32 per
    /// sub-block (bit l: value l).
    fn place_quants(self, gguf: &[u8], gpu: &mut [u8]) {
        match self {
            Q4_K => regroup_nibbles(gguf, gpu),
            Q5_K => {
                let (qh, qs) = gguf.split_at(32);
                for s in 0..8 {
                    let bits = (0..32).fold(0u32, |acc, l| acc | ((((qh[l] >> s) & 1) as u32) << l));
                    gpu[4 * s..][..4].copy_from_slice(&bits.to_le_bytes());
                }
                regroup_nibbles(qs, &mut gpu[32..]);
            }
            _ => gpu.copy_from_slice(gguf),
        }
    }
}

/// Q4_K's and Q5_K's 12 bytes of packed 6-bit scales and mins (ggml's `get_scale_min_k4`
/// reads sub-blocks 0..4 and 4..8 differently) as three u32s that decode the same way for every
/// sub-block j, without a branch (shaders/dequant/bytes.wgsl, `scale_min_k4`): the scales' low 4
/// bits (nibble j), the mins' low 4 bits (nibble j), then their high 2 bits (bits 2j and
/// 16 + 2j). On SwiftShader the branchy decode was 14% of Q4_K's GEMV.
fn k_scales(packed: &[u8]) -> [u8; 12] {
    let (mut low_sc, mut low_m, mut high) = (0u32, 0u32, 0u32);
    for j in 0..8 {
        let (sc, m) = super::dequant::scale_min_k4(j, packed);
        low_sc |= (sc as u32 & 0xf) << (4 * j);
        low_m |= (m as u32 & 0xf) << (4 * j);
        high |= ((sc as u32 >> 4) << (2 * j)) | ((m as u32 >> 4) << (16 + 2 * j));
    }
    let mut out = [0u8; 12];
    for (i, word) in [low_sc, low_m, high].iter().enumerate() {
        out[4 * i..4 * i + 4].copy_from_slice(&word.to_le_bytes());
    }
    out
}

/// K-quant nibbles, 8 sub-blocks of 32 (GGUF: sub-blocks 2j and 2j + 1 in the low and high
/// nibbles of 32 bytes), as 16 bytes per sub-block in Q4_0's order.
fn regroup_nibbles(gguf: &[u8], gpu: &mut [u8]) {
    for s in 0..8 {
        let (pair, shift) = (&gguf[32 * (s / 2)..][..32], 4 * (s % 2));
        for l in 0..16 {
            let (lo, hi) = ((pair[l] >> shift) & 0xf, (pair[l + 16] >> shift) & 0xf);
            gpu[16 * s + l] = lo | (hi << 4);
        }
    }
}

/// Bytes of a Q6_K super-block on the GPU (14 16-byte words).
const Q6_K_GPU_BLOCK: usize = 224;

/// One Q6_K super-block (GGUF: ql[128], qh[64], 16 i8 scales, f16 d) as the GPU holds it, per
/// sub-block s (= 4·half + k, values l = 0..31, q = low | high << 4 as in ggml):
/// - bytes 16s..16s + 16: byte l = low(l) | low(l + 16) << 4 (Q4_K's order);
/// - bytes 128 + 8s..: two u32, the high bits of values 0..15 and 16..31, value l at bits 2l;
/// - bytes 192..208: the scales; bytes 208..210: d; the rest zero.
fn q6_k_block(gguf: &[u8], gpu: &mut [u8]) {
    let (ql, qh) = (&gguf[..128], &gguf[128..192]);
    for s in 0..8 {
        let (half, k) = (s / 4, s % 4);
        let low = |l: usize| (ql[64 * half + 32 * (k % 2) + l] >> (4 * (k / 2))) & 0xf;
        let high = |l: usize| ((qh[32 * half + l] >> (2 * k)) & 3) as u32;
        for l in 0..16 {
            gpu[16 * s + l] = low(l) | (low(l + 16) << 4);
        }
        let bits = |first: usize| (0..16).fold(0u32, |acc, l| acc | (high(first + l) << (2 * l)));
        gpu[128 + 8 * s..][..4].copy_from_slice(&bits(0).to_le_bytes());
        gpu[132 + 8 * s..][..4].copy_from_slice(&bits(16).to_le_bytes());
    }
    gpu[192..210].copy_from_slice(&gguf[192..210]);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn q4_k_rows_give_each_sub_block_its_own_16_bytes() {
        // One super-block: head bytes 0..16, then quant byte i = i + 16 (GGUF order).
        let gguf: Vec<u8> = (0..144).map(|i| i as u8).collect();
        let gpu = Q4_K.to_gpu_rows(256, &gguf);
        assert_eq!(&gpu[..4], &gguf[..4]); // d, dmin stay first
        assert_eq!(&gpu[4..16], &k_scales(&gguf[4..16])); // then the scales, unpacked
        let qs = &gguf[16..];
        let value = |s: usize, l: usize| (qs[32 * (s / 2) + l] >> (4 * (s % 2))) & 0xf; // ggml's order
        for s in 0..8 {
            for l in 0..16 {
                assert_eq!(gpu[16 + 16 * s + l], value(s, l) | (value(s, l + 16) << 4), "sub-block {s}, byte {l}");
            }
        }
        assert!(Q4_K.rearranged() && Q4_1.rearranged() && Q5_0.rearranged() && Q5_K.rearranged() && Q6_K.rearranged() && !F16.rearranged());
    }

    #[test]
    fn q6_k_blocks_give_each_sub_block_a_word_of_low_nibbles_and_8_bytes_of_high_bits() {
        let gguf: Vec<u8> = (0..210u32).map(|i| (i * 37 + 11) as u8).collect();
        let gpu = Q6_K.to_gpu_rows(256, &gguf);
        assert_eq!(Q6_K.gpu_row_bytes(512), Some(448));
        assert_eq!(gpu.len(), 224);
        let (ql, qh) = (&gguf[..128], &gguf[128..192]);
        for s in 0..8 {
            let (half, k) = (s / 4, s % 4);
            for l in 0..32 {
                // ggml's order (dequantize_row_q6_K): sub-block s is values 32s..32s + 32.
                let want = ((ql[64 * half + 32 * (k % 2) + l] >> (4 * (k / 2))) & 0xf) | (((qh[32 * half + l] >> (2 * k)) & 3) << 4);
                let low = (gpu[16 * s + l % 16] >> (4 * (l / 16))) & 0xf;
                let bits = u32::from_le_bytes(gpu[128 + 8 * s + 4 * (l / 16)..][..4].try_into().unwrap());
                let high = ((bits >> (2 * (l % 16))) & 3) as u8;
                assert_eq!(low | (high << 4), want, "sub-block {s}, value {l}");
            }
        }
        assert_eq!(&gpu[192..210], &gguf[192..210]); // scales, d
        assert!(gpu[210..].iter().all(|&b| b == 0));
    }

    #[test]
    fn q5_k_blocks_give_each_sub_block_a_u32_of_fifth_bits_and_16_bytes_of_nibbles() {
        let gguf: Vec<u8> = (0..176u32).map(|i| (i * 53 + 7) as u8).collect();
        let gpu = Q5_K.to_gpu_rows(256, &gguf);
        assert_eq!(gpu.len(), 176);
        assert_eq!(&gpu[..4], &gguf[..4]); // d, dmin
        assert_eq!(&gpu[4..16], &k_scales(&gguf[4..16]));
        let (qh, qs) = (&gguf[16..48], &gguf[48..]);
        for s in 0..8 {
            let bits = u32::from_le_bytes(gpu[16 + 4 * s..][..4].try_into().unwrap());
            for l in 0..32 {
                // ggml's order (dequantize_row_q5_K): sub-block s is values 32s..32s + 32.
                let want = ((qs[32 * (s / 2) + l] >> (4 * (s % 2))) & 0xf) | (((qh[l] >> s) & 1) << 4);
                let low = (gpu[48 + 16 * s + l % 16] >> (4 * (l / 16))) & 0xf;
                assert_eq!(low | ((((bits >> l) & 1) as u8) << 4), want, "sub-block {s}, value {l}");
            }
        }
    }

    #[test]
    fn k_scales_decode_as_ggml_for_every_sub_block() {
        // The shader's decode (bytes.wgsl, scale_min_k4) against ggml's, over varied bytes.
        for seed in 0..64u32 {
            let packed: Vec<u8> = (0..12u32).map(|i| (i.wrapping_mul(97) ^ seed.wrapping_mul(131)).wrapping_add(seed) as u8).collect();
            let words: Vec<u32> = k_scales(&packed).chunks(4).map(|c| u32::from_le_bytes(c.try_into().unwrap())).collect();
            for j in 0..8 {
                let sc = ((words[0] >> (4 * j)) & 0xf) | (((words[2] >> (2 * j)) & 3) << 4);
                let m = ((words[1] >> (4 * j)) & 0xf) | (((words[2] >> (16 + 2 * j)) & 3) << 4);
                let (want_sc, want_m) = crate::quant::dequant::scale_min_k4(j as usize, &packed);
                assert_eq!((sc, m), (want_sc as u32, want_m as u32), "seed {seed}, sub-block {j}");
            }
        }
    }

    #[test]
    fn planar_rows_put_quants_then_padded_scales() {
        // Two Q4_1 rows of 64 values: blocks [d m | 16 quants], bytes numbered.
        let gguf: Vec<u8> = (0..80).map(|i| i as u8).collect();
        let gpu = Q4_1.to_gpu_rows(64, &gguf);
        assert_eq!(Q4_1.gpu_row_bytes(64), Some(48)); // 2 × 16 quants + 8 scale bytes padded to 16
        assert_eq!(gpu.len(), 96);
        assert_eq!(&gpu[..16], &gguf[4..20]);
        assert_eq!(&gpu[16..32], &gguf[24..40]);
        assert_eq!(&gpu[32..40], &[0, 1, 2, 3, 20, 21, 22, 23]);
        assert_eq!(&gpu[40..48], &[0; 8]);
        assert_eq!(&gpu[48..64], &gguf[44..60]);
        assert_eq!(Q8_0.gpu_row_bytes(576), Some(18 * 32 + 48));
        assert_eq!(Q4_K.gpu_row_bytes(256), Some(144));
        assert_eq!(F16.to_gpu_rows(8, &[7; 16]), vec![7; 16]);
        assert_eq!(Q4_1.gpu_bytes(&[64, 3]), Some(3 * 48));
    }

    #[test]
    fn q5_rows_put_quants_then_8_byte_heads() {
        // One Q5_0 row of 64 values: blocks [d | qh | 16 quants] (22 bytes), bytes numbered.
        let gguf: Vec<u8> = (0..44).map(|i| i as u8).collect();
        let gpu = Q5_0.to_gpu_rows(64, &gguf);
        assert_eq!(gpu.len(), 48); // 2 × 16 quants, 2 × 8 head bytes
        assert_eq!(&gpu[..16], &gguf[6..22]);
        assert_eq!(&gpu[16..32], &gguf[28..44]);
        assert_eq!(&gpu[32..40], &[0, 1, 0, 0, 2, 3, 4, 5]); // d, 0, 0, qh
        assert_eq!(&gpu[40..48], &[22, 23, 0, 0, 24, 25, 26, 27]);
        // Q5_1: [d m | qh | quants] (24 bytes): the head moves whole.
        let gguf: Vec<u8> = (0..48).map(|i| i as u8).collect();
        let gpu = Q5_1.to_gpu_rows(64, &gguf);
        assert_eq!(&gpu[..16], &gguf[8..24]);
        assert_eq!(&gpu[32..40], &gguf[..8]);
        assert_eq!(&gpu[40..48], &gguf[24..32]);
        assert_eq!(Q5_0.gpu_row_bytes(576), Some(18 * 16 + 144));
    }
}
