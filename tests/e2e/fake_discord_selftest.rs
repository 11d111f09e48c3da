//! Self-tests of the fake Discord: payload builders against serenity's models and the shared
//! fixtures, `OpenAPI` validation through serenity's real `Http`, scripted failures, and the
//! gateway handshake and reconnection with a real serenity client.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use serenity::all::{
    ActionRowComponent, ChannelId, ClientBuilder, Command, CommandOptionType, CommandType,
    ComponentInteractionDataKind, Context, CreateAttachment, CreateCommand, CreateCommandOption,
    CreateInteractionResponse, CreateInteractionResponseFollowup, CreateMessage,
    EditInteractionResponse, EditMember, EditMessage, EventHandler, GatewayIntents, Guild,
    GuildChannel, GuildId, Http, HttpBuilder, Interaction, Member, Message, MessageFlags, Nonce,
    PartialGuild, Permissions, Ready, ResolvedValue, ResumedEvent, Role, Timestamp, User, UserId,
};
use tokio::sync::mpsc;

use crate::support::fake_discord::openapi::spec_path;
use crate::support::fake_discord::{
    FakeDiscord, FakeGuild, InteractionBuilder, MessageBuilder, Method, Scripted, ViolationKind,
    ids,
};

const STEP: Duration = Duration::from_secs(5);

fn http_for(fake: &FakeDiscord) -> Http {
    HttpBuilder::new("token")
        .proxy(fake.base_url())
        .ratelimiter_disabled(true)
        .build()
}

/// The fake recorded a schema violation at `instance_path` of a body; forgets its violations.
fn assert_schema_violation_at(fake: &FakeDiscord, instance_path: &str) {
    let violations = fake.violations();
    assert!(
        violations.iter().any(
            |v| matches!(&v.kind, ViolationKind::Schema(e) if e.instance_path == instance_path)
        ),
        "{violations:?}"
    );
    fake.clear_violations();
}

/// The spec is required in CI; elsewhere validation tests are skipped without it.
fn spec_available() -> bool {
    let present = spec_path().exists();
    if !present {
        assert!(
            std::env::var_os("CI").is_none(),
            "Discord's OpenAPI spec is missing at {}",
            spec_path().display()
        );
        eprintln!("skipping: no OpenAPI spec at {}", spec_path().display());
    }
    present
}

fn deserialize<T: serde::de::DeserializeOwned>(what: &str, value: Value) -> T {
    serde_json::from_value(value.clone())
        .unwrap_or_else(|e| panic!("{what} does not deserialize: {e}\n{value:#}"))
}

/// Every key of the fixture object at `pointer` also appears in ours, recursively for nested
/// objects present in both: our payloads are at least as complete as Discord's.
/// `skip` lists paths (like `/message/webhook_id`) that the fixture has for reasons of its own.
fn assert_has_fixture_keys(ours: &Value, fixture: &str, pointer: &str, skip: &[&str]) {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/discord-fixtures");
    let Ok(text) = std::fs::read_to_string(dir.join(fixture)) else {
        assert!(
            std::env::var_os("CI").is_none(),
            "fixture {fixture} is missing"
        );
        eprintln!("skipping the comparison with {fixture}: not found");
        return;
    };
    let fixture_value: Value = serde_json::from_str(&text).expect("fixture is JSON");
    let expected = fixture_value
        .pointer(pointer)
        .unwrap_or_else(|| panic!("{fixture} has no {pointer}"));
    let mut missing = Vec::new();
    missing_keys(ours, expected, "", &mut missing);
    missing.retain(|path| !skip.contains(&path.as_str()));
    assert!(
        missing.is_empty(),
        "our payload lacks keys that {fixture} has: {missing:?}"
    );
}

fn missing_keys(ours: &Value, expected: &Value, at: &str, missing: &mut Vec<String>) {
    let (Some(ours), Some(expected)) = (ours.as_object(), expected.as_object()) else {
        return;
    };
    for (key, value) in expected {
        // Per-fixture state that a builder legitimately leaves out or fills differently.
        if matches!(
            key.as_str(),
            "_trace" | "nonce" | "last_message_id" | "deleted" | "resolved" | "options"
        ) {
            continue;
        }
        match ours.get(key) {
            Some(ours_value) => missing_keys(ours_value, value, &format!("{at}/{key}"), missing),
            None => missing.push(format!("{at}/{key}")),
        }
    }
}

