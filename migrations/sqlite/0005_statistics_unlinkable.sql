-- Statistics rows must not be joinable to reports (SPEC §7): `reports.stats_event_id` only
-- lives until the help card outcome has reached the statistics row, and a statistics row's
-- `created_at` (kept for retention only) is stored to the hour, so it cannot be matched to a
-- report's exact timestamp.
UPDATE reports SET stats_event_id = NULL WHERE help_card <> 'pending';

UPDATE stats_events SET created_at = substr(created_at, 1, 13) || ':00:00+00:00';

-- Every writer gets the rule, whichever code inserts the row. Timestamps are stored as UTC
-- RFC 3339 text ("2025-01-31T09:15:00.123456+00:00"): the first 13 characters are the hour.
CREATE TRIGGER stats_events_created_at_to_the_hour AFTER INSERT ON stats_events
BEGIN
    UPDATE stats_events SET created_at = substr(NEW.created_at, 1, 13) || ':00:00+00:00'
    WHERE id = NEW.id;
END;
