//! `scapi-inspect`: the SCAPI Inspector's decoding on the command line, for captures saved from
//! the extension, logs, or payloads pasted from a bug report. See `docs/cli.md`.

mod decode;
mod input;
mod json;
mod pair;
mod table;

use clap::{Args, Parser, Subcommand};
use decode::{Failure, Options, OutputFormat};
use input::InputFormat;
use std::fs::File;
use std::io::{self, IsTerminal, Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;

/// Decode Genesys Workspace Service Client API (SCAPI) postMessage traffic.
#[derive(Parser)]
#[command(
    name = "scapi-inspect",
    version,
    after_help = "`scapi-inspect decode --help` describes the input, the output and the exit status."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    Decode(DecodeArgs),
}

const DECODE_HELP: &str = "\
Decode captured SCAPI messages, one per line.

Each non-blank line of the input is one message: either a raw capture record as the extension's \
page hook writes it ({\"v\":1,\"time\":…,\"frameUrl\":…,\"data\":<payload>}), or a bare message \
payload ({\"request\":\"agent.getState\",\"referenceId\":\"0\",\"userAgent\":\"WWE Client\",\
\"protocolVersion\":2}). With --input auto (the default) each line is read as a raw capture record \
when it is one, and as a payload otherwise.

A line that cannot be read is named on standard error (\"line 7: not JSON: expected value at \
column 1\") and decoding goes on with the next one.";

const DECODE_AFTER_HELP: &str = "\
Streaming and pairing:
  --format json without --pair or --findings writes each line as soon as it is decoded and keeps \
nothing: memory stays constant, and `tail -f capture.jsonl | scapi-inspect decode` works live.
  --pair, --findings and --format table need the whole input (a request's answer may be the last \
line), so they read everything first and keep it in memory.
  Payload lines name no frame: pairing treats them as one frame receiving everything, timed by \
line number (line N = N ms), so a latency between payload lines is a distance in lines.

Exit status:
  0  every line was decoded
  1  some lines could not be read (each one is named on standard error); the others were decoded
  2  usage error, or the input could not be opened or read";

/// Decode captured SCAPI messages, one per line.
#[derive(Args)]
#[command(long_about = DECODE_HELP, after_help = DECODE_AFTER_HELP)]
struct DecodeArgs {
    /// The capture to read; standard input when absent or `-`
    file: Option<PathBuf>,

    /// How to read each line
    #[arg(long, value_enum, default_value_t = InputFormat::Auto)]
    input: InputFormat,

    /// How to write the result
    #[arg(long, value_enum, default_value_t = OutputFormat::Json)]
    format: OutputFormat,

    /// Pair each request with its answer (state, latency, partner lines); reads the whole input
    /// first. --findings and --format table pair too
    #[arg(long)]
    pair: bool,

    /// List the protocol findings after the records (implies --pair)
    #[arg(long)]
    findings: bool,
}

/// Exit status for a usage error or an input that cannot be read (clap's own usage errors use 2
/// too).
const EXIT_FAILURE: u8 = 2;
/// Exit status when some lines could not be decoded.
const EXIT_BAD_LINES: u8 = 1;

fn main() -> ExitCode {
    let Command::Decode(args) = Cli::parse().command;
    let (input, name): (Box<dyn Read>, String) = match &args.file {
        Some(path) if path.as_os_str() != "-" => match File::open(path) {
            Ok(file) => (Box::new(file), path.display().to_string()),
            Err(error) => {
                eprintln!("scapi-inspect: cannot open {}: {error}", path.display());
                return ExitCode::from(EXIT_FAILURE);
            }
        },
        _ => (Box::new(io::stdin()), "standard input".to_owned()),
    };
    let stdout = io::stdout();
    let terminal_width = stdout
        .is_terminal()
        .then(terminal_size::terminal_size)
        .flatten()
        .map(|(width, _)| usize::from(width.0));
    let options = Options {
        input: args.input,
        format: args.format,
        pair: args.pair,
        findings: args.findings,
        terminal_width,
    };
    let mut out = io::BufWriter::new(stdout.lock());
    let result = decode::run(&options, input, &mut out, &mut io::stderr().lock());
    drop(out);
    match result {
        Ok(report) if report.bad == 0 => ExitCode::SUCCESS,
        Ok(report) => {
            eprintln!(
                "scapi-inspect: {} of {} lines could not be decoded",
                report.bad,
                report.bad + report.decoded
            );
            ExitCode::from(EXIT_BAD_LINES)
        }
        Err(Failure::Read(error)) => {
            eprintln!("scapi-inspect: cannot read {name}: {error}");
            ExitCode::from(EXIT_FAILURE)
        }
        Err(Failure::Write(error)) => {
            let _ = writeln!(
                io::stderr(),
                "scapi-inspect: cannot write the output: {error}"
            );
            ExitCode::from(EXIT_FAILURE)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_command_line_is_well_formed() {
        Cli::command().debug_assert();
    }

    #[test]
    fn help_states_exit_codes_and_streaming() {
        let mut command = Cli::command();
        let help = command
            .find_subcommand_mut("decode")
            .unwrap()
            .render_long_help()
            .to_string();
        for needed in [
            "Exit status:",
            "some lines could not be read",
            "memory stays constant",
            "--pair",
        ] {
            assert!(help.contains(needed), "`{needed}` missing from:\n{help}");
        }
    }
}
