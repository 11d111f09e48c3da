//! Evidence that lasts: attachments preserved at report time, several messages per report,
//! the moderators' `/cases evidence`, and the victim's evidence file, against the fake
//! Discord serving real attachment bytes.

use std::io::Read;
use std::time::Duration;

use chrono::{TimeDelta, Utc};
use safe_button::app::Embedded;
use safe_button::domain::evidence::{Bounds, FileOutcome, TypePattern};
use safe_button::store::{CaseRecord, EvidenceFile};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::support::app::{TestApp, WAIT, spawn_app_on, spawn_app_on_with};
use crate::support::db::{TestDb, both_backends};
use crate::support::fake_discord::{
    FakeDiscordConfig, InteractionBuilder, MessageBuilder, Method, RecordedFile, RecordedRequest,
    Scripted, SentInteraction, ids,
};
use crate::support::queue::{edits_of, wait_for_edit_showing};
use crate::support::reports::{click, custom_ids, reference_in, settled_answer};

/// Bytes no other test data holds: a header, then a counter-derived pattern.
fn file_bytes(header: &[u8], seed: u8, len: usize) -> Vec<u8> {
    let mut bytes = header.to_vec();
    let mut state = u32::from(seed)
        .wrapping_mul(2_654_435_761)
        .wrapping_add(12_345);
    while bytes.len() < len {
        state ^= state << 13;
        state ^= state >> 17;
        state ^= state << 5;
        bytes.push(state.to_le_bytes()[0]);
    }
    bytes
}

const PNG: &[u8] = b"\x89PNG\r\n\x1a\n";
const PDF: &[u8] = b"%PDF-1.7\n";

