//! GGUF reader: real files parse the same whole and in chunks; malformed files give typed errors.

mod common;
use webslm::gguf::{parse_all, Event, GgufError, GgufReader};
use webslm::quant::GgmlType;

fn read_fixture(name: &str) -> Vec<u8> {
    std::fs::read(common::fixtures().join("models").join(name)).unwrap()
}

#[test]
fn parses_every_fixture_model() {
    let dir = common::fixtures().join("models");
    let mut n = 0;
    for entry in std::fs::read_dir(&dir).unwrap().chain(std::fs::read_dir(dir.join("split")).unwrap()) {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "gguf") {
            let bytes = std::fs::read(&path).unwrap();
            let (header, data) = parse_all(&bytes).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            assert_eq!(header.tensors.len(), data.len());
            assert!(header.metadata.str("general.architecture").unwrap().is_some() || path.to_string_lossy().contains("0000"));
            n += 1;
        }
    }
    assert!(n >= 25, "found only {n} fixture models");
}

#[test]
fn stories260k_header_is_read_correctly() {
    let bytes = read_fixture("stories260K.gguf");
    let (h, _) = parse_all(&bytes).unwrap();
    assert_eq!(h.version, 3);
    assert_eq!(h.metadata.str("general.architecture").unwrap(), Some("llama"));
    assert_eq!(h.metadata.u64("llama.embedding_length").unwrap(), Some(64));
    assert_eq!(h.tensors.len(), 48);
    let emb = h.tensor("token_embd.weight").unwrap();
    assert_eq!((emb.dims.as_slice(), emb.ty), (&[64u64, 512][..], GgmlType::F32));
    assert_eq!(h.metadata.str_array("tokenizer.ggml.tokens").unwrap().unwrap().len(), 512);
}

/// Every chunk size gives the same tensor bytes as parsing the whole file.
#[test]
fn chunked_feeding_matches_whole_file() {
    let bytes = read_fixture("stories260K.Q4_0.gguf");
    let (header, whole) = parse_all(&bytes).unwrap();
    for chunk_size in [1usize, 7, 4096, 65_536, 1 << 20] {
        let mut got: Vec<Vec<u8>> = vec![Vec::new(); header.tensors.len()];
        let mut headers = 0;
        let mut reader = GgufReader::new(None);
        let mut sink = |e: Event<'_>| -> Result<(), GgufError> {
            match e {
                Event::Header(_) => headers += 1,
                Event::TensorData { tensor, offset, bytes } => {
                    assert_eq!(offset as usize, got[tensor].len(), "in order");
                    got[tensor].extend_from_slice(bytes);
                }
            }
            Ok(())
        };
        for chunk in bytes.chunks(chunk_size) {
            reader.feed(chunk, &mut sink).unwrap();
        }
        reader.finish(&mut sink).unwrap();
        assert_eq!(headers, 1);
        for (g, w) in got.iter().zip(&whole) {
            assert_eq!(g.as_slice(), *w, "chunk size {chunk_size}");
        }
    }
}

/// Cutting the file anywhere (header, metadata, tensor infos, data) gives an error, never a panic.
#[test]
fn truncation_anywhere_is_an_error() {
    let bytes = read_fixture("stories260K.Q8_0.gguf");
    let (header, _) = parse_all(&bytes).unwrap();
    let mut cuts: Vec<usize> = (0..600).collect();
    cuts.extend((600..header.data_start as usize + 64).step_by(97));
    cuts.extend((header.data_start as usize..bytes.len()).step_by(4099));
    cuts.push(header.data_end() as usize - 1);
    for cut in cuts {
        let err = parse_all(&bytes[..cut]).err().unwrap_or_else(|| panic!("cut at {cut} parsed"));
        assert!(matches!(err, GgufError::Truncated(_) | GgufError::PastEnd { .. }), "cut at {cut}: {err}");
    }
}

/// Without a file size the reader re-parses a growing header only when the buffer has doubled;
/// a header (and data) completing after its last retry point is parsed by `finish`.
#[test]
fn finish_parses_a_header_still_waiting_for_its_retry() {
    let n_kv = 200;
    let mut w = Writer::new(3, 1, n_kv);
    for i in 0..n_kv {
        w.str(&format!("key.{i}")).u32(4).u32(i as u32);
    }
    let bytes = w.tensor("t", &[8], 0, 0).finish(32);
    for chunk_size in [1, 5, 64] {
        let mut reader = GgufReader::new(None);
        let mut data = 0;
        let mut sink = |e: Event<'_>| -> Result<(), GgufError> {
            if let Event::TensorData { bytes, .. } = e {
                data += bytes.len();
            }
            Ok(())
        };
        for chunk in bytes.chunks(chunk_size) {
            reader.feed(chunk, &mut sink).unwrap();
        }
        let header = reader.finish(&mut sink).unwrap();
        assert_eq!((header.metadata.keys().count(), header.tensors.len()), (n_kv as usize, 1));
        assert_eq!(data, 32, "chunk size {chunk_size}");
    }
    // Cut anywhere, the same file is still an error at `finish`.
    for cut in [10, bytes.len() / 2, bytes.len() - 1] {
        let mut reader = GgufReader::new(None);
        reader.feed::<GgufError>(&bytes[..cut], &mut |_| Ok(())).unwrap();
        assert!(reader.finish::<GgufError>(&mut |_| Ok(())).is_err(), "cut at {cut}");
    }
}

