//! The operator's HTTP listener: `/metrics` (Prometheus text format), `/healthz` (the
//! process answers) and `/readyz` (it can do its work: what [`Readiness`] checks).

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use tokio::net::TcpListener;

use super::Metrics;

/// What keeps the process from doing its work now; empty when ready. Each problem is a
/// short sentence with counts, never an id or text.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Readiness {
    pub problems: Vec<String>,
}

impl Readiness {
    pub fn is_ready(&self) -> bool {
        self.problems.is_empty()
    }
}

/// Checks readiness and refreshes the sampled gauges (backlog, shards, pool) on the way.
pub type Check = Arc<dyn Fn() -> Pin<Box<dyn Future<Output = Readiness> + Send>> + Send + Sync>;

#[derive(Clone)]
struct Endpoints {
    metrics: Metrics,
    check: Check,
}

/// Serves the three endpoints on `listener` until the task is dropped or aborted.
pub async fn serve(listener: TcpListener, metrics: Metrics, check: Check) {
    let app = axum::Router::new()
        .route("/metrics", get(scrape))
        .route("/healthz", get(|| async { "ok\n" }))
        .route("/readyz", get(ready))
        .with_state(Endpoints { metrics, check });
    if let Err(error) = axum::serve(listener, app).await {
        tracing::error!(%error, "metrics listener stopped");
    }
}

async fn scrape(State(endpoints): State<Endpoints>) -> Response {
    (endpoints.check)().await;
    (
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        endpoints.metrics.render(),
    )
        .into_response()
}

async fn ready(State(endpoints): State<Endpoints>) -> Response {
    let readiness = (endpoints.check)().await;
    if readiness.is_ready() {
        (StatusCode::OK, "ready\n".to_owned()).into_response()
    } else {
        let body = format!("unready: {}\n", readiness.problems.join("; "));
        (StatusCode::SERVICE_UNAVAILABLE, body).into_response()
    }
}
