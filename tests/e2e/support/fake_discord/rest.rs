//! The fake REST API under `/api/v10`: recording, `OpenAPI` validation, scripted failures and
//! delays, and default answers built from the fake's world.

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, HeaderValue, Method, Response, StatusCode, header};
use serde_json::{Value, json};

use super::openapi::{self, Outcome, SchemaError};
use super::payloads::{
    FakeGuild, FakeUser, application_info_json, dm_channel_json, next_snowflake, now_timestamp,
};
use super::world::{InteractionRecord, Messages, World};
use super::{Shared, State, Tapped};

/// The prefix of every REST route.
pub const API_PREFIX: &str = "/api/v10";

/// A file part of a multipart request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecordedFile {
    /// The form field name (`files[0]`, ...).
    pub field_name: String,
    pub filename: Option<String>,
    pub content_type: Option<String>,
    pub bytes: Vec<u8>,
}

/// A request the bot sent to the fake REST API.
#[derive(Clone, Debug)]
pub struct RecordedRequest {
    pub method: Method,
    /// Path relative to `/api/v10` (e.g. `/channels/1/messages`); the full path for requests
    /// outside `/api/v10`.
    pub path: String,
    /// The raw query string, if any.
    pub query: Option<String>,
    pub headers: HeaderMap,
    /// The JSON body, or the `payload_json` part of a multipart body.
    pub body: Option<Value>,
    /// File parts of a multipart body.
    pub files: Vec<RecordedFile>,
    /// `false` when no route of the fake serves this request (answered 404).
    pub handled: bool,
    /// The status answered; `None` while in flight or when the connection was dropped.
    pub status: Option<u16>,
    /// Whether the connection was closed without an answer (scripted drop).
    pub dropped: bool,
    /// The JSON answered, if any.
    pub response: Option<Value>,
    /// When the fake received it.
    pub received_at: std::time::Instant,
}

impl RecordedRequest {
    /// A header's value, if present and ASCII.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The `Authorization` header (`Bot <token>`).
    pub fn authorization(&self) -> Option<&str> {
        self.header("authorization")
    }

    /// The `X-Audit-Log-Reason` header, percent-decoded.
    pub fn audit_log_reason(&self) -> Option<String> {
        self.header("x-audit-log-reason").map(percent_decode)
    }

    /// A query parameter, percent-decoded.
    pub fn query_param(&self, name: &str) -> Option<String> {
        self.query.as_deref()?.split('&').find_map(|pair| {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            (key == name).then(|| percent_decode(value))
        })
    }

    /// The path segment at `index` (0-based, relative to `/api/v10`): for
    /// `/channels/1/messages`, `segment(1)` is `"1"`.
    pub fn segment(&self, index: usize) -> Option<&str> {
        self.path.trim_start_matches('/').split('/').nth(index)
    }

    /// Whether the fake answered (or dropped) the request.
    pub fn is_settled(&self) -> bool {
        self.status.is_some() || self.dropped
    }

    /// `METHOD /path -> status`, for failure messages.
    pub fn summary(&self) -> String {
        let status = match (self.status, self.dropped) {
            (Some(status), _) => status.to_string(),
            (None, true) => "dropped".to_owned(),
            (None, false) => "pending".to_owned(),
        };
        format!("{} {} -> {status}", self.method, self.path)
    }
}

/// Decodes `%XX` escapes (invalid escapes are kept as they are).
fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok());
        match (bytes[i], hex.and_then(|h| u8::from_str_radix(h, 16).ok())) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (byte, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// What is wrong with a request body the bot sent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ViolationKind {
    /// The body does not conform to the operation's schema.
    Schema(SchemaError),
    /// The body was sent to a route the spec gives no JSON body schema for.
    NoSchema,
    /// The body (or `payload_json`) is not JSON.
    InvalidJson(String),
}

/// A request body that failed `OpenAPI` validation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Violation {
    pub method: Method,
    /// Concrete path relative to `/api/v10`.
    pub path: String,
    /// The spec's path template, when the path is known to the spec.
    pub operation: Option<String>,
    pub kind: ViolationKind,
}

impl std::fmt::Display for Violation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let operation = self.operation.as_deref().unwrap_or("unknown to the spec");
        write!(f, "{} {} ({operation}): ", self.method, self.path)?;
        match &self.kind {
            ViolationKind::Schema(e) => write!(
                f,
                "at instance `{}`, schema `{}`: {}",
                e.instance_path, e.schema_path, e.message
            ),
            ViolationKind::NoSchema => {
                write!(f, "a body was sent but the spec has no JSON body schema")
            }
            ViolationKind::InvalidJson(e) => write!(f, "body is not JSON: {e}"),
        }
    }
}

/// A scripted answer replacing the default one.
#[derive(Clone, Debug, PartialEq)]
pub enum Scripted {
    /// A Discord JSON error `{"code": code, "message": message}` with this HTTP status.
    Error {
        status: u16,
        code: u64,
        message: String,
    },
    /// 429 with `{"message", "retry_after", "global"}`, `Retry-After` (whole seconds, rounded
    /// up, as Discord sends it) and `X-RateLimit-Reset-After` (exact) headers.
    RateLimited { retry_after: f64, global: bool },
    /// 500 Internal Server Error.
    ServerError,
    /// Closes the TCP connection without answering.
    DropConnection,
    /// Any status and JSON body.
    Custom { status: u16, body: Value },
}

