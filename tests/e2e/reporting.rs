//! Reporting and the 3018 help card (SPEC §2–3), end to end against the fake Discord.

use std::time::Duration;

use safe_button::domain::case::{HelpCardDelivery, ReportSource};
use safe_button::domain::reason::Reason;
use safe_button::store::CaseRecord;
use serde_json::{Value, json};

use crate::support::app::{TestApp, WAIT, spawn_app};
use crate::support::db::WriteLock;
use crate::support::fake_discord::{
    FakeUser, InteractionBuilder, MessageBuilder, Method, RecordedRequest, Scripted,
    SentInteraction, ids,
};
use crate::support::reports::reference_in;

/// `/report` by `reporter` against `reported`, with extra options.
async fn slash_report(
    app: &TestApp,
    reporter: u64,
    reported: u64,
    locale: &str,
    extra: &[Value],
) -> SentInteraction {
    let mut options = vec![
        json!({ "name": "user", "type": 6, "value": reported.to_string() }),
        json!({ "name": "reason", "type": 4, "value": 0 }),
    ];
    options.extend_from_slice(extra);
    app.slash(reporter, locale, "report", Value::Array(options))
        .await
}

/// `/report` (see [`slash_report`]), once answered: the answer's text.
async fn report_answered(
    app: &TestApp,
    reporter: u64,
    reported: u64,
    locale: &str,
    extra: &[Value],
) -> String {
    let sent = slash_report(app, reporter, reported, locale, extra).await;
    answer_text(app, &sent).await
}

/// The deferred callback: ephemeral "thinking".
async fn assert_deferred_ephemerally(app: &TestApp, sent: &SentInteraction) {
    let callback = app.wait_for(Method::POST, &sent.callback_path()).await;
    let body = callback.body.expect("callback body");
    assert_eq!(body["type"], 5, "deferred: {body}");
    assert_eq!(body["data"]["flags"], 64, "ephemeral: {body}");
}

/// A member answers a report menu's prompt: picks `reason` in its select, then sends
/// `details` in the form that opens. Returns the form's submission and the form's id.
async fn pick_reason_and_submit(
    app: &TestApp,
    menu: &SentInteraction,
    member: u64,
    locale: &str,
    reason: &str,
    details: &str,
) -> (SentInteraction, String) {
    let modal_id = pick_reason(app, menu, member, locale, reason).await;
    let submitted = submit_details(app, &modal_id, member, locale, details).await;
    assert_deferred_ephemerally(app, &submitted).await;
    (submitted, modal_id)
}

/// A member picks `reason` in a report menu's prompt; returns the id of the form that opens.
async fn pick_reason(
    app: &TestApp,
    menu: &SentInteraction,
    member: u64,
    locale: &str,
    reason: &str,
) -> String {
    let guild = app.fake.guild(ids::GUILD);
    assert_deferred_ephemerally(app, menu).await;
    let prompt = final_answer(app, menu).await;
    let select = &prompt.body.as_ref().unwrap()["components"][0]["components"][0];
    assert_eq!(select["type"], 3, "a string select");
    assert_eq!(select["options"].as_array().unwrap().len(), 8);
    let select_id = select["custom_id"].as_str().unwrap();
    let prompt_message = app
        .fake
        .original_response(menu)
        .expect("the prompt message");
    let picked = app
        .fake
        .send_interaction(
            InteractionBuilder::select(select_id, &[reason], prompt_message)
                .in_guild(&guild, ids::GENERAL_CHANNEL, member)
                .locale(locale),
        )
        .await;
    let modal = app.wait_for(Method::POST, &picked.callback_path()).await;
    let modal = modal.body.unwrap();
    assert_eq!(modal["type"], 9, "a modal");
    modal["data"]["custom_id"].as_str().unwrap().to_owned()
}

/// `member` sends the details form `modal_id` (whoever it was issued to).
async fn submit_details(
    app: &TestApp,
    modal_id: &str,
    member: u64,
    locale: &str,
    details: &str,
) -> SentInteraction {
    let guild = app.fake.guild(ids::GUILD);
    app.fake
        .send_interaction(
            InteractionBuilder::modal_submit(modal_id, &[("details", details)])
                .in_guild(&guild, ids::GENERAL_CHANNEL, member)
                .locale(locale),
        )
        .await
}

