//! Placing tensors in GPU memory as their bytes stream in. Tensors are packed into a few large
//! "arena" buffers, each within the device's storage binding limit, and written chunk by chunk
//! with `queue.write_buffer`: peak CPU memory is one chunk, whatever the model size. A tensor
//! larger than one binding (a big vocabulary) is split into blocks of rows, one binding each.

use crate::error::{Error, Result};
use crate::gguf::GgufHeader;
use crate::gpu::{GpuContext, GpuTensor, TensorPart};
use std::collections::HashMap;
use std::ops::Range;

/// Small tensors the CPU needs too (Llama 3's RoPE factors shape the frequency table), kept as
/// bytes beside their GPU copy; capped so a hostile file cannot make this a big allocation.
const HOST_TENSORS: &[&str] = &["rope_freqs.weight"];
const HOST_TENSOR_MAX_BYTES: u64 = 64 << 10;

/// Rows per split part are a multiple of this, so each part's outputs start 256-byte aligned.
const SPLIT_ROW_MULTIPLE: u64 = 64;

/// Where one block of a tensor's rows goes.
struct Part {
    arena: usize,
    offset: u64,
    /// Bytes bound (padded to 4).
    size: u64,
    /// The block's bytes within the tensor: `byte0..byte0 + n_bytes`.
    byte0: u64,
    n_bytes: u64,
    row0: u32,
    n_rows: u32,
}

pub struct Uploader {
    arenas: Vec<wgpu::Buffer>,
    parts: Vec<Part>,
    /// The parts of each tensor (indices into `parts`).
    tensor_parts: Vec<Range<usize>>,
    /// Up to 3 bytes of the current part not yet written (writes must be 4-byte multiples).
    carry: Vec<u8>,
    carry_part: usize,
    carry_at: u64,
    /// CPU copies of [`HOST_TENSORS`], by tensor index.
    host: HashMap<usize, Vec<u8>>,
}

impl Uploader {
    /// Plans arenas for every tensor in `header` and creates them.
    pub fn new(ctx: &GpuContext, header: &GgufHeader) -> Result<Self> {
        let limits = &ctx.info.limits;
        let arena_cap = limits.max_storage_buffer_binding_size.min(limits.max_buffer_size) & !255;
        let align = limits.min_storage_buffer_offset_alignment.max(4) as u64;
        let mut sizes: Vec<u64> = vec![0];
        let mut parts = Vec::new();
        let mut tensor_parts = Vec::with_capacity(header.tensors.len());
        for t in &header.tensors {
            let n_rows = t.n_rows().max(1);
            let row_bytes = t.n_bytes / n_rows;
            let rows_per_part = if t.n_bytes.div_ceil(4) * 4 <= arena_cap {
                n_rows
            } else {
                let rows = arena_cap / row_bytes / SPLIT_ROW_MULTIPLE * SPLIT_ROW_MULTIPLE;
                if rows == 0 || t.dims.len() < 2 {
                    return Err(Error::TooBigForGpu(format!(
                        "tensor {:?} ({} KiB) cannot be split into blocks of {SPLIT_ROW_MULTIPLE} rows within this GPU's {} KiB storage binding limit",
                        t.name,
                        t.n_bytes >> 10,
                        arena_cap >> 10
                    )));
                }
                rows
            };
            let first = parts.len();
            let mut row0 = 0;
            while row0 < n_rows {
                let rows = rows_per_part.min(n_rows - row0);
                let n_bytes = rows * row_bytes;
                let size = n_bytes.div_ceil(4) * 4;
                let last = sizes.len() - 1;
                let offset = sizes[last].div_ceil(align) * align;
                let (arena, offset) = if offset + size <= arena_cap { (last, offset) } else { sizes.push(0); (last + 1, 0) };
                sizes[arena] = offset + size;
                parts.push(Part { arena, offset, size, byte0: row0 * row_bytes, n_bytes, row0: row0 as u32, n_rows: rows as u32 });
                row0 += rows;
            }
            tensor_parts.push(first..parts.len());
        }
        let arenas = sizes
            .iter()
            .enumerate()
            .map(|(i, &size)| {
                ctx.device.create_buffer(&wgpu::BufferDescriptor {
                    label: Some(&format!("weights.{i}")),
                    size: size.max(4),
                    usage: wgpu::BufferUsages::STORAGE | wgpu::BufferUsages::COPY_DST,
                    mapped_at_creation: false,
                })
            })
            .collect();
        let host = header
            .tensors
            .iter()
            .enumerate()
            .filter(|(_, t)| HOST_TENSORS.contains(&t.name.as_str()) && t.n_bytes <= HOST_TENSOR_MAX_BYTES)
            .map(|(i, t)| (i, Vec::with_capacity(t.n_bytes as usize)))
            .collect();
        Ok(Self { arenas, parts, tensor_parts, carry: Vec::new(), carry_part: usize::MAX, carry_at: 0, host })
    }

