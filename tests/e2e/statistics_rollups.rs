//! Statistics as roll-ups (SPEC §7): the same published answers as the events they replace,
//! written by the report and step path and folded by the migration from the events; their
//! retention by day.

use std::collections::BTreeSet;

use chrono::{NaiveDate, TimeDelta, Utc};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use safe_button::discord::render::stats as render;
use safe_button::domain::case::{HelpCardDelivery, ReportSource};
use safe_button::domain::pseudonym::Pseudonymizer;
use safe_button::domain::queue::AuditAction;
use safe_button::domain::reason::Reason;
use safe_button::domain::statistics::{
    self, Aggregates, EventKind, Period, Published, Statistics, week_start,
};
use safe_button::i18n::Texts;
use safe_button::store::{ModerationStep, NewAuditEntry, NewReport, NewStatsEvent};

use crate::support::db::{Backend, Schema, TestDb, both_backends};

const GUILD: i64 = 4_200_000_000_000_000_001;
const MODERATOR: i64 = 4_200_000_000_000_000_099;
const MEMBERS: i64 = 4_300_000_000_000_000_000;
const K: u64 = 5;

/// One thing that happened on the server, at a local hour `YYYY-MM-DDTHH`.
#[derive(Clone, Debug)]
enum Happening {
    Report {
        member: i64,
        reason: Reason,
        help_card: Option<bool>,
    },
    Protective {
        report: usize,
        action: &'static str,
    },
    Moderator {
        report: usize,
        action: AuditAction,
        seconds: i64,
    },
    Closed {
        report: usize,
        action: AuditAction,
        seconds: i64,
    },
}

/// A random history of about 14 months up to today, in order, recent weeks busier than old
/// ones (so that cells are both small and large): every reason, repeated members, help card
/// outcomes, actions with their times since the case opened.
fn history(seed: u64) -> Vec<(String, Happening)> {
    let mut rng = StdRng::seed_from_u64(seed);
    let today = Utc::now().date_naive();
    let mut hours: Vec<String> = (0..700)
        .map(|index| {
            let days_back = if index % 3 == 0 {
                rng.random_range(0..430)
            } else {
                rng.random_range(0..40)
            };
            let day = today - TimeDelta::days(days_back);
            format!("{}T{:02}", day.format("%Y-%m-%d"), rng.random_range(0..24))
        })
        .collect();
    hours.sort();
    let mut reports = 0;
    hours
        .into_iter()
        .map(|hour| {
            let roll = rng.random_range(0..10);
            if reports == 0 || roll < 6 {
                reports += 1;
                let happening = Happening::Report {
                    member: rng.random_range(0..60),
                    reason: Reason::ALL[rng.random_range(0..Reason::ALL.len())],
                    help_card: [None, Some(true), Some(true), Some(false)][rng.random_range(0..4)],
                };
                return (hour, happening);
            }
            let report = rng.random_range(0..reports);
            let seconds = rng.random_range(0..250_000);
            let happening = match roll {
                6 => Happening::Protective {
                    report,
                    action: ["mute", "shield"][rng.random_range(0..2)],
                },
                9 => Happening::Closed {
                    report,
                    action: [AuditAction::Resolve, AuditAction::Dismiss][rng.random_range(0..2)],
                    seconds,
                },
                _ => Happening::Moderator {
                    report,
                    action: [AuditAction::Claim, AuditAction::Mute, AuditAction::Ban]
                        [rng.random_range(0..3)],
                    seconds,
                },
            };
            (hour, happening)
        })
        .collect()
}

/// Writes a history twice: through the store (the roll-ups, in `live`) and as the events
/// the previous release wrote (in `old`, a database at migration 0007).
struct Writer {
    pseudonyms: Pseudonymizer,
    /// Per report of the history: its case and the case's reason.
    cases: Vec<(i64, Reason)>,
    /// Cases that had a moderator step already (the next one is not their first).
    stepped: BTreeSet<i64>,
}

impl Writer {
    fn new() -> Writer {
        Writer {
            pseudonyms: Pseudonymizer::new(&[5; 32]).unwrap(),
            cases: Vec::new(),
            stepped: BTreeSet::new(),
        }
    }

