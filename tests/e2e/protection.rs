//! Protective actions (SPEC §4), end to end against the fake Discord: the victim's mute and
//! shield buttons, the automatic mute, and the anti-abuse limits.

use chrono::{TimeDelta, Utc};
use safe_button::domain::protection::{ActionStatus, ProtectionKind, RequestedBy};
use serde_json::{Value, json};

use crate::support::app::{TestApp, WAIT, spawn_app, spawn_app_with};
use crate::support::fake_discord::{
    FakeDiscordConfig, FakeMember, FakeUser, InteractionBuilder, MessageBuilder, Method, ids,
};
use crate::support::queue::{queue_posts_path, wait_for_edit_showing};
use crate::support::reports::{
    SETTLE, click, deferred_answer, is_timed_out, member_path, press, report, timeout_end,
    timeouts_of,
};

#[tokio::test]
async fn the_victims_mute_times_out_the_member_once_with_the_case_in_the_audit_log() {
    let app = spawn_app().await;
    let filed = report(&app, ids::ALICE, ids::BILAL).await;
    let mute_id = format!("sb:p:mute:{}", filed.case.id);
    assert!(
        filed.custom_ids().contains(&mute_id),
        "the mute is offered: {:?}",
        filed.answer
    );
    assert!(
        filed
            .custom_ids()
            .contains(&format!("sb:p:shield:{}", filed.case.id))
    );
    let acknowledgement = app.fake.original_response(&filed.sent).unwrap();

    let pressed_at = Utc::now();
    let press = click(
        &app,
        ids::ALICE,
        ids::GENERAL_CHANNEL,
        &mute_id,
        acknowledgement.clone(),
    )
    .await;
    let text = deferred_answer(&app, &press).await;
    assert!(text.contains("rendue muette jusqu'au"), "{text}");

    let patch = app.wait_for(Method::PATCH, &member_path(ids::BILAL)).await;
    let end = timeout_end(&patch).expect("a timeout date");
    assert!(end > pressed_at, "{end}");
    assert!(
        end <= Utc::now() + TimeDelta::days(28),
        "at most 28 days: {end}"
    );
    // The server's self-mute duration (bot.toml: 24h).
    assert!(
        (end - pressed_at - TimeDelta::hours(24))
            .num_seconds()
            .abs()
            < 60
    );
    let reason = patch.audit_log_reason().expect("an audit-log reason");
    assert!(reason.contains(filed.case.reference.as_str()), "{reason}");
    assert!(reason.chars().count() <= 512);
    let member = app.fake.member(ids::GUILD, ids::BILAL).unwrap();
    assert!(member.communication_disabled_until.is_some());

    // Pressed again: told it is done, and Discord is not asked twice.
    let again = click(
        &app,
        ids::ALICE,
        ids::GENERAL_CHANNEL,
        &mute_id,
        acknowledgement,
    )
    .await;
    let text = deferred_answer(&app, &again).await;
    assert!(text.contains("déjà rendue muette"), "{text}");
    assert_eq!(timeouts_of(&app, ids::BILAL).len(), 1);

    let actions = app.actions_of(filed.case.id).await;
    assert_eq!(actions.len(), 1, "{actions:?}");
    assert_eq!(actions[0].kind, ProtectionKind::Mute);
    assert_eq!(actions[0].status, ActionStatus::Applied);
    assert_eq!(actions[0].requested_by, RequestedBy::Victim);
    app.assert_discord_traffic_valid();
}

#[tokio::test]
async fn a_moderator_is_never_muted_and_the_victim_is_told_moderators_were_alerted() {
    let app = spawn_app().await;
    let filed = report(&app, ids::ALICE, ids::MODERATOR).await;
    let text = press(&app, &filed, ids::ALICE, "mute").await;
    assert!(text.contains("Les modérateurs ont été alertés"), "{text}");
    assert!(timeouts_of(&app, ids::MODERATOR).is_empty());
    assert!(!is_timed_out(&app, ids::MODERATOR));
    let actions = app.actions_of(filed.case.id).await;
    assert_eq!(actions.len(), 1);
    assert_eq!(actions[0].status, ActionStatus::Refused);
    assert_eq!(actions[0].detail.as_deref(), Some("moderator"));
    app.assert_discord_traffic_valid();
}

#[tokio::test]
async fn only_the_victim_can_use_their_buttons() {
    let app = spawn_app().await;
    let filed = report(&app, ids::ALICE, ids::BILAL).await;
    let text = press(&app, &filed, ids::CHLOE, "mute").await;
    assert!(text.contains("Seule la personne"), "{text}");
    assert!(timeouts_of(&app, ids::BILAL).is_empty());
    assert!(app.actions_of(filed.case.id).await.is_empty());
    app.assert_discord_traffic_valid();
}

