//! Placing tensors in GPU memory as their bytes stream in. Tensors are packed into a few large
//! "arena" buffers, each within the device's storage binding limit, and written chunk by chunk
//! with `queue.write_buffer`: peak CPU memory is one chunk, whatever the model size.

use crate::error::{Error, Result};
use crate::gguf::GgufHeader;
use crate::gpu::{GpuContext, GpuTensor};
use std::collections::HashMap;

/// Where each tensor goes: (arena, byte offset, padded size).
struct Placement {
    arena: usize,
    offset: u64,
    size: u64,
    /// The tensor's own byte count (size before padding).
    n_bytes: u64,
}

pub struct Uploader {
    arenas: Vec<wgpu::Buffer>,
    placements: Vec<Placement>,
    /// Up to 3 bytes of the current tensor not yet written (writes must be 4-byte multiples).
    carry: Vec<u8>,
    carry_tensor: usize,
    carry_at: u64,
}

impl Uploader {
    /// Plans arenas for every tensor in `header` and creates them.
    pub fn new(ctx: &GpuContext, header: &GgufHeader) -> Result<Self> {
        let limits = &ctx.info.limits;
        let arena_cap = limits.max_storage_buffer_binding_size.min(limits.max_buffer_size) & !255;
        let align = limits.min_storage_buffer_offset_alignment.max(4) as u64;
        let mut sizes: Vec<u64> = vec![0];
        let mut placements = Vec::with_capacity(header.tensors.len());
        for t in &header.tensors {
            let size = t.n_bytes.div_ceil(4) * 4;
            if size > arena_cap {
                return Err(Error::TooBigForGpu(format!(
                    "tensor {:?} is {} MiB but this GPU binds at most {} MiB per buffer",
                    t.name,
                    size >> 20,
                    arena_cap >> 20
                )));
            }
            let last = sizes.len() - 1;
            let offset = sizes[last].div_ceil(align) * align;
            let (arena, offset) = if offset + size <= arena_cap { (last, offset) } else { sizes.push(0); (last + 1, 0) };
            sizes[arena] = offset + size;
            placements.push(Placement { arena, offset, size, n_bytes: t.n_bytes });
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
        Ok(Self { arenas, placements, carry: Vec::new(), carry_tensor: usize::MAX, carry_at: 0 })
    }

    /// Writes bytes `[offset, offset + bytes.len())` of tensor `index` (arriving in order).
    pub fn write(&mut self, ctx: &GpuContext, index: usize, offset: u64, bytes: &[u8]) {
        let p = &self.placements[index];
        let tensor_bytes = p.n_bytes;
        let arena = &self.arenas[p.arena];
        let mut at = offset;
        let mut bytes = bytes;
        // Complete the carried partial word first.
        if self.carry_tensor == index && !self.carry.is_empty() {
            debug_assert_eq!(self.carry_at + self.carry.len() as u64, offset);
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
            self.carry_tensor = index;
        }
        // The tensor's last bytes: pad the final partial word with zeros.
        if self.carry_at + self.carry.len() as u64 == tensor_bytes && !self.carry.is_empty() {
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
            .zip(&self.placements)
            .map(|(t, p)| {
                let tensor = GpuTensor { buffer: self.arenas[p.arena].clone(), offset: p.offset, size: p.size, ty: t.ty, dims: t.dims.clone(), first_row: 0 };
                (t.name.clone(), tensor)
            })
            .collect();
        Weights { tensors, total_bytes: self.placements.iter().map(|p| p.size).sum() }
    }
}

pub struct Weights {
    tensors: HashMap<String, GpuTensor>,
    pub total_bytes: u64,
}

impl Weights {
    pub fn get(&self, name: &str) -> Result<&GpuTensor> {
        self.tensors.get(name).ok_or_else(|| Error::UnsupportedModel(format!("tensor {name:?} is missing")))
    }
    pub fn has(&self, name: &str) -> bool {
        self.tensors.contains_key(name)
    }
}
