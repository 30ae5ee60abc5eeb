//! The protocol fixtures' files, `tests/fixtures/<dir>/*.json` of every directory, in a stable
//! order: what the golden test checks and the benchmarks' corpus is made of.

use std::path::{Path, PathBuf};

/// Every fixture directory.
pub const FIXTURE_DIRS: [&str; 5] = ["requests", "request-problems", "events", "results", "seed"];

/// Each fixture file with its directory, directory by directory, files sorted by name.
pub fn fixture_files() -> Vec<(&'static str, PathBuf)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut all = Vec::new();
    for dir in FIXTURE_DIRS {
        let mut paths: Vec<PathBuf> = std::fs::read_dir(root.join(dir))
            .unwrap_or_else(|e| panic!("{dir}: {e}"))
            .map(|entry| entry.unwrap().path())
            .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
            .collect();
        paths.sort();
        all.extend(paths.into_iter().map(|path| (dir, path)));
    }
    all
}
