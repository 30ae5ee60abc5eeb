//! `cargo xtask bench`: the page overhead of the extension, measured by `tests/bench/roundtrip.mjs`
//! in one run that alternates browsers without the extension, with it and no panel, with its panel
//! open and with a bare listener on the panel's port (the floor of any panel); a flood of 50,000
//! events and a steady 500 a second with the panel open (`tests/bench/stream.mjs`: the page's
//! longest stall, capture to panel latency); the panel with
//! 100,000 records captured through the extension (`tests/bench/panel.mjs`: filter latency, scroll
//! frame time, memory); an ordinary page with 30 iframes and no SCAPI traffic (`tests/bench/frames.mjs`:
//! load time and memory per frame); a HAR of 1,000,000 messages imported in the panel and a file of
//! huge records (`tests/bench/import.mjs`: memory, main-thread blocks while reading and until the
//! analysis of all the records is shown, the time that takes, time to show each record's
//! details); then the core crate's decoding throughput (`scapi/benches/decode.rs`,
//! criterion) against plain JSON parsing, and what the background's tab log costs per captured
//! line: kept, persisted, and sent to a listening panel (`scapi/benches/tab_log.rs`).

use crate::process;
use crate::{dist, root, setup};
use std::process::Command;

/// The browser benchmarks, in the order they run (each prints its own figure lines).
const NODE_BENCHES: [&str; 5] = [
    "tests/bench/roundtrip.mjs",
    "tests/bench/stream.mjs",
    "tests/bench/panel.mjs",
    "tests/bench/frames.mjs",
    "tests/bench/import.mjs",
];

pub fn run() -> Result<(), String> {
    setup::for_build()?;
    setup::browser()?;
    dist::run()?;
    let mut results = Vec::new();
    let mut lines = Vec::new();
    for script in NODE_BENCHES {
        let mut node = Command::new("node");
        node.arg(script)
            .env("SCAPI_DIST_CHROME", root().join("dist/chrome"));
        let (result, output) = process::run_capturing(node);
        results.push(result);
        lines.extend(output);
    }
    for bench in ["decode", "tab_log"] {
        let mut cargo = Command::new("cargo");
        cargo.args(["bench", "-p", "scapi", "--bench", bench]);
        let (result, output) = process::run_capturing(cargo);
        results.push(result);
        lines.extend(output);
    }
    // Criterion's report comes after the browser figures: repeat every benchmark's figures
    // last, so the end of the output says what was measured.
    println!();
    for line in figure_lines(lines.iter()) {
        println!("{line}");
    }
    results.into_iter().collect()
}

/// The lines that carry a benchmark's result, as each benchmark prints them.
fn figure_lines<'a>(lines: impl Iterator<Item = &'a String>) -> Vec<&'a str> {
    const PREFIXES: [&str; 9] = [
        "roundtrip ",
        "flood ",
        "latency ",
        "panel ",
        "bulk ",
        "frames ",
        "import ",
        "decode throughput:",
        "tab log,",
    ];
    lines
        .map(String::as_str)
        .filter(|line| PREFIXES.iter().any(|prefix| line.starts_with(prefix)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figure_lines_are_those_of_both_benchmarks_in_order() {
        let output: Vec<String> = [
            "$ node tests/bench/roundtrip.mjs",
            "roundtrip samples: 40 + 40 chunks of 50 (…)",
            "roundtrip median: without 61.2 µs, with 63.0 µs, ratio 1.029 (goal ≤ 1.05)",
            "panel memory: 144 MB (JS heap 2 MB + wasm memory 142 MB) with 100000 records (goal ≤ 150 MB)",
            "import memory: wasm 1007 MB after the import (1 MB before), 1055 bytes per record",
            "decode/plain            time:   [664.67 µs 670.44 µs 676.01 µs]",
            "decode throughput: plain serde_json 190.0 MB/s, typed decode 81.0 MB/s, ratio 0.43 (goal ≥ 0.50)",
            "tab log, per captured line (20000 capture lines …): kept 0.29 µs; kept and persisted 1.57 µs; …",
        ]
        .map(String::from)
        .to_vec();
        assert_eq!(
            figure_lines(output.iter()),
            [
                output[1].as_str(),
                output[2].as_str(),
                output[3].as_str(),
                output[4].as_str(),
                output[6].as_str(),
                output[7].as_str()
            ]
        );
    }
}
