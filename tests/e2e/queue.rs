//! The moderator queue and `/cases` (SPEC §5), end to end against the fake Discord.

use chrono::{TimeDelta, Utc};
use safe_button::domain::case::CaseStatus;
use safe_button::domain::protection::{ActionStatus, ProtectionKind};
use serde_json::{Value, json};

use crate::support::app::{TestApp, WAIT, spawn_app, spawn_app_with_queue};
use crate::support::fake_discord::{
    InteractionBuilder, MessageBuilder, Method, Scripted, SentInteraction, ids,
};
use crate::support::queue::{
    edits_of, moderator_audit, moderator_choose, moderator_presses, nth_queue_post, queue_post,
    report_queued, wait_for_edit_showing, wait_for_edits, wait_for_queue_posts,
};
use crate::support::reports::{
    SETTLE, click, custom_ids, deferred_answer, is_timed_out, member_path, press, report,
    report_with, timeout_end, timeouts_of, wait_for_timeouts,
};

/// What only moderators may do is refused with an ephemeral answer; its `data`.
async fn assert_refused_to_members(app: &TestApp, sent: &SentInteraction) -> Value {
    let data = app.ephemeral_reply(sent).await;
    let text = data["content"].as_str().unwrap();
    assert!(text.contains("Seuls les modérateurs"), "{data}");
    data
}

/// The first follow-up message of an interaction, once sent: its body.
async fn followup(app: &TestApp, sent: &SentInteraction) -> Value {
    let message = app.wait_for(Method::POST, &sent.webhook_path()).await;
    message.body.unwrap()
}

/// The value of the embed's reporters field.
fn reporters_field(embed: &Value) -> String {
    embed["fields"]
        .as_array()
        .unwrap()
        .iter()
        .find(|field| field["name"].as_str().unwrap().starts_with("Auteur"))
        .expect("a reporters field")["value"]
        .as_str()
        .unwrap()
        .to_owned()
}

