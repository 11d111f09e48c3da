//! `/config`, onboarding and the server language (SPEC §6), end to end against the fake
//! Discord, with every request body validated against Discord's `OpenAPI` file.

use std::time::Duration;

use safe_button::domain::queue::AuditAction;
use safe_button::store::StoredSetting;
use serde_json::{Value, json};

use crate::support::app::{TestApp, spawn_app_on, spawn_app_with};
use crate::support::db::{TestDb, WriteLock, both_backends};
use crate::support::fake_discord::{
    FakeChannel, FakeDiscordConfig, FakeGuild, InteractionBuilder, Method, SentInteraction, ids,
    perms,
};

/// A voice channel of the test world.
const VOICE_CHANNEL: u64 = 1_573_641_254_766_510_201;
/// A text channel where the bot may read and write but not embed nor attach.
const STAFF_CHANNEL: u64 = 1_573_641_254_766_510_202;

/// The standard world plus a voice channel and a channel where the bot lacks permissions.
fn world() -> FakeDiscordConfig {
    let mut guild = FakeGuild::standard();
    guild.channels.push(FakeChannel {
        kind: 2,
        ..FakeChannel::text(VOICE_CHANNEL, "vocal", 3)
    });
    guild
        .channels
        .push(FakeChannel::text(STAFF_CHANNEL, "staff", 4).role_overwrite(
            ids::BOT_ROLE,
            0,
            perms::EMBED_LINKS | perms::ATTACH_FILES,
        ));
    FakeDiscordConfig {
        guilds: vec![guild],
        ..FakeDiscordConfig::default()
    }
}

/// `/config <subcommand>` by `user` in `#general`.
async fn config(
    app: &TestApp,
    user: u64,
    locale: &str,
    subcommand: &str,
    options: Value,
) -> SentInteraction {
    let data = json!([{ "type": 1, "name": subcommand, "options": options }]);
    app.slash(user, locale, "config", data).await
}

/// The immediate ephemeral answer's `data`.
async fn answer(app: &TestApp, sent: &SentInteraction) -> Value {
    let callback = app.wait_for(Method::POST, &sent.callback_path()).await;
    let body = callback.body.expect("a callback body");
    assert_eq!(body["type"], 4, "an immediate answer: {body}");
    assert_eq!(body["data"]["flags"], 64, "ephemeral: {body}");
    body["data"].clone()
}

/// `/config …` by the admin, returning the answer's text.
async fn admin_says(app: &TestApp, subcommand: &str, options: Value) -> String {
    let sent = config(app, ids::ADMIN, "en-US", subcommand, options).await;
    text_of(&answer(app, &sent).await)
}

fn text_of(data: &Value) -> String {
    data["content"].as_str().unwrap_or_default().to_owned()
}

fn option(name: &str, kind: u8, value: Value) -> Value {
    json!({ "name": name, "type": kind, "value": value })
}

/// `/config show`: the embed's lines.
async fn shown_settings(app: &TestApp) -> String {
    let sent = config(app, ids::ADMIN, "en-US", "show", json!([])).await;
    let data = answer(app, &sent).await;
    assert_eq!(
        data["embeds"][0]["title"],
        "Safe Button settings for this server"
    );
    data["embeds"][0]["description"]
        .as_str()
        .expect("an embed description")
        .to_owned()
}

async fn stored(app: &TestApp) -> Vec<(String, String)> {
    app.store
        .guild_settings(ids::GUILD.cast_signed())
        .await
        .unwrap()
        .into_iter()
        .map(|StoredSetting { key, value, .. }| (key, value))
        .collect()
}

fn pairs(expected: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut pairs: Vec<(String, String)> = expected
        .iter()
        .map(|(key, value)| ((*key).to_owned(), (*value).to_owned()))
        .collect();
    pairs.sort();
    pairs
}

/// Every setting as the admin sets it, and as the database stores it.
const EXPECTED: [(&str, &str); 14] = [
    ("auto_mute_threshold", "5"),
    ("auto_mute_window", "2h"),
    ("evidence_retention_days", "30"),
    ("helpline_country", "fr"),
    ("language", "en-US"),
    ("moderator_role", "1573641254766510084"),
    ("notify_reporter_on_close", "false"),
    ("queue_channel", "1573641254766510124"),
    ("reporter_sealed", "false"),
    ("self_mute_allowed", "false"),
    ("self_mute_duration", "2h"),
    ("shield_duration", "14d"),
    ("statistics_retention_months", "12"),
    ("timezone", "America/Montreal"),
];

