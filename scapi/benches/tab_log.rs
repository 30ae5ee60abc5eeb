//! What the background's tab log costs per captured line: keeping it, persisting it (the storage
//! writes gathered every 100 ms), and what a listening panel adds (each line decoded into a digest
//! and the digests written as the panel's batch JSON).
//!
//! The lines are the corpus's raw capture lines (`corpus.rs`), repeated to `LINES`, handed over in
//! chunks of `CHUNK` lines as a content script sends them, with a storage write every
//! `CHUNKS_PER_WRITE` chunks. The three workloads run in alternation, `ROUNDS` times, and the
//! medians are printed (figures, no goal: `cargo xtask bench` runs it).

// Shared with the decode benchmark; this one reads only the capture lines.
#[allow(dead_code)]
#[path = "corpus.rs"]
mod corpus;

use corpus::Corpus;
use scapi::tab_log::{Logs, PANEL_MESSAGE_BYTES};
use scapi::FrameInfo;
use std::hint::black_box;
use std::time::Instant;

const LINES: usize = 20_000;
const CHUNK: usize = 200;
const CHUNKS_PER_WRITE: usize = 5;
const ROUNDS: usize = 15;

#[derive(Clone, Copy)]
enum Work {
    /// Lines kept, nothing persisted, no panel.
    Keep,
    /// Lines kept and persisted, no panel.
    Persist,
    /// Lines kept, persisted, and sent to a listening panel as digests.
    Panel,
}

fn run(chunks: &[String], frame: &FrameInfo, work: Work) -> f64 {
    let mut logs = Logs::default();
    let started = Instant::now();
    let panel = matches!(work, Work::Panel);
    let mut seq = 0;
    for (index, chunk) in chunks.iter().enumerate() {
        let batch = logs.tab(1).ingest(frame.clone(), seq, chunk, 0, 0, panel);
        seq += CHUNK as u64;
        if panel {
            black_box(batch.to_json_parts(PANEL_MESSAGE_BYTES));
        }
        if !matches!(work, Work::Keep) && index % CHUNKS_PER_WRITE == CHUNKS_PER_WRITE - 1 {
            black_box(logs.take_writes());
        }
    }
    started.elapsed().as_secs_f64() * 1e6 / (chunks.len() * CHUNK) as f64
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

fn main() {
    let corpus = Corpus::load();
    let lines: Vec<&str> = corpus
        .capture_lines
        .iter()
        .map(|line| std::str::from_utf8(line).expect("the corpus is UTF-8"))
        .cycle()
        .take(LINES)
        .collect();
    let bytes: usize = lines.iter().map(|line| line.len()).sum();
    let chunks: Vec<String> = lines.chunks(CHUNK).map(|chunk| chunk.join("\n")).collect();
    let frame: FrameInfo = serde_json::from_str(
        r#"{"key":"bench","url":"https://app.example/","origin":"https://app.example","isTop":false}"#,
    )
    .expect("a frame description");
    let (mut keep, mut persist, mut panel) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..ROUNDS {
        keep.push(run(&chunks, &frame, Work::Keep));
        persist.push(run(&chunks, &frame, Work::Persist));
        panel.push(run(&chunks, &frame, Work::Panel));
    }
    let (keep, persist, panel) = (median(keep), median(persist), median(panel));
    println!(
        "tab log, per captured line ({LINES} capture lines of the corpus, {} bytes each on average, in chunks of {CHUNK}): kept {keep:.2} µs; kept and persisted {persist:.2} µs; and sent to a listening panel {panel:.2} µs (medians of {ROUNDS} alternating rounds; no goal)",
        bytes / LINES
    );
}
