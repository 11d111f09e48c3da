-- Initial schema, PostgreSQL flavour. migrations/sqlite/0001_initial_schema.sql is its twin:
-- keep both equivalent, and add changes as new numbered files in both folders.
--
-- Conventions:
-- * Discord snowflakes and row ids are BIGINT.
-- * Timestamps are TIMESTAMPTZ, written in UTC.
-- * Enumerated values are stable text codes checked in Rust when written and when read.
--   There are deliberately no CHECK constraints on them, as in the SQLite schema, so both
--   backends accept the same values and later versions can add codes freely.

CREATE TABLE guilds (
    guild_id  BIGINT PRIMARY KEY,
    joined_at TIMESTAMPTZ NOT NULL,
    left_at   TIMESTAMPTZ
);

-- One row per setting changed on a server; an absent key means the bot.toml default.
CREATE TABLE guild_settings (
    guild_id   BIGINT NOT NULL,
    key        TEXT NOT NULL,
    value      TEXT NOT NULL,
    updated_by BIGINT,
    updated_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (guild_id, key)
);

CREATE TABLE cases (
    id                 BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    reference          TEXT NOT NULL UNIQUE,
    guild_id           BIGINT NOT NULL,
    reported_user_id   BIGINT NOT NULL,
    victim_user_id     BIGINT NOT NULL,
    reason             TEXT NOT NULL,
    status             TEXT NOT NULL,  -- open | claimed | resolved | dismissed
    claimed_by         BIGINT,
    outcome            TEXT,
    created_at         TIMESTAMPTZ NOT NULL,
    last_report_at     TIMESTAMPTZ NOT NULL,
    closed_at          TIMESTAMPTZ,
    queue_channel_id   BIGINT,
    queue_message_id   BIGINT,
    evidence_purged_at TIMESTAMPTZ
);

-- Serves "is there an active case against this member?" and a member's case history.
CREATE INDEX cases_by_reported_member ON cases (guild_id, reported_user_id, status);

-- Statistics hold no Discord ID and no free text (SPEC §7).
CREATE TABLE stats_events (
    id                  BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    guild_id            BIGINT NOT NULL,
    -- Local wall-clock hour in the server's timezone, 'YYYY-MM-DDTHH'. Text rather than an
    -- instant because statistics group by local day and week, which an instant cannot
    -- recover once the server changes timezone.
    occurred_hour       TEXT NOT NULL,
    kind                TEXT NOT NULL,  -- case_opened | report_merged | protective_action | moderator_action | case_closed
    reason              TEXT,
    action              TEXT,
    outcome             TEXT,
    duration_seconds    BIGINT,
    help_card_delivered BOOLEAN,
    -- HMAC-SHA256 (hex) of the reported member, keyed with a secret kept out of the database.
    reported_pseudonym  TEXT,
    created_at          TIMESTAMPTZ NOT NULL  -- UTC, for retention only
);

CREATE INDEX stats_events_by_guild_hour ON stats_events (guild_id, occurred_hour);
CREATE INDEX stats_events_by_created_at ON stats_events (created_at);

CREATE TABLE reports (
    id                 BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    case_id            BIGINT NOT NULL REFERENCES cases (id),
    guild_id           BIGINT NOT NULL,
    reporter_user_id   BIGINT,  -- NULL once the reporter's identity is erased
    victim_user_id     BIGINT NOT NULL,
    is_witness         BOOLEAN NOT NULL,
    reason             TEXT NOT NULL,
    details            TEXT,     -- free text, purged by retention
    source             TEXT NOT NULL,  -- slash | message_menu | user_menu
    help_card          TEXT NOT NULL,  -- pending | dm_sent | dm_failed
    created_at         TIMESTAMPTZ NOT NULL,
    reporter_erased_at TIMESTAMPTZ,
    -- The statistics event this report produced, so the help card outcome reaches it.
    stats_event_id     BIGINT REFERENCES stats_events (id) ON DELETE SET NULL
);

CREATE INDEX reports_by_case ON reports (case_id);
CREATE INDEX reports_by_stats_event ON reports (stats_event_id);

CREATE TABLE evidence (
    id                 BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    case_id            BIGINT NOT NULL REFERENCES cases (id),
    report_id          BIGINT NOT NULL REFERENCES reports (id),
    message_id         BIGINT NOT NULL,
    channel_id         BIGINT NOT NULL,
    author_id          BIGINT NOT NULL,
    content            TEXT,
    attachment_urls    TEXT NOT NULL DEFAULT '[]',  -- JSON array of strings
    message_created_at TIMESTAMPTZ NOT NULL,
    message_edited_at  TIMESTAMPTZ,
    captured_at        TIMESTAMPTZ NOT NULL
);

CREATE INDEX evidence_by_case ON evidence (case_id);

CREATE TABLE protective_actions (
    id                BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    case_id           BIGINT NOT NULL REFERENCES cases (id),
    kind              TEXT NOT NULL,  -- mute | shield
    target_user_id    BIGINT NOT NULL,
    protected_user_id BIGINT,
    requested_by      TEXT NOT NULL,  -- victim | automatic | moderator
    actor_user_id     BIGINT,
    status            TEXT NOT NULL,  -- applied | refused | failed | reverted
    detail            TEXT,
    expires_at        TIMESTAMPTZ,
    created_at        TIMESTAMPTZ NOT NULL,
    reverted_at       TIMESTAMPTZ
);

CREATE INDEX protective_actions_by_case ON protective_actions (case_id);

-- Append-only: the triggers below refuse every UPDATE, DELETE and TRUNCATE.
CREATE TABLE audit_log (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    guild_id      BIGINT NOT NULL,
    case_id       BIGINT REFERENCES cases (id),
    actor_user_id BIGINT NOT NULL,
    action        TEXT NOT NULL,
    detail        TEXT,
    created_at    TIMESTAMPTZ NOT NULL
);

CREATE INDEX audit_log_by_case ON audit_log (case_id);
CREATE INDEX audit_log_by_guild ON audit_log (guild_id, created_at);

CREATE FUNCTION refuse_audit_log_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only';
END;
$$;

CREATE TRIGGER audit_log_refuses_update_delete BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION refuse_audit_log_change();

CREATE TRIGGER audit_log_refuses_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_audit_log_change();

-- A message reported from the context menu, kept between the menu click and the modal
-- submission so that a restart in between loses nothing. `id` travels in the modal custom_id.
CREATE TABLE pending_reports (
    id               TEXT PRIMARY KEY,
    guild_id         BIGINT NOT NULL,
    reporter_user_id BIGINT NOT NULL,
    payload          TEXT NOT NULL,  -- JSON snapshot
    created_at       TIMESTAMPTZ NOT NULL
);

CREATE INDEX pending_reports_by_created_at ON pending_reports (created_at);