#[tokio::test]
async fn three_distinct_reporters_mute_automatically_once() {
    let app = spawn_app().await;
    report(&app, ids::ALICE, ids::BILAL).await;
    report(&app, ids::CHLOE, ids::BILAL).await;
    assert!(
        timeouts_of(&app, ids::BILAL).is_empty(),
        "two reporters are not enough"
    );
    let third = report(&app, ids::DIMITRI, ids::BILAL).await;
    assert!(
        third.text().contains("Plusieurs membres"),
        "{}",
        third.text()
    );
    let patch = app.wait_for(Method::PATCH, &member_path(ids::BILAL)).await;
    assert!(timeout_end(&patch).unwrap() <= Utc::now() + TimeDelta::days(28));
    assert!(
        patch
            .audit_log_reason()
            .unwrap()
            .contains(third.case.reference.as_str())
    );
    // A fourth reporter while the mute runs changes nothing.
    report(&app, ids::EMMA, ids::BILAL).await;
    assert_eq!(timeouts_of(&app, ids::BILAL).len(), 1);
    let actions = app.actions_of(third.case.id).await;
    assert_eq!(actions.len(), 1);
    assert_eq!(actions[0].requested_by, RequestedBy::Automatic);
    assert_eq!(actions[0].status, ActionStatus::Applied);
    app.assert_discord_traffic_valid();
}

#[tokio::test]
async fn the_same_reporter_three_times_mutes_no_one() {
    let app = spawn_app().await;
    for _ in 0..3 {
        report(&app, ids::ALICE, ids::BILAL).await;
    }
    tokio::time::sleep(SETTLE).await;
    assert!(timeouts_of(&app, ids::BILAL).is_empty());
    app.assert_discord_traffic_valid();
}

#[tokio::test]
async fn a_rate_limited_or_new_reporter_is_stored_and_queued_without_automatic_protection() {
    let app = spawn_app_with(FakeDiscordConfig::default(), |config| {
        config.anti_abuse.reports_per_hour = 1;
    })
    .await;
    app.use_queue_channel().await;
    let first = report(&app, ids::ALICE, ids::BILAL).await;
    assert!(
        !first.custom_ids().is_empty(),
        "the first report gets the buttons"
    );
    app.wait_for(Method::POST, &queue_posts_path()).await;

    let limited = report(&app, ids::ALICE, ids::BILAL).await;
    assert_eq!(limited.case.id, first.case.id, "merged into the same case");
    // Only the shield: it deletes nothing but messages aimed at the presser.
    assert_eq!(
        limited.custom_ids(),
        [format!("sb:p:shield:{}", first.case.id)],
        "{:?}",
        limited.answer
    );
    assert!(
        limited.text().contains("Les modérateurs décideront"),
        "{}",
        limited.text()
    );
    assert_eq!(
        app.store
            .reports_of_case(first.case.id)
            .await
            .unwrap()
            .len(),
        2
    );
    // Queued: the existing embed is edited (not a second post) and counts both reports.
    let message = app
        .case_once(first.case.id, |case| case.queue_message_id.is_some())
        .await
        .queue_message_id
        .expect("posted in the queue");
    let post = format!("/channels/{}/messages/{message}", ids::QUEUE_CHANNEL);
    let both = |edit: &Value| {
        serde_json::to_string(&edit["embeds"])
            .unwrap()
            .matches("Il m'insulte depuis lundi")
            .count()
            == 2
    };
    let edit = wait_for_edit_showing(&app, &post, both).await;
    let details = serde_json::to_string(&edit["embeds"]).unwrap();
    assert_eq!(
        details.matches("Il m'insulte depuis lundi").count(),
        2,
        "{details}"
    );
    assert_eq!(
        app.fake
            .requests_matching(Method::POST, &queue_posts_path())
            .len(),
        1
    );

    // A member who joined a minute ago: stored and queued, no buttons either.
    app.fake.update_guild(ids::GUILD, |guild| {
        let emma = guild
            .members
            .iter_mut()
            .find(|m| m.user.id == ids::EMMA)
            .unwrap();
        emma.joined_at = (Utc::now() - TimeDelta::minutes(1)).to_rfc3339();
    });
    let fresh = report(&app, ids::EMMA, ids::CHLOE).await;
    assert_eq!(
        fresh.custom_ids(),
        [format!("sb:p:shield:{}", fresh.case.id)]
    );
    assert_eq!(
        app.store
            .protection_withheld(app.store.reports_of_case(fresh.case.id).await.unwrap()[0].id)
            .await
            .unwrap(),
        Some(safe_button::domain::protection::Withheld::NewMember),
        "a verdict on real data is kept"
    );
    // The withheld reporter can still raise the shield.
    let text = press(&app, &fresh, ids::EMMA, "shield").await;
    assert!(text.contains("Bouclier activé"), "{text}");
    assert_eq!(
        app.store
            .reports_of_case(fresh.case.id)
            .await
            .unwrap()
            .len(),
        1
    );
    app.wait_for(Method::POST, &queue_posts_path()).await;
    assert_eq!(
        app.fake
            .requests_matching(Method::POST, &queue_posts_path())
            .len(),
        2,
        "the new member's case is queued"
    );
    app.assert_discord_traffic_valid();
}

