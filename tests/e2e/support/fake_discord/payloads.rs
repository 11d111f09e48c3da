//! The fake Discord's world (users, guilds, roles, channels, members) and builders producing
//! complete Discord JSON payloads that serenity 0.12.5 deserializes: `GUILD_CREATE`, members,
//! messages (`MESSAGE_CREATE`) and interactions (`INTERACTION_CREATE`).
//!
//! Shapes follow `/work/shared/discord-fixtures/` (checked against serenity) and Discord's docs.
//! The standard world ([`FakeGuild::standard`]) reuses the fixtures' ids, see [`ids`].

use std::sync::atomic::{AtomicU64, Ordering};

use chrono::{SecondsFormat, Utc};
use serde_json::{Map, Value, json};

/// Well-known ids of the standard world ([`FakeGuild::standard`], [`bot_user`]).
pub mod ids {
    /// The bot's application id (equal to its user id, as for every modern bot).
    pub const APPLICATION: u64 = 1_406_942_836_590_510_082;
    /// The bot's user id.
    pub const BOT: u64 = APPLICATION;
    /// The standard guild ("Refuge"); also the id of its @everyone role.
    pub const GUILD: u64 = 1_417_814_472_558_510_081;
    /// The @everyone role (same id as the guild).
    pub const EVERYONE_ROLE: u64 = GUILD;
    /// The second guild ("Abri") of [`super::FakeGuild::second`]: on the other shard of two
    /// (`GUILD` is on shard 1, this one on shard 0), since a guild's shard is
    /// `(id >> 22) % shard_count`.
    pub const SECOND_GUILD: u64 = GUILD + (1 << 22);
    /// The second guild's `#general`.
    pub const SECOND_GUILD_CHANNEL: u64 = 1_573_641_254_766_520_123;
    /// "Membre": plain members, no extra permission.
    pub const MEMBER_ROLE: u64 = 1_573_641_254_766_510_083;
    /// "Moderator": Moderate Members, Kick, Ban, Manage Messages, View Audit Log.
    pub const MODERATOR_ROLE: u64 = 1_573_641_254_766_510_084;
    /// "Safe Button": the bot's managed role (Moderate Members, Ban, Manage Messages, send/embed/attach).
    pub const BOT_ROLE: u64 = 1_573_641_254_766_510_085;
    /// "Admin": Manage Server, Manage Roles, Manage Channels, Kick, Ban, Moderate Members; highest role.
    pub const ADMIN_ROLE: u64 = 1_573_641_254_766_510_086;
    /// `#general`, readable by everyone.
    pub const GENERAL_CHANNEL: u64 = 1_573_641_254_766_510_123;
    /// `#mod-queue`, hidden from @everyone, visible to moderators and the bot.
    pub const QUEUE_CHANNEL: u64 = 1_573_641_254_766_510_124;
    /// `#regles`, read-only for @everyone.
    pub const RULES_CHANNEL: u64 = 1_573_641_254_766_510_125;
    /// camille, the guild owner (only the Membre role).
    pub const OWNER: u64 = 1_356_208_535_406_510_087;
    /// sacha, with the Admin role.
    pub const ADMIN: u64 = 1_356_208_535_406_510_088;
    /// morgane, with the Moderator role.
    pub const MODERATOR: u64 = 1_356_208_535_406_510_089;
    /// alice.martin, plain member.
    pub const ALICE: u64 = 1_356_208_535_406_510_090;
    /// bilal.haddad, plain member.
    pub const BILAL: u64 = 1_356_570_923_272_110_091;
    /// chloe.bernard, plain member.
    pub const CHLOE: u64 = 1_356_933_311_137_710_092;
    /// dimitri.petrov, plain member.
    pub const DIMITRI: u64 = 1_357_295_699_003_310_093;
    /// emma.leroy, plain member.
    pub const EMMA: u64 = 1_357_658_086_868_910_094;
    /// A user who is not a member of the standard guild.
    pub const OUTSIDER: u64 = 1_358_020_474_734_510_095;
}

/// Discord permission bits used by the standard world (see Discord's permissions topic).
pub mod perms {
    pub const KICK_MEMBERS: u64 = 1 << 1;
    pub const BAN_MEMBERS: u64 = 1 << 2;
    pub const ADMINISTRATOR: u64 = 1 << 3;
    pub const MANAGE_CHANNELS: u64 = 1 << 4;
    pub const MANAGE_GUILD: u64 = 1 << 5;
    pub const VIEW_AUDIT_LOG: u64 = 1 << 7;
    pub const VIEW_CHANNEL: u64 = 1 << 10;
    pub const SEND_MESSAGES: u64 = 1 << 11;
    pub const MANAGE_MESSAGES: u64 = 1 << 13;
    pub const EMBED_LINKS: u64 = 1 << 14;
    pub const ATTACH_FILES: u64 = 1 << 15;
    pub const READ_MESSAGE_HISTORY: u64 = 1 << 16;
    pub const USE_APPLICATION_COMMANDS: u64 = 1 << 31;
    pub const MANAGE_ROLES: u64 = 1 << 28;
    pub const MODERATE_MEMBERS: u64 = 1 << 40;
    /// Every permission serenity knows, as Discord reports it for owners and administrators.
    pub fn all() -> u64 {
        serenity::model::permissions::Permissions::all().bits()
    }
}

