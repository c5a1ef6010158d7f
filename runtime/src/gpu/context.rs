//! Adapter and device, natively (Vulkan/Metal/DX12) and in the browser (WebGPU).

use super::{GpuTensor, Store};
use crate::error::{Error, Result};
use std::sync::{Arc, Mutex};

/// Optional features we use when the adapter has them; everything has a plain fallback.
/// Timestamp queries serve only the kernel timings (`gpu::Timestamps`).
const OPTIONAL_FEATURES: wgpu::Features = wgpu::Features::SHADER_F16.union(wgpu::Features::SUBGROUP).union(wgpu::Features::TIMESTAMP_QUERY);

/// What the adapter is and what it allows: recorded once, read by kernels to pick variants.
#[derive(Clone, Debug)]
pub struct GpuInfo {
    pub adapter: wgpu::AdapterInfo,
    /// Limits the device was opened with: the adapter's own (not WebGPU's conservative defaults).
    pub limits: wgpu::Limits,
    /// Optional features that were enabled on the device.
    pub features: wgpu::Features,
}

impl GpuInfo {
    pub fn has_f16(&self) -> bool {
        self.features.contains(wgpu::Features::SHADER_F16)
    }
    /// The largest buffer a kernel can bind whole.
    pub fn max_binding(&self) -> u64 {
        self.limits.max_storage_buffer_binding_size.min(self.limits.max_buffer_size)
    }
    pub fn has_subgroups(&self) -> bool {
        self.features.contains(wgpu::Features::SUBGROUP)
    }
    /// The subgroup size, where the device has subgroups and they are always this size.
    pub fn fixed_subgroup_size(&self) -> Option<u32> {
        let (min, max) = (self.adapter.subgroup_min_size, self.adapter.subgroup_max_size);
        (self.has_subgroups() && min == max).then_some(min)
    }
    /// Bytes of the uniform window through which matmuls read activations (64 KiB, or less
    /// where the adapter allows less).
    pub fn uniform_window(&self) -> u64 {
        self.limits.max_uniform_buffer_binding_size.min(64 << 10) / 16 * 16
    }
    /// Human-readable adapter name; WebGPU may hide the name, so fall back to vendor/backend.
    pub fn adapter_name(&self) -> String {
        let a = &self.adapter;
        let name = if a.name.is_empty() { format!("vendor {:#06x}", a.vendor) } else { a.name.clone() };
        format!("{name} ({:?}, {:?})", a.backend, a.device_type)
    }
    /// One line for logs and the demo: adapter, features, key limits.
    pub fn summary(&self) -> String {
        format!(
            "{}; f16: {}, subgroups: {}; max storage binding {} MiB, max buffer {} MiB, {} invocations/workgroup",
            self.adapter_name(),
            self.has_f16(),
            self.has_subgroups(),
            self.limits.max_storage_buffer_binding_size >> 20,
            self.limits.max_buffer_size >> 20,
            self.limits.max_compute_invocations_per_workgroup,
        )
    }
}

/// A device and its queue plus what we learned about the adapter (cheap to clone: handles).
#[derive(Clone)]
pub struct GpuContext {
    pub device: wgpu::Device,
    pub queue: wgpu::Queue,
    pub info: GpuInfo,
    faults: Arc<Mutex<Faults>>,
    /// Mappable buffers of finished readbacks, for the next of their size (`staging_buffer`):
    /// decode reads its token back every step, and makes no buffer for it.
    pub(super) staging: Arc<Mutex<Vec<wgpu::Buffer>>>,
    /// Recorded passes submitted so far ([`Recorder::submit`](super::Recorder::submit)): how
    /// many forward steps, checks and the like this device ran (tests see a load's warm-up by it).
    pub(super) submissions: Arc<std::sync::atomic::AtomicU64>,
}

/// What the device reported asynchronously: loss, and errors no scope caught (without a handler
/// wgpu would panic on them natively; in the browser they would only reach the console).
#[derive(Default)]
struct Faults {
    lost: Option<String>,
    out_of_memory: Option<String>,
}