    async fn write(&mut self, live: &TestDb, old: &TestDb, hour: &str, happening: &Happening) {
        match happening {
            Happening::Report {
                member,
                reason,
                help_card,
            } => {
                self.report(live, old, hour, *member, *reason, *help_card)
                    .await;
            }
            Happening::Protective { report, action } => {
                let (_, reason) = self.cases[*report];
                let event = step_event(
                    hour,
                    EventKind::ProtectiveAction,
                    reason,
                    Some(action),
                    None,
                );
                record_step(live, event.clone(), None).await;
                insert_event(old, &event, None).await;
            }
            Happening::Moderator {
                report,
                action,
                seconds,
            } => {
                self.step(
                    live,
                    old,
                    hour,
                    *report,
                    *action,
                    EventKind::ModeratorAction,
                    *seconds,
                )
                .await;
            }
            Happening::Closed {
                report,
                action,
                seconds,
            } => {
                self.step(
                    live,
                    old,
                    hour,
                    *report,
                    *action,
                    EventKind::CaseClosed,
                    *seconds,
                )
                .await;
            }
        }
    }

    async fn report(
        &mut self,
        live: &TestDb,
        old: &TestDb,
        hour: &str,
        member: i64,
        reason: Reason,
        help_card: Option<bool>,
    ) {
        let reported = MEMBERS + member;
        let pseudonym = self.pseudonyms.pseudonym(GUILD, reported);
        let recorded = live
            .store
            .record_report(new_report(&self.pseudonyms, reported, reason, hour))
            .await
            .unwrap();
        let case_reason = if recorded.merged {
            self.cases
                .iter()
                .find(|(case_id, _)| *case_id == recorded.case_id)
                .map_or(reason, |(_, reason)| *reason)
        } else {
            reason
        };
        self.cases.push((recorded.case_id, case_reason));
        let kind = if recorded.merged {
            "report_merged"
        } else {
            "case_opened"
        };
        old.execute_raw(&format!(
            "INSERT INTO stats_events (guild_id, occurred_hour, kind, reason, reported_pseudonym,
                                       created_at)
             VALUES ({GUILD}, '{hour}', '{kind}', '{}', '{pseudonym}', '{}')",
            reason.as_str(),
            Utc::now().to_rfc3339()
        ))
        .await
        .unwrap();
        if let Some(delivered) = help_card {
            let outcome = if delivered {
                HelpCardDelivery::DmSent
            } else {
                HelpCardDelivery::DmFailed
            };
            live.store
                .set_help_card_delivery(recorded.report_id, outcome)
                .await
                .unwrap();
            old.execute_raw(&format!(
                "UPDATE stats_events SET help_card_delivered = {}
                 WHERE id = (SELECT MAX(id) FROM stats_events)",
                if delivered { "TRUE" } else { "FALSE" }
            ))
            .await
            .unwrap();
        }
    }

    /// A moderator step with its audit entry: its time counts only if it is the case's
    /// first (the previous release kept the duration of the first moderator action only).
    #[allow(clippy::too_many_arguments)]
    async fn step(
        &mut self,
        live: &TestDb,
        old: &TestDb,
        hour: &str,
        report: usize,
        action: AuditAction,
        kind: EventKind,
        seconds: i64,
    ) {
        let (case_id, reason) = self.cases[report];
        let first = self.stepped.insert(case_id);
        let (code, outcome) = if kind == EventKind::CaseClosed {
            (None, Some(action.as_str()))
        } else {
            (Some(action.as_str()), None)
        };
        let mut event = step_event(hour, kind, reason, code, outcome);
        event.duration_seconds = Some(seconds);
        let audit = NewAuditEntry {
            guild_id: GUILD,
            case_id: Some(case_id),
            actor_user_id: MODERATOR,
            action,
            detail: None,
            now: Utc::now(),
        };
        record_step(live, event.clone(), Some(audit)).await;
        let kept = (kind != EventKind::ModeratorAction || first).then_some(seconds);
        insert_event(old, &event, kept).await;
    }
}

