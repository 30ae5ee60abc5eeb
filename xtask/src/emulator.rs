//! The Workspace emulator (`emulator/`): `cargo xtask emulator-build` builds the host page's wasm
//! (release wasm → wasm-bindgen `--target web` → wasm-opt, the pipeline of `dist.rs`) into
//! `target/emulator-wasm/`, which the server serves under `/pkg/`, and the native server binary;
//! `cargo xtask emulator [ARGS]` builds both and runs the server with ARGS. `demo` and `test` build
//! it too.

use crate::dist::{self, TARGET};
use crate::{process, root, setup};
use std::path::PathBuf;
use std::process::Command;
use std::time::Instant;

/// Where the host page's wasm-bindgen output goes (not committed).
pub const WASM_DIR: &str = "target/emulator-wasm";

/// Builds the host page's wasm and the server; returns the server binary.
pub fn build() -> Result<PathBuf, String> {
    let started = Instant::now();
    let root = root();
    let mut wasm = Command::new("cargo");
    // --lib: the crate's binary is the native server.
    wasm.args([
        "build",
        "--release",
        "--target",
        TARGET,
        "-p",
        "scapi-emulator",
        "--lib",
    ]);
    process::run(wasm)?;
    let out_dir = root.join(WASM_DIR);
    dist::recreate(&out_dir)?;
    let size = dist::bindgen_and_optimize("scapi_emulator", &out_dir, "web")?;
    // The server only serves files: a debug build is quick and enough.
    let mut server = Command::new("cargo");
    server.args(["build", "-p", "scapi-emulator", "--bin", "scapi-emulator"]);
    process::run(server)?;
    println!(
        "emulator: host page wasm {} bytes raw, {} bytes gzipped, in {WASM_DIR}/; built in {:.1} s",
        size.raw,
        size.gzipped,
        started.elapsed().as_secs_f64()
    );
    Ok(binary())
}

/// The server binary `build` makes.
pub fn binary() -> PathBuf {
    root().join("target/debug/scapi-emulator")
}

/// `cargo xtask emulator [ARGS]`: build, then serve until interrupted.
pub fn run(args: &[String]) -> Result<(), String> {
    setup::for_build()?;
    let binary = build()?;
    let mut server = Command::new(binary);
    server.args(args);
    process::run(server)
}
