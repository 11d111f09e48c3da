//! Anonymized statistics, retention and erasure (SPEC §7), end to end and at store level.

use std::time::Duration;

use chrono::{TimeDelta, Utc};
use safe_button::domain::case::ReportSource;
use safe_button::domain::pseudonym::Pseudonymizer;
use safe_button::domain::reason::Reason;
use safe_button::store::{
    InteractionToken, NewEvidence, NewQuestion, NewReport, PurgeReport, RecordedReport, Settlement,
};
use serde_json::{Value, json};
use tempfile::TempDir;

use crate::support::app::{TestApp, spawn_app};
use crate::support::cli::safe_button;
use crate::support::db::{Backend, TestDb, both_backends, setting};
use crate::support::fake_discord::{MessageBuilder, Method, RecordedRequest, SentInteraction, ids};

const DETAILS: [&str; 3] = [
    "He keeps sending me insults in DMs since Monday",
    "Il menace de publier mon adresse",
    "witness-text: she is being followed from channel to channel",
];

/// Every Discord ID of a person, channel, role or message involved in the scenarios. The
/// server's own ID is deliberately absent: statistics are kept per server (SPEC §7 forbids
/// IDs of persons).
fn discord_ids() -> Vec<u64> {
    vec![
        ids::OWNER,
        ids::ADMIN,
        ids::MODERATOR,
        ids::ALICE,
        ids::BILAL,
        ids::CHLOE,
        ids::DIMITRI,
        ids::EMMA,
        ids::BOT,
        ids::GENERAL_CHANNEL,
        ids::QUEUE_CHANNEL,
        ids::MODERATOR_ROLE,
        ids::MEMBER_ROLE,
    ]
}

/// `/report` by `reporter` against `reported`, with optional details and victim.
async fn report(
    app: &TestApp,
    reporter: u64,
    reported: u64,
    details: Option<&str>,
    victim: Option<u64>,
) -> SentInteraction {
    let mut options = vec![
        json!({ "name": "user", "type": 6, "value": reported.to_string() }),
        json!({ "name": "reason", "type": 4, "value": 0 }),
    ];
    if let Some(details) = details {
        options.push(json!({ "name": "details", "type": 3, "value": details }));
    }
    if let Some(victim) = victim {
        options.push(json!({ "name": "victim", "type": 6, "value": victim.to_string() }));
    }
    let sent = app
        .slash(reporter, "en-US", "report", Value::Array(options))
        .await;
    app.wait_for(Method::PATCH, &sent.original_path()).await;
    sent
}

/// `/stats <subcommand>` or `/privacy <subcommand>` by `user`; returns the callback.
async fn subcommand(
    app: &TestApp,
    command: &str,
    subcommand: &str,
    user: u64,
    options: Value,
) -> RecordedRequest {
    let sent = app
        .slash(
            user,
            "en-US",
            command,
            json!([{ "type": 1, "name": subcommand, "options": options }]),
        )
        .await;
    app.wait_for(Method::POST, &sent.callback_path()).await
}

fn file<'a>(request: &'a RecordedRequest, suffix: &str) -> &'a [u8] {
    &request
        .files
        .iter()
        .find(|file| {
            file.filename
                .as_deref()
                .is_some_and(|name| name.ends_with(suffix))
        })
        .unwrap_or_else(|| panic!("a {suffix} attachment in {:?}", request.body))
        .bytes
}

/// The statistics tables of the live schema, by name.
async fn statistics_tables(db: &TestDb) -> Vec<String> {
    let sql = match db.backend {
        Backend::Sqlite => {
            "SELECT name FROM sqlite_schema WHERE type = 'table' AND name LIKE 'stats%'
             ORDER BY name"
        }
        Backend::Postgres => {
            "SELECT table_name::text FROM information_schema.tables
             WHERE table_schema = 'public' AND table_name LIKE 'stats%' ORDER BY 1"
        }
    };
    db.strings_raw(sql).await.into_iter().flatten().collect()
}

/// The columns of a table of the live schema, with their declared types.
async fn columns(db: &TestDb, table: &str) -> Vec<(String, String)> {
    let sql = match db.backend {
        Backend::Sqlite => format!("SELECT name || ' ' || type FROM pragma_table_info('{table}')"),
        Backend::Postgres => format!(
            "SELECT column_name || ' ' || data_type FROM information_schema.columns
             WHERE table_name = '{table}'"
        ),
    };
    db.strings_raw(&sql)
        .await
        .into_iter()
        .flatten()
        .map(|column| {
            let (name, kind) = column.split_once(' ').unwrap();
            (name.to_owned(), kind.to_lowercase())
        })
        .collect()
}

/// Every value of every column of every statistics table, as text: a table or a column
/// added later is scanned too.
async fn statistics_store_dump(db: &TestDb) -> Vec<String> {
    let mut values = Vec::new();
    for table in statistics_tables(db).await {
        for (column, _) in columns(db, &table).await {
            values.extend(
                db.strings_raw(&format!(
                    "SELECT CAST({column} AS TEXT) FROM {table} ORDER BY 1"
                ))
                .await
                .into_iter()
                .flatten(),
            );
        }
    }
    values
}