/// A message by `author` in #general, dispatched as `MESSAGE_CREATE`.
async fn say(
    app: &TestApp,
    author: u64,
    build: impl FnOnce(MessageBuilder) -> MessageBuilder,
) -> Value {
    let guild = app.fake.guild(ids::GUILD);
    let message = build(MessageBuilder::in_guild(
        &guild,
        ids::GENERAL_CHANNEL,
        author,
        "…",
    ))
    .build();
    app.fake.dispatch("MESSAGE_CREATE", message.clone()).await;
    message
}

fn delete_path(message: &Value) -> String {
    format!(
        "/channels/{}/messages/{}",
        ids::GENERAL_CHANNEL,
        message["id"].as_str().unwrap()
    )
}

#[tokio::test]
async fn the_shield_deletes_mentions_and_replies_to_the_victim_until_the_case_closes() {
    let app = spawn_app().await;
    let guild = app.fake.guild(ids::GUILD);
    let alice = guild.expect_member(ids::ALICE).user.clone();
    let chloe = guild.expect_member(ids::CHLOE).user.clone();
    let filed = report(&app, ids::ALICE, ids::BILAL).await;
    let acknowledgement = app.fake.original_response(&filed.sent).unwrap();
    let text = press(&app, &filed, ids::ALICE, "shield").await;
    assert!(text.contains("Bouclier activé"), "{text}");

    let to_chloe = say(&app, ids::BILAL, |m| m.mention(&chloe)).await;
    let by_chloe = say(&app, ids::CHLOE, |m| m.mention(&alice)).await;
    let mention = say(&app, ids::BILAL, |m| m.mention(&alice)).await;
    app.wait_for(Method::DELETE, &delete_path(&mention)).await;
    let alices_message = say(&app, ids::ALICE, |m| m).await;
    let reply = say(&app, ids::BILAL, |m| m.replying_to(alices_message.clone())).await;
    let deleted = app.wait_for(Method::DELETE, &delete_path(&reply)).await;
    assert!(
        deleted
            .audit_log_reason()
            .unwrap()
            .contains(filed.case.reference.as_str())
    );
    tokio::time::sleep(SETTLE).await;
    for kept in [&to_chloe, &by_chloe, &alices_message] {
        assert!(
            app.fake
                .requests_matching(Method::DELETE, &delete_path(kept))
                .is_empty(),
            "{kept}"
        );
    }
    let noted = app
        .audit_of(filed.case.id)
        .await
        .into_iter()
        .filter(|entry| entry.action.as_str() == "shield_deletion")
        .count();
    assert_eq!(noted, 2, "each deletion is noted on the case");

    // A moderator resolves the case: the shield ends with it.
    let prompt = click(
        &app,
        ids::MODERATOR,
        ids::GENERAL_CHANNEL,
        &format!("sb:q:resolve:{}", filed.case.id),
        acknowledgement,
    )
    .await;
    app.wait_for(Method::POST, &prompt.callback_path()).await;
    let prompt_message = app.fake.original_response(&prompt).unwrap();
    let choice = app
        .fake
        .send_interaction(
            InteractionBuilder::select(
                &format!("sb:q:resolve-as:{}", filed.case.id),
                &["warned"],
                prompt_message,
            )
            .in_guild(&guild, ids::GENERAL_CHANNEL, ids::MODERATOR),
        )
        .await;
    deferred_answer(&app, &choice).await;
    let after = say(&app, ids::BILAL, |m| m.mention(&alice)).await;
    tokio::time::sleep(SETTLE).await;
    assert!(
        app.fake
            .requests_matching(Method::DELETE, &delete_path(&after))
            .is_empty()
    );
    app.assert_discord_traffic_valid();
}

#[tokio::test]
async fn a_shield_keeps_protecting_after_the_bot_restarts() {
    let mut app = spawn_app().await;
    let alice = app
        .fake
        .guild(ids::GUILD)
        .expect_member(ids::ALICE)
        .user
        .clone();
    let filed = report(&app, ids::ALICE, ids::BILAL).await;
    press(&app, &filed, ids::ALICE, "shield").await;

    app.restart().await;
    app.fake.wait_for_live_session(WAIT).await;
    let mention = say(&app, ids::BILAL, |m| m.mention(&alice)).await;
    app.wait_for(Method::DELETE, &delete_path(&mention)).await;
    app.assert_discord_traffic_valid();
}

