//! The storage layer against real databases: every test runs on `SQLite` and, when
//! `TEST_POSTGRES_URL` is set, on `PostgreSQL`.

use std::time::Duration;

use chrono::{DateTime, SubsecRound, TimeDelta, Utc};
use safe_button::domain::case::{CaseReference, CaseStatus, HelpCardDelivery, ReportSource};
use safe_button::domain::queue::AuditAction;
use safe_button::domain::reason::Reason;
use safe_button::store::{
    NewAuditEntry, NewEvidence, NewReport, PendingReport, RecordedReport, Store, StoreError,
    StoredSetting,
};

use crate::support::db::store_ids::{ALICE, BOB, CAROL, GUILD, MODERATOR, OTHER_GUILD, REPORTED};
use crate::support::db::{AuditRow, Backend, TestDb, back_to_default, both_backends, setting};

/// A fixed instant with nanoseconds, which the store must keep to the microsecond.
fn at(seconds_later: i64) -> DateTime<Utc> {
    let start: DateTime<Utc> = "2025-03-14T09:26:53.123456789Z".parse().expect("instant");
    start + TimeDelta::seconds(seconds_later)
}

fn micros(instant: DateTime<Utc>) -> DateTime<Utc> {
    instant.trunc_subsecs(6)
}

const MERGE_WINDOW_HOURS: i64 = 24;

fn report(reporter: i64, reported: i64, now: DateTime<Utc>) -> NewReport {
    NewReport {
        guild_id: GUILD,
        reported_user_id: reported,
        reporter_user_id: reporter,
        victim_user_id: reporter,
        reason: Reason::Harassment,
        details: Some(format!("reported by {reporter}")),
        source: ReportSource::Slash,
        evidence: None,
        merge_window: TimeDelta::hours(MERGE_WINDOW_HOURS),
        now,
        stats_hour: "2025-03-14T10".to_owned(),
        reported_pseudonym: Some("9f2c4e".to_owned()),
        help_card: None,
        reporter_pseudonym: format!("rate-limit-of-{reporter}"),
    }
}

/// The table and column a `CorruptRow` error names, if that is the error.
fn corrupt_column<T>(result: &Result<T, StoreError>) -> Option<(&'static str, &str)> {
    match result {
        Err(StoreError::CorruptRow { table, column, .. }) => Some((table, column.as_str())),
        _ => None,
    }
}

async fn set_status_raw(db: &TestDb, case_id: i64, status: &str) {
    let changed = db
        .execute_raw(&format!(
            "UPDATE cases SET status = '{status}' WHERE id = {case_id}"
        ))
        .await
        .expect("update the case status");
    assert_eq!(changed, 1);
}

both_backends!(
    migrations_apply_and_can_run_again,
    guild_membership_follows_joins_and_leaves,
    settings_are_set_updated_and_reset_per_server,
    a_first_report_opens_a_case_with_its_report_and_evidence,
    reports_within_the_window_merge_and_count_each_reporters_reports,
    simultaneous_reports_against_one_member_share_one_case,
    a_claimed_case_still_takes_reports,
    reports_after_the_window_or_after_closing_open_new_cases,
    references_are_unique_and_found_by_what_people_type,
    help_card_delivery_reaches_the_report_and_its_statistics,
    the_audit_log_is_append_only,
    pending_reports_are_taken_once_and_expire,
    corrupt_stored_values_are_errors_not_panics,
);

async fn migrations_apply_and_can_run_again(db: TestDb) {
    let expected = match db.backend {
        Backend::Sqlite => "sqlite",
        Backend::Postgres => "postgresql",
    };
    assert_eq!(db.store.backend_name(), expected);
    db.store.migrate().await.expect("migrations are idempotent");
    for table in [
        "guilds",
        "guild_settings",
        "cases",
        "reports",
        "evidence",
        "protective_actions",
        "audit_log",
        "stats_days",
        "stats_first_action_hours",
        "stats_first_action_minutes",
        "stats_reported_weeks",
        "stats_repeated_members",
        "pending_reports",
    ] {
        let rows = db
            .integer_raw(&format!("SELECT COUNT(*) FROM {table}"))
            .await;
        assert_eq!(rows, 0, "{table} starts empty");
    }
}

