-- A moderator's questions to a case's reporter, and the reporter's answers (issue 15).
-- SQLite flavour; migrations/postgres/0010_questions.sql is its twin.
--
-- The reporter stays sealed: a question names its report, never a member; who answers is
-- the report's reporter, read when needed (and gone once their identity is erased).
CREATE TABLE case_questions (
    id          INTEGER PRIMARY KEY,
    case_id     INTEGER NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    report_id   INTEGER NOT NULL REFERENCES reports (id) ON DELETE CASCADE,
    guild_id    INTEGER NOT NULL,
    asked_by    INTEGER NOT NULL,
    -- Free text, purged by retention and by the reporter's erasure, like report details.
    question    TEXT,
    answer      TEXT,
    status      TEXT NOT NULL,  -- pending | answered | declined | unreachable
    asked_at    TEXT NOT NULL,
    settled_at  TEXT
);

CREATE INDEX case_questions_by_case ON case_questions (case_id);
CREATE INDEX case_questions_by_report ON case_questions (report_id);

-- Set when the reporter asks for no more questions about this report.
ALTER TABLE reports ADD COLUMN questions_stopped_at TEXT;

-- question | question_reply: the question the delivery is about.
ALTER TABLE deliveries ADD COLUMN question_id INTEGER REFERENCES case_questions (id) ON DELETE CASCADE;
