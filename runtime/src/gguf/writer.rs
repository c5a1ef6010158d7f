//! Writing a GGUF header (version 3): the inverse of header.rs, for tools that make model files
//! (`webslm synth`). The tensor data follows the returned bytes, each tensor at its offset.

use super::{GgufHeader, Metadata, TensorInfo, Value, MAGIC};
use crate::quant::GgmlType;

/// Tensor infos for `tensors` (name, dims, type) laid out in order from the data section's
/// start, each at a multiple of `alignment`.
pub fn lay_out(tensors: impl IntoIterator<Item = (String, Vec<u64>, GgmlType)>, alignment: u64) -> Vec<TensorInfo> {
    let mut offset = 0;
    tensors
        .into_iter()
        .map(|(name, dims, ty)| {
            let n_bytes = ty.bytes_for(dims.iter().product()).expect("dims are whole blocks of the type");
            let info = TensorInfo { name, dims, ty, offset, n_bytes };
            offset = (offset + n_bytes).div_ceil(alignment) * alignment;
            info
        })
        .collect()
}

/// The header's bytes, padded to its alignment: the data section starts right after them.
/// `header.data_start` is not read (it follows from the bytes written).
pub fn header_bytes(header: &GgufHeader) -> Vec<u8> {
    let mut out = Vec::new();
    out.extend(MAGIC.to_le_bytes());
    out.extend(3u32.to_le_bytes());
    out.extend((header.tensors.len() as u64).to_le_bytes());
    write_metadata(&mut out, &header.metadata);
    for t in &header.tensors {
        write_string(&mut out, &t.name);
        out.extend((t.dims.len() as u32).to_le_bytes());
        for d in &t.dims {
            out.extend(d.to_le_bytes());
        }
        out.extend(t.ty.id().to_le_bytes());
        out.extend(t.offset.to_le_bytes());
    }
    out.resize((out.len() as u64).div_ceil(header.alignment) as usize * header.alignment as usize, 0);
    out
}

fn write_metadata(out: &mut Vec<u8>, metadata: &Metadata) {
    out.extend((metadata.0.len() as u64).to_le_bytes());
    for (key, value) in &metadata.0 {
        write_string(out, key);
        out.extend(type_id(value).to_le_bytes());
        write_value(out, value);
    }
}

fn write_string(out: &mut Vec<u8>, s: &str) {
    out.extend((s.len() as u64).to_le_bytes());
    out.extend(s.as_bytes());
}

/// GGUF's id for a value's type (an empty array is written as an array of u8).
fn type_id(value: &Value) -> u32 {
    match value {
        Value::U8(_) => 0,
        Value::I8(_) => 1,
        Value::U16(_) => 2,
        Value::I16(_) => 3,
        Value::U32(_) => 4,
        Value::I32(_) => 5,
        Value::F32(_) => 6,
        Value::Bool(_) => 7,
        Value::String(_) => 8,
        Value::Array(_) => 9,
        Value::U64(_) => 10,
        Value::I64(_) => 11,
        Value::F64(_) => 12,
    }
}

fn write_value(out: &mut Vec<u8>, value: &Value) {
    match value {
        Value::U8(v) => out.push(*v),
        Value::I8(v) => out.extend(v.to_le_bytes()),
        Value::U16(v) => out.extend(v.to_le_bytes()),
        Value::I16(v) => out.extend(v.to_le_bytes()),
        Value::U32(v) => out.extend(v.to_le_bytes()),
        Value::I32(v) => out.extend(v.to_le_bytes()),
        Value::U64(v) => out.extend(v.to_le_bytes()),
        Value::I64(v) => out.extend(v.to_le_bytes()),
        Value::F32(v) => out.extend(v.to_le_bytes()),
        Value::F64(v) => out.extend(v.to_le_bytes()),
        Value::Bool(v) => out.push(*v as u8),
        Value::String(s) => write_string(out, s),
        Value::Array(items) => {
            out.extend(items.first().map_or(0, type_id).to_le_bytes());
            out.extend((items.len() as u64).to_le_bytes());
            for item in items {
                write_value(out, item);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gguf::parse_all;

    #[test]
    fn a_written_header_parses_back_to_itself() {
        let metadata = Metadata::from_entries([
            ("general.architecture".to_string(), Value::String("llama".into())),
            ("general.alignment".to_string(), Value::U32(64)),
            ("llama.block_count".to_string(), Value::U32(2)),
            ("llama.rope.freq_base".to_string(), Value::F32(10000.0)),
            ("tokenizer.ggml.tokens".to_string(), Value::Array(vec![Value::String("a".into()), Value::String("bc".into())])),
            ("tokenizer.ggml.scores".to_string(), Value::Array(vec![Value::F32(-1.0), Value::F32(0.5)])),
            ("x.flags".to_string(), Value::Array(vec![Value::Bool(true), Value::Bool(false)])),
            ("x.signed".to_string(), Value::I64(-7)),
        ]);
        let tensors = lay_out(
            [("a.weight".to_string(), vec![64, 3], GgmlType::Q4_1), ("b.weight".to_string(), vec![5], GgmlType::F32)],
            64,
        );
        assert_eq!((tensors[0].offset, tensors[0].n_bytes, tensors[1].offset), (0, 120, 128));
        let header = GgufHeader { version: 3, metadata, tensors, alignment: 64, data_start: 0 };
        let mut file = header_bytes(&header);
        assert_eq!(file.len() % 64, 0);
        let data_start = file.len() as u64;
        file.resize(file.len() + 128 + 20, 7);

        let (parsed, data) = parse_all(&file).unwrap();
        assert_eq!(parsed.data_start, data_start);
        assert_eq!(parsed.tensors, header.tensors);
        assert_eq!(parsed.metadata.0, header.metadata.0);
        assert_eq!(data[1].len(), 20);
    }
}
