//! Out of GPU memory on load, for real: a child process caps its own address space
//! (`RLIMIT_AS`) so that the Vulkan driver's allocations fail while the model's buffers are made.
//! lavapipe keeps "device" memory in the process, so this is the driver's own out-of-memory
//! error travelling through wgpu, not a simulated one. The child runs in its own process because
//! the cap holds for the whole process.
#![cfg(target_os = "linux")]

mod common;
use webslm::model::{load_file, ModelOptions};
use webslm::GpuContext;

const CHILD: &str = "WEBSLM_OOM_CHILD";

#[test]
fn a_model_the_gpu_cannot_allocate_fails_with_out_of_gpu_memory_and_the_next_load_works() {
    let out = std::process::Command::new(std::env::current_exe().unwrap())
        .args(["--ignored", "--exact", "--nocapture", "capped_child"])
        .env(CHILD, "1")
        .output()
        .unwrap();
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    eprintln!("{text}");
    assert!(out.status.success(), "the capped child failed: {:?}", out.status);
    assert!(text.contains("1 passed"), "the child test did not run");
}

/// Run by the test above in a process of its own.
#[test]
#[ignore = "run in a child process by the out-of-memory test"]
fn capped_child() {
    assert!(std::env::var(CHILD).is_ok(), "run by a_model_the_gpu_cannot_allocate_…");
    let path = common::default_model();
    let options = ModelOptions { max_context: 256, ..Default::default() };
    let ctx = pollster::block_on(GpuContext::new()).unwrap();
    // A first load warms what is made once per process (shader compilers, allocator arenas),
    // so that under the cap only the model's own buffers need new memory.
    let model = pollster::block_on(load_file(&ctx, &path, &options)).unwrap();
    let needs = model.weight_bytes;
    drop(model);
    pollster::block_on(ctx.settle("")).unwrap();

    let headroom = 32u64 << 20;
    assert!(needs > 2 * headroom, "the model ({needs} bytes) must need more than the cap leaves");
    // A fresh device for the capped load, as every load of the package makes.
    let ctx = pollster::block_on(GpuContext::new()).unwrap();
    let limit = address_space() + headroom;
    set_address_space_limit(limit);
    let error = pollster::block_on(load_file(&ctx, &path, &options)).err().expect("the load must fail under the cap");
    set_address_space_limit(libc::RLIM_INFINITY);
    eprintln!("under a cap of {} MiB: {error}", limit >> 20);
    assert_eq!(error.kind(), "OutOfGpuMemory", "{error}");
    assert!(error.to_string().contains(&format!("{:.0} MiB", needs as f64 / (1 << 20) as f64)), "the error names the model's needs: {error}");

    // Nothing is left broken: with the cap lifted the same model loads and runs.
    let ctx = pollster::block_on(GpuContext::new()).unwrap();
    let model = pollster::block_on(load_file(&ctx, &path, &options)).unwrap();
    let mut engine = webslm::Engine::new(ctx, model).unwrap();
    let question = [webslm::tokenizer::ChatMessage::new("user", "What is the capital of France?")];
    let options = webslm::generate::GenerateOptions { max_tokens: 8, ..Default::default() };
    let out = pollster::block_on(engine.chat(&question, &options, |_| true)).unwrap();
    assert!(out.text.starts_with("The capital of France"), "{:?}", out.text);
}

/// The process's virtual memory now (`VmSize`), in bytes.
fn address_space() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let line = status.lines().find(|l| l.starts_with("VmSize:")).unwrap();
    let kib: u64 = line.split_whitespace().nth(1).unwrap().parse().unwrap();
    kib << 10
}

fn set_address_space_limit(bytes: u64) {
    let limit = libc::rlimit { rlim_cur: bytes as libc::rlim_t, rlim_max: libc::RLIM_INFINITY };
    // SAFETY: setrlimit only reads the struct passed to it.
    assert_eq!(unsafe { libc::setrlimit(libc::RLIMIT_AS, &limit) }, 0, "setrlimit failed");
}
