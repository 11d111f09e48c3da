//! A moderator's questions to a case's reporter (issue 15), end to end against the fake
//! Discord: asked from the queue post, sent by DM to the reporter without the moderator's name,
//! answered (or declined, or stopped) from the DM, shown in the queue post without the
//! reporter's name, audited, and the asking moderator told.

use safe_button::domain::question::{MAX_QUESTION_CHARS, QuestionStatus};
use serde_json::{Value, json};

use crate::support::app::{TestApp, WAIT, spawn_app_on};
use crate::support::db::{TestDb, both_backends};
use crate::support::fake_discord::{
    FakeDiscordConfig, InteractionBuilder, MessageBuilder, Method, SentInteraction, ids,
};
use crate::support::queue::{queue_post, wait_for_edit_showing};
use crate::support::reports::{Filed, click, report_with};

/// `asker` clicks "Ask the reporter" on the post; the callback's body.
async fn press_ask(app: &TestApp, asker: u64, case_id: i64, post: &str) -> Value {
    let message = app
        .fake
        .message(post.rsplit('/').next().unwrap().parse().unwrap())
        .expect("the queue post exists");
    let id = format!("sb:q:ask:{case_id}");
    let sent = click(app, asker, ids::QUEUE_CHANNEL, &id, message).await;
    let callback = app.wait_for(Method::POST, &sent.callback_path()).await;
    callback.body.unwrap()
}

/// `asker` submits the question modal of the case with `text`.
async fn submit_question(app: &TestApp, asker: u64, case_id: i64, text: &str) -> SentInteraction {
    let modal =
        InteractionBuilder::modal_submit(&format!("sb:ask:send:{case_id}"), &[("question", text)])
            .in_guild(&app.fake.guild(ids::GUILD), ids::QUEUE_CHANNEL, asker);
    app.fake.send_interaction(modal).await
}

/// The moderator asks through the button and the modal; the modal's interaction.
async fn ask(app: &TestApp, filed: &Filed, post: &str, text: &str) -> SentInteraction {
    let case_id = filed.case.id;
    let body = press_ask(app, ids::MODERATOR, case_id, post).await;
    assert_eq!(body["type"], 9, "a modal: {body}");
    assert_eq!(body["data"]["custom_id"], format!("sb:ask:send:{case_id}"));
    let input = &body["data"]["components"][0]["components"][0];
    assert_eq!(input["max_length"], MAX_QUESTION_CHARS, "{body}");
    let sent = submit_question(app, ids::MODERATOR, case_id, text).await;
    let answer = app.ephemeral_reply(&sent).await;
    let text = answer["content"].as_str().unwrap();
    assert!(text.contains("part vers l'auteur"), "{text}");
    sent
}

/// The moderator's answer once the worker edited it with how the DM went.
async fn edited_answer(app: &TestApp, sent: &SentInteraction) -> String {
    let edit = app.wait_for(Method::PATCH, &sent.original_path()).await;
    edit.body.unwrap()["content"].as_str().unwrap().to_owned()
}

