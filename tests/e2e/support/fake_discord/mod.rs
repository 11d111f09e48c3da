//! A fake Discord on loopback that end-to-end tests drive the real bot against (SPEC §9).
//!
//! One HTTP server on `127.0.0.1:<random port>` serves the REST API under `/api/v10/...` and
//! the gateway WebSocket at `/gateway`. Point the bot's `[discord] api_base` at
//! [`FakeDiscord::base_url`]: serenity's `HttpBuilder::proxy` rewrites `https://discord.com`
//! to it, and `GET /gateway` hands out the fake's WebSocket URL.
//!
//! Every REST request is recorded; every JSON body (and multipart `payload_json`) is validated
//! against Discord's `OpenAPI` description ([`openapi`]), and a violation fails the test when the
//! fake is dropped or [`FakeDiscord::finish`]ed. Failures (Discord error codes, 429, 500,
//! dropped connections) and delays can be scripted per route.
//!
//! ```ignore
//! let fake = FakeDiscord::start().await;
//! // ... start the bot with api_base = fake.base_url() ...
//! fake.wait_for_identifies(1, Duration::from_secs(10)).await;
//! let guild = fake.guild(ids::GUILD);
//! let sent = fake
//!     .send_interaction(InteractionBuilder::slash_command("report", json!([...])).in_guild(&guild, ids::GENERAL_CHANNEL, ids::ALICE))
//!     .await;
//! let callback = fake.wait_for_request(Method::POST, &sent.callback_path(), Duration::from_secs(5)).await;
//! fake.finish();
//! ```

// A shared test-support API: each test uses the part it needs.
#![allow(dead_code)]

mod bot_config;
mod gateway;
pub mod openapi;
pub mod payloads;
mod rest;
mod world;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use axum::body::Body;
use axum::extract::FromRequestParts;
use axum::extract::ws::WebSocketUpgrade;
use axum::http::{Request, Response};
use axum::response::IntoResponse;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use serde_json::Value;
use tokio::net::TcpListener;
use tokio::sync::{mpsc, watch};
use tokio::task::{JoinHandle, JoinSet};

// The public API for tests; not every re-export is used by every build of the test binary.
#[allow(unused_imports)]
pub use axum::http::Method;
#[allow(unused_imports)]
pub use gateway::{Identify, Resume};
#[allow(unused_imports)]
pub use openapi::SchemaError;
#[allow(unused_imports)]
pub use payloads::{
    FakeChannel, FakeGuild, FakeMember, FakeOverwrite, FakeRole, FakeUser, InteractionBuilder,
    MessageBuilder, bot_user, ids, next_snowflake, now_timestamp, perms,
};
#[allow(unused_imports)]
pub use rest::{RecordedFile, RecordedRequest, Scripted, Violation, ViolationKind, path_matches};
#[allow(unused_imports)]
pub use world::NonceRecord;

use rest::{ATTACHMENTS_PREFIX, Delay, DropConnection, HostedFile, Script, snowflake};
use world::{InteractionRecord, World};

/// How long [`FakeDiscord::dispatch`] waits for the bot to have a gateway session.
const SESSION_WAIT: Duration = Duration::from_secs(10);

/// What the fake Discord knows at start.
#[derive(Clone, Debug)]
pub struct FakeDiscordConfig {
    /// The bot's user (READY, `GET /users/@me`, authors of its messages).
    pub bot: FakeUser,
    pub application_id: u64,
    /// The application's owner (`GET /oauth2/applications/@me`).
    pub owner: FakeUser,
    /// Guilds sent in `GUILD_CREATE` and served over REST.
    pub guilds: Vec<FakeGuild>,
    /// The heartbeat interval announced in Hello.
    pub heartbeat_interval_ms: u64,
    /// The shard count `GET /gateway/bot` recommends.
    pub shard_count: u64,
    /// Whether request bodies are checked against the `OpenAPI` file (off only in the load
    /// benchmark, where the checks would be the fake's main cost).
    pub validate_bodies: bool,
}

