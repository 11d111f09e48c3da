-- What a change must cause on Discord, written in the same transaction as the change and
-- carried out by the delivery worker of whichever process claims it first (the outbox).
-- PostgreSQL flavour; migrations/sqlite/0007_deliveries.sql is its twin.
--
-- A row holds ids and a kind, never rendered text: what Discord is sent is rendered from
-- the database when the delivery is carried out, so purged text is never delivered later.
CREATE TABLE deliveries (
    id           BIGSERIAL PRIMARY KEY,
    kind         TEXT NOT NULL,               -- queue_post | help_card | close_notice
    case_id      BIGINT NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    -- Bumped by every change that arrives while the row is pending: a worker that carried
    -- out an older revision leaves the row pending for the newer one.
    revision     BIGINT NOT NULL DEFAULT 0,
    due_at       TIMESTAMPTZ NOT NULL,
    attempts     INTEGER NOT NULL DEFAULT 0,
    -- A worker that claimed the row holds it until then; an expired lease is taken over.
    leased_until TIMESTAMPTZ,
    done_at      TIMESTAMPTZ,
    -- How it ended (sent, or why it was given up): a code, never text from Discord.
    outcome      TEXT,
    created_at   TIMESTAMPTZ NOT NULL,
    -- help_card: the report whose victim gets the card, in which language, and the
    -- reporter's interaction (its token lets the answer be edited with the card's outcome
    -- for 15 minutes; it is cleared when the delivery ends).
    report_id         BIGINT REFERENCES reports (id) ON DELETE CASCADE,
    locale            TEXT,
    interaction_token TEXT,
    token_expires_at  TIMESTAMPTZ,
    -- What the reporter's answer says besides the card, as codes (JSON of Fluent ids and
    -- flags), set once the answer is sent.
    answer            TEXT
);

-- One pending queue post per case: every change coalesces into it.
CREATE UNIQUE INDEX deliveries_one_pending_post ON deliveries (case_id)
    WHERE kind = 'queue_post' AND done_at IS NULL;

-- Serves the worker's search for due rows.
CREATE INDEX deliveries_due ON deliveries (due_at) WHERE done_at IS NULL;

-- Open cases whose post never reached the queue get it once this runs.
INSERT INTO deliveries (kind, case_id, due_at, created_at)
SELECT 'queue_post', id, now(), now()
FROM cases WHERE queue_message_id IS NULL AND status IN ('open', 'claimed');