impl GpuContext {
    /// Recorded passes submitted on this device so far (see `submissions`).
    pub fn submissions(&self) -> u64 {
        self.submissions.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Opens the best available adapter (high performance) with its real limits.
    pub async fn new() -> Result<Self> {
        Self::with_lower_limits(|_| {}).await
    }

    /// [`Self::new`] with the device's limits lowered by `lower` (within the adapter's): the
    /// device enforces them, as a GPU with smaller limits would (tests).
    pub async fn with_lower_limits(lower: impl FnOnce(&mut wgpu::Limits)) -> Result<Self> {
        let instance = wgpu::Instance::new(wgpu::InstanceDescriptor::new_without_display_handle_from_env());
        let adapter = instance
            .request_adapter(&wgpu::RequestAdapterOptions {
                power_preference: wgpu::PowerPreference::HighPerformance,
                ..Default::default()
            })
            .await
            .map_err(|e| Error::NoAdapter(e.to_string()))?;
        let features = adapter.features() & OPTIONAL_FEATURES;
        let mut limits = adapter.limits();
        lower(&mut limits);
        let (device, queue) = adapter
            .request_device(&wgpu::DeviceDescriptor {
                label: Some("webslm"),
                required_features: features,
                required_limits: limits.clone(),
                ..Default::default()
            })
            .await
            .map_err(|e| Error::DeviceRequest(e.to_string()))?;
        #[allow(unused_mut)]
        let mut adapter_info = adapter.get_info();
        #[cfg(target_arch = "wasm32")]
        if adapter_info.name.is_empty() {
            adapter_info.name = browser_adapter_name().await.unwrap_or_default();
        }
        let info = GpuInfo { adapter: adapter_info, limits, features };
        let faults = Arc::new(Mutex::new(Faults::default()));
        let on_lost = faults.clone();
        device.set_device_lost_callback(move |reason, message| {
            if let Ok(mut f) = on_lost.lock() {
                f.lost.get_or_insert(format!("{reason:?}: {message}"));
            }
        });
        let on_error = faults.clone();
        device.on_uncaptured_error(Arc::new(move |error: wgpu::Error| {
            if let wgpu::Error::OutOfMemory { .. } = error {
                if let Ok(mut f) = on_error.lock() {
                    f.out_of_memory.get_or_insert(error.to_string());
                }
            } else {
                log_error(&error.to_string());
            }
        }));
        Ok(Self { device, queue, info, faults, staging: Arc::default(), submissions: Arc::default() })
    }

    /// `DeviceLost` once the device has gone away, `OutOfGpuMemory` (with `needs`, what the
    /// caller was allocating) after an allocation failed; Ok otherwise.
    pub fn check_faults(&self, needs: &str) -> Result<()> {
        self.check_faults_with(|| needs.to_string())
    }

    /// [`Self::check_faults`] with `needs` made only when there is a fault to report.
    pub fn check_faults_with(&self, needs: impl FnOnce() -> String) -> Result<()> {
        let f = self.faults.lock().map_err(|_| Error::Gpu("the fault record is poisoned".into()))?;
        if let Some(reason) = &f.lost {
            return Err(Error::DeviceLost(reason.clone()));
        }
        if let Some(message) = &f.out_of_memory {
            return Err(Error::OutOfGpuMemory(format!("{}; the GPU could not allocate it ({message})", needs())));
        }
        Ok(())
    }

    /// Waits until the GPU has finished all submitted work (and so reported any fault of it),
    /// then [`Self::check_faults`].
    pub async fn settle(&self, needs: &str) -> Result<()> {
        let probe = self.output_buffer("settle", 4);
        self.read_bytes(&probe, 4).await?;
        self.check_faults(needs)
    }

    /// A storage buffer initialised from `data`, readable by kernels and copyable for readback;
    /// like [`Self::output_buffer`] also readable as activations through a uniform window.
    pub fn storage_buffer<T: bytemuck::Pod>(&self, label: &str, data: &[T]) -> wgpu::Buffer {
        let bytes: &[u8] = bytemuck::cast_slice(data);
        // Written through the mapping: no second copy of `data` in (wasm) memory.
        let buffer = self.device.create_buffer(&wgpu::BufferDescriptor {
            label: Some(label),
            size: self.with_window_room(bytes.len() as u64).div_ceil(4) * 4,
            usage: wgpu::BufferUsages::STORAGE | wgpu::BufferUsages::UNIFORM | wgpu::BufferUsages::COPY_SRC | wgpu::BufferUsages::COPY_DST,
            mapped_at_creation: true,
        });
        match buffer.slice(..).get_mapped_range_mut() {
            Ok(mut view) => view.slice(..bytes.len()).copy_from_slice(bytes),
            // Only a lost device refuses a fresh mapping; check_faults reports that.
            Err(e) => log_error(&format!("writing buffer {label}: {e}")),
        }
        buffer.unmap();
        buffer
    }

    /// Copies of small tensors held in one part each (decode's RMSNorm weights) in one buffer
    /// that kernels can also read through uniform windows: each copy starts at a uniform-offset
    /// boundary, with a window's room after the last. The originals must be copyable
    /// (`COPY_SRC`, as the weight arenas are).
    pub fn uniform_copies(&self, tensors: &[&GpuTensor]) -> Vec<GpuTensor> {
        let align = self.info.limits.min_uniform_buffer_offset_alignment as u64;
        let mut offsets = Vec::with_capacity(tensors.len());
        let mut end = 0u64;
        for t in tensors {
            assert!(t.parts.len() == 1 && t.parts[0].skip_rows == 0, "uniform_copies of a split tensor or a row view");
            let at = end.div_ceil(align) * align;
            offsets.push(at);
            end = at + t.parts[0].size;
        }
        let buffer = self.output_buffer("uniform_copies", end);
        let mut encoder = self.device.create_command_encoder(&wgpu::CommandEncoderDescriptor { label: Some("uniform_copies") });
        let mut copies = Vec::with_capacity(tensors.len());
        for (t, at) in tensors.iter().zip(offsets) {
            let src = t.parts[0].buffer_binding();
            let size = t.parts[0].size;
            encoder.copy_buffer_to_buffer(src.buffer, src.offset, &buffer, at, size);
            copies.push(GpuTensor::whole(Store::Buffer(buffer.clone()), at, size, t.ty, t.dims.clone()));
        }
        self.queue.submit([encoder.finish()]);
        copies
    }

    /// `size` rounded up so that a uniform window fits from any 16-byte offset below `size`.
    /// (Room for a window from offset 0 only would leave out the up half of a one-token
    /// [gate | up] row, which decode's fused GLU reads from the middle of its buffer.)
    fn with_window_room(&self, size: u64) -> u64 {
        size.div_ceil(16) * 16 + self.info.uniform_window()
    }

    /// A zeroed storage buffer for kernel outputs of `size` bytes. It is also a uniform buffer
    /// with room for one uniform window past `size`, so that a following matmul can read it as
    /// activations through that window (see shaders/activations/uniform.wgsl).
    pub fn output_buffer(&self, label: &str, size: u64) -> wgpu::Buffer {
        self.device.create_buffer(&wgpu::BufferDescriptor {
            label: Some(label),
            size: self.with_window_room(size),
            usage: wgpu::BufferUsages::STORAGE | wgpu::BufferUsages::UNIFORM | wgpu::BufferUsages::COPY_SRC | wgpu::BufferUsages::COPY_DST,
            mapped_at_creation: false,
        })
    }
}

/// WebGPU's `GPUAdapterInfo.description` is often empty (browsers mask it) and wgpu does not pass on
/// `vendor`/`architecture`, so ask `navigator.gpu` directly for a name a person can recognise.
#[cfg(target_arch = "wasm32")]
async fn browser_adapter_name() -> Option<String> {
    use js_sys::{Function, Promise, Reflect};
    use wasm_bindgen::{JsCast, JsValue};
    let get = |obj: &JsValue, key: &str| Reflect::get(obj, &JsValue::from_str(key)).ok().filter(|v| !v.is_undefined());
    let gpu = get(&get(&js_sys::global(), "navigator")?, "gpu")?;
    let request: Function = get(&gpu, "requestAdapter")?.dyn_into().ok()?;
    let promise: Promise = request.call0(&gpu).ok()?.dyn_into().ok()?;
    let adapter = wasm_bindgen_futures::JsFuture::from(promise).await.ok()?;
    let info = get(&adapter, "info")?;
    let parts: Vec<String> = ["vendor", "architecture", "description"]
        .iter()
        .filter_map(|k| get(&info, k)?.as_string())
        .filter(|s| !s.is_empty())
        .collect();
    (!parts.is_empty()).then(|| parts.join(" "))
}

/// An error no one asked about: shown in the console (browser) or on stderr.
fn log_error(message: &str) {
    #[cfg(target_arch = "wasm32")]
    web_sys::console::error_1(&format!("webslm: GPU error: {message}").into());
    #[cfg(not(target_arch = "wasm32"))]
    eprintln!("webslm: GPU error: {message}");
}
