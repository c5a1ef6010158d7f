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

/// Readback buffers kept for reuse: at most this many, of at most `MAX_KEPT_BYTES` each (a
/// decode step's token, or its logits with logprobs).
const MAX_KEPT: usize = 8;
const MAX_KEPT_BYTES: u64 = 1 << 20;

impl GpuContext {
    /// A buffer to copy `size` bytes into and read back with [`Readback::start`]: one a finished
    /// readback of the same size left, or a new one.
    pub fn staging_buffer(&self, size: u64) -> wgpu::Buffer {
        let mut kept = self.staging.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(i) = kept.iter().position(|b| b.size() == size) {
            return kept.swap_remove(i);
        }
        drop(kept);
        self.device.create_buffer(&wgpu::BufferDescriptor {
            label: Some("readback"),
            size,
            usage: wgpu::BufferUsages::MAP_READ | wgpu::BufferUsages::COPY_DST,
            mapped_at_creation: false,
        })
    }

    /// Keeps an unmapped readback buffer for the next [`Self::staging_buffer`] of its size.
    fn keep_staging(&self, buffer: wgpu::Buffer) {
        let mut kept = self.staging.lock().unwrap_or_else(|e| e.into_inner());
        if buffer.size() <= MAX_KEPT_BYTES && kept.len() < MAX_KEPT {
            kept.push(buffer);
        }
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
                if ctx.check_faults("a readback buffer").is_err() {
                    break;
                }
                crate::clock::sleep_ms(25).await;
            }
            return Err(failed(format!("mapping a readback buffer failed: {e}")));
        }
        let bytes = self.staging.slice(..).get_mapped_range().map_err(|e| failed(format!("reading a mapped buffer failed: {e}")))?.to_vec();
        self.staging.unmap();
        ctx.keep_staging(self.staging);
        Ok(bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A finished readback's buffer serves the next readback of its size: decode makes no
    /// buffer per token.
    #[test]
    fn a_readback_buffer_is_reused() {
        let ctx = pollster::block_on(GpuContext::new()).unwrap_or_else(|e| panic!("{e}"));
        let source = ctx.storage_buffer("source", &[7u32]);
        let read = |staging: &wgpu::Buffer| {
            let mut encoder = ctx.device.create_command_encoder(&Default::default());
            encoder.copy_buffer_to_buffer(&source, 0, staging, 0, 4);
            let submission = ctx.queue.submit([encoder.finish()]);
            pollster::block_on(Readback::start(staging.clone(), submission).bytes(&ctx)).unwrap()
        };
        let first = ctx.staging_buffer(4);
        assert_eq!(read(&first), 7u32.to_le_bytes());
        let second = ctx.staging_buffer(4);
        assert!(second == first, "a new buffer instead of the one just read");
        assert_eq!(read(&second), 7u32.to_le_bytes());
        // Another size gets its own; two at once are two buffers.
        assert!(ctx.staging_buffer(8) != first);
        let (a, b) = (ctx.staging_buffer(4), ctx.staging_buffer(4));
        assert!(a != b);
    }
}
