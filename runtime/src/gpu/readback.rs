//! Copying results from GPU buffers back to the CPU, natively and in the browser.

use super::GpuContext;
use crate::error::{Error, Result};

type MapResult = std::result::Result<(), wgpu::BufferAsyncError>;

/// Bytes on their way back: a submitted command buffer copies them into `staging`, which maps
/// once that submission has run. Other work may be submitted meanwhile (decode records its next
/// step before it reads this one's token).
pub struct Readback {
    staging: wgpu::Buffer,
    submission: wgpu::SubmissionIndex,
    mapped: futures_channel::oneshot::Receiver<MapResult>,
}

impl GpuContext {
    /// A buffer to copy `size` bytes into and read back with [`Readback::start`].
    pub fn staging_buffer(&self, size: u64) -> wgpu::Buffer {
        self.device.create_buffer(&wgpu::BufferDescriptor {
            label: Some("readback"),
            size,
            usage: wgpu::BufferUsages::MAP_READ | wgpu::BufferUsages::COPY_DST,
            mapped_at_creation: false,
        })
    }

    /// Reads `size` bytes from the start of `buffer` (which needs `COPY_SRC`).
    pub async fn read_bytes(&self, buffer: &wgpu::Buffer, size: u64) -> Result<Vec<u8>> {
        let staging = self.staging_buffer(size);
        let mut encoder = self.device.create_command_encoder(&Default::default());
        encoder.copy_buffer_to_buffer(buffer, 0, &staging, 0, size);
        let submission = self.queue.submit([encoder.finish()]);
        Readback::start(staging, submission).bytes(self).await
    }

    /// Reads `len` f32 values from the start of `buffer`.
    pub async fn read_f32(&self, buffer: &wgpu::Buffer, len: usize) -> Result<Vec<f32>> {
        let bytes = self.read_bytes(buffer, (len * 4) as u64).await?;
        Ok(bytemuck::pod_collect_to_vec(&bytes))
    }
}

impl Readback {
    /// Maps `staging` (a [`GpuContext::staging_buffer`]) once `submission`, which fills it, has run.
    pub fn start(staging: wgpu::Buffer, submission: wgpu::SubmissionIndex) -> Self {
        let (sender, mapped) = futures_channel::oneshot::channel();
        staging.slice(..).map_async(wgpu::MapMode::Read, move |result| {
            let _ = sender.send(result);
        });
        Self { staging, submission, mapped }
    }

    /// Waits for the bytes.
    pub async fn bytes(self, ctx: &GpuContext) -> Result<Vec<u8>> {
        // A lost device fails every wait and map, or (destroyed after the map) the read: say so
        // rather than "mapping failed".
        let failed = |what: String| ctx.check_faults("a readback buffer").err().unwrap_or(Error::Gpu(what));
        // Natively the map callback only runs when we poll, here until this submission is done
        // (not the ones after it); in the browser the event loop runs it.
        #[cfg(not(target_arch = "wasm32"))]
        if let Err(e) = ctx.device.poll(wgpu::PollType::Wait { submission_index: Some(self.submission.clone()), timeout: None }) {
            // A submission that failed (a destroyed device) has no index to wait for; polling
            // the device runs its lost callback, so that `failed` can say what happened.
            let _ = ctx.device.poll(wgpu::PollType::Poll);
            return Err(failed(format!("waiting for the GPU failed: {e}")));
        }
        #[cfg(target_arch = "wasm32")]
        let _ = &self.submission;
        let mapped = self.mapped.await.map_err(|_| Error::DeviceLost("the readback was dropped".into()))?;
        if let Err(e) = mapped {
            // In the browser a map under way when the device is destroyed fails before the
            // device's `lost` promise has settled: give it a moment to.
            #[cfg(target_arch = "wasm32")]
            for _ in 0..20 {
                if ctx.check_faults("").is_err() {
                    break;
                }
                crate::clock::sleep_ms(25).await;
            }
            return Err(failed(format!("mapping a readback buffer failed: {e}")));
        }
        let bytes = self.staging.slice(..).get_mapped_range().map_err(|e| failed(format!("reading a mapped buffer failed: {e}")))?.to_vec();
        self.staging.unmap();
        Ok(bytes)
    }
}
