//! Running commands with a one-line note of what runs, and collecting test summaries.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

pub fn describe(command: &Command) -> String {
    let mut text = command.get_program().to_string_lossy().into_owned();
    for arg in command.get_args() {
        text.push(' ');
        text.push_str(&arg.to_string_lossy());
    }
    text
}

/// Runs a command to completion, its output going straight to ours.
pub fn run(mut command: Command) -> Result<(), String> {
    let text = describe(&command);
    println!("$ {text}");
    let status = command
        .current_dir(crate::root())
        .status()
        .map_err(|e| format!("could not start `{text}`: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("`{text}` failed ({status})"))
    }
}

/// Runs a command, echoing its standard output line by line and returning those lines.
pub fn run_capturing(mut command: Command) -> (Result<(), String>, Vec<String>) {
    let text = describe(&command);
    println!("$ {text}");
    let child = command
        .current_dir(crate::root())
        .stdout(Stdio::piped())
        .spawn();
    let mut child = match child {
        Ok(child) => child,
        Err(e) => return (Err(format!("could not start `{text}`: {e}")), Vec::new()),
    };
    let mut lines = Vec::new();
    if let Some(stdout) = child.stdout.take() {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            println!("{line}");
            lines.push(line);
        }
    }
    let result = match child.wait() {
        Ok(status) if status.success() => Ok(()),
        Ok(status) => Err(format!("`{text}` failed ({status})")),
        Err(e) => Err(format!("`{text}` did not finish: {e}")),
    };
    (result, lines)
}

/// The output of a command, or `None` when it cannot run or fails.
pub fn output(program: &str, args: &[&str]) -> Option<String> {
    let output = Command::new(program).args(args).output().ok()?;
    output
        .status
        .success()
        .then(|| String::from_utf8_lossy(&output.stdout).into_owned())
}
