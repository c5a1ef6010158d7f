//! Parsing the GGUF header (magic, version, metadata, tensor infos) from a byte buffer that may
//! not hold all of it yet. Lengths from the file are checked before use and never used to
//! pre-allocate: memory grows only with bytes actually present.

use super::{limits, GgufError, Metadata, Value, DEFAULT_ALIGNMENT, MAGIC};
use crate::quant::GgmlType;
use std::collections::{BTreeMap, HashSet};

/// One tensor as the header describes it. `dims[0]` is the row length (ggml's ne0).
#[derive(Clone, Debug, PartialEq)]
pub struct TensorInfo {
    pub name: String,
    pub dims: Vec<u64>,
    pub ty: GgmlType,
    /// Offset of the data from the start of the file's data section.
    pub offset: u64,
    pub n_bytes: u64,
}

impl TensorInfo {
    pub fn n_elements(&self) -> u64 {
        self.dims.iter().product()
    }
    /// Number of rows (all dimensions after the first).
    pub fn n_rows(&self) -> u64 {
        self.dims[1..].iter().product()
    }
}

#[derive(Clone, Debug)]
pub struct GgufHeader {
    pub version: u32,
    pub metadata: Metadata,
    pub tensors: Vec<TensorInfo>,
    pub alignment: u64,
    /// Absolute file offset where tensor data starts.
    pub data_start: u64,
}

impl GgufHeader {
    pub fn tensor(&self, name: &str) -> Option<&TensorInfo> {
        self.tensors.iter().find(|t| t.name == name)
    }
    /// Absolute file offset one past the last tensor byte.
    pub fn data_end(&self) -> u64 {
        self.data_start + self.tensors.iter().map(|t| t.offset + t.n_bytes).max().unwrap_or(0)
    }
}

/// Why a parse attempt stopped: not enough bytes yet (with the minimum total needed), or bad input.
pub(crate) enum Stop {
    NeedMore(usize),
    Bad(GgufError),
}

impl From<GgufError> for Stop {
    fn from(e: GgufError) -> Self {
        Stop::Bad(e)
    }
}

struct Cursor<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl<'a> Cursor<'a> {
    fn take(&mut self, n: u64) -> Result<&'a [u8], Stop> {
        let end = (self.pos as u64).checked_add(n).filter(|&e| e <= usize::MAX as u64).ok_or_else(|| {
            Stop::Bad(GgufError::TooLarge { what: "a length".into(), value: n, limit: usize::MAX as u64 })
        })? as usize;
        if end > self.buf.len() {
            return Err(Stop::NeedMore(end));
        }
        let s = &self.buf[self.pos..end];
        self.pos = end;
        Ok(s)
    }
    fn array<const N: usize>(&mut self) -> Result<[u8; N], Stop> {
        Ok(self.take(N as u64)?.try_into().expect("take returned N bytes"))
    }
    fn u32(&mut self) -> Result<u32, Stop> {
        Ok(u32::from_le_bytes(self.array()?))
    }
    fn u64(&mut self) -> Result<u64, Stop> {
        Ok(u64::from_le_bytes(self.array()?))
    }
    /// A count: u64 in v3, u32 in v2.
    fn count(&mut self, version: u32) -> Result<u64, Stop> {
        if version == 2 {
            Ok(self.u32()? as u64)
        } else {
            self.u64()
        }
    }
    fn string(&mut self, version: u32, what: &dyn Fn() -> String) -> Result<String, Stop> {
        let len = self.count(version)?;
        if len > limits::MAX_STRING_BYTES {
            return Err(GgufError::TooLarge { what: format!("the length of {}", what()), value: len, limit: limits::MAX_STRING_BYTES }.into());
        }
        let bytes = self.take(len)?;
        String::from_utf8(bytes.to_vec()).map_err(|_| GgufError::InvalidUtf8(what()).into())
    }
    fn value(&mut self, version: u32, type_id: u32, key: &str, depth: u32) -> Result<Value, Stop> {
        Ok(match type_id {
            0 => Value::U8(self.array::<1>()?[0]),
            1 => Value::I8(self.array::<1>()?[0] as i8),
            2 => Value::U16(u16::from_le_bytes(self.array()?)),
            3 => Value::I16(i16::from_le_bytes(self.array()?)),
            4 => Value::U32(self.u32()?),
            5 => Value::I32(i32::from_le_bytes(self.array()?)),
            6 => Value::F32(f32::from_le_bytes(self.array()?)),
            7 => Value::Bool(self.array::<1>()?[0] != 0),
            8 => Value::String(self.string(version, &|| format!("the value of {key:?}"))?),
            9 => {
                if depth > 0 {
                    return Err(GgufError::BadMetadata { key: key.into(), reason: "nested arrays are not supported".into() }.into());
                }
                let item_type = self.u32()?;
                let len = self.count(version)?;
                if len > limits::MAX_ARRAY_LEN {
                    return Err(GgufError::TooLarge { what: format!("the array {key:?}"), value: len, limit: limits::MAX_ARRAY_LEN }.into());
                }
                let mut items = Vec::new(); // grows with bytes actually read, never from `len`
                for _ in 0..len {
                    items.push(self.value(version, item_type, key, depth + 1)?);
                }
                Value::Array(items)
            }
            10 => Value::U64(self.u64()?),
            11 => Value::I64(i64::from_le_bytes(self.array()?)),
            12 => Value::F64(f64::from_le_bytes(self.array()?)),
            _ => return Err(GgufError::UnknownValueType { key: key.into(), type_id }.into()),
        })
    }
}

