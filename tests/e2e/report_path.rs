//! What one report asks of Discord: the acknowledgement, the victim's DM (its channel opened
//! once per victim), the queue post and the answer, the last two edited with the card's
//! outcome; nothing else.

use crate::support::app::{TestApp, spawn_app_with_queue};
use crate::support::fake_discord::{Method, ids};
use crate::support::reports::{member_path, report};

#[tokio::test]
async fn a_report_makes_only_its_own_calls_and_a_second_reuses_the_dm_channel() {
    let app = spawn_app_with_queue().await;

    let before = app.fake.requests().len();
    report(&app, ids::ALICE, ids::BILAL).await;
    app.settle_deliveries().await;
    let dm = app.fake.dm_channel_of(ids::ALICE).expect("a DM channel");
    let mut first = calls_since(&app, before, dm);
    first.sort();
    assert_eq!(
        first,
        [
            "PATCH /channels/{queue}/messages/{id} (card outcome)",
            "PATCH /webhooks/{app}/{token}/messages/@original (answer)",
            "PATCH /webhooks/{app}/{token}/messages/@original (card outcome)",
            "POST /channels/{dm}/messages",
            "POST /channels/{queue}/messages",
            "POST /interactions/{id}/{token}/callback",
            "POST /users/@me/channels",
        ],
        "one report's calls"
    );
    assert!(
        app.fake
            .requests_matching(Method::GET, &member_path(ids::ALICE))
            .is_empty(),
        "the reporter's join date came with the interaction"
    );

    let before = app.fake.requests().len();
    report(&app, ids::ALICE, ids::CHLOE).await;
    app.settle_deliveries().await;
    let second = calls_since(&app, before, dm);
    assert!(
        !second.iter().any(|call| call == "POST /users/@me/channels"),
        "the DM channel is reused: {second:?}"
    );
    assert_eq!(
        app.fake.messages_in(dm).len(),
        2,
        "both help cards in the one DM channel"
    );
    app.assert_discord_traffic_valid();
}

/// The calls since request `from`, ids replaced by what they name.
fn calls_since(app: &TestApp, from: usize, dm: u64) -> Vec<String> {
    let mut edits = std::collections::HashMap::new();
    app.fake.requests()[from..]
        .iter()
        .map(|request| {
            let route: Vec<String> = request
                .path
                .split('/')
                .enumerate()
                .map(|(n, part)| route_part(n, part, dm))
                .collect();
            let mut call = format!("{} {}", request.method, route.join("/"));
            if request.method == Method::PATCH {
                let edit: &mut usize = edits.entry(call.clone()).or_default();
                *edit += 1;
                let first_answer = *edit == 1 && call.contains("@original");
                call.push_str(if first_answer {
                    " (answer)"
                } else {
                    " (card outcome)"
                });
            }
            call
        })
        .collect()
}

fn route_part(position: usize, part: &str, dm: u64) -> String {
    let Ok(id) = part.parse::<u64>() else {
        return if part.starts_with("fake-interaction-token") {
            "{token}".to_owned()
        } else {
            part.to_owned()
        };
    };
    match id {
        ids::QUEUE_CHANNEL => "{queue}",
        ids::APPLICATION if position == 2 => "{app}",
        _ if id == dm => "{dm}",
        _ => "{id}",
    }
    .to_owned()
}
