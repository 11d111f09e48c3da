-- Protective actions and the moderator queue (SPEC §4–5), PostgreSQL flavour.
-- migrations/sqlite/0002_protection.sql is its twin.

-- Why the automatic protective actions of a report were withheld by the anti-abuse limits
-- (rate_limited | new_member | membership_unknown); NULL when they were not. A withheld
-- report is stored and queued all the same, but does not count towards the automatic mute.
ALTER TABLE reports ADD COLUMN protection_withheld TEXT;

-- Serves the per-reporter rate limit.
CREATE INDEX reports_by_reporter ON reports (guild_id, reporter_user_id, created_at);

-- Serves loading the contact shields still running at start.
CREATE INDEX protective_actions_by_kind_status ON protective_actions (kind, status);