async fn every_setting_is_set_shown_reset_and_survives_a_restart(db: TestDb) {
    let mut app = spawn_app_on(world(), db.url()).await;

    let answers = [
        admin_says(
            &app,
            "language",
            json!([option("language", 3, json!("en-US"))]),
        )
        .await,
        admin_says(
            &app,
            "timezone",
            json!([option("timezone", 3, json!("America/Montreal"))]),
        )
        .await,
        admin_says(
            &app,
            "queue-channel",
            json!([option("channel", 7, json!(ids::QUEUE_CHANNEL.to_string()))]),
        )
        .await,
        admin_says(
            &app,
            "moderator-role",
            json!([option("role", 8, json!(ids::MODERATOR_ROLE.to_string()))]),
        )
        .await,
        admin_says(
            &app,
            "self-mute",
            json!([
                option("allowed", 5, json!(false)),
                option("duration", 3, json!("2h"))
            ]),
        )
        .await,
        admin_says(
            &app,
            "auto-mute",
            json!([
                option("threshold", 4, json!(5)),
                option("window", 3, json!("2h"))
            ]),
        )
        .await,
        admin_says(
            &app,
            "shield-duration",
            json!([option("duration", 3, json!("14d"))]),
        )
        .await,
        admin_says(
            &app,
            "reporter-sealed",
            json!([option("sealed", 5, json!(false))]),
        )
        .await,
        admin_says(
            &app,
            "notify-reporter",
            json!([option("notify", 5, json!(false))]),
        )
        .await,
        admin_says(
            &app,
            "retention",
            json!([
                option("evidence-days", 4, json!(30)),
                option("statistics-months", 4, json!(12))
            ]),
        )
        .await,
        admin_says(
            &app,
            "helpline-country",
            json!([option("country", 3, json!("FR"))]),
        )
        .await,
    ];
    let expected_answers = [
        "**Language** is now English (en-US).",
        "**Timezone** is now America/Montreal (it is ",
        "**Queue channel** is now <#1573641254766510124>.",
        "**Moderator role** is now <@&1573641254766510084>.",
        "**Self-mute allowed** is now no.\n**Self-mute duration** is now 2 hours.",
        "**Auto-mute threshold** is now 5.\n**Auto-mute window** is now 2 hours.",
        "**Shield duration** is now 14 days.",
        "**Reporter sealed** is now no.",
        "**Notify reporter on close** is now no.",
        "**Evidence retention (days)** is now 30.\n**Statistics retention (months)** is now 12.",
        "**Helpline country** is now FR · 3018 (Association e-Enfance).",
    ];
    for (answer, expected) in answers.iter().zip(expected_answers) {
        assert!(answer.starts_with(expected), "{answer:?} vs {expected:?}");
    }
    assert_eq!(stored(&app).await, pairs(&EXPECTED));
    let audit = db
        .audit_of_guild(ids::GUILD.cast_signed(), AuditAction::SettingSet.as_str())
        .await;
    assert_eq!(audit.len(), 14, "one audit entry per change: {audit:#?}");
    assert!(
        audit
            .iter()
            .all(|entry| entry.actor_user_id == ids::ADMIN.cast_signed())
    );
    assert!(
        audit
            .iter()
            .any(|entry| entry.detail.as_deref() == Some("timezone=America/Montreal"))
    );

    let shown = shown_settings(&app).await;
    let by_admin = format!("(set on this server by <@{}> on ", ids::ADMIN);
    for line in [
        "**Language**: English (en-US) ",
        "**Timezone**: America/Montreal ",
        "**Queue channel**: <#1573641254766510124> ",
        "**Moderator role**: <@&1573641254766510084> ",
        "**Self-mute allowed**: no ",
        "**Self-mute duration**: 2 hours ",
        "**Auto-mute threshold**: 5 ",
        "**Auto-mute window**: 2 hours ",
        "**Shield duration**: 14 days ",
        "**Reporter sealed**: no ",
        "**Notify reporter on close**: no ",
        "**Evidence retention (days)**: 30 ",
        "**Statistics retention (months)**: 12 ",
        "**Helpline country**: FR · 3018 (Association e-Enfance) ",
    ] {
        let found = shown
            .lines()
            .find(|shown_line| shown_line.starts_with(line))
            .unwrap_or_else(|| panic!("{line:?} in {shown}"));
        assert!(found.contains(&by_admin), "{found}");
    }

    app.restart().await;
    assert_eq!(
        stored(&app).await,
        pairs(&EXPECTED),
        "kept across a restart"
    );
    let shown_after_restart = shown_settings(&app).await;
    assert_eq!(shown_after_restart, shown, "shown the same after a restart");

    // Poise sends a choice as its index, in declaration order.
    for (index, choice) in [
        "setting-language",
        "setting-timezone",
        "setting-queue-channel",
        "setting-moderator-role",
        "setting-self-mute-allowed",
        "setting-self-mute-duration",
        "setting-auto-mute-threshold",
        "setting-auto-mute-window",
        "setting-shield-duration",
        "setting-reporter-sealed",
        "setting-notify-reporter-on-close",
        "setting-evidence-retention-days",
        "setting-statistics-retention-months",
        "setting-helpline-country",
    ]
    .into_iter()
    .enumerate()
    {
        let said = admin_says(&app, "reset", json!([option("setting", 4, json!(index))])).await;
        assert!(
            said.contains("is back to the bot default") || said.contains("is no longer set"),
            "{choice}: {said}"
        );
    }
    assert!(stored(&app).await.is_empty(), "every setting reset");
    let resets = db
        .audit_of_guild(ids::GUILD.cast_signed(), AuditAction::SettingReset.as_str())
        .await;
    assert_eq!(resets.len(), 14);

    // Back to bot.toml (language fr): the admin's English client still gets English.
    let shown = shown_settings(&app).await;
    assert!(
        shown.contains("**Language**: Français (fr) (bot default)"),
        "{shown}"
    );
    assert!(
        shown.contains("**Timezone**: Europe/Paris (bot default)"),
        "{shown}"
    );
    assert!(
        shown.contains("**Queue channel**: not set (no default: set it for this server)"),
        "{shown}"
    );
    assert!(
        shown.contains("**Self-mute duration**: 1 day (bot default)"),
        "{shown}"
    );
    assert!(
        shown.contains("**Evidence retention (days)**: 90 (bot default)"),
        "{shown}"
    );

    // Resetting what is already the default changes nothing and says so.
    let said = admin_says(&app, "reset", json!([option("setting", 4, json!(1))])).await;
    assert_eq!(
        said,
        "**Timezone** already used the bot default: Europe/Paris."
    );
    assert_eq!(
        db.audit_of_guild(ids::GUILD.cast_signed(), AuditAction::SettingReset.as_str())
            .await
            .len(),
        14
    );

    app.shutdown().await.expect("a clean shutdown");
    app.assert_discord_traffic_valid();
}

