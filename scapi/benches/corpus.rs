//! The benchmarks' corpus: every fixture message of `tests/fixtures/` (requests, request
//! problems, events, results and the seed's examples), as a bare payload line and wrapped in a raw
//! capture record, the line the content script receives from the page hook.

use serde_json::{json, Value};
use std::path::Path;

const FIXTURE_DIRS: [&str; 5] = ["requests", "request-problems", "events", "results", "seed"];

/// The corpus, one message per line as it would arrive.
pub struct Corpus {
    pub payload_lines: Vec<Vec<u8>>,
    pub capture_lines: Vec<Vec<u8>>,
}

impl Corpus {
    pub fn load() -> Corpus {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
        let mut messages = Vec::new();
        for dir in FIXTURE_DIRS {
            let mut paths: Vec<_> = std::fs::read_dir(root.join(dir))
                .unwrap_or_else(|e| panic!("{dir}: {e}"))
                .map(|entry| entry.unwrap().path())
                .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
                .collect();
            paths.sort();
            for path in paths {
                let fixture: Value =
                    serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
                let message = fixture
                    .get("message")
                    .unwrap_or_else(|| panic!("{}: no `message`", path.display()));
                messages.push(message.clone());
            }
        }
        let capture = |(index, message): (usize, &Value)| {
            let time = 1_732_467_255_123.25 + index as f64;
            serde_json::to_vec(&json!({
                "v": 1, "time": time, "wall": time.floor(),
                "frameUrl": "https://wwe.example/ui/ad/v1/index.html",
                "frameOrigin": "https://wwe.example", "isTop": true,
                "origin": "https://app.example", "source": "child", "childIndex": 0, "ports": 0,
                "data": message,
            }))
            .unwrap()
        };
        Corpus {
            payload_lines: messages
                .iter()
                .map(|message| serde_json::to_vec(message).unwrap())
                .collect(),
            capture_lines: messages.iter().enumerate().map(capture).collect(),
        }
    }

    pub fn bytes(&self) -> u64 {
        self.lines().map(|line| line.len() as u64).sum()
    }

    pub fn lines(&self) -> impl Iterator<Item = &Vec<u8>> {
        self.payload_lines.iter().chain(&self.capture_lines)
    }
}
