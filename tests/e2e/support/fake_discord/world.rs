//! What the fake REST API serves and mutates, indexed so that a request costs the same
//! however long the test (or the load benchmark) has run.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::time::{Duration, Instant};

use serde_json::Value;

use super::payloads::{FakeGuild, FakeUser, next_snowflake};
use super::rest::{HostedFile, snowflake};

/// Everything the fake REST API serves and mutates.
#[derive(Debug, Default)]
pub(crate) struct World {
    pub guilds: Vec<FakeGuild>,
    /// Users known besides guild members.
    pub users: Vec<FakeUser>,
    /// `(guild, user, reason)`.
    pub bans: Vec<(u64, u64, Option<String>)>,
    pub dm_channels: DmChannels,
    pub messages: Messages,
    pub global_commands: Vec<Value>,
    pub guild_commands: Vec<(u64, Vec<Value>)>,
    pub interactions: Interactions,
    /// Messages created with a nonce and `enforce_nonce`, to answer a retried create.
    pub nonces: Nonces,
    /// Attachment bytes the fake's CDN serves.
    pub hosted: Vec<HostedFile>,
    /// Whether the hosted files are served (off: their links expired).
    pub serving_files: bool,
}

impl World {
    /// A user by id, among guild members and other known users.
    pub fn user(&self, user_id: u64) -> Option<FakeUser> {
        self.guilds
            .iter()
            .find_map(|g| g.member(user_id).map(|m| m.user.clone()))
            .or_else(|| self.users.iter().find(|u| u.id == user_id).cloned())
    }

    /// The guild owning a channel.
    pub fn guild_of_channel(&self, channel_id: u64) -> Option<&FakeGuild> {
        self.guilds.iter().find(|g| g.channel(channel_id).is_some())
    }

    pub fn channel_exists(&self, channel_id: u64) -> bool {
        self.guild_of_channel(channel_id).is_some()
            || self.dm_channels.recipient(channel_id).is_some()
    }

    /// The message a create with this body already made in the channel, if it enforces a
    /// nonce seen there in the past few minutes (counted as a replay).
    pub fn replay_of(&mut self, channel_id: u64, body: &Value) -> Option<Value> {
        let record = self
            .nonces
            .remembered_mut(channel_id, enforced_nonce(body)?)?;
        let message = self.messages.get(record.message_id)?.clone();
        record.replays += 1;
        Some(message)
    }

    /// Remembers the nonce of a message just created, if its create enforced one.
    pub fn remember_nonce(&mut self, channel_id: u64, body: &Value, message: &Value) {
        if let (Some(nonce), Some(message_id)) = (enforced_nonce(body), snowflake(&message["id"])) {
            self.nonces.remember(NonceRecord {
                channel_id,
                nonce,
                message_id,
                replays: 0,
                created: Instant::now(),
            });
        }
    }
}

/// Messages of every channel, oldest first, found by id without a scan.
#[derive(Debug, Default)]
pub(crate) struct Messages {
    /// Keyed by order of arrival: the ids tests give their messages need not grow.
    by_arrival: BTreeMap<u64, Value>,
    /// A message's id → its key in `by_arrival`.
    arrival_of: HashMap<u64, u64>,
    next_arrival: u64,
}

impl Messages {
    /// Stores a message, replacing (in its place) any message with the same id.
    pub fn store(&mut self, message: Value) {
        let id = snowflake(&message["id"]);
        if let Some(stored) = id.and_then(|id| self.get_mut(id)) {
            *stored = message;
            return;
        }
        let arrival = self.next_arrival;
        self.next_arrival += 1;
        if let Some(id) = id {
            self.arrival_of.insert(id, arrival);
        }
        self.by_arrival.insert(arrival, message);
    }

    pub fn get(&self, id: u64) -> Option<&Value> {
        self.by_arrival.get(self.arrival_of.get(&id)?)
    }

    pub fn get_mut(&mut self, id: u64) -> Option<&mut Value> {
        self.by_arrival.get_mut(self.arrival_of.get(&id)?)
    }

    /// The message, if it is in `channel_id` (in any channel for `None`).
    pub fn get_mut_in(&mut self, channel_id: Option<u64>, id: u64) -> Option<&mut Value> {
        self.get_mut(id)
            .filter(|m| channel_id.is_none_or(|c| snowflake(&m["channel_id"]) == Some(c)))
    }

    pub fn remove(&mut self, id: u64) {
        if let Some(arrival) = self.arrival_of.remove(&id) {
            self.by_arrival.remove(&arrival);
        }
    }

    /// Every message, oldest first.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &Value> {
        self.by_arrival.values()
    }
}

