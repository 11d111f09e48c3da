//! The moderators' queue: the posts of `#mod-queue`, and the standard world's moderator
//! pressing their buttons.

use serde_json::Value;

use super::app::{TestApp, WAIT};
use super::fake_discord::{InteractionBuilder, Method, RecordedRequest, SentInteraction, ids};
use super::reports::{Filed, click, custom_ids, deferred_answer, report};

pub fn queue_posts_path() -> String {
    format!("/channels/{}/messages", ids::QUEUE_CHANNEL)
}

/// The first `count` posts in the queue channel, once sent.
pub async fn wait_for_queue_posts(app: &TestApp, count: usize) -> Vec<RecordedRequest> {
    app.fake
        .wait_for_requests(Method::POST, &queue_posts_path(), count, WAIT)
        .await
}

/// The queue post of a filed case, once posted: (its path, its body as posted).
pub async fn queue_post(app: &TestApp, filed: &Filed) -> (String, Value) {
    nth_queue_post(app, filed, 0).await
}

/// Like [`queue_post`], for a case whose post is the `n`th in the channel (0 = first).
pub async fn nth_queue_post(app: &TestApp, filed: &Filed, n: usize) -> (String, Value) {
    let posts = wait_for_queue_posts(app, n + 1).await;
    let case = app
        .case_once(filed.case.id, |case| case.queue_message_id.is_some())
        .await;
    let message = case.queue_message_id.expect("the post is remembered");
    assert_eq!(
        case.queue_channel_id,
        Some(ids::QUEUE_CHANNEL.cast_signed())
    );
    (
        format!("/channels/{}/messages/{message}", ids::QUEUE_CHANNEL),
        posts[n].body.clone().unwrap(),
    )
}

/// `/report` by `reporter` against `reported`, once its case is in the queue: the filed
/// report and the path of its queue post.
pub async fn report_queued(app: &TestApp, reporter: u64, reported: u64) -> (Filed, String) {
    let filed = report(app, reporter, reported).await;
    let (post, _) = queue_post(app, &filed).await;
    // The help card's outcome redraws the post too: what follows starts from a settled post.
    app.settle_deliveries().await;
    (filed, post)
}

/// The actions audited on a case, each checked to be the moderator's.
pub async fn moderator_audit(app: &TestApp, case_id: i64) -> Vec<String> {
    app.audit_of(case_id)
        .await
        .into_iter()
        .map(|entry| {
            assert_eq!(entry.actor_user_id, ids::MODERATOR.cast_signed());
            entry.action.as_str().to_owned()
        })
        .collect()
}

/// The moderator clicks `verb` on the queue post; returns the interaction.
pub async fn moderator_click(
    app: &TestApp,
    verb: &str,
    case_id: i64,
    post: &str,
) -> SentInteraction {
    let message = app
        .fake
        .message(post.rsplit('/').next().unwrap().parse().unwrap())
        .expect("the queue post exists");
    click(
        app,
        ids::MODERATOR,
        ids::QUEUE_CHANNEL,
        &format!("sb:q:{verb}:{case_id}"),
        message,
    )
    .await
}

/// The moderator presses a button that acts at once (claim, unmute, unban); their answer.
pub async fn moderator_presses(app: &TestApp, verb: &str, case_id: i64, post: &str) -> String {
    let pressed = moderator_click(app, verb, case_id, post).await;
    deferred_answer(app, &pressed).await
}

/// The select a queue button opens, by the button's verb.
fn prompt_of(verb: &str) -> &'static str {
    match verb {
        "mute" => "mute-for",
        "ban" => "ban-with",
        "resolve" => "resolve-as",
        "dismiss" => "dismiss-as",
        _ => panic!("sb:q:{verb} opens no prompt"),
    }
}

/// The moderator clicks `verb`, then picks `choice` in the ephemeral prompt; their answer.
pub async fn moderator_choose(
    app: &TestApp,
    verb: &str,
    choice: &str,
    case_id: i64,
    post: &str,
) -> String {
    let select = format!("sb:q:{}:{case_id}", prompt_of(verb));
    let button = moderator_click(app, verb, case_id, post).await;
    let callback = app.wait_for(Method::POST, &button.callback_path()).await;
    let body = callback.body.unwrap();
    assert_eq!(body["type"], 4, "{body}");
    assert_eq!(body["data"]["flags"], 64, "the prompt is ephemeral");
    assert_eq!(custom_ids(&body["data"]), [select.as_str()]);
    let prompt = app.fake.original_response(&button).unwrap();
    let chosen = app
        .fake
        .send_interaction(
            InteractionBuilder::select(&select, &[choice], prompt).in_guild(
                &app.fake.guild(ids::GUILD),
                ids::QUEUE_CHANNEL,
                ids::MODERATOR,
            ),
        )
        .await;
    deferred_answer(app, &chosen).await
}

pub fn edits_of(app: &TestApp, post: &str) -> usize {
    app.fake.requests_matching(Method::PATCH, post).len()
}

/// The `count`th edit of the post, once sent: its body.
/// The post's latest edit once it shows what `shows` looks for: edits are deliveries, and
/// several changes may be coalesced into one edit or follow one another.
pub async fn wait_for_edit_showing(
    app: &TestApp,
    post: &str,
    shows: impl Fn(&Value) -> bool,
) -> Value {
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let edits = app.fake.requests_matching(Method::PATCH, post);
        if let Some(body) = edits.last().and_then(|edit| edit.body.clone())
            && shows(&body)
        {
            return body;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "no edit showed it: {edits:?}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
}

pub async fn wait_for_edits(app: &TestApp, post: &str, count: usize) -> Value {
    app.fake
        .wait_for_requests(Method::PATCH, post, count, WAIT)
        .await
        .pop()
        .unwrap()
        .body
        .unwrap()
}