/// No statistics table can be paired with a report: the roll-ups only, keyed by what they
/// count, without a row id (`SQLite` tables are `WITHOUT ROWID`, `PostgreSQL` ones have no
/// identity column), and no time finer than a day.
async fn assert_statistics_tables_pair_with_nothing(db: &TestDb) {
    let tables = statistics_tables(db).await;
    assert_eq!(
        tables,
        [
            "stats_days",
            "stats_first_action_hours",
            "stats_first_action_minutes",
            "stats_repeated_members",
            "stats_reported_weeks",
        ]
    );
    for table in &tables {
        for (column, kind) in columns(db, table).await {
            assert!(
                column != "id" && !column.ends_with("_at") && !column.contains("hour_"),
                "{table}.{column}"
            );
            assert!(
                !kind.contains("time") && !kind.contains("interval"),
                "{table}.{column} is a {kind}"
            );
            if ["day", "week", "last_week"].contains(&column.as_str()) {
                for value in db
                    .strings_raw(&format!("SELECT CAST({column} AS TEXT) FROM {table}"))
                    .await
                {
                    let value = value.unwrap();
                    chrono::NaiveDate::parse_from_str(&value, "%Y-%m-%d")
                        .unwrap_or_else(|_| panic!("{table}.{column} holds {value}"));
                    assert_eq!(value.len(), 10, "{table}.{column} holds {value}");
                }
            }
        }
        let row_ids = match db.backend {
            Backend::Sqlite => format!(
                "SELECT COUNT(*) FROM sqlite_schema
                 WHERE name = '{table}' AND sql NOT LIKE '%WITHOUT ROWID%'"
            ),
            Backend::Postgres => format!(
                "SELECT COUNT(*) FROM information_schema.columns
                 WHERE table_name = '{table}'
                   AND (is_identity = 'YES' OR column_default IS NOT NULL)"
            ),
        };
        assert_eq!(db.integer_raw(&row_ids).await, 0, "{table} has a row id");
    }
}

fn assert_holds_no_id_and_no_text(what: &str, text: &str) {
    for id in discord_ids() {
        assert!(
            !text.contains(&id.to_string()),
            "{what} holds the Discord ID {id}"
        );
    }
    for details in DETAILS {
        assert!(!text.contains(details), "{what} holds report text");
    }
    for fragment in ["insults", "adresse", "witness-text"] {
        assert!(
            !text.contains(fragment),
            "{what} holds a fragment of report text"
        );
    }
}

#[tokio::test]
async fn a_full_scenario_leaves_no_id_and_no_text_in_statistics_or_exports() {
    let app = spawn_app().await;
    // Alice reports Dimitri with a message link as evidence; Bilal and Emma report him too
    // (merged into Alice's case; the third distinct reporter triggers the automatic mute
    // when that part is present); Bilal reports Chloe's harasser as a witness.
    let message = MessageBuilder::in_guild(
        &app.fake.guild(ids::GUILD),
        ids::GENERAL_CHANNEL,
        ids::DIMITRI,
        "you will regret it",
    )
    .build();
    app.fake.insert_message(message.clone());
    let link = format!(
        "https://discord.com/channels/{}/{}/{}",
        ids::GUILD,
        ids::GENERAL_CHANNEL,
        message["id"].as_str().unwrap()
    );
    let sent = app
        .slash(
            ids::ALICE,
            "en-US",
            "report",
            json!([
                { "name": "user", "type": 6, "value": ids::DIMITRI.to_string() },
                { "name": "reason", "type": 4, "value": 0 },
                { "name": "details", "type": 3, "value": DETAILS[0] },
                { "name": "message", "type": 3, "value": link },
            ]),
        )
        .await;
    app.wait_for(Method::PATCH, &sent.original_path()).await;
    report(&app, ids::BILAL, ids::DIMITRI, Some(DETAILS[1]), None).await;
    report(&app, ids::EMMA, ids::DIMITRI, None, None).await;
    report(
        &app,
        ids::BILAL,
        ids::OWNER,
        Some(DETAILS[2]),
        Some(ids::CHLOE),
    )
    .await;
    tokio::time::sleep(Duration::from_millis(300)).await;

    let db = app.db();
    let reports = db
        .integer_raw(
            "SELECT CAST(SUM(events) AS BIGINT) FROM stats_days
             WHERE kind IN ('case_opened', 'report_merged')",
        )
        .await;
    assert_eq!(reports, 4, "every report counted");
    // Repeat detection works through the pseudonym: Dimitri's three reports share one.
    let pseudonyms = db
        .strings_raw(
            "SELECT CAST(reports AS TEXT) || ' ' || pseudonym FROM stats_reported_weeks
             ORDER BY reports",
        )
        .await;
    assert_eq!(pseudonyms.len(), 2, "{pseudonyms:?}");
    assert!(pseudonyms[0].as_deref().unwrap().starts_with("1 "));
    assert!(pseudonyms[1].as_deref().unwrap().starts_with("3 "));
    assert_eq!(
        db.integer_raw("SELECT members FROM stats_repeated_members WHERE weeks = 1")
            .await,
        1,
        "Dimitri is reported more than once this week"
    );

    assert_statistics_tables_pair_with_nothing(&db).await;
    let dump = statistics_store_dump(&db).await.join("\n");
    assert_holds_no_id_and_no_text("the statistics store", &dump);
    // The report text is really in the case store, so the scan above could have found it.
    let details = db.strings_raw("SELECT details FROM reports").await;
    assert!(details.contains(&Some(DETAILS[0].to_owned())));

    move_statistics_to_last_week(&db).await;
    let show = subcommand(&app, "stats", "show", ids::MODERATOR, json!([])).await;
    let export = subcommand(&app, "stats", "export", ids::MODERATOR, json!([])).await;
    let show_body = show.body.clone().expect("payload_json").to_string();
    assert_holds_no_id_and_no_text("the /stats embed", &show_body);
    assert!(!show_body.contains(&ids::GUILD.to_string()));
    let csv = String::from_utf8(file(&export, ".csv").to_vec()).expect("UTF-8 CSV");
    assert_holds_no_id_and_no_text("the CSV export", &csv);
    assert!(!csv.contains(&ids::GUILD.to_string()));
    // 4 reports, 2 cases (k = 5): the total shows as "< 5", never as 2.
    assert!(show_body.contains("< 5"), "{show_body}");
    app.assert_discord_traffic_valid();
}