#[test]
fn guild_member_user_role_channel_builders_deserialize_in_serenity() {
    let guild = FakeGuild::standard();
    let guild_create = guild.to_guild_create_json();
    assert_has_fixture_keys(
        &guild_create,
        "GatewayEvent--0002-GUILD_CREATE.json",
        "/d",
        &[],
    );
    let parsed: Guild = deserialize("GUILD_CREATE", guild_create);
    assert_eq!(parsed.id.get(), ids::GUILD);
    assert_eq!(parsed.owner_id.get(), ids::OWNER);
    assert!(
        parsed.members.contains_key(&ids::BOT.into()),
        "the bot is a member"
    );
    assert!(parsed.roles.contains_key(&ids::EVERYONE_ROLE.into()));
    assert_eq!(
        parsed.roles[&ids::BOT_ROLE.into()]
            .tags
            .bot_id
            .map(serenity::all::UserId::get),
        Some(ids::BOT)
    );
    assert!(parsed.channels.contains_key(&ids::QUEUE_CHANNEL.into()));

    let partial: PartialGuild = deserialize("GET guild", guild.to_json());
    assert_eq!(partial.name, "Refuge");
    let member: Member = deserialize("member", guild.expect_member(ids::ALICE).to_json());
    assert_eq!(member.user.id.get(), ids::ALICE);
    assert_has_fixture_keys(
        &guild.expect_member(ids::MODERATOR).to_json(),
        "Member--r0009-get_member.json",
        "",
        &[],
    );
    let user: User = deserialize("user", guild.expect_member(ids::EMMA).user.to_json());
    assert_eq!(user.name, "emma.leroy");
    let roles: Vec<Role> = deserialize(
        "roles",
        json!(
            guild
                .roles
                .iter()
                .map(super::support::fake_discord::payloads::FakeRole::to_json)
                .collect::<Vec<_>>()
        ),
    );
    assert_eq!(roles.len(), guild.roles.len());
    let channel: GuildChannel = deserialize(
        "channel",
        guild
            .channel(ids::QUEUE_CHANNEL)
            .expect("queue")
            .to_json(Some(guild.id)),
    );
    assert_eq!(channel.permission_overwrites.len(), 4);
}

#[test]
fn permissions_follow_roles_owner_and_channel_overwrites() {
    use crate::support::fake_discord::perms;
    let guild = FakeGuild::standard();
    let moderator = guild.expect_member(ids::MODERATOR);
    let alice = guild.expect_member(ids::ALICE);
    assert_ne!(
        guild.base_permissions(moderator) & perms::MODERATE_MEMBERS,
        0
    );
    assert_eq!(guild.base_permissions(alice) & perms::MODERATE_MEMBERS, 0);
    assert_eq!(
        guild.base_permissions(guild.expect_member(ids::OWNER)),
        perms::all()
    );
    // The queue channel is hidden from plain members, visible to moderators.
    assert_eq!(
        guild.channel_permissions(alice, ids::QUEUE_CHANNEL) & perms::VIEW_CHANNEL,
        0
    );
    assert_ne!(
        guild.channel_permissions(moderator, ids::QUEUE_CHANNEL) & perms::VIEW_CHANNEL,
        0
    );
    assert_ne!(
        guild.channel_permissions(alice, ids::GENERAL_CHANNEL) & perms::VIEW_CHANNEL,
        0
    );
}

#[test]
fn message_builder_output_deserializes_with_mentions_and_reply() {
    let guild = FakeGuild::standard();
    let dimitri = guild.expect_member(ids::DIMITRI).user.clone();
    let original = MessageBuilder::in_guild(&guild, ids::GENERAL_CHANNEL, ids::EMMA, "hello")
        .mention(&dimitri)
        .build();
    assert_has_fixture_keys(
        &original,
        "GatewayEvent--0014-MESSAGE_CREATE.json",
        "/d",
        &[],
    );
    let reply = MessageBuilder::in_guild(&guild, ids::GENERAL_CHANNEL, ids::DIMITRI, "reply")
        .replying_to(original.clone())
        .build();
    assert_has_fixture_keys(&reply, "GatewayEvent--0015-MESSAGE_CREATE.json", "/d", &[]);

    let parsed: Message = deserialize("reply", reply);
    assert_eq!(
        parsed.guild_id.map(serenity::all::GuildId::get),
        Some(ids::GUILD)
    );
    assert!(
        parsed.member.is_some(),
        "guild messages carry the author's member"
    );
    let referenced = parsed.referenced_message.expect("referenced message");
    assert_eq!(referenced.author.id.get(), ids::EMMA);
    assert_eq!(
        referenced.mentions.first().map(|u| u.id.get()),
        Some(ids::DIMITRI)
    );
    assert_eq!(referenced.content, format!("hello <@{}>", ids::DIMITRI));
    assert_eq!(
        parsed.message_reference.and_then(|r| r.message_id),
        Some(referenced.id)
    );
}