both_backends!(every_setting_is_set_shown_reset_and_survives_a_restart);

#[tokio::test]
async fn bad_values_are_refused_with_their_range_and_nothing_is_stored() {
    let mut app = spawn_app_with(world(), |_| {}).await;

    let refusals = [
        (
            "timezone",
            json!([option("timezone", 3, json!("Europe/Pariss"))]),
            "**Timezone**: “Europe/Pariss” is not a known timezone. Use an IANA name such as Europe/Paris (the list appears as you type). Nothing was changed.",
        ),
        (
            // The valid half of the command is not stored either.
            "self-mute",
            json!([
                option("allowed", 5, json!(false)),
                option("duration", 3, json!("29d"))
            ]),
            "**Self-mute duration** must be from 1 minute to 28 days. Nothing was changed.",
        ),
        (
            "auto-mute",
            json!([
                option("threshold", 4, json!(0)),
                option("window", 3, json!("1h"))
            ]),
            "**Auto-mute threshold** must be a whole number from 2 to 50. Nothing was changed.",
        ),
        (
            "auto-mute",
            json!([
                option("threshold", 4, json!(3)),
                option("window", 3, json!("soon"))
            ]),
            "**Auto-mute window**: that is not a duration. Write it like 30m, 12h or 7d. Nothing was changed.",
        ),
        (
            "retention",
            json!([option("evidence-days", 4, json!(4000))]),
            "**Evidence retention (days)** must be a whole number from 1 to 3,650. Nothing was changed.",
        ),
        (
            "queue-channel",
            json!([option("channel", 7, json!(VOICE_CHANNEL.to_string()))]),
            "<#1573641254766510201> is not a text channel. Cases are posted in a text channel. Nothing was changed.",
        ),
        (
            "queue-channel",
            json!([option("channel", 7, json!(STAFF_CHANNEL.to_string()))]),
            "I cannot post cases in <#1573641254766510202>: I am missing Embed Links, Attach Files there. Give me these permissions in that channel, then try again. Nothing was changed.",
        ),
        (
            "language",
            json!([option("language", 3, json!("ja"))]),
            "**Language**: “ja” is not an available language. Available: English (en-US), Français (fr). Nothing was changed.",
        ),
        (
            "helpline-country",
            json!([option("country", 3, json!("zz"))]),
            "**Helpline country**: no helpline data for “zz”. Available: be, ca, ch, eu, fr, gb. Nothing was changed.",
        ),
        (
            "moderator-role",
            json!([option("role", 8, json!(ids::EVERYONE_ROLE.to_string()))]),
            "@everyone cannot be the moderator role: every member would see the cases. Nothing was changed.",
        ),
        ("retention", json!([]), "Give at least one value to change."),
    ];
    for (subcommand, options, expected) in refusals {
        let said = admin_says(&app, subcommand, options).await;
        assert_eq!(said, expected, "/config {subcommand}");
    }
    // The same refusal in the admin's French.
    let sent = config(
        &app,
        ids::ADMIN,
        "fr",
        "auto-mute",
        json!([
            option("threshold", 4, json!(0)),
            option("window", 3, json!("1h"))
        ]),
    )
    .await;
    assert_eq!(
        text_of(&answer(&app, &sent).await),
        "**Seuil de sourdine automatique** doit être un nombre entier de 2 à 50. Rien n'a été modifié."
    );
    let sent = config(
        &app,
        ids::ADMIN,
        "fr",
        "self-mute",
        json!([
            option("allowed", 5, json!(true)),
            option("duration", 3, json!("29d"))
        ]),
    )
    .await;
    assert_eq!(
        text_of(&answer(&app, &sent).await),
        "**Durée de la sourdine** doit être comprise entre 1 min et 28 jours. Rien n'a été modifié."
    );

    assert!(stored(&app).await.is_empty(), "nothing stored");
    assert!(
        app.db()
            .audit_of_guild(ids::GUILD.cast_signed(), AuditAction::SettingSet.as_str())
            .await
            .is_empty(),
        "nothing audited"
    );
    app.shutdown().await.expect("a clean shutdown");
    app.assert_discord_traffic_valid();
}