/// Moves every statistics roll-up one week back, into the last complete week: `/stats`
/// shows complete weeks only, and the scenarios report now.
async fn move_statistics_to_last_week(db: &TestDb) {
    let week_back = |column: &str| match db.backend {
        Backend::Sqlite => format!("{column} = date({column}, '-7 days')"),
        Backend::Postgres => format!("{column} = {column} - 7"),
    };
    for (table, column) in [
        ("stats_days", "day"),
        ("stats_first_action_hours", "week"),
        ("stats_first_action_minutes", "week"),
        ("stats_reported_weeks", "week"),
        ("stats_repeated_members", "last_week"),
    ] {
        db.execute_raw(&format!("UPDATE {table} SET {}", week_back(column)))
            .await
            .unwrap();
    }
}

#[tokio::test]
async fn stats_show_answers_moderators_with_an_embed_and_a_png_chart_in_the_callback() {
    let app = spawn_app().await;
    for reporter in [
        ids::ALICE,
        ids::BILAL,
        ids::CHLOE,
        ids::EMMA,
        ids::OWNER,
        ids::ADMIN,
    ] {
        report(&app, reporter, ids::DIMITRI, None, None).await;
    }

    let refused = subcommand(&app, "stats", "show", ids::ALICE, json!([])).await;
    assert!(refused.files.is_empty(), "no chart for a member");
    let refused_body = refused.body.expect("a body");
    assert_eq!(refused_body["data"]["flags"], 64);
    assert!(
        refused_body["data"]["content"]
            .as_str()
            .unwrap()
            .contains("moderators"),
        "{refused_body}"
    );

    let callback = subcommand(
        &app,
        "stats",
        "show",
        ids::MODERATOR,
        json!([{ "name": "period", "type": 4, "value": 0 }]),
    )
    .await;
    let body = callback.body.clone().expect("payload_json");
    assert_eq!(body["type"], 4, "answered in the callback itself: {body}");
    assert_eq!(body["data"]["flags"], 64, "ephemeral");
    let embed = &body["data"]["embeds"][0];
    assert_eq!(embed["image"]["url"], "attachment://stats.png");
    assert!(
        embed["title"]
            .as_str()
            .unwrap()
            .contains("Last complete week")
    );
    let png = file(&callback, "stats.png");
    let decoder = png::Decoder::new(std::io::Cursor::new(png));
    let reader = decoder.read_info().expect("a valid PNG");
    assert_eq!((reader.info().width, reader.info().height), (800, 450));
    app.assert_discord_traffic_valid();
}

#[tokio::test]
async fn the_csv_export_round_trips_through_a_csv_parser_with_suppression() {
    let app = spawn_app().await;
    for reporter in [ids::ALICE, ids::BILAL] {
        report(&app, reporter, ids::DIMITRI, None, None).await;
    }
    // Five more cases against five distinct members: a count of 6 cases this week.
    for reported in [ids::OWNER, ids::ADMIN, ids::CHLOE, ids::EMMA, ids::BILAL] {
        report(&app, ids::ALICE, reported, None, None).await;
    }
    move_statistics_to_last_week(&app.db()).await;
    let callback = subcommand(
        &app,
        "stats",
        "export",
        ids::MODERATOR,
        json!([{ "name": "period", "type": 4, "value": 1 }]),
    )
    .await;
    let bytes = file(&callback, ".csv");
    let mut reader = csv::ReaderBuilder::new().from_reader(bytes);
    assert_eq!(
        reader.headers().unwrap().iter().collect::<Vec<_>>(),
        ["Week starting", "Reason", "Cases"]
    );
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(
        rows.len(),
        4 * 8,
        "one row per week × reason, 4 complete weeks"
    );
    let mut harassment_total = 0;
    for row in &rows {
        assert_eq!(row.len(), 3);
        chrono::NaiveDate::parse_from_str(&row[0], "%Y-%m-%d").expect("an ISO week start");
        match row[2].parse::<u64>() {
            Ok(count) => {
                assert!(count == 0 || count >= 5, "{count} published below k");
                if &row[1] == "Harassment" {
                    harassment_total += count;
                }
            }
            Err(_) => assert_eq!(&row[2], "< 5"),
        }
    }
    assert_eq!(
        harassment_total, 6,
        "six harassment cases, published exactly"
    );
    // Written back, the records give the same bytes (RFC 4180, CRLF).
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    writer
        .write_record(["Week starting", "Reason", "Cases"])
        .unwrap();
    for row in &rows {
        writer.write_record(row).unwrap();
    }
    assert_eq!(writer.into_inner().unwrap(), bytes);
    app.assert_discord_traffic_valid();
}