#[tokio::test]
async fn a_case_is_queued_sealed_and_moves_with_each_moderator_action() {
    let app = spawn_app_with_queue().await;
    let filed = report(&app, ids::ALICE, ids::BILAL).await;
    let case_id = filed.case.id;
    let (post, body) = queue_post(&app, &filed).await;
    // The help card's outcome redraws the post once: the moderators' edits come after it.
    app.settle_deliveries().await;
    let settled = edits_of(&app, &post);
    let embed = &body["embeds"][0];
    assert!(
        embed["title"]
            .as_str()
            .unwrap()
            .contains(filed.case.reference.as_str())
    );
    let whole = body.to_string();
    assert!(
        whole.contains(&ids::BILAL.to_string()),
        "the reported member is shown"
    );
    let reporters = reporters_field(embed);
    assert!(
        reporters.contains("Scellé"),
        "the reporter is sealed: {reporters}"
    );
    assert!(!reporters.contains(&ids::ALICE.to_string()), "{reporters}");
    assert!(
        whole.contains("Harcèlement"),
        "in the server's language: {whole}"
    );
    assert_eq!(
        custom_ids(&body),
        ["claim", "mute", "ban", "dismiss", "resolve", "ask"]
            .map(|verb| format!("sb:q:{verb}:{case_id}"))
    );

    // Claim.
    assert!(
        moderator_presses(&app, "claim", case_id, &post)
            .await
            .contains("Tu as pris le dossier")
    );
    let edited = wait_for_edit_showing(&app, &post, |edit| {
        edit.to_string().contains("Pris en charge")
    })
    .await;
    assert!(edited.to_string().contains("Pris en charge"), "{edited}");
    let case = app.case(case_id).await;
    assert_eq!(case.status, CaseStatus::Claimed);
    assert_eq!(case.claimed_by, Some(ids::MODERATOR.cast_signed()));
    assert_eq!(moderator_audit(&app, case_id).await, ["claim"]);

    // Mute for one hour, then undo.
    let answer = moderator_choose(&app, "mute", "1h", case_id, &post).await;
    assert!(answer.contains("est rendu muet jusqu'au"), "{answer}");
    let patch = app.wait_for(Method::PATCH, &member_path(ids::BILAL)).await;
    let end = timeout_end(&patch).unwrap();
    assert!((end - Utc::now() - TimeDelta::hours(1)).num_seconds().abs() < 60);
    assert!(
        patch
            .audit_log_reason()
            .unwrap()
            .contains(filed.case.reference.as_str())
    );
    let edited = wait_for_edits(&app, &post, settled + 2).await;
    assert!(
        custom_ids(&edited).contains(&format!("sb:q:unmute:{case_id}")),
        "the undo is offered"
    );
    assert_eq!(moderator_audit(&app, case_id).await, ["claim", "mute"]);

    assert!(
        moderator_presses(&app, "unmute", case_id, &post)
            .await
            .contains("peut de nouveau parler")
    );
    let lifted = wait_for_timeouts(&app, ids::BILAL, 2).await;
    assert_eq!(
        lifted[1].body.as_ref().unwrap()["communication_disabled_until"],
        Value::Null
    );
    assert!(!is_timed_out(&app, ids::BILAL));
    wait_for_edits(&app, &post, settled + 3).await;

    // Ban, deleting the last hour of messages, then undo.
    let answer = moderator_choose(&app, "ban", "1h", case_id, &post).await;
    assert!(answer.contains("est banni"), "{answer}");
    let ban = app
        .wait_for(
            Method::PUT,
            &format!("/guilds/{}/bans/{}", ids::GUILD, ids::BILAL),
        )
        .await;
    assert_eq!(ban.body.as_ref().unwrap()["delete_message_seconds"], 3600);
    assert!(
        ban.audit_log_reason()
            .unwrap()
            .contains(filed.case.reference.as_str())
    );
    assert_eq!(app.fake.bans(ids::GUILD).len(), 1);
    wait_for_edits(&app, &post, settled + 4).await;
    assert!(
        moderator_presses(&app, "unban", case_id, &post)
            .await
            .contains("n'est plus banni")
    );
    assert!(app.fake.bans(ids::GUILD).is_empty());
    wait_for_edits(&app, &post, settled + 5).await;

    // Resolve: the case closes and the reporter is told, without sanction details.
    let answer = moderator_choose(&app, "resolve", "action_taken", case_id, &post).await;
    assert!(answer.contains("est résolu"), "{answer}");
    let edited = wait_for_edits(&app, &post, settled + 6).await;
    assert!(
        edited.to_string().contains("Résolu : mesure prise"),
        "{edited}"
    );
    let case = app.case(case_id).await;
    assert_eq!(case.status, CaseStatus::Resolved);
    assert!(case.closed_at.is_some());
    assert_eq!(
        moderator_audit(&app, case_id).await,
        ["claim", "mute", "unmute", "ban", "unban", "resolve"]
    );
    let alice_dm = app.fake.dm_channel_of(ids::ALICE).expect("a DM channel");
    let notices = app
        .fake
        .wait_for_requests(
            Method::POST,
            &format!("/channels/{alice_dm}/messages"),
            2,
            WAIT,
        )
        .await;
    let notice = notices[1].body.as_ref().unwrap()["content"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(notice.contains("a été examiné"), "{notice}");
    assert!(
        !notice.contains("banni") && !notice.contains("muet"),
        "{notice}"
    );
    let actions = app.actions_of(case_id).await;
    assert!(
        actions
            .iter()
            .all(|action| action.status == ActionStatus::Reverted),
        "{actions:?}"
    );
    app.assert_discord_traffic_valid();
}

#[tokio::test]
async fn a_member_without_permission_is_refused_and_nothing_changes() {
    let app = spawn_app_with_queue().await;
    let (filed, post) = report_queued(&app, ids::ALICE, ids::BILAL).await;
    let settled_edits = edits_of(&app, &post);
    let message = app
        .fake
        .message(post.rsplit('/').next().unwrap().parse().unwrap())
        .unwrap();
    for verb in ["claim", "mute", "ban", "resolve", "dismiss", "unmute"] {
        let press = click(
            &app,
            ids::CHLOE,
            ids::GENERAL_CHANNEL,
            &format!("sb:q:{verb}:{}", filed.case.id),
            message.clone(),
        )
        .await;
        let refusal = assert_refused_to_members(&app, &press).await;
        assert!(refusal["components"].as_array().is_none_or(Vec::is_empty));
    }
    // A forged choice is refused too.
    let forged = app
        .fake
        .send_interaction(
            InteractionBuilder::select(
                &format!("sb:q:mute-for:{}", filed.case.id),
                &["28d"],
                message,
            )
            .in_guild(
                &app.fake.guild(ids::GUILD),
                ids::GENERAL_CHANNEL,
                ids::CHLOE,
            ),
        )
        .await;
    assert_refused_to_members(&app, &forged).await;

    let slash = app
        .slash(
            ids::CHLOE,
            "fr",
            "cases",
            json!([{ "name": "open", "type": 1, "options": [] }]),
        )
        .await;
    assert_refused_to_members(&app, &slash).await;

    tokio::time::sleep(SETTLE).await;
    let case = app.case(filed.case.id).await;
    assert_eq!(case.status, CaseStatus::Open);
    assert_eq!(case.claimed_by, None);
    app.assert_no_action_on(filed.case.id).await;
    assert_eq!(
        edits_of(&app, &post),
        settled_edits,
        "refusals edit nothing"
    );
    assert!(
        app.fake
            .requests_matching(Method::PATCH, "/guilds/*/members/*")
            .is_empty()
    );
    app.assert_discord_traffic_valid();
}

#[tokio::test]
async fn a_discord_refusal_is_reported_clearly_and_leaves_no_false_mute() {
    let app = spawn_app_with_queue().await;
    let (filed, post) = report_queued(&app, ids::ALICE, ids::BILAL).await;
    let settled = edits_of(&app, &post);
    app.fake.script(
        Method::PATCH,
        "/guilds/*/members/*",
        Scripted::missing_permissions(),
        1,
    );
    let answer = moderator_choose(&app, "mute", "1d", filed.case.id, &post).await;
    assert!(answer.contains("Discord a refusé"), "{answer}");
    assert!(!is_timed_out(&app, ids::BILAL));
    let actions = app.actions_of(filed.case.id).await;
    assert_eq!(actions.len(), 1);
    assert_eq!(actions[0].kind, ProtectionKind::Mute);
    assert_eq!(actions[0].status, ActionStatus::Failed);
    assert_eq!(
        actions[0].detail.as_deref(),
        Some("discord_missing_permissions")
    );
    let edited = wait_for_edits(&app, &post, settled + 1).await;
    assert!(edited.to_string().contains("échec"), "{edited}");
    assert!(
        !custom_ids(&edited).contains(&format!("sb:q:unmute:{}", filed.case.id)),
        "nothing to undo"
    );
    let audit = app.audit_of(filed.case.id).await;
    assert_eq!(audit.len(), 1);
    assert_eq!(audit[0].action.as_str(), "mute");
    assert!(audit[0].detail.as_deref().unwrap().starts_with("failed"));
    app.assert_discord_traffic_valid();
}

#[tokio::test]
async fn cases_lists_shows_and_reveals_only_to_the_asking_moderator() {
    let app = spawn_app().await;
    let filed = report(&app, ids::ALICE, ids::BILAL).await;
    let other = report(&app, ids::CHLOE, ids::DIMITRI).await;
    let cases = |options: Value| app.slash(ids::MODERATOR, "fr", "cases", options);

    let open = cases(json!([{ "name": "open", "type": 1, "options": [] }])).await;
    let listed = followup(&app, &open).await.to_string();
    assert!(listed.contains(filed.case.reference.as_str()), "{listed}");
    assert!(listed.contains(other.case.reference.as_str()), "{listed}");

    let history = cases(json!([{ "name": "history", "type": 1, "options": [
            { "name": "member", "type": 6, "value": ids::BILAL.to_string() }
        ] }]))
    .await;
    let body = followup(&app, &history).await.to_string();
    assert!(body.contains(filed.case.reference.as_str()));
    assert!(!body.contains(other.case.reference.as_str()), "{body}");

    let show = cases(json!([{ "name": "show", "type": 1, "options": [
            { "name": "reference", "type": 3, "value": filed.case.reference.as_str() }
        ] }]))
    .await;
    let body = followup(&app, &show).await;
    assert!(body.to_string().contains("Il m'insulte depuis lundi"));
    let reporters = reporters_field(&body["embeds"][0]);
    assert!(
        !reporters.contains(&ids::ALICE.to_string()),
        "sealed: {reporters}"
    );

    let reveal = cases(json!([{ "name": "reveal", "type": 1, "options": [
            { "name": "reference", "type": 3, "value": filed.case.reference.as_str() },
            { "name": "reason", "type": 3, "value": "menaces graves, besoin de contacter" }
        ] }]))
    .await;
    app.ephemeral_reply(&reveal).await;
    let text = followup(&app, &reveal).await["content"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(text.contains(&format!("<@{}>", ids::ALICE)), "{text}");
    let audit = app.audit_of(filed.case.id).await;
    assert_eq!(audit.len(), 1);
    assert_eq!(audit[0].action.as_str(), "reveal");
    assert_eq!(audit[0].actor_user_id, ids::MODERATOR.cast_signed());
    assert_eq!(
        audit[0].detail.as_deref(),
        Some("menaces graves, besoin de contacter")
    );
    // Nothing public: no message in any server channel named the reporter.
    for channel in [ids::GENERAL_CHANNEL, ids::QUEUE_CHANNEL] {
        assert!(
            app.fake
                .requests_matching(Method::POST, &format!("/channels/{channel}/messages"))
                .is_empty()
        );
    }
    app.assert_discord_traffic_valid();
}

mod store {
    //! The moderation queries on both backends.

    use chrono::{DateTime, SubsecRound, TimeDelta, Utc};
    use safe_button::domain::case::{CaseStatus, ReportSource};
    use safe_button::domain::protection::{ActionStatus, ProtectionKind, RequestedBy, Withheld};
    use safe_button::domain::queue::{Outcome, Transition, next};
    use safe_button::domain::reason::Reason;
    use safe_button::store::{
        CaseRecord, CaseUpdate, Finished, InteractionToken, ModerationStep, NewAuditEntry,
        NewEvidence, NewProtectiveAction, NewQuestion, NewReport, NewStatsEvent, StepOutcome,
    };

    use crate::support::db::store_ids::{ALICE, BOB, GUILD, MODERATOR, REPORTED};
    use crate::support::db::{TestDb, both_backends};

    fn at(minutes: i64) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2025-03-14T10:00:00Z")
            .unwrap()
            .to_utc()
            .trunc_subsecs(6)
            + TimeDelta::minutes(minutes)
    }

    fn report(reporter: i64, reason: Reason, now: DateTime<Utc>) -> NewReport {
        NewReport {
            guild_id: GUILD,
            reported_user_id: REPORTED,
            reporter_user_id: reporter,
            victim_user_id: reporter,
            reason,
            details: None,
            source: ReportSource::Slash,
            evidence: None,
            merge_window: TimeDelta::hours(24),
            now,
            stats_hour: "2025-03-14T10".to_owned(),
            reported_pseudonym: None,
            help_card: None,
            reporter_pseudonym: rate_pseudonym(reporter),
        }
    }

    fn rate_pseudonym(reporter: i64) -> String {
        format!("rate-limit-of-{reporter}")
    }

    both_backends!(
        moderation_steps_counts_and_lists,
        only_the_first_moderator_step_times_the_case,
        the_outline_finds_each_part_of_a_case
    );

    /// The queue post reads only the parts its outline finds: each flag must turn on with
    /// the first row of its part, and agree with the read it spares.
    async fn the_outline_finds_each_part_of_a_case(db: TestDb) {
        let store = &db.store;
        let first = store
            .record_report(report(ALICE, Reason::Harassment, at(0)))
            .await
            .unwrap();
        let case = case_of(store, first.case_id).await;
        let outline = |now| {
            let case = &case;
            async move {
                let mut reads = store.reads().await.unwrap();
                reads.case_outline(case, now).await.unwrap()
            }
        };
        let fresh = outline(at(1)).await;
        assert_eq!(
            (
                fresh.prior_cases,
                fresh.has_evidence,
                fresh.has_actions,
                fresh.has_audit
            ),
            (0, false, false, false)
        );
        assert!(!fresh.has_questions && !fresh.member_muted);

        let mut with_evidence = report(BOB, Reason::Harassment, at(2));
        with_evidence.evidence = Some(NewEvidence {
            message_id: 5000,
            channel_id: 77,
            author_id: REPORTED,
            content: Some("the message".to_owned()),
            attachment_urls: Vec::new(),
            attachments: Vec::new(),
            message_created_at: at(1),
            message_edited_at: None,
        });
        assert!(store.record_report(with_evidence).await.unwrap().merged);
        let mute = NewProtectiveAction {
            case_id: case.id,
            kind: ProtectionKind::Mute,
            target_user_id: REPORTED,
            protected_user_id: None,
            requested_by: RequestedBy::Victim,
            actor_user_id: Some(ALICE),
            status: ActionStatus::Applied,
            detail: None,
            expires_at: Some(at(60)),
            now: at(3),
        };
        let step = ModerationStep {
            new_action: Some(mute),
            audit: Some(NewAuditEntry {
                guild_id: GUILD,
                case_id: Some(case.id),
                actor_user_id: MODERATOR,
                action: "mute".parse().unwrap(),
                detail: None,
                now: at(3),
            }),
            now: Some(at(3)),
            ..ModerationStep::default()
        };
        store.record_step(&step).await.unwrap();
        store
            .ask_question(&NewQuestion {
                guild_id: GUILD,
                case_id: case.id,
                report_id: first.report_id,
                asked_by: MODERATOR,
                text: "Where did it happen?".to_owned(),
                locale: "en-US".to_owned(),
                interaction: (InteractionToken("token".to_owned()), at(4)),
                now: at(4),
            })
            .await
            .unwrap();

        let full = outline(at(5)).await;
        let mut reads = store.reads().await.unwrap();
        assert!(full.has_evidence && !reads.evidence_of_case(case.id).await.unwrap().is_empty());
        assert!(
            full.has_actions
                && !reads
                    .protective_actions_of_case(case.id)
                    .await
                    .unwrap()
                    .is_empty()
        );
        assert!(full.has_audit && !reads.audit_of_case(case.id).await.unwrap().is_empty());
        assert!(full.has_questions && !reads.questions_of_case(case.id).await.unwrap().is_empty());
        assert!(full.member_muted);
        assert!(!outline(at(61)).await.member_muted, "the mute ran out");

        // A later case against the member counts this one; the member's mute shows on it too.
        let mut later = report(ALICE, Reason::Harassment, at(6));
        later.merge_window = TimeDelta::zero();
        let later = store.record_report(later).await.unwrap();
        assert!(!later.merged);
        let mut reads = store.reads().await.unwrap();
        let of_later = reads
            .case_outline(&case_of(store, later.case_id).await, at(7))
            .await
            .unwrap();
        assert_eq!(of_later.prior_cases, 1);
        assert!(of_later.member_muted && !of_later.has_actions && !of_later.has_evidence);
    }

    async fn case_of(store: &safe_button::store::Store, case_id: i64) -> CaseRecord {
        store.case_by_id(case_id).await.unwrap().unwrap()
    }

    /// `/stats` reports the median time to a case's *first* moderator action; statistics
    /// rows carry no case link, so the store keeps the duration on the first step only.
    async fn only_the_first_moderator_step_times_the_case(db: TestDb) {
        let store = &db.store;
        let case = store
            .record_report(report(ALICE, Reason::Harassment, at(0)))
            .await
            .unwrap();
        let step = |action: &str, minutes: i64| ModerationStep {
            audit: Some(NewAuditEntry {
                guild_id: GUILD,
                case_id: Some(case.case_id),
                actor_user_id: MODERATOR,
                action: action.parse().expect("an audit action"),
                detail: None,
                now: at(minutes),
            }),
            stats: vec![NewStatsEvent {
                guild_id: GUILD,
                occurred_hour: "2025-03-14T10".to_owned(),
                kind: safe_button::domain::statistics::EventKind::ModeratorAction,
                reason: Reason::Harassment,
                action: Some(action.to_owned()),
                outcome: None,
                duration_seconds: Some(minutes * 60),
            }],
            now: Some(at(minutes)),
            ..ModerationStep::default()
        };
        // A reveal is not a moderator step on the case itself.
        store.record_step(&step("reveal", 1)).await.unwrap();
        store.record_step(&step("claim", 5)).await.unwrap();
        store.record_step(&step("mute", 9)).await.unwrap();
        // Only the claim, the first step, has its time to first action counted: 5 minutes.
        let minutes = db
            .strings_raw(
                "SELECT CAST(minute AS TEXT) || ':' || CAST(cases AS TEXT)
                 FROM stats_first_action_minutes",
            )
            .await;
        assert_eq!(minutes, [Some("5:1".to_owned())]);
        let hours = db
            .strings_raw(
                "SELECT CAST(hour AS TEXT) || ':' || CAST(cases AS TEXT)
                 FROM stats_first_action_hours",
            )
            .await;
        assert_eq!(hours, [Some("0:1".to_owned())]);
    }

    async fn moderation_steps_counts_and_lists(db: TestDb) {
        let store = &db.store;
        store.migrate().await.unwrap();
        let first = store
            .record_report(report(ALICE, Reason::Harassment, at(0)))
            .await
            .unwrap();
        let second = store
            .record_report(report(BOB, Reason::Harassment, at(1)))
            .await
            .unwrap();
        assert_eq!(first.case_id, second.case_id);
        store
            .set_protection_withheld(second.report_id, Withheld::NewMember)
            .await
            .unwrap();
        assert_eq!(
            store.protection_withheld(second.report_id).await.unwrap(),
            Some(Withheld::NewMember)
        );
        assert_eq!(
            store
                .eligible_reporters_since(GUILD, REPORTED, at(-60))
                .await
                .unwrap(),
            1
        );
        assert_eq!(
            store
                .reports_by_reporter_since(GUILD, &rate_pseudonym(BOB), at(0))
                .await
                .unwrap(),
            1
        );
        assert_eq!(
            store
                .reports_by_reporter_since(GUILD, &rate_pseudonym(BOB), at(2))
                .await
                .unwrap(),
            0
        );

        // A shield and a mute; only the running shield of an active case is loaded.
        let action = |kind, status, expires_at| NewProtectiveAction {
            case_id: first.case_id,
            kind,
            target_user_id: REPORTED,
            protected_user_id: Some(ALICE),
            requested_by: RequestedBy::Victim,
            actor_user_id: Some(ALICE),
            status,
            detail: None,
            expires_at,
            now: at(2),
        };
        for new_action in [
            action(ProtectionKind::Shield, ActionStatus::Applied, Some(at(600))),
            action(ProtectionKind::Shield, ActionStatus::Applied, Some(at(3))),
            action(ProtectionKind::Mute, ActionStatus::Failed, None),
        ] {
            let step = ModerationStep {
                new_action: Some(new_action),
                ..ModerationStep::default()
            };
            assert!(matches!(
                store.record_step(&step).await.unwrap(),
                StepOutcome::Written { action_id: Some(_) }
            ));
        }
        let shields = store.active_shields(at(5)).await.unwrap();
        assert_eq!(shields.len(), 1, "the expired one is not loaded");
        assert_eq!(shields[0].protected_user_id, ALICE);
        assert_eq!(shields[0].expires_at, Some(at(600)));

        // Resolve, with its audit row; the same transition again finds the case moved.
        let case = store.case_by_id(first.case_id).await.unwrap().unwrap();
        let change = next(
            case.status,
            None,
            Transition::Resolve(Outcome::Warned),
            MODERATOR,
        )
        .unwrap()
        .unwrap();
        let step = ModerationStep {
            case_update: Some(CaseUpdate {
                case_id: case.id,
                expected: CaseStatus::Open,
                change,
            }),
            audit: Some(NewAuditEntry {
                guild_id: GUILD,
                case_id: Some(case.id),
                actor_user_id: MODERATOR,
                action: "resolve".parse().unwrap(),
                detail: None,
                now: at(10),
            }),
            now: Some(at(10)),
            ..ModerationStep::default()
        };
        assert!(matches!(
            store.record_step(&step).await.unwrap(),
            StepOutcome::Written { .. }
        ));
        assert_eq!(
            store.record_step(&step).await.unwrap(),
            StepOutcome::CaseMoved
        );
        assert_eq!(
            store.audit_of_case(case.id).await.unwrap().len(),
            1,
            "nothing half-written"
        );
        let resolved = store.case_by_id(case.id).await.unwrap().unwrap();
        assert_eq!(resolved.status, CaseStatus::Resolved);
        assert_eq!(resolved.closed_at, Some(at(10)));
        assert_eq!(resolved.outcome.as_deref(), Some("resolved:warned"));
        assert!(
            store.active_shields(at(5)).await.unwrap().is_empty(),
            "closed case"
        );

        // Undo of an action already undone writes nothing.
        let actions = store.protective_actions_of_case(case.id).await.unwrap();
        let undo = ModerationStep {
            reverts: vec![actions[0].id],
            ..ModerationStep::default()
        };
        assert!(matches!(
            store.record_step(&undo).await.unwrap(),
            StepOutcome::Written { .. }
        ));
        assert_eq!(
            store.record_step(&undo).await.unwrap(),
            StepOutcome::AlreadyReverted
        );

        // Lists: active by default, by status, by reason, paged.
        let other = store
            .record_report(report(ALICE, Reason::Threats, at(2000)))
            .await
            .unwrap();
        assert_eq!(
            store.list_cases(GUILD, None, None, 10, 0).await.unwrap(),
            (vec![other.case_id], 1)
        );
        assert_eq!(
            store
                .list_cases(GUILD, Some(CaseStatus::Resolved), None, 10, 0)
                .await
                .unwrap(),
            (vec![case.id], 1)
        );
        assert_eq!(
            store
                .list_cases(
                    GUILD,
                    Some(CaseStatus::Open),
                    Some(Reason::Harassment),
                    10,
                    0
                )
                .await
                .unwrap(),
            (vec![], 0)
        );
        assert_eq!(
            store.cases_against(GUILD, REPORTED, 1).await.unwrap(),
            vec![other.case_id]
        );
        // The queue post's ids are recorded by the delivery that posted it.
        let claimed = store
            .claim_due_deliveries(Utc::now(), std::time::Duration::from_secs(15), 100)
            .await
            .unwrap();
        let delivery = claimed.iter().find(|d| d.case_id == case.id).unwrap();
        let posted = Finished::Posted {
            channel_id: 5,
            message_id: 6,
        };
        assert!(
            store
                .finish_delivery(delivery, posted, Utc::now())
                .await
                .unwrap()
        );
        let posted = store.case_by_id(case.id).await.unwrap().unwrap();
        assert_eq!(
            (posted.queue_channel_id, posted.queue_message_id),
            (Some(5), Some(6))
        );
    }
}

#[tokio::test]
async fn the_queue_post_uses_the_server_language_whatever_the_reporters() {
    let app = spawn_app_with_queue().await;
    app.set_settings(&[("language", "en-US")]).await;
    // The reporter's client is in French: their answer is French, the moderators' post is
    // in the server's English.
    let filed = report(&app, ids::ALICE, ids::BILAL).await;
    assert!(
        filed.text().contains("Ton signalement est enregistré"),
        "{}",
        filed.text()
    );
    let (_, post) = queue_post(&app, &filed).await;
    let english = app
        .slash(
            ids::EMMA,
            "en-US",
            "report",
            json!([
                { "name": "user", "type": 6, "value": ids::DIMITRI.to_string() },
                { "name": "reason", "type": 4, "value": 0 }
            ]),
        )
        .await;
    deferred_answer(&app, &english).await;
    let posts = wait_for_queue_posts(&app, 2).await;
    let french_reporter_post = serde_json::to_string(&post).unwrap();
    let english_reporter_post = serde_json::to_string(posts[1].body.as_ref().unwrap()).unwrap();
    for post in [&french_reporter_post, &english_reporter_post] {
        assert!(post.contains("Harassment"), "{post}");
        assert!(!post.contains("Harcèlement"), "{post}");
    }
    app.assert_discord_traffic_valid();
}

#[tokio::test]
async fn a_timeout_belongs_to_the_member_and_is_never_shortened_by_another_case() {
    let app = spawn_app_with_queue().await;
    let (first, first_post) = report_queued(&app, ids::ALICE, ids::BILAL).await;
    let answer = moderator_choose(&app, "mute", "28d", first.case.id, &first_post).await;
    assert!(answer.contains("est rendu muet jusqu'au"), "{answer}");
    let patch = app.wait_for(Method::PATCH, &member_path(ids::BILAL)).await;
    let end = timeout_end(&patch).unwrap();
    assert!(
        end <= Utc::now() + TimeDelta::days(28) - TimeDelta::seconds(59),
        "a minute short of Discord's 28 days, for clock skew: {end}"
    );
    let answer =
        moderator_choose(&app, "resolve", "action_taken", first.case.id, &first_post).await;
    assert!(answer.contains("est résolu"), "{answer}");
    assert!(
        is_timed_out(&app, ids::BILAL),
        "a moderator's mute outlives its case"
    );
    assert_eq!(timeouts_of(&app, ids::BILAL).len(), 1);

    // A new case against the same member: the victim's 24 h mute would shorten 28 days.
    let second = report(&app, ids::CHLOE, ids::BILAL).await;
    assert_ne!(second.case.id, first.case.id);
    let (second_post, body) = nth_queue_post(&app, &second, 1).await;
    assert!(
        custom_ids(&body).contains(&format!("sb:q:unmute:{}", second.case.id)),
        "the member's running mute can be lifted from the new case: {body}"
    );
    assert!(
        body.to_string().contains(first.case.reference.as_str()),
        "the embed says which case muted the member: {body}"
    );
    let text = press(&app, &second, ids::CHLOE, "mute").await;
    assert!(text.contains("déjà rendue muette"), "{text}");
    tokio::time::sleep(SETTLE).await;
    assert_eq!(
        timeouts_of(&app, ids::BILAL).len(),
        1,
        "no PATCH shortening the timeout"
    );
    assert!(app.actions_of(second.case.id).await.is_empty());

    // Unmuting from the new case lifts the member's timeout and the first case's mute.
    let text = moderator_presses(&app, "unmute", second.case.id, &second_post).await;
    assert!(text.contains("peut de nouveau parler"), "{text}");
    assert!(!is_timed_out(&app, ids::BILAL));
    let first_actions = app.actions_of(first.case.id).await;
    assert_eq!(first_actions[0].status, ActionStatus::Reverted);

    // The moderator's mute counts as a moderator action in the statistics.
    let today = Utc::now().date_naive();
    let aggregates = app
        .store
        .stats_aggregates(
            ids::GUILD.cast_signed(),
            today - TimeDelta::days(1),
            today + TimeDelta::days(1),
        )
        .await
        .unwrap();
    assert!(
        aggregates
            .moderator_actions
            .iter()
            .any(|(code, count)| code.as_str() == "mute" && *count == 1),
        "{:?}",
        aggregates.moderator_actions
    );
    app.assert_discord_traffic_valid();
}

#[tokio::test]
async fn once_a_moderator_claims_the_case_neither_the_victim_nor_the_rule_mutes() {
    let app = spawn_app_with_queue().await;
    let (filed, post) = report_queued(&app, ids::ALICE, ids::BILAL).await;
    moderator_presses(&app, "claim", filed.case.id, &post).await;

    let text = press(&app, &filed, ids::ALICE, "mute").await;
    assert!(text.contains("Un modérateur examine déjà"), "{text}");
    // Two more reporters reach the threshold, but the case is the moderator's now.
    report(&app, ids::CHLOE, ids::BILAL).await;
    let third = report(&app, ids::DIMITRI, ids::BILAL).await;
    assert_eq!(third.case.id, filed.case.id, "merged");
    tokio::time::sleep(SETTLE).await;
    assert!(timeouts_of(&app, ids::BILAL).is_empty());
    assert!(app.actions_of(filed.case.id).await.is_empty());
    app.assert_discord_traffic_valid();
}

#[tokio::test]
async fn the_automatic_mute_runs_once_per_case_even_after_a_moderator_lifts_it() {
    let app = spawn_app_with_queue().await;
    let (first, post) = report_queued(&app, ids::ALICE, ids::BILAL).await;
    report(&app, ids::CHLOE, ids::BILAL).await;
    report(&app, ids::DIMITRI, ids::BILAL).await;
    app.wait_for(Method::PATCH, &member_path(ids::BILAL)).await;
    assert!(
        moderator_presses(&app, "unmute", first.case.id, &post)
            .await
            .contains("peut de nouveau parler")
    );
    assert_eq!(timeouts_of(&app, ids::BILAL).len(), 2, "mute, then unmute");
    // A fourth reporter does not bring the mute back over the moderator's decision.
    report(&app, ids::EMMA, ids::BILAL).await;
    tokio::time::sleep(SETTLE).await;
    assert_eq!(timeouts_of(&app, ids::BILAL).len(), 2);
    assert!(!is_timed_out(&app, ids::BILAL));
    app.assert_discord_traffic_valid();
}

#[tokio::test]
async fn dismissed_reports_do_not_count_towards_the_automatic_mute() {
    let app = spawn_app_with_queue().await;
    let (first, post) = report_queued(&app, ids::ALICE, ids::BILAL).await;
    report(&app, ids::CHLOE, ids::BILAL).await;
    let answer = moderator_choose(&app, "dismiss", "unfounded", first.case.id, &post).await;
    assert!(answer.contains("est classé"), "{answer}");
    let next = report(&app, ids::DIMITRI, ids::BILAL).await;
    assert_ne!(next.case.id, first.case.id);
    tokio::time::sleep(SETTLE).await;
    assert!(
        timeouts_of(&app, ids::BILAL).is_empty(),
        "two dismissed reporters and one new are not three"
    );
    app.assert_discord_traffic_valid();
}

fn dms_to(app: &TestApp, user: u64) -> Vec<Value> {
    app.fake
        .dm_channel_of(user)
        .map_or_else(Vec::new, |channel| {
            app.fake
                .requests_matching(Method::POST, &format!("/channels/{channel}/messages"))
                .into_iter()
                .filter_map(|request| request.body)
                .collect()
        })
}

/// Dismissing a case lifts the mute its victim asked for, and tells the reporter (or not)
/// as the server chose.
async fn dismiss_lifts_the_victims_mute(notify: bool) {
    let app = spawn_app_with_queue().await;
    app.set_settings(&[("notify_reporter_on_close", &notify.to_string())])
        .await;
    let (filed, post) = report_queued(&app, ids::ALICE, ids::BILAL).await;
    let text = press(&app, &filed, ids::ALICE, "mute").await;
    assert!(text.contains("rendue muette jusqu'au"), "{text}");
    assert!(is_timed_out(&app, ids::BILAL));
    let dms_before = dms_to(&app, ids::ALICE).len();

    let answer = moderator_choose(&app, "dismiss", "unfounded", filed.case.id, &post).await;
    assert!(answer.contains("est classé"), "{answer}");
    let lifted = wait_for_timeouts(&app, ids::BILAL, 2).await;
    assert_eq!(
        lifted[1].body.as_ref().unwrap()["communication_disabled_until"],
        Value::Null
    );
    assert!(
        lifted[1]
            .audit_log_reason()
            .unwrap()
            .contains(filed.case.reference.as_str())
    );
    assert!(!is_timed_out(&app, ids::BILAL));
    let actions = app.actions_of(filed.case.id).await;
    assert_eq!(actions[0].status, ActionStatus::Reverted);
    assert_eq!(actions[0].actor_user_id, Some(ids::ALICE.cast_signed()));
    assert_eq!(
        moderator_audit(&app, filed.case.id).await,
        ["dismiss", "unmute"]
    );

    tokio::time::sleep(SETTLE).await;
    let dms = dms_to(&app, ids::ALICE);
    if notify {
        assert_eq!(dms.len(), dms_before + 1, "{dms:?}");
        let notice = dms[dms_before]["content"].as_str().unwrap();
        assert!(notice.contains("a été examiné"), "{notice}");
        for word in ["muet", "banni", "classé", "infondé", "sourdine"] {
            assert!(!notice.contains(word), "no sanction detail: {notice}");
        }
    } else {
        assert_eq!(dms.len(), dms_before, "no closing DM: {dms:?}");
    }
    app.assert_discord_traffic_valid();
}

#[tokio::test]
async fn dismissing_lifts_the_victims_mute_and_tells_the_reporter_when_allowed() {
    dismiss_lifts_the_victims_mute(true).await;
}

#[tokio::test]
async fn dismissing_without_notice_sends_no_dm() {
    dismiss_lifts_the_victims_mute(false).await;
}

#[tokio::test]
async fn a_failed_undo_shows_as_failed_in_the_history() {
    let app = spawn_app_with_queue().await;
    let (filed, post) = report_queued(&app, ids::ALICE, ids::BILAL).await;
    moderator_choose(&app, "mute", "1h", filed.case.id, &post).await;
    wait_for_edits(&app, &post, 1).await;
    app.fake.script(
        Method::PATCH,
        "/guilds/*/members/*",
        Scripted::missing_permissions(),
        1,
    );
    let text = moderator_presses(&app, "unmute", filed.case.id, &post).await;
    assert!(text.contains("Discord a refusé"), "{text}");
    assert!(is_timed_out(&app, ids::BILAL));
    let history_of = |edited: &Value| {
        edited["embeds"][0]["fields"]
            .as_array()
            .unwrap()
            .iter()
            .find(|field| field["name"] == "Historique")
            .and_then(|field| field["value"].as_str())
            .unwrap_or_default()
            .to_owned()
    };
    let edited = wait_for_edit_showing(&app, &post, |edited| {
        history_of(edited).lines().count() == 2
    })
    .await;
    let history = history_of(&edited);
    let lines: Vec<&str> = history.lines().collect();
    assert_eq!(lines.len(), 2, "{history}");
    assert!(
        lines[0].contains("a rendu muet") && !lines[0].contains("ÉCHEC"),
        "{history}"
    );
    assert!(
        lines[1].contains("a levé la sourdine") && lines[1].contains("ÉCHEC"),
        "the failed undo is not shown as done: {history}"
    );
    assert!(
        custom_ids(&edited).contains(&format!("sb:q:unmute:{}", filed.case.id)),
        "still muted: the undo is still offered"
    );
    app.assert_discord_traffic_valid();
}

#[tokio::test]
async fn a_queue_button_pressed_in_a_dm_is_answered() {
    const DM_CHANNEL: u64 = 4242;
    let app = spawn_app().await;
    let filed = report(&app, ids::ALICE, ids::BILAL).await;
    let alice = app
        .fake
        .member(ids::GUILD, ids::ALICE)
        .expect("Alice is a member")
        .user;
    let press = app
        .fake
        .send_interaction(
            InteractionBuilder::component(
                &format!("sb:q:claim:{}", filed.case.id),
                2,
                MessageBuilder::new(
                    DM_CHANNEL,
                    &crate::support::fake_discord::bot_user(),
                    "card",
                )
                .build(),
            )
            .in_dm(&alice, DM_CHANNEL)
            .locale("fr"),
        )
        .await;
    let callback = app.wait_for(Method::POST, &press.callback_path()).await;
    let body = callback.body.unwrap();
    assert_eq!(body["data"]["flags"], 64, "{body}");
    assert!(
        body["data"]["content"]
            .as_str()
            .unwrap()
            .contains("ne fonctionne que dans un serveur"),
        "{body}"
    );
    let case = app.case(filed.case.id).await;
    assert_eq!(case.status, CaseStatus::Open);
    app.assert_discord_traffic_valid();
}

#[tokio::test]
async fn a_post_whose_channel_is_gone_is_posted_again() {
    let app = spawn_app_with_queue().await;
    let (filed, post) = report_queued(&app, ids::ALICE, ids::BILAL).await;
    app.fake.script(
        Method::PATCH,
        "/channels/*/messages/*",
        Scripted::error(404, 10003, "Unknown Channel"),
        1,
    );
    moderator_presses(&app, "claim", filed.case.id, &post).await;
    let posts = wait_for_queue_posts(&app, 2).await;
    assert!(
        posts[1]
            .body
            .as_ref()
            .unwrap()
            .to_string()
            .contains("Pris en charge")
    );
    let old = post.clone();
    let case = app
        .case_once(filed.case.id, |case| {
            case.queue_message_id
                .is_some_and(|id| !old.ends_with(&format!("/{id}")))
        })
        .await;
    assert_ne!(
        format!(
            "/channels/{}/messages/{}",
            ids::QUEUE_CHANNEL,
            case.queue_message_id.unwrap()
        ),
        post,
        "the new post is remembered"
    );
    app.assert_discord_traffic_valid();
}

#[tokio::test]
async fn a_witness_is_named_nowhere_in_the_queue_post() {
    let app = spawn_app_with_queue().await;
    app.set_settings(&[("reporter_sealed", "true")]).await;
    let filed = report_with(
        &app,
        ids::EMMA,
        ids::BILAL,
        &[json!({ "name": "victim", "type": 6, "value": ids::CHLOE.to_string() })],
    )
    .await;
    let (post, body) = queue_post(&app, &filed).await;
    let whole = body.to_string();
    assert!(
        whole.contains(&ids::CHLOE.to_string()),
        "the victim is shown"
    );
    assert!(
        !whole.contains(&ids::EMMA.to_string()),
        "the witness is sealed, in the body and the components: {whole}"
    );
    moderator_presses(&app, "claim", filed.case.id, &post).await;
    let edited = wait_for_edits(&app, &post, 1).await;
    assert!(!edited.to_string().contains(&ids::EMMA.to_string()));
    app.assert_discord_traffic_valid();
}

#[tokio::test]
async fn reveal_show_and_history_are_refused_to_non_moderators_without_a_trace() {
    let app = spawn_app().await;
    let filed = report(&app, ids::ALICE, ids::BILAL).await;
    let reference = filed.case.reference.as_str().to_owned();
    for options in [
        json!([{ "name": "reveal", "type": 1, "options": [
            { "name": "reference", "type": 3, "value": reference },
            { "name": "reason", "type": 3, "value": "curiosité" }
        ] }]),
        json!([{ "name": "show", "type": 1, "options": [
            { "name": "reference", "type": 3, "value": reference }
        ] }]),
        json!([{ "name": "history", "type": 1, "options": [
            { "name": "member", "type": 6, "value": ids::BILAL.to_string() }
        ] }]),
    ] {
        let sent = app.slash(ids::CHLOE, "fr", "cases", options).await;
        let refusal = assert_refused_to_members(&app, &sent).await;
        let text = refusal["content"].as_str().unwrap();
        assert!(!text.contains(&ids::ALICE.to_string()), "{refusal}");
        assert!(!text.contains(&reference), "{refusal}");
    }
    tokio::time::sleep(SETTLE).await;
    assert!(app.audit_of(filed.case.id).await.is_empty(), "no audit row");
    app.assert_discord_traffic_valid();
}

#[tokio::test]
async fn a_case_of_another_server_is_refused_to_every_button() {
    let app = spawn_app().await;
    let filed = report(&app, ids::ALICE, ids::BILAL).await;
    let elsewhere = app
        .store
        .record_report(safe_button::store::NewReport {
            guild_id: 1_187_000_000_000_000_777,
            reported_user_id: ids::BILAL.cast_signed(),
            reporter_user_id: ids::ALICE.cast_signed(),
            victim_user_id: ids::ALICE.cast_signed(),
            reason: safe_button::domain::reason::Reason::Harassment,
            details: None,
            source: safe_button::domain::case::ReportSource::Slash,
            evidence: None,
            merge_window: TimeDelta::hours(24),
            now: Utc::now(),
            stats_hour: "2025-03-14T10".to_owned(),
            reported_pseudonym: None,
            help_card: None,
            reporter_pseudonym: "9f2c4e".to_owned(),
        })
        .await
        .unwrap();
    let acknowledgement = app.fake.original_response(&filed.sent).unwrap();
    for custom_id in [
        format!("sb:q:claim:{}", elsewhere.case_id),
        format!("sb:q:unmute:{}", elsewhere.case_id),
    ] {
        let press = click(
            &app,
            ids::MODERATOR,
            ids::QUEUE_CHANNEL,
            &custom_id,
            acknowledgement.clone(),
        )
        .await;
        let body = app
            .wait_for(Method::POST, &press.callback_path())
            .await
            .body
            .unwrap();
        assert!(
            body["data"]["content"]
                .as_str()
                .unwrap()
                .contains("n'existe plus"),
            "{custom_id}: {body}"
        );
    }
    for custom_id in [
        format!("sb:p:mute:{}", elsewhere.case_id),
        format!("sb:p:shield:{}", elsewhere.case_id),
    ] {
        let press = click(
            &app,
            ids::ALICE,
            ids::GENERAL_CHANNEL,
            &custom_id,
            acknowledgement.clone(),
        )
        .await;
        let text = deferred_answer(&app, &press).await;
        assert!(text.contains("Seule la personne"), "{custom_id}: {text}");
    }
    tokio::time::sleep(SETTLE).await;
    let case = app.case(elsewhere.case_id).await;
    assert_eq!(case.status, CaseStatus::Open);
    assert!(app.actions_of(elsewhere.case_id).await.is_empty());
    assert!(app.audit_of(elsewhere.case_id).await.is_empty());
    assert!(timeouts_of(&app, ids::BILAL).is_empty());
    app.assert_discord_traffic_valid();
}