impl Default for FakeDiscordConfig {
    /// The standard world: the bot, and the guild [`FakeGuild::standard`] owned by camille.
    fn default() -> Self {
        let guild = FakeGuild::standard();
        let owner = guild.expect_member(ids::OWNER).user.clone();
        Self {
            bot: bot_user(),
            application_id: ids::APPLICATION,
            owner,
            guilds: vec![guild],
            heartbeat_interval_ms: 41_250,
            shard_count: 1,
            validate_bodies: true,
        }
    }
}

impl FakeDiscordConfig {
    /// The standard world plus [`FakeGuild::second`], with two shards recommended: each guild
    /// on its own shard.
    pub fn two_shards() -> Self {
        let mut world = Self::default();
        world.guilds.push(FakeGuild::second());
        world.shard_count = 2;
        world
    }
}

/// Everything the fake records and serves, behind one mutex (never held across an await).
#[derive(Debug, Default)]
pub(crate) struct State {
    pub world: World,
    pub requests: Vec<RecordedRequest>,
    pub violations: Vec<Violation>,
    pub scripts: Vec<Script>,
    pub delays: Vec<Delay>,
    pub gateway: gateway::GatewayState,
}

/// State shared by the server tasks and the test's handle.
pub(crate) struct Shared {
    pub config: FakeDiscordConfig,
    pub ws_url: String,
    state: Mutex<State>,
    /// Bumped on every change, to wake waiters.
    changes: watch::Sender<u64>,
    pub shutdown: watch::Receiver<bool>,
    /// Where each request is told as it arrives, once [`FakeDiscord::tap`] was called.
    tap: Mutex<Option<mpsc::UnboundedSender<Tapped>>>,
    /// While set, the gateway refuses new connections (503), as during an outage.
    refusing_gateway: AtomicBool,
}

/// A request as it arrived, for a driver that follows the traffic live (the load benchmark).
#[derive(Clone, Debug)]
pub struct Tapped {
    pub received_at: std::time::Instant,
    pub method: Method,
    /// Relative to `/api/v10`, as in [`RecordedRequest::path`].
    pub path: String,
}

impl Shared {
    pub fn lock(&self) -> MutexGuard<'_, State> {
        // A panicking test thread must not hide what was recorded.
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    pub fn notify(&self) {
        self.changes.send_modify(|n| *n += 1);
    }

    /// Tells the tap, if any, of a request that just arrived.
    pub fn tell_tap(&self, tapped: impl FnOnce() -> Tapped) {
        let tap = self
            .tap
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(tap) = tap.as_ref() {
            let _ = tap.send(tapped());
        }
    }
}

/// An interaction the fake dispatched, with what the bot needs to answer it.
#[derive(Clone, Debug)]
pub struct SentInteraction {
    pub id: u64,
    pub token: String,
    pub application_id: u64,
    /// The `INTERACTION_CREATE` payload as dispatched.
    pub payload: Value,
}

impl SentInteraction {
    /// `/interactions/{id}/{token}/callback`, where the bot acknowledges it.
    pub fn callback_path(&self) -> String {
        format!("/interactions/{}/{}/callback", self.id, self.token)
    }

    /// `/webhooks/{application}/{token}`, where the bot posts followups.
    pub fn webhook_path(&self) -> String {
        format!("/webhooks/{}/{}", self.application_id, self.token)
    }

    /// `/webhooks/{application}/{token}/messages/@original`.
    pub fn original_path(&self) -> String {
        format!("{}/messages/@original", self.webhook_path())
    }
}

/// The fake Discord server. Dropping it stops the server and fails the test if a request
/// body violated the `OpenAPI` spec.
pub struct FakeDiscord {
    shared: Arc<Shared>,
    base_url: String,
    shutdown: watch::Sender<bool>,
    server: JoinHandle<()>,
    checked: AtomicBool,
}

impl FakeDiscord {
    /// Starts the fake with the standard world ([`FakeDiscordConfig::default`]).
    pub async fn start() -> Self {
        Self::start_with(FakeDiscordConfig::default()).await
    }

