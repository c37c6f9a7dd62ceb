//! Drives the real Castwright binary through tauri-driver (which starts WebKitWebDriver).
//! Run by `scripts/e2e.sh` under Xvfb and a D-Bus session with an unlocked keyring.

#![allow(dead_code)]

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};

/// How long to wait for the DOM. The first frame under Xvfb can be blank for seconds, so we
/// wait on elements, never on sleeps; this is only the give-up point.
pub const DOM_TIMEOUT: Duration = Duration::from_secs(60);

pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .unwrap()
}

/// The app binary under test: `CASTWRIGHT_APP` or the workspace's debug build.
pub fn app_binary() -> PathBuf {
    match std::env::var_os("CASTWRIGHT_APP") {
        Some(p) => PathBuf::from(p),
        None => repo_root().join("target/debug/castwright"),
    }
}

pub fn artifacts_dir() -> PathBuf {
    let dir = repo_root().join("artifacts/e2e");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A running tauri-driver, stopped with SIGTERM on drop (SIGKILL would orphan
/// WebKitWebDriver on its port).
pub struct Driver {
    child: Child,
    pub port: u16,
}

impl Driver {
    /// Starts tauri-driver with `env` passed down to WebKitWebDriver and so to the app.
    pub fn start(env: &[(&str, &str)]) -> Driver {
        let port = free_port();
        let native_port = free_port();
        let mut cmd = Command::new("tauri-driver");
        cmd.args([
            "--port",
            &port.to_string(),
            "--native-port",
            &native_port.to_string(),
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        // No accessibility bus under Xvfb: keeps GTK from starting helpers we would orphan.
        .env("NO_AT_BRIDGE", "1");
        for (k, v) in env {
            cmd.env(k, v);
        }
        let child = cmd
            .spawn()
            .expect("tauri-driver on PATH (cargo install tauri-driver)");
        let deadline = Instant::now() + Duration::from_secs(30);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < deadline, "tauri-driver did not start");
            std::thread::sleep(Duration::from_millis(50));
        }
        Driver { child, port }
    }

    /// Launches the app in a new WebDriver session.
    pub async fn launch(&self) -> Client {
        let mut caps = serde_json::Map::new();
        caps.insert(
            "tauri:options".into(),
            serde_json::json!({ "application": app_binary() }),
        );
        caps.insert("browserName".into(), serde_json::json!("wry"));
        // tauri-driver answers on its port before the WebKitWebDriver it starts is listening;
        // a session asked for in that moment is cut off, so ask again a few times.
        let mut attempt = 0;
        loop {
            attempt += 1;
            let connected =
                ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
                    .capabilities(caps.clone())
                    .connect(&format!("http://127.0.0.1:{}", self.port))
                    .await;
            match connected {
                Ok(client) => return client,
                Err(e) if attempt < 5 => {
                    eprintln!("WebDriver session not ready ({e}); trying again");
                    tokio::time::sleep(Duration::from_millis(500 * attempt)).await;
                }
                Err(e) => panic!("a WebDriver session with the app: {e}"),
            }
        }
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn css(sel: &str) -> Locator<'_> {
    Locator::Css(sel)
}

/// Waits until the element exists and is displayed.
pub async fn wait_for(client: &Client, sel: &str) -> fantoccini::elements::Element {
    match client
        .wait()
        .at_most(DOM_TIMEOUT)
        .for_element(css(sel))
        .await
    {
        Ok(el) => el,
        Err(e) => {
            screenshot(client, "failure").await;
            panic!("{sel} did not appear: {e}");
        }
    }
}

/// Waits until the element's text contains `needle`.
pub async fn wait_for_text(client: &Client, sel: &str, needle: &str) -> String {
    let deadline = Instant::now() + DOM_TIMEOUT;
    loop {
        if let Ok(el) = client.find(css(sel)).await {
            if let Ok(text) = el.text().await {
                if text.contains(needle) {
                    return text;
                }
            }
        }
        if Instant::now() >= deadline {
            screenshot(client, "failure").await;
            let body = match client.find(css("body")).await {
                Ok(b) => b.text().await.unwrap_or_default(),
                Err(_) => String::new(),
            };
            panic!("{sel} never contained {needle:?}; the page said:\n{body}");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

pub async fn screenshot(client: &Client, name: &str) {
    if let Ok(png) = client.screenshot().await {
        let _ = std::fs::write(artifacts_dir().join(format!("{name}.png")), png);
    }
}

/// Waits for the element, then clicks it.
pub async fn click(client: &Client, sel: &str) {
    let el = wait_for(client, sel).await;
    if let Err(e) = el.click().await {
        screenshot(client, "failure").await;
        panic!("{sel} could not be clicked: {e}");
    }
}

/// Replaces what a field holds with `value`, typed as a person would.
pub async fn set_value(client: &Client, sel: &str, value: &str) {
    let el = wait_for(client, sel).await;
    el.clear().await.unwrap();
    el.send_keys(value).await.unwrap();
}

/// The element's `textContent`, with runs of white space read as one space. WebKitWebDriver's
/// own text leaves out text it thinks is clipped (`overflow: hidden` with an ellipsis), though
/// the screen shows it.
pub async fn content_of(client: &Client, sel: &str) -> Option<String> {
    let script = "const el = document.querySelector(arguments[0]); \
                  return el ? el.textContent.replace(/\\s+/g, ' ').trim() : null;";
    match client.execute(script, vec![serde_json::json!(sel)]).await {
        Ok(serde_json::Value::String(text)) => Some(text),
        _ => None,
    }
}

/// Waits until the element's `textContent` contains `needle`, and returns it.
pub async fn wait_for_content(client: &Client, sel: &str, needle: &str) -> String {
    let deadline = Instant::now() + DOM_TIMEOUT;
    loop {
        if let Some(text) = content_of(client, sel).await {
            if text.contains(needle) {
                return text;
            }
        }
        if Instant::now() >= deadline {
            screenshot(client, "failure").await;
            let body = content_of(client, "body").await.unwrap_or_default();
            panic!("{sel} never contained {needle:?}; the page said:\n{body}");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}
