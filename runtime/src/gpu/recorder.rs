//! Recording the dispatches of one submission. Runs of dispatches share one compute pass (a
//! buffer copy ends it), and with a [`BindCache`] the bind groups and parameter buffers of a
//! decode step are made once and reused by every later step: a step then costs the CPU a few
//! pointer compares per dispatch instead of two object creations.

use super::{GpuContext, Profile, Timestamps};

/// Records compute dispatches and buffer copies into one command buffer.
pub struct Recorder<'a> {
    pub ctx: &'a GpuContext,
    // Declared before the encoder: the pass must end (drop) before the encoder is used again.
    pass: Option<wgpu::ComputePass<'static>>,
    encoder: wgpu::CommandEncoder,
    binds: Option<&'a mut BindCache>,
    /// Where each dispatch's time goes when profiling (each is then submitted and waited for).
    profile: Option<&'a mut Profile>,
    /// Where each dispatch's GPU time is written when timing (each dispatch then has a pass of
    /// its own).
    timestamps: Option<&'a mut Timestamps>,
    /// Textures that activations are copied (or written by a kernel) into for kernels that read
    /// them as texels ([`Self::texture_of`], [`Self::activation_texture`]), one per size, reused
    /// by every use of that size: each holds what was last put there.
    textures: Vec<wgpu::Texture>,
}

/// What a dispatch binds after its parameters: a buffer range, or a texture.
#[derive(Clone)]
pub enum Binding<'b> {
    Buffer(wgpu::BufferBinding<'b>),
    Texture(wgpu::TextureView),
}

impl Binding<'_> {
    fn resource(&self) -> wgpu::BindingResource<'_> {
        match self {
            Binding::Buffer(b) => wgpu::BindingResource::Buffer(b.clone()),
            Binding::Texture(view) => wgpu::BindingResource::TextureView(view),
        }
    }
}

impl<'b> From<wgpu::BufferBinding<'b>> for Binding<'b> {
    fn from(b: wgpu::BufferBinding<'b>) -> Self {
        Binding::Buffer(b)
    }
}

impl<'a> Recorder<'a> {
    /// A recorder whose bind groups are made for this submission only.
    pub fn new(ctx: &'a GpuContext) -> Self {
        let encoder = ctx.device.create_command_encoder(&Default::default());
        Self { ctx, pass: None, encoder, binds: None, profile: None, timestamps: None, textures: Vec::new() }
    }

    /// A recorder that takes bind groups from `binds` and leaves there the ones it makes.
    /// Meant for a sequence of structurally identical submissions (decode steps): entries
    /// that this submission does not use are dropped when it finishes.
    pub fn with_cache(ctx: &'a GpuContext, binds: &'a mut BindCache) -> Self {
        binds.begin();
        Self { binds: Some(binds), ..Self::new(ctx) }
    }

    /// A recorder that runs each dispatch as it is recorded and adds its time to `profile`
    /// (see [`Profile`]).
    #[cfg(not(target_arch = "wasm32"))]
    pub fn profiled(ctx: &'a GpuContext, profile: &'a mut Profile) -> Self {
        Self { profile: Some(profile), ..Self::new(ctx) }
    }

    /// A recorder that gives each dispatch a compute pass of its own timed by the GPU into
    /// `timestamps` (see [`Timestamps`]): read them once [`Self::submit`]'s submission has run.
    pub fn timed(ctx: &'a GpuContext, timestamps: &'a mut Timestamps) -> Self {
        Self { timestamps: Some(timestamps), ..Self::new(ctx) }
    }

