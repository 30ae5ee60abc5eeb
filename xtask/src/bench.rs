//! `cargo xtask bench`: the page overhead of the extension, measured by `tests/bench/roundtrip.mjs`
//! in one run that alternates a browser without and one with the extension.

use crate::process;
use crate::{dist, root, setup};
use std::process::Command;

pub fn run() -> Result<(), String> {
    setup::for_build()?;
    setup::browser()?;
    dist::run()?;
    let mut node = Command::new("node");
    node.arg("tests/bench/roundtrip.mjs")
        .env("SCAPI_DIST_CHROME", root().join("dist/chrome"));
    process::run(node)
}
