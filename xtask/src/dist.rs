//! `cargo xtask dist`: release wasm → wasm-bindgen → wasm-opt → dist/chrome, dist/firefox, zips.

use crate::process;
use crate::root;
use serde_json::Value;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

pub const TARGET: &str = "wasm32-unknown-unknown";

/// A wasm crate and how its JavaScript glue is generated.
struct WasmCrate {
    package: &'static str,
    /// Folder under the extension root.
    folder: &'static str,
    /// wasm-bindgen's `--target`: a service worker's importScripts and Firefox's background scripts
    /// take classic scripts, so the background's glue is `no-modules`.
    js_target: &'static str,
}

const CRATES: [WasmCrate; 2] = [
    WasmCrate {
        package: "background",
        folder: "background",
        js_target: "no-modules",
    },
    WasmCrate {
        package: "panel",
        folder: "panel",
        js_target: "web",
    },
];

/// Sizes of one optimized wasm file.
pub struct WasmSize {
    pub name: String,
    pub raw: u64,
    pub gzipped: u64,
}

pub fn run() -> Result<Vec<WasmSize>, String> {
    let started = Instant::now();
    let root = root();
    let stage = root.join("target/extension-stage");
    recreate(&stage)?;

    let mut build = Command::new("cargo");
    build.args(["build", "--release", "--target", TARGET]);
    for krate in &CRATES {
        build.args(["-p", krate.package]);
    }
    process::run(build)?;

    let mut sizes = Vec::new();
    for krate in &CRATES {
        let crate_name = krate.package.replace('-', "_");
        sizes.push(bindgen_and_optimize(
            &crate_name,
            &stage.join(krate.folder),
            krate.js_target,
        )?);
    }

    let manifest: Value = serde_json::from_str(
        &fs::read_to_string(root.join("manifest.json"))
            .map_err(|e| format!("cannot read manifest.json: {e}"))?,
    )
    .map_err(|e| format!("manifest.json is not valid JSON: {e}"))?;

    let dist = root.join("dist");
    for browser in ["chrome", "firefox"] {
        let out = dist.join(browser);
        recreate(&out)?;
        copy_tree(&root.join("extension"), &out)?;
        copy_tree(&stage, &out)?;
        let manifest = for_browser(&manifest, browser);
        write(
            &out.join("manifest.json"),
            serde_json::to_string_pretty(&manifest)
                .expect("JSON")
                .as_bytes(),
        )?;
        zip_dir(&out, &dist.join(format!("scapi-inspector-{browser}.zip")))?;
    }
    for size in &sizes {
        println!(
            "dist: {} wasm {} bytes raw, {} bytes gzipped",
            size.name, size.raw, size.gzipped
        );
    }
    println!(
        "dist: wrote dist/chrome, dist/firefox and their zips in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    Ok(sizes)
}

/// The release wasm of the library `crate_name` (already built for wasm32) → wasm-bindgen's JS
/// glue for `js_target` → wasm-opt, into `out_dir`. The emulator's host page goes through the
/// same pipeline (`emulator.rs`).
pub fn bindgen_and_optimize(
    crate_name: &str,
    out_dir: &Path,
    js_target: &str,
) -> Result<WasmSize, String> {
    let root = root();
    let artifact = root
        .join("target")
        .join(TARGET)
        .join("release")
        .join(format!("{crate_name}.wasm"));
    let mut bindgen = Command::new("wasm-bindgen");
    bindgen
        .arg(&artifact)
        .args(["--target", js_target, "--no-typescript", "--out-dir"])
        .arg(out_dir);
    process::run(bindgen)?;
    let wasm = out_dir.join(format!("{crate_name}_bg.wasm"));
    let mut opt = Command::new(root.join("node_modules/.bin/wasm-opt"));
    opt.arg(&wasm)
        .arg("-o")
        .arg(&wasm)
        .args(["-Oz", "--strip-debug"]);
    // The features rustc's wasm32 target emits by default.
    opt.args([
        "--enable-bulk-memory",
        "--enable-nontrapping-float-to-int",
        "--enable-sign-ext",
        "--enable-reference-types",
        "--enable-multivalue",
        "--enable-mutable-globals",
    ]);
    process::run(opt)?;
    measure(&wasm)
}

/// One manifest source, two browsers: Chrome before 121 rejects `background.scripts`, and Chrome
/// warns about `browser_specific_settings`; Firefox runs `background.scripts` as an event page and
/// warns that it ignores `service_worker`.
pub fn for_browser(source: &Value, browser: &str) -> Value {
    let mut manifest = source.clone();
    let object = manifest.as_object_mut().expect("manifest is an object");
    match browser {
        "chrome" => {
            object.remove("browser_specific_settings");
            if let Some(background) = object.get_mut("background").and_then(Value::as_object_mut) {
                background.remove("scripts");
            }
        }
        _ => {
            object.remove("minimum_chrome_version");
            if let Some(background) = object.get_mut("background").and_then(Value::as_object_mut) {
                background.remove("service_worker");
            }
        }
    }
    manifest
}

fn measure(wasm: &Path) -> Result<WasmSize, String> {
    let bytes = fs::read(wasm).map_err(|e| format!("cannot read {}: {e}", wasm.display()))?;
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    gz.write_all(&bytes).expect("in memory");
    let gzipped = gz.finish().expect("in memory").len() as u64;
    Ok(WasmSize {
        name: wasm.file_name().unwrap().to_string_lossy().into_owned(),
        raw: bytes.len() as u64,
        gzipped,
    })
}

pub fn recreate(dir: &Path) -> Result<(), String> {
    if dir.exists() {
        fs::remove_dir_all(dir).map_err(|e| format!("cannot remove {}: {e}", dir.display()))?;
    }
    fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))
}