    /// Records `pipeline` over `workgroups` with binding 0 = `params` (a uniform) and
    /// `bindings` (buffer ranges or textures) at 1, 2, ...
    pub fn dispatch(&mut self, kernel: &KernelRef<'_>, params: &[u8], bindings: &[Binding<'_>], workgroups: [u32; 3]) {
        let bind_group = match self.binds.as_deref_mut() {
            Some(cache) => cache.get(self.ctx, kernel, params, bindings),
            None => make_bind_group(self.ctx, kernel, uniform(self.ctx, kernel.label, params).as_entire_buffer_binding(), bindings.iter().map(Binding::resource)),
        };
        self.record(kernel, &bind_group, workgroups);
    }

    /// `n_rows` rows of `row_len` f32 from `x` copied into a texture, a row of rgba32float
    /// texels per row (shaders/activations/texture.wgsl reads it): the view of a texture this
    /// recorder keeps for that size. The caller checks [`texture_fits`].
    pub fn texture_of(&mut self, x: &wgpu::BufferBinding<'_>, row_len: u32, n_rows: u32) -> wgpu::TextureView {
        let texture = self.texture_for(row_len, n_rows);
        self.copy_rows_to_texture(x.buffer, x.offset, row_len * 4, &texture, 0, n_rows);
        texture.create_view(&Default::default())
    }

    /// The view of the texture [`Self::texture_of`] copies `n_rows` rows of `row_len` f32 into,
    /// for a kernel to write them there itself; what it writes stays until the next use of a
    /// texture of that size.
    pub fn activation_texture(&mut self, row_len: u32, n_rows: u32) -> wgpu::TextureView {
        self.texture_for(row_len, n_rows).create_view(&Default::default())
    }

    /// This recorder's texture for activations of that size (made on first use).
    fn texture_for(&mut self, row_len: u32, n_rows: u32) -> wgpu::Texture {
        let size = wgpu::Extent3d { width: row_len / 4, height: n_rows, depth_or_array_layers: 1 };
        if let Some(t) = self.textures.iter().find(|t| t.size() == size) {
            return t.clone();
        }
        let t = float_texture(&self.ctx.device, "activations", size);
        self.textures.push(t.clone());
        t
    }

    /// `n_rows` rows of `row_bytes` from `src` at `offset` into rows `row0..` of `dst` (a
    /// 16-byte texel per 16 bytes), in order with the dispatches. Several rows need `row_bytes`
    /// to be a multiple of 256.
    pub fn copy_rows_to_texture(&mut self, src: &wgpu::Buffer, offset: u64, row_bytes: u32, dst: &wgpu::Texture, row0: u32, n_rows: u32) {
        self.pass = None;
        let size = wgpu::Extent3d { width: row_bytes / 16, height: n_rows, depth_or_array_layers: 1 };
        // One row needs no pitch (nor its alignment).
        let layout = wgpu::TexelCopyBufferLayout { offset, bytes_per_row: (n_rows > 1).then_some(row_bytes), rows_per_image: None };
        let origin = wgpu::Origin3d { x: 0, y: row0, z: 0 };
        let texture = wgpu::TexelCopyTextureInfo { texture: dst, mip_level: 0, origin, aspect: wgpu::TextureAspect::All };
        self.encoder.copy_buffer_to_texture(wgpu::TexelCopyBufferInfo { buffer: src, layout }, texture, size);
        self.run_profiled("copy_to_texture");
    }

    /// Row `row` of a 16-byte-texel texture `src` into the start of `dst` (a check's readback).
    pub fn copy_texture_row(&mut self, src: &wgpu::Texture, row: u32, dst: &wgpu::Buffer) {
        self.pass = None;
        let origin = wgpu::Origin3d { x: 0, y: row, z: 0 };
        let texture = wgpu::TexelCopyTextureInfo { texture: src, mip_level: 0, origin, aspect: wgpu::TextureAspect::All };
        let layout = wgpu::TexelCopyBufferLayout { offset: 0, bytes_per_row: None, rows_per_image: None };
        self.encoder.copy_texture_to_buffer(texture, wgpu::TexelCopyBufferInfo { buffer: dst, layout }, wgpu::Extent3d { width: src.width(), height: 1, depth_or_array_layers: 1 });
    }

    /// Sets `kernel` and its bind group in the compute pass (begun if none is open) and
    /// dispatches it.
    fn record(&mut self, kernel: &KernelRef<'_>, bind_group: &wgpu::BindGroup, workgroups: [u32; 3]) {
        if let Some(timestamps) = self.timestamps.as_deref_mut() {
            // A pass of its own, whose start and end the GPU stamps.
            self.pass = None;
            let timestamp_writes = timestamps.next(kernel.label);
            let mut pass = self.encoder.begin_compute_pass(&wgpu::ComputePassDescriptor { label: Some(kernel.label), timestamp_writes });
            pass.set_pipeline(kernel.pipeline);
            pass.set_bind_group(0, bind_group, &[]);
            pass.dispatch_workgroups(workgroups[0], workgroups[1], workgroups[2]);
            return;
        }
        let encoder = &mut self.encoder;
        let pass = self.pass.get_or_insert_with(|| {
            encoder.begin_compute_pass(&wgpu::ComputePassDescriptor { label: Some("webslm"), timestamp_writes: None }).forget_lifetime()
        });
        pass.set_pipeline(kernel.pipeline);
        pass.set_bind_group(0, bind_group, &[]);
        pass.dispatch_workgroups(workgroups[0], workgroups[1], workgroups[2]);
        self.run_profiled(kernel.label);
    }

    /// When profiling: submits what is recorded, waits for it and adds the time to `label`.
    fn run_profiled(&mut self, label: &str) {
        let Some(profile) = self.profile.as_deref_mut() else { return };
        self.pass = None;
        let encoder = std::mem::replace(&mut self.encoder, self.ctx.device.create_command_encoder(&Default::default()));
        let start = crate::clock::now_ms();
        self.ctx.queue.submit([encoder.finish()]);
        // A failed wait (a lost device) shows up at the pass's readback.
        let _ = self.ctx.device.poll(wgpu::PollType::wait_indefinitely());
        profile.add(label, crate::clock::now_ms() - start);
    }

    /// `dst[dst_offset..] = src[src_offset..]` over `size` bytes, in order with the dispatches.
    pub fn copy_buffer(&mut self, src: &wgpu::Buffer, src_offset: u64, dst: &wgpu::Buffer, dst_offset: u64, size: u64) {
        self.pass = None;
        self.encoder.copy_buffer_to_buffer(src, src_offset, dst, dst_offset, size);
        self.run_profiled("copy_buffer");
    }

    pub fn finish(mut self) -> wgpu::CommandBuffer {
        self.pass = None;
        if let Some(cache) = self.binds.take() {
            cache.end(self.ctx);
        }
        if let Some(timestamps) = self.timestamps.take() {
            timestamps.resolve(self.ctx, &mut self.encoder);
        }
        self.encoder.finish()
    }

    /// Finishes and submits the recorded work.
    pub fn submit(self) -> wgpu::SubmissionIndex {
        let ctx = self.ctx;
        ctx.submissions.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        ctx.queue.submit([self.finish()])
    }
}

