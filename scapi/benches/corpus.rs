//! The benchmarks' corpus: every fixture message of `tests/fixtures/` (requests, request
//! problems, events, results and the seed's examples), as a bare payload line and wrapped in a raw
//! capture record, the line the content script receives from the page hook.

use serde_json::{json, Value};

#[path = "../tests/common/fixture_files.rs"]
mod fixture_files;

/// The corpus, one message per line as it would arrive.
pub struct Corpus {
    pub payload_lines: Vec<Vec<u8>>,
    pub capture_lines: Vec<Vec<u8>>,
}

impl Corpus {
    pub fn load() -> Corpus {
        let mut messages = Vec::new();
        for (_, path) in fixture_files::fixture_files() {
            let fixture: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
            let message = fixture
                .get("message")
                .unwrap_or_else(|| panic!("{}: no `message`", path.display()));
            messages.push(message.clone());
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