const DISCORD_EPOCH_MS: u64 = 1_420_070_400_000;
static LAST_SNOWFLAKE: AtomicU64 = AtomicU64::new(0);

/// A fresh snowflake: unique in the process, increasing, and carrying the current time.
pub fn next_snowflake() -> u64 {
    let now_ms = u64::try_from(Utc::now().timestamp_millis()).unwrap_or(DISCORD_EPOCH_MS);
    let candidate = now_ms.saturating_sub(DISCORD_EPOCH_MS) << 22;
    let mut last = LAST_SNOWFLAKE.load(Ordering::Relaxed);
    loop {
        let next = candidate.max(last + 1);
        match LAST_SNOWFLAKE.compare_exchange_weak(last, next, Ordering::Relaxed, Ordering::Relaxed)
        {
            Ok(_) => return next,
            Err(actual) => last = actual,
        }
    }
}

/// The current time as Discord writes timestamps (`2026-11-21T10:08:36.911586+00:00`).
pub fn now_timestamp() -> String {
    Utc::now().to_rfc3339_opts(SecondsFormat::Micros, false)
}

/// A Discord user.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FakeUser {
    pub id: u64,
    pub username: String,
    pub global_name: Option<String>,
    pub bot: bool,
}

impl FakeUser {
    /// A human user.
    pub fn new(id: u64, username: &str) -> Self {
        Self {
            id,
            username: username.to_owned(),
            global_name: None,
            bot: false,
        }
    }

    /// Sets the display name.
    pub fn global_name(mut self, name: &str) -> Self {
        self.global_name = Some(name.to_owned());
        self
    }

    /// The user object as Discord sends it.
    pub fn to_json(&self) -> Value {
        json!({
            "id": self.id.to_string(),
            "username": self.username,
            "discriminator": "0",
            "global_name": self.global_name,
            "avatar": null,
            "bot": self.bot,
            "system": false,
            "banner": null,
            "accent_color": null,
            "public_flags": 0,
            "flags": 0,
            "avatar_decoration_data": null,
            "collectibles": null,
            "primary_guild": null
        })
    }
}

/// The standard bot user ("safe-button", id [`ids::BOT`]).
pub fn bot_user() -> FakeUser {
    FakeUser {
        id: ids::BOT,
        username: "safe-button".into(),
        global_name: None,
        bot: true,
    }
}

/// A guild role.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FakeRole {
    pub id: u64,
    pub name: String,
    pub permissions: u64,
    pub position: u16,
    /// `Some(bot id)` for a bot's managed role.
    pub bot_id: Option<u64>,
}

impl FakeRole {
    /// A plain (unmanaged) role.
    pub fn new(id: u64, name: &str, permissions: u64, position: u16) -> Self {
        Self {
            id,
            name: name.to_owned(),
            permissions,
            position,
            bot_id: None,
        }
    }

    /// The role object as Discord sends it.
    pub fn to_json(&self) -> Value {
        let tags = match self.bot_id {
            Some(bot) => json!({ "bot_id": bot.to_string() }),
            None => json!({}),
        };
        json!({
            "id": self.id.to_string(),
            "name": self.name,
            "description": null,
            "color": 0,
            "colors": { "primary_color": 0, "secondary_color": null, "tertiary_color": null },
            "hoist": false,
            "icon": null,
            "unicode_emoji": null,
            "position": self.position,
            "permissions": self.permissions.to_string(),
            "managed": self.bot_id.is_some(),
            "mentionable": false,
            "flags": 0,
            "tags": tags
        })
    }
}

/// A permission overwrite on a channel (`kind` 0 = role, 1 = member).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FakeOverwrite {
    pub id: u64,
    pub kind: u8,
    pub allow: u64,
    pub deny: u64,
}

/// A guild channel (text channels unless `kind` says otherwise).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FakeChannel {
    pub id: u64,
    pub name: String,
    /// Discord channel type: 0 text, 2 voice, 4 category, 5 announcement.
    pub kind: u8,
    pub position: u16,
    pub topic: Option<String>,
    pub overwrites: Vec<FakeOverwrite>,
}

impl FakeChannel {
    /// A text channel without overwrites.
    pub fn text(id: u64, name: &str, position: u16) -> Self {
        Self {
            id,
            name: name.to_owned(),
            kind: 0,
            position,
            topic: None,
            overwrites: Vec::new(),
        }
    }

    /// Adds a permission overwrite for a role.
    pub fn role_overwrite(mut self, role_id: u64, allow: u64, deny: u64) -> Self {
        self.overwrites.push(FakeOverwrite {
            id: role_id,
            kind: 0,
            allow,
            deny,
        });
        self
    }

