//! Recording the dispatches of one submission. Runs of dispatches share one compute pass (a
//! buffer copy ends it), and with a [`BindCache`] the bind groups and parameter buffers of a
//! decode step are made once and reused by every later step: a step then costs the CPU a hash
//! lookup per dispatch instead of two object creations.

use super::GpuContext;
use std::collections::HashMap;

/// Records compute dispatches and buffer copies into one command buffer.
pub struct Recorder<'a> {
    pub ctx: &'a GpuContext,
    // Declared before the encoder: the pass must end (drop) before the encoder is used again.
    pass: Option<wgpu::ComputePass<'static>>,
    encoder: wgpu::CommandEncoder,
    binds: Option<&'a mut BindCache>,
}

impl<'a> Recorder<'a> {
    /// A recorder whose bind groups are made for this submission only.
    pub fn new(ctx: &'a GpuContext) -> Self {
        let encoder = ctx.device.create_command_encoder(&Default::default());
        Self { ctx, pass: None, encoder, binds: None }
    }

    /// A recorder that takes bind groups from `binds` and leaves there the ones it makes.
    /// Meant for a sequence of structurally identical submissions (decode steps): entries
    /// that this submission does not use are dropped when it finishes.
    pub fn with_cache(ctx: &'a GpuContext, binds: &'a mut BindCache) -> Self {
        binds.begin();
        Self { binds: Some(binds), ..Self::new(ctx) }
    }

    /// Records `pipeline` over `workgroups` with binding 0 = `params` (a uniform) and
    /// `buffers` at bindings 1, 2, ...
    pub fn dispatch(&mut self, kernel: &KernelRef<'_>, params: &[u8], buffers: &[wgpu::BufferBinding<'_>], workgroups: [u32; 3]) {
        let bind_group = match self.binds.as_deref_mut() {
            Some(cache) => cache.get(self.ctx, kernel, params, buffers),
            None => make_bind_group(self.ctx, kernel, &uniform(self.ctx, kernel.label, params), buffers),
        };
        let encoder = &mut self.encoder;
        let pass = self.pass.get_or_insert_with(|| {
            encoder.begin_compute_pass(&wgpu::ComputePassDescriptor { label: Some("webslm"), timestamp_writes: None }).forget_lifetime()
        });
        pass.set_pipeline(kernel.pipeline);
        pass.set_bind_group(0, &bind_group, &[]);
        pass.dispatch_workgroups(workgroups[0], workgroups[1], workgroups[2]);
    }

    /// `dst[dst_offset..] = src[src_offset..]` over `size` bytes, in order with the dispatches.
    pub fn copy_buffer(&mut self, src: &wgpu::Buffer, src_offset: u64, dst: &wgpu::Buffer, dst_offset: u64, size: u64) {
        self.pass = None;
        self.encoder.copy_buffer_to_buffer(src, src_offset, dst, dst_offset, size);
    }

    pub fn finish(mut self) -> wgpu::CommandBuffer {
        self.pass = None;
        if let Some(cache) = self.binds.take() {
            cache.end();
        }
        self.encoder.finish()
    }

    /// Finishes and submits the recorded work.
    pub fn submit(self) {
        let ctx = self.ctx;
        ctx.queue.submit([self.finish()]);
    }
}

/// What a dispatch needs of a kernel.
pub struct KernelRef<'k> {
    pub pipeline: &'k wgpu::ComputePipeline,
    pub layout: &'k wgpu::BindGroupLayout,
    pub label: &'k str,
}

/// Bind groups (with their parameter buffers) kept between submissions, keyed by the pipeline,
/// the bound buffer ranges and the how-many-th such dispatch of the submission it is. Reuse is
/// safe because a changed parameter is written with `queue.write_buffer`, which takes effect
/// before the next submission runs and after the previous one ran; the key's occurrence count
/// keeps two dispatches of one submission from sharing a parameter buffer.
#[derive(Default)]
pub struct BindCache {
    bound: HashMap<BindKey, Bound>,
    /// Occurrences of each key (with `nth` = 0) in the submission being recorded.
    seen: HashMap<BindKey, u32>,
    submission: u64,
}

#[derive(Clone, PartialEq, Eq, Hash)]
struct BindKey {
    pipeline: wgpu::ComputePipeline,
    buffers: Vec<(wgpu::Buffer, u64, u64)>,
    nth: u32,
}

struct Bound {
    params: wgpu::Buffer,
    params_bytes: Vec<u8>,
    group: wgpu::BindGroup,
    last_used: u64,
}

impl BindCache {
    /// Bind groups held (for tests and diagnostics).
    pub fn len(&self) -> usize {
        self.bound.len()
    }

    pub fn is_empty(&self) -> bool {
        self.bound.is_empty()
    }

    fn begin(&mut self) {
        self.submission += 1;
        self.seen.clear();
    }

    fn end(&mut self) {
        let now = self.submission;
        self.bound.retain(|_, b| b.last_used == now);
    }

    fn get(&mut self, ctx: &GpuContext, kernel: &KernelRef<'_>, params: &[u8], buffers: &[wgpu::BufferBinding<'_>]) -> wgpu::BindGroup {
        let buffers = buffers.iter().map(|b| (b.buffer.clone(), b.offset, b.size.map_or(0, |s| s.get()))).collect();
        let mut key = BindKey { pipeline: kernel.pipeline.clone(), buffers, nth: 0 };
        let seen = self.seen.entry(key.clone()).or_insert(0);
        key.nth = *seen;
        *seen += 1;
        let now = self.submission;
        match self.bound.get_mut(&key) {
            Some(b) => {
                if b.params_bytes != params {
                    ctx.queue.write_buffer(&b.params, 0, params);
                    b.params_bytes = params.to_vec();
                }
                b.last_used = now;
                b.group.clone()
            }
            None => {
                let params_buffer = uniform(ctx, kernel.label, params);
                let bindings: Vec<_> = key
                    .buffers
                    .iter()
                    .map(|(buffer, offset, size)| wgpu::BufferBinding { buffer, offset: *offset, size: wgpu::BufferSize::new(*size) })
                    .collect();
                let group = make_bind_group(ctx, kernel, &params_buffer, &bindings);
                self.bound.insert(key, Bound { params: params_buffer, params_bytes: params.to_vec(), group: group.clone(), last_used: now });
                group
            }
        }
    }
}

fn uniform(ctx: &GpuContext, label: &str, params: &[u8]) -> wgpu::Buffer {
    use wgpu::util::DeviceExt;
    ctx.device.create_buffer_init(&wgpu::util::BufferInitDescriptor {
        label: Some(label),
        contents: params,
        usage: wgpu::BufferUsages::UNIFORM | wgpu::BufferUsages::COPY_DST,
    })
}

fn make_bind_group(ctx: &GpuContext, kernel: &KernelRef<'_>, params: &wgpu::Buffer, buffers: &[wgpu::BufferBinding<'_>]) -> wgpu::BindGroup {
    let mut entries = vec![wgpu::BindGroupEntry { binding: 0, resource: params.as_entire_binding() }];
    for (i, b) in buffers.iter().enumerate() {
        entries.push(wgpu::BindGroupEntry { binding: i as u32 + 1, resource: wgpu::BindingResource::Buffer(b.clone()) });
    }
    ctx.device.create_bind_group(&wgpu::BindGroupDescriptor { label: Some(kernel.label), layout: kernel.layout, entries: &entries })
}
