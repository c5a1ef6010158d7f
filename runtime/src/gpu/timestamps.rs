//! Kernel times from the GPU's own clock: a [`Recorder`](super::Recorder) made with
//! `Recorder::timed` gives each dispatch a compute pass of its own whose beginning and end write
//! timestamps (`timestamp-query`, which browsers offer), so one submission runs pipelined as it
//! would unprofiled, and the times are read back without a synchronous wait: the only per-kernel
//! profile a browser can take. Each figure includes the pass's own start and end (a barrier);
//! copies between dispatches are not timed, and what the pass's span holds besides the kernels
//! is reported as such.

use super::{GpuContext, Profile, Readback};
use crate::error::{Error, Result};

/// Timestamps of up to `capacity` dispatches of one submission, labelled by kernel.
pub struct Timestamps {
    set: wgpu::QuerySet,
    capacity: u32,
    labels: Vec<String>,
    resolved: wgpu::Buffer,
    staging: Option<wgpu::Buffer>,
}

/// What a browser allows in one query set (WebGPU's limit: 4096 queries).
const MAX_QUERIES: u32 = 4096;

/// Label of the part of the span between the first dispatch's start and the last's end that no
/// kernel took: pass boundaries, barriers and copies.
pub const BETWEEN_KERNELS: &str = "(between kernels)";

impl Timestamps {
    /// Room for `dispatches` timed dispatches (at most 2048); an error where the device has no
    /// `timestamp-query`.
    pub fn new(ctx: &GpuContext, dispatches: u32) -> Result<Self> {
        if !ctx.info.features.contains(wgpu::Features::TIMESTAMP_QUERY) {
            return Err(Error::Gpu("this adapter does not offer timestamp queries (timestamp-query)".into()));
        }
        let capacity = dispatches.clamp(1, MAX_QUERIES / 2);
        let set = ctx.device.create_query_set(&wgpu::QuerySetDescriptor { label: Some("kernel times"), ty: wgpu::QueryType::Timestamp, count: 2 * capacity });
        let resolved = ctx.device.create_buffer(&wgpu::BufferDescriptor {
            label: Some("kernel times"),
            size: 2 * capacity as u64 * wgpu::QUERY_SIZE as u64,
            usage: wgpu::BufferUsages::QUERY_RESOLVE | wgpu::BufferUsages::COPY_SRC,
            mapped_at_creation: false,
        });
        Ok(Self { set, capacity, labels: Vec::new(), resolved, staging: None })
    }

    /// The timestamp writes of the next dispatch's pass, labelled `label`; `None` once full
    /// (later dispatches run untimed).
    pub(super) fn next(&mut self, label: &str) -> Option<wgpu::ComputePassTimestampWrites<'_>> {
        let i = self.labels.len() as u32;
        if i >= self.capacity {
            return None;
        }
        self.labels.push(label.to_string());
        Some(wgpu::ComputePassTimestampWrites { query_set: &self.set, beginning_of_pass_write_index: Some(2 * i), end_of_pass_write_index: Some(2 * i + 1) })
    }

    /// Records, at the end of the submission, the copy of the timestamps to where they are read.
    pub(super) fn resolve(&mut self, ctx: &GpuContext, encoder: &mut wgpu::CommandEncoder) {
        let n = 2 * self.labels.len() as u32;
        if n == 0 {
            return;
        }
        let bytes = n as u64 * wgpu::QUERY_SIZE as u64;
        encoder.resolve_query_set(&self.set, 0..n, &self.resolved, 0);
        let staging = ctx.staging_buffer(bytes);
        encoder.copy_buffer_to_buffer(&self.resolved, 0, &staging, 0, bytes);
        self.staging = Some(staging);
    }

    /// Each kernel's time once `submission` (the timed recorder's) has run, and the span's rest
    /// as [`BETWEEN_KERNELS`].
    pub async fn read(self, ctx: &GpuContext, submission: wgpu::SubmissionIndex) -> Result<Profile> {
        let mut profile = Profile::default();
        let Some(staging) = self.staging else { return Ok(profile) };
        let ticks: Vec<u64> = bytemuck::pod_collect_to_vec(&Readback::start(staging, submission).bytes(ctx).await?);
        let ms_per_tick = ctx.queue.get_timestamp_period() as f64 * 1e-6;
        for (label, pair) in self.labels.iter().zip(ticks.chunks_exact(2)) {
            profile.add(label, pair[1].saturating_sub(pair[0]) as f64 * ms_per_tick);
        }
        let (first, last) = (ticks.first().copied().unwrap_or(0), ticks.last().copied().unwrap_or(0));
        let span = last.saturating_sub(first) as f64 * ms_per_tick;
        profile.add(BETWEEN_KERNELS, (span - profile.total_ms()).max(0.0));
        Ok(profile)
    }
}