/// A minimal GGUF v3 writer for hand-made bad files.
struct Writer(Vec<u8>);
impl Writer {
    fn new(version: u32, n_tensors: u64, n_kv: u64) -> Self {
        let mut w = Writer(b"GGUF".to_vec());
        w.u32(version);
        w.u64(n_tensors);
        w.u64(n_kv);
        w
    }
    fn u32(&mut self, v: u32) -> &mut Self {
        self.0.extend_from_slice(&v.to_le_bytes());
        self
    }
    fn u64(&mut self, v: u64) -> &mut Self {
        self.0.extend_from_slice(&v.to_le_bytes());
        self
    }
    fn str(&mut self, s: &str) -> &mut Self {
        self.u64(s.len() as u64);
        self.0.extend_from_slice(s.as_bytes());
        self
    }
    fn tensor(&mut self, name: &str, dims: &[u64], ty: u32, offset: u64) -> &mut Self {
        self.str(name).u32(dims.len() as u32);
        for &d in dims {
            self.u64(d);
        }
        self.u32(ty).u64(offset)
    }
    fn finish(&mut self, data_bytes: usize) -> Vec<u8> {
        while self.0.len() % 32 != 0 {
            self.0.push(0);
        }
        self.0.extend(std::iter::repeat_n(0u8, data_bytes));
        self.0.clone()
    }
}

fn err(bytes: &[u8]) -> GgufError {
    parse_all(bytes).err().expect("should fail")
}

#[test]
fn malformed_headers_give_typed_errors() {
    assert!(matches!(err(b"GGML\x03\0\0\0"), GgufError::BadMagic(_)));
    assert!(matches!(err(&Writer::new(7, 0, 0).finish(0)), GgufError::UnsupportedVersion(7)));
    assert!(matches!(err(&Writer::new(3, u64::MAX, 0).finish(0)), GgufError::TooLarge { .. }));
    assert!(matches!(err(&Writer::new(3, 0, 1 << 40).finish(0)), GgufError::TooLarge { .. }));
    // A key claiming an absurd length.
    assert!(matches!(err(&Writer::new(3, 0, 1).u64(u64::MAX - 3).finish(0)), GgufError::TooLarge { .. }));
    // An array claiming 2^60 elements.
    let bad_array = Writer::new(3, 0, 1).str("k").u32(9).u32(4).u64(1 << 60).finish(0);
    assert!(matches!(err(&bad_array), GgufError::TooLarge { .. }));
    // Unknown metadata value type.
    assert!(matches!(err(&Writer::new(3, 0, 1).str("k").u32(99).finish(0)), GgufError::UnknownValueType { type_id: 99, .. }));
    // Invalid UTF-8 key.
    let mut w = Writer::new(3, 0, 1);
    w.u64(2);
    w.0.extend_from_slice(&[0xff, 0xfe]);
    assert!(matches!(err(&w.u32(4).u32(1).finish(0)), GgufError::InvalidUtf8(_)));
}

#[test]
fn bad_tensor_infos_give_typed_errors() {
    let one = |dims: &[u64], ty: u32, offset: u64, data: usize| Writer::new(3, 1, 0).tensor("t", dims, ty, offset).finish(data);
    assert!(parse_all(&one(&[32], 2, 0, 18)).is_ok(), "a valid one-tensor file parses");
    assert!(matches!(err(&one(&[32], 77, 0, 64)), GgufError::UnknownTensorType { type_id: 77, .. }));
    assert!(matches!(err(&one(&[33], 8, 0, 64)), GgufError::BadDims { .. })); // not whole Q8_0 blocks
    assert!(matches!(err(&one(&[0, 4], 0, 0, 64)), GgufError::BadDims { .. }));
    assert!(matches!(err(&one(&[u64::MAX, u64::MAX], 0, 0, 64)), GgufError::BadDims { .. }));
    assert!(matches!(err(&one(&[8], 0, 4, 64)), GgufError::Misaligned { .. }));
    assert!(matches!(err(&one(&[1024], 0, 0, 64)), GgufError::PastEnd { .. }));
    assert!(matches!(err(&one(&[8], 0, u64::MAX - 31, 64)), GgufError::PastEnd { .. }));
    let overlap = Writer::new(3, 2, 0).tensor("a", &[64], 0, 0).tensor("b", &[8], 0, 32).finish(256);
    assert!(matches!(err(&overlap), GgufError::Overlap { .. }));
    let dup = Writer::new(3, 2, 0).tensor("a", &[8], 0, 0).tensor("a", &[8], 0, 32).finish(64);
    assert!(matches!(err(&dup), GgufError::Duplicate { .. }));
    let five_dims = Writer::new(3, 1, 0).tensor("t", &[1, 1, 1, 1, 1], 0, 0).finish(32);
    assert!(matches!(err(&five_dims), GgufError::BadDims { .. }));
}