#[tokio::test]
async fn delete_my_data_erases_the_reporter_and_keeps_cases_and_statistics() {
    let app = spawn_app().await;
    // A queue whose posts name the reporters (sealed by default).
    app.set_settings(&[
        ("queue_channel", &ids::QUEUE_CHANNEL.to_string()),
        ("reporter_sealed", "false"),
    ])
    .await;
    report(&app, ids::ALICE, ids::DIMITRI, Some(DETAILS[0]), None).await;
    let queue_posts = format!("/channels/{}/messages", ids::QUEUE_CHANNEL);
    let posted = app.wait_for(Method::POST, &queue_posts).await;
    let posted = posted.body.expect("a queue post").to_string();
    assert!(posted.contains(&format!("<@{}>", ids::ALICE)));
    assert!(!posted.contains("(effacé)"));
    report(&app, ids::BILAL, ids::DIMITRI, Some(DETAILS[1]), None).await;
    app.settle_deliveries().await;
    let db = app.db();
    let message_id = db.integer_raw("SELECT queue_message_id FROM cases").await;
    let queue_post = format!("{queue_posts}/{message_id}");
    let redrawn = || {
        app.fake
            .requests_matching(Method::PATCH, &queue_post)
            .into_iter()
            .filter(|edit| {
                edit.body.as_ref().is_some_and(|body| {
                    let body = body.to_string();
                    body.contains("(effacé)") && !body.contains(DETAILS[0])
                })
            })
            .count()
    };
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(redrawn(), 0, "nobody erased yet");
    let statistics_before = statistics_store_dump(&db).await;

    let callback = subcommand(&app, "privacy", "delete-my-data", ids::ALICE, json!([])).await;
    let body = callback.body.expect("a body");
    assert_eq!(body["data"]["flags"], 64);
    assert!(
        body["data"]["content"]
            .as_str()
            .unwrap()
            .contains("reporter erased")
    );
    // Alice reported for herself: she stays the person harassed, and is told so.
    assert!(
        body["data"]["content"]
            .as_str()
            .unwrap()
            .contains("you remain named as such"),
        "{body}"
    );
    // The queue post is redrawn: the reporter shows as erased.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    while redrawn() == 0 {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the queue post was not redrawn"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    assert_eq!(
        db.strings_raw("SELECT details FROM reports ORDER BY id")
            .await,
        [None, Some(DETAILS[1].to_owned())]
    );
    assert_eq!(
        db.integer_raw("SELECT COUNT(*) FROM reports WHERE reporter_user_id IS NULL AND reporter_erased_at IS NOT NULL")
            .await,
        1
    );
    assert_eq!(
        db.integer_raw(&format!(
            "SELECT COUNT(*) FROM reports WHERE reporter_user_id = {}",
            ids::BILAL
        ))
        .await,
        1,
        "another member's report is untouched"
    );
    assert_eq!(db.integer_raw("SELECT COUNT(*) FROM cases").await, 1);
    assert_eq!(statistics_store_dump(&db).await, statistics_before);

    // Nothing left to erase the second time.
    let again = subcommand(&app, "privacy", "delete-my-data", ids::ALICE, json!([])).await;
    assert!(
        again.body.unwrap()["data"]["content"]
            .as_str()
            .unwrap()
            .contains("nothing to erase")
    );
    app.assert_discord_traffic_valid();
}

// --- Store level, both backends ---

const GUILD: i64 = 4_100_000_000_000_000_001;
const OTHER_GUILD: i64 = 4_100_000_000_000_000_002;

fn new_report(guild_id: i64, reporter: i64, reported: i64, details: &str) -> NewReport {
    let pseudonyms = Pseudonymizer::new(&[3; 32]).unwrap();
    let now = Utc::now();
    NewReport {
        guild_id,
        reported_user_id: reported,
        reporter_user_id: reporter,
        victim_user_id: reporter,
        reason: Reason::Threats,
        details: Some(details.to_owned()),
        source: ReportSource::Slash,
        evidence: Some(NewEvidence {
            message_id: reported + 1000,
            channel_id: 77,
            author_id: reported,
            content: Some(format!("evidence of {details}")),
            attachment_urls: vec!["https://cdn.example/a.png".to_owned()],
            attachments: Vec::new(),
            message_created_at: now,
            message_edited_at: None,
        }),
        merge_window: TimeDelta::hours(24),
        now,
        stats_hour: now.format("%Y-%m-%dT%H").to_string(),
        reported_pseudonym: Some(pseudonyms.pseudonym(guild_id, reported)),
        help_card: None,
        reporter_pseudonym: pseudonyms.reporter_pseudonym(guild_id, reporter),
    }
}

/// Stores [`new_report`]'s report.
async fn record(
    db: &TestDb,
    guild_id: i64,
    reporter: i64,
    reported: i64,
    details: &str,
) -> RecordedReport {
    db.store
        .record_report(new_report(guild_id, reporter, reported, details))
        .await
        .unwrap()
}