#[test]
fn interaction_builders_deserialize_into_serenity_interactions() {
    let guild = FakeGuild::standard();
    let emma = guild.expect_member(ids::EMMA).user.clone();

    // Slash command: user options are resolved to user and member, as Discord does.
    let slash = InteractionBuilder::slash_command(
        "report",
        json!([{ "name": "user", "type": 6, "value": ids::EMMA.to_string() }, { "name": "reason", "type": 3, "value": "harassment" }]),
    )
    .in_guild(&guild, ids::GENERAL_CHANNEL, ids::DIMITRI)
    .locale("en-US")
    .build();
    assert_has_fixture_keys(
        &slash,
        "GatewayEvent--0011-INTERACTION_CREATE.json",
        "/d",
        &[],
    );
    let Interaction::Command(command) = deserialize::<Interaction>("slash", slash) else {
        panic!("not a command")
    };
    assert_eq!(command.locale, "en-US");
    assert_eq!(
        command.member.as_ref().map(|m| m.user.id.get()),
        Some(ids::DIMITRI)
    );
    let options = command.data.options();
    match &options[0].value {
        ResolvedValue::User(user, member) => {
            assert_eq!(user.id.get(), ids::EMMA);
            assert!(
                member.is_some(),
                "a member option carries the resolved member"
            );
        }
        other => panic!("user option not resolved: {other:?}"),
    }

    let user_menu = InteractionBuilder::user_command("Report user", &emma)
        .in_guild(&guild, ids::GENERAL_CHANNEL, ids::DIMITRI)
        .build();
    assert_has_fixture_keys(
        &user_menu,
        "GatewayEvent--0018-INTERACTION_CREATE.json",
        "/d",
        &[],
    );
    let Interaction::Command(command) = deserialize::<Interaction>("user menu", user_menu) else {
        panic!("not a command")
    };
    assert_eq!(
        command.data.target_id.map(serenity::all::TargetId::get),
        Some(ids::EMMA)
    );
    assert!(
        command
            .data
            .resolved
            .members
            .contains_key(&ids::EMMA.into())
    );

    let target =
        MessageBuilder::in_guild(&guild, ids::GENERAL_CHANNEL, ids::EMMA, "insult").build();
    let message_menu = InteractionBuilder::message_command("Report message", target.clone())
        .in_guild(&guild, ids::GENERAL_CHANNEL, ids::DIMITRI)
        .build();
    assert_has_fixture_keys(
        &message_menu,
        "GatewayEvent--0016-INTERACTION_CREATE.json",
        "/d",
        &[],
    );
    let Interaction::Command(command) = deserialize::<Interaction>("message menu", message_menu)
    else {
        panic!("not a command")
    };
    let target_id = command.data.target_id.expect("target").get();
    assert_eq!(Some(target_id.to_string().as_str()), target["id"].as_str());
    assert_eq!(
        command.data.resolved.messages[&target_id.into()].content,
        "insult"
    );

    let queue_post = MessageBuilder::in_guild(&guild, ids::QUEUE_CHANNEL, ids::BOT, "")
        .field("components", json!([{ "type": 1, "components": [{ "type": 2, "style": 1, "label": "Claim", "custom_id": "case:1:claim" }] }]))
        .build();
    let button = InteractionBuilder::component("case:1:claim", 2, queue_post.clone())
        .in_guild(&guild, ids::QUEUE_CHANNEL, ids::MODERATOR)
        .build();
    assert_has_fixture_keys(
        &button,
        "GatewayEvent--0012-INTERACTION_CREATE.json",
        "/d",
        // That fixture's button sits on an interaction response, ours on a channel post.
        &[
            "/message/application_id",
            "/message/interaction_metadata",
            "/message/webhook_id",
        ],
    );
    let Interaction::Component(component) = deserialize::<Interaction>("button", button) else {
        panic!("not a component")
    };
    assert_eq!(component.data.custom_id, "case:1:claim");
    assert!(matches!(
        component.data.kind,
        ComponentInteractionDataKind::Button
    ));
    assert_eq!(
        Some(component.message.id.get().to_string().as_str()),
        queue_post["id"].as_str()
    );

    let select = InteractionBuilder::select("case:1:duration", &["3600"], queue_post)
        .in_guild(&guild, ids::QUEUE_CHANNEL, ids::MODERATOR)
        .build();
    assert_has_fixture_keys(
        &select,
        "GatewayEvent--0013-INTERACTION_CREATE.json",
        "/d",
        &[],
    );
    let Interaction::Component(component) = deserialize::<Interaction>("select", select) else {
        panic!("not a component")
    };
    assert!(
        matches!(&component.data.kind, ComponentInteractionDataKind::StringSelect { values } if values == &["3600"])
    );

    let modal = InteractionBuilder::modal_submit("report-modal", &[("details", "insulte")])
        .in_guild(&guild, ids::GENERAL_CHANNEL, ids::DIMITRI)
        .build();
    assert_has_fixture_keys(
        &modal,
        "GatewayEvent--0017-INTERACTION_CREATE.json",
        "/d",
        &[],
    );
    let Interaction::Modal(modal) = deserialize::<Interaction>("modal", modal) else {
        panic!("not a modal")
    };
    let ActionRowComponent::InputText(input) = &modal.data.components[0].components[0] else {
        panic!("not a text input")
    };
    assert_eq!(
        (input.custom_id.as_str(), input.value.as_deref()),
        ("details", Some("insulte"))
    );

    let alice = guild.expect_member(ids::ALICE).user.clone();
    let dm_message =
        MessageBuilder::new(4242, &crate::support::fake_discord::bot_user(), "card").build();
    let in_dm = InteractionBuilder::component("dm:ack", 2, dm_message)
        .in_dm(&alice, 4242)
        .build();
    assert_has_fixture_keys(
        &in_dm,
        "GatewayEvent--0019-INTERACTION_CREATE.json",
        "/d",
        &[],
    );
    let Interaction::Component(component) = deserialize::<Interaction>("DM button", in_dm) else {
        panic!("not a component")
    };
    assert_eq!(component.user.id.get(), ids::ALICE);
    assert!(component.guild_id.is_none());
}

