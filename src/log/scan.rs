//! Streaming scan of a log file: the header, then every line judged good (an event) or
//! damaged (with its line number, reason and byte range).
//!
//! The file is never loaded whole: a reader thread reads chunks of lines (`read_until`),
//! parser threads (one per core) turn them into events, and the calling thread hands the
//! events, in file order, to `on_event` (usually a fold).

use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::sync::mpsc::sync_channel;

use super::file::{Damage, FORMAT_VERSION, IdProblem, LogError, LogHeader, MAX_ID_PROBLEMS};
use crate::incident::Event;

/// Bytes of lines per chunk handed from the reader thread to the caller.
const CHUNK_BYTES: usize = 256 * 1024;
/// Chunks queued per channel between the threads (bounds memory).
const CHUNKS_IN_FLIGHT: usize = 4;

/// A damaged line and where its bytes are.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct DamagedLine {
    pub damage: Damage,
    pub offset: u64,
}

/// What a scan found.
#[derive(Debug)]
pub(crate) struct Scanned {
    pub header: LogHeader,
    /// False when the file is only a header without its newline.
    pub header_newline: bool,
    pub events: u64,
    pub max_id: u64,
    /// Events whose id is not above every id before them (the first few), and how many.
    pub id_problems: Vec<IdProblem>,
    pub id_problem_count: u64,
    pub damaged: Vec<DamagedLine>,
    /// End offset of the last good line (or of the header).
    pub good_end: u64,
    /// Bytes scanned (the file length as read).
    pub len: u64,
}

// Nearly every line is good: boxing events would cost an allocation each.
#[allow(clippy::large_enum_variant)]
enum Parsed {
    Good(Event),
    Bad(String),
}

/// One chunk of consecutive lines, parsed.
struct Batch {
    /// Byte length of each line, including its newline.
    lens: Vec<usize>,
    results: Vec<Parsed>,
}

/// Judges one line (with its trailing newline, if any).
fn parse_line(line: &[u8]) -> Parsed {
    let Some(body) = line.strip_suffix(b"\n") else {
        return Parsed::Bad(
            "torn last line: no newline at the end (a write was cut off)".to_string(),
        );
    };
    if body.iter().all(u8::is_ascii_whitespace) {
        return Parsed::Bad("blank line".to_string());
    }
    let text = match std::str::from_utf8(body) {
        Ok(t) => t,
        Err(e) => {
            return Parsed::Bad(format!(
                "invalid UTF-8 at byte {} of the line",
                e.valid_up_to() + 1
            ));
        }
    };
    match serde_json::from_str::<Event>(text) {
        Ok(ev) => Parsed::Good(ev),
        Err(e) => Parsed::Bad(match e.classify() {
            serde_json::error::Category::Data => format!("bad event: {e}"),
            _ => format!("invalid JSON: {e}"),
        }),
    }
}

fn read_header(
    path: &Path,
    reader: &mut BufReader<File>,
) -> Result<(LogHeader, u64, bool), LogError> {
    let mut line = Vec::new();
    reader
        .read_until(b'\n', &mut line)
        .map_err(|source| LogError::Io {
            path: path.to_path_buf(),
            source,
        })?;
    let not_a_log = |reason: String| LogError::NotALog {
        path: path.to_path_buf(),
        reason,
    };
    if line.is_empty() {
        return Err(not_a_log("the file is empty".into()));
    }
    let newline = line.ends_with(b"\n");
    let header: LogHeader = serde_json::from_slice(&line).map_err(|e| {
        not_a_log(format!(
            "the first line is not a warroom log header ({e}); expected {{\"warroom_log\":1,\"incident\":...,\"created_at\":...}}"
        ))
    })?;
    if header.warroom_log > FORMAT_VERSION {
        return Err(not_a_log(format!(
            "log format version {} is newer than this warroom understands ({FORMAT_VERSION}); upgrade warroom",
            header.warroom_log
        )));
    }
    Ok((header, line.len() as u64, newline))
}

/// Consecutive raw lines read from the file.
struct RawChunk {
    buf: Vec<u8>,
    lens: Vec<usize>,
}

/// Reads about `CHUNK_BYTES` of whole lines (the last one may lack its newline at EOF).
fn read_chunk(reader: &mut BufReader<File>) -> std::io::Result<RawChunk> {
    let mut buf = Vec::with_capacity(CHUNK_BYTES + 4096);
    let mut lens = Vec::new();
    while buf.len() < CHUNK_BYTES {
        let n = reader.read_until(b'\n', &mut buf)?;
        if n == 0 {
            break;
        }
        lens.push(n);
    }
    Ok(RawChunk { buf, lens })
}

fn parse_chunk(chunk: RawChunk) -> Batch {
    let mut results = Vec::with_capacity(chunk.lens.len());
    let mut start = 0;
    for &n in &chunk.lens {
        results.push(parse_line(&chunk.buf[start..start + n]));
        start += n;
    }
    Batch {
        lens: chunk.lens,
        results,
    }
}

