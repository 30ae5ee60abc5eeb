//! `cargo xtask test`: every test, cheapest first, then a summary of each runner's own result
//! lines so the end of the output says what ran.

use crate::process::{self, run_capturing};
use crate::{dist, emulator, root, setup};
use std::process::Command;
use std::time::Instant;

struct Outcome {
    step: &'static str,
    result: Result<(), String>,
}

pub fn run() -> Result<(), String> {
    let started = Instant::now();
    setup::for_build()?;
    setup::browser()?;
    setup::firefox()?;
    let mut outcomes = Vec::new();
    let mut summaries = Vec::new();

    let mut fmt = Command::new("cargo");
    fmt.args(["fmt", "--all", "--check"]);
    outcomes.push(Outcome {
        step: "rustfmt",
        result: process::run(fmt),
    });

    let mut clippy = Command::new("cargo");
    clippy.args([
        "clippy",
        "--workspace",
        "--all-targets",
        "--",
        "-D",
        "warnings",
    ]);
    outcomes.push(Outcome {
        step: "clippy (native)",
        result: process::run(clippy),
    });
    let mut clippy_wasm = Command::new("cargo");
    clippy_wasm.args([
        "clippy",
        "--target",
        "wasm32-unknown-unknown",
        "-p",
        "background",
        "-p",
        "panel",
        "--all-targets",
        "--",
        "-D",
        "warnings",
    ]);
    outcomes.push(Outcome {
        step: "clippy (wasm)",
        result: process::run(clippy_wasm),
    });
    // The emulator's library only: its binary is the native server.
    let mut clippy_emulator = Command::new("cargo");
    clippy_emulator.args([
        "clippy",
        "--target",
        "wasm32-unknown-unknown",
        "-p",
        "scapi-emulator",
        "--lib",
        "--",
        "-D",
        "warnings",
    ]);
    outcomes.push(Outcome {
        step: "clippy (wasm, emulator)",
        result: process::run(clippy_emulator),
    });

    let mut native = Command::new("cargo");
    native.args(["test", "--workspace"]);
    let (result, lines) = run_capturing(native);
    summaries.extend(cargo_summaries("cargo test (native)", &lines));
    outcomes.push(Outcome {
        step: "cargo test (native)",
        result,
    });

    let mut wasm = Command::new("cargo");
    wasm.args([
        "test",
        "--target",
        "wasm32-unknown-unknown",
        "-p",
        "background",
        "-p",
        "panel",
    ])
    .env("CHROMEDRIVER", setup::CHROMEDRIVER)
    .env("WASM_BINDGEN_USE_BROWSER", "1")
    .env("WASM_BINDGEN_TEST_TIMEOUT", "120");
    let (result, lines) = run_capturing(wasm);
    summaries.extend(cargo_summaries(
        "cargo test (wasm, headless Chromium)",
        &lines,
    ));
    outcomes.push(Outcome {
        step: "cargo test (wasm)",
        result,
    });

    let built = dist::run();
    let dist_ok = built.is_ok();
    outcomes.push(Outcome {
        step: "cargo xtask dist",
        result: built.map(|_| ()),
    });
    // The end-to-end tests of the emulator's scenarios need its page's wasm and its server.
    let emulator_built = emulator::build();
    let emulator_ok = emulator_built.is_ok();
    outcomes.push(Outcome {
        step: "cargo xtask emulator-build",
        result: emulator_built.map(|_| ()),
    });

    if dist_ok && emulator_ok {
        let mut node = Command::new("node");
        node.args([
            "--test",
            "--test-concurrency=1",
            "--test-reporter=spec",
            "tests/e2e/",
        ])
        .env("SCAPI_DIST_CHROME", root().join("dist/chrome"))
        .env("SCAPI_DIST_FIREFOX", root().join("dist/firefox"))
        .env("SCAPI_EMULATOR_BIN", emulator::binary())
        .env("SCAPI_FIREFOX", setup::FIREFOX);
        let (result, lines) = run_capturing(node);
        summaries.push(format!(
            "node --test (end to end): {}",
            node_summary(&lines)
        ));
        outcomes.push(Outcome {
            step: "node --test (end to end)",
            result,
        });
    } else {
        outcomes.push(Outcome {
            step: "node --test (end to end)",
            result: Err("not run: the extension or the emulator did not build".to_owned()),
        });
    }

    println!();
    println!("== summary ({:.0} s) ==", started.elapsed().as_secs_f64());
    for outcome in &outcomes {
        match &outcome.result {
            Ok(()) => println!("ok      {}", outcome.step),
            Err(error) => println!("FAILED  {}: {error}", outcome.step),
        }
    }
    for line in &summaries {
        println!("{line}");
    }
    let failed: Vec<_> = outcomes
        .iter()
        .filter(|o| o.result.is_err())
        .map(|o| o.step)
        .collect();
    if failed.is_empty() {
        Ok(())
    } else {
        Err(format!("failed: {}", failed.join(", ")))
    }
}

/// cargo's own `test result:` lines, labelled with the step that printed them.
fn cargo_summaries(step: &str, lines: &[String]) -> Vec<String> {
    lines
        .iter()
        .filter(|line| line.starts_with("test result:"))
        .map(|line| format!("{step}: {line}"))
        .collect()
}

/// Node's spec reporter ends with `ℹ pass N` and `ℹ fail N`; this turns them into the plain line
/// `N passed, N failed` (with skipped and todo when any: a todo test runs, and its failure, a known
/// defect, does not fail the run).
fn node_summary(lines: &[String]) -> String {
    let count = |label: &str| {
        lines
            .iter()
            .rev()
            .find_map(|line| {
                let rest = line.trim_start_matches(|c: char| !c.is_ascii_alphabetic());
                rest.strip_prefix(label)?.trim().parse::<u64>().ok()
            })
            .unwrap_or(0)
    };
    let (passed, failed) = (count("pass "), count("fail "));
    let mut line = format!("\n{passed} passed, {failed} failed");
    for (label, n) in [("skipped", count("skipped ")), ("todo", count("todo "))] {
        if n > 0 {
            line.push_str(&format!(", {n} {label}"));
        }
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn node_summary_reads_the_spec_reporter() {
        let lines: Vec<String> = [
            "ℹ tests 4",
            "ℹ suites 0",
            "ℹ pass 3",
            "ℹ fail 1",
            "ℹ cancelled 0",
            "ℹ skipped 0",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        assert_eq!(node_summary(&lines), "\n3 passed, 1 failed");
    }

    #[test]
    fn node_summary_names_todo_tests() {
        let lines: Vec<String> = ["ℹ pass 5", "ℹ fail 0", "ℹ skipped 0", "ℹ todo 1"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        assert_eq!(node_summary(&lines), "\n5 passed, 0 failed, 1 todo");
    }

    #[test]
    fn cargo_summaries_keep_the_runner_lines() {
        let lines = vec![
            "running 2 tests".to_owned(),
            "test result: ok. 2 passed; 0 failed".to_owned(),
        ];
        assert_eq!(
            cargo_summaries("x", &lines),
            ["x: test result: ok. 2 passed; 0 failed"]
        );
    }
}
