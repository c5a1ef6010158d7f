// sin and cos of any angle to ~1e-7: built-in sin/cos are only loosely specified (WGSL promises
// 2^-11 on [-π, π], nothing beyond; SwiftShader is off by 1e-4) and rotary angles reach
// thousands of radians at long contexts. theta = k·π/2 + r with π/2 split in three parts
// (Cody–Waite; k · HALF_PI_A is exact for |k| < 2^16), then Taylor polynomials on |r| ≤ π/4.
const HALF_PI_A: f32 = 1.5703125;
const HALF_PI_B: f32 = 4.8382679233e-4;
const HALF_PI_C: f32 = 2.5632829193e-12;

fn sin_cos(theta: f32) -> vec2<f32> {
    let k = round(theta * 0.63661977);
    let r = ((theta - k * HALF_PI_A) - k * HALF_PI_B) - k * HALF_PI_C;
    let r2 = r * r;
    let s = r * (1.0 + r2 * (-1.0 / 6.0 + r2 * (1.0 / 120.0 + r2 * (-1.0 / 5040.0 + r2 * (1.0 / 362880.0)))));
    let c = 1.0 + r2 * (-0.5 + r2 * (1.0 / 24.0 + r2 * (-1.0 / 720.0 + r2 * (1.0 / 40320.0 + r2 * (-1.0 / 3628800.0)))));
    switch ((i32(k) % 4 + 4) % 4) {
        case 0: { return vec2<f32>(s, c); }
        case 1: { return vec2<f32>(c, -s); }
        case 2: { return vec2<f32>(-s, -c); }
        default: { return vec2<f32>(-c, s); }
    }
}
