-- Evidence that lasts: each attachment of a reported message, its bytes fetched at report
-- time (Discord's signed links expire within a day, and the harasser may delete the
-- message). SQLite flavour; migrations/postgres/0009_preserved_evidence.sql is its twin.
--
-- One row per attachment, written with the snapshot as `pending` (no bytes); the
-- preserve_evidence delivery then fetches it and writes its outcome once:
-- stored (with sha256 and bytes) | too_large | report_full | type_not_allowed |
-- host_not_allowed | unavailable (Discord no longer serves it) | failed (gave up).
-- Purged with the rest of the case's evidence, by retention and by erasure.
CREATE TABLE evidence_files (
    id           INTEGER PRIMARY KEY,
    evidence_id  INTEGER NOT NULL REFERENCES evidence (id) ON DELETE CASCADE,
    case_id      INTEGER NOT NULL REFERENCES cases (id),
    position     INTEGER NOT NULL,  -- the attachment's place in the message, from 0
    filename     TEXT NOT NULL,
    content_type TEXT,               -- as Discord declared it
    size         INTEGER NOT NULL,   -- bytes: as declared until stored, then as stored
    url          TEXT,               -- the signed link, cleared once the outcome is known
    outcome      TEXT NOT NULL,
    sha256       TEXT,               -- hex, of the stored bytes
    bytes        BLOB,
    preserved_at TEXT,
    UNIQUE (evidence_id, position)
);

CREATE INDEX evidence_files_by_case ON evidence_files (case_id);

-- preserve_evidence: the snapshot whose attachments to fetch.
ALTER TABLE deliveries ADD COLUMN evidence_id INTEGER REFERENCES evidence (id) ON DELETE CASCADE;