#[tokio::test]
async fn members_without_manage_server_are_refused_whatever_discord_lets_through() {
    let mut app = spawn_app_with(world(), |_| {}).await;
    for (user, locale, expected) in [
        (
            ids::MODERATOR,
            "en-US",
            "Only members with the Manage Server permission can change Safe Button's settings.",
        ),
        (
            ids::ALICE,
            "fr",
            "Seuls les membres ayant la permission Gérer le serveur peuvent modifier les réglages de Safe Button.",
        ),
    ] {
        for (subcommand, options) in [
            ("show", json!([])),
            ("language", json!([option("language", 3, json!("en-US"))])),
            ("reset", json!([option("setting", 4, json!(0))])),
        ] {
            let sent = config(&app, user, locale, subcommand, options).await;
            assert_eq!(text_of(&answer(&app, &sent).await), expected);
        }
    }
    assert!(stored(&app).await.is_empty());
    // The owner is an admin without any role.
    let sent = config(
        &app,
        ids::OWNER,
        "en-US",
        "language",
        json!([option("language", 3, json!("en-US"))]),
    )
    .await;
    assert_eq!(
        text_of(&answer(&app, &sent).await),
        "**Language** is now English (en-US)."
    );
    app.shutdown().await.expect("a clean shutdown");
    app.assert_discord_traffic_valid();
}