async fn guild_membership_follows_joins_and_leaves(db: TestDb) {
    let store = &db.store;
    assert_eq!(store.guild(GUILD).await.unwrap(), None);
    store
        .mark_guild_left(GUILD, at(0))
        .await
        .expect("leaving an unknown server is a no-op");
    assert_eq!(store.guild(GUILD).await.unwrap(), None);

    store.upsert_guild_joined(GUILD, at(0)).await.unwrap();
    store.upsert_guild_joined(GUILD, at(60)).await.unwrap();
    let seen_twice = store.guild(GUILD).await.unwrap().expect("guild row");
    assert_eq!(
        seen_twice.joined_at,
        micros(at(0)),
        "a restart keeps the first join"
    );
    assert_eq!(seen_twice.left_at, None);

    store.mark_guild_left(GUILD, at(120)).await.unwrap();
    let left = store.guild(GUILD).await.unwrap().expect("guild row");
    assert_eq!(left.left_at, Some(micros(at(120))));

    store.upsert_guild_joined(GUILD, at(180)).await.unwrap();
    let back = store.guild(GUILD).await.unwrap().expect("guild row");
    assert_eq!((back.joined_at, back.left_at), (micros(at(180)), None));
}

async fn settings_are_set_updated_and_reset_per_server(db: TestDb) {
    let store = &db.store;
    assert!(store.guild_settings(GUILD).await.unwrap().is_empty());

    for (guild, key, value, actor, seconds) in [
        (GUILD, "timezone", "Europe/Paris", MODERATOR, 0),
        (GUILD, "language", "fr", MODERATOR, 1),
        (OTHER_GUILD, "language", "en-US", ALICE, 2),
        (GUILD, "timezone", "America/Montreal", ALICE, 3),
    ] {
        store
            .change_guild_settings(guild, &[setting(key, value)], actor, at(seconds))
            .await
            .unwrap();
    }

    assert_eq!(
        store.guild_settings(GUILD).await.unwrap(),
        vec![
            StoredSetting {
                key: "language".to_owned(),
                value: "fr".to_owned(),
                updated_by: Some(MODERATOR),
                updated_at: micros(at(1)),
            },
            StoredSetting {
                key: "timezone".to_owned(),
                value: "America/Montreal".to_owned(),
                updated_by: Some(ALICE),
                updated_at: micros(at(3)),
            },
        ]
    );

    // Reset twice: the second finds the default already and removes nothing more.
    for seconds in [4, 5] {
        store
            .change_guild_settings(GUILD, &[back_to_default("language")], ALICE, at(seconds))
            .await
            .unwrap();
    }
    let keys: Vec<String> = store
        .guild_settings(GUILD)
        .await
        .unwrap()
        .into_iter()
        .map(|setting| setting.key)
        .collect();
    assert_eq!(keys, ["timezone"]);
    let other = store.guild_settings(OTHER_GUILD).await.unwrap();
    assert_eq!(other.len(), 1);
    assert_eq!(other[0].value, "en-US");

    // Every change is audited on its server, with who made it.
    let audited = |actor: i64, detail: &str| AuditRow {
        actor_user_id: actor,
        detail: Some(detail.to_owned()),
    };
    assert_eq!(
        db.audit_of_guild(GUILD, AuditAction::SettingSet.as_str())
            .await,
        [
            audited(MODERATOR, "timezone=Europe/Paris"),
            audited(MODERATOR, "language=fr"),
            audited(ALICE, "timezone=America/Montreal"),
        ]
    );
    assert_eq!(
        db.audit_of_guild(GUILD, AuditAction::SettingReset.as_str())
            .await,
        [audited(ALICE, "language"), audited(ALICE, "language")]
    );
    assert_eq!(
        db.audit_of_guild(OTHER_GUILD, AuditAction::SettingSet.as_str())
            .await,
        [audited(ALICE, "language=en-US")]
    );
}

