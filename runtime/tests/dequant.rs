//! CPU dequantization against ggml's own `to_float` output (`../shared/fixtures/dequant/`).

mod common;
use webslm::quant::{dequantize, GgmlType};

#[test]
fn dequant_matches_ggml_bit_for_bit() {
    let dir = common::fixtures().join("dequant");
    let mut checked = 0;
    for ty in [GgmlType::F16, GgmlType::Q4_0, GgmlType::Q4_1, GgmlType::Q8_0] {
        let raw = std::fs::read(dir.join(format!("{}.raw", ty.name()))).unwrap();
        let want: Vec<f32> = bytemuck::pod_collect_to_vec(&std::fs::read(dir.join(format!("{}.f32", ty.name()))).unwrap());
        let got = dequantize(ty, &raw);
        assert_eq!(got.len(), want.len(), "{ty:?}");
        for (i, (g, w)) in got.iter().zip(&want).enumerate() {
            assert_eq!(g.to_bits(), w.to_bits(), "{ty:?} value {i}: {g} != {w}");
        }
        checked += 1;
    }
    assert_eq!(checked, 4);
}
