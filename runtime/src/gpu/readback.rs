//! Copying results from GPU buffers back to the CPU, natively and in the browser.

use super::GpuContext;
use crate::error::{Error, Result};

impl GpuContext {
    /// Reads `size` bytes from the start of `buffer` (which needs `COPY_SRC`).
    pub async fn read_bytes(&self, buffer: &wgpu::Buffer, size: u64) -> Result<Vec<u8>> {
        let staging = self.device.create_buffer(&wgpu::BufferDescriptor {
            label: Some("readback"),
            size,
            usage: wgpu::BufferUsages::MAP_READ | wgpu::BufferUsages::COPY_DST,
            mapped_at_creation: false,
        });
        let mut encoder = self.device.create_command_encoder(&Default::default());
        encoder.copy_buffer_to_buffer(buffer, 0, &staging, 0, size);
        self.queue.submit([encoder.finish()]);

        let (sender, receiver) = futures_channel::oneshot::channel();
        staging.slice(..).map_async(wgpu::MapMode::Read, move |result| {
            let _ = sender.send(result);
        });
        // Natively the map callback only runs when we poll; in the browser the event loop runs it.
        #[cfg(not(target_arch = "wasm32"))]
        self.device
            .poll(wgpu::PollType::wait_indefinitely())
            .map_err(|e| Error::Gpu(format!("waiting for the GPU failed: {e}")))?;
        let mapped = receiver.await.map_err(|_| Error::DeviceLost("the readback was dropped".into()));
        if !matches!(mapped, Ok(Ok(()))) {
            // A lost device fails every map: say so rather than "mapping failed".
            self.check_faults("a readback buffer")?;
        }
        mapped?.map_err(|e| Error::Gpu(format!("mapping a readback buffer failed: {e}")))?;
        let bytes = staging
            .slice(..)
            .get_mapped_range()
            .map_err(|e| Error::Gpu(format!("reading a mapped buffer failed: {e}")))?
            .to_vec();
        staging.unmap();
        Ok(bytes)
    }

    /// Reads `len` f32 values from the start of `buffer`.
    pub async fn read_f32(&self, buffer: &wgpu::Buffer, len: usize) -> Result<Vec<f32>> {
        let bytes = self.read_bytes(buffer, (len * 4) as u64).await?;
        Ok(bytemuck::pod_collect_to_vec(&bytes))
    }
}