/// An rgba32float texture of `size` that kernels read (fetched or as a read-only storage
/// texture, as the tuning reads textures) and write (as a write-only one), copies fill, and
/// checks read back.
pub fn float_texture(device: &wgpu::Device, label: &str, size: wgpu::Extent3d) -> wgpu::Texture {
    device.create_texture(&wgpu::TextureDescriptor {
        label: Some(label),
        size,
        mip_level_count: 1,
        sample_count: 1,
        dimension: wgpu::TextureDimension::D2,
        format: wgpu::TextureFormat::Rgba32Float,
        usage: wgpu::TextureUsages::TEXTURE_BINDING | wgpu::TextureUsages::STORAGE_BINDING | wgpu::TextureUsages::COPY_DST | wgpu::TextureUsages::COPY_SRC,
        view_formats: &[],
    })
}

/// Whether [`Recorder::texture_of`] can copy `n_rows` rows of `row_len` f32 from `x`: a buffer
/// that may be copied from, texture rows within the device's limit, copied rows whole multiples
/// of 256 bytes, and a start on a texel.
pub fn texture_fits(ctx: &GpuContext, x: &wgpu::BufferBinding<'_>, row_len: u32, n_rows: u32) -> bool {
    let max = ctx.info.limits.max_texture_dimension_2d;
    let copyable = x.buffer.usage().contains(wgpu::BufferUsages::COPY_SRC);
    copyable && row_len % 4 == 0 && (row_len * 4) % wgpu::COPY_BYTES_PER_ROW_ALIGNMENT == 0 && x.offset % 16 == 0 && row_len / 4 <= max && n_rows <= max
}