fn new_report(pseudonyms: &Pseudonymizer, reported: i64, reason: Reason, hour: &str) -> NewReport {
    let reporter = reported + 1_000;
    NewReport {
        guild_id: GUILD,
        reported_user_id: reported,
        reporter_user_id: reporter,
        victim_user_id: reporter,
        reason,
        details: None,
        source: ReportSource::Slash,
        evidence: None,
        merge_window: TimeDelta::hours(24),
        // The hour taken as UTC: reports merge as they would have at the time.
        now: chrono::NaiveDateTime::parse_from_str(&format!("{hour}:00"), "%Y-%m-%dT%H:%M")
            .unwrap()
            .and_utc(),
        stats_hour: hour.to_owned(),
        reported_pseudonym: Some(pseudonyms.pseudonym(GUILD, reported)),
        help_card: None,
        reporter_pseudonym: pseudonyms.reporter_pseudonym(GUILD, reporter),
    }
}

fn step_event(
    hour: &str,
    kind: EventKind,
    reason: Reason,
    action: Option<&str>,
    outcome: Option<&str>,
) -> NewStatsEvent {
    NewStatsEvent {
        guild_id: GUILD,
        occurred_hour: hour.to_owned(),
        kind,
        reason,
        action: action.map(str::to_owned),
        outcome: outcome.map(str::to_owned),
        duration_seconds: None,
    }
}

async fn record_step(live: &TestDb, event: NewStatsEvent, audit: Option<NewAuditEntry>) {
    let step = ModerationStep {
        audit,
        stats: vec![event],
        ..ModerationStep::default()
    };
    live.store.record_step(&step).await.unwrap();
}

/// The step's event as the previous release inserted it.
async fn insert_event(old: &TestDb, event: &NewStatsEvent, duration_seconds: Option<i64>) {
    let text = |value: Option<&str>| value.map_or("NULL".to_owned(), |value| format!("'{value}'"));
    old.execute_raw(&format!(
        "INSERT INTO stats_events (guild_id, occurred_hour, kind, reason, action, outcome,
                                   duration_seconds, created_at)
         VALUES ({GUILD}, '{}', '{}', '{}', {}, {}, {}, '{}')",
        event.occurred_hour,
        event.kind.as_str(),
        event.reason.as_str(),
        text(event.action.as_deref()),
        text(event.outcome.as_deref()),
        duration_seconds.map_or("NULL".to_owned(), |seconds| seconds.to_string()),
        Utc::now().to_rfc3339()
    ))
    .await
    .unwrap();
}

/// The previous release's aggregation of `stats_events` (its five queries, each row read as
/// text), kept here to compare the roll-ups with.
async fn event_aggregates(old: &TestDb, first_day: NaiveDate, last_day: NaiveDate) -> Aggregates {
    let window = format!(
        "guild_id = {GUILD} AND occurred_hour >= '{}T00' AND occurred_hour <= '{}T99'",
        first_day.format("%Y-%m-%d"),
        last_day.format("%Y-%m-%d")
    );
    let rows = |sql: String| async move {
        old.strings_raw(&sql)
            .await
            .into_iter()
            .map(|row| {
                row.unwrap()
                    .split('|')
                    .map(str::to_owned)
                    .collect::<Vec<_>>()
            })
            .collect::<Vec<_>>()
    };
    let mut aggregates = Aggregates::default();
    for row in rows(format!(
        "SELECT substr(occurred_hour, 1, 10) || '|' || reason || '|' || CAST(COUNT(*) AS TEXT)
         FROM stats_events WHERE {window} AND kind = 'case_opened' AND reason IS NOT NULL
         GROUP BY substr(occurred_hour, 1, 10), reason"
    ))
    .await
    {
        let day = row[0].parse().unwrap();
        aggregates
            .cases_by_day
            .push((day, row[1].parse().unwrap(), row[2].parse().unwrap()));
    }
    for row in rows(format!(
        "SELECT kind || '|' || action || '|' || CAST(COUNT(*) AS TEXT)
         FROM stats_events WHERE {window}
           AND kind IN ('protective_action', 'moderator_action') AND action IS NOT NULL
         GROUP BY kind, action"
    ))
    .await
    {
        let counted = (
            statistics::Code::new(&row[1]).unwrap(),
            row[2].parse().unwrap(),
        );
        if row[0] == "protective_action" {
            aggregates.protective_actions.push(counted);
        } else {
            aggregates.moderator_actions.push(counted);
        }
    }
    let mut seconds: Vec<i64> = rows(format!(
        "SELECT CAST(duration_seconds AS TEXT) FROM stats_events
         WHERE {window} AND kind = 'moderator_action' AND duration_seconds IS NOT NULL"
    ))
    .await
    .into_iter()
    .map(|row| row[0].parse().unwrap())
    .collect();
    // The previous release's median: the lower middle of the sorted seconds, shown in whole
    // minutes.
    seconds.sort_unstable();
    aggregates.first_action_cases = seconds.len().try_into().unwrap();
    aggregates.median_first_action_minutes = seconds
        .get(seconds.len().saturating_sub(1) / 2)
        .map(|median| median / 60);
    for row in rows(format!(
        "SELECT CASE WHEN help_card_delivered THEN 'yes' ELSE 'no' END || '|'
                || CAST(COUNT(*) AS TEXT)
         FROM stats_events WHERE {window} AND help_card_delivered IS NOT NULL
         GROUP BY help_card_delivered"
    ))
    .await
    {
        let count: u64 = row[1].parse().unwrap();
        if row[0] == "yes" {
            aggregates.help_cards_delivered = count;
        } else {
            aggregates.help_cards_not_delivered = count;
        }
    }
    let repeated = old
        .integer_raw(&format!(
            "SELECT COUNT(*) FROM (
                 SELECT reported_pseudonym FROM stats_events
                 WHERE {window} AND kind IN ('case_opened', 'report_merged')
                   AND reported_pseudonym IS NOT NULL
                 GROUP BY reported_pseudonym HAVING COUNT(*) >= 2
             ) AS repeated"
        ))
        .await;
    aggregates.members_reported_more_than_once = repeated.try_into().unwrap();
    aggregates
}