    /// The channel object as Discord sends it (`guild_id` is omitted inside `GUILD_CREATE`).
    pub fn to_json(&self, guild_id: Option<u64>) -> Value {
        let overwrites: Vec<Value> = self
            .overwrites
            .iter()
            .map(|o| {
                json!({
                    "id": o.id.to_string(),
                    "type": o.kind,
                    "allow": o.allow.to_string(),
                    "deny": o.deny.to_string()
                })
            })
            .collect();
        let mut channel = json!({
            "id": self.id.to_string(),
            "type": self.kind,
            "name": self.name,
            "position": self.position,
            "permission_overwrites": overwrites,
            "topic": self.topic,
            "nsfw": false,
            "last_message_id": null,
            "rate_limit_per_user": 0,
            "parent_id": null,
            "flags": 0,
            "last_pin_timestamp": null
        });
        if let Some(guild_id) = guild_id {
            channel["guild_id"] = json!(guild_id.to_string());
        }
        channel
    }
}

/// A guild member.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FakeMember {
    pub user: FakeUser,
    pub nick: Option<String>,
    pub roles: Vec<u64>,
    /// RFC 3339 timestamp.
    pub joined_at: String,
    /// RFC 3339 timestamp of the end of a timeout, if any.
    pub communication_disabled_until: Option<String>,
}

impl FakeMember {
    /// A member with the given roles who joined long ago (2025-10-17).
    pub fn new(user: FakeUser, roles: &[u64]) -> Self {
        Self {
            user,
            nick: None,
            roles: roles.to_vec(),
            joined_at: "2025-10-17T10:08:31.977254+00:00".into(),
            communication_disabled_until: None,
        }
    }

    /// Sets when the member joined (RFC 3339).
    pub fn joined_at(mut self, joined_at: &str) -> Self {
        self.joined_at = joined_at.to_owned();
        self
    }

    /// The member object without `user` (as in `MESSAGE_CREATE` and resolved interaction data).
    pub fn to_partial_json(&self) -> Value {
        json!({
            "nick": self.nick,
            "avatar": null,
            "banner": null,
            "roles": self.roles.iter().map(u64::to_string).collect::<Vec<_>>(),
            "joined_at": self.joined_at,
            "premium_since": null,
            "deaf": false,
            "mute": false,
            "flags": 0,
            "pending": false,
            "communication_disabled_until": self.communication_disabled_until,
            "avatar_decoration_data": null,
            "unusual_dm_activity_until": null
        })
    }

    /// The full member object, with `user`.
    pub fn to_json(&self) -> Value {
        let mut member = self.to_partial_json();
        member["user"] = self.user.to_json();
        member
    }
}

/// A guild as the fake Discord knows it; the source of `GUILD_CREATE` and of REST answers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FakeGuild {
    pub id: u64,
    pub name: String,
    pub owner_id: u64,
    pub preferred_locale: String,
    /// Must contain the @everyone role (id = guild id).
    pub roles: Vec<FakeRole>,
    pub channels: Vec<FakeChannel>,
    pub members: Vec<FakeMember>,
}

impl FakeGuild {
    /// "Refuge": the standard test guild (ids in [`ids`]), with an owner, an admin, a moderator,
    /// the bot (managed role, below Admin) and five plain members; `#general`, `#mod-queue`
    /// (moderators and bot only) and `#regles`.
    pub fn standard() -> Self {
        use perms::*;
        let member = |id: u64, name: &str, display: &str, roles: &[u64]| {
            FakeMember::new(FakeUser::new(id, name).global_name(display), roles)
        };
        let mut bot = FakeMember::new(bot_user(), &[ids::BOT_ROLE]);
        bot.joined_at = "2025-10-18T10:08:31.977254+00:00".into();
        let queue_view = VIEW_CHANNEL | SEND_MESSAGES;
        Self {
            id: ids::GUILD,
            name: "Refuge".into(),
            owner_id: ids::OWNER,
            preferred_locale: "fr".into(),
            roles: vec![
                FakeRole::new(
                    ids::EVERYONE_ROLE,
                    "@everyone",
                    VIEW_CHANNEL | SEND_MESSAGES | READ_MESSAGE_HISTORY | USE_APPLICATION_COMMANDS,
                    0,
                ),
                FakeRole::new(ids::MEMBER_ROLE, "Membre", 0, 1),
                FakeRole::new(
                    ids::MODERATOR_ROLE,
                    "Moderator",
                    MODERATE_MEMBERS
                        | KICK_MEMBERS
                        | BAN_MEMBERS
                        | MANAGE_MESSAGES
                        | VIEW_AUDIT_LOG,
                    2,
                ),
                FakeRole {
                    bot_id: Some(ids::BOT),
                    ..FakeRole::new(
                        ids::BOT_ROLE,
                        "Safe Button",
                        MODERATE_MEMBERS
                            | BAN_MEMBERS
                            | MANAGE_MESSAGES
                            | VIEW_CHANNEL
                            | SEND_MESSAGES
                            | EMBED_LINKS
                            | ATTACH_FILES
                            | READ_MESSAGE_HISTORY,
                        3,
                    )
                },
                FakeRole::new(
                    ids::ADMIN_ROLE,
                    "Admin",
                    MANAGE_GUILD
                        | MANAGE_ROLES
                        | MANAGE_CHANNELS
                        | KICK_MEMBERS
                        | BAN_MEMBERS
                        | MODERATE_MEMBERS
                        | VIEW_AUDIT_LOG
                        | MANAGE_MESSAGES,
                    4,
                ),
            ],
            channels: vec![
                FakeChannel {
                    topic: Some("Discussions".into()),
                    ..FakeChannel::text(ids::GENERAL_CHANNEL, "general", 0)
                },
                FakeChannel {
                    topic: Some("Signalements".into()),
                    ..FakeChannel::text(ids::QUEUE_CHANNEL, "mod-queue", 1)
                }
                .role_overwrite(ids::EVERYONE_ROLE, 0, VIEW_CHANNEL)
                .role_overwrite(ids::MODERATOR_ROLE, queue_view, 0)
                .role_overwrite(ids::ADMIN_ROLE, queue_view, 0)
                .role_overwrite(ids::BOT_ROLE, queue_view, 0),
                FakeChannel::text(ids::RULES_CHANNEL, "regles", 2).role_overwrite(
                    ids::EVERYONE_ROLE,
                    0,
                    SEND_MESSAGES,
                ),
            ],
            members: vec![
                member(ids::OWNER, "camille", "Camille", &[ids::MEMBER_ROLE]),
                member(
                    ids::ADMIN,
                    "sacha",
                    "Sacha",
                    &[ids::ADMIN_ROLE, ids::MEMBER_ROLE],
                ),
                member(
                    ids::MODERATOR,
                    "morgane",
                    "Morgane",
                    &[ids::MODERATOR_ROLE, ids::MEMBER_ROLE],
                ),
                bot,
                member(
                    ids::ALICE,
                    "alice.martin",
                    "Alice Martin",
                    &[ids::MEMBER_ROLE],
                ),
                member(
                    ids::BILAL,
                    "bilal.haddad",
                    "Bilal Haddad",
                    &[ids::MEMBER_ROLE],
                ),
                member(
                    ids::CHLOE,
                    "chloe.bernard",
                    "Chloe Bernard",
                    &[ids::MEMBER_ROLE],
                ),
                member(
                    ids::DIMITRI,
                    "dimitri.petrov",
                    "Dimitri Petrov",
                    &[ids::MEMBER_ROLE],
                ),
                member(ids::EMMA, "emma.leroy", "Emma Leroy", &[ids::MEMBER_ROLE]),
            ],
        }
    }

