//! The bot connects, identifies, registers its commands, survives a reconnect, waits out a
//! rate limit and shuts down cleanly.

use std::time::{Duration, Instant};

use serde_json::Value;

use crate::support::app::{TEST_TOKEN, WAIT, spawn_app, spawn_app_with};
use crate::support::fake_discord::{FakeDiscordConfig, InteractionBuilder, Method, Scripted, ids};

/// GUILDS | `GUILD_MESSAGES` | `GUILD_MODERATION`: no privileged intent.
const EXPECTED_INTENTS: u64 = (1 << 0) | (1 << 9) | (1 << 2);

/// A `/report` of oneself: refused at once, whatever else the bot can do.
fn self_report(app: &crate::support::app::TestApp, locale: &str) -> InteractionBuilder {
    InteractionBuilder::slash_command(
        "report",
        serde_json::json!([
            { "name": "user", "type": 6, "value": ids::ALICE.to_string() },
            { "name": "reason", "type": 4, "value": 0 }
        ]),
    )
    .in_guild(
        &app.fake.guild(ids::GUILD),
        ids::GENERAL_CHANNEL,
        ids::ALICE,
    )
    .locale(locale)
}

fn command<'a>(commands: &'a [Value], name: &str) -> &'a Value {
    commands
        .iter()
        .find(|command| command["name"] == name)
        .unwrap_or_else(|| panic!("command {name} registered; got {commands:#?}"))
}