async fn a_first_report_opens_a_case_with_its_report_and_evidence(db: TestDb) {
    let store = &db.store;
    let evidence = NewEvidence {
        message_id: 1_300_000_000_000_000_001,
        channel_id: 1_300_000_000_000_000_002,
        author_id: REPORTED,
        content: Some("you will regret it".to_owned()),
        attachment_urls: vec![
            "https://cdn.discordapp.com/attachments/1/2/a.png".to_owned(),
            "https://cdn.discordapp.com/attachments/1/3/b, \"c\".png".to_owned(),
        ],
        attachments: Vec::new(),
        message_created_at: at(-300),
        message_edited_at: Some(at(-200)),
    };
    let new_report = NewReport {
        victim_user_id: BOB,
        reason: Reason::Threats,
        source: ReportSource::MessageMenu,
        evidence: Some(evidence.clone()),
        ..report(ALICE, REPORTED, at(0))
    };
    let recorded = store.record_report(new_report).await.unwrap();
    assert!(!recorded.merged);
    assert_eq!(recorded.reporter_reports_in_window, 1);
    assert_eq!(
        CaseReference::parse(recorded.reference.as_str()),
        Ok(recorded.reference.clone())
    );

    let case = store
        .case_by_reference(GUILD, &recorded.reference)
        .await
        .unwrap()
        .expect("the case is found by its reference");
    assert_eq!(case.id, recorded.case_id);
    assert_eq!(case.reference, recorded.reference);
    assert_eq!(
        (case.guild_id, case.reported_user_id, case.victim_user_id),
        (GUILD, REPORTED, BOB)
    );
    assert_eq!(
        (case.reason, case.status),
        (Reason::Threats, CaseStatus::Open)
    );
    assert_eq!(
        (case.created_at, case.last_report_at),
        (micros(at(0)), micros(at(0)))
    );
    assert_eq!(
        (case.claimed_by, case.outcome.as_deref(), case.closed_at),
        (None, None, None)
    );
    assert_eq!((case.queue_channel_id, case.queue_message_id), (None, None));
    assert_eq!(case.evidence_purged_at, None);
    assert_eq!(
        store.case_by_id(recorded.case_id).await.unwrap(),
        Some(case)
    );
    assert_eq!(
        store
            .case_by_reference(OTHER_GUILD, &recorded.reference)
            .await
            .unwrap(),
        None
    );
    assert_eq!(
        store.case_by_id(recorded.case_id + 1000).await.unwrap(),
        None
    );

    let reports = store.reports_of_case(recorded.case_id).await.unwrap();
    assert_eq!(reports.len(), 1);
    let filed = &reports[0];
    assert_eq!(filed.id, recorded.report_id);
    assert_eq!((filed.case_id, filed.guild_id), (recorded.case_id, GUILD));
    assert_eq!(
        (filed.reporter_user_id, filed.victim_user_id),
        (Some(ALICE), BOB)
    );
    assert!(filed.is_witness, "Alice reported for Bob");
    assert_eq!(filed.reason, Reason::Threats);
    assert_eq!(
        filed.details.as_deref(),
        Some(format!("reported by {ALICE}").as_str())
    );
    assert_eq!(filed.source, ReportSource::MessageMenu);
    assert_eq!(filed.help_card, HelpCardDelivery::Pending);
    assert_eq!(
        (filed.created_at, filed.reporter_erased_at),
        (micros(at(0)), None)
    );

    let stored_evidence = store.evidence_of_case(recorded.case_id).await.unwrap();
    assert_eq!(stored_evidence.len(), 1);
    let snapshot = &stored_evidence[0];
    assert_eq!(
        (snapshot.case_id, snapshot.report_id),
        (recorded.case_id, recorded.report_id)
    );
    assert_eq!(
        (snapshot.message_id, snapshot.channel_id, snapshot.author_id),
        (evidence.message_id, evidence.channel_id, evidence.author_id)
    );
    assert_eq!(snapshot.content, evidence.content);
    assert_eq!(snapshot.attachment_urls, evidence.attachment_urls);
    assert_eq!(snapshot.message_created_at, micros(at(-300)));
    assert_eq!(snapshot.message_edited_at, Some(micros(at(-200))));
    assert_eq!(snapshot.captured_at, micros(at(0)));

    let opened = db
        .integer_raw(
            "SELECT events FROM stats_days
             WHERE kind = 'case_opened' AND reason = 'threats' AND code = ''
               AND day = '2025-03-14'",
        )
        .await;
    assert_eq!(opened, 1);
    let reported = db
        .integer_raw(
            "SELECT reports FROM stats_reported_weeks
             WHERE pseudonym = '9f2c4e' AND week = '2025-03-10'",
        )
        .await;
    assert_eq!(reported, 1, "counted in the week of that Friday");
}

