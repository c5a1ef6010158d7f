// A weight texture's texels by texel fetch (WeightStore::Texture: SwiftShader).
@group(0) @binding(1) var w: texture_2d<u32>;

fn texel(at: vec2<u32>) -> vec4<u32> {
    return textureLoad(w, at, 0);
}