/// Aggregates in one order, whatever order the queries gave.
fn sorted(mut aggregates: Aggregates) -> Aggregates {
    aggregates.cases_by_day.sort();
    aggregates.protective_actions.sort();
    aggregates.moderator_actions.sort();
    aggregates
}

/// What `/stats show` and `/stats export` publish for a period: the embed and the CSV.
fn published(statistics: &Statistics, period: Period) -> (serde_json::Value, String) {
    let texts = Texts::embedded().unwrap();
    let embed = serde_json::to_value(render::embed(&texts, "en-US", statistics, period)).unwrap();
    let csv = String::from_utf8(render::csv_export(&texts, "en-US", statistics).unwrap()).unwrap();
    (embed, csv)
}

/// Every period's aggregates of `GUILD` through the store.
async fn roll_up_aggregates(db: &TestDb, period: Period) -> Aggregates {
    let (first_day, last_day) = period.days(Utc::now().date_naive());
    sorted(
        db.store
            .stats_aggregates(GUILD, first_day, last_day)
            .await
            .unwrap(),
    )
}

/// Asserts that `db`'s roll-ups publish, for every period, what `expected` gives.
async fn assert_same_answers(db: &TestDb, expected: &[(Period, Aggregates)]) {
    for (period, expected) in expected {
        let (first_day, last_day) = period.days(Utc::now().date_naive());
        let got = roll_up_aggregates(db, *period).await;
        assert_eq!(&got, expected, "{period:?} on {:?}", db.backend);
        assert_eq!(
            published(&statistics::compile(&got, first_day, last_day, K), *period),
            published(
                &statistics::compile(expected, first_day, last_day, K),
                *period
            ),
            "{period:?}"
        );
    }
}

/// The history written through the store and as events gives the same answers; the
/// events migrated give them too, and leave no event behind.
async fn roll_ups_publish_what_the_events_published(old: TestDb, live: TestDb) {
    let mut writer = Writer::new();
    for (hour, happening) in history(13) {
        writer.write(&live, &old, &hour, &happening).await;
    }
    // A report whose help card outcome comes after the upgrade, in the last complete week.
    let (last_monday, _) = Period::Week1.days(Utc::now().date_naive());
    let hour = format!(
        "{}T09",
        (last_monday + TimeDelta::days(3)).format("%Y-%m-%d")
    );
    let pending = Happening::Report {
        member: 1,
        reason: Reason::Threats,
        help_card: None,
    };
    writer.write(&live, &old, &hour, &pending).await;
    let live_pending = live.integer_raw("SELECT MAX(id) FROM reports").await;
    link_pending_report(&old).await;

    let mut expected = Vec::new();
    for period in Period::ALL {
        let (first_day, last_day) = period.days(Utc::now().date_naive());
        expected.push((
            period,
            sorted(event_aggregates(&old, first_day, last_day).await),
        ));
    }
    assert_history_is_telling(&expected);
    assert_same_answers(&live, &expected).await;

    old.store.migrate().await.unwrap();
    assert_same_answers(&old, &expected).await;
    assert_no_event_left(&old).await;

    // The pending card's outcome reaches the day's counter on both, once.
    let old_pending = old.integer_raw("SELECT MAX(id) FROM reports").await;
    for (db, report_id) in [(&live, live_pending), (&old, old_pending)] {
        for outcome in [HelpCardDelivery::DmSent, HelpCardDelivery::DmFailed] {
            db.store
                .set_help_card_delivery(report_id, outcome)
                .await
                .unwrap();
        }
    }
    expected[0].1.help_cards_delivered += 1;
    assert_same_answers(&live, &expected[..1]).await;
    assert_same_answers(&old, &expected[..1]).await;
}