    /// "Abri": the standard guild's members and roles in another server, with a `#general`
    /// of its own, on another shard than [`FakeGuild::standard`] when there are two.
    pub fn second() -> Self {
        let mut guild = FakeGuild::standard();
        guild.id = ids::SECOND_GUILD;
        guild.name = "Abri".into();
        guild.roles[0].id = ids::SECOND_GUILD;
        guild.channels = vec![FakeChannel::text(ids::SECOND_GUILD_CHANNEL, "general", 0)];
        guild
    }

    /// The member with this user id, if any.
    pub fn member(&self, user_id: u64) -> Option<&FakeMember> {
        self.members.iter().find(|m| m.user.id == user_id)
    }

    /// The member with this user id; panics (test setup error) when absent.
    pub fn expect_member(&self, user_id: u64) -> &FakeMember {
        self.member(user_id)
            .unwrap_or_else(|| panic!("user {user_id} is not a member of guild {}", self.id))
    }

    /// The channel with this id, if any.
    pub fn channel(&self, channel_id: u64) -> Option<&FakeChannel> {
        self.channels.iter().find(|c| c.id == channel_id)
    }

    /// The role with this id, if any.
    pub fn role(&self, role_id: u64) -> Option<&FakeRole> {
        self.roles.iter().find(|r| r.id == role_id)
    }

    /// Guild-wide permissions of a member (owner and administrators get everything).
    pub fn base_permissions(&self, member: &FakeMember) -> u64 {
        if member.user.id == self.owner_id {
            return perms::all();
        }
        let everyone = self.role(self.id).map_or(0, |r| r.permissions);
        let permissions = member
            .roles
            .iter()
            .filter_map(|id| self.role(*id))
            .fold(everyone, |acc, role| acc | role.permissions);
        if permissions & perms::ADMINISTRATOR != 0 {
            perms::all()
        } else {
            permissions
        }
    }

    /// A member's permissions in a channel, with overwrites applied as Discord does.
    pub fn channel_permissions(&self, member: &FakeMember, channel_id: u64) -> u64 {
        let base = self.base_permissions(member);
        if base == perms::all() {
            return base;
        }
        let Some(channel) = self.channel(channel_id) else {
            return base;
        };
        let apply = |acc: u64, o: &FakeOverwrite| (acc & !o.deny) | o.allow;
        let mut permissions = base;
        if let Some(everyone) = channel
            .overwrites
            .iter()
            .find(|o| o.kind == 0 && o.id == self.id)
        {
            permissions = apply(permissions, everyone);
        }
        let (mut allow, mut deny) = (0, 0);
        for overwrite in channel
            .overwrites
            .iter()
            .filter(|o| o.kind == 0 && member.roles.contains(&o.id))
        {
            allow |= overwrite.allow;
            deny |= overwrite.deny;
        }
        permissions = (permissions & !deny) | allow;
        if let Some(own) = channel
            .overwrites
            .iter()
            .find(|o| o.kind == 1 && o.id == member.user.id)
        {
            permissions = apply(permissions, own);
        }
        permissions
    }