#[tokio::test]
async fn openapi_validation_flags_nonconforming_bodies_and_accepts_conforming_ones() {
    if !spec_available() {
        return;
    }
    let fake = FakeDiscord::start().await;
    let http = http_for(&fake);
    let channel = ChannelId::new(ids::GENERAL_CHANNEL);

    http.send_message(
        channel,
        vec![],
        &json!({ "embeds": [{ "title": "t".repeat(300) }] }),
    )
    .await
    .expect("the fake answers");
    let violations = fake.violations();
    assert_eq!(violations.len(), 1, "{violations:?}");
    let ViolationKind::Schema(error) = &violations[0].kind else {
        panic!("not a schema violation: {violations:?}")
    };
    assert_eq!(error.instance_path, "/embeds/0/title");
    assert!(
        error.schema_path.ends_with("/title/maxLength"),
        "{}",
        error.schema_path
    );
    assert_eq!(
        violations[0].operation.as_deref(),
        Some("/channels/{channel_id}/messages")
    );
    fake.clear_violations();

    http.send_message(channel, vec![], &json!({ "embeds": "x" }))
        .await
        .expect("the fake answers");
    assert_schema_violation_at(&fake, "/embeds");

    let sent = http
        .send_message(
            channel,
            vec![],
            &json!({ "content": "ok", "embeds": [{ "title": "3018", "description": "Aide" }] }),
        )
        .await
        .expect("a conforming message is sent");
    assert_eq!(sent.content, "ok");
    fake.assert_no_violations();
    fake.finish();
}

