//! `cargo xtask demo`: builds the extension and runs `demo/demo.mjs` (headful with a display,
//! screenshots under `demo-output/` without one).

use crate::process;
use crate::{dist, root, setup};
use std::process::Command;

pub fn run() -> Result<(), String> {
    setup::for_build()?;
    setup::browser()?;
    dist::run()?;
    let mut node = Command::new("node");
    node.arg("demo/demo.mjs")
        .env("SCAPI_DIST_CHROME", root().join("dist/chrome"))
        .env("SCAPI_DEMO_OUT", root().join("demo-output"));
    process::run(node)
}
