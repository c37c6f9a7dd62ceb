//! The HTTP server: routes, the accept loop, graceful stop.

mod api_error;
mod auth;
mod catalog_answers;
mod chat;
mod conn;
mod control;
mod info;
mod oauth;
mod oauth_book;
mod plain;
mod plan;
mod reply;
mod settle;
mod state;
mod stream;

use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use axum::extract::DefaultBodyLimit;
use axum::extract::Request;
use axum::response::IntoResponse;
use axum::routing::{get, post};
use axum::Router;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::task::{JoinHandle, JoinSet};
use tower::ServiceExt;

use crate::catalog::Catalog;
use crate::config::SimConfig;
use crate::error::SimError;
use crate::ledger::BillingReport;
use crate::scenario::Scenario;
use api_error::ApiError;
use conn::{ConnHandle, ResetIo};
use state::Shared;

/// A running emulator on a loopback port. Stops when [`SimServer::stop`] is awaited, or
/// (without waiting) when dropped.
pub struct SimServer {
    origin: String,
    shared: Arc<Shared>,
    shutdown: watch::Sender<bool>,
    task: Option<JoinHandle<()>>,
}

impl SimServer {
    /// Starts on a free loopback port.
    pub async fn start(config: SimConfig) -> Result<SimServer, SimError> {
        SimServer::start_on(config, 0).await
    }

    /// Starts on `127.0.0.1:port` (0 = any free port).
    pub async fn start_on(config: SimConfig, port: u16) -> Result<SimServer, SimError> {
        config.scenario.validate()?;
        let catalog = Catalog::builtin()?;
        let listener = TcpListener::bind(SocketAddr::from((Ipv4Addr::LOCALHOST, port)))
            .await
            .map_err(|source| SimError::Bind { port, source })?;
        let addr = listener
            .local_addr()
            .map_err(|source| SimError::Bind { port, source })?;
        let shared = Arc::new(Shared::new(config.seed, config.scenario, catalog));
        let (shutdown, rx) = watch::channel(false);
        let grace = Duration::from_millis(config.shutdown_grace_ms);
        let task = tokio::spawn(accept_loop(listener, router(shared.clone()), rx, grace));
        tracing::info!(%addr, seed = config.seed, "openrouter-sim listening");
        Ok(SimServer {
            origin: format!("http://{addr}"),
            shared,
            shutdown,
            task: Some(task),
        })
    }

    /// `http://127.0.0.1:PORT`
    pub fn origin(&self) -> &str {
        &self.origin
    }

    /// `http://127.0.0.1:PORT/api/v1`, what OpenRouter clients take as their base URL.
    pub fn api_base(&self) -> String {
        format!("{}/api/v1", self.origin)
    }

    /// The key this emulator issued when it started (random, `sk-or-v1-` + 64 hex): always
    /// accepted, with the scenario's default credit, across `set_scenario` and `reset`. Tests
    /// and the in-process demo connection use it; unknown keys are refused.
    pub fn key(&self) -> String {
        self.shared.own_key.clone()
    }

    /// Replaces faults, latencies and balances from now on; fault counters start again.
    pub fn set_scenario(&self, s: Scenario) {
        self.shared.set_scenario(s);
    }

    /// The scenario in force.
    pub fn scenario(&self) -> Scenario {
        self.shared.scenario().as_ref().clone()
    }

    /// Everything billed so far, exactly, in total and per key.
    pub fn billing(&self) -> BillingReport {
        let scenario = self.shared.scenario();
        self.shared.ledger().report(&scenario)
    }

    /// Every PKCE `code_verifier` sent to `/api/v1/auth/keys` so far (for leak tests: the app
    /// keeps its verifier to itself, so this is the only way a test can learn it).
    pub fn oauth_verifiers_seen(&self) -> Vec<String> {
        self.shared.oauth.verifiers_seen()
    }

    /// Forgets billing, generations, cached prompts and fault counters.
    pub fn reset(&self) {
        self.shared.reset();
    }

    /// Stops accepting, lets open connections finish (up to the grace period), then closes
    /// the rest.
    pub async fn stop(mut self) {
        let _ = self.shutdown.send(true);
        if let Some(task) = self.task.take() {
            if let Err(e) = task.await {
                tracing::warn!(error = %e, "server task ended badly");
            }
        }
    }
}

impl Drop for SimServer {
    fn drop(&mut self) {
        // The accept loop sees this and winds down on its own.
        let _ = self.shutdown.send(true);
    }
}

fn router(shared: Arc<Shared>) -> Router {
    let api = Router::new()
        .route("/chat/completions", post(chat::completions))
        .route("/models", get(info::models))
        .route("/models/count", get(info::models_count))
        .route("/models/{author}/{slug}/endpoints", get(info::endpoints))
        .route("/key", get(info::key))
        .route("/auth/key", get(info::key))
        .route("/credits", get(info::credits))
        .route("/generation", get(info::generation))
        .route("/auth/keys", post(oauth::exchange));
    let control = Router::new()
        .route(
            "/scenario",
            get(control::get_scenario)
                .put(control::put_scenario)
                .post(control::put_scenario),
        )
        .route("/billing", get(control::billing))
        .route("/reset", post(control::reset))
        .route("/health", get(control::health));
    Router::new()
        .nest("/api/v1", api)
        .nest("/__sim", control)
        .route("/auth", get(oauth::authorize))
        .fallback(|| async { ApiError::not_found("Not Found").into_response() })
        .layer(DefaultBodyLimit::max(64 * 1024 * 1024))
        .with_state(shared)
}

async fn accept_loop(
    listener: TcpListener,
    router: Router,
    mut shutdown: watch::Receiver<bool>,
    grace: Duration,
) {
    let mut conns = JoinSet::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    conns.spawn(connection(stream, router.clone(), shutdown.clone()));
                }
                Err(e) => {
                    // Out of file descriptors and the like: back off briefly, keep serving.
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(20)).await;
                }
            },
            _ = shutdown.changed() => break,
            Some(_) = conns.join_next(), if !conns.is_empty() => {}
        }
    }
    drop(listener);
    let drained =
        tokio::time::timeout(grace, async { while conns.join_next().await.is_some() {} }).await;
    if drained.is_err() {
        tracing::debug!(
            open = conns.len(),
            "closing connections left after the grace period"
        );
    }
    conns.shutdown().await;
    tracing::info!("openrouter-sim stopped");
}

async fn connection(stream: TcpStream, router: Router, mut shutdown: watch::Receiver<bool>) {
    let _ = stream.set_nodelay(true);
    let handle = ConnHandle::default();
    let io = TokioIo::new(ResetIo::new(stream, handle.clone()));
    let per_request = handle.clone();
    let svc = service_fn(move |mut req: Request<Incoming>| {
        req.extensions_mut().insert(per_request.clone());
        router.clone().oneshot(req)
    });
    let conn = http1::Builder::new().serve_connection(io, svc);
    tokio::pin!(conn);
    let mut draining = false;
    loop {
        tokio::select! {
            res = conn.as_mut() => {
                if let Err(e) = res {
                    tracing::debug!(error = %e, "connection ended with an error");
                }
                break;
            }
            // Dropping the connection here closes the socket with RST (see `ResetIo`).
            _ = handle.reset_requested() => break,
            _ = shutdown.changed(), if !draining => {
                draining = true;
                conn.as_mut().graceful_shutdown();
            }
        }
    }
}