#[tokio::test]
async fn the_bot_connects_registers_its_commands_and_stops_cleanly() {
    let mut app = spawn_app().await;

    let identify = app.fake.wait_for_identifies(1, WAIT).await.remove(0);
    assert_eq!(identify.intents, EXPECTED_INTENTS);
    assert_eq!(identify.token, format!("Bot {TEST_TOKEN}"));

    let commands = app.registered_commands();
    let names: Vec<&str> = commands
        .iter()
        .map(|command| command["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "report",
            "Report message",
            "Report user",
            "Add to my report",
            "evidence-file",
            "cases",
            "config",
            "stats",
            "privacy"
        ]
    );
    let report = command(&commands, "report");
    assert_eq!(report["name_localizations"]["fr"], "signaler");
    assert_eq!(report["name_localizations"]["en-US"], "report");
    assert_eq!(report["name_localizations"]["en-GB"], "report");
    assert!(report["description_localizations"]["fr"].is_string());
    let options: Vec<&str> = report["options"]
        .as_array()
        .unwrap()
        .iter()
        .map(|option| option["name"].as_str().unwrap())
        .collect();
    assert_eq!(options, ["user", "reason", "details", "message", "victim"]);
    let reasons = report["options"][1]["choices"].as_array().unwrap();
    assert_eq!(reasons.len(), 8);
    assert_eq!(reasons[0]["name"], "Harassment");
    assert_eq!(reasons[0]["name_localizations"]["fr"], "Harcèlement");
    assert_eq!(
        command(&commands, "Report message")["name_localizations"]["fr"],
        "Signaler le message"
    );
    assert_eq!(command(&commands, "Report message")["type"], 3);
    assert_eq!(command(&commands, "Report user")["type"], 2);
    let add = command(&commands, "Add to my report");
    assert_eq!(add["type"], 3);
    assert_eq!(add["name_localizations"]["fr"], "Ajouter à mon signalement");
    assert_eq!(
        command(&commands, "evidence-file")["name_localizations"]["fr"],
        "dossier-preuves"
    );
    // Moderator and admin commands are hidden by default; the bot still checks on use.
    assert_eq!(
        command(&commands, "cases")["default_member_permissions"],
        (1u64 << 40).to_string()
    );
    assert_eq!(
        command(&commands, "config")["default_member_permissions"],
        (1u64 << 5).to_string()
    );

    // GUILD_CREATE made the server known to the store.
    let deadline = Instant::now() + WAIT;
    while app
        .store
        .guild(ids::GUILD.cast_signed())
        .await
        .unwrap()
        .is_none()
    {
        assert!(Instant::now() < deadline, "the guild was never stored");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    app.shutdown().await.expect("a clean shutdown");
    assert!(
        !app.fake.has_live_session(),
        "the gateway session is closed"
    );
    app.assert_discord_traffic_valid();
}

#[tokio::test]
async fn the_bot_keeps_answering_after_the_gateway_drops() {
    let mut app = spawn_app().await;
    app.fake.wait_for_live_session(WAIT).await;
    app.fake.drop_gateway();
    app.fake.wait_for_connections(2, WAIT).await;
    app.fake.wait_for_live_session(WAIT).await;

    let sent = app
        .slash(
            ids::MODERATOR,
            "en-US",
            "stats",
            serde_json::json!([
                { "type": 1, "name": "show", "options": [] }
            ]),
        )
        .await;
    let callback = app.wait_for(Method::POST, &sent.callback_path()).await;
    let body = callback.body.expect("a callback body");
    assert_eq!(body["type"], 4);
    assert_eq!(body["data"]["flags"], 64, "answered ephemerally");
    assert!(
        body["data"]["embeds"][0]["title"]
            .as_str()
            .unwrap()
            .starts_with("Statistics")
    );

    app.shutdown().await.expect("a clean shutdown");
    app.assert_discord_traffic_valid();
}

#[tokio::test]
async fn rate_limited_requests_are_retried_after_retry_after() {
    let fake_world = FakeDiscordConfig::default();
    let mut app = spawn_app_with(fake_world, |_| {}).await;
    // Registration already happened; rate-limit the next interaction answer instead.
    app.fake.script(
        Method::POST,
        "/interactions/*/*/callback",
        Scripted::RateLimited {
            retry_after: 0.4,
            global: false,
        },
        1,
    );
    let sent = app.fake.send_interaction(self_report(&app, "fr")).await;
    let attempts = app
        .fake
        .wait_for_requests(Method::POST, &sent.callback_path(), 2, WAIT)
        .await;
    assert_eq!(attempts[0].status, Some(429));
    assert_eq!(attempts[1].status, Some(204));
    // The JSON `retry_after` (0.4 s) is honoured, not the header's rounded-up whole second.
    let waited = attempts[1].received_at - attempts[0].received_at;
    assert!(
        waited >= Duration::from_millis(400) && waited < Duration::from_secs(1),
        "waited {waited:?}"
    );
    let answer = app.wait_for(Method::PATCH, &sent.original_path()).await;
    let text = answer.body.expect("an answer")["content"].to_string();
    assert!(text.contains("te signaler toi-même"), "{text}");

    app.shutdown().await.expect("a clean shutdown");
    app.assert_discord_traffic_valid();
}

#[tokio::test]
async fn a_development_server_gets_the_commands_instead_of_every_server() {
    let mut app = spawn_app_with(FakeDiscordConfig::default(), |config| {
        config.discord.dev_guild_id = Some(ids::GUILD);
    })
    .await;
    assert!(
        app.fake
            .requests_matching(Method::PUT, "/applications/*/commands")
            .is_empty(),
        "nothing registered globally"
    );
    let names: Vec<String> = app
        .fake
        .guild_commands(ids::GUILD)
        .iter()
        .map(|command| command["name"].as_str().unwrap().to_owned())
        .collect();
    assert!(names.contains(&"report".to_owned()), "{names:?}");
    app.shutdown().await.expect("a clean shutdown");
    app.assert_discord_traffic_valid();
}

#[tokio::test]
async fn an_undecodable_gateway_frame_is_not_logged_with_its_token_or_report_text() {
    let (logs, _capture) = crate::support::logs::capture_this_thread();
    let app = spawn_app().await;
    let details = "undecodable-frame-details: il me suit partout";
    let interaction = InteractionBuilder::slash_command(
        "report",
        serde_json::json!([
            { "name": "user", "type": 6, "value": ids::BILAL.to_string() },
            { "name": "reason", "type": 4, "value": 0 },
            { "name": "details", "type": 3, "value": format!("{details} LONE-SURROGATE") },
        ]),
    )
    .in_guild(
        &app.fake.guild(ids::GUILD),
        ids::GENERAL_CHANNEL,
        ids::ALICE,
    );
    let token = interaction.interaction_token().to_owned();
    let payload = interaction.build();
    // A lone surrogate: valid JSON text for a lenient parser, an error for serde_json.
    let frame = serde_json::json!({ "op": 0, "s": 1000, "t": "INTERACTION_CREATE", "d": payload })
        .to_string()
        .replace("LONE-SURROGATE", r"\ud800");
    assert!(serde_json::from_str::<Value>(&frame).is_err());
    assert_eq!(app.fake.send_raw_frame(&frame).await, 1);

    // serenity reports the frame it dropped (without its text) once it has read it.
    let deadline = Instant::now() + WAIT;
    while !logs.text().contains("Unhandled error") {
        assert!(
            Instant::now() < deadline,
            "no trace of the frame:\n{}",
            logs.text()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let text = logs.text();
    assert!(
        !text.contains(&token),
        "the interaction token is logged:\n{text}"
    );
    assert!(
        !text.contains(details),
        "the report text is logged:\n{text}"
    );
    assert!(
        !text.contains(TEST_TOKEN),
        "the bot token is logged:\n{text}"
    );
    app.assert_discord_traffic_valid();
}
