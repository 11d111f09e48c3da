-- Initial schema, SQLite flavour. migrations/postgres/0001_initial_schema.sql is its twin:
-- keep both equivalent, and add changes as new numbered files in both folders.
--
-- Conventions:
-- * Discord snowflakes and row ids are 64-bit integers.
-- * Timestamps are UTC, stored as sqlx's RFC 3339 text ("2025-01-31T09:15:00.123456+00:00"),
--   which sorts chronologically, so range comparisons on text are correct.
-- * Enumerated values are stable text codes checked in Rust when written and when read.
--   There are deliberately no CHECK constraints on them: later versions can add codes
--   without rebuilding SQLite tables.

CREATE TABLE guilds (
    guild_id  INTEGER PRIMARY KEY,
    joined_at TEXT NOT NULL,
    left_at   TEXT
);

-- One row per setting changed on a server; an absent key means the bot.toml default.
CREATE TABLE guild_settings (
    guild_id   INTEGER NOT NULL,
    key        TEXT NOT NULL,
    value      TEXT NOT NULL,
    updated_by INTEGER,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (guild_id, key)
);

CREATE TABLE cases (
    id                 INTEGER PRIMARY KEY,
    reference          TEXT NOT NULL UNIQUE,
    guild_id           INTEGER NOT NULL,
    reported_user_id   INTEGER NOT NULL,
    victim_user_id     INTEGER NOT NULL,
    reason             TEXT NOT NULL,
    status             TEXT NOT NULL,  -- open | claimed | resolved | dismissed
    claimed_by         INTEGER,
    outcome            TEXT,
    created_at         TEXT NOT NULL,
    last_report_at     TEXT NOT NULL,
    closed_at          TEXT,
    queue_channel_id   INTEGER,
    queue_message_id   INTEGER,
    evidence_purged_at TEXT
);

-- Serves "is there an active case against this member?" and a member's case history.
CREATE INDEX cases_by_reported_member ON cases (guild_id, reported_user_id, status);

-- Statistics hold no Discord ID and no free text (SPEC §7).
CREATE TABLE stats_events (
    id                  INTEGER PRIMARY KEY,
    guild_id            INTEGER NOT NULL,
    -- Local wall-clock hour in the server's timezone, 'YYYY-MM-DDTHH'. Text rather than an
    -- instant because statistics group by local day and week, which an instant cannot
    -- recover once the server changes timezone.
    occurred_hour       TEXT NOT NULL,
    kind                TEXT NOT NULL,  -- case_opened | report_merged | protective_action | moderator_action | case_closed
    reason              TEXT,
    action              TEXT,
    outcome             TEXT,
    duration_seconds    INTEGER,
    help_card_delivered BOOLEAN,
    -- HMAC-SHA256 (hex) of the reported member, keyed with a secret kept out of the database.
    reported_pseudonym  TEXT,
    created_at          TEXT NOT NULL  -- UTC, for retention only
);

CREATE INDEX stats_events_by_guild_hour ON stats_events (guild_id, occurred_hour);
CREATE INDEX stats_events_by_created_at ON stats_events (created_at);

CREATE TABLE reports (
    id                 INTEGER PRIMARY KEY,
    case_id            INTEGER NOT NULL REFERENCES cases (id),
    guild_id           INTEGER NOT NULL,
    reporter_user_id   INTEGER,  -- NULL once the reporter's identity is erased
    victim_user_id     INTEGER NOT NULL,
    is_witness         BOOLEAN NOT NULL,
    reason             TEXT NOT NULL,
    details            TEXT,     -- free text, purged by retention
    source             TEXT NOT NULL,  -- slash | message_menu | user_menu
    help_card          TEXT NOT NULL,  -- pending | dm_sent | dm_failed
    created_at         TEXT NOT NULL,
    reporter_erased_at TEXT,
    -- The statistics event this report produced, so the help card outcome reaches it.
    stats_event_id     INTEGER REFERENCES stats_events (id) ON DELETE SET NULL
);

CREATE INDEX reports_by_case ON reports (case_id);
CREATE INDEX reports_by_stats_event ON reports (stats_event_id);

CREATE TABLE evidence (
    id                 INTEGER PRIMARY KEY,
    case_id            INTEGER NOT NULL REFERENCES cases (id),
    report_id          INTEGER NOT NULL REFERENCES reports (id),
    message_id         INTEGER NOT NULL,
    channel_id         INTEGER NOT NULL,
    author_id          INTEGER NOT NULL,
    content            TEXT,
    attachment_urls    TEXT NOT NULL DEFAULT '[]',  -- JSON array of strings
    message_created_at TEXT NOT NULL,
    message_edited_at  TEXT,
    captured_at        TEXT NOT NULL
);

CREATE INDEX evidence_by_case ON evidence (case_id);

CREATE TABLE protective_actions (
    id                INTEGER PRIMARY KEY,
    case_id           INTEGER NOT NULL REFERENCES cases (id),
    kind              TEXT NOT NULL,  -- mute | shield
    target_user_id    INTEGER NOT NULL,
    protected_user_id INTEGER,
    requested_by      TEXT NOT NULL,  -- victim | automatic | moderator
    actor_user_id     INTEGER,
    status            TEXT NOT NULL,  -- applied | refused | failed | reverted
    detail            TEXT,
    expires_at        TEXT,
    created_at        TEXT NOT NULL,
    reverted_at       TEXT
);

CREATE INDEX protective_actions_by_case ON protective_actions (case_id);

-- Append-only: the triggers below refuse every UPDATE and DELETE.
CREATE TABLE audit_log (
    id            INTEGER PRIMARY KEY,
    guild_id      INTEGER NOT NULL,
    case_id       INTEGER REFERENCES cases (id),
    actor_user_id INTEGER NOT NULL,
    action        TEXT NOT NULL,
    detail        TEXT,
    created_at    TEXT NOT NULL
);

CREATE INDEX audit_log_by_case ON audit_log (case_id);
CREATE INDEX audit_log_by_guild ON audit_log (guild_id, created_at);

CREATE TRIGGER audit_log_refuses_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;

CREATE TRIGGER audit_log_refuses_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;

-- A message reported from the context menu, kept between the menu click and the modal
-- submission so that a restart in between loses nothing. `id` travels in the modal custom_id.
CREATE TABLE pending_reports (
    id               TEXT PRIMARY KEY,
    guild_id         INTEGER NOT NULL,
    reporter_user_id INTEGER NOT NULL,
    payload          TEXT NOT NULL,  -- JSON snapshot
    created_at       TEXT NOT NULL
);

CREATE INDEX pending_reports_by_created_at ON pending_reports (created_at);