#[tokio::test]
async fn the_reporters_join_date_comes_with_the_interaction() {
    let app = spawn_app().await;
    // Were the reporter fetched, this outage would withhold the protective offer.
    app.fake.script(
        Method::GET,
        &member_path(ids::ALICE),
        crate::support::fake_discord::Scripted::error(500, 0, "Internal Server Error"),
        1,
    );
    let filed = report(&app, ids::ALICE, ids::BILAL).await;
    assert!(
        app.fake
            .requests_matching(Method::GET, &member_path(ids::ALICE))
            .is_empty(),
        "the reporter is not fetched"
    );
    assert_eq!(
        filed.custom_ids(),
        [
            format!("sb:p:mute:{}", filed.case.id),
            format!("sb:p:shield:{}", filed.case.id)
        ],
        "the age check passed on the interaction's join date: {:?}",
        filed.answer
    );
    app.assert_discord_traffic_valid();
}

#[tokio::test]
async fn the_shield_also_catches_a_mention_added_by_an_edit() {
    let app = spawn_app().await;
    let alice = app
        .fake
        .guild(ids::GUILD)
        .expect_member(ids::ALICE)
        .user
        .clone();
    let filed = report(&app, ids::ALICE, ids::BILAL).await;
    press(&app, &filed, ids::ALICE, "shield").await;

    let innocent = say(&app, ids::BILAL, |m| m).await;
    tokio::time::sleep(SETTLE).await;
    assert!(
        app.fake
            .requests_matching(Method::DELETE, &delete_path(&innocent))
            .is_empty()
    );
    // The same message, edited to mention the victim.
    app.fake
        .dispatch(
            "MESSAGE_UPDATE",
            json!({
                "id": innocent["id"],
                "channel_id": innocent["channel_id"],
                "guild_id": ids::GUILD.to_string(),
                "author": innocent["author"],
                "content": "…",
                "edited_timestamp": chrono::Utc::now().to_rfc3339(),
                "mentions": [alice.to_json()]
            }),
        )
        .await;
    app.wait_for(Method::DELETE, &delete_path(&innocent)).await;
    app.assert_discord_traffic_valid();
}

/// Ten members of the standard server beyond its usual cast, for a serial reporter.
fn targets() -> Vec<u64> {
    (0..10)
        .map(|index| 1_360_000_000_000_000_100 + index)
        .collect()
}

#[tokio::test]
async fn erasing_ones_data_does_not_reset_the_report_rate_limit() {
    let mut world = FakeDiscordConfig::default();
    for (index, target) in targets().into_iter().enumerate() {
        let user = FakeUser::new(target, &format!("cible-{index}"));
        world.guilds[0]
            .members
            .push(FakeMember::new(user, &[ids::MEMBER_ROLE]));
    }
    let app = spawn_app_with(world, |config| {
        config.anti_abuse.reports_per_hour = 5;
    })
    .await;
    // Alice reports ten members in a row, muting each one at once with the victim's button
    // (pressed even when it is not offered, as a hostile client may), and erases her data
    // after every fifth report.
    for (index, target) in targets().into_iter().enumerate() {
        let filed = report(&app, ids::ALICE, target).await;
        press(&app, &filed, ids::ALICE, "mute").await;
        if index % 5 == 4 {
            let sent = crate::support::reports::delete_my_data(&app, ids::ALICE).await;
            app.wait_for(Method::POST, &sent.callback_path()).await;
        }
    }
    tokio::time::sleep(SETTLE).await;
    let muted: Vec<u64> = targets()
        .into_iter()
        .filter(|target| !timeouts_of(&app, *target).is_empty())
        .collect();
    assert_eq!(
        muted,
        targets()[..5],
        "only the first five reports within the hour may mute"
    );

    // The rate-limit record survives the erasure without naming anyone.
    let db = app.db();
    let marks = db
        .strings_raw(
            "SELECT reporter_pseudonym || ' ' || CAST(created_at AS TEXT) FROM reporter_rate_limit",
        )
        .await;
    assert_eq!(marks.len(), 10, "{marks:?}");
    let dump = db
        .strings_raw("SELECT CAST(guild_id AS TEXT) FROM reporter_rate_limit")
        .await
        .into_iter()
        .chain(marks)
        .flatten()
        .collect::<Vec<_>>()
        .join("\n");
    for id in [ids::ALICE]
        .into_iter()
        .chain(targets())
        .chain([ids::BILAL, ids::MODERATOR])
    {
        assert!(!dump.contains(&id.to_string()), "the record holds {id}");
    }
    app.assert_discord_traffic_valid();
}
