//! Waits out HTTP 429 for serenity when `[discord] api_base` is set.
//!
//! With another API base, serenity's own rate limiter must be off (it ignores the proxy and
//! would call discord.com), and serenity then surfaces a 429 as an error without its
//! `retry_after`. So serenity talks to this loopback forwarder instead, which relays every
//! request to the API base unchanged and, on 429, sleeps `retry_after` and tries again.
//! Every REST call of the bot (poise's replies and registration included) gets the same
//! treatment without wrapping each call site.

use std::net::SocketAddr;
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderName, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::serve::ListenerExt;
use tokio::net::TcpListener;
use url::Url;

use super::rest_metrics;
use crate::metrics::Metrics;

/// Attempts per request before a 429 is handed back to serenity.
const MAX_ATTEMPTS: u32 = 5;
/// A longer wait is not worth holding an interaction for: the 429 goes back to the caller.
const LONGEST_WAIT: Duration = Duration::from_secs(30);
/// Discord's largest upload plus room for the JSON part.
const LARGEST_BODY: usize = 26 * 1024 * 1024;

#[derive(Clone)]
struct Forwarder {
    upstream: Url,
    client: reqwest::Client,
    metrics: Metrics,
}

/// A running forwarder; serenity's proxy setting takes `base()`.
pub struct RestForwarder {
    address: SocketAddr,
    task: tokio::task::JoinHandle<()>,
}

impl RestForwarder {
    /// Starts forwarding to `upstream` (scheme, host and port) on a loopback port.
    pub async fn start(upstream: Url, metrics: Metrics) -> std::io::Result<RestForwarder> {
        let listener = TcpListener::bind(("127.0.0.1", 0)).await?;
        let address = listener.local_addr()?;
        let forwarder = Forwarder {
            upstream,
            client: reqwest::Client::new(),
            metrics,
        };
        let app = axum::Router::new().fallback(forward).with_state(forwarder);
        let task = tokio::spawn(async move {
            // Without it an answer's second write waits for serenity's delayed ACK (Nagle).
            let listener = listener.tap_io(|stream| {
                if let Err(error) = stream.set_nodelay(true) {
                    tracing::debug!(%error, "TCP_NODELAY not set on a forwarder connection");
                }
            });
            if let Err(error) = axum::serve(listener, app).await {
                tracing::error!(%error, "REST forwarder stopped");
            }
        });
        Ok(RestForwarder { address, task })
    }

    /// What to give serenity's `HttpBuilder::proxy`.
    pub fn base(&self) -> String {
        format!("http://{}", self.address)
    }
}

