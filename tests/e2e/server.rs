//! A static file server for the release build in `dist/`, on loopback only.
//!
//! One connection per request (`Connection: close`), each answered on its own
//! thread: no kept-alive connection whose state a browser and the server
//! could see differently (with a keep-alive server, Chromium now and then
//! waited for ever on a module it had asked for), and a browser that stops
//! reading one answer never holds up another.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;

pub struct StaticServer {
    pub url: String,
    address: std::net::SocketAddr,
    stopped: Arc<AtomicBool>,
    /// Files whose names start with this fail as a dropped connection would.
    refused: Arc<Mutex<Option<String>>>,
}

impl StaticServer {
    /// Serves `root` on 127.0.0.1 at a free port.
    pub fn start(root: PathBuf) -> StaticServer {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind a loopback port");
        let address = listener.local_addr().expect("a local address");
        let stopped = Arc::new(AtomicBool::new(false));
        let refused = Arc::new(Mutex::new(None::<String>));
        let (stopping, refusing) = (Arc::clone(&stopped), Arc::clone(&refused));
        thread::spawn(move || {
            for stream in listener.incoming() {
                if stopping.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(stream) = stream else { continue };
                let root = root.clone();
                let refusing = Arc::clone(&refusing);
                thread::spawn(move || {
                    let prefix = refusing.lock().map(|p| p.clone()).unwrap_or_default();
                    answer(stream, &root, prefix.as_deref());
                });
            }
        });
        StaticServer {
            url: format!("http://127.0.0.1:{}/", address.port()),
            address,
            stopped,
            refused,
        }
    }

    /// From now on, files whose names start with `prefix` fail to load (503),
    /// as if the network dropped; `None` serves everything again.
    pub fn refuse(&self, prefix: Option<&str>) {
        if let Ok(mut refused) = self.refused.lock() {
            *refused = prefix.map(str::to_string);
        }
    }
}

impl Drop for StaticServer {
    /// Stops accepting: the port closes, as a network that went away.
    fn drop(&mut self) {
        self.stopped.store(true, Ordering::SeqCst);
        // Wakes the accept loop so that it sees the flag and ends.
        let _ = TcpStream::connect(self.address);
    }
}

/// Reads one request's head and writes its answer, then closes.
fn answer(stream: TcpStream, root: &Path, refused: Option<&str>) {
    let mut reader = BufReader::new(&stream);
    let mut request_line = String::new();
    if reader.read_line(&mut request_line).is_err() {
        return;
    }
    // The rest of the head (a GET has no body).
    let mut line = String::new();
    while reader.read_line(&mut line).map(|n| n > 2).unwrap_or(false) {
        line.clear();
    }
    let url = request_line.split(' ').nth(1).unwrap_or("/");
    let (status, content_type, body) = match refused {
        Some(prefix) if url.trim_start_matches('/').starts_with(prefix) => (
            "503 Service Unavailable",
            "text/plain",
            b"unavailable".to_vec(),
        ),
        _ => respond(root, url),
    };
    let head = format!(
        "HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    let mut stream = &stream;
    let _ = stream.write_all(head.as_bytes());
    let _ = stream.write_all(&body);
    let _ = stream.flush();
}

fn respond(root: &Path, url: &str) -> (&'static str, &'static str, Vec<u8>) {
    let path = url.split(['?', '#']).next().unwrap_or("/");
    let relative = path.trim_start_matches('/');
    let relative = if relative.is_empty() {
        "index.html"
    } else {
        relative
    };
    let safe = Path::new(relative)
        .components()
        .all(|part| matches!(part, Component::Normal(_)));
    let file = root.join(relative);
    match std::fs::read(&file) {
        Ok(bytes) if safe => ("200 OK", content_type(&file), bytes),
        _ => ("404 Not Found", "text/plain", b"not found".to_vec()),
    }
}

fn content_type(file: &Path) -> &'static str {
    match file.extension().and_then(|ext| ext.to_str()) {
        Some("html") => "text/html; charset=utf-8",
        Some("js") => "text/javascript",
        Some("wasm") => "application/wasm",
        Some("css") => "text/css",
        Some("svg") => "image/svg+xml",
        Some("json") => "application/json",
        Some("png") => "image/png",
        Some("webmanifest") => "application/manifest+json",
        _ => "application/octet-stream",
    }
}