async fn reports_within_the_window_merge_and_count_each_reporters_reports(db: TestDb) {
    let store = &db.store;
    let first = store
        .record_report(report(ALICE, REPORTED, at(0)))
        .await
        .unwrap();
    let again = store
        .record_report(report(ALICE, REPORTED, at(60)))
        .await
        .unwrap();
    assert!(again.merged);
    assert_eq!(
        (again.case_id, &again.reference),
        (first.case_id, &first.reference)
    );
    assert_eq!(
        again.reporter_reports_in_window, 2,
        "the reporter's second report this hour"
    );

    let last_minute = at(MERGE_WINDOW_HOURS * 3600 + 59);
    let second = store
        .record_report(report(BOB, REPORTED, last_minute))
        .await
        .unwrap();
    assert!(
        second.merged,
        "within the window of the last report, not of the first"
    );
    assert_eq!(second.case_id, first.case_id);
    assert_eq!(
        second.reporter_reports_in_window, 1,
        "another reporter's count"
    );
    assert_ne!(second.report_id, again.report_id);

    let case = store
        .case_by_id(first.case_id)
        .await
        .unwrap()
        .expect("case");
    assert_eq!(case.last_report_at, micros(last_minute));
    let reporters: Vec<_> = store
        .reports_of_case(first.case_id)
        .await
        .unwrap()
        .into_iter()
        .map(|filed| filed.reporter_user_id)
        .collect();
    assert_eq!(reporters, [Some(ALICE), Some(ALICE), Some(BOB)]);
    let merged_events = db
        .integer_raw(
            "SELECT CAST(SUM(events) AS BIGINT) FROM stats_days WHERE kind = 'report_merged'",
        )
        .await;
    assert_eq!(merged_events, 2);

    let claimed_case = store
        .record_report(report(CAROL, REPORTED, last_minute))
        .await
        .unwrap();
    assert_eq!(distinct_reporters(store, claimed_case.case_id).await, 3);

    // Another member, or the same member in another server, is another case.
    let other_member = store
        .record_report(report(ALICE, CAROL, at(61)))
        .await
        .unwrap();
    assert!(!other_member.merged);
    let elsewhere = NewReport {
        guild_id: OTHER_GUILD,
        ..report(BOB, REPORTED, at(62))
    };
    let elsewhere = store.record_report(elsewhere).await.unwrap();
    assert!(!elsewhere.merged);
    assert_eq!(
        prior_cases(store, &elsewhere, OTHER_GUILD).await,
        0,
        "cases of another server do not count"
    );
}

async fn simultaneous_reports_against_one_member_share_one_case(db: TestDb) {
    let reporters: Vec<i64> = (0..8).map(|n| ALICE + 1000 + n).collect();
    let tasks: Vec<_> = reporters
        .iter()
        .map(|&reporter| {
            let store = db.store.clone();
            tokio::spawn(
                async move { store.record_report(report(reporter, REPORTED, at(0))).await },
            )
        })
        .collect();
    let mut recorded = Vec::new();
    for task in tasks {
        recorded.push(task.await.expect("task").expect("report recorded"));
    }
    let case_ids: std::collections::HashSet<_> = recorded.iter().map(|r| r.case_id).collect();
    assert_eq!(case_ids.len(), 1, "one case, not {}", case_ids.len());
    assert_eq!(recorded.iter().filter(|r| !r.merged).count(), 1);
    let case_id = recorded[0].case_id;
    assert_eq!(distinct_reporters(&db.store, case_id).await, 8);
}

/// Distinct members who reported on the case.
async fn distinct_reporters(store: &Store, case_id: i64) -> usize {
    let reports = store.reports_of_case(case_id).await.unwrap();
    let reporters: std::collections::HashSet<_> = reports
        .iter()
        .map(|report| report.reporter_user_id)
        .collect();
    reporters.len()
}

/// Cases opened before `recorded`'s against the same member in `guild_id`.
async fn prior_cases(store: &Store, recorded: &RecordedReport, guild_id: i64) -> i64 {
    let case = store.case_by_id(recorded.case_id).await.unwrap().unwrap();
    assert_eq!((case.guild_id, case.reported_user_id), (guild_id, REPORTED));
    let mut reads = store.reads().await.unwrap();
    reads
        .case_outline(&case, Utc::now())
        .await
        .unwrap()
        .prior_cases
}

async fn a_claimed_case_still_takes_reports(db: TestDb) {
    let first = db
        .store
        .record_report(report(ALICE, REPORTED, at(0)))
        .await
        .unwrap();
    set_status_raw(&db, first.case_id, "claimed").await;
    let second = db
        .store
        .record_report(report(BOB, REPORTED, at(10)))
        .await
        .unwrap();
    assert!(second.merged);
    assert_eq!(second.case_id, first.case_id);
}