/// A case and a report in the previous schema, linked to the latest event, its help card
/// still pending.
async fn link_pending_report(old: &TestDb) {
    let now = Utc::now().to_rfc3339();
    old.execute_raw(&format!(
        "INSERT INTO cases (reference, guild_id, reported_user_id, victim_user_id, reason,
                            status, created_at, last_report_at)
         VALUES ('SB-PENDING', {GUILD}, {MEMBERS}, 1, 'threats', 'open', '{now}', '{now}')"
    ))
    .await
    .unwrap();
    old.execute_raw(&format!(
        "INSERT INTO reports (case_id, guild_id, reporter_user_id, victim_user_id, is_witness,
                              reason, source, help_card, created_at, stats_event_id)
         VALUES ((SELECT MAX(id) FROM cases), {GUILD}, 1, 1, FALSE, 'threats', 'slash',
                 'pending', '{now}', (SELECT MAX(id) FROM stats_events))"
    ))
    .await
    .unwrap();
}

/// The comparison means something only if the history has what suppression acts on.
fn assert_history_is_telling(expected: &[(Period, Aggregates)]) {
    let (period, year) = &expected[3];
    let (first_day, last_day) = period.days(Utc::now().date_naive());
    let published = statistics::compile(year, first_day, last_day, K);
    let cells: Vec<&Published> = published.cases.cells.iter().flatten().collect();
    assert!(cells.iter().any(|cell| matches!(cell, Published::Below(_))));
    assert!(
        cells
            .iter()
            .any(|cell| matches!(cell, Published::Count(count) if *count >= K))
    );
    assert!(year.members_reported_more_than_once >= K);
    assert!(year.first_action_cases >= K && year.help_cards_not_delivered >= K);
    assert!(year.protective_actions.len() == 2 && year.moderator_actions.len() == 3);
}

async fn assert_no_event_left(db: &TestDb) {
    let (tables, columns) = match db.backend {
        Backend::Sqlite => (
            "SELECT COUNT(*) FROM sqlite_schema WHERE name = 'stats_events'",
            "SELECT COUNT(*) FROM pragma_table_info('reports') WHERE name = 'stats_event_id'",
        ),
        Backend::Postgres => (
            "SELECT COUNT(*) FROM information_schema.tables WHERE table_name = 'stats_events'",
            "SELECT COUNT(*) FROM information_schema.columns
             WHERE table_name = 'reports' AND column_name = 'stats_event_id'",
        ),
    };
    assert_eq!(db.integer_raw(tables).await, 0, "the events are gone");
    assert_eq!(
        db.integer_raw(columns).await,
        0,
        "the reports' link is gone"
    );
    assert_eq!(
        db.integer_raw("SELECT COUNT(*) FROM reports WHERE stats_day IS NOT NULL")
            .await,
        1,
        "the pending report keeps its day"
    );
}

/// The comparison, with `old` at migration 0007 beside a fresh database.
mod roll_ups_publish_what_the_events_published {
    use super::{Backend, Schema};
    use crate::support::db::on_databases;

    const SCHEMAS: [Schema; 2] = [Schema::UpTo(7), Schema::Latest];

    #[tokio::test]
    async fn sqlite() {
        on_databases(Backend::Sqlite, SCHEMAS, |[old, live]| {
            super::roll_ups_publish_what_the_events_published(old, live)
        })
        .await;
    }

    #[tokio::test]
    async fn postgres() {
        on_databases(Backend::Postgres, SCHEMAS, |[old, live]| {
            super::roll_ups_publish_what_the_events_published(old, live)
        })
        .await;
    }
}