/// The final answer, edited into the deferred response.
async fn final_answer(app: &TestApp, sent: &SentInteraction) -> RecordedRequest {
    crate::support::reports::settled_answer(app, sent).await
}

/// The final answer's text.
async fn answer_text(app: &TestApp, sent: &SentInteraction) -> String {
    content(&final_answer(app, sent).await)
}

/// The case an acknowledgement names, as stored.
async fn case_in(app: &TestApp, text: &str) -> CaseRecord {
    app.store
        .case_by_reference(ids::GUILD.cast_signed(), &reference_in(text))
        .await
        .unwrap()
        .expect("the acknowledged case is stored")
}

fn content(request: &RecordedRequest) -> String {
    request.body.as_ref().expect("a JSON body")["content"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

/// The help card DM sent to `user`: its multipart request.
async fn help_card_dm(app: &TestApp, user: u64) -> RecordedRequest {
    let opened = app.wait_for(Method::POST, "/users/@me/channels").await;
    assert_eq!(
        opened.body.as_ref().unwrap()["recipient_id"],
        user.to_string(),
        "the DM goes to the victim"
    );
    let channel = app.fake.dm_channel_of(user).expect("a DM channel");
    app.wait_for(Method::POST, &format!("/channels/{channel}/messages"))
        .await
}

/// The help card's parts: embed title, link button URLs and a vCard that a real parser reads.
fn assert_help_card(request: &RecordedRequest, title: &str) {
    let body = request.body.as_ref().expect("payload_json");
    assert_eq!(body["embeds"][0]["title"], title);
    let urls: Vec<&str> = body["components"][0]["components"]
        .as_array()
        .expect("a row of buttons")
        .iter()
        .map(|button| {
            assert_eq!(button["style"], 5, "link buttons");
            button["url"].as_str().unwrap()
        })
        .collect();
    assert_eq!(
        urls,
        [
            "https://3018.fr",
            "https://3114.fr",
            "https://www.allo119.gouv.fr"
        ]
    );
    let file = request
        .files
        .iter()
        .find(|file| file.filename.as_deref() == Some("3018.vcf"))
        .expect("the 3018.vcf attachment");
    assert_vcard_3018(&file.bytes);
}

fn assert_vcard_3018(bytes: &[u8]) {
    let text = std::str::from_utf8(bytes).expect("UTF-8 vCard");
    assert!(
        text.contains("\r\n") && !text.replace("\r\n", "").contains('\n'),
        "CRLF only"
    );
    let mut cards = ical::VcardParser::new(std::io::BufReader::new(bytes));
    let card = cards.next().expect("one vCard").expect("a valid vCard");
    let value = |name: &str| {
        card.properties
            .iter()
            .find(|property| property.name == name)
            .and_then(|property| property.value.clone())
            .unwrap_or_else(|| panic!("{name} present"))
    };
    assert_eq!(value("VERSION"), "3.0");
    assert_eq!(value("TEL"), "3018");
    assert_eq!(value("URL"), "https://3018.fr");
    assert!(value("FN").contains("3018"));
    assert!(!value("N").is_empty());
}

/// Rows in a table of the bot's `SQLite` database, read directly.
async fn count_rows(app: &TestApp, table: &str) -> i64 {
    app.db()
        .integer_raw(&format!("SELECT COUNT(*) FROM {table}"))
        .await
}

#[tokio::test]
async fn a_slash_report_is_stored_acknowledged_and_the_help_card_sent_by_dm() {
    let app = spawn_app().await;
    let sent = slash_report(
        &app,
        ids::ALICE,
        ids::BILAL,
        "fr",
        &[json!({ "name": "details", "type": 3, "value": "Il m'insulte en MP depuis lundi" })],
    )
    .await;
    assert_deferred_ephemerally(&app, &sent).await;

    let dm = help_card_dm(&app, ids::ALICE).await;
    assert_help_card(&dm, "3018 : aide contre le cyberharcèlement");
    assert!(content(&dm).contains("Tu as signalé du harcèlement sur Refuge"));

    let answer = final_answer(&app, &sent).await;
    let text = content(&answer);
    assert!(text.contains("Ton signalement est enregistré"), "{text}");
    assert!(text.contains("en message privé"), "{text}");
    assert!(
        answer.body.as_ref().unwrap()["embeds"]
            .as_array()
            .is_none_or(Vec::is_empty)
    );

    let case = case_in(&app, &text).await;
    assert_eq!(case.reported_user_id, ids::BILAL.cast_signed());
    assert_eq!(case.victim_user_id, ids::ALICE.cast_signed());
    assert_eq!(case.reason, Reason::Harassment);
    let reports = app.store.reports_of_case(case.id).await.unwrap();
    assert_eq!(reports.len(), 1);
    assert_eq!(reports[0].reporter_user_id, Some(ids::ALICE.cast_signed()));
    assert_eq!(
        reports[0].details.as_deref(),
        Some("Il m'insulte en MP depuis lundi")
    );
    assert_eq!(reports[0].source, ReportSource::Slash);
    assert_eq!(reports[0].help_card, HelpCardDelivery::DmSent);
    // Nothing was posted where others can see it.
    assert_nothing_posted_publicly(&app);
    app.assert_discord_traffic_valid();
}

/// No message was created in a server channel (interaction answers are ephemeral).
fn assert_nothing_posted_publicly(app: &TestApp) {
    for channel in [ids::GENERAL_CHANNEL, ids::QUEUE_CHANNEL, ids::RULES_CHANNEL] {
        let posts = app
            .fake
            .requests_matching(Method::POST, &format!("/channels/{channel}/messages"));
        assert!(posts.is_empty(), "posted in {channel}: {posts:?}");
    }
}

#[tokio::test]
async fn closed_dms_put_the_card_in_the_ephemeral_answer() {
    let app = spawn_app().await;
    app.fake.script(
        Method::POST,
        "/channels/*/messages",
        Scripted::cannot_send_to_user(),
        1,
    );
    let sent = slash_report(&app, ids::ALICE, ids::BILAL, "en-US", &[]).await;
    assert_deferred_ephemerally(&app, &sent).await;
    let answer = final_answer(&app, &sent).await;
    let text = content(&answer);
    assert!(
        text.contains("could not send you a private message"),
        "{text}"
    );
    assert_help_card(&answer, "3018: help against online harassment");

    let case = case_in(&app, &text).await;
    let reports = app.store.reports_of_case(case.id).await.unwrap();
    assert_eq!(reports[0].help_card, HelpCardDelivery::DmFailed);
    assert_nothing_posted_publicly(&app);
    app.assert_discord_traffic_valid();
}

#[tokio::test]
async fn replies_follow_the_client_language_then_the_server_language() {
    let app = spawn_app().await;
    for (locale, expected) in [
        ("en-US", "Your report is recorded"),
        ("en-GB", "Your report is recorded"),
        ("fr", "Ton signalement est enregistré"),
        // Not shipped: the server's language (the bot.toml default, fr).
        ("ja", "Ton signalement est enregistré"),
    ] {
        let text = report_answered(&app, ids::CHLOE, ids::DIMITRI, locale, &[]).await;
        assert!(text.contains(expected), "{locale}: {text}");
    }
    // Once the server's language is English, an unshipped client language gets English.
    app.set_settings(&[("language", "en-US")]).await;
    let text = report_answered(&app, ids::CHLOE, ids::DIMITRI, "ja", &[]).await;
    assert!(
        text.contains("Your report is recorded"),
        "ja after /config language: {text}"
    );
    app.assert_discord_traffic_valid();
}

#[tokio::test]
async fn a_witness_report_helps_the_victim_without_naming_the_reporter() {
    let app = spawn_app().await;
    let sent = slash_report(
        &app,
        ids::EMMA,
        ids::BILAL,
        "fr",
        &[json!({ "name": "victim", "type": 6, "value": ids::CHLOE.to_string() })],
    )
    .await;
    let dm = help_card_dm(&app, ids::CHLOE).await;
    let intro = content(&dm);
    assert!(intro.contains("Quelqu'un sur Refuge a signalé"), "{intro}");
    let whole_dm = serde_json::to_string(dm.body.as_ref().unwrap()).unwrap();
    assert!(!whole_dm.contains(&ids::EMMA.to_string()));
    let lowercase = whole_dm.to_lowercase();
    assert!(
        !lowercase.contains("emma") && !lowercase.contains("leroy"),
        "{whole_dm}"
    );
    assert!(
        app.fake.dm_channel_of(ids::EMMA).is_none(),
        "the witness gets no DM"
    );

    let text = answer_text(&app, &sent).await;
    assert!(text.contains("à la personne que tu protèges"), "{text}");
    let case = case_in(&app, &text).await;
    assert_eq!(case.victim_user_id, ids::CHLOE.cast_signed());
    let reports = app.store.reports_of_case(case.id).await.unwrap();
    assert!(reports[0].is_witness);
    assert_eq!(reports[0].reporter_user_id, Some(ids::EMMA.cast_signed()));
    app.assert_discord_traffic_valid();
}

/// Every way a witness report's DM to the victim can fail: refused sends (DMs closed, no
/// mutual server, another 403), Discord failing, or the DM channel not opening.
#[tokio::test]
async fn when_the_victim_cannot_be_reached_the_witness_gets_the_card_to_pass_on() {
    let failures = [
        ("/channels/*/messages", Scripted::cannot_send_to_user()),
        ("/channels/*/messages", Scripted::no_mutual_guilds()),
        ("/channels/*/messages", Scripted::missing_permissions()),
        ("/channels/*/messages", Scripted::ServerError),
        (
            "/users/@me/channels",
            Scripted::error(400, 50033, "Invalid Recipient(s)"),
        ),
        ("/users/@me/channels", Scripted::ServerError),
    ];
    for (route, failure) in failures {
        let app = spawn_app().await;
        app.fake.script(Method::POST, route, failure.clone(), 10);
        let sent = slash_report(
            &app,
            ids::EMMA,
            ids::BILAL,
            "en-US",
            &[json!({ "name": "victim", "type": 6, "value": ids::CHLOE.to_string() })],
        )
        .await;
        assert_deferred_ephemerally(&app, &sent).await;
        let answer = final_answer(&app, &sent).await;
        let text = content(&answer);
        let context = format!("{route} {failure:?}: {text}");
        assert!(text.contains("Your report is recorded"), "{context}");
        assert!(text.contains("could not be reached privately"), "{context}");
        assert!(
            text.contains("Here is the card to pass on to them"),
            "{context}"
        );
        assert!(
            !text.contains("closed"),
            "nothing about their DMs: {context}"
        );
        assert_help_card(&answer, "3018: help against online harassment");
        assert_victim_named_to_nobody(&app);
        assert_nothing_posted_publicly(&app);
        app.assert_discord_traffic_valid();
    }
}

/// Chloé, the person protected in a witness report, appears in no request but the opening
/// of her own DM channel and what is sent in it.
fn assert_victim_named_to_nobody(app: &TestApp) {
    let own_dm = app
        .fake
        .dm_channel_of(ids::CHLOE)
        .map(|channel| format!("/channels/{channel}/messages"));
    for request in app.fake.requests() {
        if request.path == "/users/@me/channels" || Some(&request.path) == own_dm.as_ref() {
            continue;
        }
        let body = serde_json::to_string(&request.body).unwrap().to_lowercase();
        assert!(
            !body.contains(&ids::CHLOE.to_string()) && !body.contains("chloe"),
            "{} {}: {body}",
            request.method,
            request.path
        );
    }
}

#[tokio::test]
async fn the_message_menu_snapshots_the_message_then_asks_reason_and_details() {
    let app = spawn_app().await;
    let guild = app.fake.guild(ids::GUILD);
    let message = MessageBuilder::in_guild(
        &guild,
        ids::GENERAL_CHANNEL,
        ids::BILAL,
        "t'es vraiment nul, personne ne veut de toi ici",
    )
    .field(
        "attachments",
        json!([{
            "id": "1573641254766510999",
            "filename": "capture.png",
            "size": 1024,
            "url": "https://cdn.discordapp.com/attachments/1/2/capture.png",
            "proxy_url": "https://media.discordapp.net/attachments/1/2/capture.png"
        }]),
    )
    .build();
    let message_id: i64 = message["id"].as_str().unwrap().parse().unwrap();

    let menu = app
        .fake
        .send_interaction(
            InteractionBuilder::message_command("Report message", message.clone())
                .in_guild(&guild, ids::GENERAL_CHANNEL, ids::ALICE)
                .locale("fr"),
        )
        .await;
    let (submitted, modal_id) = pick_reason_and_submit(
        &app,
        &menu,
        ids::ALICE,
        "fr",
        "insults-hate",
        "Ça dure depuis une semaine",
    )
    .await;
    help_card_dm(&app, ids::ALICE).await;
    let text = answer_text(&app, &submitted).await;
    let case = case_in(&app, &text).await;
    assert_eq!(case.reason, Reason::InsultsOrHate);
    assert_eq!(case.reported_user_id, ids::BILAL.cast_signed());
    let reports = app.store.reports_of_case(case.id).await.unwrap();
    assert_eq!(reports[0].source, ReportSource::MessageMenu);
    assert_eq!(
        reports[0].details.as_deref(),
        Some("Ça dure depuis une semaine")
    );
    let evidence = app.store.evidence_of_case(case.id).await.unwrap();
    assert_eq!(evidence.len(), 1);
    assert_eq!(evidence[0].message_id, message_id);
    assert_eq!(evidence[0].author_id, ids::BILAL.cast_signed());
    assert_eq!(evidence[0].channel_id, ids::GENERAL_CHANNEL.cast_signed());
    assert_eq!(
        evidence[0].content.as_deref(),
        Some("t'es vraiment nul, personne ne veut de toi ici")
    );
    assert_eq!(
        evidence[0].attachment_urls,
        ["https://cdn.discordapp.com/attachments/1/2/capture.png"]
    );

    // The same form cannot be sent twice.
    let again = app
        .fake
        .send_interaction(
            InteractionBuilder::modal_submit(&modal_id, &[("details", "encore")])
                .in_guild(&guild, ids::GENERAL_CHANNEL, ids::ALICE)
                .locale("fr"),
        )
        .await;
    let text = answer_text(&app, &again).await;
    assert!(text.contains("a expiré ou a déjà été envoyé"), "{text}");
    app.assert_discord_traffic_valid();
}

#[tokio::test]
async fn a_form_forged_by_another_member_leaves_the_reporters_own_form_intact() {
    let app = spawn_app().await;
    let guild = app.fake.guild(ids::GUILD);
    let target = guild.expect_member(ids::DIMITRI).user.clone();
    let menu = app
        .fake
        .send_interaction(
            InteractionBuilder::user_command("Report user", &target)
                .in_guild(&guild, ids::GENERAL_CHANNEL, ids::ALICE)
                .locale("fr"),
        )
        .await;
    let alices_form = pick_reason(&app, &menu, ids::ALICE, "fr", "threats").await;

    // Emma forges a submission carrying the id of the form the bot gave Alice.
    let forged = submit_details(&app, &alices_form, ids::EMMA, "fr", "faux").await;
    assert_deferred_ephemerally(&app, &forged).await;
    let text = answer_text(&app, &forged).await;
    assert!(text.contains("a expiré ou a déjà été envoyé"), "{text}");
    assert_eq!(count_rows(&app, "cases").await, 0, "nothing filed for Emma");

    // Alice's own submission still files her report.
    let submitted = submit_details(&app, &alices_form, ids::ALICE, "fr", "vrai").await;
    let text = answer_text(&app, &submitted).await;
    assert!(text.contains("Ton signalement est enregistré"), "{text}");
    let case = case_in(&app, &text).await;
    assert_eq!(case.reported_user_id, ids::DIMITRI.cast_signed());
    let reports = app.store.reports_of_case(case.id).await.unwrap();
    assert_eq!(reports[0].reporter_user_id, Some(ids::ALICE.cast_signed()));
    assert_eq!(reports[0].details.as_deref(), Some("vrai"));
    app.assert_discord_traffic_valid();
}

#[tokio::test]
async fn the_user_menu_asks_reason_and_details_then_files_the_report() {
    let app = spawn_app().await;
    let guild = app.fake.guild(ids::GUILD);
    let target = guild.expect_member(ids::DIMITRI).user.clone();
    let menu = app
        .fake
        .send_interaction(
            InteractionBuilder::user_command("Report user", &target)
                .in_guild(&guild, ids::GENERAL_CHANNEL, ids::EMMA)
                .locale("en-US"),
        )
        .await;
    let (submitted, _) =
        pick_reason_and_submit(&app, &menu, ids::EMMA, "en-US", "threats", "").await;
    let dm = help_card_dm(&app, ids::EMMA).await;
    assert_help_card(&dm, "3018: help against online harassment");
    let text = answer_text(&app, &submitted).await;
    assert!(text.contains("Your report is recorded"), "{text}");
    let case = case_in(&app, &text).await;
    assert_eq!(case.reason, Reason::Threats);
    let reports = app.store.reports_of_case(case.id).await.unwrap();
    assert_eq!(reports[0].source, ReportSource::UserMenu);
    assert_eq!(reports[0].details, None);
    app.assert_discord_traffic_valid();
}

#[tokio::test]
async fn refused_reports_get_their_own_message_and_store_nothing() {
    let app = spawn_app().await;
    let long_details = "x".repeat(1001);
    let other_server_link = "https://discord.com/channels/1/2/3".to_owned();
    let cases: Vec<(u64, Vec<Value>, &str)> = vec![
        (ids::ALICE, vec![], "te signaler toi-même"),
        (ids::BOT, vec![], "ne peut pas être signalé lui-même"),
        (
            ids::BILAL,
            vec![json!({ "name": "details", "type": 3, "value": long_details })],
            "1000 caractères au plus",
        ),
        (
            ids::BILAL,
            vec![json!({ "name": "message", "type": 3, "value": "pas un lien" })],
            "pas un lien vers un message Discord",
        ),
        (
            ids::BILAL,
            vec![json!({ "name": "message", "type": 3, "value": other_server_link })],
            "pointe vers un autre serveur",
        ),
        (
            ids::BILAL,
            vec![json!({ "name": "victim", "type": 6, "value": ids::BILAL.to_string() })],
            "ne peuvent pas être la même",
        ),
    ];
    for (reported, extra, expected) in cases {
        let text = report_answered(&app, ids::ALICE, reported, "fr", &extra).await;
        assert!(text.contains(expected), "{expected}: {text}");
        assert!(!text.contains("enregistré"), "{text}");
    }

    // Someone who left the server, and another bot's account: Discord resolves the user but
    // no member.
    let guild = app.fake.guild(ids::GUILD);
    let outsider = FakeUser::new(ids::OUTSIDER, "parti.e");
    let other_bot = FakeUser {
        bot: true,
        ..FakeUser::new(ids::OUTSIDER + 1, "autre-bot")
    };
    for (user, expected) in [
        (&outsider, "n'est pas (ou plus) membre"),
        (&other_bot, "Les comptes de bot ne peuvent pas"),
    ] {
        let options = json!([
            { "name": "user", "type": 6, "value": user.id.to_string() },
            { "name": "reason", "type": 4, "value": 2 }
        ]);
        let sent = app
            .fake
            .send_interaction(
                InteractionBuilder::slash_command("report", options)
                    .resolving_user(user)
                    .in_guild(&guild, ids::GENERAL_CHANNEL, ids::ALICE)
                    .locale("fr"),
            )
            .await;
        let text = answer_text(&app, &sent).await;
        assert!(text.contains(expected), "{expected}: {text}");
    }

    // A message whose author has left: Discord answers 10007 Unknown Member.
    let gone = MessageBuilder::new(ids::GENERAL_CHANNEL, &outsider, "message d'avant")
        .field("guild_id", json!(ids::GUILD.to_string()))
        .build();
    let menu = app
        .fake
        .send_interaction(
            InteractionBuilder::message_command("Report message", gone)
                .in_guild(&guild, ids::GENERAL_CHANNEL, ids::ALICE)
                .locale("fr"),
        )
        .await;
    let text = answer_text(&app, &menu).await;
    assert!(text.contains("n'est pas (ou plus) membre"), "{text}");

    for table in [
        "cases",
        "reports",
        "evidence",
        "stats_days",
        "stats_reported_weeks",
        "pending_reports",
    ] {
        assert_eq!(
            count_rows(&app, table).await,
            0,
            "nothing stored in {table}"
        );
    }
    assert!(
        app.fake.dm_channel_of(ids::ALICE).is_none(),
        "no help card DM"
    );
    app.assert_discord_traffic_valid();
}

#[tokio::test]
async fn the_acknowledgement_arrives_even_when_the_database_is_slow() {
    let app = spawn_app().await;
    // Another connection holds SQLite's write lock: the bot's insert waits for it.
    let lock = WriteLock::take(&app.config.database.url).await;

    let sent = slash_report(&app, ids::ALICE, ids::BILAL, "fr", &[]).await;
    // Acknowledged (deferred) while the database is still blocked…
    assert_deferred_ephemerally(&app, &sent).await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert!(
        app.fake
            .requests_matching(Method::PATCH, &sent.original_path())
            .is_empty(),
        "nothing is said before the report is stored"
    );
    // …and completed once the database answers.
    lock.release().await;
    let text = content(
        &app.fake
            .wait_for_request(Method::PATCH, &sent.original_path(), WAIT)
            .await,
    );
    assert!(text.contains("Ton signalement est enregistré"), "{text}");
    case_in(&app, &text).await;
    app.assert_discord_traffic_valid();
}

#[tokio::test]
async fn when_the_report_cannot_be_stored_the_reporter_is_told_and_still_gets_help() {
    let app = spawn_app().await;
    // Break the database under the bot: the report's transaction cannot commit.
    {
        use sqlx::Connection;
        let mut connection = sqlx::SqliteConnection::connect(&app.config.database.url)
            .await
            .unwrap();
        sqlx::query("ALTER TABLE stats_days RENAME TO stats_days_gone")
            .execute(&mut connection)
            .await
            .unwrap();
    }
    let sent = slash_report(&app, ids::ALICE, ids::BILAL, "en-US", &[]).await;
    assert_deferred_ephemerally(&app, &sent).await;
    let answer = final_answer(&app, &sent).await;
    let text = content(&answer);
    assert!(text.contains("could not be recorded"), "{text}");
    assert!(!text.contains("is recorded"), "{text}");
    assert_help_card(&answer, "3018: help against online harassment");
    assert_eq!(count_rows(&app, "cases").await, 0, "nothing half-stored");
    assert_eq!(count_rows(&app, "reports").await, 0, "nothing half-stored");
    assert_nothing_posted_publicly(&app);
    app.assert_discord_traffic_valid();
}

/// A second server the bot is in, with a channel of its own.
const ELSEWHERE_GUILD: u64 = 1_417_814_472_558_519_999;
const ELSEWHERE_CHANNEL: u64 = 1_573_641_254_766_519_998;

fn two_servers() -> crate::support::fake_discord::FakeDiscordConfig {
    use crate::support::fake_discord::{FakeChannel, FakeDiscordConfig, FakeGuild};
    let mut elsewhere = FakeGuild::standard();
    elsewhere.id = ELSEWHERE_GUILD;
    elsewhere.name = "Ailleurs".into();
    elsewhere.roles[0].id = ELSEWHERE_GUILD;
    elsewhere.channels = vec![FakeChannel::text(ELSEWHERE_CHANNEL, "prive", 0)];
    let mut world = FakeDiscordConfig::default();
    world.guilds.push(elsewhere);
    world
}

#[tokio::test]
async fn linked_messages_are_read_only_from_this_server() {
    let app = crate::support::app::spawn_app_with(two_servers(), |_| {}).await;
    let guild = app.fake.guild(ids::GUILD);
    let link = |channel: u64, message: &str| {
        json!({
            "name": "message", "type": 3,
            "value": format!("https://discord.com/channels/{}/{channel}/{message}", ids::GUILD)
        })
    };

    // A message of this server: its snapshot is the evidence.
    let here = MessageBuilder::in_guild(
        &guild,
        ids::GENERAL_CHANNEL,
        ids::BILAL,
        "je sais où tu habites",
    )
    .build();
    app.fake.insert_message(here.clone());
    let text = report_answered(
        &app,
        ids::ALICE,
        ids::BILAL,
        "fr",
        &[link(ids::GENERAL_CHANNEL, here["id"].as_str().unwrap())],
    )
    .await;
    let case = case_in(&app, &text).await;
    let evidence = app.store.evidence_of_case(case.id).await.unwrap();
    assert_eq!(
        evidence[0].content.as_deref(),
        Some("je sais où tu habites")
    );

    // Discord hides a message's text from bots without the content intent: said plainly.
    let hidden = MessageBuilder::in_guild(&guild, ids::GENERAL_CHANNEL, ids::BILAL, "").build();
    app.fake.insert_message(hidden.clone());
    let text = report_answered(
        &app,
        ids::CHLOE,
        ids::BILAL,
        "en-US",
        &[link(ids::GENERAL_CHANNEL, hidden["id"].as_str().unwrap())],
    )
    .await;
    assert!(text.contains("use \"Report message\""), "{text}");

    // A message the bot cannot find: the report is stored without it, and the reporter told.
    let text = report_answered(
        &app,
        ids::EMMA,
        ids::BILAL,
        "en-US",
        &[link(ids::GENERAL_CHANNEL, "1573641254766510777")],
    )
    .await;
    assert!(text.contains("could not read the linked message"), "{text}");
    assert!(text.contains("Your report is recorded"), "{text}");

    // The link names this server but a channel of another one: refused, nothing read.
    let elsewhere = MessageBuilder::new(
        ELSEWHERE_CHANNEL,
        &guild.expect_member(ids::BILAL).user,
        "secret d'ailleurs",
    )
    .field("guild_id", json!(ELSEWHERE_GUILD.to_string()))
    .build();
    app.fake.insert_message(elsewhere.clone());
    let cases_before = count_rows(&app, "cases").await;
    let text = report_answered(
        &app,
        ids::DIMITRI,
        ids::BILAL,
        "fr",
        &[link(ELSEWHERE_CHANNEL, elsewhere["id"].as_str().unwrap())],
    )
    .await;
    assert!(text.contains("pointe vers un autre serveur"), "{text}");
    assert!(
        app.fake
            .requests_matching(
                Method::GET,
                &format!("/channels/{ELSEWHERE_CHANNEL}/messages/*")
            )
            .is_empty(),
        "the other server's message was never read"
    );
    assert_eq!(count_rows(&app, "cases").await, cases_before);
    app.assert_discord_traffic_valid();
}

#[tokio::test]
async fn a_dm_refused_for_lack_of_mutual_server_also_puts_the_card_in_the_answer() {
    let app = spawn_app().await;
    app.fake.script(
        Method::POST,
        "/channels/*/messages",
        Scripted::no_mutual_guilds(),
        1,
    );
    let sent = slash_report(&app, ids::ALICE, ids::BILAL, "fr", &[]).await;
    let answer = final_answer(&app, &sent).await;
    assert!(
        content(&answer).contains("Nous n'avons pas pu t'envoyer"),
        "{}",
        content(&answer)
    );
    assert_help_card(&answer, "3018 : aide contre le cyberharcèlement");
    app.assert_discord_traffic_valid();
}

#[tokio::test]
async fn worry_about_someones_safety_leads_the_card_with_3114() {
    let app = spawn_app().await;
    let options = json!([
        { "name": "user", "type": 6, "value": ids::BILAL.to_string() },
        { "name": "reason", "type": 4, "value": 6 }
    ]);
    app.slash(ids::ALICE, "en-US", "report", options).await;
    let dm = help_card_dm(&app, ids::ALICE).await;
    let body = dm.body.as_ref().unwrap();
    assert_eq!(
        body["components"][0]["components"][0]["url"],
        "https://3114.fr"
    );
    let description = body["embeds"][0]["description"].as_str().unwrap();
    assert!(
        description.starts_with("If you fear for your life"),
        "{description}"
    );
    assert!(description.contains("**3114**"), "{description}");
    app.assert_discord_traffic_valid();
}

#[tokio::test]
async fn a_report_under_way_when_the_bot_stops_is_still_stored_and_answered() {
    let mut app = spawn_app().await;
    let lock = WriteLock::take(&app.config.database.url).await;
    let sent = slash_report(&app, ids::ALICE, ids::BILAL, "fr", &[]).await;
    assert_deferred_ephemerally(&app, &sent).await;

    // SIGTERM while the report waits for the database; the database frees up a moment later.
    let release = tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(800)).await;
        lock.release().await;
    });
    app.shutdown().await.expect("a clean shutdown");
    release.await.unwrap();

    let first = app.wait_for(Method::PATCH, &sent.original_path()).await;
    let text = content(&first);
    assert!(text.contains("Ton signalement est enregistré"), "{text}");
    case_in(&app, &text).await;
    // The help card waited in the outbox: the next start sends it and edits the answer.
    app.start_again().await;
    let settled = answer_text(&app, &sent).await;
    assert!(
        settled.contains("Nous t'avons envoyé la fiche du 3018"),
        "{settled}"
    );
    app.assert_discord_traffic_valid();
}
