//! Placing tensors in GPU memory as their bytes stream in. Tensors are packed into a few large
//! "arena" buffers, each within the device's storage binding limit, and written chunk by chunk
//! with `queue.write_buffer`: peak CPU memory is one chunk, whatever the model size. A tensor
//! larger than one binding (a big vocabulary) is split into blocks of rows, one binding each.
//! Where the tuning reads weights as texels (`Tuning::weight_texture`), the matrices of the
//! types read as 16-byte words go into arenas that are textures instead (rgba32uint,
//! [`WEIGHT_TEXELS`] texels a row, a texel per word), written the same way with
//! `queue.write_texture`; the rest (norms, biases, float matrices) stay in buffers.
//! Offsets and sizes here are of the GPU layout (`GgmlType::gpu_row_bytes`): Q4_0/Q4_1/Q8_0/Q4_K/Q6_K rows
//! are rearranged as they pass (`GgmlType::to_gpu_rows`), a whole row at a time.

use crate::error::{Error, Result};
use crate::gguf::{GgufHeader, TensorInfo};
use crate::gpu::{create_weight_texture, GpuContext, GpuTensor, Store, TensorPart, WEIGHT_TEXELS, WEIGHT_TEXTURE_ROW_BYTES};
use crate::quant::GgmlType;
use std::collections::HashMap;
use std::ops::Range;

/// Small tensors the CPU needs too (Llama 3's RoPE factors shape the frequency table), kept as
/// bytes beside their GPU copy; capped so a hostile file cannot make this a big allocation.
const HOST_TENSORS: &[&str] = &["rope_freqs.weight"];
const HOST_TENSOR_MAX_BYTES: u64 = 64 << 10;

/// Rows per split part are a multiple of this, so each part's outputs start 256-byte aligned.
const SPLIT_ROW_MULTIPLE: u64 = 64;

/// Weights of one layer that the forward pass can run as one matmul when they lie back to back
/// (same type and row length): decode then makes one dispatch where it would make three or two.
const FUSABLE: &[&[&str]] = &[&["attn_q.weight", "attn_k.weight", "attn_v.weight"], &["ffn_gate.weight", "ffn_up.weight"]];

/// The two kinds of arena.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Kind {
    Buffer,
    Texture,
}

impl Kind {
    /// Bytes per write: what `write_buffer` takes (4), or a texel (16).
    fn unit(self) -> usize {
        match self {
            Kind::Buffer => 4,
            Kind::Texture => 16,
        }
    }
}

/// An arena: a buffer, or a texture with its view (what kernels bind).
enum Arena {
    Buffer(wgpu::Buffer),
    Texture(wgpu::Texture, wgpu::TextureView),
}

impl Arena {
    fn store(&self) -> Store {
        match self {
            Arena::Buffer(b) => Store::Buffer(b.clone()),
            Arena::Texture(_, view) => Store::Texture(view.clone()),
        }
    }

    fn bytes(&self) -> u64 {
        match self {
            Arena::Buffer(b) => b.size(),
            Arena::Texture(t, _) => t.height() as u64 * WEIGHT_TEXTURE_ROW_BYTES,
        }
    }

    /// Writes `bytes` (whole units of its kind) at byte `at`.
    fn write(&self, ctx: &GpuContext, at: u64, bytes: &[u8]) {
        match self {
            Arena::Buffer(b) => ctx.queue.write_buffer(b, at, bytes),
            Arena::Texture(t, _) => write_texels(ctx, t, at / 16, bytes),
        }
    }
}