/// An interaction the fake dispatched, and what the bot answered to it.
#[derive(Debug)]
pub(crate) struct InteractionRecord {
    pub id: u64,
    pub token: String,
    pub payload: Value,
    pub acknowledged: bool,
    /// The id of the `@original` response message.
    pub original: Option<u64>,
}

/// The interactions the fake dispatched, found by token or id without a scan.
#[derive(Debug, Default)]
pub(crate) struct Interactions {
    records: Vec<InteractionRecord>,
    /// The first record of each token and of each id: one sent twice is answered once.
    first_of_token: HashMap<String, usize>,
    first_of_id: HashMap<u64, usize>,
}

impl Interactions {
    pub fn push(&mut self, record: InteractionRecord) {
        let index = self.records.len();
        self.first_of_token
            .entry(record.token.clone())
            .or_insert(index);
        self.first_of_id.entry(record.id).or_insert(index);
        self.records.push(record);
    }

    pub fn by_token(&self, token: &str) -> Option<&InteractionRecord> {
        Some(&self.records[*self.first_of_token.get(token)?])
    }

    /// Marks the interaction of `token` answered, with its `@original` message.
    pub fn acknowledge(&mut self, token: &str, original: Option<u64>) {
        if let Some(&index) = self.first_of_token.get(token) {
            let record = &mut self.records[index];
            record.acknowledged = true;
            record.original = original;
        }
    }

    pub fn by_id(&self, id: u64) -> Option<&InteractionRecord> {
        Some(&self.records[*self.first_of_id.get(&id)?])
    }
}

/// The DM channels the bot opened, by channel and by recipient.
#[derive(Debug, Default)]
pub(crate) struct DmChannels {
    recipient_of: HashMap<u64, FakeUser>,
    channel_of: HashMap<u64, u64>,
}

impl DmChannels {
    pub fn recipient(&self, channel_id: u64) -> Option<&FakeUser> {
        self.recipient_of.get(&channel_id)
    }

    pub fn channel_of(&self, user_id: u64) -> Option<u64> {
        self.channel_of.get(&user_id).copied()
    }

    /// The user's DM channel, opened on the first call.
    pub fn open(&mut self, user: &FakeUser) -> u64 {
        if let Some(channel_id) = self.channel_of(user.id) {
            return channel_id;
        }
        let channel_id = next_snowflake();
        self.channel_of.insert(user.id, channel_id);
        self.recipient_of.insert(channel_id, user.clone());
        channel_id
    }
}

/// How long Discord remembers an enforced nonce ("the past few minutes").
const NONCE_MEMORY: Duration = Duration::from_mins(5);

/// A message created with `enforce_nonce: true`, and how many creates it answered since.
#[derive(Clone, Debug)]
pub struct NonceRecord {
    pub channel_id: u64,
    /// The nonce as sent: a string, or an integer in decimal.
    pub nonce: String,
    pub message_id: u64,
    /// Later creates with the same nonce, answered with this message.
    pub replays: usize,
    created: Instant,
}

/// The enforced nonces, oldest first, found by channel and nonce without a scan.
#[derive(Debug, Default)]
pub(crate) struct Nonces {
    records: Vec<NonceRecord>,
    /// `(channel, nonce)` → its records not forgotten yet, oldest first.
    remembered: HashMap<(u64, String), VecDeque<usize>>,
}

impl Nonces {
    pub fn records(&self) -> &[NonceRecord] {
        &self.records
    }

    /// The oldest record of this nonce in the channel that Discord still remembers.
    fn remembered_mut(&mut self, channel_id: u64, nonce: String) -> Option<&mut NonceRecord> {
        let indices = self.remembered.get_mut(&(channel_id, nonce))?;
        // Records are in order of creation, so the forgotten ones come first.
        while let Some(&oldest) = indices.front()
            && self.records[oldest].created.elapsed() >= NONCE_MEMORY
        {
            indices.pop_front();
        }
        Some(&mut self.records[*indices.front()?])
    }

    fn remember(&mut self, record: NonceRecord) {
        self.remembered
            .entry((record.channel_id, record.nonce.clone()))
            .or_default()
            .push_back(self.records.len());
        self.records.push(record);
    }
}

/// The nonce of a message create that asks Discord to enforce it.
fn enforced_nonce(body: &Value) -> Option<String> {
    if body["enforce_nonce"] != true {
        return None;
    }
    match &body["nonce"] {
        Value::String(nonce) => Some(nonce.clone()),
        Value::Number(nonce) => Some(nonce.to_string()),
        _ => None,
    }
}