#[tokio::test]
async fn multipart_message_with_a_file_validates_and_is_recorded() {
    if !spec_available() {
        return;
    }
    let fake = FakeDiscord::start().await;
    let http = http_for(&fake);
    let vcard = b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:3018\r\nTEL:3018\r\nEND:VCARD\r\n".to_vec();
    let message = ChannelId::new(ids::GENERAL_CHANNEL)
        .send_message(
            &http,
            CreateMessage::new()
                .content("card")
                .add_file(CreateAttachment::bytes(vcard.clone(), "3018.vcf")),
        )
        .await
        .expect("multipart message sent");
    assert_eq!(
        message.attachments.first().map(|a| a.filename.as_str()),
        Some("3018.vcf")
    );
    assert_eq!(message.attachments[0].size as usize, vcard.len());

    let request = fake
        .wait_for_request(Method::POST, "/channels/*/messages", STEP)
        .await;
    let body = request.body.as_ref().expect("payload_json");
    // serenity sends the new attachment's placeholder id as an integer: tolerated.
    assert_eq!(body["attachments"][0]["id"], json!(0));
    assert_eq!(request.files.len(), 1);
    assert_eq!(request.files[0].field_name, "files[0]");
    assert_eq!(request.files[0].filename.as_deref(), Some("3018.vcf"));
    assert_eq!(request.files[0].bytes, vcard);
    fake.assert_no_violations();

    // The tolerance is narrow: a malformed attachment id is still a violation.
    let bad = json!({ "content": "x", "attachments": [{ "id": "not-a-snowflake", "filename": "a.txt" }] });
    let file = CreateAttachment::bytes(b"a".to_vec(), "a.txt");
    http.send_message(ChannelId::new(ids::GENERAL_CHANNEL), vec![file], &bad)
        .await
        .expect("the fake answers");
    assert_schema_violation_at(&fake, "/attachments/0/id");
    fake.finish();
}

/// A message create with `nonce`, enforced, with a file when `with_file` (as the help card).
fn create_with_nonce(nonce: &str, with_file: bool) -> CreateMessage {
    let message = CreateMessage::new()
        .content("carte d'aide")
        .nonce(Nonce::String(nonce.to_owned()))
        .enforce_nonce(true);
    if with_file {
        message.add_file(CreateAttachment::bytes(b"BEGIN:VCARD".to_vec(), "3018.vcf"))
    } else {
        message
    }
}

#[tokio::test]
async fn a_retried_create_with_an_enforced_nonce_returns_the_first_message() {
    if !spec_available() {
        return;
    }
    let fake = FakeDiscord::start().await;
    let http = http_for(&fake);
    let general = ChannelId::new(ids::GENERAL_CHANNEL);
    let send = |channel: ChannelId, message: CreateMessage| {
        let http = &http;
        async move { channel.send_message(http, message).await.expect("sent") }
    };
    let first = send(general, create_with_nonce("report-42-card", false)).await;
    assert!(
        matches!(&first.nonce, Some(Nonce::String(nonce)) if nonce == "report-42-card"),
        "the message echoes its nonce: {:?}",
        first.nonce
    );
    let retried = send(general, create_with_nonce("report-42-card", false)).await;
    assert_eq!(
        retried.id, first.id,
        "the retry gets the first message back"
    );

    // Another nonce, the same nonce not enforced, or in another channel: new messages.
    let other = send(general, create_with_nonce("report-43-card", false)).await;
    let unenforced = send(
        general,
        CreateMessage::new()
            .content("x")
            .nonce(Nonce::String("report-42-card".into())),
    )
    .await;
    let elsewhere = send(
        ChannelId::new(ids::QUEUE_CHANNEL),
        create_with_nonce("report-42-card", false),
    )
    .await;
    for message in [&other, &unenforced, &elsewhere] {
        assert_ne!(message.id, first.id);
    }

    // Multipart creates (a file, as the help card's vCard) too.
    let with_file = send(general, create_with_nonce("report-44-card", true)).await;
    let file_retried = send(general, create_with_nonce("report-44-card", true)).await;
    assert_eq!(file_retried.id, with_file.id);

    assert_eq!(
        fake.requests_matching(Method::POST, "/channels/*/messages")
            .len(),
        7
    );
    assert_eq!(
        fake.messages_in(ids::GENERAL_CHANNEL).len(),
        4,
        "4 distinct messages"
    );
    let replays: Vec<(String, usize)> = fake
        .enforced_nonces()
        .into_iter()
        .map(|record| (record.nonce, record.replays))
        .collect();
    assert_eq!(
        replays,
        [
            ("report-42-card", 1),
            ("report-43-card", 0),
            ("report-42-card", 0),
            ("report-44-card", 1),
        ]
        .map(|(nonce, replays)| (nonce.to_owned(), replays))
    );
    fake.finish();
}

#[tokio::test]
async fn a_nonce_longer_than_25_characters_violates_the_spec() {
    if !spec_available() {
        return;
    }
    let fake = FakeDiscord::start().await;
    let http = http_for(&fake);
    ChannelId::new(ids::GENERAL_CHANNEL)
        .send_message(&http, create_with_nonce(&"n".repeat(26), false))
        .await
        .expect("the fake answers");
    assert_schema_violation_at(&fake, "/nonce");
    fake.finish();
}