    /// Starts the fake with `config`.
    pub async fn start_with(config: FakeDiscordConfig) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind the fake Discord on loopback");
        let port = listener.local_addr().expect("local address").port();
        let (changes, _) = watch::channel(0);
        let (shutdown, shutdown_rx) = watch::channel(false);
        let state = State {
            world: World {
                guilds: config.guilds.clone(),
                serving_files: true,
                ..World::default()
            },
            ..State::default()
        };
        let shared = Arc::new(Shared {
            config,
            ws_url: format!("ws://127.0.0.1:{port}/gateway"),
            state: Mutex::new(state),
            changes,
            shutdown: shutdown_rx,
            tap: Mutex::new(None),
            refusing_gateway: AtomicBool::new(false),
        });
        let server = tokio::spawn(accept_loop(listener, Arc::clone(&shared)));
        Self {
            shared,
            base_url: format!("http://127.0.0.1:{port}"),
            shutdown,
            server,
            checked: AtomicBool::new(false),
        }
    }

    /// `http://127.0.0.1:PORT`: the bot's `[discord] api_base`.
    pub fn base_url(&self) -> String {
        self.base_url.clone()
    }

    /// `ws://127.0.0.1:PORT/gateway`.
    pub fn gateway_url(&self) -> String {
        self.shared.ws_url.clone()
    }

    /// The configuration the fake started with.
    pub fn config(&self) -> &FakeDiscordConfig {
        &self.shared.config
    }

    /// Checks, at the end of a test, that no request body violated the spec and that every
    /// request had a route. (Dropping the fake checks violations only.)
    pub fn finish(self) {
        self.assert_no_violations();
        self.assert_no_unhandled_requests();
    }

    // ----- world -----

    /// Serves `bytes` as an attachment on the fake's own host (its CDN) and returns the
    /// attachment object a message carries, its `size` and `content_type` as declared.
    pub fn host_attachment(
        &self,
        channel_id: u64,
        filename: &str,
        content_type: &str,
        bytes: &[u8],
    ) -> Value {
        let id = next_snowflake();
        let path = format!("{ATTACHMENTS_PREFIX}{channel_id}/{id}/{filename}");
        self.shared.lock().world.hosted.push(HostedFile {
            path: path.clone(),
            content_type: content_type.to_owned(),
            bytes: bytes.to_vec(),
            redirect: None,
        });
        serde_json::json!({
            "id": id.to_string(),
            "filename": filename,
            "size": bytes.len(),
            "url": format!("{}{path}?ex=expires&is=signed", self.base_url),
            "proxy_url": format!("{}{path}", self.base_url),
            "content_type": content_type
        })
    }

    /// Makes a hosted attachment answer a redirect to `location` instead of its bytes.
    pub fn redirect_attachment(&self, attachment: &Value, location: &str) {
        let url = attachment["url"].as_str().unwrap_or_default();
        let path = url
            .strip_prefix(&self.base_url)
            .and_then(|rest| rest.split('?').next())
            .unwrap_or_default()
            .to_owned();
        let mut state = self.shared.lock();
        if let Some(file) = state.world.hosted.iter_mut().find(|f| f.path == path) {
            file.redirect = Some(location.to_owned());
        }
    }

    /// The hosted attachments' links expire: every one answers 404 from now on.
    pub fn stop_serving_attachments(&self) {
        self.shared.lock().world.serving_files = false;
    }

    /// The requests for hosted attachments.
    pub fn attachment_fetches(&self) -> Vec<RecordedRequest> {
        self.requests()
            .into_iter()
            .filter(|r| r.path.starts_with(ATTACHMENTS_PREFIX))
            .collect()
    }

    /// The current state of a guild (members reflect timeouts, kicks and bans applied).
    pub fn guild(&self, guild_id: u64) -> FakeGuild {
        self.shared
            .lock()
            .world
            .guilds
            .iter()
            .find(|g| g.id == guild_id)
            .cloned()
            .unwrap_or_else(|| panic!("the fake Discord has no guild {guild_id}"))
    }

    /// Changes a guild (add members, roles, channels...). GUILD_* events are not sent.
    pub fn update_guild(&self, guild_id: u64, change: impl FnOnce(&mut FakeGuild)) {
        let mut state = self.shared.lock();
        let guild = state
            .world
            .guilds
            .iter_mut()
            .find(|g| g.id == guild_id)
            .unwrap_or_else(|| panic!("the fake Discord has no guild {guild_id}"));
        change(guild);
    }

    /// Makes a user who is in no guild known (so that the bot can fetch or DM them).
    pub fn add_user(&self, user: FakeUser) {
        self.shared.lock().world.users.push(user);
    }

    /// The member, if `user_id` is in the guild.
    pub fn member(&self, guild_id: u64, user_id: u64) -> Option<FakeMember> {
        self.guild(guild_id).member(user_id).cloned()
    }

    /// `(user id, reason)` of the guild's bans.
    pub fn bans(&self, guild_id: u64) -> Vec<(u64, Option<String>)> {
        let state = self.shared.lock();
        state
            .world
            .bans
            .iter()
            .filter(|(g, _, _)| *g == guild_id)
            .map(|(_, u, r)| (*u, r.clone()))
            .collect()
    }

    /// The DM channel the bot opened with a user, if any.
    pub fn dm_channel_of(&self, user_id: u64) -> Option<u64> {
        self.shared.lock().world.dm_channels.channel_of(user_id)
    }

    /// Messages of a channel, oldest first (sent by the bot, injected by `MESSAGE_CREATE`, or
    /// stored with [`Self::insert_message`]).
    pub fn messages_in(&self, channel_id: u64) -> Vec<Value> {
        let state = self.shared.lock();
        state
            .world
            .messages
            .iter()
            .filter(|m| snowflake(&m["channel_id"]) == Some(channel_id))
            .cloned()
            .collect()
    }

    /// A stored message by id.
    pub fn message(&self, message_id: u64) -> Option<Value> {
        self.shared.lock().world.messages.get(message_id).cloned()
    }

    /// The messages created with an enforced nonce (`enforce_nonce: true`), oldest first, each
    /// with how many retried creates it answered instead of a new message.
    pub fn enforced_nonces(&self) -> Vec<NonceRecord> {
        self.shared.lock().world.nonces.records().to_vec()
    }

    /// Stores a message (as if it existed in Discord) without dispatching it.
    pub fn insert_message(&self, message: Value) {
        register_secrets_of(&message);
        self.shared.lock().world.messages.store(message);
    }

    /// The commands the bot registered globally (as echoed back).
    pub fn global_commands(&self) -> Vec<Value> {
        self.shared.lock().world.global_commands.clone()
    }

    /// The commands the bot registered in a guild (as echoed back).
    pub fn guild_commands(&self, guild_id: u64) -> Vec<Value> {
        let state = self.shared.lock();
        state
            .world
            .guild_commands
            .iter()
            .find(|(g, _)| *g == guild_id)
            .map(|(_, c)| c.clone())
            .unwrap_or_default()
    }

    /// The `@original` response of an interaction, once the bot answered it.
    pub fn original_response(&self, interaction: &SentInteraction) -> Option<Value> {
        let state = self.shared.lock();
        let original = state.world.interactions.by_id(interaction.id)?.original?;
        state.world.messages.get(original).cloned()
    }

    /// Whether the bot acknowledged the interaction (any callback type).
    pub fn is_acknowledged(&self, interaction: &SentInteraction) -> bool {
        self.shared
            .lock()
            .world
            .interactions
            .by_id(interaction.id)
            .is_some_and(|i| i.acknowledged)
    }

    // ----- gateway -----

    /// Sends a dispatch (op 0) to the session owning `data.guild_id` (shard 0 without one),
    /// waiting up to 10 s for the bot to have a session; returns its sequence number. A
    /// `MESSAGE_CREATE` is also stored as a message of its channel. Dispatches sent while the
    /// connection is down are replayed when the bot resumes.
    pub async fn dispatch(&self, event: &str, data: Value) -> u64 {
        if event == "MESSAGE_CREATE" {
            self.insert_message(data.clone());
        }
        register_secrets_of(&data);
        let seq = self
            .wait_until(SESSION_WAIT, |state| state.gateway.dispatch(event, &data))
            .await;
        seq.unwrap_or_else(|| {
            panic!("cannot dispatch {event}: the bot identified no gateway session within 10 s")
        })
    }

    /// Dispatches an `INTERACTION_CREATE` built by `interaction`, after setting `data.id` to the
    /// id of the command the bot registered under that name (if any). The bot's answers to it
    /// are served by the REST API.
    pub async fn send_interaction(&self, interaction: InteractionBuilder) -> SentInteraction {
        self.send_interaction_payload(interaction.build()).await
    }

    /// Like [`Self::send_interaction`], with the payload already built (the load benchmark
    /// builds its payloads before it starts the clock).
    pub async fn send_interaction_payload(&self, mut payload: Value) -> SentInteraction {
        let (id, token) = (
            snowflake(&payload["id"]).unwrap_or_default(),
            payload["token"].as_str().unwrap_or_default().to_owned(),
        );
        {
            let mut state = self.shared.lock();
            if payload["type"] == 2 {
                let guild = snowflake(&payload["guild_id"]);
                let registered = state
                    .world
                    .guild_commands
                    .iter()
                    .filter(|(g, _)| Some(*g) == guild)
                    .flat_map(|(_, c)| c)
                    .chain(&state.world.global_commands)
                    .find(|c| {
                        c["name"] == payload["data"]["name"] && c["type"] == payload["data"]["type"]
                    })
                    .map(|c| c["id"].clone());
                if let Some(command_id) = registered {
                    payload["data"]["id"] = command_id;
                }
            }
            state.world.interactions.push(InteractionRecord {
                id,
                token: token.clone(),
                payload: payload.clone(),
                acknowledged: false,
                original: None,
            });
        }
        self.dispatch("INTERACTION_CREATE", payload.clone()).await;
        SentInteraction {
            id,
            token,
            application_id: self.shared.config.application_id,
            payload,
        }
    }

    /// Sends a text frame as written, valid JSON or not, on every gateway connection, once the
    /// bot has a session; returns how many connections got it.
    pub async fn send_raw_frame(&self, frame: &str) -> usize {
        Self::register_raw_frame_secrets(frame);
        self.wait_until(SESSION_WAIT, |state| {
            state
                .gateway
                .has_live_session()
                .then(|| state.gateway.send_raw(frame))
        })
        .await
        .unwrap_or(0)
    }

    /// Registers what a raw frame carries as secrets (interaction tokens are found by name).
    fn register_raw_frame_secrets(frame: &str) {
        for token in frame
            .split('"')
            .filter(|part| part.starts_with("fake-interaction-token-"))
        {
            crate::support::logs::register_secret(token);
        }
    }

    /// Closes every gateway connection abruptly (no close frame), as a network drop.
    pub fn drop_gateway(&self) -> usize {
        self.shared
            .lock()
            .gateway
            .broadcast(|| gateway::Command::Drop)
    }

    /// A gateway outage: every connection drops and new ones are refused until
    /// [`Self::end_gateway_outage`].
    pub fn start_gateway_outage(&self) -> usize {
        self.shared.refusing_gateway.store(true, Ordering::SeqCst);
        self.drop_gateway()
    }

    /// The gateway accepts connections again.
    pub fn end_gateway_outage(&self) {
        self.shared.refusing_gateway.store(false, Ordering::SeqCst);
    }

    /// Sends op 7 Reconnect on every gateway connection.
    pub fn send_reconnect(&self) -> usize {
        let frame = serde_json::json!({ "op": 7, "s": null, "t": null, "d": null }).to_string();
        self.shared
            .lock()
            .gateway
            .broadcast(|| gateway::Command::Frame(frame.clone()))
    }

    /// Sends op 9 Invalid Session on every gateway connection.
    pub fn invalidate_session(&self, resumable: bool) -> usize {
        let frame =
            serde_json::json!({ "op": 9, "s": null, "t": null, "d": resumable }).to_string();
        self.shared
            .lock()
            .gateway
            .broadcast(|| gateway::Command::Frame(frame.clone()))
    }

    /// `(event, guild id)` of every dispatch sent (or kept for replay) on the sessions of
    /// `shard` (`[shard_id, shard_count]`), oldest first.
    pub fn dispatches_on_shard(&self, shard: [u64; 2]) -> Vec<(String, Option<u64>)> {
        self.shared.lock().gateway.dispatches_on_shard(shard)
    }

    /// WebSocket connections opened so far.
    pub fn connection_count(&self) -> u64 {
        self.shared.lock().gateway.connections
    }

    /// Identifies (op 2) received so far.
    pub fn identifies(&self) -> Vec<Identify> {
        self.shared.lock().gateway.identifies.clone()
    }

    /// Resumes (op 6) received so far.
    pub fn resumes(&self) -> Vec<Resume> {
        self.shared.lock().gateway.resumes.clone()
    }

    /// Heartbeats (op 1) received so far.
    pub fn heartbeat_count(&self) -> u64 {
        self.shared.lock().gateway.heartbeats
    }

    /// Whether a session is established on a live connection.
    pub fn has_live_session(&self) -> bool {
        self.shared.lock().gateway.has_live_session()
    }

    /// Waits until `count` WebSocket connections were opened in total; panics on timeout.
    pub async fn wait_for_connections(&self, count: u64, timeout: Duration) {
        self.wait_for(timeout, &format!("{count} gateway connection(s)"), |s| {
            s.gateway.connections >= count
        })
        .await;
    }

    /// Waits until `count` Identifies were received in total; panics on timeout.
    pub async fn wait_for_identifies(&self, count: usize, timeout: Duration) -> Vec<Identify> {
        self.wait_for(timeout, &format!("{count} identify(ies)"), |s| {
            s.gateway.identifies.len() >= count
        })
        .await;
        self.identifies()
    }

    /// Waits until `count` Resumes were received in total; panics on timeout.
    pub async fn wait_for_resumes(&self, count: usize, timeout: Duration) -> Vec<Resume> {
        self.wait_for(timeout, &format!("{count} resume(s)"), |s| {
            s.gateway.resumes.len() >= count
        })
        .await;
        self.resumes()
    }

    /// Waits until a session is established on a live connection; panics on timeout.
    pub async fn wait_for_live_session(&self, timeout: Duration) {
        self.wait_for(timeout, "a live gateway session", |s| {
            s.gateway.has_live_session()
        })
        .await;
    }

    // ----- REST scripting -----

    /// Answers the next `times` requests matching `method` and `pattern` (e.g.
    /// `"/channels/*/messages"`; `*`, `{}` or `{name}` match one segment) with `answer`
    /// instead of the default. Use `usize::MAX` for every matching request. Earlier scripts
    /// for the same route are used first.
    pub fn script(&self, method: Method, pattern: &str, answer: Scripted, times: usize) {
        self.shared.lock().scripts.push(Script {
            method,
            pattern: pattern.to_owned(),
            answer,
            remaining: times,
        });
    }

    /// Delays every answer to requests matching `method` and `pattern` (the latest delay set
    /// for a route wins; `Duration::ZERO` removes it in effect).
    pub fn set_delay(&self, method: Method, pattern: &str, delay: Duration) {
        self.shared.lock().delays.push(Delay {
            method,
            pattern: pattern.to_owned(),
            lasting: delay,
        });
    }

    /// Removes all scripts and delays.
    pub fn clear_scripts(&self) {
        let mut state = self.shared.lock();
        state.scripts.clear();
        state.delays.clear();
    }

    // ----- REST recording -----

    /// Every request from now on, told as it arrives (one tap at a time: a new call replaces
    /// the last).
    pub fn tap(&self) -> mpsc::UnboundedReceiver<Tapped> {
        let (sender, receiver) = mpsc::unbounded_channel();
        *self
            .shared
            .tap
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = Some(sender);
        receiver
    }

    /// Every REST request received so far, in arrival order.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.shared.lock().requests.clone()
    }

    /// Looks at the requests received so far, in arrival order, without copying them (the
    /// fake waits meanwhile: a load driver's poll, not a test's wait).
    pub fn inspect_requests<T>(&self, look: impl FnOnce(&[RecordedRequest]) -> T) -> T {
        look(&self.shared.lock().requests)
    }

    /// The requests matching `method` and `pattern` (see [`Self::script`]).
    pub fn requests_matching(&self, method: Method, pattern: &str) -> Vec<RecordedRequest> {
        let state = self.shared.lock();
        state
            .requests
            .iter()
            .filter(|r| r.method == method && path_matches(pattern, &r.path))
            .cloned()
            .collect()
    }

    /// The first request matching `method` and `pattern`, once it arrived (it may have arrived
    /// before the call) and was answered (or dropped). Panics on timeout, listing what arrived.
    pub async fn wait_for_request(
        &self,
        method: Method,
        pattern: &str,
        timeout: Duration,
    ) -> RecordedRequest {
        self.wait_for_requests(method, pattern, 1, timeout)
            .await
            .remove(0)
    }

    /// The first `count` requests matching `method` and `pattern`, once they arrived and were
    /// answered. Panics on timeout, listing what arrived.
    pub async fn wait_for_requests(
        &self,
        method: Method,
        pattern: &str,
        count: usize,
        timeout: Duration,
    ) -> Vec<RecordedRequest> {
        let found = self
            .wait_until(timeout, |state| {
                let matching: Vec<RecordedRequest> = state
                    .requests
                    .iter()
                    .filter(|r| r.method == method && path_matches(pattern, &r.path))
                    .take(count)
                    .cloned()
                    .collect();
                // Wait for the answer too, so that its effects are visible.
                let settled = matching.iter().all(RecordedRequest::is_settled);
                (matching.len() == count && settled).then_some(matching)
            })
            .await;
        found.unwrap_or_else(|| {
            panic!(
                "timed out after {timeout:?} waiting for {count} × {method} {pattern}; received:\n{}",
                self.describe_requests()
            )
        })
    }

    /// Requests no route of the fake serves (answered with Discord's 404 JSON).
    pub fn unhandled_requests(&self) -> Vec<RecordedRequest> {
        self.shared
            .lock()
            .requests
            .iter()
            .filter(|r| !r.handled)
            .cloned()
            .collect()
    }

    /// Panics listing the requests no route served, if any.
    pub fn assert_no_unhandled_requests(&self) {
        let unhandled = self.unhandled_requests();
        assert!(
            unhandled.is_empty(),
            "the bot sent requests the fake Discord does not serve:\n{}",
            unhandled
                .iter()
                .map(RecordedRequest::summary)
                .collect::<Vec<_>>()
                .join("\n")
        );
    }

    // ----- OpenAPI validation -----

    /// Request bodies that did not conform to Discord's `OpenAPI` spec.
    pub fn violations(&self) -> Vec<Violation> {
        self.shared.lock().violations.clone()
    }

    /// Forgets recorded violations (for tests that provoke them on purpose).
    pub fn clear_violations(&self) {
        self.shared.lock().violations.clear();
    }

    /// Panics listing every spec violation, if any.
    pub fn assert_no_violations(&self) {
        self.checked.store(true, Ordering::Relaxed);
        let violations = self.violations();
        assert!(
            violations.is_empty(),
            "request bodies violate Discord's OpenAPI spec:\n{}",
            violations
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("\n")
        );
    }

    // ----- internals -----

    fn describe_requests(&self) -> String {
        let requests = self.requests();
        if requests.is_empty() {
            return "  (no request)".to_owned();
        }
        requests
            .iter()
            .map(|r| format!("  {}", r.summary()))
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// Polls `check` on every change until it returns `Some` or `timeout` passes.
    async fn wait_until<T>(
        &self,
        timeout: Duration,
        mut check: impl FnMut(&mut State) -> Option<T>,
    ) -> Option<T> {
        let mut changes = self.shared.changes.subscribe();
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            changes.borrow_and_update();
            let found = check(&mut self.shared.lock());
            if found.is_some() {
                self.shared.notify();
                return found;
            }
            if tokio::time::timeout_at(deadline, changes.changed())
                .await
                .is_err()
            {
                return None;
            }
        }
    }

    async fn wait_for(&self, timeout: Duration, what: &str, mut done: impl FnMut(&State) -> bool) {
        let reached = self
            .wait_until(timeout, |state| done(state).then_some(()))
            .await;
        if reached.is_none() {
            let gateway = &self.shared.lock().gateway;
            panic!(
                "timed out after {timeout:?} waiting for {what}; gateway: {} connection(s), {} identify(ies), {} resume(s)",
                gateway.connections,
                gateway.identifies.len(),
                gateway.resumes.len()
            );
        }
    }
}

