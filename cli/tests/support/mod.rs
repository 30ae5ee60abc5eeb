//! What the end-to-end tests of the command line share: the session fixture and a run of the
//! built binary.
#![allow(dead_code)] // each test file uses its own part

use assert_cmd::Command;
use serde_json::Value;
use std::path::PathBuf;

/// `tests/fixtures/workspace-session.jsonl`: a Workspace top frame (wwe.example) and an app it
/// embeds (crm.example), as the page hook captures them.
pub fn fixture() -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/fixtures/workspace-session.jsonl")
        .display()
        .to_string()
}

pub fn inspect() -> Command {
    Command::new(env!("CARGO_BIN_EXE_scapi-inspect"))
}

/// How a run of `scapi-inspect` ended.
pub struct Run {
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

pub fn run(args: &[&str], stdin: Option<&str>) -> Run {
    let mut command = inspect();
    command.args(args);
    if let Some(stdin) = stdin {
        command.write_stdin(stdin);
    }
    let output = command.output().unwrap();
    Run {
        code: output.status.code(),
        stdout: String::from_utf8(output.stdout).unwrap(),
        stderr: String::from_utf8(output.stderr).unwrap(),
    }
}

/// A file in Cargo's scratch directory for integration tests (under `target/`).
pub fn temp_file(name: &str, text: &str) -> PathBuf {
    let path = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name);
    std::fs::write(&path, text).unwrap();
    path
}

/// One JSON value per output line.
pub fn json_lines(text: &str) -> Vec<Value> {
    text.lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}")))
        .collect()
}