/// Writes `bytes` into texels `first..` of `texture` (texels row after row, 16 bytes each): a
/// partial first row, whole rows, a partial last row.
fn write_texels(ctx: &GpuContext, texture: &wgpu::Texture, first: u64, mut bytes: &[u8]) {
    let width = WEIGHT_TEXELS as u64;
    let mut texel = first;
    while !bytes.is_empty() {
        let (x, y) = (texel % width, texel / width);
        let n = bytes.len() as u64 / 16;
        let (w, h) = if x == 0 && n >= width { (width, n / width) } else { ((width - x).min(n), 1) };
        let origin = wgpu::Origin3d { x: x as u32, y: y as u32, z: 0 };
        let size = wgpu::Extent3d { width: w as u32, height: h as u32, depth_or_array_layers: 1 };
        let layout = wgpu::TexelCopyBufferLayout { offset: 0, bytes_per_row: Some(WEIGHT_TEXTURE_ROW_BYTES as u32), rows_per_image: None };
        let n_bytes = (w * h * 16) as usize;
        ctx.queue.write_texture(wgpu::TexelCopyTextureInfo { origin, ..texture.as_image_copy() }, &bytes[..n_bytes], layout, size);
        bytes = &bytes[n_bytes..];
        texel += w * h;
    }
}

/// Where one block of a tensor's rows goes.
struct Part {
    kind: Kind,
    /// Index among the arenas of its kind.
    arena: usize,
    /// Where its bytes are written.
    offset: u64,
    /// The binding that holds it: at `bind_offset` (storage-offset aligned), `skip_rows` rows
    /// before its first one; for the later members of a fused group that is the group's start.
    bind_offset: u64,
    skip_rows: u32,
    /// The block's bytes within the tensor: `byte0..byte0 + n_bytes`.
    byte0: u64,
    n_bytes: u64,
    row0: u32,
    n_rows: u32,
}

impl Part {
    /// Bytes bound: through the block's end, padded to 4.
    fn bind_size(&self) -> u64 {
        self.offset + self.n_bytes.div_ceil(4) * 4 - self.bind_offset
    }
}

pub struct Uploader {
    /// By kind (`Kind as usize`), the arenas.
    arenas: [Vec<Arena>; 2],
    parts: Vec<Part>,
    /// The parts of each tensor (indices into `parts`).
    tensor_parts: Vec<Range<usize>>,
    /// Up to a unit less one of bytes of the current part not yet written (writes are whole
    /// units: 4 bytes to a buffer, a 16-byte texel to a texture).
    carry: Vec<u8>,
    carry_part: usize,
    carry_at: u64,
    /// CPU copies of [`HOST_TENSORS`], by tensor index.
    host: HashMap<usize, Vec<u8>>,
    /// By tensor index: (type, row length) of tensors whose GPU rows are rearranged.
    rearranged: Vec<Option<(GgmlType, u64)>>,
    /// The streamed bytes of a rearranged tensor's row not yet complete.
    row_carry: Vec<u8>,
}

/// The arenas being filled: the size of each so far.
struct Placer {
    sizes: Vec<u64>,
    cap: u64,
    align: u64,
}

impl Placer {
    /// Room for `size` bytes at an aligned offset, in the last arena or a new one.
    fn place(&mut self, size: u64) -> (usize, u64) {
        let last = self.sizes.len() - 1;
        let offset = self.sizes[last].div_ceil(self.align) * self.align;
        let (arena, offset) = if offset + size <= self.cap { (last, offset) } else { self.sizes.push(0); (last + 1, 0) };
        self.sizes[arena] = offset + size;
        (arena, offset)
    }
}

