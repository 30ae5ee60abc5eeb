//! `cargo xtask demo`: builds the extension and the Workspace emulator, then runs
//! `demo/demo.mjs`, which serves the emulator and plays its scenarios with the extension loaded
//! (headful with a display, screenshots under `demo-output/` without one).

use crate::process;
use crate::{dist, emulator, root, setup};
use std::process::Command;

pub fn run() -> Result<(), String> {
    setup::for_build()?;
    setup::browser()?;
    dist::run()?;
    let server = emulator::build()?;
    let mut node = Command::new("node");
    node.arg("demo/demo.mjs")
        .env("SCAPI_DIST_CHROME", root().join("dist/chrome"))
        .env("SCAPI_EMULATOR_BIN", server)
        .env("SCAPI_DEMO_OUT", root().join("demo-output"));
    process::run(node)
}
