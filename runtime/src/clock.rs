//! Wall-clock milliseconds on both targets (`std::time::Instant` panics on wasm32), and the
//! calling thread's CPU time where the platform tells it.

#[cfg(not(target_arch = "wasm32"))]
pub fn now_ms() -> f64 {
    use std::sync::OnceLock;
    use std::time::Instant;
    static START: OnceLock<Instant> = OnceLock::new();
    START.get_or_init(Instant::now).elapsed().as_secs_f64() * 1000.0
}

#[cfg(target_arch = "wasm32")]
pub fn now_ms() -> f64 {
    js_sys::Date::now()
}

/// CPU milliseconds the calling thread has run (Unix: `CLOCK_THREAD_CPUTIME_ID`). Unlike wall
/// time, this excludes time the thread was preempted, which on a CPU "GPU" (lavapipe) sharing
/// the cores with the recording thread would otherwise count the GPU's work as ours.
/// Elsewhere (wasm, Windows) it is the wall clock.
#[cfg(all(unix, not(target_arch = "wasm32")))]
pub fn thread_cpu_ms() -> f64 {
    let mut t = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: clock_gettime writes one timespec into the pointer it is given.
    let rc = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut t) };
    if rc != 0 {
        return now_ms();
    }
    t.tv_sec as f64 * 1000.0 + t.tv_nsec as f64 / 1e6
}

#[cfg(not(all(unix, not(target_arch = "wasm32"))))]
pub fn thread_cpu_ms() -> f64 {
    now_ms()
}

/// Resolves after `ms` milliseconds of the event loop (window or worker `setTimeout`), or at
/// once where there is no timer.
#[cfg(target_arch = "wasm32")]
pub async fn sleep_ms(ms: i32) {
    use wasm_bindgen::{JsCast, JsValue};
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        let set_timeout = js_sys::Reflect::get(&js_sys::global(), &"setTimeout".into()).ok().and_then(|f| f.dyn_into::<js_sys::Function>().ok());
        match set_timeout {
            Some(f) => {
                let _ = f.call2(&JsValue::UNDEFINED, &resolve, &ms.into());
            }
            None => {
                let _ = resolve.call0(&JsValue::UNDEFINED);
            }
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}
