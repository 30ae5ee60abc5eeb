//! The static server of the emulator site, on loopback: one port for the Workspace page (origin A,
//! `http://127.0.0.1:PORT`) and the client apps (origin B, `http://localhost:PORT`), and a second
//! port whose origin (`http://127.0.0.1:REFUSED_PORT`) the demo options do not accept.
//!
//! Everything is served on every host name and port: which origin a page runs in is decided by the
//! URL the host page uses for it.
//!
//! The standard library is enough: GET and HEAD of static files, a thread per connection, one
//! request per connection (`Connection: close`). An earlier version used tiny_http 0.12, whose
//! task pool can lose a wake-up when two connections arrive together and leave a keep-alive
//! connection unserved until another one closes: Chromium then waited about 80 s for a script.

use std::fs;
use std::io::{self, BufRead, BufReader, Write};
use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr, TcpListener, TcpStream};
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

/// What the server serves.
#[derive(Clone, Debug)]
pub struct Site {
    /// `emulator/site/`: the host page, its glue, the sample client app.
    pub static_dir: PathBuf,
    /// The wasm-bindgen output for the host page (`scapi_emulator.js`, `scapi_emulator_bg.wasm`),
    /// served under `/pkg/`.
    pub wasm_dir: PathBuf,
    /// The options file's text, served as `/emulator/options.ini` (the page builds its policy
    /// engine from it).
    pub options_text: String,
    /// The page's settings, served as `/emulator/config.json`.
    pub config_json: String,
}

/// How long a connection may take to send its request.
const READ_TIMEOUT: Duration = Duration::from_secs(10);
/// The longest request head read (a GET of a static file needs far less).
const MAX_HEAD_BYTES: usize = 16 * 1024;

/// The listening server.
pub struct Running {
    /// The port of origins A and B.
    pub port: u16,
    /// The port of the refused origin.
    pub refused_port: u16,
    addresses: Vec<SocketAddr>,
    stopping: Arc<AtomicBool>,
    acceptors: Vec<JoinHandle<()>>,
}

impl Running {
    /// Serves until the process ends.
    pub fn wait(self) {
        for acceptor in self.acceptors {
            let _ = acceptor.join();
        }
    }

    /// Stops every listener and waits for them.
    pub fn stop(self) {
        self.stopping.store(true, Ordering::SeqCst);
        // A connection wakes each acceptor blocked in accept(); it then sees the flag.
        for address in &self.addresses {
            let _ = TcpStream::connect(address);
        }
        for acceptor in self.acceptors {
            let _ = acceptor.join();
        }
    }
}

fn listen(address: SocketAddr) -> io::Result<TcpListener> {
    TcpListener::bind(address).map_err(|error| {
        io::Error::new(error.kind(), format!("cannot listen on {address}: {error}"))
    })
}

/// Bound sockets, not yet answering.
pub struct Listeners {
    listeners: Vec<TcpListener>,
    port: u16,
    refused_port: u16,
}

/// Listens on `127.0.0.1:port` (and `[::1]:port` when the machine has IPv6 loopback, since
/// `localhost` may resolve to it first) and on `127.0.0.1:refused_port`. Port 0 picks a free one.
pub fn bind(port: u16, refused_port: u16) -> io::Result<Listeners> {
    let main = listen(SocketAddr::from((Ipv4Addr::LOCALHOST, port)))?;
    let port = main.local_addr()?.port();
    let mut listeners = vec![main];
    if let Ok(v6) = listen(SocketAddr::from((Ipv6Addr::LOCALHOST, port))) {
        listeners.push(v6);
    }
    let refused = listen(SocketAddr::from((Ipv4Addr::LOCALHOST, refused_port)))?;
    let refused_port = refused.local_addr()?.port();
    listeners.push(refused);
    Ok(Listeners {
        listeners,
        port,
        refused_port,
    })
}

impl Listeners {
    /// The port of origins A and B.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The port of the refused origin.
    pub fn refused_port(&self) -> u16 {
        self.refused_port
    }

    /// Starts answering with `site`: a thread per connection, one request per connection.
    pub fn serve(self, site: Site) -> Running {
        let site = Arc::new(site);
        let stopping = Arc::new(AtomicBool::new(false));
        let mut addresses = Vec::new();
        let mut acceptors = Vec::new();
        for listener in self.listeners {
            if let Ok(address) = listener.local_addr() {
                addresses.push(address);
            }
            let site = Arc::clone(&site);
            let stopping = Arc::clone(&stopping);
            acceptors.push(std::thread::spawn(move || {
                for stream in listener.incoming() {
                    if stopping.load(Ordering::SeqCst) {
                        break;
                    }
                    let Ok(stream) = stream else { continue };
                    let site = Arc::clone(&site);
                    std::thread::spawn(move || {
                        // A client that went away is not the server's problem.
                        let _ = answer(&site, stream);
                    });
                }
            }));
        }
        Running {
            port: self.port,
            refused_port: self.refused_port,
            addresses,
            stopping,
            acceptors,
        }
    }
}