async fn close_case(db: &TestDb, case_id: i64, closed_at: &str) {
    db.execute_raw(&format!(
        "UPDATE cases SET status = 'resolved', closed_at = '{closed_at}' WHERE id = {case_id}"
    ))
    .await
    .unwrap();
}

async fn the_statistics_store_holds_no_id_and_no_text(db: TestDb) {
    let reporters = [1_356_208_535_406_510_090_i64, 1_356_570_923_272_110_091];
    let reported = 1_357_295_699_003_310_093_i64;
    for (reporter, details) in reporters.iter().zip(DETAILS) {
        record(&db, GUILD, *reporter, reported, details).await;
    }
    assert_statistics_tables_pair_with_nothing(&db).await;
    let dump = statistics_store_dump(&db).await.join("\n");
    assert!(!dump.is_empty());
    for id in reporters.iter().chain([&reported]) {
        assert!(!dump.contains(&id.to_string()), "statistics hold {id}");
        assert!(
            !dump.contains(&(id + 1000).to_string()),
            "statistics hold a message ID"
        );
    }
    for details in DETAILS {
        assert!(!dump.contains(details));
    }
}

/// A moderator's question on the report's case, answered by its reporter.
async fn question_answered(db: &TestDb, report: &RecordedReport, guild_id: i64) {
    let question = NewQuestion {
        guild_id,
        case_id: report.case_id,
        report_id: report.report_id,
        asked_by: 99,
        text: "Where did it happen?".to_owned(),
        locale: "en-US".to_owned(),
        interaction: (InteractionToken("token".to_owned()), Utc::now()),
        now: Utc::now(),
    };
    let id = db.store.ask_question(&question).await.unwrap();
    let answer = Settlement::Answered("In #general, last night".to_owned());
    assert!(
        db.store
            .settle_question(id, &answer, 1, Utc::now())
            .await
            .unwrap()
    );
}

async fn purge_removes_expired_evidence_and_text_and_keeps_open_cases(db: TestDb) {
    let store = &db.store;
    let expired = record(&db, GUILD, 11, 21, "closed long ago").await;
    let recent = record(&db, GUILD, 12, 22, "closed yesterday").await;
    question_answered(&db, &expired, GUILD).await;
    question_answered(&db, &recent, GUILD).await;
    let open = record(&db, GUILD, 13, 23, "still open").await;
    // This server keeps evidence 10 days only: its case closed 20 days ago expires.
    let shorter = record(&db, OTHER_GUILD, 14, 24, "closed 20 days ago").await;
    store
        .change_guild_settings(
            OTHER_GUILD,
            &[setting("evidence_retention_days", "10")],
            1,
            Utc::now(),
        )
        .await
        .unwrap();
    let at = |days: i64| (Utc::now() - TimeDelta::days(days)).to_rfc3339();
    close_case(&db, expired.case_id, &at(100)).await;
    close_case(&db, recent.case_id, &at(1)).await;
    close_case(&db, shorter.case_id, &at(20)).await;
    // An open case created long ago is never purged.
    db.execute_raw(&format!(
        "UPDATE cases SET created_at = '{}' WHERE id = {}",
        at(400),
        open.case_id
    ))
    .await
    .unwrap();
    // Statistics: GUILD's day, 26 months old, goes; OTHER_GUILD's stays (25 months by
    // default).
    db.execute_raw(&format!(
        "UPDATE stats_days SET day = '{}' WHERE guild_id = {GUILD}",
        (Utc::now() - TimeDelta::days(26 * 31)).format("%Y-%m-%d")
    ))
    .await
    .unwrap();

    let (defaults, vocabulary) = retention_defaults();
    let expected = PurgeReport {
        // Server by server, in id order: GUILD's expired case, then OTHER_GUILD's.
        case_ids: vec![expired.case_id, shorter.case_id],
        evidence_rows: 2,
        report_details: 2,
        question_texts: 1,
        statistics_rows: 1,
        statistics_links: 0,
        pending_reports: 0,
    };
    let snapshot = || async {
        (
            db.integer_raw("SELECT COUNT(*) FROM evidence").await,
            db.integer_raw(
                "SELECT COUNT(*) FROM case_questions
                 WHERE question IS NOT NULL OR answer IS NOT NULL",
            )
            .await,
            db.integer_raw("SELECT COUNT(*) FROM reports WHERE details IS NOT NULL")
                .await,
            db.integer_raw("SELECT COUNT(*) FROM stats_days").await,
            db.integer_raw("SELECT COUNT(*) FROM cases WHERE evidence_purged_at IS NOT NULL")
                .await,
        )
    };
    let before = snapshot().await;
    let dry = store
        .purge_expired(&defaults, &vocabulary, Utc::now(), true)
        .await
        .unwrap()
        .expect("no other process purges");
    assert_eq!(dry, expected);
    assert_eq!(snapshot().await, before, "a dry run changes nothing");

    let done = store
        .purge_expired(&defaults, &vocabulary, Utc::now(), false)
        .await
        .unwrap()
        .expect("no other process purges");
    assert_eq!(done, expected);
    assert_eq!(snapshot().await, (2, 1, 2, 1, 2));
    let purged = store.questions_of_case(expired.case_id).await.unwrap();
    assert_eq!(
        (purged[0].question.as_deref(), purged[0].answer.as_deref()),
        (None, None)
    );
    let kept = store.questions_of_case(recent.case_id).await.unwrap();
    assert_eq!(kept[0].answer.as_deref(), Some("In #general, last night"));
    for (case, kept) in [
        (&expired, false),
        (&shorter, false),
        (&recent, true),
        (&open, true),
    ] {
        let evidence = store.evidence_of_case(case.case_id).await.unwrap();
        let reports = store.reports_of_case(case.case_id).await.unwrap();
        let record = store.case_by_id(case.case_id).await.unwrap().unwrap();
        assert_eq!(
            evidence.len(),
            usize::from(kept),
            "evidence of {}",
            case.reference
        );
        assert_eq!(
            reports[0].details.is_some(),
            kept,
            "details of {}",
            case.reference
        );
        assert_eq!(record.evidence_purged_at.is_none(), kept);
    }
    // Nothing left: a second purge removes nothing.
    let again = store
        .purge_expired(&defaults, &vocabulary, Utc::now(), false)
        .await
        .unwrap()
        .expect("no other process purges");
    assert_eq!(again, PurgeReport::default());
}

