//! The fake gateway: Hello → Identify → READY + one `GUILD_CREATE` per guild of the shard,
//! heartbeats, Resume (with replay of missed dispatches) → RESUMED, and test controls
//! (dispatch, raw frames, abrupt drop, op 7 Reconnect, op 9 Invalid Session).

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::ws::{Message, WebSocket};
use serde_json::{Value, json};
use tokio::sync::mpsc::{UnboundedSender, unbounded_channel};

use super::Shared;
use super::payloads::{next_snowflake, ready_json};

/// An Identify (op 2) the bot sent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Identify {
    pub token: String,
    pub intents: u64,
    /// `[shard_id, shard_count]`.
    pub shard: [u64; 2],
    /// The session id the fake gave in READY.
    pub session_id: String,
    /// The guilds the fake sent in READY and `GUILD_CREATE`: those of the shard.
    pub guild_ids: Vec<u64>,
}

/// A Resume (op 6) the bot sent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Resume {
    pub session_id: String,
    /// The last sequence number the bot had seen.
    pub seq: u64,
    /// Whether the fake knew the session (otherwise it answered op 9).
    pub accepted: bool,
}

/// What a connection task is told to do.
#[derive(Debug)]
pub(crate) enum Command {
    /// Send this text frame.
    Frame(String),
    /// Close the TCP connection without a close frame, as a network drop.
    Drop,
}

/// One gateway session (survives its connection, so that it can be resumed).
#[derive(Debug)]
struct Session {
    shard: [u64; 2],
    /// Order of creation, to find the newest session of a shard.
    created: u64,
    seq: u64,
    /// Every dispatch sent in this session, for replay on resume.
    history: Vec<(u64, String)>,
    /// `(event, guild id)` of each dispatch of `history`, for the tests.
    dispatched: Vec<(String, Option<u64>)>,
    /// The connection currently carrying the session.
    connection: Option<u64>,
}

/// Gateway bookkeeping, inside the fake's state mutex.
#[derive(Debug, Default)]
pub(crate) struct GatewayState {
    pub connections: u64,
    pub heartbeats: u64,
    pub identifies: Vec<Identify>,
    pub resumes: Vec<Resume>,
    sessions: HashMap<String, Session>,
    live: HashMap<u64, UnboundedSender<Command>>,
}

impl GatewayState {
    /// Whether a session is established on a live connection (READY or RESUMED sent).
    pub fn has_live_session(&self) -> bool {
        self.sessions
            .values()
            .any(|s| s.connection.is_some_and(|c| self.live.contains_key(&c)))
    }

    /// Sends a command to every live connection; returns how many got it.
    pub fn broadcast(&self, make: impl Fn() -> Command) -> usize {
        self.live
            .values()
            .filter(|tx| tx.send(make()).is_ok())
            .count()
    }

    /// `(event, guild id)` of the dispatches of every session of `shard`, oldest first.
    pub fn dispatches_on_shard(&self, shard: [u64; 2]) -> Vec<(String, Option<u64>)> {
        let mut sessions: Vec<&Session> = self
            .sessions
            .values()
            .filter(|s| s.shard == shard)
            .collect();
        sessions.sort_by_key(|s| s.created);
        sessions
            .into_iter()
            .flat_map(|s| s.dispatched.iter().cloned())
            .collect()
    }

    /// Sends `frame` as it is (even when it is not valid JSON) on every live connection;
    /// returns how many got it. It takes no sequence number.
    pub fn send_raw(&self, frame: &str) -> usize {
        self.broadcast(|| Command::Frame(frame.to_owned()))
    }

    /// Queues a dispatch on the session that owns `guild_id` (shard 0 without a guild), with
    /// the session's next sequence number. Returns the sequence number, or `None` when no
    /// session exists yet. A session without a live connection keeps it for replay on resume.
    pub fn dispatch(&mut self, event: &str, data: &Value) -> Option<u64> {
        let guild_id = guild_of(data);
        let session = self
            .sessions
            .values_mut()
            .filter(|s| match guild_id {
                Some(guild_id) => shard_of(guild_id, s.shard[1]) == s.shard[0],
                None => s.shard[0] == 0,
            })
            .max_by_key(|s| s.created)?;
        let (seq, frame) = next_dispatch(session, event, data);
        if let Some(tx) = session.connection.and_then(|c| self.live.get(&c)) {
            let _ = tx.send(Command::Frame(frame));
        }
        Some(seq)
    }
}

/// The shard a guild belongs to (Discord's formula).
fn shard_of(guild_id: u64, shard_count: u64) -> u64 {
    (guild_id >> 22) % shard_count.max(1)
}

/// The guild a dispatch is about, from its `guild_id`.
fn guild_of(data: &Value) -> Option<u64> {
    data.get("guild_id")
        .and_then(Value::as_str)
        .and_then(|g| g.parse::<u64>().ok())
}

/// Assigns the next sequence number and records the frame for replay.
fn next_dispatch(session: &mut Session, event: &str, data: &Value) -> (u64, String) {
    let guild_id = if event == "GUILD_CREATE" {
        super::rest::snowflake(&data["id"])
    } else {
        guild_of(data)
    };
    session.dispatched.push((event.to_owned(), guild_id));
    session.seq += 1;
    let frame = json!({ "op": 0, "s": session.seq, "t": event, "d": data }).to_string();
    session.history.push((session.seq, frame.clone()));
    (session.seq, frame)
}

