//! `scapi-inspect`: the SCAPI Inspector's decoding on the command line, for captures saved from
//! the extension, logs, or payloads pasted from a bug report: decode them, convert them (raw
//! capture, JSON lines, HAR), sum them up and check them against Workspace's options. See
//! `docs/cli.md`.

mod check;
mod convert;
mod decode;
mod input;
mod json;
mod pair;
mod source;
mod spill;
mod summary;
mod table;

use check::CheckFormat;
use clap::{Args, Parser, Subcommand};
use convert::Target;
use decode::{Failure, Options, OutputFormat};
use input::InputFormat;
use scapi::har::ExportOptions;
use scapi::policy::{parse_options, OptionError};
use source::{InputFrom, InputPath};
use std::fs::File;
use std::io::{self, IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Decode Genesys Workspace Service Client API (SCAPI) postMessage traffic.
#[derive(Parser)]
#[command(
    name = "scapi-inspect",
    version,
    after_help = "`scapi-inspect <COMMAND> --help` describes each command's input, output and exit status."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    Decode(DecodeArgs),
    Convert(ConvertArgs),
    Summary(SummaryArgs),
    Check(CheckArgs),
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

const CONVERT_HELP: &str = "\
Convert a capture between formats: raw capture lines (what the page hook records, as `decode` \
reads them), `decode`'s JSON lines, and HAR 1.2 (what the panel's Export HAR writes, which \
Chrome DevTools can import).

The input format is detected: a JSON object whose first key is `log` is a HAR; anything else is \
read line by line (raw capture records, message payloads, or `decode` output).

The output is sanitized unless --sensitive is given: JWTs, user-data values, phone numbers and \
e-mail addresses become masks such as «email#3», the same value the same mask throughout; keys, \
referenceIds, request names, event types and interaction and frame ids stay. --keep-key keeps \
the values of a user-data key.";

const CONVERT_AFTER_HELP: &str = "\
Memory (bounded, whatever the size of the capture):
  Nothing is held whole: lines and JSON lines are written as each record is read (from a HAR, \
its entries are merged back into capture order through temporary files). A HAR groups \
messages by channel, so --to har reads the input twice (standard input is kept in a temporary \
file) and spills each channel's messages to a temporary file. A HAR gets findings only for \
captures of up to 100,000 records (pairing needs them all in memory), unless the input HAR has \
its own; `summary` counts findings of any capture.

Exit status:
  0  everything was converted
  1  some lines could not be read (each one is named on standard error); the others were converted
  2  usage error, or the input could not be opened or read, or is not a capture";

/// Convert a capture: raw capture lines, JSON lines, HAR (sanitized unless --sensitive).
#[derive(Args)]
#[command(long_about = CONVERT_HELP, after_help = CONVERT_AFTER_HELP)]
struct ConvertArgs {
    /// The capture to read; standard input when absent or `-`
    file: Option<PathBuf>,

    /// The format to write
    #[arg(long, value_enum)]
    to: Target,

    /// How to read the input (detected by default)
    #[arg(long, value_enum, default_value_t = InputFrom::Auto)]
    from: InputFrom,

    /// Write the data as captured: no masking of tokens, user data, phone numbers, e-mail addresses
    #[arg(long)]
    sensitive: bool,

    /// Keep the values of this user-data key when sanitizing (repeatable)
    #[arg(long = "keep-key", value_name = "KEY")]
    keep_keys: Vec<String>,

    /// A file of Workspace options (service-client-api.*) to keep in the HAR, verbatim
    #[arg(long, value_name = "FILE")]
    policy: Option<PathBuf>,
}

const SUMMARY_HELP: &str = "\
Sum up a capture (HAR or lines): records by kind, by request name, by receiving frame and by \
sending origin; per request name how requests ended (answered, failed, late, timed out, \
pending) and their latency (median, 95th percentile, max); failures with their error texts; \
rate-limit refusals with the request and quarantine; timeouts; findings by severity.";

const SUMMARY_AFTER_HELP: &str = "\
Memory:
  One pass in bounded memory, whatever the size of the capture: only requests still waiting for \
an answer are kept (at most 100,000; beyond that the oldest count as timed out, and the output \
says how many). In time order, the figures are those of `decode --findings`; an answer read \
before its request counts as an answer without a request.

Exit status:
  0  every record was read
  1  some lines could not be read (each one is named on standard error)
  2  usage error, or the input could not be opened or read, or is not a capture";

/// Sum up a capture: counts, latencies, failures, rate limits, timeouts, findings.
#[derive(Args)]
#[command(long_about = SUMMARY_HELP, after_help = SUMMARY_AFTER_HELP)]
struct SummaryArgs {
    /// The capture to read; standard input when absent or `-`
    file: Option<PathBuf>,

    /// How to read the input (detected by default)
    #[arg(long, value_enum, default_value_t = InputFrom::Auto)]
    from: InputFrom,

    /// How to write the summary
    #[arg(long, value_enum, default_value_t = summary::SummaryFormat::Table)]
    format: summary::SummaryFormat,
}

const CHECK_HELP: &str = "\
Check a log against Workspace's Service Client API options (service-client-api.* of \
[interaction-workspace]: accepted origins and their filters, rate limits and quarantine, \
user-data read-allowed and write-allowed): for each request, subscribe and unsubscribe, what \
Workspace does under those options (the verdict), what the log shows (answered, an error, the \
rate-limit error, no answer within the client's 10 s, a late answer, pending), and whether they \
agree; for each result or event, the userData keys read-allowed hides in it, or shows although \
it hides them. Then the counts and the findings (what to change in the options, or why the \
options in force are probably not the ones given).

The log is a HAR or lines (raw capture records, payloads, or `decode` output), as `summary` \
reads it. The options file is what the panel accepts: key=value lines, an ini file, a copied \
options table, or JSON.";

const CHECK_AFTER_HELP: &str = "\
Output:
  --format json (the default when standard output is not a terminal): one JSON object per check \
as soon as it is settled ({\"check\":\"request\",\"line\":…} or {\"check\":\"read\",…}; a HAR \
names records by \"index\", their place in the capture), then one {\"summary\":…} object.
  --format table (the default on a terminal): a row per check, then the counts and findings.
  A request is settled by its first answer, or once 10 s of the log's time passed without one; \
a later answer revises it (a second line, \"revised\":true).

Memory:
  One pass in bounded memory, whatever the size of the log: only requests waiting for their \
answer (10 s of the log), the 10,000 latest settled ones, reads waiting for an earlier write, \
each interaction's userData keys and 20 example records per finding are kept. A HAR's records, \
grouped by channel, are first put back in capture order through temporary files.

Exit status:
  0  every request and read agrees with the options (or there was nothing to judge)
  1  some disagree (the options in force are probably not the ones given), or some lines could \
not be read (each one is named on standard error)
  2  usage error; the options file cannot be read or has errors (each named as \
FILE:line:column: option: problem); the log cannot be opened or read, or is not a capture";

/// Check a log against Workspace options: each request's verdict against what the log shows.
#[derive(Args)]
#[command(long_about = CHECK_HELP, after_help = CHECK_AFTER_HELP)]
struct CheckArgs {
    /// The log to read; standard input when absent or `-`
    file: Option<PathBuf>,

    /// The Workspace options (service-client-api.*) to check against
    #[arg(long, value_name = "FILE")]
    options: PathBuf,

    /// How to write the checks (table on a terminal, else json)
    #[arg(long, value_enum)]
    format: Option<CheckFormat>,

    /// How to read the log (detected by default)
    #[arg(long, value_enum, default_value_t = InputFrom::Auto)]
    from: InputFrom,
}

/// Exit status for a usage error or an input that cannot be read (clap's own usage errors use 2
/// too).
const EXIT_FAILURE: u8 = 2;
/// Exit status when some lines could not be decoded.
const EXIT_BAD_LINES: u8 = 1;

fn main() -> ExitCode {
    match Cli::parse().command {
        Command::Decode(args) => run_decode(args),
        Command::Convert(args) => run_convert(args),
        Command::Summary(args) => run_summary(args),
        Command::Check(args) => run_check(args),
    }
}

fn run_decode(args: DecodeArgs) -> ExitCode {
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
    let input = match source::refuse_binary(input) {
        Ok(input) => input,
        Err(error) => {
            eprintln!("scapi-inspect: {name}: {error}");
            return ExitCode::from(EXIT_FAILURE);
        }
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

fn run_convert(args: ConvertArgs) -> ExitCode {
    let input = InputPath::new(args.file.as_deref());
    let policy = match &args.policy {
        Some(path) => match std::fs::read_to_string(path) {
            Ok(text) => Some(text),
            Err(error) => {
                eprintln!("scapi-inspect: cannot read {}: {error}", path.display());
                return ExitCode::from(EXIT_FAILURE);
            }
        },
        None => None,
    };
    let options = convert::Options {
        to: args.to,
        from: args.from,
        export: ExportOptions {
            sensitive: args.sensitive,
            keep_keys: args.keep_keys.into_iter().collect(),
        },
        policy,
        findings_record_limit: convert::FINDINGS_RECORD_LIMIT,
    };
    let stdout = io::stdout();
    let mut out = io::BufWriter::with_capacity(256 * 1024, stdout.lock());
    let result = convert::run(&options, &input, &mut out, &mut io::stderr().lock());
    drop(out);
    finish(
        &input,
        result.map(|report| (report.records, report.bad_lines)),
    )
}

fn run_summary(args: SummaryArgs) -> ExitCode {
    let input = InputPath::new(args.file.as_deref());
    let options = summary::Options {
        from: args.from,
        format: args.format,
    };
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    let result = summary::run(&options, &input, &mut out, &mut io::stderr().lock());
    drop(out);
    finish(
        &input,
        result.map(|report| (report.records, report.bad_lines)),
    )
}

fn run_check(args: CheckArgs) -> ExitCode {
    let options_name = args.options.display().to_string();
    let text = match std::fs::read_to_string(&args.options) {
        Ok(text) => text,
        Err(error) => {
            eprintln!("scapi-inspect: cannot read {options_name}: {error}");
            return ExitCode::from(EXIT_FAILURE);
        }
    };
    let parsed = match parse_options(&text) {
        Ok(parsed) => parsed,
        Err(problems) => {
            for problem in &problems {
                eprintln!("{}", option_problem(&args.options, problem));
            }
            eprintln!(
                "scapi-inspect: {options_name}: {} problem(s) in the options: nothing was checked",
                problems.len()
            );
            return ExitCode::from(EXIT_FAILURE);
        }
    };
    for note in &parsed.notes {
        eprintln!("{options_name}:{}: note: {}", note.line, note.note);
    }
    let input = InputPath::new(args.file.as_deref());
    let stdout = io::stdout();
    let format = args.format.unwrap_or(if stdout.is_terminal() {
        CheckFormat::Table
    } else {
        CheckFormat::Json
    });
    let options = check::Options {
        from: args.from,
        format,
    };
    let mut out = io::BufWriter::new(stdout.lock());
    let result = check::run(
        &options,
        parsed.options,
        &input,
        &mut out,
        &mut io::stderr().lock(),
    );
    drop(out);
    match result {
        Ok(report) if report.bad_lines == 0 && report.disagreements > 0 => {
            eprintln!(
                "scapi-inspect: {} check(s) disagree with the options in {options_name}",
                report.disagreements
            );
            ExitCode::from(EXIT_BAD_LINES)
        }
        result => finish(
            &input,
            result.map(|report| (report.records, report.bad_lines)),
        ),
    }
}

/// `FILE:line:column: option: problem`, as compilers name a place in a file.
fn option_problem(path: &Path, problem: &OptionError) -> String {
    let mut text = format!("{}:{}", path.display(), problem.line);
    if let Some(column) = problem.column {
        text.push_str(&format!(":{column}"));
    }
    if let Some(option) = &problem.option {
        text.push_str(&format!(": {option}"));
    }
    text.push_str(&format!(": {}", problem.problem));
    text
}

/// The exit status of `convert`, `summary` and `check`, with the closing message on standard error.
fn finish(input: &InputPath, result: Result<(u64, u64), convert::Failure>) -> ExitCode {
    match result {
        Ok((_, 0)) => ExitCode::SUCCESS,
        Ok((records, bad)) => {
            eprintln!(
                "scapi-inspect: {bad} of {} lines could not be read",
                records + bad
            );
            ExitCode::from(EXIT_BAD_LINES)
        }
        Err(convert::Failure::Input(problem)) => {
            eprintln!("scapi-inspect: {}: {problem}", input.name());
            ExitCode::from(EXIT_FAILURE)
        }
        Err(convert::Failure::Write(error)) => {
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
    fn check_help_states_exit_codes_output_and_memory() {
        let mut command = Cli::command();
        let help = command
            .find_subcommand_mut("check")
            .unwrap()
            .render_long_help()
            .to_string();
        // Wrapped to the width: compare words.
        let help = help.split_whitespace().collect::<Vec<_>>().join(" ");
        for needed in [
            "Exit status:",
            "some disagree",
            "FILE:line:column: option: problem",
            "bounded memory",
            "--options <FILE>",
        ] {
            assert!(help.contains(needed), "`{needed}` missing from:\n{help}");
        }
    }

    #[test]
    fn an_option_problem_is_named_by_file_line_and_column() {
        let problem = OptionError {
            line: 3,
            column: Some(12),
            option: Some("service-client-api.rate-limit".into()),
            problem: "`-5` is negative".into(),
        };
        assert_eq!(
            option_problem(Path::new("ws.ini"), &problem),
            "ws.ini:3:12: service-client-api.rate-limit: `-5` is negative"
        );
        let without = OptionError {
            column: None,
            option: None,
            ..problem
        };
        assert_eq!(
            option_problem(Path::new("ws.ini"), &without),
            "ws.ini:3: `-5` is negative"
        );
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