async fn reports_after_the_window_or_after_closing_open_new_cases(db: TestDb) {
    let store = &db.store;
    let first = store
        .record_report(report(ALICE, REPORTED, at(0)))
        .await
        .unwrap();
    let too_late = at(MERGE_WINDOW_HOURS * 3600 + 1);
    let second = store
        .record_report(report(BOB, REPORTED, too_late))
        .await
        .unwrap();
    assert!(!second.merged);
    assert_ne!(second.case_id, first.case_id);
    assert_ne!(second.reference, first.reference);
    assert_eq!(distinct_reporters(store, second.case_id).await, 1);
    assert_eq!(prior_cases(store, &second, GUILD).await, 1);

    set_status_raw(&db, second.case_id, "resolved").await;
    let after_resolution = store
        .record_report(report(BOB, REPORTED, too_late + TimeDelta::seconds(5)))
        .await
        .unwrap();
    assert!(
        !after_resolution.merged,
        "a resolved case takes no new report"
    );
    assert_eq!(prior_cases(store, &after_resolution, GUILD).await, 2);

    set_status_raw(&db, after_resolution.case_id, "dismissed").await;
    let after_dismissal = store
        .record_report(report(CAROL, REPORTED, too_late + TimeDelta::seconds(9)))
        .await
        .unwrap();
    assert!(
        !after_dismissal.merged,
        "a dismissed case takes no new report"
    );
    assert_eq!(prior_cases(store, &after_dismissal, GUILD).await, 3);
}

async fn references_are_unique_and_found_by_what_people_type(db: TestDb) {
    let mut references = std::collections::HashSet::new();
    for member in 0..40 {
        let recorded = db
            .store
            .record_report(report(ALICE, REPORTED + 100 + member, at(member)))
            .await
            .unwrap();
        assert!(!recorded.merged);
        assert!(
            references.insert(recorded.reference.clone()),
            "duplicate {}",
            recorded.reference
        );

        let typed = format!("#{}", recorded.reference.as_str().to_lowercase());
        let parsed = CaseReference::parse(&typed).expect("a reference parses as typed");
        let case = db
            .store
            .case_by_reference(GUILD, &parsed)
            .await
            .unwrap()
            .expect("found");
        assert_eq!(case.id, recorded.case_id);
    }
    let unique = db
        .integer_raw("SELECT COUNT(DISTINCT reference) FROM cases")
        .await;
    assert_eq!(unique, 40);
}

async fn help_card_delivery_reaches_the_report_and_its_statistics(db: TestDb) {
    let store = &db.store;
    let sent = store
        .record_report(report(ALICE, REPORTED, at(0)))
        .await
        .unwrap();
    let failed = store
        .record_report(report(BOB, REPORTED, at(1)))
        .await
        .unwrap();
    store
        .set_help_card_delivery(sent.report_id, HelpCardDelivery::DmSent)
        .await
        .unwrap();
    store
        .set_help_card_delivery(failed.report_id, HelpCardDelivery::DmFailed)
        .await
        .unwrap();

    let cards: Vec<_> = store
        .reports_of_case(sent.case_id)
        .await
        .unwrap()
        .into_iter()
        .map(|filed| filed.help_card)
        .collect();
    assert_eq!(
        cards,
        [HelpCardDelivery::DmSent, HelpCardDelivery::DmFailed]
    );
    let delivered = db
        .integer_raw(
            "SELECT CAST(SUM(events) AS BIGINT) FROM stats_days
             WHERE kind = 'help_card' AND code = 'delivered'",
        )
        .await;
    let not_delivered = db
        .integer_raw(
            "SELECT CAST(SUM(events) AS BIGINT) FROM stats_days
             WHERE kind = 'help_card' AND code = 'not_delivered'",
        )
        .await;
    assert_eq!((delivered, not_delivered), (1, 1));

    let missing = store
        .set_help_card_delivery(sent.report_id + 1000, HelpCardDelivery::DmSent)
        .await;
    assert!(
        matches!(missing, Err(StoreError::NotFound { entity: "report" })),
        "{missing:?}"
    );
}

