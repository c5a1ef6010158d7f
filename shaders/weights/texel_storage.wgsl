// A weight texture's texels as a read-only storage texture (WeightStore::StorageTexture:
// lavapipe, where a storage texture has one level and a fetch works out a level per lane).
@group(0) @binding(1) var w: texture_storage_2d<rgba32uint, read>;

fn texel(at: vec2<u32>) -> vec4<u32> {
    return textureLoad(w, at);
}