/// Parses a complete header from the start of `buf`, or says how many bytes it needs.
/// `file_size`, when known, bounds every tensor's extent.
pub(crate) fn parse_header(buf: &[u8], file_size: Option<u64>) -> Result<GgufHeader, Stop> {
    let mut c = Cursor { buf, pos: 0 };
    let magic = c.u32()?;
    if magic != MAGIC {
        return Err(GgufError::BadMagic(magic).into());
    }
    let version = c.u32()?;
    if version != 2 && version != 3 {
        return Err(GgufError::UnsupportedVersion(version).into());
    }
    let n_tensors = c.count(version)?;
    let n_kv = c.count(version)?;
    if n_tensors > limits::MAX_TENSOR_COUNT {
        return Err(GgufError::TooLarge { what: "the tensor count".into(), value: n_tensors, limit: limits::MAX_TENSOR_COUNT }.into());
    }
    if n_kv > limits::MAX_KV_COUNT {
        return Err(GgufError::TooLarge { what: "the metadata count".into(), value: n_kv, limit: limits::MAX_KV_COUNT }.into());
    }

    let mut kv = BTreeMap::new();
    for i in 0..n_kv {
        let key = c.string(version, &|| format!("metadata key #{i}"))?;
        let type_id = c.u32()?;
        let value = c.value(version, type_id, &key, 0)?;
        if kv.insert(key.clone(), value).is_some() {
            return Err(GgufError::Duplicate { what: "metadata key", name: key }.into());
        }
    }
    let metadata = Metadata(kv);
    let alignment = metadata.u64("general.alignment")?.unwrap_or(DEFAULT_ALIGNMENT);
    if alignment == 0 || !alignment.is_power_of_two() || alignment > 1 << 20 {
        return Err(GgufError::BadAlignment(alignment).into());
    }

    let mut tensors = Vec::new();
    let mut names = HashSet::new();
    for i in 0..n_tensors {
        let name = c.string(version, &|| format!("the name of tensor #{i}"))?;
        let n_dims = c.u32()?;
        if n_dims == 0 || n_dims > limits::MAX_DIMS {
            return Err(GgufError::BadDims { tensor: name, dims: vec![], reason: format!("{n_dims} dimensions (1 to 4 allowed)") }.into());
        }
        let mut dims = Vec::new();
        for _ in 0..n_dims {
            dims.push(c.count(version)?);
        }
        let type_id = c.u32()?;
        let offset = c.u64()?;
        let ty = GgmlType::from_id(type_id).ok_or_else(|| GgufError::UnknownTensorType { tensor: name.clone(), type_id })?;
        let n_bytes = tensor_bytes(&name, &dims, ty)?;
        if offset % alignment != 0 {
            return Err(GgufError::Misaligned { tensor: name, offset, alignment }.into());
        }
        if !names.insert(name.clone()) {
            return Err(GgufError::Duplicate { what: "tensor", name }.into());
        }
        tensors.push(TensorInfo { name, dims, ty, offset, n_bytes });
    }

    let data_start = (c.pos as u64).div_ceil(alignment) * alignment;
    check_layout(&tensors, data_start, file_size)?;
    Ok(GgufHeader { version, metadata, tensors, alignment, data_start })
}

/// Size in bytes of a tensor, checking that its shape is sane for its type.
fn tensor_bytes(name: &str, dims: &[u64], ty: GgmlType) -> Result<u64, GgufError> {
    let bad = |reason: String| GgufError::BadDims { tensor: name.into(), dims: dims.to_vec(), reason };
    if dims.contains(&0) {
        return Err(bad("a dimension is zero".into()));
    }
    let n = dims.iter().try_fold(1u64, |acc, &d| acc.checked_mul(d)).ok_or_else(|| bad("the element count overflows".into()))?;
    if dims[0] % ty.block_size() != 0 {
        return Err(bad(format!("rows of {} values are not whole {:?} blocks of {}", dims[0], ty, ty.block_size())));
    }
    ty.bytes_for(n).ok_or_else(|| bad("the byte size overflows".into()))
}

/// Tensors must not overlap and must end within the file when its size is known.
fn check_layout(tensors: &[TensorInfo], data_start: u64, file_size: Option<u64>) -> Result<(), GgufError> {
    let mut by_offset: Vec<&TensorInfo> = tensors.iter().collect();
    by_offset.sort_by_key(|t| t.offset);
    for pair in by_offset.windows(2) {
        if pair[0].offset.saturating_add(pair[0].n_bytes) > pair[1].offset {
            return Err(GgufError::Overlap { first: pair[0].name.clone(), second: pair[1].name.clone() });
        }
    }
    for t in tensors {
        let end = data_start.checked_add(t.offset).and_then(|s| s.checked_add(t.n_bytes));
        match (end, file_size) {
            (None, _) => return Err(GgufError::PastEnd { tensor: t.name.clone(), end: u64::MAX, file_size: file_size.unwrap_or(0) }),
            (Some(end), Some(size)) if end > size => {
                return Err(GgufError::PastEnd { tensor: t.name.clone(), end, file_size: size })
            }
            _ => {}
        }
    }
    Ok(())
}