fn http_error(result: serenity::Result<Message>) -> serenity::http::HttpError {
    match result {
        Err(serenity::Error::Http(error)) => error,
        other => panic!("expected an HTTP error, got {other:?}"),
    }
}

#[tokio::test]
async fn scripted_failures_reach_serenity_as_discord_errors() {
    let fake = FakeDiscord::start().await;
    let http = http_for(&fake);
    let channel = ChannelId::new(ids::GENERAL_CHANNEL);
    let body = json!({ "content": "hi" });

    fake.script(
        Method::POST,
        "/channels/{}/messages",
        Scripted::cannot_send_to_user(),
        1,
    );
    let serenity::http::HttpError::UnsuccessfulRequest(response) =
        http_error(http.send_message(channel, vec![], &body).await)
    else {
        panic!("not an unsuccessful request")
    };
    assert_eq!(response.status_code.as_u16(), 403);
    assert_eq!(response.error.code, 50007);
    assert_eq!(response.error.message, "Cannot send messages to this user");
    // Scripted once: the next message goes through.
    http.send_message(channel, vec![], &body)
        .await
        .expect("second message is sent");

    fake.script(
        Method::POST,
        "/channels/*/messages",
        Scripted::rate_limited(0.2),
        1,
    );
    let error = http_error(http.send_message(channel, vec![], &body).await);
    assert_eq!(error.status_code().map(|s| s.as_u16()), Some(429));
    let limited = fake.requests_matching(Method::POST, "/channels/*/messages");
    assert_eq!(limited.len(), 3);
    assert_eq!(
        limited[2]
            .response
            .as_ref()
            .map(|r| r["retry_after"].clone()),
        Some(json!(0.2))
    );

    fake.script(
        Method::POST,
        "/channels/*/messages",
        Scripted::ServerError,
        1,
    );
    let error = http_error(http.send_message(channel, vec![], &body).await);
    assert_eq!(error.status_code().map(|s| s.as_u16()), Some(500));

    fake.script(
        Method::POST,
        "/channels/*/messages",
        Scripted::DropConnection,
        1,
    );
    let error = http_error(http.send_message(channel, vec![], &body).await);
    assert!(
        matches!(error, serenity::http::HttpError::Request(_)),
        "{error:?}"
    );
    assert!(fake.requests_matching(Method::POST, "/channels/*/messages")[4].dropped);

    fake.set_delay(
        Method::GET,
        "/guilds/*/members/*",
        Duration::from_millis(300),
    );
    let started = Instant::now();
    let member = http
        .get_member(ids::GUILD.into(), ids::ALICE.into())
        .await
        .expect("member");
    assert!(started.elapsed() >= Duration::from_millis(300));
    assert_eq!(member.user.id.get(), ids::ALICE);
    let error = http
        .get_member(ids::GUILD.into(), ids::OUTSIDER.into())
        .await
        .expect_err("not a member");
    assert!(format!("{error:?}").contains("10007"), "{error:?}");

    assert!(fake.unhandled_requests().is_empty());
    let error = http
        .get_guild_webhooks(ids::GUILD.into())
        .await
        .expect_err("not served by the fake");
    assert!(format!("{error:?}").contains("404"), "{error:?}");
    let unhandled = fake.unhandled_requests();
    assert_eq!(unhandled.len(), 1);
    assert_eq!(
        unhandled[0].path,
        format!("/guilds/{}/webhooks", ids::GUILD)
    );
    assert_eq!(unhandled[0].authorization(), Some("Bot token"));
    fake.assert_no_violations();
}

/// What the serenity client under test saw.
#[derive(Debug)]
enum Seen {
    Ready(u64),
    GuildCreate { guild: u64, members: usize },
    Resumed,
    Button(String),
}

struct Recorder(mpsc::UnboundedSender<Seen>);

#[serenity::async_trait]
impl EventHandler for Recorder {
    async fn ready(&self, _: Context, ready: Ready) {
        let _ = self.0.send(Seen::Ready(ready.user.id.get()));
    }

    async fn guild_create(&self, _: Context, guild: Guild, _: Option<bool>) {
        let _ = self.0.send(Seen::GuildCreate {
            guild: guild.id.get(),
            members: guild.members.len(),
        });
    }

    async fn resume(&self, _: Context, _: ResumedEvent) {
        let _ = self.0.send(Seen::Resumed);
    }