/// What a dispatch needs of a kernel.
pub struct KernelRef<'k> {
    pub pipeline: &'k wgpu::ComputePipeline,
    pub layout: &'k wgpu::BindGroupLayout,
    pub label: &'k str,
}

/// Bind groups kept between submissions of the same shape (decode steps), as a tape: the n-th
/// dispatch of a submission reuses the n-th entry of the previous one when it binds the same
/// pipeline and buffer ranges (a few pointer compares), else that entry is rebuilt. Parameters
/// live in slots of one uniform buffer (the arena) mirrored on the CPU; the slots that changed
/// in a submission (a position, say) are written with a single `queue.write_buffer` when it
/// finishes, which takes effect after the previous submission ran and before this one runs.
/// Past the arena's slots, entries get a buffer of their own.
#[derive(Default)]
pub struct BindCache {
    tape: Vec<Bound>,
    /// The next dispatch's place on the tape.
    cursor: usize,
    arena: Option<Arena>,
}

/// Parameter slots in one uniform buffer, with their CPU copy and the span written since the
/// last upload.
struct Arena {
    buffer: wgpu::Buffer,
    shadow: Vec<u8>,
    slot_bytes: usize,
    free: Vec<usize>,
    dirty: Option<(usize, usize)>,
}

/// Parameter slots per arena: more than a decode step of the largest model we run dispatches.
const ARENA_SLOTS: usize = 2048;

impl Arena {
    fn new(ctx: &GpuContext) -> Self {
        let slot_bytes = (ctx.info.limits.min_uniform_buffer_offset_alignment as usize).max(256);
        let size = slot_bytes * ARENA_SLOTS;
        let buffer = ctx.device.create_buffer(&wgpu::BufferDescriptor {
            label: Some("params arena"),
            size: size as u64,
            usage: wgpu::BufferUsages::UNIFORM | wgpu::BufferUsages::COPY_DST,
            mapped_at_creation: false,
        });
        Self { buffer, shadow: vec![0; size], slot_bytes, free: (0..ARENA_SLOTS).rev().collect(), dirty: None }
    }

    fn set(&mut self, slot: usize, params: &[u8]) {
        let at = slot * self.slot_bytes;
        self.shadow[at..at + params.len()].copy_from_slice(params);
        let (lo, hi) = self.dirty.unwrap_or((at, at + params.len()));
        self.dirty = Some((lo.min(at), hi.max(at + params.len())));
    }

    fn upload(&mut self, ctx: &GpuContext) {
        if let Some((lo, hi)) = self.dirty.take() {
            let (lo, hi) = (lo / 4 * 4, hi.div_ceil(4) * 4);
            ctx.queue.write_buffer(&self.buffer, lo as u64, &self.shadow[lo..hi]);
        }
    }
}

/// Where an entry's parameters live.
enum ParamsAt {
    Slot(usize),
    Own(wgpu::Buffer),
}

/// A [`Binding`] as a cache entry holds it: a buffer range (buffer, offset, size), or a texture.
enum Held {
    Buffer(wgpu::Buffer, u64, u64),
    Texture(wgpu::TextureView),
}

impl Held {
    fn of(b: &Binding<'_>) -> Self {
        match b {
            Binding::Buffer(b) => Held::Buffer(b.buffer.clone(), b.offset, b.size.map_or(0, |s| s.get())),
            Binding::Texture(view) => Held::Texture(view.clone()),
        }
    }

    fn is(&self, b: &Binding<'_>) -> bool {
        match (self, b) {
            (Held::Buffer(buffer, offset, size), Binding::Buffer(b)) => buffer == b.buffer && *offset == b.offset && *size == b.size.map_or(0, |s| s.get()),
            (Held::Texture(view), Binding::Texture(v)) => view == v,
            _ => false,
        }
    }

    fn resource(&self) -> wgpu::BindingResource<'_> {
        match self {
            Held::Buffer(buffer, offset, size) => wgpu::BindingResource::Buffer(wgpu::BufferBinding { buffer, offset: *offset, size: wgpu::BufferSize::new(*size) }),
            Held::Texture(view) => wgpu::BindingResource::TextureView(view),
        }
    }
}