/// Groups of [`FUSABLE`] tensors in `header` that can lie back to back (tensor indices) within
/// `cap` (the arena size of their kind).
fn fusable_groups(header: &GgufHeader, cap: impl Fn(&TensorInfo) -> u64) -> Vec<Vec<usize>> {
    let index: HashMap<&str, usize> = header.tensors.iter().enumerate().map(|(i, t)| (t.name.as_str(), i)).collect();
    let mut groups = Vec::new();
    for t in &header.tensors {
        let Some(layer) = t.name.strip_prefix("blk.").and_then(|r| r.split_once('.')).map(|(l, _)| l) else { continue };
        for names in FUSABLE {
            if t.name != format!("blk.{layer}.{}", names[0]) {
                continue;
            }
            let members: Option<Vec<usize>> = names.iter().map(|n| index.get(format!("blk.{layer}.{n}").as_str()).copied()).collect();
            let Some(members) = members else { continue };
            let ts: Vec<_> = members.iter().map(|&i| &header.tensors[i]).collect();
            let alike = ts.iter().all(|m| m.ty == t.ty && m.dims.len() == 2 && m.dims[0] == t.dims[0] && gpu_bytes(m) % 4 == 0);
            if alike && ts.iter().map(|m| gpu_bytes(m)).sum::<u64>() <= cap(t) {
                groups.push(members);
            }
        }
    }
    groups
}

/// Bytes of `t` in its GPU layout (decided in `quant/layout.rs`).
fn gpu_bytes(t: &TensorInfo) -> u64 {
    t.ty.gpu_bytes(&t.dims).unwrap_or(t.n_bytes)
}

/// What the weights ask of the GPU, for the error that says it could not give it.
pub fn gpu_needs(weight_bytes: u64) -> String {
    format!("the model needs {:.0} MiB of GPU memory (buffers and textures) for its weights", weight_bytes as f64 / (1 << 20) as f64)
}

