//! GGML tensor types: the one place that lists them, their block geometry and which we run.

mod dequant;
mod layout;

pub use dequant::dequantize;
pub use layout::Planar;

/// Every tensor type GGUF files use (ggml's `ggml_type` ids). Only some are supported
/// ([`GgmlType::is_supported`]); the rest are listed so errors can name them.
#[allow(non_camel_case_types)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum GgmlType {
    F32, F16, Q4_0, Q4_1, Q5_0, Q5_1, Q8_0, Q8_1, Q2_K, Q3_K, Q4_K, Q5_K, Q6_K, Q8_K,
    IQ2_XXS, IQ2_XS, IQ3_XXS, IQ1_S, IQ4_NL, IQ3_S, IQ2_S, IQ4_XS, I8, I16, I32, I64, F64, IQ1_M,
    BF16, TQ1_0, TQ2_0, MXFP4,
}

use GgmlType::*;

/// WGSL of one type: `dequant32` (a group of 32 values, as 8 quads) and `dot32` (a group · x).
/// Types with `rows` write their dot as `dot32_x` over activations already loaded, which lets
/// decode's GEMV share each load of x between four rows (shaders/matvec_rows.wgsl), and read
/// their weights there as 16-byte words (shaders/weights/vec4.wgsl; their blocks are 16-byte
/// aligned, see `layout.rs`); so does their `dequant32` (the GEMM's and the embedding's). The
/// others read 4-byte words (shaders/weights/u32.wgsl).
pub struct Wgsl {
    pub dequant: &'static str,
    pub dot: &'static str,
    pub rows: bool,
}

macro_rules! wgsl {
    ($file:literal) => {
        Some(Wgsl {
            dequant: include_str!(concat!("../../../shaders/dequant/", $file)),
            dot: include_str!(concat!("../../../shaders/dot/", $file)),
            rows: false,
        })
    };
    ($file:literal, rows) => {
        wgsl!(@rows $file, "")
    };
    // With shaders/block/<file>: how a block's fields are read, shared by its dequant and dot.
    ($file:literal, rows, block) => {
        wgsl!(@rows $file, include_str!(concat!("../../../shaders/block/", $file)))
    };
    (@rows $file:literal, $($block:tt)+) => {
        Some(Wgsl {
            dequant: concat!($($block)+, "\n", include_str!(concat!("../../../shaders/dequant/", $file))),
            dot: concat!(
                include_str!("../../../shaders/dot/via_x.wgsl"),
                "\n",
                $($block)+,
                "\n",
                include_str!(concat!("../../../shaders/dot/", $file))
            ),
            rows: true,
        })
    };
}

/// (type, ggml id, values per block, bytes per block, WGSL when we run it).
/// A type with WGSL also has a CPU dequant in `dequant.rs` (checked by a test).
const TABLE: &[(GgmlType, u32, u32, u32, Option<Wgsl>)] = &[
    (F32, 0, 1, 4, wgsl!("f32.wgsl")),
    (F16, 1, 1, 2, wgsl!("f16.wgsl")),
    (Q4_0, 2, 32, 18, wgsl!("q4_0.wgsl", rows)),
    (Q4_1, 3, 32, 20, wgsl!("q4_1.wgsl", rows)),
    (Q5_0, 6, 32, 22, wgsl!("q5_0.wgsl", rows)),
    (Q5_1, 7, 32, 24, wgsl!("q5_1.wgsl", rows)),
    (Q8_0, 8, 32, 34, wgsl!("q8_0.wgsl", rows)),
    (Q8_1, 9, 32, 36, None),
    (Q2_K, 10, 256, 84, None),
    (Q3_K, 11, 256, 110, None),
    (Q4_K, 12, 256, 144, wgsl!("q4_k.wgsl", rows)),
    (Q5_K, 13, 256, 176, wgsl!("q5_k.wgsl", rows, block)),
    (Q6_K, 14, 256, 210, wgsl!("q6_k.wgsl", rows, block)),
    (Q8_K, 15, 256, 292, None),
    (IQ2_XXS, 16, 256, 66, None),
    (IQ2_XS, 17, 256, 74, None),
    (IQ3_XXS, 18, 256, 98, None),
    (IQ1_S, 19, 256, 50, None),
    (IQ4_NL, 20, 32, 18, None),
    (IQ3_S, 21, 256, 110, None),
    (IQ2_S, 22, 256, 82, None),
    (IQ4_XS, 23, 256, 136, None),
    (I8, 24, 1, 1, None),
    (I16, 25, 1, 2, None),
    (I32, 26, 1, 4, None),
    (I64, 27, 1, 8, None),
    (F64, 28, 1, 8, None),
    (IQ1_M, 29, 256, 56, None),
    (BF16, 30, 1, 2, wgsl!("bf16.wgsl")),
    (TQ1_0, 34, 256, 54, None),
    (TQ2_0, 35, 256, 66, None),
    (MXFP4, 39, 32, 17, None),
];

impl GgmlType {
    fn row(self) -> &'static (GgmlType, u32, u32, u32, Option<Wgsl>) {
        TABLE.iter().find(|r| r.0 == self).expect("every GgmlType is in TABLE")
    }
    pub fn from_id(id: u32) -> Option<Self> {
        TABLE.iter().find(|r| r.1 == id).map(|r| r.0)
    }
    pub fn id(self) -> u32 {
        self.row().1
    }
    /// Values per block.
    pub fn block_size(self) -> u64 {
        self.row().2 as u64
    }
    /// Bytes per block.
    pub fn block_bytes(self) -> u64 {
        self.row().3 as u64
    }
    /// Whether we can dequantize (CPU) and run (GPU) this type.
    pub fn is_supported(self) -> bool {
        self.row().4.is_some()
    }
    /// WGSL of this type's `dequant32` and `dot32` (both need `dequant/bytes.wgsl` and a
    /// weights binding from `shaders/weights/`).
    pub fn wgsl(self) -> Option<&'static Wgsl> {
        self.row().4.as_ref()
    }
    pub fn supported() -> impl Iterator<Item = GgmlType> {
        TABLE.iter().filter(|r| r.4.is_some()).map(|r| r.0)
    }
    /// Bytes of `n` values, or `None` when `n` is not a whole number of blocks (or overflows).
    pub fn bytes_for(self, n: u64) -> Option<u64> {
        if n % self.block_size() != 0 {
            return None;
        }
        (n / self.block_size()).checked_mul(self.block_bytes())
    }
    pub fn name(self) -> String {
        format!("{self:?}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_and_are_unique() {
        for r in TABLE {
            assert_eq!(GgmlType::from_id(r.1), Some(r.0));
        }
        assert_eq!(GgmlType::from_id(4), None); // removed Q4_2
        assert_eq!(GgmlType::from_id(1000), None);
    }

    #[test]
    fn every_supported_type_dequantizes_on_the_cpu() {
        for ty in GgmlType::supported() {
            let block = vec![0u8; ty.block_bytes() as usize];
            assert_eq!(dequantize(ty, &block).len(), ty.block_size() as usize);
        }
    }

    #[test]
    fn bytes_for_needs_whole_blocks() {
        assert_eq!(Q8_0.bytes_for(64), Some(68));
        assert_eq!(Q8_0.bytes_for(65), None);
        assert_eq!(F16.bytes_for(3), Some(6));
        assert_eq!(F32.bytes_for(u64::MAX), None); // overflows
        assert_eq!(Q4_K.bytes_for(256), Some(144));
    }
}