    /// The `GUILD_CREATE` payload (`d`), with channels, roles and members.
    pub fn to_guild_create_json(&self) -> Value {
        let mut guild = self.to_json();
        let extra = json!({
            "joined_at": "2025-10-18T10:08:31.977254+00:00",
            "large": false,
            "unavailable": false,
            "member_count": self.members.len(),
            "voice_states": [],
            "members": self.members.iter().map(FakeMember::to_json).collect::<Vec<_>>(),
            "channels": self.channels.iter().map(|c| c.to_json(None)).collect::<Vec<_>>(),
            "threads": [],
            "presences": [],
            "stage_instances": [],
            "guild_scheduled_events": [],
            "soundboard_sounds": [],
            "embedded_activities": [],
            "application_command_counts": {},
            "lazy": true,
            "region": "deprecated",
            "home_header": null,
            "hub_type": null,
            "incidents_data": null,
            "latest_onboarding_question_id": null
        });
        merge(&mut guild, extra);
        guild
    }

    /// The guild object as `GET /guilds/{id}` returns it (serenity's `PartialGuild`).
    pub fn to_json(&self) -> Value {
        json!({
            "id": self.id.to_string(),
            "name": self.name,
            "icon": null,
            "icon_hash": null,
            "splash": null,
            "discovery_splash": null,
            "owner_id": self.owner_id.to_string(),
            "afk_channel_id": null,
            "afk_timeout": 300,
            "widget_enabled": false,
            "widget_channel_id": null,
            "verification_level": 1,
            "default_message_notifications": 1,
            "explicit_content_filter": 2,
            "roles": self.roles.iter().map(FakeRole::to_json).collect::<Vec<_>>(),
            "emojis": [],
            "stickers": [],
            "features": ["COMMUNITY"],
            "mfa_level": 0,
            "application_id": null,
            "system_channel_id": null,
            "system_channel_flags": 0,
            "rules_channel_id": null,
            "max_presences": null,
            "max_members": 500_000,
            "vanity_url_code": null,
            "description": null,
            "banner": null,
            "premium_tier": 0,
            "premium_subscription_count": 0,
            "preferred_locale": self.preferred_locale,
            "public_updates_channel_id": null,
            "max_video_channel_users": 25,
            "max_stage_video_channel_users": 50,
            "nsfw_level": 0,
            "premium_progress_bar_enabled": false,
            "safety_alerts_channel_id": null
        })
    }
}

/// Adds every key of `extra` (an object) to `target` (an object).
fn merge(target: &mut Value, extra: Value) {
    if let (Some(target), Value::Object(extra)) = (target.as_object_mut(), extra) {
        target.extend(extra);
    }
}

/// Builds a message payload (`MESSAGE_CREATE` `d`, a REST message, a resolved message...).
#[derive(Clone, Debug)]
pub struct MessageBuilder {
    id: u64,
    channel_id: u64,
    author: FakeUser,
    content: String,
    guild: Option<(u64, Option<FakeMember>)>,
    mentions: Vec<FakeUser>,
    referenced: Option<Value>,
    extra: Map<String, Value>,
}

impl MessageBuilder {
    /// A message by `author` in `channel_id`, with a fresh id.
    pub fn new(channel_id: u64, author: &FakeUser, content: &str) -> Self {
        Self {
            id: next_snowflake(),
            channel_id,
            author: author.clone(),
            content: content.to_owned(),
            guild: None,
            mentions: Vec::new(),
            referenced: None,
            extra: Map::new(),
        }
    }

    /// A message by a member of `guild` (sets `guild_id` and `member`).
    pub fn in_guild(guild: &FakeGuild, channel_id: u64, author_id: u64, content: &str) -> Self {
        let member = guild.expect_member(author_id).clone();
        let mut builder = Self::new(channel_id, &member.user, content);
        builder.guild = Some((guild.id, Some(member)));
        builder
    }

    /// Sets the message id.
    pub fn id(mut self, id: u64) -> Self {
        self.id = id;
        self
    }

    /// Adds a user to `mentions` (the content should contain `<@id>`; see [`Self::mention`]).
    pub fn mentioning(mut self, user: &FakeUser) -> Self {
        self.mentions.push(user.clone());
        self
    }

    /// Appends `<@id>` to the content and adds the user to `mentions`.
    pub fn mention(mut self, user: &FakeUser) -> Self {
        self.content = format!("{} <@{}>", self.content, user.id)
            .trim_start()
            .to_owned();
        self.mentioning(user)
    }

    /// Makes this a reply (type 19) to `referenced`, a message payload.
    pub fn replying_to(mut self, referenced: Value) -> Self {
        self.referenced = Some(referenced);
        self
    }

    /// Sets any other field (attachments, embeds, components, flags, `webhook_id`...).
    pub fn field(mut self, key: &str, value: Value) -> Self {
        self.extra.insert(key.to_owned(), value);
        self
    }