impl Scripted {
    /// 50007 "Cannot send messages to this user" (403), e.g. DMs closed.
    pub fn cannot_send_to_user() -> Self {
        Self::error(403, 50007, "Cannot send messages to this user")
    }

    /// 50278 "Cannot send messages to this user due to having no mutual guilds" (403).
    pub fn no_mutual_guilds() -> Self {
        Self::error(
            403,
            50278,
            "Cannot send messages to this user due to having no mutual guilds",
        )
    }

    /// 50013 "Missing Permissions" (403).
    pub fn missing_permissions() -> Self {
        Self::error(403, 50013, "Missing Permissions")
    }

    /// 10007 "Unknown Member" (404).
    pub fn unknown_member() -> Self {
        Self::error(404, 10007, "Unknown Member")
    }

    /// A per-route 429 telling to retry after `retry_after` seconds.
    pub fn rate_limited(retry_after: f64) -> Self {
        Self::RateLimited {
            retry_after,
            global: false,
        }
    }

    /// Any Discord JSON error.
    pub fn error(status: u16, code: u64, message: &str) -> Self {
        Self::Error {
            status,
            code,
            message: message.to_owned(),
        }
    }
}

/// A scripted answer for the next `remaining` matching requests.
#[derive(Clone, Debug)]
pub(crate) struct Script {
    pub method: Method,
    pub pattern: String,
    pub answer: Scripted,
    pub remaining: usize,
}

/// A delay before answering matching requests.
#[derive(Clone, Debug)]
pub(crate) struct Delay {
    pub method: Method,
    pub pattern: String,
    pub lasting: Duration,
}

/// Whether `path` (relative to `/api/v10`) matches `pattern`, where `*`, `{}` or `{name}` stand
/// for any one segment; a leading `/api/v10` in the pattern is ignored.
pub fn path_matches(pattern: &str, path: &str) -> bool {
    let pattern = pattern.strip_prefix(API_PREFIX).unwrap_or(pattern);
    let pattern: Vec<&str> = pattern.trim_matches('/').split('/').collect();
    let path: Vec<&str> = path.trim_matches('/').split('/').collect();
    pattern.len() == path.len()
        && pattern
            .iter()
            .zip(&path)
            .all(|(p, s)| *p == "*" || (p.starts_with('{') && p.ends_with('}')) || p == s)
}

/// Where the fake serves attachment bytes, on its own host (Discord's CDN in production).
pub const ATTACHMENTS_PREFIX: &str = "/attachments/";

/// A file the fake serves under [`ATTACHMENTS_PREFIX`], as Discord's CDN would.
#[derive(Clone, Debug)]
pub struct HostedFile {
    pub path: String,
    pub content_type: String,
    pub bytes: Vec<u8>,
    /// Where the file redirects instead of being served, if anywhere.
    pub redirect: Option<String>,
}

/// `GET /attachments/...`: the bytes, while the links are served (404 once they expired).
fn hosted_file(world: &World, path: &str) -> Answer {
    match world.hosted.iter().find(|file| file.path == path) {
        Some(_) if !world.serving_files => Answer::error(404, 0, "404: Not Found"),
        Some(HostedFile {
            redirect: Some(location),
            ..
        }) => {
            let mut answer = Answer::no_content();
            answer.status = 302;
            answer.headers.push(("location", location.clone()));
            answer
        }
        Some(file) => Answer {
            status: 200,
            body: None,
            headers: Vec::new(),
            raw: Some((file.content_type.clone(), file.bytes.clone())),
        },
        None => Answer::error(404, 0, "404: Not Found"),
    }
}

/// A snowflake from a JSON string or number.
pub(crate) fn snowflake(value: &Value) -> Option<u64> {
    value
        .as_str()
        .and_then(|s| s.parse().ok())
        .or_else(|| value.as_u64())
}

/// The connection must be closed without an answer (a scripted drop).
#[derive(Debug)]
pub(crate) struct DropConnection;

impl std::fmt::Display for DropConnection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("scripted connection drop")
    }
}

impl std::error::Error for DropConnection {}

/// An answer: status and optional JSON body, plus extra headers.
struct Answer {
    status: u16,
    body: Option<Value>,
    headers: Vec<(&'static str, String)>,
    /// A body that is not JSON (a hosted file): its content type and bytes.
    raw: Option<(String, Vec<u8>)>,
}

impl Answer {
    fn json(status: u16, body: Value) -> Self {
        Self {
            status,
            body: Some(body),
            headers: Vec::new(),
            raw: None,
        }
    }

    fn ok(body: Value) -> Self {
        Self::json(200, body)
    }

    fn no_content() -> Self {
        Self {
            status: 204,
            body: None,
            headers: Vec::new(),
            raw: None,
        }
    }

    fn error(status: u16, code: u64, message: &str) -> Self {
        Self::json(status, json!({ "message": message, "code": code }))
    }

