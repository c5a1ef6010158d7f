//! The GGUF reader on arbitrary bytes, whole and fed in chunks: it must return (never panic,
//! never allocate from an unchecked length), and both ways must agree.
#![no_main]

use libfuzzer_sys::fuzz_target;
use webslm::gguf::{parse_all, Event, GgufError, GgufReader};

fuzz_target!(|input: &[u8]| {
    // The first byte picks the chunk size (1..=256) and whether the file size is known.
    let Some((&knob, bytes)) = input.split_first() else { return };
    let chunk = (knob as usize & 0x7f) * 2 + 1;
    let file_size = (knob & 0x80 != 0).then_some(bytes.len() as u64);

    let whole = parse_all(bytes).map(|(header, data)| (header.tensors.len(), data.iter().map(|d| d.len()).sum::<usize>()));

    let mut reader = GgufReader::new(file_size);
    let mut data_bytes = 0usize;
    let mut sink = |event: Event<'_>| -> Result<(), GgufError> {
        if let Event::TensorData { bytes, .. } = event {
            data_bytes += bytes.len();
        }
        Ok(())
    };
    let mut fed = Ok(());
    for piece in bytes.chunks(chunk) {
        fed = reader.feed(piece, &mut sink);
        if fed.is_err() {
            break;
        }
    }
    let chunked = fed.and_then(|()| reader.finish(&mut sink).map(|h| h.tensors.len()));
    let chunked = chunked.map(|n| (n, data_bytes));
    match (&whole, &chunked) {
        (Ok(a), Ok(b)) => assert_eq!(a, b, "whole and chunked parses differ"),
        (Err(_), Err(_)) => {}
        _ => panic!("whole: {whole:?}, chunked: {chunked:?}"),
    }
});
