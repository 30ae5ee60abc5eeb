//! Decoding throughput: what typed decoding costs on top of reading the JSON at all.
//!
//! The corpus is every fixture message of `tests/fixtures/` (requests, request problems, events,
//! results and the seed's examples), each twice: as a bare payload line and wrapped in a raw
//! capture record, the line the content script actually receives from the page hook. Both
//! benchmarks read the same bytes:
//!
//! * `plain`: `serde_json::from_slice::<Value>` of each line, the floor any decoder pays;
//! * `typed`: what the content script does: a payload line parsed and `scapi::decode`d, a raw
//!   capture line read with `HookRecord::parse` and made a `Record` (which decodes its data).
//!
//! The last line printed gives both throughputs and their ratio, measured in alternation after
//! criterion's own runs (goal: typed at least half as fast as plain parsing).

#[path = "corpus.rs"]
mod corpus;

use corpus::Corpus;
use criterion::{Criterion, Throughput};
use scapi::{decode, HookRecord, Record};
use serde_json::Value;
use std::hint::black_box;
use std::time::{Duration, Instant};

/// One pass over the corpus.
type Workload = fn(&Corpus);

fn plain(corpus: &Corpus) {
    for line in corpus.lines() {
        black_box(serde_json::from_slice::<Value>(line).unwrap());
    }
}

fn typed(corpus: &Corpus) {
    for line in &corpus.payload_lines {
        let payload: Value = serde_json::from_slice(line).unwrap();
        black_box(decode(&payload));
    }
    for (seq, line) in corpus.capture_lines.iter().enumerate() {
        let text = std::str::from_utf8(line).unwrap();
        let hook = HookRecord::parse(text).unwrap();
        black_box(Record::from_hook(seq as u64, hook));
    }
}

/// Both workloads timed in alternation, `ROUNDS` times, so that a change in the machine's load
/// touches both alike; the ratio is taken per round and its median reported.
fn alternating_ratio(corpus: &Corpus, bytes: u64) -> (f64, f64, f64) {
    const ROUNDS: usize = 41;
    const PASSES: u32 = 20;
    let time = |work: Workload| {
        let start = Instant::now();
        for _ in 0..PASSES {
            work(corpus);
        }
        start.elapsed()
    };
    let megabytes_per_second =
        |elapsed: Duration| (bytes * u64::from(PASSES)) as f64 / elapsed.as_secs_f64() / 1e6;
    let mut plain_rates = Vec::with_capacity(ROUNDS);
    let mut typed_rates = Vec::with_capacity(ROUNDS);
    let mut ratios = Vec::with_capacity(ROUNDS);
    for _ in 0..ROUNDS {
        let plain_rate = megabytes_per_second(time(plain));
        let typed_rate = megabytes_per_second(time(typed));
        plain_rates.push(plain_rate);
        typed_rates.push(typed_rate);
        ratios.push(typed_rate / plain_rate);
    }
    (median(plain_rates), median(typed_rates), median(ratios))
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

fn main() {
    let corpus = Corpus::load();
    let bytes = corpus.bytes();
    println!(
        "decode corpus: {} fixture messages, each as a payload line and as a raw capture line: {} lines, {bytes} bytes",
        corpus.payload_lines.len(),
        corpus.payload_lines.len() + corpus.capture_lines.len(),
    );
    // Short runs: the figures settle within a second on this corpus, and `cargo xtask bench`
    // runs it after the browser benchmark.
    let mut criterion = Criterion::default()
        .sample_size(20)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
        .configure_from_args();
    {
        let mut group = criterion.benchmark_group("decode");
        // Decimal megabytes, so criterion's lines and the closing line use the same unit.
        group.throughput(Throughput::BytesDecimal(bytes));
        let benchmarks: [(&str, Workload); 2] = [("plain", plain), ("typed", typed)];
        for (name, work) in benchmarks {
            group.bench_function(name, |bencher| bencher.iter(|| work(&corpus)));
        }
        group.finish();
    }
    criterion.final_summary();

    let (plain, typed, ratio) = alternating_ratio(&corpus, bytes);
    println!(
        "decode throughput: plain serde_json {plain:.1} MB/s, typed decode {typed:.1} MB/s, ratio {ratio:.2} (medians of 41 alternating rounds; goal ≥ 0.50)"
    );
}