impl Uploader {
    /// Plans arenas for every tensor in `header` and creates them; with `weight_texture` the
    /// matrices of types read as 16-byte words go into textures.
    pub fn new(ctx: &GpuContext, header: &GgufHeader, weight_texture: bool) -> Result<Self> {
        let limits = &ctx.info.limits;
        let align = limits.min_storage_buffer_offset_alignment.max(4) as u64;
        // A texture of the most rows the device allows, up to 1 GiB (byte offsets in the
        // kernels are u32).
        let texture_cap = (WEIGHT_TEXTURE_ROW_BYTES * limits.max_texture_dimension_2d as u64).min(1 << 30);
        let mut placers = [Placer { sizes: vec![0], cap: ctx.info.max_binding() & !255, align }, Placer { sizes: vec![0], cap: texture_cap, align: 16 }];
        let kind_of = |t: &TensorInfo| match weight_texture && t.dims.len() >= 2 && t.ty.wgsl().is_some_and(|w| w.rows) {
            true => Kind::Texture,
            false => Kind::Buffer,
        };
        let mut parts = Vec::new();
        let mut tensor_parts = vec![0..0; header.tensors.len()];
        let groups = fusable_groups(header, |t| placers[kind_of(t) as usize].cap);
        let group_of: HashMap<usize, usize> = groups.iter().enumerate().flat_map(|(g, m)| m.iter().map(move |&i| (i, g))).collect();
        let mut placed = vec![false; header.tensors.len()];
        for (i, t) in header.tensors.iter().enumerate() {
            if placed[i] {
                continue;
            }
            if let Some(&g) = group_of.get(&i) {
                // The group's tensors back to back, bound from the first one's start.
                let members = &groups[g];
                let kind = kind_of(t);
                let (arena, start) = placers[kind as usize].place(members.iter().map(|&m| gpu_bytes(&header.tensors[m])).sum());
                let (mut at, mut skip_rows) = (start, 0);
                for &m in members {
                    let (n_bytes, n_rows) = (gpu_bytes(&header.tensors[m]), header.tensors[m].n_rows() as u32);
                    tensor_parts[m] = parts.len()..parts.len() + 1;
                    parts.push(Part { kind, arena, offset: at, bind_offset: start, skip_rows, byte0: 0, n_bytes, row0: 0, n_rows });
                    placed[m] = true;
                    at += n_bytes;
                    skip_rows += n_rows;
                }
                continue;
            }
            let kind = kind_of(t);
            let placer = &mut placers[kind as usize];
            let cap = placer.cap;
            let n_rows = t.n_rows().max(1);
            let row_bytes = gpu_bytes(t) / n_rows;
            let rows_per_part = if gpu_bytes(t).div_ceil(4) * 4 <= cap {
                n_rows
            } else {
                let rows = cap / row_bytes / SPLIT_ROW_MULTIPLE * SPLIT_ROW_MULTIPLE;
                if rows == 0 || t.dims.len() < 2 {
                    return Err(Error::TooBigForGpu(format!(
                        "tensor {:?} ({} KiB) cannot be split into blocks of {SPLIT_ROW_MULTIPLE} rows within this GPU's {} KiB binding limit",
                        t.name,
                        gpu_bytes(t) >> 10,
                        cap >> 10
                    )));
                }
                rows
            };
            let first = parts.len();
            let mut row0 = 0;
            while row0 < n_rows {
                let rows = rows_per_part.min(n_rows - row0);
                let n_bytes = rows * row_bytes;
                let (arena, offset) = placer.place(n_bytes.div_ceil(4) * 4);
                parts.push(Part { kind, arena, offset, bind_offset: offset, skip_rows: 0, byte0: row0 * row_bytes, n_bytes, row0: row0 as u32, n_rows: rows as u32 });
                row0 += rows;
            }
            tensor_parts[i] = first..parts.len();
            placed[i] = true;
        }
        let [buffer_sizes, texture_sizes] = placers.map(|p| p.sizes);
        let buffers = buffer_sizes.iter().enumerate().map(|(i, &size)| {
            Arena::Buffer(ctx.device.create_buffer(&wgpu::BufferDescriptor {
                label: Some(&format!("weights.{i}")),
                size: size.max(4),
                // COPY_SRC: the RMSNorm weights are copied where decode's GEMVs read them
                // through uniform windows (GpuContext::uniform_copies).
                usage: wgpu::BufferUsages::STORAGE | wgpu::BufferUsages::COPY_SRC | wgpu::BufferUsages::COPY_DST,
                mapped_at_creation: false,
            }))
        });
        // No texture where no tensor went into one.
        let texture_sizes = if texture_sizes == [0] { &[][..] } else { &texture_sizes[..] };
        let textures = texture_sizes.iter().enumerate().map(|(i, &size)| {
            let (texture, view) = create_weight_texture(&ctx.device, &format!("weight texture {i}"), size);
            Arena::Texture(texture, view)
        });
        let arenas = [buffers.collect::<Vec<_>>(), textures.collect()];
        // Natively a failed allocation is reported at once: stop before streaming into it. (In
        // the browser it arrives later; `ModelLoader::feed` and the final settle catch it.)
        ctx.check_faults_with(|| gpu_needs(arenas.iter().flatten().map(Arena::bytes).sum()))?;
        let host = header
            .tensors
            .iter()
            .enumerate()
            .filter(|(_, t)| HOST_TENSORS.contains(&t.name.as_str()) && t.n_bytes <= HOST_TENSOR_MAX_BYTES)
            .map(|(i, t)| (i, Vec::with_capacity(t.n_bytes as usize)))
            .collect();
        let rearranged = header.tensors.iter().map(|t| t.ty.rearranged().then_some((t.ty, t.dims[0]))).collect();
        Ok(Self { arenas, parts, tensor_parts, carry: Vec::new(), carry_part: usize::MAX, carry_at: 0, host, rearranged, row_carry: Vec::new() })
    }

    /// Bytes of GPU buffers and textures this uploader made.
    pub fn gpu_bytes(&self) -> u64 {
        self.arenas.iter().flatten().map(Arena::bytes).sum()
    }

