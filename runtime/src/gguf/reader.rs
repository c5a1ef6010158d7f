//! The push parser: feed bytes as they arrive (any chunk sizes), receive the header once, then
//! each tensor's bytes as slices of the fed chunks. Only the header is ever buffered.

use super::header::{parse_header, Stop};
use super::{limits, GgufError, GgufHeader};

/// What the reader found in the bytes fed so far.
pub enum Event<'a> {
    /// The whole header, once, before any tensor data.
    Header(&'a GgufHeader),
    /// Bytes `[offset, offset + bytes.len())` of tensor number `tensor` (index into `header.tensors`).
    TensorData { tensor: usize, offset: u64, bytes: &'a [u8] },
}

pub struct GgufReader {
    file_size: Option<u64>,
    /// Header bytes collected until the header parses.
    pending: Vec<u8>,
    /// Don't retry parsing before `pending` holds this many bytes.
    need: usize,
    header: Option<GgufHeader>,
    /// Tensor indices sorted by file offset, and the position in that order.
    order: Vec<usize>,
    next: usize,
    /// Absolute file position of the next byte to be fed.
    pos: u64,
}

impl GgufReader {
    /// `file_size`, when known (Content-Length, File.size), lets bad offsets fail before download.
    pub fn new(file_size: Option<u64>) -> Self {
        Self { file_size, pending: Vec::new(), need: 0, header: None, order: Vec::new(), next: 0, pos: 0 }
    }

    pub fn header(&self) -> Option<&GgufHeader> {
        self.header.as_ref()
    }

    /// Bytes fed so far.
    pub fn position(&self) -> u64 {
        self.pos
    }

    /// Feeds the next chunk of the file; `sink` receives events in file order.
    pub fn feed<E: From<GgufError>>(&mut self, chunk: &[u8], sink: &mut dyn FnMut(Event<'_>) -> Result<(), E>) -> Result<(), E> {
        if self.header.is_some() {
            return self.feed_data(chunk, sink);
        }
        self.pending.extend_from_slice(chunk);
        self.pos += chunk.len() as u64;
        if self.pending.len() < self.need {
            return Ok(());
        }
        match parse_header(&self.pending, self.file_size) {
            Err(Stop::NeedMore(n)) => {
                if n as u64 > limits::MAX_HEADER_BYTES {
                    return Err(GgufError::TooLarge { what: "the header".into(), value: n as u64, limit: limits::MAX_HEADER_BYTES }.into());
                }
                // Retry once that much is here and the buffer has doubled: a few parses in all,
                // however small the chunks. With the file size known, never wait past its end;
                // without it, `finish` makes the last parse.
                let need = n.max(self.pending.len() * 2);
                self.need = match self.file_size {
                    Some(size) => need.min(usize::try_from(size).unwrap_or(usize::MAX)),
                    None => need,
                };
                Ok(())
            }
            Err(Stop::Bad(e)) => Err(e.into()),
            Ok(header) => {
                let mut order: Vec<usize> = (0..header.tensors.len()).collect();
                order.sort_by_key(|&i| header.tensors[i].offset);
                self.order = order;
                let rest = std::mem::take(&mut self.pending);
                self.pos = 0;
                sink(Event::Header(self.header.insert(header)))?;
                self.feed_data(&rest, sink)
            }
        }
    }

    fn feed_data<E: From<GgufError>>(&mut self, chunk: &[u8], sink: &mut dyn FnMut(Event<'_>) -> Result<(), E>) -> Result<(), E> {
        let header = self.header.as_ref().expect("data phase has a header");
        let (start, end) = (self.pos, self.pos + chunk.len() as u64);
        self.pos = end;
        while self.next < self.order.len() {
            let index = self.order[self.next];
            let t = &header.tensors[index];
            let (t_start, t_end) = (header.data_start + t.offset, header.data_start + t.offset + t.n_bytes);
            let (from, to) = (t_start.max(start), t_end.min(end));
            if from < to {
                let bytes = &chunk[(from - start) as usize..(to - start) as usize];
                sink(Event::TensorData { tensor: index, offset: from - t_start, bytes })?;
            }
            if t_end <= end {
                self.next += 1; // this tensor is complete
            } else {
                break;
            }
        }
        Ok(())
    }

    /// Call after the last chunk: parses a header still waiting for its next retry (its events
    /// go to `sink`), then errors if the header or any tensor is incomplete.
    pub fn finish<E: From<GgufError>>(&mut self, sink: &mut dyn FnMut(Event<'_>) -> Result<(), E>) -> Result<&GgufHeader, E> {
        if self.header.is_none() && !self.pending.is_empty() {
            self.need = 0;
            self.feed(&[], sink)?;
        }
        let header = self.header.as_ref().ok_or_else(|| {
            GgufError::Truncated(format!("the header is incomplete after {} bytes", self.pending.len()))
        })?;
        if self.next < self.order.len() {
            let t = &header.tensors[self.order[self.next]];
            return Err(GgufError::Truncated(format!(
                "tensor {:?} needs bytes up to {} but the file has {}",
                t.name,
                header.data_start + t.offset + t.n_bytes,
                self.pos
            ))
            .into());
        }
        Ok(header)
    }
}

/// Parses a whole in-memory file: the header and, per tensor, its bytes (borrowed from `bytes`).
pub fn parse_all(bytes: &[u8]) -> Result<(GgufHeader, Vec<&[u8]>), GgufError> {
    let mut reader = GgufReader::new(Some(bytes.len() as u64));
    reader.feed::<GgufError>(bytes, &mut |_| Ok(()))?;
    let header = reader.finish::<GgufError>(&mut |_| Ok(()))?.clone();
    let data: Vec<&[u8]> = header
        .tensors
        .iter()
        .map(|t| {
            let s = (header.data_start + t.offset) as usize;
            &bytes[s..s + t.n_bytes as usize]
        })
        .collect();
    Ok((header, data))
}