async fn erasure_touches_only_the_member_s_reports(db: TestDb) {
    let store = &db.store;
    let first = record(&db, GUILD, 31, 41, "mine").await;
    record(&db, GUILD, 32, 41, "someone else's").await;
    record(&db, OTHER_GUILD, 31, 42, "other server").await;
    let statistics = statistics_store_dump(&db).await;
    let erased = store.erase_reporter(GUILD, 31, Utc::now()).await.unwrap();
    assert_eq!(erased.reports, 1);
    let reports = store.reports_of_case(first.case_id).await.unwrap();
    assert_eq!(reports[0].reporter_user_id, None);
    assert_eq!(reports[0].details, None);
    assert!(reports[0].reporter_erased_at.is_some());
    assert_eq!(reports[1].reporter_user_id, Some(32));
    assert_eq!(reports[1].details.as_deref(), Some("someone else's"));
    assert_eq!(
        db.integer_raw("SELECT COUNT(*) FROM reports WHERE reporter_user_id = 31")
            .await,
        1,
        "the other server is untouched"
    );
    assert_eq!(statistics_store_dump(&db).await, statistics);
}

/// The rate limit counts marks by pseudonym: the reporter's erasure keeps them, the window
/// does not (the hourly purge deletes the marks that left it).
async fn rate_limit_marks_outlive_erasure_but_not_the_window(db: TestDb) {
    let store = &db.store;
    let pseudonym = Pseudonymizer::new(&[3; 32])
        .unwrap()
        .reporter_pseudonym(GUILD, 31);
    let hour_ago = Utc::now() - TimeDelta::hours(1);
    record(&db, GUILD, 31, 41, "first").await;
    record(&db, GUILD, 31, 42, "second").await;
    let count = || store.reports_by_reporter_since(GUILD, &pseudonym, hour_ago);
    assert_eq!(count().await.unwrap(), 2);
    store.erase_reporter(GUILD, 31, Utc::now()).await.unwrap();
    assert_eq!(count().await.unwrap(), 2, "erasure keeps the count");
    let marks = || db.integer_raw("SELECT COUNT(*) FROM reporter_rate_limit");

    // A mark past the window goes with the hourly purge (not with the next report, which
    // writes only its own), and a dry run leaves it alone.
    let old = NewReport {
        now: Utc::now() - TimeDelta::minutes(61),
        ..new_report(GUILD, 33, 43, "old")
    };
    store.record_report(old).await.unwrap();
    record(&db, OTHER_GUILD, 34, 44, "fresh").await;
    assert_eq!(marks().await, 4, "the old mark waits for the purge");
    let (defaults, vocabulary) = retention_defaults();
    store
        .purge_expired(&defaults, &vocabulary, Utc::now(), true)
        .await
        .unwrap()
        .expect("no other process purges");
    assert_eq!(marks().await, 4);
    store
        .purge_expired(&defaults, &vocabulary, Utc::now(), false)
        .await
        .unwrap()
        .expect("no other process purges");
    assert_eq!(marks().await, 3);
    assert_eq!(count().await.unwrap(), 2);
}

async fn aggregates_count_cases_repeats_and_help_cards(db: TestDb) {
    let store = &db.store;
    for (reporter, reported) in [(51, 61), (52, 61), (53, 62)] {
        let recorded = record(&db, GUILD, reporter, reported, "x").await;
        store
            .set_help_card_delivery(
                recorded.report_id,
                safe_button::domain::case::HelpCardDelivery::DmSent,
            )
            .await
            .unwrap();
    }
    // This week, Monday to Sunday.
    let monday = safe_button::domain::statistics::week_start(Utc::now().date_naive());
    let sunday = monday + TimeDelta::days(6);
    let aggregates = store.stats_aggregates(GUILD, monday, sunday).await.unwrap();
    let cases: u64 = aggregates
        .cases_by_day
        .iter()
        .map(|(_, _, count)| count)
        .sum();
    assert_eq!(cases, 2, "two cases opened (one report merged)");
    assert_eq!(aggregates.members_reported_more_than_once, 1);
    assert_eq!(aggregates.help_cards_delivered, 3);
    assert_eq!(aggregates.help_cards_not_delivered, 0);
    let elsewhere = store
        .stats_aggregates(OTHER_GUILD, monday, sunday)
        .await
        .unwrap();
    assert!(elsewhere.cases_by_day.is_empty());
}