impl Drop for RestForwarder {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn forward(State(forwarder): State<Forwarder>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let Ok(body) = axum::body::to_bytes(body, LARGEST_BODY).await else {
        return StatusCode::PAYLOAD_TOO_LARGE.into_response();
    };
    let path = parts.uri.path_and_query().map_or("/", |path| path.as_str());
    let Ok(target) = forwarder.upstream.join(path) else {
        return StatusCode::BAD_REQUEST.into_response();
    };
    let headers = relayed_headers(&parts.headers);

    let mut attempt = 0;
    loop {
        attempt += 1;
        let sent = forwarder
            .client
            .request(parts.method.clone(), target.clone())
            .headers(headers.clone())
            .body(body.clone())
            .send()
            .await;
        let upstream = match sent {
            Ok(upstream) => upstream,
            Err(error) => {
                // reqwest puts the URL, token included, in its errors: left out.
                let error = error.without_url();
                tracing::warn!(method = %parts.method, path = %loggable(parts.uri.path()), %error, "Discord API unreachable");
                return StatusCode::BAD_GATEWAY.into_response();
            }
        };
        let status = upstream.status();
        let upstream_headers = upstream.headers().clone();
        let bytes = upstream.bytes().await.unwrap_or_default();
        rest_metrics::record_response(&forwarder.metrics, parts.uri.path(), status, &bytes);
        if status == StatusCode::TOO_MANY_REQUESTS && attempt < MAX_ATTEMPTS {
            let wait = retry_after(&upstream_headers, &bytes);
            if wait <= LONGEST_WAIT {
                rest_metrics::record_rate_limit(&forwarder.metrics, parts.uri.path(), wait);
                tracing::warn!(method = %parts.method, path = %loggable(parts.uri.path()), wait_ms = u64::try_from(wait.as_millis()).unwrap_or(u64::MAX), attempt, "rate limited; waiting");
                tokio::time::sleep(wait).await;
                continue;
            }
        }
        return relay_response(status, &upstream_headers, bytes);
    }
}

/// A request path fit for logs: interaction tokens (after `/interactions/{id}/` and
/// `/webhooks/{application}/`) are secrets that answer as the bot, so they are masked.
fn loggable(path: &str) -> String {
    let mut masked = Vec::new();
    let mut segments = path.split('/').peekable();
    while let Some(segment) = segments.next() {
        masked.push(segment.to_owned());
        if matches!(segment, "interactions" | "webhooks") {
            if let Some(id) = segments.next() {
                masked.push(id.to_owned());
            }
            if segments.next().is_some() {
                masked.push("***".to_owned());
            }
        }
    }
    masked.join("/")
}

/// Hop-by-hop and length headers are the HTTP clients' business, not relayed.
fn relayed_headers(incoming: &HeaderMap) -> HeaderMap {
    const SKIPPED: [HeaderName; 4] = [
        header::HOST,
        header::CONTENT_LENGTH,
        header::CONNECTION,
        header::TRANSFER_ENCODING,
    ];
    let mut headers = incoming.clone();
    for name in SKIPPED {
        headers.remove(name);
    }
    headers
}

fn relay_response(status: StatusCode, headers: &HeaderMap, body: Bytes) -> Response {
    let mut response = Response::new(Body::from(body));
    *response.status_mut() = status;
    *response.headers_mut() = relayed_headers(headers);
    response
}

/// Discord's JSON `retry_after` (seconds, fractional), else the `Retry-After` header, else 1 s.
fn retry_after(headers: &HeaderMap, body: &[u8]) -> Duration {
    let from_body = serde_json::from_slice::<serde_json::Value>(body)
        .ok()
        .and_then(|json| json.get("retry_after")?.as_f64());
    let from_header = || {
        headers
            .get(header::RETRY_AFTER)?
            .to_str()
            .ok()?
            .trim()
            .parse::<f64>()
            .ok()
    };
    from_body
        .or_else(from_header)
        .filter(|seconds| seconds.is_finite() && *seconds >= 0.0)
        // Clamped so that an absurd value cannot overflow `Duration`; it is handed back anyway.
        .map_or(Duration::from_secs(1), |seconds| {
            Duration::from_secs_f64(seconds.min(86_400.0))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_prefers_the_json_body() {
        let mut headers = HeaderMap::new();
        headers.insert(header::RETRY_AFTER, "3".parse().unwrap());
        assert_eq!(
            retry_after(&headers, br#"{"retry_after": 0.25, "global": false}"#),
            Duration::from_millis(250)
        );
        assert_eq!(retry_after(&headers, b"not json"), Duration::from_secs(3));
    }

    #[test]
    fn interaction_tokens_never_reach_the_logs() {
        assert_eq!(
            loggable("/api/v10/interactions/123/aW50ZXJhY3Rpb24.secret/callback"),
            "/api/v10/interactions/123/***/callback"
        );
        assert_eq!(
            loggable("/api/v10/webhooks/456/aW50ZXJhY3Rpb24.secret/messages/@original"),
            "/api/v10/webhooks/456/***/messages/@original"
        );
        assert_eq!(
            loggable("/api/v10/channels/789/messages"),
            "/api/v10/channels/789/messages"
        );
    }

    #[test]
    fn hostile_retry_after_values_fall_back_to_one_second() {
        let headers = HeaderMap::new();
        assert_eq!(
            retry_after(&headers, br#"{"retry_after": -5}"#),
            Duration::from_secs(1)
        );
        assert_eq!(
            retry_after(&headers, br#"{"retry_after": "soon"}"#),
            Duration::from_secs(1)
        );
        assert_eq!(
            retry_after(&headers, br#"{"retry_after": 1e300}"#),
            Duration::from_hours(24)
        );
    }
}