/// `/report` by Alice against Bilal, from a client in `locale`; the final answer's text.
async fn report_answer(app: &TestApp, locale: &str) -> String {
    let options = json!([
        { "name": "user", "type": 6, "value": ids::BILAL.to_string() },
        { "name": "reason", "type": 4, "value": 0 }
    ]);
    let sent = app.slash(ids::ALICE, locale, "report", options).await;
    let edited = app.wait_for(Method::PATCH, &sent.original_path()).await;
    edited.body.expect("a body")["content"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

#[tokio::test]
async fn members_are_answered_in_their_language_else_the_server_language() {
    let mut app = spawn_app_with(world(), |_| {}).await;
    let french = "Ton signalement est enregistré.";
    let english = "Your report is recorded.";
    assert!(report_answer(&app, "fr").await.starts_with(french));
    assert!(report_answer(&app, "en-US").await.starts_with(english));
    assert!(report_answer(&app, "en-GB").await.starts_with(english));
    // Japanese is not shipped: the server language, the bot default (fr) until changed.
    assert!(report_answer(&app, "ja").await.starts_with(french));

    let said = admin_says(
        &app,
        "language",
        json!([option("language", 3, json!("en-US"))]),
    )
    .await;
    assert!(said.starts_with("**Language** is now English (en-US)."));
    assert!(report_answer(&app, "ja").await.starts_with(english));
    assert!(report_answer(&app, "fr").await.starts_with(french));

    // Errors of every command follow the same rule: a Japanese member of an English server
    // is refused in English.
    let sent = config(&app, ids::ALICE, "ja", "show", json!([])).await;
    assert!(text_of(&answer(&app, &sent).await).starts_with("Only members with the Manage Server"));
    app.shutdown().await.expect("a clean shutdown");
    app.assert_discord_traffic_valid();
}

/// Follow-up messages (the checklist) sent for an interaction.
fn followups(app: &TestApp, sent: &SentInteraction) -> Vec<String> {
    app.fake
        .requests_matching(Method::POST, &sent.webhook_path())
        .into_iter()
        .map(|request| {
            let body = request.body.expect("a followup body");
            assert_eq!(body["flags"], 64, "the checklist is ephemeral: {body}");
            body["content"].as_str().unwrap_or_default().to_owned()
        })
        .collect()
}

#[tokio::test]
async fn the_first_admin_sees_the_setup_checklist_once() {
    let mut app = spawn_app_with(world(), |_| {}).await;

    // Reports work before any setup; members never see the checklist.
    assert!(
        report_answer(&app, "fr")
            .await
            .starts_with("Ton signalement est enregistré.")
    );
    let sent = config(&app, ids::MODERATOR, "fr", "show", json!([])).await;
    answer(&app, &sent).await;

    // The first admin command: its answer, then the checklist in the admin's language.
    let sent = config(
        &app,
        ids::ADMIN,
        "fr",
        "timezone",
        json!([option("timezone", 3, json!("Europe/Brussels"))]),
    )
    .await;
    answer(&app, &sent).await;
    let checklist = app.wait_for(Method::POST, &sent.webhook_path()).await;
    let checklist = checklist.body.expect("a body")["content"]
        .as_str()
        .unwrap()
        .to_owned();
    for line in [
        "**Mise en route de Safe Button**",
        "⬜ **Salon de modération** : non réglé. Règle-le avec `/config salon-moderation`.",
        "⬜ **Rôle de modération** : non réglé. Règle-le avec `/config role-moderation`.",
        "✅ **Langue** : Français (fr)",
        "✅ **Fuseau horaire** : Europe/Brussels",
        "✅ **Pays des lignes d'écoute** : FR · 3018 (Association e-Enfance)",
        "Tant qu'aucun salon de modération n'est réglé",
        "Vois tous les réglages avec `/config afficher`.",
    ] {
        assert!(checklist.contains(line), "{line:?} in {checklist}");
    }
    assert_eq!(followups(&app, &sent).len(), 1);

    // Another admin, later, and after a restart: no second checklist.
    let sent = config(&app, ids::OWNER, "en-US", "show", json!([])).await;
    answer(&app, &sent).await;
    app.restart().await;
    let after_restart = config(&app, ids::ADMIN, "en-US", "show", json!([])).await;
    answer(&app, &after_restart).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(followups(&app, &sent).is_empty());
    assert!(followups(&app, &after_restart).is_empty());

    app.shutdown().await.expect("a clean shutdown");
    app.assert_discord_traffic_valid();
}

#[tokio::test]
async fn timezones_and_countries_are_suggested_while_typing() {
    let app = spawn_app_with(world(), |_| {}).await;
    let suggest = |subcommand: &'static str, option: &'static str, typed: &'static str| {
        let app = &app;
        async move {
            let data = json!([{
                "type": 1, "name": subcommand,
                "options": [{ "type": 3, "name": option, "value": typed, "focused": true }]
            }]);
            let sent = app
                .fake
                .send_interaction(
                    InteractionBuilder::autocomplete("config", data)
                        .in_guild(
                            &app.fake.guild(ids::GUILD),
                            ids::GENERAL_CHANNEL,
                            ids::ADMIN,
                        )
                        .locale("fr"),
                )
                .await;
            let callback = app.wait_for(Method::POST, &sent.callback_path()).await;
            let body = callback.body.expect("a callback body");
            assert_eq!(body["type"], 8, "an autocomplete result: {body}");
            body["data"]["choices"]
                .as_array()
                .cloned()
                .unwrap_or_default()
        }
    };
    let zones = suggest("timezone", "timezone", "nouméa").await;
    assert!(
        zones
            .iter()
            .any(|choice| choice["value"] == "Pacific/Noumea"),
        "{zones:?}"
    );
    let paris = suggest("timezone", "timezone", "Paris").await;
    assert!(paris.len() <= 25);
    assert_eq!(paris[0]["value"], "Europe/Paris", "{paris:?}");
    let countries = suggest("helpline-country", "country", "f").await;
    assert!(
        countries.iter().any(|choice| choice["value"] == "fr"),
        "{countries:?}"
    );
    app.assert_discord_traffic_valid();
}

/// Discord drops an interaction not answered within 3 seconds: under a busy database, the
/// commands that write defer well before that, then edit in their answer once it frees.
#[tokio::test]
async fn writes_waiting_for_a_busy_database_defer_within_discords_deadline() {
    let app = spawn_app_with(FakeDiscordConfig::default(), |_| {}).await;
    let lock = WriteLock::take(&app.config.database.url).await;
    let setter = config(
        &app,
        ids::ADMIN,
        "en-US",
        "shield-duration",
        json!([option("duration", 3, json!("2h"))]),
    )
    .await;
    let sent_at = tokio::time::Instant::now();
    let erasure = crate::support::reports::delete_my_data(&app, ids::ALICE).await;
    for sent in [&setter, &erasure] {
        let deadline = Duration::from_secs(3).saturating_sub(sent_at.elapsed());
        let callback = app
            .fake
            .wait_for_request(Method::POST, &sent.callback_path(), deadline)
            .await;
        let body = callback.body.expect("a callback body");
        assert_eq!(body["type"], 5, "deferred: {body}");
        assert_eq!(body["data"]["flags"], 64, "ephemeral: {body}");
    }
    assert!(
        app.fake
            .requests_matching(Method::PATCH, &setter.original_path())
            .is_empty(),
        "nothing is said before the setting is stored"
    );

    lock.release().await;
    let saved = app.wait_for(Method::PATCH, &setter.original_path()).await;
    assert_eq!(
        text_of(saved.body.as_ref().unwrap()),
        "**Shield duration** is now 2 hours."
    );
    assert_eq!(stored(&app).await, pairs(&[("shield_duration", "2h")]));
    let erased = app.wait_for(Method::PATCH, &erasure.original_path()).await;
    assert!(
        text_of(erased.body.as_ref().unwrap()).contains("there was nothing to erase"),
        "{:?}",
        erased.body
    );
    app.assert_discord_traffic_valid();
}
