//! `cargo xtask <command>`: the project's build, test and benchmark entry points.
//! Every command installs what it needs first (see `setup.rs`), so a fresh machine needs nothing
//! but Rust, Node.js and apt.

mod bench;
mod demo;
mod dist;
mod emulator;
mod process;
mod setup;
mod test;

use std::path::PathBuf;
use std::process::ExitCode;

const USAGE: &str = "\
usage: cargo xtask <command>

commands:
  demo    build the extension and the Workspace emulator, and show the extension capturing the
          emulator's scenarios (headless: screenshots under demo-output/)
  dist    build the extension: dist/chrome/, dist/firefox/ and a zip of each
  emulator-build
          build the Workspace emulator: its host page's wasm (target/emulator-wasm/) and server
  emulator [--options FILE] [--client URL] [--port PORT] …
          build the emulator and serve it (see docs/emulator.md; `emulator --help` for every option)
  test    run every test: Rust (native and in headless Chromium), end-to-end in Chromium and in
          Firefox, Firefox lint
  bench   measure the page overhead of the extension (round trips with and without it)
  setup   install the tools the other commands need (wasm target, wasm-bindgen CLI, npm, Chromium,
          Firefox ESR)
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("dist") => setup::for_build().and_then(|_| dist::run().map(|_| ())),
        Some("emulator-build") => setup::for_build().and_then(|_| emulator::build().map(|_| ())),
        Some("emulator") => emulator::run(&args[1..]),
        Some("demo") => demo::run(),
        Some("test") => test::run(),
        Some("bench") => bench::run(),
        Some("setup") => setup::for_build()
            .and_then(|_| setup::browser())
            .and_then(|_| setup::firefox()),
        Some("help" | "--help" | "-h") | None => {
            print!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Some(other) => Err(format!("unknown command `{other}`\n\n{USAGE}")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("xtask: {error}");
            ExitCode::FAILURE
        }
    }
}

/// The workspace root (the parent of `xtask/`).
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask sits inside the workspace")
        .to_path_buf()
}
