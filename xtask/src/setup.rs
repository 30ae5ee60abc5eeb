//! Installs what the build and the tests need, idempotently, saying what it does.

use crate::process::{output, run};
use crate::root;
use std::path::Path;
use std::process::Command;

pub const CHROMIUM: &str = "/usr/bin/chromium";
pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
pub const FIREFOX: &str = "/usr/bin/firefox-esr";
/// The oldest Firefox ESR the Firefox suite runs on: its WebDriver BiDi evaluates in the browser
/// window's chrome scope (`moz:scope`), the only way the tests reach extension pages. Debian 12's
/// main archive has 140; bookworm-security has 153.
pub const FIREFOX_MIN_MAJOR: u32 = 153;

/// The wasm-bindgen version pinned in the workspace `Cargo.toml` (`wasm-bindgen = "=X"`).
pub fn pinned_wasm_bindgen() -> Result<String, String> {
    let manifest = std::fs::read_to_string(root().join("Cargo.toml"))
        .map_err(|e| format!("cannot read Cargo.toml: {e}"))?;
    manifest
        .lines()
        .find_map(|line| {
            let rest = line.trim().strip_prefix("wasm-bindgen = \"=")?;
            Some(rest.trim_end_matches('"').to_owned())
        })
        .ok_or_else(|| "Cargo.toml does not pin wasm-bindgen as `wasm-bindgen = \"=X\"`".to_owned())
}

/// The wasm target, the wasm-bindgen CLI and the npm packages.
pub fn for_build() -> Result<(), String> {
    wasm_target()?;
    wasm_bindgen_cli()?;
    npm_packages()
}

fn wasm_target() -> Result<(), String> {
    let installed = output("rustup", &["target", "list", "--installed"]).unwrap_or_default();
    if installed
        .lines()
        .any(|t| t.trim() == "wasm32-unknown-unknown")
    {
        return Ok(());
    }
    println!("setup: installing the Rust target wasm32-unknown-unknown");
    let mut command = Command::new("rustup");
    command.args(["target", "add", "wasm32-unknown-unknown"]);
    run(command)
}

fn wasm_bindgen_cli() -> Result<(), String> {
    let pinned = pinned_wasm_bindgen()?;
    let current = output("wasm-bindgen", &["--version"]).unwrap_or_default();
    if current.split_whitespace().nth(1) == Some(pinned.as_str()) {
        return Ok(());
    }
    println!("setup: installing wasm-bindgen-cli {pinned} (matches the pinned crate; about 2 minutes, once)");
    let mut command = Command::new("cargo");
    // No --locked: one of its locked dependencies is missing from the registry.
    command.args(["install", "wasm-bindgen-cli", "--version", &pinned]);
    run(command)
}

fn npm_packages() -> Result<(), String> {
    let root = root();
    let lock = root.join("package-lock.json");
    let installed = root.join("node_modules/.package-lock.json");
    if is_newer_or_same(&installed, &lock) {
        return Ok(());
    }
    println!("setup: installing npm packages (binaryen for wasm-opt, playwright-core, puppeteer-core, web-ext)");
    let mut command = Command::new("npm");
    command.args(["ci", "--no-audit", "--no-fund"]);
    run(command)
}

fn is_newer_or_same(target: &Path, source: &Path) -> bool {
    let modified = |path: &Path| std::fs::metadata(path).and_then(|m| m.modified()).ok();
    match (modified(target), modified(source)) {
        (Some(target), Some(source)) => target >= source,
        _ => false,
    }
}

/// Debian's Chromium and ChromeDriver, for the browser tests and the benchmark.
pub fn browser() -> Result<(), String> {
    if Path::new(CHROMIUM).exists() && Path::new(CHROMEDRIVER).exists() {
        return Ok(());
    }
    println!("setup: installing Chromium and ChromeDriver from Debian (apt-get)");
    let install = || {
        let mut command = Command::new("apt-get");
        command.args([
            "install",
            "-y",
            "--no-install-recommends",
            "chromium",
            "chromium-driver",
        ]);
        command.env("DEBIAN_FRONTEND", "noninteractive");
        run(command)
    };
    if install().is_err() {
        println!("setup: refreshing apt's package lists, then trying again");
        let mut update = Command::new("apt-get");
        update.arg("update");
        run(update)?;
        install()?;
    }
    Ok(())
}

/// The major version of the installed firefox-esr (`Mozilla Firefox 153.8.0esr`), if any.
fn firefox_major() -> Option<u32> {
    if !Path::new(FIREFOX).exists() {
        return None;
    }
    let version = output(FIREFOX, &["--version"])?;
    version
        .split_whitespace()
        .find_map(|word| word.split('.').next()?.parse().ok())
}

/// Debian's Firefox ESR, for the Firefox end-to-end suite (driven by puppeteer-core over BiDi).
pub fn firefox() -> Result<(), String> {
    if firefox_major().is_some_and(|major| major >= FIREFOX_MIN_MAJOR) {
        return Ok(());
    }
    println!("setup: installing Firefox ESR (≥ {FIREFOX_MIN_MAJOR}) from Debian (apt-get update, then apt-get install)");
    // The version needed is in bookworm-security, so apt's lists are refreshed first.
    let mut update = Command::new("apt-get");
    update.arg("update");
    run(update)?;
    let mut install = Command::new("apt-get");
    install.args(["install", "-y", "--no-install-recommends", "firefox-esr"]);
    install.env("DEBIAN_FRONTEND", "noninteractive");
    run(install)?;
    match firefox_major() {
        Some(major) if major >= FIREFOX_MIN_MAJOR => Ok(()),
        found => Err(format!(
            "apt installed Firefox ESR {found:?}; the Firefox suite needs {FIREFOX_MIN_MAJOR} or later"
        )),
    }
}