    /// The message payload.
    pub fn build(self) -> Value {
        let mut message = json!({
            "id": self.id.to_string(),
            "channel_id": self.channel_id.to_string(),
            "author": self.author.to_json(),
            "content": self.content,
            "timestamp": now_timestamp(),
            "edited_timestamp": null,
            "tts": false,
            "mention_everyone": false,
            "mentions": self.mentions.iter().map(FakeUser::to_json).collect::<Vec<_>>(),
            "mention_roles": [],
            "attachments": [],
            "embeds": [],
            "pinned": false,
            "type": if self.referenced.is_some() { 19 } else { 0 },
            "flags": 0,
            "components": []
        });
        if let Some((guild_id, member)) = &self.guild {
            message["guild_id"] = json!(guild_id.to_string());
            if let Some(member) = member {
                message["member"] = member.to_partial_json();
            }
        }
        if let Some(referenced) = self.referenced {
            let mut reference = json!({
                "type": 0,
                "message_id": referenced["id"],
                "channel_id": referenced["channel_id"],
            });
            if let Some(guild_id) = referenced.get("guild_id") {
                reference["guild_id"] = guild_id.clone();
            }
            message["message_reference"] = reference;
            message["referenced_message"] = referenced;
        }
        merge(&mut message, Value::Object(self.extra));
        message
    }
}

/// The kind of interaction a builder makes.
#[derive(Clone, Debug)]
enum InteractionKind {
    /// Interaction type 2 (slash command or context menu).
    Command,
    /// Interaction type 3, with the message the component is attached to.
    Component { message: Value },
    /// Interaction type 5.
    ModalSubmit,
    /// Interaction type 4: a command's option being typed.
    Autocomplete,
}

/// Where an interaction happens and who triggers it.
#[derive(Clone, Debug)]
enum InteractionPlace {
    Guild {
        guild: Box<FakeGuild>,
        channel_id: u64,
        member: FakeMember,
    },
    Dm {
        user: FakeUser,
        channel_id: u64,
    },
}

/// Builds an `INTERACTION_CREATE` payload (`d`). Start with one of the constructors, then place it
/// with [`Self::in_guild`] or [`Self::in_dm`] (required), then [`Self::build`].
///
/// Slash command options naming users (type 6), channels (7), roles (8) or mentionables (9) of
/// the guild are resolved automatically into `data.resolved`, as Discord does.
#[derive(Clone, Debug)]
pub struct InteractionBuilder {
    id: u64,
    token: String,
    application_id: u64,
    kind: InteractionKind,
    data: Value,
    place: Option<InteractionPlace>,
    locale: String,
}

impl InteractionBuilder {
    fn new(kind: InteractionKind, data: Value) -> Self {
        let id = next_snowflake();
        Self {
            id,
            token: format!("fake-interaction-token-{id}"),
            application_id: ids::APPLICATION,
            kind,
            data,
            place: None,
            locale: "fr".into(),
        }
    }

    /// A slash command (`data.type` 1). `options` is Discord's option array, e.g.
    /// `json!([{"name": "user", "type": 6, "value": "123"}])`.
    pub fn slash_command(name: &str, options: Value) -> Self {
        let data = json!({ "id": next_snowflake().to_string(), "name": name, "type": 1, "options": options });
        Self::new(InteractionKind::Command, data)
    }

    /// A user context menu command (`data.type` 2) on `target`, with resolved user (and member,
    /// when the target is a member of the guild given to [`Self::in_guild`]).
    pub fn user_command(name: &str, target: &FakeUser) -> Self {
        let data = json!({
            "id": next_snowflake().to_string(),
            "name": name,
            "type": 2,
            "target_id": target.id.to_string(),
            "resolved": { "users": { target.id.to_string(): target.to_json() } }
        });
        Self::new(InteractionKind::Command, data)
    }

    /// A message context menu command (`data.type` 3) on `target`, a message payload
    /// (e.g. from [`MessageBuilder::build`]).
    pub fn message_command(name: &str, target: Value) -> Self {
        let target_id = target["id"].clone();
        let key = target_id.as_str().unwrap_or_default().to_owned();
        let data = json!({
            "id": next_snowflake().to_string(),
            "name": name,
            "type": 3,
            "target_id": target_id,
            "resolved": { "messages": { key: target } }
        });
        Self::new(InteractionKind::Command, data)
    }

    /// An autocomplete request while typing a slash command's option: `options` as for
    /// [`Self::slash_command`], with `"focused": true` on the option being typed.
    pub fn autocomplete(name: &str, options: Value) -> Self {
        let data = json!({ "id": next_snowflake().to_string(), "name": name, "type": 1, "options": options });
        Self::new(InteractionKind::Autocomplete, data)
    }

    /// A click on a button (`component_type` 2) or another component, attached to `message`.
    pub fn component(custom_id: &str, component_type: u8, message: Value) -> Self {
        let data = json!({ "custom_id": custom_id, "component_type": component_type });
        Self::new(InteractionKind::Component { message }, data)
    }

    /// A choice in a string select menu (`component_type` 3) attached to `message`.
    pub fn select(custom_id: &str, values: &[&str], message: Value) -> Self {
        let data = json!({ "custom_id": custom_id, "component_type": 3, "values": values });
        Self::new(InteractionKind::Component { message }, data)
    }