/// Runs one WebSocket connection until it closes, is dropped, or the fake shuts down.
pub(crate) async fn run_connection(shared: Arc<Shared>, mut socket: WebSocket) {
    let (tx, mut rx) = unbounded_channel();
    let connection_id = next_snowflake();
    {
        let mut state = shared.lock();
        state.gateway.connections += 1;
        state.gateway.live.insert(connection_id, tx.clone());
    }
    shared.notify();
    let hello = json!({ "op": 10, "s": null, "t": null, "d": { "heartbeat_interval": shared.config.heartbeat_interval_ms } });
    let _ = tx.send(Command::Frame(hello.to_string()));
    let mut shutdown = shared.shutdown.clone();
    loop {
        tokio::select! {
            incoming = socket.recv() => match incoming {
                Some(Ok(Message::Text(text))) => handle_client_frame(&shared, connection_id, &tx, text.as_str()),
                // Discord answers a close frame with one, as the protocol asks: serenity waits
                // for it before it calls a shard shut down.
                Some(Ok(Message::Close(frame))) => {
                    let _ = socket.send(Message::Close(frame)).await;
                    break;
                }
                Some(Err(_)) | None => break,
                Some(Ok(_)) => {}
            },
            command = rx.recv() => match command {
                Some(Command::Frame(frame)) => {
                    if socket.send(Message::Text(frame.into())).await.is_err() {
                        break;
                    }
                }
                Some(Command::Drop) | None => break,
            },
            _ = shutdown.changed() => break,
        }
    }
    // Dropping the socket closes TCP without a close frame.
    drop(socket);
    {
        let mut state = shared.lock();
        state.gateway.live.remove(&connection_id);
        for session in state.gateway.sessions.values_mut() {
            if session.connection == Some(connection_id) {
                session.connection = None;
            }
        }
    }
    shared.notify();
}

/// Handles one frame from the bot; answers are queued on `tx` under the state lock so that
/// they stay in sequence order with concurrent dispatches.
fn handle_client_frame(
    shared: &Shared,
    connection_id: u64,
    tx: &UnboundedSender<Command>,
    text: &str,
) {
    let Ok(frame) = serde_json::from_str::<Value>(text) else {
        return;
    };
    let data = &frame["d"];
    let mut state = shared.lock();
    match frame["op"].as_u64() {
        Some(1) => {
            state.gateway.heartbeats += 1;
            let _ = tx.send(Command::Frame(
                json!({ "op": 11, "s": null, "t": null, "d": null }).to_string(),
            ));
        }
        Some(2) => {
            let shard_info = data["shard"].as_array().map(|s| {
                [
                    s.first().and_then(Value::as_u64).unwrap_or(0),
                    s.get(1).and_then(Value::as_u64).unwrap_or(1),
                ]
            });
            let shard = shard_info.unwrap_or([0, 1]);
            let session_id = format!(
                "{:032x}",
                u128::from(next_snowflake()) * 0x9E37_79B9_7F4A_7C15
            );
            let guilds: Vec<Value> = state
                .world
                .guilds
                .iter()
                .filter(|g| shard_of(g.id, shard[1]) == shard[0])
                .map(super::payloads::FakeGuild::to_guild_create_json)
                .collect();
            let guild_ids: Vec<u64> = guilds
                .iter()
                .filter_map(|g| g["id"].as_str().and_then(|id| id.parse().ok()))
                .collect();
            let ready = ready_json(
                &shared.config.bot,
                shared.config.application_id,
                &guild_ids,
                &session_id,
                &shared.ws_url,
                shard,
            );
            let created = state.gateway.identifies.len() as u64;
            let mut session = Session {
                shard,
                created,
                seq: 0,
                history: Vec::new(),
                dispatched: Vec::new(),
                connection: Some(connection_id),
            };
            let mut frames = vec![next_dispatch(&mut session, "READY", &ready).1];
            frames.extend(
                guilds
                    .iter()
                    .map(|g| next_dispatch(&mut session, "GUILD_CREATE", g).1),
            );
            for frame in frames {
                let _ = tx.send(Command::Frame(frame));
            }
            state.gateway.sessions.insert(session_id.clone(), session);
            state.gateway.identifies.push(Identify {
                token: data["token"].as_str().unwrap_or_default().to_owned(),
                intents: data["intents"].as_u64().unwrap_or_default(),
                shard,
                session_id,
                guild_ids,
            });
        }
        Some(6) => {
            let session_id = data["session_id"].as_str().unwrap_or_default().to_owned();
            let seq = data["seq"].as_u64().unwrap_or_default();
            let accepted = if let Some(session) = state.gateway.sessions.get_mut(&session_id) {
                session.connection = Some(connection_id);
                for (_, frame) in session.history.iter().filter(|(s, _)| *s > seq) {
                    let _ = tx.send(Command::Frame(frame.clone()));
                }
                let (_, resumed) = next_dispatch(session, "RESUMED", &json!({}));
                let _ = tx.send(Command::Frame(resumed));
                true
            } else {
                let _ = tx.send(Command::Frame(
                    json!({ "op": 9, "s": null, "t": null, "d": false }).to_string(),
                ));
                false
            };
            state.gateway.resumes.push(Resume {
                session_id,
                seq,
                accepted,
            });
        }
        // Presence updates, member chunk requests and the like need no answer here.
        _ => return,
    }
    drop(state);
    shared.notify();
}