async fn the_audit_log_is_append_only(db: TestDb) {
    let store = &db.store;
    let case = store
        .record_report(report(ALICE, REPORTED, at(0)))
        .await
        .unwrap();
    let claim = NewAuditEntry {
        guild_id: GUILD,
        case_id: Some(case.case_id),
        actor_user_id: MODERATOR,
        action: AuditAction::Claim,
        detail: None,
        now: at(10),
    };
    let reveal = NewAuditEntry {
        action: AuditAction::Reveal,
        detail: Some("the reporter asked to be contacted".to_owned()),
        now: at(20),
        ..claim.clone()
    };
    let config = NewAuditEntry {
        case_id: None,
        action: AuditAction::SettingSet,
        ..claim.clone()
    };
    let claim_id = store.append_audit(&claim).await.unwrap();
    store.append_audit(&config).await.unwrap();
    let reveal_id = store.append_audit(&reveal).await.unwrap();

    let trail = store.audit_of_case(case.case_id).await.unwrap();
    let summary: Vec<_> = trail
        .iter()
        .map(|entry| {
            (
                entry.id,
                entry.action.as_str(),
                entry.detail.as_deref(),
                entry.created_at,
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            (claim_id, "claim", None, micros(at(10))),
            (
                reveal_id,
                "reveal",
                Some("the reporter asked to be contacted"),
                micros(at(20))
            ),
        ]
    );
    assert!(
        trail
            .iter()
            .all(|entry| entry.guild_id == GUILD && entry.actor_user_id == MODERATOR)
    );

    let update = db
        .execute_raw("UPDATE audit_log SET action = 'case.nothing'")
        .await;
    assert!(update.is_err(), "an update must be refused: {update:?}");
    let delete = db
        .execute_raw(&format!("DELETE FROM audit_log WHERE id = {claim_id}"))
        .await;
    assert!(delete.is_err(), "a delete must be refused: {delete:?}");
    assert!(format!("{}", delete.unwrap_err()).contains("append-only"));
    assert_eq!(store.audit_of_case(case.case_id).await.unwrap(), trail);
    assert_eq!(db.integer_raw("SELECT COUNT(*) FROM audit_log").await, 3);
}

async fn pending_reports_are_taken_once_and_expire(db: TestDb) {
    let store = &db.store;
    let payload = r#"{"message_id":"1300000000000000001","content":"hi"}"#;
    store
        .save_pending_report("tok-fresh", GUILD, ALICE, payload, at(0))
        .await
        .unwrap();
    store
        .save_pending_report("tok-stale", GUILD, BOB, payload, at(-3600))
        .await
        .unwrap();
    store
        .save_pending_report("tok-swept", GUILD, CAROL, payload, at(-7200))
        .await
        .unwrap();

    // Someone else's token, or the reporter's token from another server: nothing taken,
    // nothing removed.
    for (guild, reporter) in [(GUILD, BOB), (OTHER_GUILD, ALICE)] {
        let forged = store
            .take_pending_report("tok-fresh", guild, reporter, at(-900))
            .await
            .unwrap();
        assert_eq!(forged, None, "taken by {reporter} in {guild}");
    }
    let taken = store
        .take_pending_report("tok-fresh", GUILD, ALICE, at(-900))
        .await
        .unwrap();
    assert_eq!(
        taken,
        Some(PendingReport {
            id: "tok-fresh".to_owned(),
            guild_id: GUILD,
            reporter_user_id: ALICE,
            payload: payload.to_owned(),
            created_at: micros(at(0)),
        })
    );
    assert_eq!(
        store
            .take_pending_report("tok-fresh", GUILD, ALICE, at(-900))
            .await
            .unwrap(),
        None,
        "taken once"
    );
    assert_eq!(
        store
            .take_pending_report("tok-stale", GUILD, BOB, at(-900))
            .await
            .unwrap(),
        None,
        "expired"
    );
    assert_eq!(
        db.integer_raw("SELECT COUNT(*) FROM pending_reports WHERE id = 'tok-stale'")
            .await,
        0
    );

    store
        .save_pending_report("tok-kept", GUILD, ALICE, payload, at(0))
        .await
        .unwrap();
    assert_eq!(
        store
            .delete_expired_pending_reports(at(-900))
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        store
            .delete_expired_pending_reports(at(-900))
            .await
            .unwrap(),
        0
    );
    let kept = store
        .take_pending_report("tok-kept", GUILD, ALICE, at(-900))
        .await
        .unwrap();
    assert_eq!(kept.map(|pending| pending.reporter_user_id), Some(ALICE));
}

async fn corrupt_stored_values_are_errors_not_panics(db: TestDb) {
    let store = &db.store;
    let evidence = NewEvidence {
        message_id: 1,
        channel_id: 2,
        author_id: REPORTED,
        content: None,
        attachment_urls: Vec::new(),
        attachments: Vec::new(),
        message_created_at: at(-5),
        message_edited_at: None,
    };
    let recorded = store
        .record_report(NewReport {
            evidence: Some(evidence),
            ..report(ALICE, REPORTED, at(0))
        })
        .await
        .unwrap();
    let case_id = recorded.case_id;
    assert_eq!(
        store.evidence_of_case(case_id).await.unwrap()[0].attachment_urls,
        Vec::<String>::new()
    );

    set_status_raw(&db, case_id, "reopened").await;
    let by_id = store.case_by_id(case_id).await;
    assert_eq!(
        corrupt_column(&by_id),
        Some(("cases", "status")),
        "{by_id:?}"
    );
    let by_reference = store.case_by_reference(GUILD, &recorded.reference).await;
    assert_eq!(
        corrupt_column(&by_reference),
        Some(("cases", "status")),
        "{by_reference:?}"
    );
    // Merging must not trip over the corrupt case either: it is simply not active.
    let next = store
        .record_report(report(BOB, REPORTED, at(1)))
        .await
        .unwrap();
    assert!(!next.merged);

    db.execute_raw(&format!(
        "UPDATE reports SET source = 'carrier-pigeon' WHERE case_id = {case_id}"
    ))
    .await
    .unwrap();
    let reports = store.reports_of_case(case_id).await;
    assert_eq!(
        corrupt_column(&reports),
        Some(("reports", "source")),
        "{reports:?}"
    );

    db.execute_raw(&format!(
        "UPDATE evidence SET attachment_urls = 'not json' WHERE case_id = {case_id}"
    ))
    .await
    .unwrap();
    let evidence = store.evidence_of_case(case_id).await;
    assert_eq!(
        corrupt_column(&evidence),
        Some(("evidence", "attachment_urls")),
        "{evidence:?}"
    );

    db.execute_raw(&format!(
        "UPDATE cases SET status = 'open', reference = 'lowercase!' WHERE id = {case_id}"
    ))
    .await
    .unwrap();
    let bad_reference = store.case_by_id(case_id).await;
    assert_eq!(
        corrupt_column(&bad_reference),
        Some(("cases", "reference")),
        "{bad_reference:?}"
    );
    set_status_raw(&db, next.case_id, "resolved").await;
    let reports_before = db.integer_raw("SELECT COUNT(*) FROM reports").await;
    let merge_into_corrupt = store.record_report(report(CAROL, REPORTED, at(2))).await;
    assert_eq!(
        corrupt_column(&merge_into_corrupt),
        Some(("cases", "reference")),
        "{merge_into_corrupt:?}"
    );
    assert_eq!(
        db.integer_raw("SELECT COUNT(*) FROM reports").await,
        reports_before,
        "nothing half-recorded"
    );
}

#[tokio::test]
async fn sqlite_garbage_timestamps_are_corrupt_rows() {
    crate::support::db::on_sqlite(|db| async move {
        db.store
            .save_pending_report("tok", GUILD, ALICE, "{}", at(0))
            .await
            .unwrap();
        db.execute_raw("UPDATE pending_reports SET created_at = 'last tuesday'")
            .await
            .unwrap();
        let taken = db
            .store
            .take_pending_report("tok", GUILD, ALICE, at(-60))
            .await;
        assert_eq!(
            corrupt_column(&taken),
            Some(("pending_reports", "created_at")),
            "{taken:?}"
        );
    })
    .await;
}

#[tokio::test]
async fn sqlite_connect_creates_the_folder_and_file_in_wal_mode() {
    let folder = tempfile::TempDir::new().unwrap();
    let database = folder
        .path()
        .join("data")
        .join("nested")
        .join("safe-button.db");
    assert!(!database.parent().unwrap().exists());

    for url in [
        format!("sqlite://{}", database.display()),
        database.display().to_string(),
    ] {
        let store = Store::connect(&url, 2)
            .await
            .expect("connect creates what is missing");
        assert_eq!(store.backend_name(), "sqlite");
        store.migrate().await.unwrap();
        store
            .change_guild_settings(GUILD, &[setting("language", "fr")], ALICE, at(0))
            .await
            .unwrap();
        assert!(database.is_file());

        let mut raw = <sqlx::SqliteConnection as sqlx::Connection>::connect(&format!(
            "sqlite://{}",
            database.display()
        ))
        .await
        .unwrap();
        let journal_mode: String = sqlx::query_scalar("PRAGMA journal_mode")
            .fetch_one(&mut raw)
            .await
            .unwrap();
        assert_eq!(journal_mode, "wal");
        drop(raw);

        store.close().await;
    }
    let reopened = Store::connect(&database.display().to_string(), 1)
        .await
        .unwrap();
    assert_eq!(
        reopened.guild_settings(GUILD).await.unwrap().len(),
        1,
        "data survives a close"
    );
    reopened.close().await;
}

#[tokio::test]
async fn unknown_database_urls_are_refused_clearly() {
    for url in ["mysql://localhost/safe", "", "   "] {
        let refused = Store::connect(url, 1).await;
        assert!(
            matches!(refused, Err(StoreError::InvalidUrl(_))),
            "{url}: {refused:?}"
        );
    }
    let message = Store::connect("mysql://localhost/safe", 1)
        .await
        .unwrap_err()
        .to_string();
    assert!(
        message.contains("mysql") && message.contains("postgres://"),
        "{message}"
    );
}

both_backends!(work_runs_in_one_process_at_a_time);

/// The retention purge runs in one process at a time: on PostgreSQL a second process asking
/// while the first works is told so; SQLite serves one process and always runs.
async fn work_runs_in_one_process_at_a_time(db: TestDb) {
    const KEY: i64 = 42;
    let other = safe_button::store::Store::connect(db.url(), 2)
        .await
        .unwrap();
    let (started, release) = (tokio::sync::Notify::new(), tokio::sync::Notify::new());
    let first = db.store.exclusively(KEY, async {
        started.notify_one();
        release.notified().await;
        Ok(1)
    });
    let second = async {
        started.notified().await;
        let outcome = other.exclusively(KEY, async { Ok(2) }).await.unwrap();
        release.notify_one();
        outcome
    };
    let (first, second) = tokio::join!(first, second);
    assert_eq!(first.unwrap(), Some(1));
    let postgres = db.url().starts_with("postgres");
    assert_eq!(second, if postgres { None } else { Some(2) });
    assert_eq!(
        other.exclusively(KEY, async { Ok(3) }).await.unwrap(),
        Some(3),
        "released"
    );
}

both_backends!(case_steps_are_serialised_across_processes);

/// Two processes (two stores) applying steps to one case wait for each other on PostgreSQL;
/// other cases do not wait. SQLite serves one process: its lock is the bot's own.
async fn case_steps_are_serialised_across_processes(db: TestDb) {
    let other = safe_button::store::Store::connect(db.url(), 2)
        .await
        .unwrap();
    let held = db.store.lock_case(7).await.unwrap();
    let elsewhere = tokio::time::timeout(Duration::from_secs(5), other.lock_case(8)).await;
    assert!(elsewhere.is_ok(), "another case does not wait");
    let waiting = tokio::spawn(async move {
        let started = tokio::time::Instant::now();
        let _second = other.lock_case(7).await.unwrap();
        started.elapsed()
    });
    tokio::time::sleep(Duration::from_millis(400)).await;
    drop(held);
    let waited = waiting.await.unwrap();
    if db.url().starts_with("postgres") {
        assert!(waited >= Duration::from_millis(350), "waited {waited:?}");
    } else {
        assert!(waited < Duration::from_millis(350), "waited {waited:?}");
    }
}

both_backends!(changes_to_a_case_coalesce_into_one_pending_queue_post);

/// Several changes to a case leave one pending queue post; a change arriving while a worker
/// carries it out keeps it pending for one more edit instead of being lost.
async fn changes_to_a_case_coalesce_into_one_pending_queue_post(db: TestDb) {
    let store = &db.store;
    let now = Utc::now();
    let case = store
        .record_report(report(ALICE, REPORTED, now))
        .await
        .unwrap();
    store
        .record_report(report(BOB, REPORTED, now))
        .await
        .unwrap();
    let lease = Duration::from_secs(15);
    let claimed = store
        .claim_due_deliveries(Utc::now(), lease, 10)
        .await
        .unwrap();
    assert_eq!(
        claimed.len(),
        1,
        "one pending post for two reports: {claimed:?}"
    );
    let post = &claimed[0];
    assert_eq!((post.case_id, post.revision), (case.case_id, 1));
    assert!(
        store
            .claim_due_deliveries(Utc::now(), lease, 10)
            .await
            .unwrap()
            .is_empty(),
        "a leased delivery is not claimed twice"
    );

    // A third report arrives while the post is being carried out.
    store
        .record_report(report(CAROL, REPORTED, now))
        .await
        .unwrap();
    let ended = store
        .finish_delivery(post, safe_button::store::Finished::Done, Utc::now())
        .await
        .unwrap();
    assert!(!ended, "the newer revision keeps the post pending");
    let again = store
        .claim_due_deliveries(Utc::now(), lease, 10)
        .await
        .unwrap();
    assert_eq!(again.len(), 1);
    assert_eq!((again[0].id, again[0].revision), (post.id, 2));
    assert!(
        store
            .finish_delivery(&again[0], safe_button::store::Finished::Done, Utc::now())
            .await
            .unwrap()
    );
    assert_eq!(store.pending_deliveries().await.unwrap(), 0);
}