async fn a_report_keeps_its_statistics_day_only_until_its_help_card_is_counted(db: TestDb) {
    let store = &db.store;
    let delivered = record(&db, GUILD, 91, 95, "delivered").await;
    let forgotten = record(&db, GUILD, 92, 96, "no outcome ever").await;
    let linked = |report_id: i64| {
        let db = db.clone();
        async move {
            db.integer_raw(&format!(
                "SELECT COUNT(*) FROM reports WHERE id = {report_id} AND stats_day IS NOT NULL"
            ))
            .await
        }
    };
    let counted = |code: &str| {
        let sql = format!(
            "SELECT COALESCE(CAST(SUM(events) AS BIGINT), 0) FROM stats_days
             WHERE kind = 'help_card' AND code = '{code}'"
        );
        let db = db.clone();
        async move { db.integer_raw(&sql).await }
    };
    assert_eq!(linked(delivered.report_id).await, 1);
    for outcome in [
        safe_button::domain::case::HelpCardDelivery::DmSent,
        safe_button::domain::case::HelpCardDelivery::DmFailed,
    ] {
        store
            .set_help_card_delivery(delivered.report_id, outcome)
            .await
            .unwrap();
    }
    assert_eq!(
        linked(delivered.report_id).await,
        0,
        "the day is forgotten once used"
    );
    assert_eq!(
        (counted("delivered").await, counted("not_delivered").await),
        (1, 0),
        "the first outcome counted, once"
    );

    // A link left because the outcome never came is cut by the purge.
    let two_hours_ago = (Utc::now() - TimeDelta::hours(2)).to_rfc3339();
    db.execute_raw(&format!(
        "UPDATE reports SET created_at = '{two_hours_ago}' WHERE id = {}",
        forgotten.report_id
    ))
    .await
    .unwrap();
    let (defaults, vocabulary) = retention_defaults();
    let dry = store
        .purge_expired(&defaults, &vocabulary, Utc::now(), true)
        .await
        .unwrap()
        .expect("no other process purges");
    assert_eq!(dry.statistics_links, 1);
    assert_eq!(
        linked(forgotten.report_id).await,
        1,
        "a dry run changes nothing"
    );
    let done = store
        .purge_expired(&defaults, &vocabulary, Utc::now(), false)
        .await
        .unwrap()
        .expect("no other process purges");
    assert_eq!(done.statistics_links, 1);
    assert_eq!(linked(forgotten.report_id).await, 0);
}

async fn abandoned_context_menu_reports_are_purged(db: TestDb) {
    let store = &db.store;
    let now = Utc::now();
    store
        .save_pending_report(
            "abandoned",
            GUILD,
            93,
            "{\"snapshot\":1}",
            now - TimeDelta::minutes(31),
        )
        .await
        .unwrap();
    store
        .save_pending_report(
            "in-flight",
            GUILD,
            94,
            "{\"snapshot\":2}",
            now - TimeDelta::minutes(5),
        )
        .await
        .unwrap();
    let (defaults, vocabulary) = retention_defaults();
    let dry = store
        .purge_expired(&defaults, &vocabulary, now, true)
        .await
        .unwrap()
        .expect("no other process purges");
    assert_eq!(dry.pending_reports, 1);
    assert_eq!(
        db.integer_raw("SELECT COUNT(*) FROM pending_reports").await,
        2
    );
    let done = store
        .purge_expired(&defaults, &vocabulary, now, false)
        .await
        .unwrap()
        .expect("no other process purges");
    assert_eq!(done.pending_reports, 1);
    assert_eq!(
        db.strings_raw("SELECT id FROM pending_reports").await,
        [Some("in-flight".to_owned())]
    );
}

/// The repository's `bot.toml` server defaults and this build's vocabulary.
pub(crate) fn retention_defaults() -> (
    safe_button::domain::settings::Settings,
    safe_button::domain::settings::Vocabulary,
) {
    let embedded = safe_button::app::Embedded::load().unwrap();
    let config =
        safe_button::config::Config::load(std::path::Path::new("bot.toml"), &embedded.vocabulary())
            .unwrap();
    (config.server_defaults, embedded.vocabulary())
}

both_backends!(
    a_report_keeps_its_statistics_day_only_until_its_help_card_is_counted,
    abandoned_context_menu_reports_are_purged,
    the_statistics_store_holds_no_id_and_no_text,
    purge_removes_expired_evidence_and_text_and_keeps_open_cases,
    erasure_touches_only_the_member_s_reports,
    rate_limit_marks_outlive_erasure_but_not_the_window,
    aggregates_count_cases_repeats_and_help_cards,
);

// --- The command line ---