/// Reads one request head and writes its response, then closes: no keep-alive, so no idle
/// connection ever holds a thread or delays another request.
fn answer(site: &Site, stream: TcpStream) -> io::Result<()> {
    stream.set_read_timeout(Some(READ_TIMEOUT))?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut request_line = String::new();
    reader.read_line(&mut request_line)?;
    let mut head_bytes = request_line.len();
    loop {
        let mut line = String::new();
        let read = reader.read_line(&mut line)?;
        head_bytes += read;
        if read == 0 || line == "\r\n" || line == "\n" || head_bytes > MAX_HEAD_BYTES {
            break;
        }
    }
    let mut parts = request_line.split_whitespace();
    let (method, target) = (parts.next().unwrap_or(""), parts.next().unwrap_or("/"));
    let (status, kind, body) = match method {
        "GET" | "HEAD" => resolve(site, target),
        _ => (
            405,
            "text/plain; charset=utf-8",
            b"only GET and HEAD".to_vec(),
        ),
    };
    let mut stream = stream;
    write!(
        stream,
        "HTTP/1.1 {status} {}\r\nContent-Type: {kind}\r\nContent-Length: {}\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n",
        reason(status),
        body.len()
    )?;
    if method != "HEAD" {
        stream.write_all(&body)?;
    }
    stream.flush()
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        204 => "No Content",
        403 => "Forbidden",
        404 => "Not Found",
        _ => "Method Not Allowed",
    }
}

fn content_type(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()) {
        Some("html") => "text/html; charset=utf-8",
        Some("js" | "mjs") => "text/javascript; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("json") => "application/json; charset=utf-8",
        // instantiateStreaming wants exactly this type.
        Some("wasm") => "application/wasm",
        Some("png") => "image/png",
        Some("svg") => "image/svg+xml",
        _ => "text/plain; charset=utf-8",
    }
}

/// A path under `base`, or `None` when the URL path tries to leave it.
fn under(base: &Path, url_path: &str) -> Option<PathBuf> {
    let relative = Path::new(url_path.trim_start_matches('/'));
    if relative
        .components()
        .any(|c| !matches!(c, Component::Normal(_)))
    {
        return None;
    }
    Some(base.join(relative))
}

/// What a GET of `url_path` serves: `(status, content type, body)`.
pub fn resolve(site: &Site, url_path: &str) -> (u16, &'static str, Vec<u8>) {
    let path = url_path.split(['?', '#']).next().unwrap_or("/");
    let file = match path {
        "/favicon.ico" => return (204, "text/plain; charset=utf-8", Vec::new()),
        "/emulator/options.ini" => {
            return (
                200,
                "text/plain; charset=utf-8",
                site.options_text.clone().into_bytes(),
            )
        }
        "/emulator/config.json" => {
            return (
                200,
                "application/json; charset=utf-8",
                site.config_json.clone().into_bytes(),
            )
        }
        "/" | "/index.html" => Some(site.static_dir.join("host.html")),
        _ => match path.strip_prefix("/pkg/") {
            Some(rest) => under(&site.wasm_dir, rest),
            None => under(&site.static_dir, path),
        },
    };
    let Some(file) = file else {
        return (403, "text/plain; charset=utf-8", b"forbidden".to_vec());
    };
    match fs::read(&file) {
        Ok(body) => (200, content_type(&file), body),
        Err(_) => (404, "text/plain; charset=utf-8", b"not found".to_vec()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{Read, Write};
    use std::net::TcpStream;

    fn site() -> Site {
        let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
        Site {
            static_dir: root.join("site"),
            wasm_dir: root.join("does-not-exist"),
            options_text: "service-client-api.accepted-web-content-origins=*\n".to_owned(),
            config_json: r#"{"clientUrl":"x"}"#.to_owned(),
        }
    }

    #[test]
    fn paths_resolve_inside_the_site_only() {
        let site = site();
        let (status, kind, body) = resolve(&site, "/");
        assert_eq!((status, kind), (200, "text/html; charset=utf-8"));
        assert!(String::from_utf8(body).unwrap().contains("host.js"));
        assert_eq!(resolve(&site, "/client/app.html?name=x").0, 200);
        assert_eq!(resolve(&site, "/../Cargo.toml").0, 403);
        assert_eq!(resolve(&site, "/pkg/../../Cargo.toml").0, 403);
        assert_eq!(resolve(&site, "/nothing.js").0, 404);
        let (status, kind, body) = resolve(&site, "/emulator/options.ini");
        assert_eq!((status, kind), (200, "text/plain; charset=utf-8"));
        assert_eq!(body, site.options_text.as_bytes());
        assert_eq!(
            resolve(&site, "/emulator/config.json").1,
            "application/json; charset=utf-8"
        );
        assert_eq!(content_type(Path::new("a/b_bg.wasm")), "application/wasm");
    }

    fn get(port: u16, path: &str) -> String {
        let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
        write!(
            stream,
            "GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n"
        )
        .unwrap();
        let mut response = String::new();
        stream.read_to_string(&mut response).unwrap();
        response
    }

    #[test]
    fn both_ports_serve_the_site() {
        let running = bind(0, 0).unwrap().serve(site());
        assert_ne!(running.port, running.refused_port);
        let host = get(running.port, "/");
        assert!(host.starts_with("HTTP/1.1 200"), "{host}");
        assert!(host
            .to_ascii_lowercase()
            .contains("cache-control: no-store"));
        let app = get(running.refused_port, "/client/app.html");
        assert!(app.starts_with("HTTP/1.1 200"), "{app}");
        assert!(get(running.port, "/missing").starts_with("HTTP/1.1 404"));
        assert!(host.contains("Connection: close"));
        running.stop();
    }
}