    /// A modal submit with one text input (type 4) per `(custom_id, value)`, each in its row.
    pub fn modal_submit(custom_id: &str, inputs: &[(&str, &str)]) -> Self {
        let rows: Vec<Value> = inputs
            .iter()
            .map(|(id, value)| json!({ "type": 1, "components": [{ "type": 4, "custom_id": id, "value": value }] }))
            .collect();
        let data = json!({ "custom_id": custom_id, "components": rows });
        Self::new(InteractionKind::ModalSubmit, data)
    }

    /// Adds `user` to `data.resolved.users` with no member entry, as Discord does when an
    /// option names someone who is not (or no longer) a member of the guild.
    pub fn resolving_user(mut self, user: &FakeUser) -> Self {
        self.data["resolved"]["users"][user.id.to_string()] = user.to_json();
        self
    }

    /// Happens in `channel_id` of `guild`, triggered by the member `user_id`.
    pub fn in_guild(mut self, guild: &FakeGuild, channel_id: u64, user_id: u64) -> Self {
        let member = guild.expect_member(user_id).clone();
        self.place = Some(InteractionPlace::Guild {
            guild: Box::new(guild.clone()),
            channel_id,
            member,
        });
        self
    }

    /// Happens in the DM channel `channel_id` with `user`.
    pub fn in_dm(mut self, user: &FakeUser, channel_id: u64) -> Self {
        self.place = Some(InteractionPlace::Dm {
            user: user.clone(),
            channel_id,
        });
        self
    }

    /// Sets the user's client locale (default `fr`).
    pub fn locale(mut self, locale: &str) -> Self {
        self.locale = locale.to_owned();
        self
    }

    /// Sets the interaction id.
    pub fn id(mut self, id: u64) -> Self {
        self.id = id;
        self
    }

    /// Sets the interaction token.
    pub fn token(mut self, token: &str) -> Self {
        self.token = token.to_owned();
        self
    }

    /// Sets `data.id`, the id of the invoked command.
    pub fn command_id(mut self, command_id: u64) -> Self {
        self.data["id"] = json!(command_id.to_string());
        self
    }

    /// Sets `data.<key>`, e.g. a forged `type`.
    pub fn data_field(mut self, key: &str, value: Value) -> Self {
        self.data[key] = value;
        self
    }

    /// The interaction id.
    pub fn interaction_id(&self) -> u64 {
        self.id
    }

    /// The interaction token (the bot answers under `/interactions/{id}/{token}` and
    /// `/webhooks/{app}/{token}`).
    pub fn interaction_token(&self) -> &str {
        &self.token
    }

    /// The command name, for commands.
    pub fn command_name(&self) -> Option<&str> {
        matches!(
            self.kind,
            InteractionKind::Command | InteractionKind::Autocomplete
        )
        .then(|| self.data["name"].as_str())
        .flatten()
    }

    /// The `INTERACTION_CREATE` payload. Panics if neither `in_guild` nor `in_dm` was called.
    pub fn build(self) -> Value {
        let place = self
            .place
            .expect("InteractionBuilder: call in_guild() or in_dm() before build()");
        let mut data = self.data;
        let interaction_type = match self.kind {
            InteractionKind::Command => 2,
            InteractionKind::Component { .. } => 3,
            InteractionKind::ModalSubmit => 5,
            InteractionKind::Autocomplete => 4,
        };
        let mut interaction = json!({
            "id": self.id.to_string(),
            "application_id": self.application_id.to_string(),
            "type": interaction_type,
            "token": self.token,
            "version": 1,
            "locale": self.locale,
            "entitlements": [],
            "attachment_size_limit": 10_485_760
        });
        match place {
            InteractionPlace::Guild {
                guild,
                channel_id,
                member,
            } => {
                if let InteractionKind::Command = self.kind {
                    resolve_guild_data(&guild, &mut data);
                }
                let channel = guild
                    .channel(channel_id)
                    .unwrap_or_else(|| panic!("channel {channel_id} is not in guild {}", guild.id));
                let member_permissions = guild.channel_permissions(&member, channel_id);
                let bot_permissions = guild
                    .members
                    .iter()
                    .find(|m| m.user.id == self.application_id || m.user.bot)
                    .map_or(0, |bot| guild.channel_permissions(bot, channel_id));
                let mut channel_json = channel.to_json(Some(guild.id));
                channel_json["permissions"] = json!(member_permissions.to_string());
                let mut member_json = member.to_json();
                member_json["permissions"] = json!(member_permissions.to_string());
                merge(
                    &mut interaction,
                    json!({
                        "channel_id": channel_id.to_string(),
                        "guild_id": guild.id.to_string(),
                        "guild": { "id": guild.id.to_string(), "locale": guild.preferred_locale, "features": ["COMMUNITY"] },
                        "guild_locale": guild.preferred_locale,
                        "channel": channel_json,
                        "member": member_json,
                        "app_permissions": bot_permissions.to_string(),
                        "authorizing_integration_owners": { "0": guild.id.to_string() },
                        "context": 0
                    }),
                );
            }
            InteractionPlace::Dm { user, channel_id } => {
                merge(
                    &mut interaction,
                    json!({
                        "channel_id": channel_id.to_string(),
                        "user": user.to_json(),
                        "channel": {
                            "id": channel_id.to_string(),
                            "type": 1,
                            "last_message_id": null,
                            "flags": 0,
                            "recipients": [user.to_json()]
                        },
                        "app_permissions": "510976",
                        "authorizing_integration_owners": { "0": "0" },
                        "context": 1
                    }),
                );
            }
        }
        interaction["data"] = data;
        if let InteractionKind::Component { message } = self.kind {
            interaction["message"] = message;
        }
        interaction
    }
}

