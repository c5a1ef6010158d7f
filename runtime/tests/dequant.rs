//! Dequantization against ggml's own `to_float` output (`../shared/fixtures/dequant/`): the CPU
//! reference, and the GPU's embedding kernel (lavapipe in CI), both bit for bit.

mod common;
use webslm::kernels::Kernels;
use webslm::quant::{dequantize, GgmlType};
use webslm::{check, GpuContext};

/// Every type with a fixture in `dequant/index.json`.
const FIXTURE_TYPES: [GgmlType; 9] = [
    GgmlType::F16,
    GgmlType::Q4_0,
    GgmlType::Q4_1,
    GgmlType::Q5_0,
    GgmlType::Q5_1,
    GgmlType::Q8_0,
    GgmlType::Q4_K,
    GgmlType::Q5_K,
    GgmlType::Q6_K,
];

/// (raw bytes, ggml's f32 values) of one type's fixture.
fn fixture(ty: GgmlType) -> (Vec<u8>, Vec<f32>) {
    let dir = common::fixtures().join("dequant");
    let raw = std::fs::read(dir.join(format!("{}.raw", ty.name()))).unwrap();
    let want: Vec<f32> = bytemuck::pod_collect_to_vec(&std::fs::read(dir.join(format!("{}.f32", ty.name()))).unwrap());
    (raw, want)
}

#[test]
fn dequant_matches_ggml_bit_for_bit() {
    for ty in FIXTURE_TYPES {
        let (raw, want) = fixture(ty);
        assert_eq!(want.len(), 1024, "{ty:?}");
        let got = dequantize(ty, &raw);
        assert_eq!(got.len(), want.len(), "{ty:?}");
        for (i, (g, w)) in got.iter().zip(&want).enumerate() {
            assert_eq!(g.to_bits(), w.to_bits(), "{ty:?} value {i}: {g} != {w}");
        }
    }
}

#[test]
fn bf16_is_the_upper_half_of_f32() {
    let values = [0.0f32, -0.0, 1.0, -2.5, 0.15625, 3.0e38, -1.0e-30, f32::INFINITY, f32::NEG_INFINITY, 0.1, -123.456];
    let bytes: Vec<u8> = values.iter().flat_map(|v| ((v.to_bits() >> 16) as u16).to_le_bytes()).collect();
    let got = dequantize(GgmlType::BF16, &bytes);
    for (v, g) in values.iter().zip(&got) {
        assert_eq!(g.to_bits(), v.to_bits() & 0xffff_0000, "{v}");
    }
    assert_eq!(got[2], 1.0);
    assert_eq!(got[3], -2.5);
    assert_eq!(got[7], f32::INFINITY);
    assert_eq!(got[8], f32::NEG_INFINITY);
    assert!(dequantize(GgmlType::BF16, &[0xc1, 0x7f])[0].is_nan());
}

#[test]
fn gpu_dequant_matches_ggml_bit_for_bit() {
    let ctx = pollster::block_on(GpuContext::new()).unwrap_or_else(|e| panic!("{e}"));
    eprintln!("adapter: {}", ctx.info.summary());
    let kernels = Kernels::new(&ctx, FIXTURE_TYPES, &[]).unwrap();
    let mut failed = Vec::new();
    for ty in FIXTURE_TYPES {
        let (raw, want) = fixture(ty);
        let r = pollster::block_on(check::check_dequant_bits(&ctx, &kernels, ty, &raw, &want)).unwrap();
        eprintln!("{r}");
        if !r.passed() {
            failed.push(r.to_string());
        }
    }
    assert!(failed.is_empty(), "not bit-exact:\n{}", failed.join("\n"));
}