/// The `n`th message (0 = first) the bot sent `user` by DM that satisfies `is`.
async fn dm_to(app: &TestApp, user: u64, n: usize, is: impl Fn(&Value) -> bool) -> Value {
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        if let Some(channel) = app.fake.dm_channel_of(user) {
            let path = format!("/channels/{channel}/messages");
            let sent: Vec<Value> = app
                .fake
                .requests_matching(Method::POST, &path)
                .into_iter()
                .filter(|request| request.status == Some(200))
                .filter_map(|request| request.body)
                .filter(|body| is(body))
                .collect();
            if let Some(body) = sent.get(n) {
                return body.clone();
            }
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "no such DM to {user}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
}

fn is_question(body: &Value) -> bool {
    body.to_string().contains("sb:ask:answer:")
}

/// The question's id, from the DM's answer button.
fn question_id(dm: &Value) -> i64 {
    let text = dm.to_string();
    let start = text.find("sb:ask:answer:").unwrap() + "sb:ask:answer:".len();
    text[start..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect::<String>()
        .parse()
        .unwrap()
}

/// `user` clicks the reporter's button `step` of question `id` in their DM.
async fn in_dm_click(app: &TestApp, user: u64, step: &str, id: i64) -> Value {
    let channel = app.fake.dm_channel_of(user).unwrap_or(4242);
    let member = app.fake.member(ids::GUILD, user).unwrap().user;
    let message = app.fake.messages_in(channel).pop().unwrap_or_else(|| {
        MessageBuilder::new(channel, &crate::support::fake_discord::bot_user(), "…").build()
    });
    let sent = app
        .fake
        .send_interaction(
            InteractionBuilder::component(&format!("sb:ask:{step}:{id}"), 2, message)
                .in_dm(&member, channel)
                .locale("fr"),
        )
        .await;
    let callback = app.wait_for(Method::POST, &sent.callback_path()).await;
    callback.body.unwrap()
}

/// `user` submits the answer modal of question `id`; the ephemeral answer's text.
async fn in_dm_answer(app: &TestApp, user: u64, id: i64, text: &str) -> String {
    let channel = app.fake.dm_channel_of(user).unwrap_or(4242);
    let member = app.fake.member(ids::GUILD, user).unwrap().user;
    let sent = app
        .fake
        .send_interaction(
            InteractionBuilder::modal_submit(&format!("sb:ask:reply:{id}"), &[("answer", text)])
                .in_dm(&member, channel)
                .locale("fr"),
        )
        .await;
    let reply = app.ephemeral_reply(&sent).await;
    reply["content"].as_str().unwrap().to_owned()
}

fn audit_actions(entries: &[safe_button::store::AuditEntry]) -> Vec<(String, i64)> {
    entries
        .iter()
        .map(|entry| (entry.action.as_str().to_owned(), entry.actor_user_id))
        .collect()
}

/// Everything the bot sent where moderators read it: the queue channel, the moderator's
/// interaction answers and their DMs. None of it may name the reporter.
fn assert_reporter_sealed(app: &TestApp, reporter: u64, moderator_answers: &[&SentInteraction]) {
    let member = app.fake.member(ids::GUILD, reporter).unwrap().user;
    let mut places = vec![format!("/channels/{}/messages", ids::QUEUE_CHANNEL)];
    places.extend(
        app.fake
            .dm_channel_of(ids::MODERATOR)
            .map(|dm| format!("/channels/{dm}/")),
    );
    for sent in moderator_answers {
        places.extend([sent.callback_path(), sent.original_path()]);
    }
    let mut forbidden = vec![reporter.to_string(), member.username.clone()];
    forbidden.extend(member.global_name.clone());
    let mut seen = 0;
    for request in app.fake.requests() {
        let Some(body) = request.body.as_ref() else {
            continue;
        };
        if !places
            .iter()
            .any(|place| request.path.starts_with(place.as_str()))
        {
            continue;
        }
        seen += 1;
        let text = body.to_string();
        for name in &forbidden {
            assert!(
                !text.contains(name.as_str()),
                "{name} in {}: {text}",
                request.path
            );
        }
    }
    assert!(seen >= 4, "the moderators' side was seen: {seen} requests");
}

/// A witness report by `reporter` (so that the reporter is not also the named victim), once
/// its post is settled in the queue: the filed report and the post's path.
async fn witness_report_queued(app: &TestApp, reporter: u64) -> (Filed, String) {
    let victim = json!({ "name": "victim", "type": 6, "value": ids::CHLOE.to_string() });
    let filed = report_with(app, reporter, ids::BILAL, &[victim]).await;
    let (post, _) = queue_post(app, &filed).await;
    app.settle_deliveries().await;
    (filed, post)
}

both_backends!(a_moderator_asks_and_the_sealed_reporter_answers);

async fn a_moderator_asks_and_the_sealed_reporter_answers(db: TestDb) {
    let app = spawn_app_on(FakeDiscordConfig::default(), db.url()).await;
    app.use_queue_channel().await;
    let (filed, post) = witness_report_queued(&app, ids::EMMA).await;
    let case_id = filed.case.id;
    let reference = filed.case.reference.as_str().to_owned();

    // A member who is not a moderator can neither open the modal nor submit a forged one.
    let refused = press_ask(&app, ids::DIMITRI, case_id, &post).await;
    assert_eq!(refused["type"], 4, "{refused}");
    assert!(
        refused.to_string().contains("Seuls les modérateurs"),
        "{refused}"
    );
    let forged = submit_question(&app, ids::DIMITRI, case_id, "Qui es-tu ?").await;
    let answer = app.ephemeral_reply(&forged).await;
    assert!(
        answer.to_string().contains("Seuls les modérateurs"),
        "{answer}"
    );
    assert!(
        app.store
            .questions_of_case(case_id)
            .await
            .unwrap()
            .is_empty()
    );

    let question = "Où est-ce arrivé ?\nDans quel salon ?";
    let sent = ask(&app, &filed, &post, question).await;
    assert!(edited_answer(&app, &sent).await.contains("a été envoyée"));

    // The DM names the server and the case, never the moderator.
    let dm = dm_to(&app, ids::EMMA, 0, is_question).await;
    let dm_text = dm.to_string();
    assert!(dm_text.contains(&reference), "{dm_text}");
    assert!(dm_text.contains("Où est-ce arrivé ?"), "{dm_text}");
    let guild_name = app.fake.guild(ids::GUILD).name.clone();
    assert!(dm_text.contains(&guild_name), "{dm_text}");
    let moderator = app.fake.member(ids::GUILD, ids::MODERATOR).unwrap().user;
    assert!(!dm_text.contains(&ids::MODERATOR.to_string()), "{dm_text}");
    assert!(!dm_text.contains(&moderator.username), "{dm_text}");
    let id = question_id(&dm);

    // The reporter answers through the DM's button and its modal.
    let modal = in_dm_click(&app, ids::EMMA, "answer", id).await;
    assert_eq!(modal["type"], 9, "{modal}");
    assert_eq!(modal["data"]["custom_id"], format!("sb:ask:reply:{id}"));
    let thanks = in_dm_answer(&app, ids::EMMA, id, "  Dans #général, hier soir.  ").await;
    assert!(thanks.contains("ajoutée à"), "{thanks}");
    assert!(
        in_dm_answer(&app, ids::EMMA, id, "encore")
            .await
            .contains("déjà reçu")
    );

    let stored = app.store.question_by_id(id).await.unwrap().unwrap();
    assert_eq!(stored.status, QuestionStatus::Answered);
    assert_eq!(stored.answer.as_deref(), Some("Dans #général, hier soir."));
    let edit = wait_for_edit_showing(&app, &post, |edit| {
        edit.to_string().contains("Dans #général, hier soir.")
    })
    .await;
    assert!(edit.to_string().contains("Où est-ce arrivé ?"), "{edit}");

    // The moderator who asked is told, with the case's reference only.
    let told = dm_to(&app, ids::MODERATOR, 0, |_| true).await;
    let told = told.to_string();
    assert!(
        told.contains(&reference) && told.contains("a répondu"),
        "{told}"
    );
    assert!(!told.contains(&ids::EMMA.to_string()), "{told}");

    let bot = ids::BOT.cast_signed();
    let moderator = ids::MODERATOR.cast_signed();
    let actions = audit_actions(&app.audit_of(case_id).await);
    assert!(
        actions.contains(&("question_asked".to_owned(), moderator)),
        "{actions:?}"
    );
    assert!(
        actions.contains(&("question_answered".to_owned(), bot)),
        "{actions:?}"
    );
    assert_reporter_sealed(&app, ids::EMMA, &[&sent]);
    app.assert_discord_traffic_valid();
}

/// The moderator presses "Ask the reporter" and is answered at once instead of a modal.
async fn ask_refused(app: &TestApp, case_id: i64, post: &str) -> String {
    let body = press_ask(app, ids::MODERATOR, case_id, post).await;
    assert_eq!(body["type"], 4, "no modal: {body}");
    assert_eq!(body["data"]["flags"], 64, "{body}");
    body["data"]["content"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn the_reporter_declines_then_stops_questions() {
    let app = crate::support::app::spawn_app_with_queue().await;
    let (filed, post) = witness_report_queued(&app, ids::EMMA).await;
    let case_id = filed.case.id;

    ask(&app, &filed, &post, "Qui d'autre l'a vu ?").await;
    let first = question_id(&dm_to(&app, ids::EMMA, 0, is_question).await);
    let declined = in_dm_click(&app, ids::EMMA, "decline", first).await;
    assert!(declined.to_string().contains("Tu as décliné"), "{declined}");
    let told = dm_to(&app, ids::MODERATOR, 0, |_| true).await;
    assert!(told.to_string().contains("a décliné"), "{told}");
    wait_for_edit_showing(&app, &post, |edit| {
        edit.to_string().contains("déclinée par l'auteur")
    })
    .await;
    // A settled question cannot be answered any more.
    let late = in_dm_click(&app, ids::EMMA, "answer", first).await;
    assert!(late.to_string().contains("déjà reçu une réponse"), "{late}");

    ask(&app, &filed, &post, "Une dernière question ?").await;
    let second = question_id(&dm_to(&app, ids::EMMA, 1, is_question).await);
    let stopped = in_dm_click(&app, ids::EMMA, "stop", second).await;
    assert!(
        stopped.to_string().contains("plus de questions"),
        "{stopped}"
    );

    // After the stop, a moderator asking is told at once, and a forged modal is refused.
    let refused = ask_refused(&app, case_id, &post).await;
    assert!(refused.contains("ne reçoit pas de questions"), "{refused}");
    let forged = submit_question(&app, ids::MODERATOR, case_id, "Et maintenant ?").await;
    let answer = app.ephemeral_reply(&forged).await;
    assert!(
        answer.to_string().contains("ne reçoit pas de questions"),
        "{answer}"
    );
    app.settle_deliveries().await;
    let questions = app.store.questions_of_case(case_id).await.unwrap();
    let statuses: Vec<_> = questions.iter().map(|question| question.status).collect();
    assert_eq!(
        statuses,
        [QuestionStatus::Declined, QuestionStatus::Declined]
    );
    let actions: Vec<String> = audit_actions(&app.audit_of(case_id).await)
        .into_iter()
        .map(|(action, _)| action)
        .collect();
    assert_eq!(
        actions,
        [
            "question_asked",
            "question_declined",
            "question_asked",
            "questions_stopped"
        ]
    );
    app.assert_discord_traffic_valid();
}

#[tokio::test]
async fn a_refused_dm_tells_the_moderator_and_is_not_retried() {
    let app = crate::support::app::spawn_app_with_queue().await;
    let (filed, post) = witness_report_queued(&app, ids::EMMA).await;
    app.fake.script(
        Method::POST,
        "/channels/*/messages",
        crate::support::fake_discord::Scripted::cannot_send_to_user(),
        1,
    );
    let sent = ask(&app, &filed, &post, "Peux-tu préciser ?").await;
    let told = edited_answer(&app, &sent).await;
    assert!(told.contains("n'a pas pu être joint"), "{told}");
    assert!(!told.contains(&ids::EMMA.to_string()), "{told}");
    wait_for_edit_showing(&app, &post, |edit| {
        edit.to_string().contains("l'auteur n'a pas pu être joint")
    })
    .await;
    app.settle_deliveries().await;
    let questions = app.store.questions_of_case(filed.case.id).await.unwrap();
    assert_eq!(questions[0].status, QuestionStatus::Unreachable);
    let actions = audit_actions(&app.audit_of(filed.case.id).await);
    let bot = ids::BOT.cast_signed();
    assert!(
        actions.contains(&("question_unreachable".to_owned(), bot)),
        "{actions:?}"
    );
    let outcome = app
        .db()
        .strings_raw("SELECT outcome FROM deliveries WHERE kind = 'question'")
        .await;
    assert_eq!(outcome, [Some("refused:50007".to_owned())]);
    let dm = app
        .fake
        .dm_channel_of(ids::EMMA)
        .expect("the DM channel was opened");
    let sends = app
        .fake
        .requests_matching(Method::POST, &format!("/channels/{dm}/messages"));
    assert_eq!(sends.len(), 1, "a refusal is final: {sends:?}");
    app.assert_discord_traffic_valid();
}

#[tokio::test]
async fn over_long_empty_and_odd_texts_are_handled() {
    let app = crate::support::app::spawn_app_with_queue().await;
    let (filed, post) = witness_report_queued(&app, ids::EMMA).await;
    let case_id = filed.case.id;
    for text in ["   \n ", &"é".repeat(MAX_QUESTION_CHARS + 1)] {
        let sent = submit_question(&app, ids::MODERATOR, case_id, text).await;
        let answer = app.ephemeral_reply(&sent).await;
        assert!(answer.to_string().contains("entre 1 et 1000"), "{answer}");
    }
    assert!(
        app.store
            .questions_of_case(case_id)
            .await
            .unwrap()
            .is_empty()
    );

    let odd = "\u{202e}Zalgo: a\u{0301}\u{0316}\u{0317} 👩‍👩‍👧 @everyone <@1> `x`";
    ask(&app, &filed, &post, odd).await;
    let dm = dm_to(&app, ids::EMMA, 0, is_question).await;
    assert!(dm["content"].as_str().unwrap().contains(odd), "{dm}");
    assert_eq!(dm["allowed_mentions"]["parse"], json!([]), "{dm}");
    let id = question_id(&dm);
    let too_long = in_dm_answer(&app, ids::EMMA, id, &"x".repeat(MAX_QUESTION_CHARS + 1)).await;
    assert!(too_long.contains("entre 1 et 1000"), "{too_long}");
    let longest = "ü".repeat(MAX_QUESTION_CHARS);
    assert!(
        in_dm_answer(&app, ids::EMMA, id, &longest)
            .await
            .contains("ajoutée")
    );
    let edit = wait_for_edit_showing(&app, &post, |edit| edit.to_string().contains("üüü")).await;
    for field in edit["embeds"][0]["fields"].as_array().unwrap() {
        assert!(
            field["value"].as_str().unwrap().chars().count() <= 1024,
            "{field}"
        );
    }
    app.assert_discord_traffic_valid();
}

#[tokio::test]
async fn forged_question_steps_are_refused_cleanly() {
    let app = crate::support::app::spawn_app_with_queue().await;
    let (filed, post) = witness_report_queued(&app, ids::EMMA).await;
    ask(&app, &filed, &post, "Qui était là ?").await;
    let id = question_id(&dm_to(&app, ids::EMMA, 0, is_question).await);
    // Another member forging the reporter's buttons and modal: not theirs.
    for step in ["answer", "decline", "stop"] {
        let body = in_dm_click(&app, ids::DIMITRI, step, id).await;
        assert!(
            body.to_string().contains("ne t'est pas adressée"),
            "{step}: {body}"
        );
    }
    let forged = in_dm_answer(&app, ids::DIMITRI, id, "Je mens").await;
    assert!(forged.contains("ne t'est pas adressée"), "{forged}");
    // A question that does not exist.
    let none = in_dm_click(&app, ids::EMMA, "answer", id + 1000).await;
    assert!(none.to_string().contains("n'est plus valide"), "{none}");
    assert!(
        in_dm_answer(&app, ids::EMMA, id + 1000, "x")
            .await
            .contains("n'est plus valide")
    );
    // A question of another server's case cannot be asked from this one.
    let other = submit_question(&app, ids::MODERATOR, filed.case.id + 1000, "?").await;
    let answer = app.ephemeral_reply(&other).await;
    assert!(answer.to_string().contains("n'existe plus"), "{answer}");
    let question = app.store.question_by_id(id).await.unwrap().unwrap();
    assert_eq!(question.status, QuestionStatus::Pending);
    assert_eq!(question.answer, None);
    app.assert_discord_traffic_valid();
}

#[tokio::test]
async fn the_reporters_erasure_removes_the_questions_texts() {
    let app = crate::support::app::spawn_app_with_queue().await;
    let (filed, post) = witness_report_queued(&app, ids::EMMA).await;
    ask(&app, &filed, &post, "Quand ?").await;
    let id = question_id(&dm_to(&app, ids::EMMA, 0, is_question).await);
    assert!(
        in_dm_answer(&app, ids::EMMA, id, "Hier")
            .await
            .contains("ajoutée")
    );
    app.settle_deliveries().await;
    let erasure = crate::support::reports::delete_my_data(&app, ids::EMMA).await;
    app.wait_for(Method::POST, &erasure.callback_path()).await;
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let question = app.store.question_by_id(id).await.unwrap().unwrap();
        if question.question.is_none() && question.answer.is_none() {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "texts kept: {question:?}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    let edit = wait_for_edit_showing(&app, &post, |edit| {
        edit.to_string().contains("(texte supprimé)")
    })
    .await;
    assert!(!edit.to_string().contains("Hier"), "{edit}");
    let refused = ask_refused(&app, filed.case.id, &post).await;
    assert!(refused.contains("ne peut plus être joint"), "{refused}");
    app.assert_discord_traffic_valid();
}

#[tokio::test]
async fn a_question_dm_that_meets_an_outage_is_retried_and_sent_once() {
    let app = crate::support::app::spawn_app_with_queue().await;
    let (filed, post) = witness_report_queued(&app, ids::EMMA).await;
    app.fake.script(
        Method::POST,
        "/channels/*/messages",
        crate::support::fake_discord::Scripted::ServerError,
        2,
    );
    let sent = ask(&app, &filed, &post, "Quand ?").await;
    assert!(edited_answer(&app, &sent).await.contains("a été envoyée"));
    let dm = dm_to(&app, ids::EMMA, 0, is_question).await;
    app.settle_deliveries().await;
    let channel = app.fake.dm_channel_of(ids::EMMA).unwrap();
    let sends = app
        .fake
        .requests_matching(Method::POST, &format!("/channels/{channel}/messages"));
    assert_eq!(sends.len(), 3, "two failures, then the question: {sends:?}");
    let delivered = sends.iter().filter(|send| send.status == Some(200)).count();
    assert_eq!(delivered, 1, "{dm}");
    let questions = app.store.questions_of_case(filed.case.id).await.unwrap();
    assert_eq!(questions[0].status, QuestionStatus::Pending);
    app.assert_discord_traffic_valid();
}
