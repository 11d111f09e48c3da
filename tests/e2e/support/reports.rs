//! Members filing `/report` and pressing buttons, as the tests' members do: in the standard
//! server's `#general`, from a French client unless said otherwise.

use std::time::Duration;

use chrono::{DateTime, Utc};
use safe_button::domain::case::CaseReference;
use safe_button::store::CaseRecord;
use serde_json::{Value, json};

use super::app::{TestApp, WAIT};
use super::fake_discord::{InteractionBuilder, Method, RecordedRequest, SentInteraction, ids};

/// Long enough for the bot to have handled an event it should ignore.
pub const SETTLE: Duration = Duration::from_millis(700);

/// A filed `/report` and what the reporter was answered.
pub struct Filed {
    pub sent: SentInteraction,
    pub answer: Value,
    pub case: CaseRecord,
}

impl Filed {
    pub fn text(&self) -> &str {
        self.answer["content"].as_str().unwrap_or_default()
    }

    /// Custom ids of every component of the answer.
    pub fn custom_ids(&self) -> Vec<String> {
        custom_ids(&self.answer)
    }
}

pub fn custom_ids(message: &Value) -> Vec<String> {
    message["components"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|row| row["components"].as_array().cloned().unwrap_or_default())
        .filter_map(|component| component["custom_id"].as_str().map(str::to_owned))
        .collect()
}

/// `/report` by `reporter` against `reported` (harassment), answered.
pub async fn report(app: &TestApp, reporter: u64, reported: u64) -> Filed {
    report_with(app, reporter, reported, &[]).await
}

/// `/report` with `extra` options (e.g. a `victim` for a witness report), answered.
pub async fn report_with(app: &TestApp, reporter: u64, reported: u64, extra: &[Value]) -> Filed {
    let before = app
        .fake
        .requests_matching(Method::PATCH, "/webhooks/*/*/messages/@original")
        .len();
    let mut options = vec![
        json!({ "name": "user", "type": 6, "value": reported.to_string() }),
        json!({ "name": "reason", "type": 4, "value": 0 }),
        json!({ "name": "details", "type": 3, "value": "Il m'insulte depuis lundi" }),
    ];
    options.extend_from_slice(extra);
    let options = Value::Array(options);
    let sent = app.slash(reporter, "fr", "report", options).await;
    app.fake
        .wait_for_requests(
            Method::PATCH,
            "/webhooks/*/*/messages/@original",
            before + 1,
            WAIT,
        )
        .await;
    let answer = settled_answer(app, &sent)
        .await
        .body
        .expect("a JSON answer");
    let text = answer["content"].as_str().unwrap_or_default();
    let reference = reference_in(text);
    let case = app
        .store
        .case_by_reference(ids::GUILD.cast_signed(), &reference)
        .await
        .unwrap()
        .expect("the case is stored");
    Filed { sent, answer, case }
}

/// A click by `user` on a component of `message`, in `channel`.
pub async fn click(
    app: &TestApp,
    user: u64,
    channel: u64,
    custom_id: &str,
    message: Value,
) -> SentInteraction {
    app.fake
        .send_interaction(
            InteractionBuilder::component(custom_id, 2, message)
                .in_guild(&app.fake.guild(ids::GUILD), channel, user)
                .locale("fr"),
        )
        .await
}

/// `presser` presses the "mute" or "shield" button of a filed report's acknowledgement;
/// returns the answer's text.
pub async fn press(app: &TestApp, filed: &Filed, presser: u64, button: &str) -> String {
    let acknowledgement = app
        .fake
        .original_response(&filed.sent)
        .expect("the acknowledgement");
    let sent = click(
        app,
        presser,
        ids::GENERAL_CHANNEL,
        &format!("sb:p:{button}:{}", filed.case.id),
        acknowledgement,
    )
    .await;
    deferred_answer(app, &sent).await
}

/// The case reference quoted in an acknowledgement ("… **K7M2QX**").
pub fn reference_in(text: &str) -> CaseReference {
    let start = text.find("**").expect("a bold reference") + 2;
    let end = start + text[start..].find("**").expect("closing **");
    CaseReference::parse(&text[start..end]).expect("a valid reference")
}

/// `/privacy delete-my-data` by `member`.
pub async fn delete_my_data(app: &TestApp, member: u64) -> SentInteraction {
    let options = json!([{ "type": 1, "name": "delete-my-data", "options": [] }]);
    app.slash(member, "en-US", "privacy", options).await
}

/// The sentences of a stored report's first answer, in every shipped language, that say
/// the help card is on its way: the card's delivery then edits the answer.
fn card_on_its_way() -> Vec<String> {
    let texts = safe_button::i18n::Texts::embedded().expect("texts");
    let ids = [
        "report-help-card-sending",
        "report-help-card-sending-victim",
    ];
    texts
        .shipped()
        .iter()
        .flat_map(|locale| ids.map(|id| texts.text(locale, id)))
        .collect()
}

/// An interaction's last answer once settled: for a stored report, once the help card's
/// delivery edited it with how it went.
pub async fn settled_answer(app: &TestApp, sent: &SentInteraction) -> RecordedRequest {
    let waiting = card_on_its_way();
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let answers = app
            .fake
            .requests_matching(Method::PATCH, &sent.original_path());
        if let Some(last) = answers.last() {
            let text = last.body.as_ref().map(|body| body["content"].to_string());
            let pending =
                text.is_some_and(|text| waiting.iter().any(|s| text.contains(s.as_str())));
            if !pending {
                return last.clone();
            }
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "the answer never settled: {answers:?}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// The text a deferred interaction was finally answered with.
pub async fn deferred_answer(app: &TestApp, sent: &SentInteraction) -> String {
    let edit = settled_answer(app, sent).await;
    edit.body.expect("a JSON answer")["content"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

pub fn timeout_end(request: &RecordedRequest) -> Option<DateTime<Utc>> {
    request.body.as_ref()?["communication_disabled_until"]
        .as_str()
        .map(|end| {
            DateTime::parse_from_rfc3339(end)
                .expect("RFC 3339")
                .to_utc()
        })
}

pub fn member_path(user: u64) -> String {
    format!("/guilds/{}/members/{user}", ids::GUILD)
}

pub fn timeouts_of(app: &TestApp, user: u64) -> Vec<RecordedRequest> {
    app.fake
        .requests_matching(Method::PATCH, &member_path(user))
}

pub fn is_timed_out(app: &TestApp, user: u64) -> bool {
    app.fake
        .member(ids::GUILD, user)
        .unwrap()
        .communication_disabled_until
        .is_some()
}

/// The first `count` timeout changes (PATCH of the member) of `user`, once sent.
pub async fn wait_for_timeouts(app: &TestApp, user: u64, count: usize) -> Vec<RecordedRequest> {
    app.fake
        .wait_for_requests(Method::PATCH, &member_path(user), count, WAIT)
        .await
}