    /// Writes bytes `[offset, offset + bytes.len())` of tensor `index` (arriving in order).
    pub fn write(&mut self, ctx: &GpuContext, index: usize, offset: u64, bytes: &[u8]) {
        if let Some(copy) = self.host.get_mut(&index) {
            debug_assert_eq!(copy.len() as u64, offset);
            copy.extend_from_slice(bytes);
        }
        let end = offset + bytes.len() as u64;
        for pid in self.tensor_parts[index].clone() {
            let (p0, p1) = (self.parts[pid].byte0, self.parts[pid].byte0 + self.parts[pid].n_bytes);
            let (a, b) = (offset.max(p0), end.min(p1));
            if a < b {
                self.write_part(ctx, pid, a - p0, &bytes[(a - offset) as usize..(b - offset) as usize]);
            }
        }
    }

    /// Writes bytes at `at` of part `pid`, keeping a partial last word until it completes.
    fn write_part(&mut self, ctx: &GpuContext, pid: usize, mut at: u64, mut bytes: &[u8]) {
        let p = &self.parts[pid];
        let arena = &self.arenas[p.arena];
        // Complete the carried partial word first.
        if self.carry_part == pid && !self.carry.is_empty() {
            debug_assert_eq!(self.carry_at + self.carry.len() as u64, at);
            let take = (4 - self.carry.len()).min(bytes.len());
            self.carry.extend_from_slice(&bytes[..take]);
            bytes = &bytes[take..];
            at += take as u64;
            if self.carry.len() == 4 {
                ctx.queue.write_buffer(arena, p.offset + self.carry_at, &self.carry);
                self.carry.clear();
            }
        }
        if self.carry.is_empty() {
            let whole = bytes.len() & !3;
            if whole > 0 {
                ctx.queue.write_buffer(arena, p.offset + at, &bytes[..whole]);
            }
            self.carry_at = at + whole as u64;
            self.carry.extend_from_slice(&bytes[whole..]);
            self.carry_part = pid;
        }
        // The part's last bytes: pad the final partial word with zeros.
        if self.carry_at + self.carry.len() as u64 == p.n_bytes && !self.carry.is_empty() {
            self.carry.resize(4, 0);
            ctx.queue.write_buffer(arena, p.offset + self.carry_at, &self.carry);
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
                        buffer: self.arenas[p.arena].clone(),
                        offset: p.offset,
                        size: p.size,
                        skip_rows: 0,
                        row0: p.row0,
                        n_rows: p.n_rows,
                    })
                    .collect();
                (t.name.clone(), GpuTensor { ty: t.ty, dims: t.dims.clone(), parts })
            })
            .collect();
        let host = self.host.into_iter().map(|(i, bytes)| (header.tensors[i].name.clone(), bytes)).collect();
        Weights { tensors, host, total_bytes: self.parts.iter().map(|p| p.size).sum() }
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
}
