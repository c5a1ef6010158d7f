// y[i] += x[i % n_x]: a residual add (n_x = n) or a bias broadcast over token rows (n_x = row length).

struct Params {
    n: u32,
    n_x: u32,
    _pad0: u32,
    _pad1: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read_write> y: array<f32>;
@group(0) @binding(2) var<storage, read> x: array<f32>;

@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
    let i = gid.x + gid.y * 65535u * 256u;
    if (i >= params.n) {
        return;
    }
    y[i] += x[i % params.n_x];
}