    fn not_found() -> Self {
        Self::error(404, 0, "404: Not Found")
    }
}

/// Serves one REST request: records it, validates its body, applies delays and scripts, then
/// answers from the world. `Err` asks the caller to drop the connection.
pub(crate) async fn serve(
    shared: Arc<Shared>,
    method: Method,
    full_path: String,
    query: Option<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response<Body>, DropConnection> {
    let api_path = full_path
        .strip_prefix(API_PREFIX)
        .filter(|p| p.starts_with('/'))
        .map(str::to_owned);
    let path = api_path.clone().unwrap_or_else(|| full_path.clone());
    let (json_body, files, parse_error) = parse_body(&headers, &body);
    let violations = violations_of(
        &shared,
        &method,
        &path,
        api_path.as_deref(),
        json_body.as_ref(),
        parse_error,
    )
    .await;

    let received_at = Instant::now();
    let index = record_arrival(
        &shared,
        violations,
        RecordedRequest {
            received_at,
            method: method.clone(),
            path: path.clone(),
            query,
            headers,
            body: json_body,
            files,
            handled: true,
            status: None,
            dropped: false,
            response: None,
        },
    );
    shared.notify();
    shared.tell_tap(|| Tapped {
        received_at,
        method: method.clone(),
        path: path.clone(),
    });
    if let Some(delay) = scripted_delay(&shared, &method, &path) {
        tokio::time::sleep(delay).await;
    }

    let (mut answer, handled) = answer_recorded(&shared, index, &full_path, api_path.as_deref());
    // Serialized outside the lock; the record then takes the JSON itself, uncloned.
    let json = answer
        .as_ref()
        .and_then(|a| a.body.as_ref())
        .map(Value::to_string);
    record_answer(&shared, index, handled, answer.as_mut());
    shared.notify();
    let answer = answer.ok_or(DropConnection)?;
    Ok(http_response(answer, json))
}

/// What is wrong with a request's body: it is not JSON, or (when the fake validates bodies)
/// it does not conform to Discord's `OpenAPI` description.
async fn violations_of(
    shared: &Shared,
    method: &Method,
    path: &str,
    api_path: Option<&str>,
    json_body: Option<&Value>,
    parse_error: Option<String>,
) -> Vec<Violation> {
    let mut kinds: Vec<ViolationKind> = parse_error
        .map(ViolationKind::InvalidJson)
        .into_iter()
        .collect();
    let mut operation = None;
    if let (Some(api_path), Some(json_body), true) =
        (api_path, json_body, shared.config.validate_bodies)
    {
        let (m, p, b) = (method.clone(), api_path.to_owned(), json_body.clone());
        let outcome = tokio::task::spawn_blocking(move || openapi::validate(&m, &p, &b))
            .await
            .expect("OpenAPI validation panicked");
        match outcome {
            Outcome::Valid | Outcome::Skipped => {}
            Outcome::Invalid { template, errors } => {
                operation = Some(template);
                kinds.extend(errors.into_iter().map(ViolationKind::Schema));
            }
            Outcome::NoSchema { template } => {
                operation = template;
                kinds.push(ViolationKind::NoSchema);
            }
        }
    }
    kinds
        .into_iter()
        .map(|kind| Violation {
            method: method.clone(),
            path: path.to_owned(),
            operation: operation.clone(),
            kind,
        })
        .collect()
}

/// Records a request as it arrived, and its body's violations; returns the record's index.
fn record_arrival(shared: &Shared, violations: Vec<Violation>, request: RecordedRequest) -> usize {
    let mut state = shared.lock();
    state.violations.extend(violations);
    state.requests.push(request);
    state.requests.len() - 1
}

/// The delay set for a route, the latest first.
fn scripted_delay(shared: &Shared, method: &Method, path: &str) -> Option<Duration> {
    shared
        .lock()
        .delays
        .iter()
        .rev()
        .find(|d| d.method == method && path_matches(&d.pattern, path))
        .map(|d| d.lasting)
}

/// The answer to a recorded request, scripted or from the world (`None` drops the
/// connection), and whether a route of the fake serves it.
fn answer_recorded(
    shared: &Shared,
    index: usize,
    full_path: &str,
    api_path: Option<&str>,
) -> (Option<Answer>, bool) {
    let mut state = shared.lock();
    let State {
        world,
        requests,
        scripts,
        ..
    } = &mut *state;
    let request = &requests[index];
    let script = scripts.iter_mut().find(|s| {
        s.remaining > 0 && s.method == request.method && path_matches(&s.pattern, &request.path)
    });
    if let Some(script) = script {
        script.remaining -= 1;
        return (scripted_answer(&script.answer), true);
    }
    match api_path {
        Some(api_path) => route(
            shared,
            world,
            &request.method,
            api_path,
            request.body.as_ref(),
            &request.files,
        ),
        None if full_path.starts_with(ATTACHMENTS_PREFIX) => {
            (Some(hosted_file(world, full_path)), true)
        }
        None => (Some(Answer::not_found()), false),
    }
}

/// Records how a request was answered, taking the answer's JSON into the record.
fn record_answer(shared: &Shared, index: usize, handled: bool, answer: Option<&mut Answer>) {
    let mut state = shared.lock();
    let record = &mut state.requests[index];
    record.handled = handled;
    match answer {
        Some(answer) => {
            record.status = Some(answer.status);
            record.response = answer.body.take();
        }
        None => record.dropped = true,
    }
}

/// The HTTP response of an answer, its JSON body (if any) already serialized.
fn http_response(answer: Answer, json: Option<String>) -> Response<Body> {
    let mut response =
        Response::builder().status(StatusCode::from_u16(answer.status).unwrap_or(StatusCode::OK));
    for (name, value) in &answer.headers {
        response = response.header(*name, value);
    }
    let body = match (json, answer.raw) {
        (_, Some((content_type, bytes))) => {
            response = response.header(header::CONTENT_TYPE, content_type);
            Body::from(bytes)
        }
        (Some(json), None) => {
            response = response.header(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            );
            Body::from(json)
        }
        (None, None) => Body::empty(),
    };
    response.body(body).expect("valid response")
}

/// `None` for a dropped connection.
fn scripted_answer(scripted: &Scripted) -> Option<Answer> {
    Some(match scripted {
        Scripted::Error {
            status,
            code,
            message,
        } => Answer::error(*status, *code, message),
        Scripted::RateLimited {
            retry_after,
            global,
        } => {
            let mut answer = Answer::json(
                429,
                json!({ "message": "You are being rate limited.", "retry_after": retry_after, "global": global }),
            );
            answer.headers = vec![
                ("retry-after", retry_after.ceil().to_string()),
                ("x-ratelimit-reset-after", format!("{retry_after:.3}")),
                (
                    "x-ratelimit-scope",
                    if *global { "global" } else { "user" }.to_owned(),
                ),
            ];
            if *global {
                answer
                    .headers
                    .push(("x-ratelimit-global", "true".to_owned()));
            }
            answer
        }
        Scripted::ServerError => Answer::error(500, 0, "500: Internal Server Error"),
        Scripted::DropConnection => return None,
        Scripted::Custom { status, body } => Answer::json(*status, body.clone()),
    })
}

/// Parses a JSON or multipart body: `(json, files, parse error)`.
fn parse_body(
    headers: &HeaderMap,
    body: &Bytes,
) -> (Option<Value>, Vec<RecordedFile>, Option<String>) {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if let Some(boundary) = content_type
        .strip_prefix("multipart/form-data")
        .and_then(|rest| {
            rest.split(';')
                .find_map(|p| p.trim().strip_prefix("boundary="))
        })
    {
        let parts = parse_multipart(body, boundary.trim_matches('"'));
        let mut json_body = None;
        let mut error = None;
        let mut files = Vec::new();
        for part in parts {
            if part.field_name == "payload_json" {
                match serde_json::from_slice(&part.bytes) {
                    Ok(value) => json_body = Some(value),
                    Err(e) => error = Some(e.to_string()),
                }
            } else {
                files.push(part);
            }
        }
        return (json_body, files, error);
    }
    if body.is_empty() {
        return (None, Vec::new(), None);
    }
    match serde_json::from_slice(body) {
        Ok(value) => (Some(value), Vec::new(), None),
        Err(e) => (None, Vec::new(), Some(e.to_string())),
    }
}

/// Splits a `multipart/form-data` body into its parts (RFC 7578).
fn parse_multipart(body: &[u8], boundary: &str) -> Vec<RecordedFile> {
    let delimiter = format!("--{boundary}");
    let mut parts = Vec::new();
    let mut rest = body;
    // Skip the preamble up to the first delimiter.
    let Some(start) = find(rest, delimiter.as_bytes()) else {
        return parts;
    };
    rest = &rest[start + delimiter.len()..];
    loop {
        if rest.starts_with(b"--") {
            break;
        }
        rest = rest.strip_prefix(b"\r\n").unwrap_or(rest);
        let Some(end) = find(rest, format!("\r\n{delimiter}").as_bytes()) else {
            break;
        };
        let part = &rest[..end];
        rest = &rest[end + 2 + delimiter.len()..];
        let Some(head_end) = find(part, b"\r\n\r\n") else {
            continue;
        };
        let head = String::from_utf8_lossy(&part[..head_end]);
        let mut file = RecordedFile {
            field_name: String::new(),
            filename: None,
            content_type: None,
            bytes: part[head_end + 4..].to_vec(),
        };
        for line in head.split("\r\n") {
            let Some((name, value)) = line.split_once(':') else {
                continue;
            };
            match name.trim().to_ascii_lowercase().as_str() {
                "content-disposition" => {
                    for param in value.split(';').map(str::trim) {
                        if let Some(v) = param.strip_prefix("name=") {
                            file.field_name = v.trim_matches('"').to_owned();
                        } else if let Some(v) = param.strip_prefix("filename=") {
                            file.filename = Some(v.trim_matches('"').to_owned());
                        }
                    }
                }
                "content-type" => file.content_type = Some(value.trim().to_owned()),
                _ => {}
            }
        }
        parts.push(file);
    }
    parts
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// The default answer of a route: `(answer, handled)`.
fn route(
    shared: &Shared,
    world: &mut World,
    method: &Method,
    api_path: &str,
    body: Option<&Value>,
    files: &[RecordedFile],
) -> (Option<Answer>, bool) {
    let segments: Vec<&str> = api_path.trim_matches('/').split('/').collect();
    let id = |s: &str| s.parse::<u64>().ok();
    let empty = json!({});
    let body = body.unwrap_or(&empty);
    let config = &shared.config;
    let answer = match (method.as_str(), segments.as_slice()) {
        ("GET", ["users", "@me"]) => {
            let mut user = config.bot.to_json();
            user["verified"] = json!(true);
            user["mfa_enabled"] = json!(true);
            user["locale"] = json!("fr");
            user["email"] = Value::Null;
            Answer::ok(user)
        }
        ("GET", ["users", user]) => match id(user).and_then(|u| world.user(u)) {
            Some(user) => Answer::ok(user.to_json()),
            None => Answer::error(404, 10013, "Unknown User"),
        },
        ("GET", ["oauth2", "applications", "@me"]) => Answer::ok(application_info_json(
            config.application_id,
            &config.bot,
            &config.owner,
        )),
        ("GET", ["gateway"]) => Answer::ok(json!({ "url": shared.ws_url })),
        ("GET", ["gateway", "bot"]) => Answer::ok(json!({
            "url": shared.ws_url,
            "shards": config.shard_count,
            "session_start_limit": { "total": 1000, "remaining": 999, "reset_after": 14_400_000, "max_concurrency": 1 }
        })),
        ("PUT", ["applications", _, "commands"]) => {
            let commands = echo_commands(config.application_id, None, &world.global_commands, body);
            world.global_commands = commands.clone();
            Answer::ok(Value::Array(commands))
        }
        ("GET", ["applications", _, "commands"]) => {
            Answer::ok(Value::Array(world.global_commands.clone()))
        }
        ("PUT", ["applications", _, "guilds", guild, "commands"]) => {
            let guild_id = id(guild).unwrap_or_default();
            let previous = world
                .guild_commands
                .iter()
                .find(|(g, _)| *g == guild_id)
                .map(|(_, c)| c.clone())
                .unwrap_or_default();
            let commands = echo_commands(config.application_id, Some(guild_id), &previous, body);
            world.guild_commands.retain(|(g, _)| *g != guild_id);
            world.guild_commands.push((guild_id, commands.clone()));
            Answer::ok(Value::Array(commands))
        }
        ("GET", ["applications", _, "guilds", guild, "commands"]) => {
            let guild_id = id(guild).unwrap_or_default();
            let commands = world
                .guild_commands
                .iter()
                .find(|(g, _)| *g == guild_id)
                .map(|(_, c)| c.clone());
            Answer::ok(Value::Array(commands.unwrap_or_default()))
        }
        ("POST", ["interactions", interaction_id, token, "callback"]) => {
            interaction_callback(config, world, id(interaction_id), token, body, files)
        }
        (_, ["webhooks", _, token, "messages", message]) => {
            webhook_message(world, method, token, message, body, files)
        }
        ("POST", ["webhooks", _, token]) => followup(config, world, token, body, files),
        ("POST", ["users", "@me", "channels"]) => {
            match snowflake(&body["recipient_id"]).and_then(|u| world.user(u)) {
                Some(user) => Answer::ok(dm_channel_json(world.dm_channels.open(&user), &user)),
                None => Answer::error(404, 10013, "Unknown User"),
            }
        }
        ("GET", ["channels", channel]) => {
            let channel_id = id(channel).unwrap_or_default();
            if let Some(guild) = world.guild_of_channel(channel_id) {
                Answer::ok(
                    guild
                        .channel(channel_id)
                        .map(|c| c.to_json(Some(guild.id)))
                        .unwrap_or_default(),
                )
            } else if let Some(user) = world.dm_channels.recipient(channel_id) {
                Answer::ok(dm_channel_json(channel_id, user))
            } else {
                Answer::error(404, 10003, "Unknown Channel")
            }
        }
        ("POST", ["channels", channel, "messages"]) => {
            let channel_id = id(channel).unwrap_or_default();
            if let Some(existing) = world.replay_of(channel_id, body) {
                // A retried create with an enforced nonce: Discord creates nothing.
                Answer::ok(existing)
            } else if world.channel_exists(channel_id) {
                let guild_id = world.guild_of_channel(channel_id).map(|g| g.id);
                let message = new_message(config, body, files, channel_id, guild_id, None);
                world.remember_nonce(channel_id, body, &message);
                world.messages.store(message.clone());
                Answer::ok(message)
            } else {
                Answer::error(404, 10003, "Unknown Channel")
            }
        }
        ("GET", ["channels", channel, "messages"]) => {
            let channel_id = id(channel);
            let newest_first = world
                .messages
                .iter()
                .rev()
                .filter(|m| snowflake(&m["channel_id"]) == channel_id)
                .cloned()
                .collect();
            Answer::ok(Value::Array(newest_first))
        }
        (_, ["channels", channel, "messages", message]) => {
            let message_id = id(message).unwrap_or_default();
            match world.messages.get_mut_in(id(channel), message_id) {
                None => Answer::error(404, 10008, "Unknown Message"),
                Some(message) => match method.as_str() {
                    "GET" => Answer::ok(message.clone()),
                    "PATCH" => {
                        edit_message(message, body, files);
                        Answer::ok(message.clone())
                    }
                    "DELETE" => {
                        world.messages.remove(message_id);
                        Answer::no_content()
                    }
                    _ => return (Some(Answer::not_found()), false),
                },
            }
        }
        ("GET", ["guilds", guild]) => with_guild(world, guild, |g| Answer::ok(g.to_json())),
        ("GET", ["guilds", guild, "roles"]) => with_guild(world, guild, |g| {
            Answer::ok(json!(
                g.roles
                    .iter()
                    .map(super::payloads::FakeRole::to_json)
                    .collect::<Vec<_>>()
            ))
        }),
        ("GET", ["guilds", guild, "channels"]) => with_guild(world, guild, |g| {
            Answer::ok(json!(
                g.channels
                    .iter()
                    .map(|c| c.to_json(Some(g.id)))
                    .collect::<Vec<_>>()
            ))
        }),
        ("GET", ["guilds", guild, "members"]) => with_guild(world, guild, |g| {
            Answer::ok(json!(
                g.members
                    .iter()
                    .map(super::payloads::FakeMember::to_json)
                    .collect::<Vec<_>>()
            ))
        }),
        (_, ["guilds", guild, "members", user]) => member_route(world, method, guild, user, body),
        ("PUT" | "DELETE", ["guilds", guild, "members", user, "roles", role]) => {
            let (guild_id, user_id, role_id) = (id(guild), id(user), id(role).unwrap_or_default());
            match world.guilds.iter_mut().find(|g| Some(g.id) == guild_id) {
                None => Answer::error(404, 10004, "Unknown Guild"),
                Some(guild) if guild.role(role_id).is_none() => {
                    Answer::error(404, 10011, "Unknown Role")
                }
                Some(guild) => match guild
                    .members
                    .iter_mut()
                    .find(|m| Some(m.user.id) == user_id)
                {
                    None => Answer::error(404, 10007, "Unknown Member"),
                    Some(member) => {
                        member.roles.retain(|r| *r != role_id);
                        if method == Method::PUT {
                            member.roles.push(role_id);
                        }
                        Answer::no_content()
                    }
                },
            }
        }
        (_, ["guilds", guild, "bans", user]) => {
            let (Some(guild_id), Some(user_id)) = (id(guild), id(user)) else {
                return (Some(Answer::error(404, 10026, "Unknown Ban")), true);
            };
            if !world.guilds.iter().any(|g| g.id == guild_id) {
                return (Some(Answer::error(404, 10004, "Unknown Guild")), true);
            }
            let existing = world
                .bans
                .iter()
                .position(|(g, u, _)| *g == guild_id && *u == user_id);
            match (method.as_str(), existing) {
                ("GET", Some(index)) => {
                    let user = world
                        .user(user_id)
                        .unwrap_or_else(|| FakeUser::new(user_id, "unknown"));
                    Answer::ok(json!({ "reason": world.bans[index].2, "user": user.to_json() }))
                }
                ("PUT", _) => {
                    if world.user(user_id).is_none() {
                        return (Some(Answer::error(404, 10013, "Unknown User")), true);
                    }
                    if existing.is_none() {
                        world.bans.push((guild_id, user_id, None));
                    }
                    if let Some(guild) = world.guilds.iter_mut().find(|g| g.id == guild_id) {
                        guild.members.retain(|m| m.user.id != user_id);
                    }
                    Answer::no_content()
                }
                ("DELETE", Some(index)) => {
                    world.bans.remove(index);
                    Answer::no_content()
                }
                ("GET" | "DELETE", None) => Answer::error(404, 10026, "Unknown Ban"),
                _ => return (Some(Answer::not_found()), false),
            }
        }
        _ => return (Some(Answer::not_found()), false),
    };
    (Some(answer), true)
}

fn with_guild(world: &World, guild: &str, answer: impl FnOnce(&FakeGuild) -> Answer) -> Answer {
    match guild
        .parse::<u64>()
        .ok()
        .and_then(|id| world.guilds.iter().find(|g| g.id == id))
    {
        Some(guild) => answer(guild),
        None => Answer::error(404, 10004, "Unknown Guild"),
    }
}

/// `GET`, `PATCH` (nick, roles, timeout) and `DELETE` (kick) of a guild member.
fn member_route(
    world: &mut World,
    method: &Method,
    guild: &str,
    user: &str,
    body: &Value,
) -> Answer {
    let Some(guild) = guild
        .parse::<u64>()
        .ok()
        .and_then(|id| world.guilds.iter_mut().find(|g| g.id == id))
    else {
        return Answer::error(404, 10004, "Unknown Guild");
    };
    let user_id = user.parse::<u64>().ok();
    let Some(index) = guild
        .members
        .iter()
        .position(|m| Some(m.user.id) == user_id)
    else {
        return Answer::error(404, 10007, "Unknown Member");
    };
    match method.as_str() {
        "GET" => Answer::ok(guild.members[index].to_json()),
        "PATCH" => {
            let member = &mut guild.members[index];
            if let Some(until) = body.get("communication_disabled_until") {
                member.communication_disabled_until = until.as_str().map(str::to_owned);
            }
            if let Some(nick) = body.get("nick") {
                member.nick = nick.as_str().map(str::to_owned);
            }
            if let Some(roles) = body.get("roles").and_then(Value::as_array) {
                member.roles = roles.iter().filter_map(snowflake).collect();
            }
            Answer::ok(member.to_json())
        }
        "DELETE" => {
            guild.members.remove(index);
            Answer::no_content()
        }
        _ => Answer::not_found(),
    }
}

/// Answers a bulk overwrite of commands as Discord does: each with `id` (kept for a name
/// already registered), `application_id`, `version` and defaults.
fn echo_commands(
    application_id: u64,
    guild_id: Option<u64>,
    previous: &[Value],
    body: &Value,
) -> Vec<Value> {
    body.as_array()
        .into_iter()
        .flatten()
        .map(|command| {
            let existing = previous.iter().find(|c| {
                c["name"] == command["name"] && c["type"] == command.get("type").cloned().unwrap_or(json!(1))
            });
            let id = existing
                .and_then(|c| snowflake(&c["id"]))
                .unwrap_or_else(next_snowflake);
            let permissions = match &command["default_member_permissions"] {
                Value::Number(n) => json!(n.to_string()),
                other => other.clone(),
            };
            let mut echoed = json!({
                "id": id.to_string(),
                "application_id": application_id.to_string(),
                "version": next_snowflake().to_string(),
                "type": command.get("type").cloned().unwrap_or(json!(1)),
                "name": command["name"],
                "name_localizations": command.get("name_localizations").cloned().unwrap_or(Value::Null),
                "description": command.get("description").cloned().unwrap_or(json!("")),
                "description_localizations": command.get("description_localizations").cloned().unwrap_or(Value::Null),
                "options": command.get("options").cloned().unwrap_or(json!([])),
                "default_member_permissions": permissions,
                "dm_permission": command.get("dm_permission").cloned().unwrap_or(json!(true)),
                "nsfw": command.get("nsfw").cloned().unwrap_or(json!(false)),
                "integration_types": command.get("integration_types").cloned().unwrap_or(json!([0])),
                "contexts": command.get("contexts").cloned().unwrap_or(Value::Null)
            });
            if let Some(guild_id) = guild_id {
                echoed["guild_id"] = json!(guild_id.to_string());
            }
            echoed
        })
        .collect()
}

/// Builds the attachments of a message from the body's `attachments` and the uploaded files;
/// existing attachments (kept by id) are taken from `previous`.
fn build_attachments(
    channel_id: u64,
    body: &Value,
    files: &[RecordedFile],
    previous: &[Value],
) -> Vec<Value> {
    let listed = body["attachments"].as_array().cloned().unwrap_or_default();
    let mut attachments = Vec::new();
    let mut used_files = Vec::new();
    for entry in &listed {
        let placeholder = match &entry["id"] {
            Value::Number(n) => n.to_string(),
            Value::String(s) => s.clone(),
            _ => continue,
        };
        if let Some(kept) = previous
            .iter()
            .find(|a| a["id"].as_str() == Some(placeholder.as_str()))
        {
            attachments.push(kept.clone());
        } else if let Some(file) = files
            .iter()
            .find(|f| f.field_name == format!("files[{placeholder}]"))
        {
            used_files.push(file.field_name.clone());
            attachments.push(attachment_json(
                channel_id,
                file,
                entry["description"].as_str(),
            ));
        }
    }
    // Files without metadata in `attachments` are still attached, as Discord does.
    for file in files.iter().filter(|f| !used_files.contains(&f.field_name)) {
        attachments.push(attachment_json(channel_id, file, None));
    }
    attachments
}

fn attachment_json(channel_id: u64, file: &RecordedFile, description: Option<&str>) -> Value {
    let id = next_snowflake();
    let filename = file.filename.clone().unwrap_or_else(|| "file".into());
    json!({
        "id": id.to_string(),
        "filename": filename,
        "size": file.bytes.len(),
        "url": format!("https://cdn.discordapp.com/attachments/{channel_id}/{id}/{filename}"),
        "proxy_url": format!("https://media.discordapp.net/attachments/{channel_id}/{id}/{filename}"),
        "content_type": file.content_type.clone().unwrap_or_else(|| "application/octet-stream".into()),
        "description": description
    })
}

/// Embeds as Discord returns them (`type: rich` when unset).
fn echo_embeds(embeds: &Value) -> Value {
    let embeds = embeds.as_array().cloned().unwrap_or_default();
    Value::Array(
        embeds
            .into_iter()
            .map(|mut embed| {
                if embed.get("type").is_none() {
                    embed["type"] = json!("rich");
                }
                embed
            })
            .collect(),
    )
}

/// A message the bot creates (channel message, interaction response or followup).
fn new_message(
    config: &super::FakeDiscordConfig,
    body: &Value,
    files: &[RecordedFile],
    channel_id: u64,
    guild_id: Option<u64>,
    interaction: Option<&InteractionRecord>,
) -> Value {
    let mut message = json!({
        "id": next_snowflake().to_string(),
        "channel_id": channel_id.to_string(),
        "author": config.bot.to_json(),
        "content": body["content"].as_str().unwrap_or_default(),
        "timestamp": now_timestamp(),
        "edited_timestamp": null,
        "tts": body["tts"].as_bool().unwrap_or(false),
        "mention_everyone": false,
        "mentions": [],
        "mention_roles": [],
        "attachments": build_attachments(channel_id, body, files, &[]),
        "embeds": echo_embeds(&body["embeds"]),
        "pinned": false,
        "type": if body.get("message_reference").is_some_and(|r| !r.is_null()) { 19 } else { 0 },
        "flags": body["flags"].as_u64().unwrap_or(0),
        "components": body.get("components").filter(|c| c.is_array()).cloned().unwrap_or(json!([])),
        "nonce": body.get("nonce").cloned().unwrap_or(Value::Null)
    });
    if let Some(guild_id) = guild_id {
        message["guild_id"] = json!(guild_id.to_string());
    }
    if let Some(reference) = body.get("message_reference").filter(|r| r.is_object()) {
        message["message_reference"] = reference.clone();
    }
    if let Some(interaction) = interaction {
        let payload = &interaction.payload;
        message["webhook_id"] = json!(config.application_id.to_string());
        message["application_id"] = json!(config.application_id.to_string());
        let user = payload
            .get("member")
            .map_or(&payload["user"], |m| &m["user"]);
        let metadata = match payload["type"].as_u64() {
            Some(2) => {
                let command_type = payload["data"]["type"].as_u64().unwrap_or(1);
                message["type"] = json!(if command_type == 1 { 20 } else { 23 });
                Some(
                    json!({ "type": 2, "name": payload["data"]["name"], "command_type": command_type }),
                )
            }
            Some(3) => {
                Some(json!({ "type": 3, "interacted_message_id": payload["message"]["id"] }))
            }
            _ => None,
        };
        if let Some(mut metadata) = metadata {
            metadata["id"] = json!(interaction.id.to_string());
            metadata["user"] = user.clone();
            metadata["authorizing_integration_owners"] =
                payload["authorizing_integration_owners"].clone();
            message["interaction_metadata"] = metadata;
        }
    }
    message
}

/// Applies an edit body to a stored message.
fn edit_message(message: &mut Value, body: &Value, files: &[RecordedFile]) {
    let channel_id = snowflake(&message["channel_id"]).unwrap_or_default();
    if let Some(content) = body.get("content") {
        message["content"] = json!(content.as_str().unwrap_or_default());
    }
    if let Some(embeds) = body.get("embeds") {
        message["embeds"] = echo_embeds(embeds);
    }
    if let Some(components) = body.get("components") {
        message["components"] = if components.is_array() {
            components.clone()
        } else {
            json!([])
        };
    }
    if let Some(flags) = body.get("flags").and_then(Value::as_u64) {
        message["flags"] = json!(flags);
    }
    if body.get("attachments").is_some() || !files.is_empty() {
        let previous = message["attachments"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        let previous = if body.get("attachments").is_some() {
            previous
        } else {
            Vec::new()
        };
        let mut attachments = build_attachments(channel_id, body, files, &previous);
        if body.get("attachments").is_none() {
            let mut kept = message["attachments"]
                .as_array()
                .cloned()
                .unwrap_or_default();
            kept.append(&mut attachments);
            attachments = kept;
        }
        message["attachments"] = Value::Array(attachments);
    }
    message["edited_timestamp"] = json!(now_timestamp());
}

/// `POST /interactions/{id}/{token}/callback`.
fn interaction_callback(
    config: &super::FakeDiscordConfig,
    world: &mut World,
    interaction_id: Option<u64>,
    token: &str,
    body: &Value,
    files: &[RecordedFile],
) -> Answer {
    let Some(interaction) = world
        .interactions
        .by_token(token)
        .filter(|i| Some(i.id) == interaction_id)
    else {
        return Answer::error(404, 10062, "Unknown interaction");
    };
    if interaction.acknowledged {
        return Answer::error(400, 40060, "Interaction has already been acknowledged.");
    }
    let original = store_callback_message(config, &mut world.messages, interaction, body, files);
    world.interactions.acknowledge(token, original);
    Answer::no_content()
}

/// Stores the message an interaction callback makes the interaction's `@original`, if any;
/// returns its id.
fn store_callback_message(
    config: &super::FakeDiscordConfig,
    messages: &mut Messages,
    interaction: &InteractionRecord,
    body: &Value,
    files: &[RecordedFile],
) -> Option<u64> {
    let channel_id = snowflake(&interaction.payload["channel_id"]).unwrap_or_default();
    let guild_id = snowflake(&interaction.payload["guild_id"]);
    let data = &body["data"];
    match body["type"].as_u64() {
        // CHANNEL_MESSAGE_WITH_SOURCE
        Some(4) => {
            let message = new_message(config, data, files, channel_id, guild_id, Some(interaction));
            let id = snowflake(&message["id"]);
            messages.store(message);
            id
        }
        // DEFERRED_CHANNEL_MESSAGE_WITH_SOURCE: a "thinking" message, edited later.
        Some(5) => {
            let mut message = new_message(
                config,
                &json!({}),
                &[],
                channel_id,
                guild_id,
                Some(interaction),
            );
            let ephemeral = data["flags"].as_u64().unwrap_or(0) & 64;
            message["flags"] = json!(ephemeral | 128);
            let id = snowflake(&message["id"]);
            messages.store(message);
            id
        }
        // DEFERRED_UPDATE_MESSAGE / UPDATE_MESSAGE: the original is the component's message.
        Some(kind @ (6 | 7)) => {
            let component_message = &interaction.payload["message"];
            let message_id = snowflake(&component_message["id"])?;
            if messages.get(message_id).is_none() {
                messages.store(component_message.clone());
            }
            if let (7, Some(message)) = (kind, messages.get_mut(message_id)) {
                edit_message(message, data, files);
            }
            Some(message_id)
        }
        _ => None,
    }
}

/// `GET`/`PATCH`/`DELETE /webhooks/{app}/{token}/messages/{@original|id}`.
fn webhook_message(
    world: &mut World,
    method: &Method,
    token: &str,
    message: &str,
    body: &Value,
    files: &[RecordedFile],
) -> Answer {
    let Some(interaction) = world.interactions.by_token(token) else {
        return Answer::error(404, 10015, "Unknown Webhook");
    };
    let message_id = if message == "@original" {
        interaction.original
    } else {
        message.parse().ok()
    };
    let stored = message_id.and_then(|id| Some((id, world.messages.get_mut(id)?)));
    let Some((message_id, stored)) = stored else {
        return Answer::error(404, 10008, "Unknown Message");
    };
    match method.as_str() {
        "GET" => Answer::ok(stored.clone()),
        "PATCH" => {
            edit_message(stored, body, files);
            // Editing a deferred answer ends the "thinking" state.
            if let Some(flags) = stored["flags"].as_u64() {
                stored["flags"] = json!(flags & !128);
            }
            Answer::ok(stored.clone())
        }
        "DELETE" => {
            world.messages.remove(message_id);
            Answer::no_content()
        }
        _ => Answer::not_found(),
    }
}

/// `POST /webhooks/{app}/{token}`: a followup message of an interaction.
fn followup(
    config: &super::FakeDiscordConfig,
    world: &mut World,
    token: &str,
    body: &Value,
    files: &[RecordedFile],
) -> Answer {
    let Some(interaction) = world
        .interactions
        .by_token(token)
        .filter(|i| i.acknowledged)
    else {
        return Answer::error(404, 10015, "Unknown Webhook");
    };
    let channel_id = snowflake(&interaction.payload["channel_id"]).unwrap_or_default();
    let guild_id = snowflake(&interaction.payload["guild_id"]);
    let message = new_message(config, body, files, channel_id, guild_id, Some(interaction));
    world.messages.store(message.clone());
    Answer::ok(message)
}
