//! `scapi-emulator`: serve the Workspace emulator with an options file and a client app.
//!
//! The options file is checked with the policy engine's parser before anything listens: a bad
//! file stops the command with every problem (line, column, problem). The startup output says
//! which origins the options accept, and warns when the client app's origin is not one of them
//! (its requests would get no answer).

use crate::server::{self, Site};
use scapi::policy::{parse_options, OptionError, PolicyEngine, WorkspaceOptions};
use serde_json::json;
use std::fs;
use std::path::{Path, PathBuf};

/// The port the demo options accept (`http://localhost:8917`).
pub const DEFAULT_PORT: u16 = 8917;

pub const USAGE: &str = "\
usage: scapi-emulator [--options FILE] [--client URL] [--port PORT] [--refused-port PORT]
                      [--site DIR] [--wasm DIR]

Serves a Workspace-like page at http://127.0.0.1:PORT/ that embeds a client app and answers its
Service Client API requests under the Workspace options in FILE.

  --options FILE        Workspace options ([interaction-workspace] ini, key=value or JSON)
                        (default: emulator/demo-options.ini)
  --client URL          the app to embed (default: the sample app, http://localhost:PORT/client/app.html);
                        its origin must be accepted by the options for its requests to be answered
  --port PORT           port of the Workspace page (origin http://127.0.0.1:PORT) and of the sample
                        apps (origin http://localhost:PORT) (default: 8917; 0 picks a free port)
  --refused-port PORT   port of a third origin, http://127.0.0.1:REFUSED_PORT, for the refused-origin
                        scenario (default: PORT + 1)
  --site DIR            the page's static files (default: emulator/site)
  --wasm DIR            the page's wasm, built by `cargo xtask emulator-build`
                        (default: target/emulator-wasm)
";

/// The command line, read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Args {
    pub options: PathBuf,
    pub client: Option<String>,
    pub port: u16,
    pub refused_port: Option<u16>,
    pub site: PathBuf,
    pub wasm: PathBuf,
}

fn crate_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

impl Default for Args {
    fn default() -> Args {
        Args {
            options: crate_dir().join("demo-options.ini"),
            client: None,
            port: DEFAULT_PORT,
            refused_port: None,
            site: crate_dir().join("site"),
            wasm: crate_dir().join("../target/emulator-wasm"),
        }
    }
}

/// `None` when help was asked for.
pub fn parse_args(args: impl IntoIterator<Item = String>) -> Result<Option<Args>, String> {
    let mut parsed = Args::default();
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        let (name, inline) = match arg.split_once('=') {
            Some((name, value)) if name.starts_with("--") => {
                (name.to_owned(), Some(value.to_owned()))
            }
            _ => (arg.clone(), None),
        };
        if matches!(name.as_str(), "-h" | "--help") {
            return Ok(None);
        }
        let mut value = || {
            inline
                .clone()
                .or_else(|| args.next())
                .ok_or_else(|| format!("{name} needs a value\n\n{USAGE}"))
        };
        let port = |text: String| {
            text.parse::<u16>()
                .map_err(|_| format!("{name}: `{text}` is not a port number"))
        };
        match name.as_str() {
            "--options" => parsed.options = PathBuf::from(value()?),
            "--client" => parsed.client = Some(value()?),
            "--port" => parsed.port = port(value()?)?,
            "--refused-port" => parsed.refused_port = Some(port(value()?)?),
            "--site" => parsed.site = PathBuf::from(value()?),
            "--wasm" => parsed.wasm = PathBuf::from(value()?),
            other => return Err(format!("unknown argument `{other}`\n\n{USAGE}")),
        }
    }
    Ok(Some(parsed))
}

/// The origin of an absolute http(s) URL: scheme, host and port (a default port dropped), lower
/// case, as a browser's `event.origin` spells it.
pub fn origin_of(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    let scheme = scheme.to_ascii_lowercase();
    if scheme != "http" && scheme != "https" {
        return None;
    }
    let authority = rest.split(['/', '?', '#']).next()?;
    let authority = authority.rsplit('@').next()?.to_ascii_lowercase();
    if authority.is_empty() {
        return None;
    }
    let authority = match (scheme.as_str(), authority.rsplit_once(':')) {
        ("http", Some((host, "80"))) | ("https", Some((host, "443"))) => host.to_owned(),
        _ => authority,
    };
    Some(format!("{scheme}://{authority}"))
}

/// Every problem of an options file, one per line, compiler style.
pub fn option_errors(file: &Path, errors: &[OptionError]) -> String {
    errors
        .iter()
        .map(|error| {
            let column = error.column.map(|c| format!(":{c}")).unwrap_or_default();
            let option = error
                .option
                .as_deref()
                .map(|o| format!(" {o}:"))
                .unwrap_or_default();
            format!(
                "{}:{}{column}:{option} {}",
                file.display(),
                error.line,
                error.problem
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The URLs the page uses, from the ports actually listened on.
pub struct Urls {
    pub workspace: String,
    pub sample_app: String,
    pub refused_app: String,
    pub client: String,
    pub uses_sample_app: bool,
}

impl Urls {
    pub fn new(args: &Args, port: u16, refused_port: u16) -> Urls {
        let sample_app = format!("http://localhost:{port}/client/app.html");
        Urls {
            workspace: format!("http://127.0.0.1:{port}/"),
            refused_app: format!("http://127.0.0.1:{refused_port}/client/app.html"),
            client: args.client.clone().unwrap_or_else(|| sample_app.clone()),
            uses_sample_app: args.client.is_none(),
            sample_app,
        }
    }

    /// `/emulator/config.json`: what the host page embeds.
    pub fn config_json(&self) -> String {
        json!({
            "clientUrl": self.client,
            "sampleAppUrl": self.sample_app,
            "refusedAppUrl": self.refused_app,
            "embedSampleApps": self.uses_sample_app,
        })
        .to_string()
    }
}

/// What the startup output says: the options in force, the URLs, and whether each app's origin
/// is accepted.
pub fn report(options_file: &Path, options: &WorkspaceOptions, urls: &Urls) -> Vec<String> {
    let engine = PolicyEngine::new(options.clone());
    let accepted = options.accepted_origins.text();
    let mut lines = vec![format!("options: {}", options_file.display())];
    for line in options.to_text().lines() {
        lines.push(format!("  {line}"));
    }
    lines.push(format!(
        "accepted origins: {}",
        if accepted.is_empty() {
            "none (service-client-api.accepted-web-content-origins is empty: no app gets an answer)"
        } else {
            &accepted
        }
    ));
    let acceptance = |url: &str| match origin_of(url) {
        Some(origin) => match engine.origin_verdict(&origin) {
            Ok(rule) => (true, format!("{origin}, accepted by `{rule}`")),
            Err(_) => (false, format!("{origin}, NOT accepted")),
        },
        None => (false, "not an http(s) URL".to_owned()),
    };
    lines.push(format!("Workspace page (origin A): {}", urls.workspace));
    let (client_accepted, client_note) = acceptance(&urls.client);
    lines.push(format!("client app: {} ({client_note})", urls.client));
    if !urls.uses_sample_app {
        let (_, sample_note) = acceptance(&urls.sample_app);
        lines.push(format!(
            "sample app (scenarios): {} ({sample_note})",
            urls.sample_app
        ));
    }
    let (_, refused_note) = acceptance(&urls.refused_app);
    lines.push(format!(
        "refused-origin app: {} ({refused_note})",
        urls.refused_app
    ));
    if !client_accepted {
        lines.push(format!(
            "warning: the client app's origin is not in service-client-api.accepted-web-content-origins: the emulator ignores its messages (no frameId, no answers). Add it to {}.",
            options_file.display()
        ));
    }
    lines
}

/// Runs the command; returns when the server stops.
pub fn run(args: impl IntoIterator<Item = String>) -> Result<(), String> {
    let Some(args) = parse_args(args)? else {
        print!("{USAGE}");
        return Ok(());
    };
    let options_text = fs::read_to_string(&args.options)
        .map_err(|error| format!("cannot read {}: {error}", args.options.display()))?;
    let parsed = parse_options(&options_text).map_err(|errors| {
        format!(
            "the options file does not read:\n{}",
            option_errors(&args.options, &errors)
        )
    })?;
    for file in ["scapi_emulator.js", "scapi_emulator_bg.wasm"] {
        if !args.wasm.join(file).is_file() {
            return Err(format!(
                "{} is missing: build the host page's wasm first with `cargo xtask emulator-build`",
                args.wasm.join(file).display()
            ));
        }
    }
    if !args.site.join("host.html").is_file() {
        return Err(format!("no host.html in {}", args.site.display()));
    }
    let refused_port = args
        .refused_port
        .unwrap_or(if args.port == 0 { 0 } else { args.port + 1 });
    let listeners = server::bind(args.port, refused_port).map_err(|error| error.to_string())?;
    let urls = Urls::new(&args, listeners.port(), listeners.refused_port());
    let site = Site {
        static_dir: args.site.clone(),
        wasm_dir: args.wasm.clone(),
        options_text,
        config_json: urls.config_json(),
    };
    for line in report(&args.options, &parsed.options, &urls) {
        println!("{line}");
    }
    for note in &parsed.notes {
        println!(
            "note: {}:{}: {}",
            args.options.display(),
            note.line,
            note.note
        );
    }
    let running = listeners.serve(site);
    // Tests and scripts wait for this line.
    println!("ready: {}", urls.workspace);
    running.wait();
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Result<Option<Args>, String> {
        parse_args(list.iter().map(|s| (*s).to_owned()))
    }

    #[test]
    fn arguments_read_in_both_spellings() {
        let parsed = args(&[
            "--options",
            "my.ini",
            "--client=http://localhost:3000/app.html",
            "--port",
            "0",
        ])
        .unwrap()
        .unwrap();
        assert_eq!(parsed.options, PathBuf::from("my.ini"));
        assert_eq!(
            parsed.client.as_deref(),
            Some("http://localhost:3000/app.html")
        );
        assert_eq!(parsed.port, 0);
        assert_eq!(args(&["--help"]).unwrap(), None);
        assert!(args(&["--port", "x"]).unwrap_err().contains("not a port"));
        assert!(args(&["--nope"]).unwrap_err().contains("unknown argument"));
        assert!(args(&["--client"]).unwrap_err().contains("needs a value"));
        assert_eq!(args(&[]).unwrap().unwrap().port, DEFAULT_PORT);
    }

    #[test]
    fn origins_are_what_event_origin_says() {
        assert_eq!(
            origin_of("http://LocalHost:3000/my-app.html?x=1").as_deref(),
            Some("http://localhost:3000")
        );
        assert_eq!(
            origin_of("https://app.example:443/").as_deref(),
            Some("https://app.example")
        );
        assert_eq!(
            origin_of("http://a.example").as_deref(),
            Some("http://a.example")
        );
        assert_eq!(origin_of("file:///tmp/x.html"), None);
        assert_eq!(origin_of("localhost:3000"), None);
    }

    #[test]
    fn option_errors_name_file_line_and_column() {
        let errors = parse_options(
            "[interaction-workspace]\nservice-client-api.accepted-web-content-origins=http://a (voice.diall)\n",
        )
        .unwrap_err();
        let text = option_errors(Path::new("my.ini"), &errors);
        assert!(text.starts_with("my.ini:2:"), "{text}");
        assert!(text.contains("voice.diall"), "{text}");
        assert!(text.contains("did you mean `voice.dial`"), "{text}");
    }

    #[test]
    fn the_report_warns_when_the_client_origin_is_not_accepted() {
        let options = parse_options(
            "service-client-api.accepted-web-content-origins=http://localhost:8917 (*)\n",
        )
        .unwrap()
        .options;
        let demo = Urls::new(&Args::default(), 8917, 8918);
        let lines = report(Path::new("demo.ini"), &options, &demo);
        assert!(lines
            .iter()
            .any(|l| l.contains("client app: http://localhost:8917/client/app.html (http://localhost:8917, accepted by `http://localhost:8917 (*)`)")));
        assert!(lines
            .iter()
            .any(|l| l.contains("refused-origin app: http://127.0.0.1:8918/client/app.html (http://127.0.0.1:8918, NOT accepted)")));
        assert!(!lines.iter().any(|l| l.starts_with("warning")));

        let custom = Args {
            client: Some("http://localhost:3000/my-app.html".to_owned()),
            ..Args::default()
        };
        let urls = Urls::new(&custom, 8917, 8918);
        let lines = report(Path::new("demo.ini"), &options, &urls);
        assert!(lines.iter().any(|l| l.starts_with("warning")), "{lines:#?}");
        let config: serde_json::Value = serde_json::from_str(&urls.config_json()).unwrap();
        assert_eq!(config["clientUrl"], "http://localhost:3000/my-app.html");
        assert_eq!(config["embedSampleApps"], false);
    }
}