fn sha(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// A message by Bilal in `#general` carrying `attachments`.
fn message_with(app: &TestApp, content: &str, attachments: Vec<Value>) -> Value {
    let guild = app.fake.guild(ids::GUILD);
    let message = MessageBuilder::in_guild(&guild, ids::GENERAL_CHANNEL, ids::BILAL, content)
        .field("attachments", Value::Array(attachments))
        .build();
    app.fake.insert_message(message.clone());
    message
}

/// `member` uses the message menu `menu` on `message` (French client).
async fn use_menu(app: &TestApp, menu: &str, member: u64, message: &Value) -> SentInteraction {
    let guild = app.fake.guild(ids::GUILD);
    app.fake
        .send_interaction(
            InteractionBuilder::message_command(menu, message.clone())
                .in_guild(&guild, ids::GENERAL_CHANNEL, member)
                .locale("fr"),
        )
        .await
}

/// The reporter answers the menu's reason select and details form; returns the form's
/// submission.
async fn pick_reason_and_submit(
    app: &TestApp,
    menu: &SentInteraction,
    member: u64,
) -> SentInteraction {
    let guild = app.fake.guild(ids::GUILD);
    let prompt = app.wait_for(Method::PATCH, &menu.original_path()).await;
    let select = &prompt.body.as_ref().unwrap()["components"][0]["components"][0];
    let select_id = select["custom_id"].as_str().expect("a reason select");
    let prompt_message = app.fake.original_response(menu).expect("the prompt");
    let picked = app
        .fake
        .send_interaction(
            InteractionBuilder::select(select_id, &["harassment"], prompt_message)
                .in_guild(&guild, ids::GENERAL_CHANNEL, member)
                .locale("fr"),
        )
        .await;
    let modal = app.wait_for(Method::POST, &picked.callback_path()).await;
    let modal_id = modal.body.unwrap()["data"]["custom_id"]
        .as_str()
        .unwrap()
        .to_owned();
    app.fake
        .send_interaction(
            InteractionBuilder::modal_submit(&modal_id, &[("details", "depuis lundi")])
                .in_guild(&guild, ids::GENERAL_CHANNEL, member)
                .locale("fr"),
        )
        .await
}

/// Alice reports `message` from the menu; the submission and the case.
async fn menu_report(app: &TestApp, message: &Value) -> (SentInteraction, CaseRecord) {
    let menu = use_menu(app, "Report message", ids::ALICE, message).await;
    let submitted = pick_reason_and_submit(app, &menu, ids::ALICE).await;
    let first = app
        .wait_for(Method::PATCH, &submitted.original_path())
        .await;
    let text = first.body.unwrap()["content"].as_str().unwrap().to_owned();
    let case = app
        .store
        .case_by_reference(ids::GUILD.cast_signed(), &reference_in(&text))
        .await
        .unwrap()
        .expect("the case is stored");
    (submitted, case)
}

/// The case's files once none is pending any more.
async fn settled_files(app: &TestApp, case_id: i64) -> Vec<EvidenceFile> {
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let files = app.store.files_of_case(case_id).await.unwrap();
        if files.iter().all(|f| f.outcome != FileOutcome::Pending) {
            return files;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "files still pending: {files:?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// The moderator runs `/cases evidence`; every message the bot answered with.
async fn moderator_views_evidence(
    app: &TestApp,
    member: u64,
    reference: &str,
) -> Vec<RecordedRequest> {
    let options = json!([{ "type": 1, "name": "evidence", "options": [
        { "name": "reference", "type": 3, "value": reference }
    ]}]);
    let sent = app.slash(member, "en-US", "cases", options).await;
    app.wait_for(Method::PATCH, &sent.original_path()).await;
    // The answer's pages: its edit, then its follow-ups, each once answered.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let mut answers = app
        .fake
        .requests_matching(Method::PATCH, &sent.original_path());
    answers.extend(
        app.fake
            .requests_matching(Method::POST, &sent.webhook_path()),
    );
    answers
}

fn files_of(requests: &[RecordedRequest]) -> Vec<RecordedFile> {
    requests.iter().flat_map(|r| r.files.clone()).collect()
}

async fn preserved_files_outlive_the_message_and_its_links(db: TestDb) {
    let app = spawn_app_on(FakeDiscordConfig::default(), db.url()).await;
    app.use_queue_channel().await;
    let channel = ids::GENERAL_CHANNEL;
    let bytes = [
        file_bytes(PNG, 1, 3000),
        file_bytes(PNG, 2, 5000),
        file_bytes(PDF, 3, 7000),
    ];
    let attachments = vec![
        app.fake
            .host_attachment(channel, "capture-1.png", "image/png", &bytes[0]),
        app.fake
            .host_attachment(channel, "capture-2.png", "image/png", &bytes[1]),
        app.fake
            .host_attachment(channel, "menaces.pdf", "application/pdf", &bytes[2]),
    ];
    // Slow downloads: the answer must not wait for them.
    app.fake
        .set_delay(Method::GET, "/attachments/*/*/*", Duration::from_secs(2));
    let message = message_with(&app, "regarde ce que je sais de toi", attachments);
    let (_, case) = menu_report(&app, &message).await;
    let answered = app.store.files_of_case(case.id).await.unwrap();
    assert_eq!(answered.len(), 3);
    assert!(
        answered.iter().all(|f| f.outcome == FileOutcome::Pending),
        "answered before the downloads ended: {answered:?}"
    );

    let files = settled_files(&app, case.id).await;
    for (file, expected) in files.iter().zip(&bytes) {
        assert_eq!(file.outcome, FileOutcome::Stored, "{file:?}");
        assert_eq!(file.sha256.as_deref(), Some(sha(expected).as_str()));
        assert_eq!(file.size, expected.len() as u64);
        let kept = app.store.file_bytes(file.id).await.unwrap();
        assert_eq!(kept.as_deref(), Some(expected.as_slice()));
    }
    // Only the fake's own host was asked, once a file, without following anything.
    assert_eq!(app.fake.attachment_fetches().len(), 3);

    // The message is deleted and its links expire: the files are still there.
    app.fake.stop_serving_attachments();
    let message_id = message["id"].as_str().unwrap();
    let deleted = app.fake.requests_matching(
        Method::GET,
        &format!("/channels/{channel}/messages/{message_id}"),
    );
    assert!(
        deleted.is_empty(),
        "the bot never fetched the message again"
    );
    let answers = moderator_views_evidence(&app, ids::MODERATOR, case.reference.as_str()).await;
    let sent = files_of(&answers);
    assert_eq!(sent.len(), 3, "{answers:?}");
    for expected in &bytes {
        assert!(
            sent.iter().any(|f| &f.bytes == expected),
            "a preserved file is attached"
        );
    }
    assert!(
        app.audit_of(case.id)
            .await
            .iter()
            .any(|e| e.action.as_str() == "evidence_view"
                && e.actor_user_id == ids::MODERATOR.cast_signed()),
        "the view is audited"
    );
    // A member is refused, and nothing is attached for them.
    let options = json!([{ "type": 1, "name": "evidence", "options": [
        { "name": "reference", "type": 3, "value": case.reference.as_str() }
    ]}]);
    let asked = app.slash(ids::EMMA, "en-US", "cases", options).await;
    let refusal = app.ephemeral_reply(&asked).await;
    assert!(
        refusal["content"].to_string().contains("moderator"),
        "{refusal}"
    );
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(
        files_of(
            &app.fake
                .requests_matching(Method::POST, &asked.webhook_path())
        )
        .is_empty()
    );
    let views = app.audit_of(case.id).await;
    assert_eq!(
        views
            .iter()
            .filter(|e| e.action.as_str() == "evidence_view")
            .count(),
        1,
        "only the moderator's view is audited"
    );
    app.assert_discord_traffic_valid();
}

async fn bounds_skip_files_and_failed_downloads_are_retried(db: TestDb) {
    let app = spawn_app_on_with(FakeDiscordConfig::default(), db.url(), |config| {
        config.evidence = Bounds {
            max_file_bytes: 4096,
            max_report_bytes: 8192,
            allowed_types: vec![TypePattern::parse("image/*").unwrap()],
        };
    })
    .await;
    app.use_queue_channel().await;
    let channel = ids::GENERAL_CHANNEL;
    let small = file_bytes(PNG, 4, 2000);
    let attachments = vec![
        app.fake.host_attachment(
            channel,
            "enorme.png",
            "image/png",
            &file_bytes(PNG, 5, 5000),
        ),
        app.fake.host_attachment(
            channel,
            "outil.zip",
            "application/zip",
            &file_bytes(b"PK", 6, 100),
        ),
        app.fake
            .host_attachment(channel, "petite.png", "image/png", &small),
    ];
    let small_path = attachments[2]["proxy_url"]
        .as_str()
        .unwrap()
        .split_once("/attachments/")
        .map(|(_, rest)| format!("/attachments/{rest}"))
        .unwrap();
    app.fake
        .script(Method::GET, &small_path, Scripted::ServerError, 2);
    let message = message_with(&app, "", attachments);
    let (_, case) = menu_report(&app, &message).await;
    let files = settled_files(&app, case.id).await;
    let outcomes: Vec<FileOutcome> = files.iter().map(|f| f.outcome).collect();
    assert_eq!(
        outcomes,
        [
            FileOutcome::TooLarge,
            FileOutcome::TypeNotAllowed,
            FileOutcome::Stored
        ]
    );
    assert_eq!(files[2].sha256.as_deref(), Some(sha(&small).as_str()));
    let fetches = app.fake.attachment_fetches();
    assert_eq!(
        fetches.len(),
        3,
        "only the admitted file, twice failed then served"
    );
    assert_eq!(
        fetches.iter().map(|r| r.status).collect::<Vec<_>>(),
        [Some(500), Some(500), Some(200)]
    );
    // The case names the skipped files and why.
    let post = format!(
        "/channels/{}/messages/{}",
        ids::QUEUE_CHANNEL,
        app.case_once(case.id, |c| c.queue_message_id.is_some())
            .await
            .queue_message_id
            .unwrap()
    );
    let shown = wait_for_edit_showing(&app, &post, |body| {
        let text = body.to_string();
        text.contains("enorme.png") && text.contains("outil.zip") && text.contains("1 conservés")
    })
    .await
    .to_string();
    assert!(shown.contains("plus grand que la limite"), "{shown}");
    assert!(shown.contains("ce type de fichier"), "{shown}");
    app.assert_discord_traffic_valid();
}

async fn add_to_my_report_appends_or_starts_a_report(db: TestDb) {
    let app = spawn_app_on(FakeDiscordConfig::default(), db.url()).await;
    app.use_queue_channel().await;
    let first = message_with(&app, "premier message", Vec::new());
    let (_, case) = menu_report(&app, &first).await;
    app.settle_deliveries().await;
    let case = app
        .case_once(case.id, |c| c.queue_message_id.is_some())
        .await;
    let post = format!(
        "/channels/{}/messages/{}",
        ids::QUEUE_CHANNEL,
        case.queue_message_id.unwrap()
    );
    let edits_before = edits_of(&app, &post);

    let png = file_bytes(PNG, 7, 1500);
    let attachment = app
        .fake
        .host_attachment(ids::GENERAL_CHANNEL, "suite.png", "image/png", &png);
    let second = message_with(&app, "deuxième message", vec![attachment]);
    let added = use_menu(&app, "Add to my report", ids::ALICE, &second).await;
    let answer = settled_answer(&app, &added).await;
    let text = answer.body.unwrap()["content"].to_string();
    assert!(text.contains(case.reference.as_str()), "{text}");
    assert!(text.contains("2 messages"), "{text}");
    let evidence = app.store.evidence_of_case(case.id).await.unwrap();
    assert_eq!(evidence.len(), 2);
    assert_eq!(evidence[1].content.as_deref(), Some("deuxième message"));
    let files = settled_files(&app, case.id).await;
    assert_eq!(files.len(), 1);
    assert_eq!(files[0].sha256.as_deref(), Some(sha(&png).as_str()));
    app.settle_deliveries().await;
    let shown =
        wait_for_edit_showing(&app, &post, |body| body.to_string().contains("Preuves (2)")).await;
    assert!(
        shown.to_string().contains("deuxième message"),
        "the newest item is shown"
    );
    // The append and its file's preservation redraw the post once, showing both.
    let edits = app.fake.requests_matching(Method::PATCH, &post);
    let new_edits = &edits[edits_before..];
    assert_eq!(new_edits.len(), 1, "the post is updated once");
    let edit = new_edits[0].body.as_ref().unwrap().to_string();
    assert!(
        edit.contains("Preuves (2)") && edit.contains("1 conservés"),
        "{edit}"
    );

    // The same message again is not added twice.
    let again = use_menu(&app, "Add to my report", ids::ALICE, &second).await;
    let text = settled_answer(&app, &again).await.body.unwrap()["content"].to_string();
    assert!(text.contains("déjà"), "{text}");
    assert_eq!(app.store.evidence_of_case(case.id).await.unwrap().len(), 2);

    // Against someone with no open case of hers: a report starts, with its reason select.
    let guild = app.fake.guild(ids::GUILD);
    let other =
        MessageBuilder::in_guild(&guild, ids::GENERAL_CHANNEL, ids::DIMITRI, "autre").build();
    let started = use_menu(&app, "Add to my report", ids::ALICE, &other).await;
    let prompt = app.wait_for(Method::PATCH, &started.original_path()).await;
    let ids_shown = custom_ids(prompt.body.as_ref().unwrap());
    assert!(
        ids_shown[0].starts_with("sb:report-reason:"),
        "{ids_shown:?}"
    );
    app.assert_discord_traffic_valid();
}

/// The victim's evidence file sent to `member` by DM after they asked: the ZIP's bytes.
async fn evidence_file_dm(app: &TestApp, member: u64, before: usize) -> Vec<u8> {
    let channel = app.fake.dm_channel_of(member).expect("a DM channel");
    let path = format!("/channels/{channel}/messages");
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let zips: Vec<RecordedFile> = app
            .fake
            .requests_matching(Method::POST, &path)
            .iter()
            .flat_map(|r| r.files.clone())
            .filter(|f| {
                f.filename
                    .as_deref()
                    .is_some_and(|n| n.starts_with("evidence-"))
            })
            .collect();
        if zips.len() > before {
            return zips[before].bytes.clone();
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "no evidence file was sent"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

fn unzip(bytes: &[u8]) -> Vec<(String, Vec<u8>)> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("the ZIP opens");
    (0..archive.len())
        .map(|index| {
            let mut entry = archive.by_index(index).unwrap();
            let name = entry.name().expect("a UTF-8 name").into_owned();
            let mut content = Vec::new();
            entry.read_to_end(&mut content).unwrap();
            (name, content)
        })
        .collect()
}

/// The help card DM'd to `member`, once it is there.
async fn help_card_dm(app: &TestApp, member: u64) -> Value {
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let card = app.fake.dm_channel_of(member).and_then(|channel| {
            app.fake
                .messages_in(channel)
                .into_iter()
                .find(|m| !m["embeds"].as_array().is_none_or(Vec::is_empty))
        });
        if let Some(card) = card {
            return card;
        }
        assert!(tokio::time::Instant::now() < deadline, "no help card DM");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// `member` presses `custom_id` on `message` in their DM with the bot; the deferred answer.
async fn press_in_dm(app: &TestApp, member: u64, custom_id: &str, message: &Value) -> String {
    let channel = app.fake.dm_channel_of(member).unwrap_or(4343);
    let user = app.fake.member(ids::GUILD, member).unwrap().user;
    let sent = app
        .fake
        .send_interaction(
            InteractionBuilder::component(custom_id, 2, message.clone())
                .in_dm(&user, channel)
                .locale("fr"),
        )
        .await;
    let answer = app.wait_for(Method::PATCH, &sent.original_path()).await;
    answer.body.unwrap()["content"].as_str().unwrap().to_owned()
}

async fn ask_for_the_file(app: &TestApp, member: u64, reference: &str) -> String {
    let options = json!([{ "name": "reference", "type": 3, "value": reference }]);
    let sent = app.slash(member, "fr", "evidence-file", options).await;
    let answer = app.wait_for(Method::PATCH, &sent.original_path()).await;
    answer.body.unwrap()["content"].as_str().unwrap().to_owned()
}

async fn the_victim_gets_a_verifiable_evidence_file(db: TestDb) {
    let app = spawn_app_on(FakeDiscordConfig::default(), db.url()).await;
    let bytes = [file_bytes(PNG, 8, 2500), file_bytes(PDF, 9, 1200)];
    let attachments = vec![
        app.fake
            .host_attachment(ids::GENERAL_CHANNEL, "photo&co.png", "image/png", &bytes[0]),
        app.fake.host_attachment(
            ids::GENERAL_CHANNEL,
            "plainte.pdf",
            "application/pdf",
            &bytes[1],
        ),
    ];
    let message = message_with(&app, "<script>alert('x')</script> tu vas voir", attachments);
    let (submitted, case) = menu_report(&app, &message).await;
    settled_files(&app, case.id).await;
    app.settle_deliveries().await;

    // The button on her answer.
    let answer = app.fake.original_response(&submitted).expect("the answer");
    let button = format!("sb:p:evidence:{}", case.id);
    assert!(custom_ids(&answer).contains(&button), "{answer}");
    let pressed = click(&app, ids::ALICE, ids::GENERAL_CHANNEL, &button, answer).await;
    let text = crate::support::reports::deferred_answer(&app, &pressed).await;
    assert!(text.contains("envoyé en message privé"), "{text}");
    let entries = unzip(&evidence_file_dm(&app, ids::ALICE, 0).await);
    let entry = |name: &str| {
        entries.iter().find(|(n, _)| n == name).map_or_else(
            || panic!("{name} in the archive"),
            |(_, content)| content.clone(),
        )
    };
    let data: Value = serde_json::from_slice(&entry("evidence.json")).expect("the JSON parses");
    assert_eq!(data["case_reference"], case.reference.as_str());
    assert_eq!(data["server"]["id"], ids::GUILD.to_string());
    assert!(data["server"]["name"].is_string());
    assert!(data["generated_at"]["utc"].is_string());
    let stored = app.store.evidence_of_case(case.id).await.unwrap();
    let files = app.store.files_of_case(case.id).await.unwrap();
    let messages = data["messages"].as_array().unwrap();
    assert_eq!(messages.len(), stored.len());
    let item = &messages[0];
    assert_eq!(item["message_id"], stored[0].message_id.to_string());
    assert_eq!(item["content"].as_str(), stored[0].content.as_deref());
    assert_eq!(item["author"]["id"], ids::BILAL.to_string());
    assert!(item["author"]["name"].is_string());
    assert_eq!(item["channel"]["id"], ids::GENERAL_CHANNEL.to_string());
    assert!(item["created_at"]["local"].is_string());
    assert_eq!(
        item["content_sha256"],
        sha(stored[0].content.as_deref().unwrap().as_bytes())
    );
    let bundled = item["files"].as_array().unwrap();
    assert_eq!(bundled.len(), 2);
    for ((file, record), expected) in bundled.iter().zip(&files).zip(&bytes) {
        let in_zip = entry(file["path"].as_str().unwrap());
        assert_eq!(&in_zip, expected);
        assert_eq!(file["sha256"], sha(&in_zip), "every SHA-256 verifies");
        assert_eq!(file["sha256"].as_str(), record.sha256.as_deref());
    }
    let html = String::from_utf8(entry("evidence.html")).unwrap();
    assert!(html.contains("3018"), "the page names the 3018");
    assert!(!html.contains("<script>"), "user text is escaped");
    assert!(html.contains("&lt;script&gt;"));
    assert!(html.contains("photo&amp;co.png"));
    let audited = app.audit_of(case.id).await;
    assert!(audited.iter().any(|e| e.action.as_str() == "evidence_file"
        && e.actor_user_id == ids::ALICE.cast_signed()
        && e.detail.as_deref() == Some("sent")));

    // By command too, in the same way.
    let text = ask_for_the_file(&app, ids::ALICE, case.reference.as_str()).await;
    assert!(text.contains("envoyé en message privé"), "{text}");
    evidence_file_dm(&app, ids::ALICE, 1).await;

    // After retention, the request says the evidence was purged.
    let closed = db
        .execute_raw(&format!(
            "UPDATE cases SET status = 'resolved', closed_at = created_at WHERE id = {}",
            case.id
        ))
        .await
        .unwrap();
    assert_eq!(closed, 1);
    let embedded = Embedded::load().unwrap();
    app.store
        .purge_expired(
            &app.config.server_defaults,
            &embedded.vocabulary(),
            Utc::now() + TimeDelta::days(400),
            false,
        )
        .await
        .unwrap()
        .expect("no other purge");
    let text = ask_for_the_file(&app, ids::ALICE, case.reference.as_str()).await;
    assert!(text.contains("purgées"), "{text}");
    for expected in &bytes {
        assert_eq!(db.columns_holding(expected).await, Vec::<String>::new());
    }
    app.assert_discord_traffic_valid();
}

async fn a_witness_is_refused_the_victims_file_and_erasure_removes_the_files(db: TestDb) {
    let app = spawn_app_on(FakeDiscordConfig::default(), db.url()).await;
    let png = file_bytes(PNG, 10, 1800);
    let attachment =
        app.fake
            .host_attachment(ids::GENERAL_CHANNEL, "preuve.png", "image/png", &png);
    let message = message_with(&app, "insulte", vec![attachment]);
    let link = format!(
        "https://discord.com/channels/{}/{}/{}",
        ids::GUILD,
        ids::GENERAL_CHANNEL,
        message["id"].as_str().unwrap()
    );
    // Emma reports for Alice, with the message as evidence.
    let options = json!([
        { "name": "user", "type": 6, "value": ids::BILAL.to_string() },
        { "name": "reason", "type": 4, "value": 0 },
        { "name": "message", "type": 3, "value": link },
        { "name": "victim", "type": 6, "value": ids::ALICE.to_string() }
    ]);
    let sent = app.slash(ids::EMMA, "fr", "report", options).await;
    let first = app.wait_for(Method::PATCH, &sent.original_path()).await;
    let text = first.body.unwrap()["content"].as_str().unwrap().to_owned();
    let reference = reference_in(&text);
    let case = app
        .store
        .case_by_reference(ids::GUILD.cast_signed(), &reference)
        .await
        .unwrap()
        .unwrap();
    let files = settled_files(&app, case.id).await;
    assert_eq!(files[0].outcome, FileOutcome::Stored);

    let refused = ask_for_the_file(&app, ids::EMMA, reference.as_str()).await;
    assert!(refused.contains("Seule la personne harcelée"), "{refused}");
    let granted = ask_for_the_file(&app, ids::ALICE, reference.as_str()).await;
    assert!(granted.contains("envoyé en message privé"), "{granted}");

    // Alice never had an answer of her own: her help card's DM carries the button. The
    // witness pressing it there (a forged press) is refused; Alice gets her file.
    let card = help_card_dm(&app, ids::ALICE).await;
    let button = format!("sb:p:evidence:{}", case.id);
    assert!(card.to_string().contains(&button), "{card}");
    let refused = press_in_dm(&app, ids::EMMA, &button, &card).await;
    assert!(refused.contains("Seule la personne harcelée"), "{refused}");
    let granted = press_in_dm(&app, ids::ALICE, &button, &card).await;
    assert!(granted.contains("envoyé en message privé"), "{granted}");
    let archive = format!("evidence-{}.zip", reference.as_str());
    let zips = app
        .fake
        .requests_matching(Method::POST, "/channels/*/messages")
        .into_iter()
        .filter(|request| {
            request
                .files
                .iter()
                .any(|file| file.filename.as_deref() == Some(archive.as_str()))
        })
        .count();
    assert_eq!(zips, 2, "one archive per granted request");

    // Emma erases her data: the files her report preserved go.
    assert_eq!(db.columns_holding(&png).await, ["evidence_files.bytes"]);
    let erased = crate::support::reports::delete_my_data(&app, ids::EMMA).await;
    app.wait_for(Method::POST, &erased.callback_path()).await;
    let deadline = tokio::time::Instant::now() + WAIT;
    while !db.columns_holding(&png).await.is_empty() {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the files outlived the erasure"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    app.assert_discord_traffic_valid();
}

both_backends!(
    preserved_files_outlive_the_message_and_its_links,
    bounds_skip_files_and_failed_downloads_are_retried,
    add_to_my_report_appends_or_starts_a_report,
    the_victim_gets_a_verifiable_evidence_file,
    a_witness_is_refused_the_victims_file_and_erasure_removes_the_files,
);

#[tokio::test]
async fn a_link_that_redirects_is_never_followed() {
    crate::support::db::on_sqlite(|db: TestDb| async move {
        let app = spawn_app_on(FakeDiscordConfig::default(), db.url()).await;
        let attachment = app.fake.host_attachment(
            ids::GENERAL_CHANNEL,
            "piege.png",
            "image/png",
            &file_bytes(PNG, 11, 100),
        );
        app.fake
            .redirect_attachment(&attachment, "http://169.254.169.254/latest/meta-data");
        let message = message_with(&app, "", vec![attachment]);
        let (_, case) = menu_report(&app, &message).await;
        let files = settled_files(&app, case.id).await;
        assert_eq!(files[0].outcome, FileOutcome::Unavailable);
        assert_eq!(
            app.fake.attachment_fetches().len(),
            1,
            "asked once, not followed"
        );
        app.assert_discord_traffic_valid();
    })
    .await;
}