#[tokio::test]
async fn purge_dry_run_prints_and_changes_nothing_then_purge_removes() {
    let folder = TempDir::new().unwrap();
    let database = folder.path().join("bot.db");
    let config = include_str!("../../bot.toml").replace(
        "url = \"sqlite://data/safe-button.db\"",
        &format!("url = \"sqlite://{}\"", database.display()),
    );
    let config_path = folder.path().join("bot.toml");
    std::fs::write(&config_path, config).unwrap();
    let url = format!("sqlite://{}", database.display());

    on_sqlite_at(&url, |db| async move {
        let recorded = record(&db, GUILD, 71, 81, "to be purged").await;
        close_case(
            &db,
            recorded.case_id,
            &(Utc::now() - TimeDelta::days(200)).to_rfc3339(),
        )
        .await;
    })
    .await;

    let config_arg = config_path.to_str().unwrap();
    let dry = safe_button(
        &["purge", "--dry-run", "--config", config_arg],
        folder.path(),
    );
    let stdout = String::from_utf8_lossy(&dry.stdout);
    assert!(dry.status.success(), "{dry:?}");
    assert!(stdout.contains("would remove"), "{stdout}");
    assert!(stdout.contains("of 1 closed case(s)"), "{stdout}");
    assert!(stdout.contains("1 evidence row(s)"), "{stdout}");

    let run = safe_button(&["purge", "--config", config_arg], folder.path());
    let stdout = String::from_utf8_lossy(&run.stdout);
    assert!(run.status.success(), "{run:?}");
    assert!(
        stdout.contains("removed the evidence and free text of 1 closed case(s)"),
        "{stdout}"
    );

    let again = safe_button(
        &["purge", "--dry-run", "--config", config_arg],
        folder.path(),
    );
    assert!(String::from_utf8_lossy(&again.stdout).contains("of 0 closed case(s)"));
}

/// Runs `setup` on the `SQLite` database at `url` (created and migrated), then closes it.
async fn on_sqlite_at<Setup, Run>(url: &str, setup: Setup)
where
    Setup: FnOnce(TestDb) -> Run,
    Run: std::future::Future<Output = ()>,
{
    let store = safe_button::store::Store::connect(url, 1).await.unwrap();
    store.migrate().await.unwrap();
    let db = TestDb::attach(url, store.clone());
    setup(db).await;
    store.close().await;
}

/// A slow aggregation (here: a table locked by another session) must not miss Discord's
/// 3-second deadline: the command defers, then edits its answer with the chart.
#[tokio::test]
async fn slow_statistics_are_deferred_then_delivered() {
    crate::support::db::on_postgres(|db: TestDb| async move {
        let app = crate::support::app::spawn_app_on(
            crate::support::fake_discord::FakeDiscordConfig::default(),
            db.url(),
        )
        .await;
        let locker = db.clone();
        let (locked_tx, locked_rx) = tokio::sync::oneshot::channel();
        let holder = tokio::spawn(async move {
            locker
                .hold_lock_raw(
                    "LOCK TABLE stats_days IN ACCESS EXCLUSIVE MODE",
                    locked_tx,
                    Duration::from_millis(2500),
                )
                .await;
        });
        locked_rx.await.unwrap();
        let sent = app
            .slash(
                ids::MODERATOR,
                "en-US",
                "stats",
                json!([{ "type": 1, "name": "show", "options": [] }]),
            )
            .await;
        let callback = app.wait_for(Method::POST, &sent.callback_path()).await;
        let body = callback.body.expect("a callback body");
        assert_eq!(body["type"], 5, "deferred: {body}");
        assert_eq!(body["data"]["flags"], 64);
        holder.await.unwrap();
        let answer = app.wait_for(Method::PATCH, &sent.original_path()).await;
        let embed = &answer.body.as_ref().expect("payload_json")["embeds"][0];
        assert_eq!(embed["image"]["url"], "attachment://stats.png");
        png::Decoder::new(std::io::Cursor::new(file(&answer, "stats.png")))
            .read_info()
            .expect("a valid PNG");
        app.assert_discord_traffic_valid();
    })
    .await;
}

/// Purged evidence and text must not live on in the moderators' queue post.
#[tokio::test]
async fn the_purge_redraws_the_queue_post_without_the_purged_text() {
    let mut app = spawn_app().await;
    app.use_queue_channel().await;
    let filed = crate::support::reports::report(&app, ids::ALICE, ids::BILAL).await;
    let posts = format!("/channels/{}/messages", ids::QUEUE_CHANNEL);
    let post = app.wait_for(Method::POST, &posts).await;
    assert!(
        serde_json::to_string(&post.body)
            .unwrap()
            .contains("Il m'insulte depuis lundi")
    );
    let message_id = app
        .case_once(filed.case.id, |case| case.queue_message_id.is_some())
        .await
        .queue_message_id
        .unwrap();

    // Resolved 100 days ago: past the 90-day retention. The purge runs when the bot starts.
    let closed = (Utc::now() - TimeDelta::days(100)).to_rfc3339();
    app.db()
        .execute_raw(&format!(
            "UPDATE cases SET status = 'resolved', closed_at = '{closed}' WHERE id = {}",
            filed.case.id
        ))
        .await
        .unwrap();
    let post = format!("{posts}/{message_id}");
    app.restart().await;
    let purged = |edit: &serde_json::Value| edit.to_string().contains("Purgées après la durée");
    let redraw = crate::support::queue::wait_for_edit_showing(&app, &post, purged).await;
    let redrawn = serde_json::to_string(&redraw).unwrap();
    assert!(!redrawn.contains("Il m'insulte depuis lundi"), "{redrawn}");
    app.assert_discord_traffic_valid();
}
