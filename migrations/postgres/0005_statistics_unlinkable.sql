-- Statistics rows must not be joinable to reports (SPEC §7): `reports.stats_event_id` only
-- lives until the help card outcome has reached the statistics row, and a statistics row's
-- `created_at` (kept for retention only) is stored to the hour, so it cannot be matched to a
-- report's exact timestamp.
UPDATE reports SET stats_event_id = NULL WHERE help_card <> 'pending';

-- To the UTC hour, whatever the session's time zone.
UPDATE stats_events
SET created_at = date_trunc('hour', created_at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC';

-- Every writer gets the rule, whichever code inserts or updates the row.
CREATE FUNCTION stats_events_created_at_to_the_hour() RETURNS trigger AS $$
BEGIN
    NEW.created_at := date_trunc('hour', NEW.created_at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC';
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER stats_events_created_at_to_the_hour
BEFORE INSERT OR UPDATE OF created_at ON stats_events
FOR EACH ROW EXECUTE FUNCTION stats_events_created_at_to_the_hour();