/// The roll-up tables and the column each one's retention goes by.
const ROLL_UPS: [(&str, &str); 5] = [
    ("stats_days", "day"),
    ("stats_first_action_hours", "week"),
    ("stats_first_action_minutes", "week"),
    ("stats_reported_weeks", "week"),
    ("stats_repeated_members", "last_week"),
];

/// Retention by day: every roll-up row from before the server's statistics retention goes,
/// the rest stays, and a period reaching back past it counts its repeated members again
/// from the weeks kept.
async fn roll_ups_past_retention_are_purged(db: TestDb) {
    let store = &db.store;
    let pseudonyms = Pseudonymizer::new(&[5; 32]).unwrap();
    // 25 months by default (bot.toml): the first day kept.
    let first_kept = Utc::now()
        .checked_sub_months(chrono::Months::new(25))
        .unwrap()
        .date_naive();
    let before = week_start(first_kept) - TimeDelta::days(5);
    let after = week_start(first_kept) + TimeDelta::days(16);
    let hour = |day: NaiveDate| format!("{}T10", day.format("%Y-%m-%d"));
    // X once before the cutoff and once after, Y twice after, Z twice before.
    let reports = [
        (1, before),
        (1, after),
        (2, after),
        (2, after),
        (3, before),
        (3, before),
    ];
    for (member, day) in reports {
        let report = new_report(&pseudonyms, MEMBERS + member, Reason::Threats, &hour(day));
        let recorded = store.record_report(report).await.unwrap();
        record_step(
            &db,
            NewStatsEvent {
                duration_seconds: Some(600),
                ..step_event(
                    &hour(day),
                    EventKind::ModeratorAction,
                    Reason::Threats,
                    Some("claim"),
                    None,
                )
            },
            Some(NewAuditEntry {
                guild_id: GUILD,
                case_id: Some(recorded.case_id),
                actor_user_id: MODERATOR,
                action: AuditAction::Claim,
                detail: None,
                now: Utc::now(),
            }),
        )
        .await;
    }
    let last_week = week_start(after);
    let repeated_sql = format!(
        "SELECT COALESCE(MAX(members), 0) FROM stats_repeated_members
         WHERE last_week = '{last_week}' AND weeks = 52"
    );
    let repeated = || db.integer_raw(&repeated_sql);
    assert_eq!(
        repeated().await,
        3,
        "X, Y and Z over the 52 weeks ending after the cutoff"
    );
    let rows = || async {
        let mut rows = Vec::new();
        for (table, column) in ROLL_UPS {
            let old = format!("SELECT COUNT(*) FROM {table} WHERE {column} < '{first_kept}'");
            let all = format!("SELECT COUNT(*) FROM {table}");
            rows.push((db.integer_raw(&old).await, db.integer_raw(&all).await));
        }
        rows
    };
    let old_rows: i64 = rows().await.iter().map(|(old, _)| old).sum();
    assert!(
        rows().await.iter().all(|(old, _)| *old > 0),
        "{:?}",
        rows().await
    );

    let (defaults, vocabulary) = crate::statistics::retention_defaults();
    let dry = store
        .purge_expired(&defaults, &vocabulary, Utc::now(), true)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(dry.statistics_rows, u64::try_from(old_rows).unwrap());
    let done = store
        .purge_expired(&defaults, &vocabulary, Utc::now(), false)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(done.statistics_rows, dry.statistics_rows);
    for ((table, _), (old, all)) in ROLL_UPS.iter().zip(rows().await) {
        assert_eq!(old, 0, "{table} keeps nothing past retention");
        assert!(all > 0, "{table} keeps the rows within retention");
    }
    assert_eq!(repeated().await, 1, "only Y, from the weeks kept");
    let (first_day, last_day) = (
        last_week - TimeDelta::weeks(51),
        last_week + TimeDelta::days(6),
    );
    let aggregates = store
        .stats_aggregates(GUILD, first_day, last_day)
        .await
        .unwrap();
    assert_eq!(aggregates.members_reported_more_than_once, 1);
    assert_eq!(
        aggregates.first_action_cases, 2,
        "the cases opened after the cutoff"
    );
    assert_eq!(aggregates.median_first_action_minutes, Some(10));
}

both_backends!(roll_ups_past_retention_are_purged);