/// Fills `data.resolved` for options and targets naming guild users, members, channels, roles.
fn resolve_guild_data(guild: &FakeGuild, data: &mut Value) {
    let mut resolved = data.get("resolved").cloned().unwrap_or_else(|| json!({}));
    let mut ids_by_type: Vec<(u64, u64)> = Vec::new();
    if let Some(options) = data.get("options") {
        collect_option_ids(options, &mut ids_by_type);
    }
    if data["type"] == json!(2)
        && let Some(target) = data["target_id"].as_str().and_then(|t| t.parse().ok())
    {
        ids_by_type.push((6, target));
    }
    for (option_type, id) in ids_by_type {
        if matches!(option_type, 6 | 9)
            && let Some(member) = guild.member(id)
        {
            resolved["users"][id.to_string()] = member.user.to_json();
            let mut partial = member.to_partial_json();
            partial["permissions"] = json!(guild.base_permissions(member).to_string());
            resolved["members"][id.to_string()] = partial;
        }
        if matches!(option_type, 8 | 9)
            && let Some(role) = guild.role(id)
        {
            resolved["roles"][id.to_string()] = role.to_json();
        }
        if option_type == 7
            && let Some(channel) = guild.channel(id)
        {
            resolved["channels"][id.to_string()] = json!({
                "id": channel.id.to_string(),
                "name": channel.name,
                "type": channel.kind,
                "permissions": perms::all().to_string()
            });
        }
    }
    if resolved.as_object().is_some_and(|r| !r.is_empty()) {
        data["resolved"] = resolved;
    }
}

/// Collects `(option type, snowflake value)` of every option, subcommands included.
fn collect_option_ids(options: &Value, out: &mut Vec<(u64, u64)>) {
    for option in options.as_array().into_iter().flatten() {
        let option_type = option["type"].as_u64().unwrap_or_default();
        if let Some(id) = option["value"].as_str().and_then(|v| v.parse().ok()) {
            out.push((option_type, id));
        }
        if let Some(nested) = option.get("options") {
            collect_option_ids(nested, out);
        }
    }
}

/// The READY payload (`d`) for a session of the bot on `shard` of `shard_count`.
pub fn ready_json(
    bot: &FakeUser,
    application_id: u64,
    guild_ids: &[u64],
    session_id: &str,
    resume_gateway_url: &str,
    shard: [u64; 2],
) -> Value {
    let mut user = bot.to_json();
    user["verified"] = json!(true);
    user["mfa_enabled"] = json!(true);
    json!({
        "v": 10,
        "user": user,
        "guilds": guild_ids.iter().map(|id| json!({ "id": id.to_string(), "unavailable": true })).collect::<Vec<_>>(),
        "session_id": session_id,
        "session_type": "normal",
        "resume_gateway_url": resume_gateway_url,
        "shard": shard,
        "application": { "id": application_id.to_string(), "flags": 565_248 },
        "user_settings": {},
        "relationships": [],
        "private_channels": [],
        "presences": [],
        "guild_join_requests": [],
        "geo_ordered_rtc_regions": ["paris"],
        "auth": {}
    })
}

/// `GET /oauth2/applications/@me` (serenity's `CurrentApplicationInfo`), owned by `owner`.
pub fn application_info_json(application_id: u64, bot: &FakeUser, owner: &FakeUser) -> Value {
    json!({
        "id": application_id.to_string(),
        "name": "Safe Button",
        "icon": null,
        "description": "",
        "summary": "",
        "type": null,
        "hook": true,
        "bot_public": true,
        "bot_require_code_grant": false,
        "verify_key": "7f95934b93814defdf787247578b7ff7b16e04fdf8d8407f525789537959b386",
        "owner": owner.to_json(),
        "team": null,
        "flags": 565_248,
        "tags": [],
        "rpc_origins": [],
        "redirect_uris": [],
        "interactions_endpoint_url": null,
        "role_connections_verification_url": null,
        "approximate_guild_count": 1,
        "install_params": { "scopes": ["bot", "applications.commands"], "permissions": "1099511753732" },
        "integration_types_config": { "0": {} },
        "bot": bot.to_json()
    })
}

/// A DM channel with `recipient` (serenity's `PrivateChannel`).
pub fn dm_channel_json(channel_id: u64, recipient: &FakeUser) -> Value {
    json!({
        "id": channel_id.to_string(),
        "type": 1,
        "last_message_id": null,
        "flags": 0,
        "recipients": [recipient.to_json()]
    })
}