impl Drop for FakeDiscord {
    fn drop(&mut self) {
        let _ = self.shutdown.send(true);
        self.server.abort();
        if std::thread::panicking() || self.checked.load(Ordering::Relaxed) {
            return;
        }
        let violations = self.violations();
        assert!(
            violations.is_empty(),
            "request bodies violate Discord's OpenAPI spec (checked when the fake Discord was dropped):\n{}",
            violations
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("\n")
        );
    }
}

/// Accepts connections until the fake is dropped; each connection is served by hyper.
async fn accept_loop(listener: TcpListener, shared: Arc<Shared>) {
    // Owned here so that aborting this task also ends every open connection.
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let Ok((stream, _)) = accepted else { continue };
                // As Discord's edge does: a small write is not held back for an ACK (Nagle).
                let _ = stream.set_nodelay(true);
                let shared = Arc::clone(&shared);
                let service = service_fn(move |request| handle(Arc::clone(&shared), request));
                connections.spawn(async move {
                    // Errors are expected here: clients hang up, scripted drops end connections.
                    let _ = http1::Builder::new().serve_connection(TokioIo::new(stream), service).with_upgrades().await;
                });
            }
            Some(_) = connections.join_next() => {}
        }
    }
}

/// Routes `/gateway` to the WebSocket and everything else to the REST API. An `Err` makes
/// hyper close the connection without answering (a scripted drop).
async fn handle(
    shared: Arc<Shared>,
    request: Request<Incoming>,
) -> Result<Response<Body>, DropConnection> {
    let (mut parts, body) = request.into_parts();
    if parts.uri.path() == "/gateway" {
        if shared.refusing_gateway.load(Ordering::SeqCst) {
            return Ok(axum::http::StatusCode::SERVICE_UNAVAILABLE.into_response());
        }
        return Ok(
            match WebSocketUpgrade::from_request_parts(&mut parts, &()).await {
                Ok(upgrade) => {
                    upgrade.on_upgrade(move |socket| gateway::run_connection(shared, socket))
                }
                Err(rejection) => rejection.into_response(),
            },
        );
    }
    let body = axum::body::to_bytes(Body::new(body), usize::MAX)
        .await
        .unwrap_or_default();
    let query = parts.uri.query().map(str::to_owned);
    rest::serve(
        shared,
        parts.method,
        parts.uri.path().to_owned(),
        query,
        parts.headers,
        body,
    )
    .await
}

/// Registers, as secrets the bot must not log, what a gateway payload carries: an
/// interaction's token, its `details` options and modal inputs, a message's content.
fn register_secrets_of(payload: &Value) {
    use crate::support::logs::register_secret;
    for key in ["token", "content"] {
        if let Some(secret) = payload[key].as_str() {
            register_secret(secret);
        }
    }
    let data = &payload["data"];
    let mut options: Vec<&Value> = data["options"].as_array().into_iter().flatten().collect();
    while let Some(option) = options.pop() {
        if option["name"] == "details"
            && let Some(details) = option["value"].as_str()
        {
            register_secret(details);
        }
        options.extend(option["options"].as_array().into_iter().flatten());
    }
    let inputs = data["components"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|row| row["components"].as_array().into_iter().flatten());
    for input in inputs {
        if let Some(value) = input["value"].as_str() {
            register_secret(value);
        }
    }
}
