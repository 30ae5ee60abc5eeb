//! `scapi-emulator`: see `cli.rs` and docs/emulator.md. Native only: the host page's part of the
//! crate is the library, built for wasm32 with `--lib`.

use std::process::ExitCode;

fn main() -> ExitCode {
    match scapi_emulator::cli::run(std::env::args().skip(1)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("scapi-emulator: {error}");
            ExitCode::from(2)
        }
    }
}
