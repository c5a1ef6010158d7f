//! `synth`: a model file with random weights, shaped like a real one (see
//! `webslm::model::synth_header`), for benchmarking a model whose file is not at hand: the GPU
//! bench (scripts/gpu-bench.sh) carries SmolLM2's header, a couple of MB, instead of its 94 MB.

use crate::args::Args;
use std::io::{Read, Write};
use webslm::gguf::{header_bytes, GgufHeader, GgufReader};
use webslm::model::{synth_header, write_model, Resize};
use webslm::Error;

pub fn synth(args: &Args) -> Result<(), Error> {
    let invalid = Error::InvalidRequest;
    let like = args.required("--like").map_err(invalid)?;
    let out = args.required("--out").map_err(invalid)?;
    let mut resize = match args.str("--shape") {
        Some(name) => Resize::preset(name)?,
        None => Resize::default(),
    };
    for (flag, dim) in [
        ("--layers", &mut resize.n_layer),
        ("--embd", &mut resize.n_embd),
        ("--ff", &mut resize.n_ff),
        ("--heads", &mut resize.n_head),
        ("--kv-heads", &mut resize.n_kv_head),
    ] {
        if let Some(v) = args.str(flag) {
            *dim = Some(v.parse().map_err(|_| invalid(format!("{flag}: {v:?} is not a number")))?);
        }
    }
    let header = synth_header(&read_header(like)?, &resize)?;
    let io = |e: std::io::Error| invalid(format!("cannot write {out}: {e}"));
    let mut file = std::io::BufWriter::with_capacity(4 << 20, std::fs::File::create(out).map_err(io)?);
    if args.flag("--header-only") {
        file.write_all(&header_bytes(&header)).map_err(io)?;
    } else {
        write_model(&header, args.num("--seed", 1u64).map_err(invalid)?, &mut file).map_err(io)?;
    }
    file.flush().map_err(io)?;
    let bytes: u64 = header.tensors.iter().map(|t| t.n_bytes).sum();
    println!("{out}: {} tensors, {:.1} MiB of weights{}", header.tensors.len(), bytes as f64 / (1 << 20) as f64, if args.flag("--header-only") { " (header only)" } else { "" });
    Ok(())
}

/// The header of a GGUF file, which may hold nothing else (`--header-only`'s output).
fn read_header(path: &str) -> Result<GgufHeader, Error> {
    let io = |e: std::io::Error| Error::InvalidRequest(format!("cannot read {path}: {e}"));
    let mut file = std::fs::File::open(path).map_err(io)?;
    let mut reader = GgufReader::new(None);
    let mut chunk = vec![0u8; 1 << 20];
    while reader.header().is_none() {
        let n = file.read(&mut chunk).map_err(io)?;
        if n == 0 {
            // The header ends the file: `finish` parses it, then finds the tensors' data missing.
            let missing_data = match reader.finish::<Error>(&mut |_| Ok(())) {
                Ok(_) => None,
                Err(e) => Some(e),
            };
            return reader.header().cloned().ok_or_else(|| missing_data.expect("no header is an error"));
        }
        reader.feed::<Error>(&chunk[..n], &mut |_| Ok(()))?;
    }
    Ok(reader.header().expect("the loop ends with a header").clone())
}
