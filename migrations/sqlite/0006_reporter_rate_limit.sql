-- The report rate limit (SPEC §4) must outlive the reporter's erasure, or a member could
-- reset it with /privacy delete-my-data. It counts these rows, not `reports`: one per report,
-- holding a keyed pseudonym of the reporter (HMAC with the statistics key under another
-- label, so it never matches a reported member's pseudonym) and no member's Discord ID.
-- A row lives only as long as the limit's window (one hour): older rows are deleted on every
-- insert and by the hourly purge.
CREATE TABLE reporter_rate_limit (
    guild_id           INTEGER NOT NULL,
    reporter_pseudonym TEXT NOT NULL,
    created_at         TEXT NOT NULL
);

CREATE INDEX reporter_rate_limit_by_reporter
    ON reporter_rate_limit (guild_id, reporter_pseudonym, created_at);

CREATE INDEX reporter_rate_limit_by_age ON reporter_rate_limit (created_at);