    async fn interaction_create(&self, ctx: Context, interaction: Interaction) {
        if let Interaction::Component(component) = interaction {
            component
                .create_response(&ctx.http, CreateInteractionResponse::Acknowledge)
                .await
                .expect("ack");
            let _ = self.0.send(Seen::Button(component.data.custom_id));
        }
    }
}

async fn next_seen(events: &mut mpsc::UnboundedReceiver<Seen>) -> Seen {
    tokio::time::timeout(STEP, events.recv())
        .await
        .expect("the client saw nothing in time")
        .expect("handler alive")
}

#[tokio::test]
async fn serenity_client_connects_and_resumes_after_a_drop() {
    let fake = FakeDiscord::start().await;
    let (tx, mut events) = mpsc::unbounded_channel();
    let mut client = ClientBuilder::new_with_http(http_for(&fake), GatewayIntents::GUILDS)
        .event_handler(Recorder(tx))
        .await
        .expect("client");
    let shard_manager = client.shard_manager.clone();
    let running = tokio::spawn(async move { client.start().await });

    assert!(matches!(next_seen(&mut events).await, Seen::Ready(id) if id == ids::BOT));
    let guild = fake.guild(ids::GUILD);
    match next_seen(&mut events).await {
        Seen::GuildCreate { guild: id, members } => {
            assert_eq!((id, members), (ids::GUILD, guild.members.len()));
        }
        other => panic!("expected GUILD_CREATE, got {other:?}"),
    }
    let identify = &fake.identifies()[0];
    assert_eq!(
        (identify.token.as_str(), identify.intents, identify.shard),
        ("Bot token", GatewayIntents::GUILDS.bits(), [0, 1])
    );

    assert_eq!(fake.drop_gateway(), 1);
    let resumes = fake.wait_for_resumes(1, STEP).await;
    assert!(resumes[0].accepted);
    assert_eq!(resumes[0].session_id, identify.session_id);
    assert!(matches!(next_seen(&mut events).await, Seen::Resumed));
    assert_eq!(fake.identifies().len(), 1, "resumed, not re-identified");

    // The resumed session is usable: an interaction arrives and the bot's answer is served.
    let queue_post = MessageBuilder::new(ids::QUEUE_CHANNEL, &fake.config().bot, "case").build();
    let sent = fake
        .send_interaction(
            InteractionBuilder::component("case:1:claim", 2, queue_post).in_guild(
                &guild,
                ids::QUEUE_CHANNEL,
                ids::MODERATOR,
            ),
        )
        .await;
    assert!(matches!(next_seen(&mut events).await, Seen::Button(id) if id == "case:1:claim"));
    let callback = fake
        .wait_for_request(Method::POST, &sent.callback_path(), STEP)
        .await;
    assert_eq!(callback.status, Some(204));
    assert_eq!(
        callback.body.as_ref().map(|b| b["type"].clone()),
        Some(json!(6))
    );
    assert!(fake.is_acknowledged(&sent));
    let http = http_for(&fake);
    http.set_application_id(ids::APPLICATION.into());
    let followup = http
        .create_followup_message(
            &sent.token,
            &CreateInteractionResponseFollowup::new()
                .content("noted")
                .ephemeral(true),
            vec![],
        )
        .await
        .expect("followup");
    assert_eq!(
        (followup.content.as_str(), followup.flags),
        ("noted", Some(MessageFlags::EPHEMERAL))
    );
    let edited = http
        .edit_original_interaction_response(
            &sent.token,
            &EditInteractionResponse::new().content("claimed"),
            vec![],
        )
        .await
        .expect("edit the component's message");
    assert_eq!(edited.content, "claimed");
    assert_eq!(
        fake.original_response(&sent).map(|m| m["content"].clone()),
        Some(json!("claimed"))
    );

    // op 7 Reconnect: serenity resumes again on a new connection.
    assert_eq!(fake.send_reconnect(), 1);
    fake.wait_for_resumes(2, STEP).await;
    fake.wait_for_connections(3, STEP).await;

    shard_manager.shutdown_all().await;
    tokio::time::timeout(STEP, running)
        .await
        .expect("client stops")
        .expect("client task")
        .expect("client ran cleanly");
    fake.finish();
}

