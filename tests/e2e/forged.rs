//! Forged, stale and impossible interactions (ids of other versions or of nothing, wrong
//! component types, command types Discord does not send for these commands): each one is
//! answered within Discord's 3 seconds, and the bot carries on.

use std::time::Duration;

use serde_json::{Value, json};

use crate::support::app::TestApp;
use crate::support::app::spawn_app;
use crate::support::fake_discord::{
    InteractionBuilder, MessageBuilder, Method, SentInteraction, ids,
};

/// Discord's deadline for the first answer to an interaction.
const DEADLINE: Duration = Duration::from_secs(3);

/// The first answer to `sent`, which must come within [`DEADLINE`].
async fn first_answer(app: &TestApp, sent: &SentInteraction) -> Value {
    let callback = app
        .fake
        .wait_for_request(Method::POST, &sent.callback_path(), DEADLINE)
        .await;
    callback.body.expect("a callback body")
}

/// The first answer, checked to be an ephemeral message: its text.
async fn ephemeral_text(app: &TestApp, sent: &SentInteraction) -> String {
    let body = first_answer(app, sent).await;
    assert_eq!(body["type"], 4, "a message: {body}");
    assert_eq!(body["data"]["flags"], 64, "ephemeral: {body}");
    body["data"]["content"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

/// A member clicks a control with `custom_id` (a button, 2, or a select, 3) on a message.
async fn click(
    app: &TestApp,
    custom_id: &str,
    component_type: u8,
    locale: &str,
) -> SentInteraction {
    let guild = app.fake.guild(ids::GUILD);
    let message = MessageBuilder::in_guild(&guild, ids::GENERAL_CHANNEL, ids::BOT, "…").build();
    let mut interaction = InteractionBuilder::component(custom_id, component_type, message);
    if component_type == 3 {
        interaction = interaction.data_field("values", json!(["threats"]));
    }
    app.fake
        .send_interaction(
            interaction
                .in_guild(&guild, ids::GENERAL_CHANNEL, ids::ALICE)
                .locale(locale),
        )
        .await
}

/// Alice submits a form with `custom_id`.
async fn submit(app: &TestApp, custom_id: &str, locale: &str) -> SentInteraction {
    let guild = app.fake.guild(ids::GUILD);
    app.fake
        .send_interaction(
            InteractionBuilder::modal_submit(custom_id, &[("details", "texte")])
                .in_guild(&guild, ids::GENERAL_CHANNEL, ids::ALICE)
                .locale(locale),
        )
        .await
}

/// A command or autocomplete interaction by Alice in `#general`.
async fn command(app: &TestApp, interaction: InteractionBuilder) -> SentInteraction {
    let guild = app.fake.guild(ids::GUILD);
    app.fake
        .send_interaction(
            interaction
                .in_guild(&guild, ids::GENERAL_CHANNEL, ids::ALICE)
                .locale("en-US"),
        )
        .await
}

/// The bot still answers an ordinary `/report`.
async fn still_reports(app: &TestApp) {
    let options = json!([
        { "name": "user", "type": 6, "value": ids::BILAL.to_string() },
        { "name": "reason", "type": 4, "value": 0 }
    ]);
    let sent = app.slash(ids::CHLOE, "en-US", "report", options).await;
    let answer = app.wait_for(Method::PATCH, &sent.original_path()).await;
    let text = answer.body.unwrap()["content"].as_str().unwrap().to_owned();
    assert!(text.contains("Your report is recorded"), "{text}");
}

#[tokio::test]
async fn stale_unknown_and_impossible_controls_are_answered() {
    let app = spawn_app().await;
    let random = "Zq9".repeat(34);
    let token = "abcdefghij0123456789";
    let cases: Vec<(String, u8, &str, &str)> = vec![
        // Not an id of this bot, or of a version that wrote other ids.
        (random.clone(), 2, "en-US", "This button is no longer valid"),
        (
            "sb:case:1:claim".to_owned(),
            2,
            "fr",
            "Ce bouton n'est plus valide",
        ),
        (String::new(), 3, "en-US", "This button is no longer valid"),
        // A form's id on a button: nothing the bot ever shows.
        (
            format!("sb:report-details:threats:{token}:fr"),
            2,
            "en-US",
            "does not match anything the bot offers",
        ),
        // Malformed snowflakes in ids of this bot: the family's own answer.
        (
            "sb:q:claim:99999999999999999999".to_owned(),
            2,
            "en-US",
            "no longer exists",
        ),
        ("sb:p:mute:1e3".to_owned(), 2, "en-US", ""),
        // A question's ids: malformed, naming no question, or a form's id on a button.
        (
            "sb:ask:answer:01".to_owned(),
            2,
            "en-US",
            "This button is no longer valid",
        ),
        (
            "sb:ask:stop:4242".to_owned(),
            2,
            "fr",
            "Ce bouton n'est plus valide",
        ),
        (
            "sb:ask:reply:1".to_owned(),
            2,
            "en-US",
            "does not match anything the bot offers",
        ),
    ];
    for (custom_id, component_type, locale, expected) in &cases {
        let sent = click(&app, custom_id, *component_type, locale).await;
        let body = first_answer(&app, &sent).await;
        if expected.is_empty() {
            // The victim's buttons defer first, then say the button is not theirs.
            assert_eq!(body["type"], 5, "{custom_id}: {body}");
            continue;
        }
        assert_eq!(body["type"], 4, "{custom_id}: {body}");
        assert_eq!(body["data"]["flags"], 64, "{custom_id}: {body}");
        let text = body["data"]["content"].as_str().unwrap_or_default();
        assert!(text.contains(expected), "{custom_id}: {text}");
    }

    let forms: Vec<(String, &str, &str)> = vec![
        (random.clone(), "en-US", "This form is no longer valid"),
        (
            "sb:report:v1".to_owned(),
            "fr",
            "Ce formulaire n'est plus valide",
        ),
        // A button's id on a form.
        (
            "sb:q:claim:1".to_owned(),
            "en-US",
            "does not match anything the bot offers",
        ),
        (
            format!("sb:report-reason:{token}:en-US"),
            "en-US",
            "does not match anything the bot offers",
        ),
        (
            "sb:ask:decline:1".to_owned(),
            "en-US",
            "does not match anything the bot offers",
        ),
        (
            "sb:ask:reply:-1".to_owned(),
            "fr",
            "Ce formulaire n'est plus valide",
        ),
        (
            "sb:ask:reply:4242".to_owned(),
            "en-US",
            "This form is no longer valid",
        ),
        // A member (not a moderator) submitting a forged question form.
        (
            "sb:ask:send:1".to_owned(),
            "en-US",
            "Only this server's moderators",
        ),
    ];
    for (custom_id, locale, expected) in &forms {
        let sent = submit(&app, custom_id, locale).await;
        let text = ephemeral_text(&app, &sent).await;
        assert!(text.contains(expected), "{custom_id}: {text}");
    }
    still_reports(&app).await;
    app.assert_discord_traffic_valid();
}

#[tokio::test]
async fn forged_command_types_and_unknown_commands_are_answered_without_a_panic() {
    let app = spawn_app().await;
    let report_options = json!([
        { "name": "user", "type": 6, "value": ids::BILAL.to_string() },
        { "name": "reason", "type": 4, "value": 0 }
    ]);
    // Command types Discord never sends for these commands (4: an entry point; 9: none).
    for forged_type in [4, 9] {
        let sent = command(
            &app,
            InteractionBuilder::slash_command("report", report_options.clone())
                .data_field("type", json!(forged_type)),
        )
        .await;
        let text = ephemeral_text(&app, &sent).await;
        assert!(
            text.contains("does not match anything the bot offers"),
            "type {forged_type}: {text}"
        );
    }
    // A parent command without the subcommand it requires.
    let sent = command(&app, InteractionBuilder::slash_command("config", json!([]))).await;
    let text = ephemeral_text(&app, &sent).await;
    assert!(
        text.contains("does not match anything the bot offers"),
        "{text}"
    );
    // A user command named like a slash command, and a command this bot does not have.
    let target = app
        .fake
        .guild(ids::GUILD)
        .expect_member(ids::BILAL)
        .user
        .clone();
    for interaction in [
        InteractionBuilder::user_command("report", &target),
        InteractionBuilder::slash_command("signaler-v0", json!([])),
    ] {
        let sent = command(&app, interaction).await;
        let text = ephemeral_text(&app, &sent).await;
        assert!(
            text.contains("This command is no longer available"),
            "{text}"
        );
    }

    // Suggestions asked with a forged type, for an option that has none, or for a command
    // that does not exist: an empty list.
    let typing_details = json!([
        { "name": "user", "type": 6, "value": ids::BILAL.to_string() },
        { "name": "details", "type": 3, "value": "ins", "focused": true }
    ]);
    for interaction in [
        InteractionBuilder::autocomplete("report", typing_details.clone())
            .data_field("type", json!(4)),
        InteractionBuilder::autocomplete("report", typing_details.clone()),
        InteractionBuilder::autocomplete("signaler-v0", typing_details.clone()),
    ] {
        let sent = command(&app, interaction).await;
        let body = first_answer(&app, &sent).await;
        assert_eq!(body["type"], 8, "suggestions: {body}");
        assert_eq!(body["data"]["choices"], json!([]), "{body}");
    }
    still_reports(&app).await;
    app.assert_discord_traffic_valid();
}