fn write(path: &Path, bytes: &[u8]) -> Result<(), String> {
    fs::write(path, bytes).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

fn files_under(dir: &Path) -> Result<Vec<PathBuf>, String> {
    let mut files = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(current) = pending.pop() {
        let entries = fs::read_dir(&current)
            .map_err(|e| format!("cannot list {}: {e}", current.display()))?;
        for entry in entries {
            let path = entry.map_err(|e| e.to_string())?.path();
            if path.is_dir() {
                pending.push(path);
            } else {
                files.push(path);
            }
        }
    }
    files.sort();
    Ok(files)
}

fn copy_tree(from: &Path, to: &Path) -> Result<(), String> {
    for file in files_under(from)? {
        let target = to.join(file.strip_prefix(from).expect("under from"));
        if let Some(parent) = target.parent() {
            fs::create_dir_all(parent)
                .map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
        }
        fs::copy(&file, &target).map_err(|e| format!("cannot copy {}: {e}", file.display()))?;
    }
    Ok(())
}

fn zip_dir(dir: &Path, zip_path: &Path) -> Result<(), String> {
    let file = fs::File::create(zip_path)
        .map_err(|e| format!("cannot create {}: {e}", zip_path.display()))?;
    let mut zip = zip::ZipWriter::new(file);
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for path in files_under(dir)? {
        let name = path
            .strip_prefix(dir)
            .expect("under dir")
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect::<Vec<_>>()
            .join("/");
        zip.start_file(name, options).map_err(|e| e.to_string())?;
        let bytes = fs::read(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        zip.write_all(&bytes).map_err(|e| e.to_string())?;
    }
    zip.finish()
        .map_err(|e| format!("cannot finish {}: {e}", zip_path.display()))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn source() -> Value {
        serde_json::from_str(&fs::read_to_string(root().join("manifest.json")).unwrap()).unwrap()
    }

    #[test]
    fn the_manifest_source_has_what_both_browsers_need() {
        let manifest = source();
        assert_eq!(manifest["manifest_version"], 3);
        assert_eq!(manifest["devtools_page"], "devtools.html");
        assert_eq!(manifest["minimum_chrome_version"], "111");
        assert_eq!(
            manifest["content_security_policy"]["extension_pages"],
            "script-src 'self' 'wasm-unsafe-eval'; object-src 'self'"
        );
        let gecko = &manifest["browser_specific_settings"]["gecko"];
        assert!(gecko["id"].is_string());
        assert_eq!(gecko["strict_min_version"], "128.0");
        assert!(gecko["data_collection_permissions"].is_object());
        let scripts = manifest["content_scripts"].as_array().unwrap();
        let main = scripts.iter().find(|s| s["world"] == "MAIN").unwrap();
        assert_eq!(main["js"][0], "hook.js");
        for script in scripts {
            assert_eq!(script["run_at"], "document_start");
            assert_eq!(script["all_frames"], true);
            assert_eq!(script["match_about_blank"], true);
        }
    }

    #[test]
    fn chrome_gets_a_service_worker_and_firefox_background_scripts() {
        let chrome = for_browser(&source(), "chrome");
        assert_eq!(chrome["background"]["service_worker"], "background.js");
        assert!(chrome["background"].get("scripts").is_none());
        assert!(chrome.get("browser_specific_settings").is_none());
        let firefox = for_browser(&source(), "firefox");
        // The event page loads the wasm glue first; the service worker imports it itself.
        assert_eq!(
            firefox["background"]["scripts"],
            serde_json::json!(["background/background.js", "background.js"])
        );
        assert!(firefox["background"].get("service_worker").is_none());
        assert!(firefox["browser_specific_settings"]["gecko"]["id"].is_string());
        assert!(firefox.get("minimum_chrome_version").is_none());
    }
}