struct Bound {
    pipeline: wgpu::ComputePipeline,
    held: Vec<Held>,
    params: ParamsAt,
    params_bytes: Vec<u8>,
    group: wgpu::BindGroup,
}

impl Bound {
    fn binds(&self, kernel: &KernelRef<'_>, bindings: &[Binding<'_>]) -> bool {
        &self.pipeline == kernel.pipeline && self.held.len() == bindings.len() && self.held.iter().zip(bindings).all(|(h, b)| h.is(b))
    }
}

impl BindCache {
    /// Bind groups held (for tests and diagnostics).
    pub fn len(&self) -> usize {
        self.tape.len()
    }

    pub fn is_empty(&self) -> bool {
        self.tape.is_empty()
    }

    fn begin(&mut self) {
        self.cursor = 0;
    }

    fn end(&mut self, ctx: &GpuContext) {
        for dropped in self.tape.drain(self.cursor..) {
            if let (ParamsAt::Slot(slot), Some(arena)) = (dropped.params, self.arena.as_mut()) {
                arena.free.push(slot);
            }
        }
        if let Some(arena) = &mut self.arena {
            arena.upload(ctx);
        }
    }

    fn get(&mut self, ctx: &GpuContext, kernel: &KernelRef<'_>, params: &[u8], bindings: &[Binding<'_>]) -> wgpu::BindGroup {
        let at = self.cursor;
        self.cursor += 1;
        if let Some(b) = self.tape.get_mut(at).filter(|b| b.binds(kernel, bindings)) {
            if b.params_bytes != params {
                match &b.params {
                    ParamsAt::Slot(slot) => self.arena.as_mut().expect("slots come from the arena").set(*slot, params),
                    ParamsAt::Own(buffer) => ctx.queue.write_buffer(buffer, 0, params),
                }
                b.params_bytes.clear();
                b.params_bytes.extend_from_slice(params);
            }
            return b.group.clone();
        }
        let arena = self.arena.get_or_insert_with(|| Arena::new(ctx));
        // The entry this one replaces gives its slot back first.
        if let Some(ParamsAt::Slot(slot)) = self.tape.get(at).map(|b| &b.params) {
            arena.free.push(*slot);
        }
        let held: Vec<Held> = bindings.iter().map(Held::of).collect();
        let slot = if params.len() <= arena.slot_bytes { arena.free.pop() } else { None };
        let (params_at, group) = match slot {
            Some(slot) => {
                arena.set(slot, params);
                let at = (slot * arena.slot_bytes) as u64;
                let binding = wgpu::BufferBinding { buffer: &arena.buffer, offset: at, size: wgpu::BufferSize::new(params.len() as u64) };
                (ParamsAt::Slot(slot), make_bind_group(ctx, kernel, binding, held.iter().map(Held::resource)))
            }
            None => {
                let own = uniform(ctx, kernel.label, params);
                let group = make_bind_group(ctx, kernel, own.as_entire_buffer_binding(), held.iter().map(Held::resource));
                (ParamsAt::Own(own), group)
            }
        };
        let bound = Bound { pipeline: kernel.pipeline.clone(), held, params: params_at, params_bytes: params.to_vec(), group: group.clone() };
        match self.tape.get_mut(at) {
            Some(old) => *old = bound,
            None => self.tape.push(bound),
        }
        group
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

/// A bind group of `kernel`: `params` at binding 0, `resources` at 1, 2, ...
fn make_bind_group<'b>(ctx: &GpuContext, kernel: &KernelRef<'_>, params: wgpu::BufferBinding<'_>, resources: impl IntoIterator<Item = wgpu::BindingResource<'b>>) -> wgpu::BindGroup {
    let mut entries = vec![wgpu::BindGroupEntry { binding: 0, resource: wgpu::BindingResource::Buffer(params) }];
    for (i, resource) in resources.into_iter().enumerate() {
        entries.push(wgpu::BindGroupEntry { binding: i as u32 + 1, resource });
    }
    ctx.device.create_bind_group(&wgpu::BindGroupDescriptor { label: Some(kernel.label), layout: kernel.layout, entries: &entries })
}