#[tokio::test]
async fn default_rest_answers_deserialize_in_serenity_and_change_the_world() {
    let fake = FakeDiscord::start().await;
    let http = http_for(&fake);
    let guild_id = GuildId::new(ids::GUILD);

    assert_eq!(
        http.get_current_user()
            .await
            .expect("current user")
            .id
            .get(),
        ids::BOT
    );
    let application = http
        .get_current_application_info()
        .await
        .expect("application info");
    assert_eq!(application.owner.map(|o| o.id.get()), Some(ids::OWNER));
    http.set_application_id(application.id);

    let global = vec![
        CreateCommand::new("report")
            .description("Report")
            .add_option(
                CreateCommandOption::new(CommandOptionType::User, "user", "Who").required(true),
            ),
        CreateCommand::new("Report user").kind(CommandType::User),
    ];
    let registered = Command::set_global_commands(&http, global)
        .await
        .expect("global commands");
    assert_eq!(registered.len(), 2);
    assert_eq!(registered[0].application_id.get(), ids::APPLICATION);
    let config = CreateCommand::new("config")
        .description("Configure")
        .default_member_permissions(Permissions::MANAGE_GUILD);
    let in_guild = guild_id
        .set_commands(&http, vec![config])
        .await
        .expect("guild commands");
    assert_eq!(
        in_guild[0].default_member_permissions,
        Some(Permissions::MANAGE_GUILD)
    );
    assert_eq!(
        fake.guild_commands(ids::GUILD)[0]["default_member_permissions"],
        json!("32")
    );

    let dm = UserId::new(ids::ALICE)
        .create_dm_channel(&http)
        .await
        .expect("DM channel");
    assert_eq!(fake.dm_channel_of(ids::ALICE), Some(dm.id.get()));
    dm.id
        .send_message(&http, CreateMessage::new().content("card"))
        .await
        .expect("DM sent");
    assert_eq!(fake.messages_in(dm.id.get()).len(), 1);

    let until =
        Timestamp::from_unix_timestamp(Timestamp::now().unix_timestamp() + 3600).expect("time");
    let member = guild_id
        .edit_member(
            &http,
            UserId::new(ids::EMMA),
            EditMember::new()
                .disable_communication_until_datetime(until)
                .audit_log_reason("case #1: mute"),
        )
        .await
        .expect("timeout applied");
    assert_eq!(member.communication_disabled_until, Some(until));
    let patch = fake
        .wait_for_request(Method::PATCH, "/guilds/*/members/*", STEP)
        .await;
    assert_eq!(patch.audit_log_reason().as_deref(), Some("case #1: mute"));
    assert!(
        fake.member(ids::GUILD, ids::EMMA)
            .expect("still a member")
            .communication_disabled_until
            .is_some()
    );

    guild_id
        .ban_with_reason(&http, UserId::new(ids::CHLOE), 0, "case #2")
        .await
        .expect("ban");
    assert_eq!(fake.bans(ids::GUILD).len(), 1);
    assert!(
        fake.member(ids::GUILD, ids::CHLOE).is_none(),
        "a ban removes the member"
    );
    assert!(
        http.get_ban(guild_id, UserId::new(ids::CHLOE))
            .await
            .expect("get ban")
            .is_some()
    );
    guild_id
        .unban(&http, UserId::new(ids::CHLOE))
        .await
        .expect("unban");
    assert!(fake.bans(ids::GUILD).is_empty());

    assert_eq!(
        http.get_guild(guild_id).await.expect("guild").name,
        "Refuge"
    );
    assert_eq!(
        http.get_guild_roles(guild_id).await.expect("roles").len(),
        5
    );
    assert_eq!(
        http.get_channels(guild_id).await.expect("channels").len(),
        3
    );
    let queue = http
        .get_channel(ChannelId::new(ids::QUEUE_CHANNEL))
        .await
        .expect("channel");
    assert_eq!(queue.guild().map(|c| c.name), Some("mod-queue".to_owned()));

    let general = ChannelId::new(ids::GENERAL_CHANNEL);
    let post = general
        .send_message(&http, CreateMessage::new().content("case"))
        .await
        .expect("post");
    assert_eq!(post.guild_id, Some(guild_id));
    general
        .edit_message(&http, post.id, EditMessage::new().content("claimed"))
        .await
        .expect("edit");
    assert_eq!(
        http.get_message(general, post.id)
            .await
            .expect("get")
            .content,
        "claimed"
    );
    general
        .delete_message(&http, post.id)
        .await
        .expect("delete");
    assert!(fake.message(post.id.get()).is_none());
    assert!(
        http.get_message(general, post.id).await.is_err(),
        "deleted message is unknown"
    );

    fake.finish();
}
