//! A static file server for the release build in `dist/`, on loopback only.

use std::path::{Component, Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::thread;

pub struct StaticServer {
    pub url: String,
    server: Arc<tiny_http::Server>,
    /// Files whose names start with this fail as a dropped connection would.
    refused: Arc<Mutex<Option<String>>>,
}

impl StaticServer {
    /// Serves `root` on 127.0.0.1 at a free port.
    pub fn start(root: PathBuf) -> StaticServer {
        let server =
            Arc::new(tiny_http::Server::http("127.0.0.1:0").expect("bind a loopback port"));
        let port = server.server_addr().to_ip().expect("an IP address").port();
        let serving = Arc::clone(&server);
        let refused = Arc::new(Mutex::new(None::<String>));
        let refusing = Arc::clone(&refused);
        thread::spawn(move || {
            for request in serving.incoming_requests() {
                let prefix = refusing.lock().map(|p| p.clone()).unwrap_or_default();
                let response = match prefix {
                    Some(prefix) if request.url().trim_start_matches("/").starts_with(&prefix) => {
                        tiny_http::Response::from_data(b"unavailable".to_vec())
                            .with_status_code(503)
                    }
                    _ => respond(&root, request.url()),
                };
                let _ = request.respond(response);
            }
        });
        StaticServer {
            url: format!("http://127.0.0.1:{port}/"),
            server,
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
    fn drop(&mut self) {
        self.server.unblock();
    }
}

fn respond(root: &Path, url: &str) -> tiny_http::Response<std::io::Cursor<Vec<u8>>> {
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
        Ok(bytes) if safe => {
            let header = tiny_http::Header::from_bytes("Content-Type", content_type(&file))
                .expect("a valid header");
            tiny_http::Response::from_data(bytes).with_header(header)
        }
        _ => tiny_http::Response::from_data(b"not found".to_vec()).with_status_code(404),
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
