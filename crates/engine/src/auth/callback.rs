//! The one-shot loopback callback: a listener on 127.0.0.1 at a free port that waits for the
//! browser to come back from OpenRouter, answers it with a plain page, and closes.
//!
//! The callback path carries a random token, so a request that did not come through this
//! sign-in (another page on the computer probing ports, a stale tab) is answered and ignored
//! rather than taken as an answer. The first request on the right path ends the wait; the
//! listener closes with it, so a second hit finds nobody listening.

use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio_util::sync::CancellationToken;

use super::error::AuthError;
use super::pkce::random_token;
use crate::secrets::Sensitive;

/// The longest request line and headers we read; a browser's callback is far shorter.
const MAX_REQUEST: usize = 16 * 1024;
/// A connection that sends nothing for this long is dropped so the next one can be heard.
const READ_TIMEOUT: Duration = Duration::from_secs(5);

pub struct Callback {
    listener: TcpListener,
    path: String,
    url: String,
}

/// What the browser brought back on the right path.
enum Answer {
    Code(Sensitive<String>),
    Refused,
}

impl Callback {
    pub async fn bind() -> Result<Callback, AuthError> {
        let listener =
            TcpListener::bind(("127.0.0.1", 0))
                .await
                .map_err(|e| AuthError::Listener {
                    detail: e.to_string(),
                })?;
        let port = listener
            .local_addr()
            .map_err(|e| AuthError::Listener {
                detail: e.to_string(),
            })?
            .port();
        let path = format!("/castwright/connected/{}", random_token());
        Ok(Callback {
            url: format!("http://127.0.0.1:{port}{path}"),
            listener,
            path,
        })
    }

    /// Where OpenRouter sends the browser back.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Waits for the browser, at most `wait`; the code it brings, or why there is none.
    pub async fn wait(
        self,
        wait: Duration,
        cancel: &CancellationToken,
    ) -> Result<Sensitive<String>, AuthError> {
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            let answer = tokio::select! {
                _ = cancel.cancelled() => return Err(AuthError::Cancelled),
                _ = tokio::time::sleep_until(deadline) => {
                    return Err(AuthError::TimedOut { minutes: wait.as_secs().div_ceil(60) })
                }
                answer = self.next() => answer,
            };
            match answer {
                Some(Answer::Code(code)) => return Ok(code),
                Some(Answer::Refused) => return Err(AuthError::Refused),
                None => continue,
            }
        }
    }

    /// One connection: `None` when it was not the callback we wait for.
    async fn next(&self) -> Option<Answer> {
        let (mut stream, _) = match self.listener.accept().await {
            Ok(accepted) => accepted,
            Err(e) => {
                tracing::debug!(error = %e, "sign-in callback: accept failed");
                tokio::time::sleep(Duration::from_millis(20)).await;
                return None;
            }
        };
        let target = match tokio::time::timeout(READ_TIMEOUT, read_target(&mut stream)).await {
            Ok(Some(target)) => target,
            _ => {
                respond(&mut stream, 400, NOT_OURS).await;
                return None;
            }
        };
        let (path, query) = target.split_once('?').unwrap_or((target.as_str(), ""));
        if path != self.path {
            // Not a single word about why: the page is for whoever sent it.
            respond(&mut stream, 404, NOT_OURS).await;
            return None;
        }
        let code = reqwest::Url::parse(&format!("http://127.0.0.1/?{query}"))
            .ok()
            .and_then(|u| {
                u.query_pairs()
                    .find(|(k, _)| k == "code")
                    .map(|(_, v)| v.into_owned())
            })
            .filter(|c| !c.is_empty());
        match code {
            Some(code) => {
                respond(&mut stream, 200, APPROVED).await;
                Some(Answer::Code(Sensitive::new(code)))
            }
            None => {
                respond(&mut stream, 200, NOT_APPROVED).await;
                Some(Answer::Refused)
            }
        }
    }
}

/// The request target of a `GET`, once the headers are in.
async fn read_target(stream: &mut TcpStream) -> Option<String> {
    let mut buf = Vec::with_capacity(1024);
    let mut chunk = [0u8; 2048];
    while !buf.windows(4).any(|w| w == b"\r\n\r\n") {
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 || buf.len() + n > MAX_REQUEST {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    }
    let head = std::str::from_utf8(&buf).ok()?;
    let mut parts = head.lines().next()?.split(' ');
    match (parts.next(), parts.next()) {
        (Some("GET"), Some(target)) => Some(target.to_owned()),
        _ => None,
    }
}

async fn respond(stream: &mut TcpStream, status: u16, page: &str) {
    let reason = match status {
        200 => "OK",
        400 => "Bad Request",
        _ => "Not Found",
    };
    let html = format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Castwright</title>\
         <style>body{{font:17px/1.5 system-ui,sans-serif;max-width:36em;margin:15vh auto;\
         padding:0 1em;color:#1d1d1f}}h1{{font-size:24px}}</style></head><body>{page}</body></html>"
    );
    let response = format!(
        "HTTP/1.1 {status} {reason}\r\nContent-Type: text/html; charset=utf-8\r\n\
         Content-Length: {}\r\nCache-Control: no-store\r\nReferrer-Policy: no-referrer\r\n\
         Connection: close\r\n\r\n{html}",
        html.len()
    );
    let _ = stream.write_all(response.as_bytes()).await;
    let _ = stream.shutdown().await;
}

const APPROVED: &str = "<h1>Castwright is connecting to OpenRouter</h1>\
    <p>Thank you. You can close this page and go back to Castwright.</p>";
const NOT_APPROVED: &str = "<h1>Castwright was not connected</h1>\
    <p>OpenRouter did not approve Castwright, so nothing was saved. You can go back to \
    Castwright and try again, or paste a key instead.</p>";
const NOT_OURS: &str = "<h1>Nothing to do here</h1>\
    <p>This page did not come from a Castwright sign-in. You can close it.</p>";
