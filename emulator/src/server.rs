//! The static server of the emulator site, on loopback: one port for the Workspace page (origin A,
//! `http://127.0.0.1:PORT`) and the client apps (origin B, `http://localhost:PORT`), and a second
//! port whose origin (`http://127.0.0.1:REFUSED_PORT`) the demo options do not accept.
//!
//! Everything is served on every host name and port: which origin a page runs in is decided by the
//! URL the host page uses for it.

use std::fs;
use std::io;
use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr};
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;
use std::thread::JoinHandle;
use tiny_http::{Header, Request, Response, Server};

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

/// Worker threads per listening socket: Chromium opens several connections at once.
const WORKERS: usize = 4;

/// The listening server.
pub struct Running {
    /// The port of origins A and B.
    pub port: u16,
    /// The port of the refused origin.
    pub refused_port: u16,
    servers: Vec<Arc<Server>>,
    workers: Vec<JoinHandle<()>>,
}

impl Running {
    /// Serves until the process ends.
    pub fn wait(self) {
        for worker in self.workers {
            let _ = worker.join();
        }
    }

    /// Stops every listener and waits for the workers.
    pub fn stop(self) {
        // Each unblock releases one thread waiting in recv().
        for server in &self.servers {
            for _ in 0..WORKERS {
                server.unblock();
            }
        }
        for worker in self.workers {
            let _ = worker.join();
        }
    }
}

fn listen(address: SocketAddr) -> io::Result<Server> {
    Server::http(address).map_err(|error| {
        io::Error::new(
            io::ErrorKind::AddrInUse,
            format!("cannot listen on {address}: {error}"),
        )
    })
}

fn port_of(server: &Server) -> u16 {
    server
        .server_addr()
        .to_ip()
        .map(|address| address.port())
        .unwrap_or(0)
}

/// Bound sockets, not yet answering.
pub struct Listeners {
    servers: Vec<Server>,
    port: u16,
    refused_port: u16,
}

/// Listens on `127.0.0.1:port` (and `[::1]:port` when the machine has IPv6 loopback, since
/// `localhost` may resolve to it first) and on `127.0.0.1:refused_port`. Port 0 picks a free one.
pub fn bind(port: u16, refused_port: u16) -> io::Result<Listeners> {
    let main = listen(SocketAddr::from((Ipv4Addr::LOCALHOST, port)))?;
    let port = port_of(&main);
    let mut servers = vec![main];
    if let Ok(v6) = listen(SocketAddr::from((Ipv6Addr::LOCALHOST, port))) {
        servers.push(v6);
    }
    let refused = listen(SocketAddr::from((Ipv4Addr::LOCALHOST, refused_port)))?;
    let refused_port = port_of(&refused);
    servers.push(refused);
    Ok(Listeners {
        servers,
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

    /// Starts answering with `site`.
    pub fn serve(self, site: Site) -> Running {
        let site = Arc::new(site);
        let servers: Vec<Arc<Server>> = self.servers.into_iter().map(Arc::new).collect();
        let mut workers = Vec::new();
        for server in &servers {
            for _ in 0..WORKERS {
                let server = Arc::clone(server);
                let site = Arc::clone(&site);
                workers.push(std::thread::spawn(move || {
                    while let Ok(request) = server.recv() {
                        respond(&site, request);
                    }
                }));
            }
        }
        Running {
            port: self.port,
            refused_port: self.refused_port,
            servers,
            workers,
        }
    }
}

fn header(name: &str, value: &str) -> Header {
    Header::from_bytes(name.as_bytes(), value.as_bytes()).expect("a valid header")
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

fn respond(site: &Site, request: Request) {
    let (status, kind, body) = resolve(site, request.url());
    let response = Response::from_data(body)
        .with_status_code(status)
        .with_header(header("Content-Type", kind))
        .with_header(header("Cache-Control", "no-store"));
    // A client that went away is not the server's problem.
    let _ = request.respond(response);
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
        running.stop();
    }
}