    /// Writes GGUF bytes `[offset, offset + bytes.len())` of tensor `index` (arriving in order).
    pub fn write(&mut self, ctx: &GpuContext, index: usize, offset: u64, bytes: &[u8]) {
        if let Some(copy) = self.host.get_mut(&index) {
            debug_assert_eq!(copy.len() as u64, offset);
            copy.extend_from_slice(bytes);
        }
        match self.rearranged[index] {
            Some((ty, row_len)) => self.write_rows(ctx, index, ty, row_len, offset, bytes),
            None => self.write_gpu(ctx, index, offset, bytes),
        }
    }

    /// A tensor with rearranged GPU rows: whole rows are rearranged and written; a partial last
    /// row waits in `row_carry` for the rest of its bytes.
    fn write_rows(&mut self, ctx: &GpuContext, index: usize, ty: GgmlType, row_len: u64, offset: u64, mut bytes: &[u8]) {
        let gguf_row = ty.bytes_for(row_len).expect("validated by the GGUF reader");
        let gpu_row = ty.gpu_row_bytes(row_len).expect("validated by the GGUF reader");
        let mut row = (offset - self.row_carry.len() as u64) / gguf_row;
        if !self.row_carry.is_empty() {
            let take = (gguf_row as usize - self.row_carry.len()).min(bytes.len());
            self.row_carry.extend_from_slice(&bytes[..take]);
            bytes = &bytes[take..];
            if self.row_carry.len() < gguf_row as usize {
                return;
            }
            let rows = ty.to_gpu_rows(row_len, &self.row_carry);
            self.write_gpu(ctx, index, row * gpu_row, &rows);
            self.row_carry.clear();
            row += 1;
        }
        let whole = bytes.len() / gguf_row as usize * gguf_row as usize;
        if whole > 0 {
            self.write_gpu(ctx, index, row * gpu_row, &ty.to_gpu_rows(row_len, &bytes[..whole]));
        }
        self.row_carry.extend_from_slice(&bytes[whole..]);
    }

    /// Writes bytes `[offset, offset + bytes.len())` of tensor `index` in its GPU layout.
    fn write_gpu(&mut self, ctx: &GpuContext, index: usize, offset: u64, bytes: &[u8]) {
        let end = offset + bytes.len() as u64;
        for pid in self.tensor_parts[index].clone() {
            let (p0, p1) = (self.parts[pid].byte0, self.parts[pid].byte0 + self.parts[pid].n_bytes);
            let (a, b) = (offset.max(p0), end.min(p1));
            if a < b {
                self.write_part(ctx, pid, a - p0, &bytes[(a - offset) as usize..(b - offset) as usize]);
            }
        }
    }

    /// Writes bytes at `at` of part `pid`, keeping a partial last unit until it completes.
    fn write_part(&mut self, ctx: &GpuContext, pid: usize, mut at: u64, mut bytes: &[u8]) {
        let p = &self.parts[pid];
        let arena = &self.arenas[p.kind as usize][p.arena];
        let unit = p.kind.unit();
        // Complete the carried partial unit first.
        if self.carry_part == pid && !self.carry.is_empty() {
            debug_assert_eq!(self.carry_at + self.carry.len() as u64, at);
            let take = (unit - self.carry.len()).min(bytes.len());
            self.carry.extend_from_slice(&bytes[..take]);
            bytes = &bytes[take..];
            at += take as u64;
            if self.carry.len() == unit {
                arena.write(ctx, p.offset + self.carry_at, &self.carry);
                self.carry.clear();
            }
        }
        if self.carry.is_empty() {
            let whole = bytes.len() / unit * unit;
            if whole > 0 {
                arena.write(ctx, p.offset + at, &bytes[..whole]);
            }
            self.carry_at = at + whole as u64;
            self.carry.extend_from_slice(&bytes[whole..]);
            self.carry_part = pid;
        }
        // The part's last bytes: pad the final partial unit with zeros.
        if self.carry_at + self.carry.len() as u64 == p.n_bytes && !self.carry.is_empty() {
            self.carry.resize(unit, 0);
            arena.write(ctx, p.offset + self.carry_at, &self.carry);
            self.carry.clear();
        }
    }