/// Parser threads: one per core (at most 4), so parsing, the heavy part, uses every core
/// while the caller folds.
fn parsers() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get().clamp(1, 4))
}

/// Scans the log at `path`, feeding every good event to `on_event` in file order.
///
/// A reader thread cuts the file into chunks of lines and deals them round-robin to the
/// parser threads; the caller takes the parsed chunks back in the same round-robin order,
/// so events arrive in file order. Every channel is bounded: memory stays flat however
/// big the log.
pub(crate) fn scan(path: &Path, mut on_event: impl FnMut(Event)) -> Result<Scanned, LogError> {
    let io = |source| LogError::Io {
        path: path.to_path_buf(),
        source,
    };
    let file = File::open(path).map_err(io)?;
    let mut reader = BufReader::with_capacity(1 << 20, file);
    let (header, header_len, header_newline) = read_header(path, &mut reader)?;

    let mut out = Scanned {
        header,
        header_newline,
        events: 0,
        max_id: 0,
        id_problems: Vec::new(),
        id_problem_count: 0,
        damaged: Vec::new(),
        good_end: header_len,
        len: header_len,
    };
    let mut line_no = 1usize;
    // Line of the event with the largest id so far (0: none yet).
    let mut max_line = 0usize;
    let workers = parsers();

    std::thread::scope(|s| -> Result<(), LogError> {
        let mut to_parsers = Vec::with_capacity(workers);
        let mut from_parsers = Vec::with_capacity(workers);
        for _ in 0..workers {
            let (in_tx, in_rx) = sync_channel::<RawChunk>(CHUNKS_IN_FLIGHT);
            let (out_tx, out_rx) = sync_channel::<Batch>(CHUNKS_IN_FLIGHT);
            s.spawn(move || {
                for chunk in in_rx {
                    if out_tx.send(parse_chunk(chunk)).is_err() {
                        break;
                    }
                }
            });
            to_parsers.push(in_tx);
            from_parsers.push(out_rx);
        }
        let (err_tx, err_rx) = sync_channel::<std::io::Error>(1);
        s.spawn(move || {
            let mut k = 0usize;
            loop {
                match read_chunk(&mut reader) {
                    Ok(c) if c.lens.is_empty() => break,
                    Ok(c) => {
                        if to_parsers[k % to_parsers.len()].send(c).is_err() {
                            break;
                        }
                        k += 1;
                    }
                    Err(e) => {
                        let _ = err_tx.send(e);
                        break;
                    }
                }
            }
            // Dropping the senders lets the parsers finish and close their outputs.
        });
        let mut k = 0usize;
        while let Ok(batch) = from_parsers[k % workers].recv() {
            k += 1;
            for (len, parsed) in batch.lens.into_iter().zip(batch.results) {
                line_no += 1;
                let offset = out.len;
                out.len += len as u64;
                match parsed {
                    Parsed::Good(ev) => {
                        out.events += 1;
                        if max_line > 0 && ev.id <= out.max_id {
                            out.id_problem_count += 1;
                            if out.id_problems.len() < MAX_ID_PROBLEMS {
                                out.id_problems.push(IdProblem {
                                    line: line_no,
                                    id: ev.id,
                                    previous: out.max_id,
                                    previous_line: max_line,
                                });
                            }
                        } else {
                            out.max_id = ev.id;
                            max_line = line_no;
                        }
                        out.good_end = out.len;
                        on_event(ev);
                    }
                    Parsed::Bad(reason) => out.damaged.push(DamagedLine {
                        damage: Damage {
                            line: line_no,
                            reason,
                            bytes: len,
                        },
                        offset,
                    }),
                }
            }
        }
        drop(from_parsers);
        match err_rx.recv() {
            Ok(e) => Err(io(e)),
            Err(_) => Ok(()),
        }
    })?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn judges_lines() {
        assert!(matches!(parse_line(b"{\"id\":1"), Parsed::Bad(r) if r.contains("torn")));
        assert!(matches!(parse_line(b"  \n"), Parsed::Bad(r) if r == "blank line"));
        assert!(matches!(parse_line(b"\xff\xfe\n"), Parsed::Bad(r) if r.contains("UTF-8")));
        assert!(
            matches!(parse_line(b"{\"id\":\n"), Parsed::Bad(r) if r.starts_with("invalid JSON"))
        );
        let bad_fields =
            b"{\"id\":1,\"at\":\"2026-01-01T00:00:00Z\",\"by\":\"system\",\"kind\":{\"type\":\"note\"}}\n";
        assert!(matches!(parse_line(bad_fields), Parsed::Bad(r) if r.starts_with("bad event")));
        let good = b"{\"id\":1,\"at\":\"2026-01-01T00:00:00Z\",\"by\":\"system\",\"kind\":{\"type\":\"note\",\"text\":\"hi\"}}\n";
        assert!(matches!(parse_line(good), Parsed::Good(_)));
    }
}
