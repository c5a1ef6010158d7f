//! One layer's key and value caches: buffers, [pos][kv_dim] of the tuning's KV type, which the
//! kernels write (rope_kv, the Q/K/V GEMV's epilogue, store_kv) and read; and, where the tuning
//! reads the subgroup attention kernels' keys and values from textures (`Tuning::kv_texels`),
//! texture copies of them, a row of rgba32float texels per position. Decode's Q/K/V epilogue
//! writes its row into them itself; after the other writers a copy brings them up to date
//! ([`KvCache::copy_rows`]), so those writers stay as they are.

use super::{float_texture, Recorder};
use crate::kernels::Tuning;

pub struct KvCache {
    pub k: wgpu::Buffer,
    pub v: wgpu::Buffer,
    /// The texture copies of k and v, each with its view.
    texels: Option<[(wgpu::Texture, wgpu::TextureView); 2]>,
    /// Bytes of one position's keys (or values).
    row_bytes: u32,
}

impl KvCache {
    /// Caches `k` and `v` (`label`: whose, for the textures' labels) of `n_ctx` positions of
    /// `kv_dim` values, with texture copies where the tuning reads them and they fit the device's
    /// texture limits (else attention and the KV writes take their buffer-only paths).
    pub fn new(device: &wgpu::Device, limits: &wgpu::Limits, label: &str, k: wgpu::Buffer, v: wgpu::Buffer, n_ctx: u32, kv_dim: u32, tuning: &Tuning) -> Self {
        let max = limits.max_texture_dimension_2d;
        let fits = kv_dim % 4 == 0 && kv_dim / 4 <= max && n_ctx <= max;
        let texels = (tuning.kv_texels().is_some() && fits).then(|| {
            ["k", "v"].map(|which| {
                let size = wgpu::Extent3d { width: kv_dim / 4, height: n_ctx, depth_or_array_layers: 1 };
                let texture = float_texture(device, &format!("{label} {which} texels"), size);
                let view = texture.create_view(&Default::default());
                (texture, view)
            })
        });
        Self { k, v, texels, row_bytes: kv_dim * 4 }
    }

    /// The texture copies (k, v), if this cache has them.
    pub fn texels(&self) -> Option<[&wgpu::TextureView; 2]> {
        self.texels.as_ref().map(|[k, v]| [&k.1, &v.1])
    }

    /// The texture copies (k, v) themselves, if this cache has them.
    pub fn textures(&self) -> Option<[&wgpu::Texture; 2]> {
        self.texels.as_ref().map(|[k, v]| [&k.0, &v.0])
    }

    /// Copies positions `pos0 .. pos0 + n` of the buffers into the textures (nothing without
    /// them), in order with the recorded kernels: after those that wrote them, before attention.
    pub fn copy_rows(&self, rec: &mut Recorder<'_>, pos0: u32, n: u32) {
        let Some([(k, _), (v, _)]) = &self.texels else { return };
        // Rows go in one copy where they are whole multiples of 256 bytes (a copy's row pitch),
        // else one by one.
        let whole_rows = self.row_bytes % wgpu::COPY_BYTES_PER_ROW_ALIGNMENT == 0;
        let (per_copy, n_copies) = if whole_rows || n == 1 { (n, 1) } else { (1, n) };
        for (buffer, texture) in [(&self.k, k), (&self.v, v)] {
            for c in 0..n_copies {
                let pos = pos0 + c * per_copy;
                rec.copy_rows_to_texture(buffer, pos as u64 * self.row_bytes as u64, self.row_bytes, texture, pos, per_copy);
            }
        }
    }
}