    /// Handles to every tensor, by name.
    pub fn finish(self, header: &GgufHeader) -> Weights {
        let tensors = header
            .tensors
            .iter()
            .zip(&self.tensor_parts)
            .map(|(t, range)| {
                let parts = self.parts[range.clone()]
                    .iter()
                    .map(|p| TensorPart {
                        store: self.arenas[p.kind as usize][p.arena].store(),
                        offset: p.bind_offset,
                        size: p.bind_size(),
                        skip_rows: p.skip_rows,
                        row0: p.row0,
                        n_rows: p.n_rows,
                    })
                    .collect();
                (t.name.clone(), GpuTensor { ty: t.ty, dims: t.dims.clone(), parts })
            })
            .collect();
        let host = self.host.into_iter().map(|(i, bytes)| (header.tensors[i].name.clone(), bytes)).collect();
        Weights { tensors, host, total_bytes: self.parts.iter().map(|p| p.n_bytes.div_ceil(4) * 4).sum() }
    }
}

#[derive(Default)]
pub struct Weights {
    tensors: HashMap<String, GpuTensor>,
    /// CPU copies of the tensors in [`HOST_TENSORS`] the model has.
    host: HashMap<String, Vec<u8>>,
    pub total_bytes: u64,
}

impl Weights {
    /// Adds another shard's tensors.
    pub fn extend(&mut self, other: Weights) {
        self.tensors.extend(other.tensors);
        self.host.extend(other.host);
        self.total_bytes += other.total_bytes;
    }
    /// A [`HOST_TENSORS`] tensor's values as f32 (it must be stored as F32).
    pub fn host_f32(&self, name: &str) -> Result<Option<Vec<f32>>> {
        let Some(bytes) = self.host.get(name) else {
            return match self.tensors.contains_key(name) {
                true => Err(Error::UnsupportedModel(format!("tensor {name:?} is larger than {HOST_TENSOR_MAX_BYTES} bytes"))),
                false => Ok(None),
            };
        };
        let ty = self.tensors.get(name).map(|t| t.ty);
        if ty != Some(crate::quant::GgmlType::F32) {
            return Err(Error::UnsupportedModel(format!("tensor {name:?} must be F32, not {ty:?}")));
        }
        Ok(Some(bytes.chunks_exact(4).map(|b| f32::from_le_bytes(b.try_into().expect("4 bytes"))).collect()))
    }

    pub fn get(&self, name: &str) -> Result<&GpuTensor> {
        self.tensors.get(name).ok_or_else(|| Error::UnsupportedModel(format!("tensor {name:?} is missing")))
    }
    pub fn has(&self, name: &str) -> bool {
        self.tensors.contains_key(name)
    }

    /// The tensors `names` as one tensor of all their rows, when the uploader laid them back to
    /// back in one binding (see [`FUSABLE`]); `None` when any is missing or they lie apart.
    pub fn fused(&self, names: &[String]) -> Option<GpuTensor> {
        let ts: Vec<&GpuTensor> = names.iter().map(|n| self.tensors.get(n)).collect::<Option<_>>()?;
        let lead = ts.first()?.parts.first()?;
        let mut n_rows = 0;
        for t in &ts {
            let [p] = t.parts.as_slice() else { return None };
            let alike = t.ty == ts[0].ty && t.dims.len() == 2 && t.dims[0] == ts[0].dims[0];
            if !alike || p.store != lead.store || p.offset != lead.offset || p.skip_rows != n_rows {
                return None;
            }
            n_rows += p.n_rows;
        }
        let size = ts.last()?.parts[0].size;
        let part = TensorPart { store: lead.store.clone(), offset: lead.offset, size, skip_rows: 0, row0: 0, n_rows };
        Some(GpuTensor { ty: ts[0].ty, dims: vec![ts[0].dims[0], n_rows as u64], parts: vec![part] })
    }
}
