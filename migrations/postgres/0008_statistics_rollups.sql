-- Statistics become roll-ups (SPEC §7): counters per server and local day, and per server
-- and ISO week a histogram of the time to first moderator action, the reported members'
-- pseudonyms with their report counts, and the count of members reported more than once
-- over each period length. Every row is keyed by what it counts (no row id: nothing orders
-- the rows by arrival), and nothing finer than a day is kept. The events are folded into
-- them and dropped, with the report's link to its event.
-- PostgreSQL flavour; migrations/sqlite/0008_statistics_rollups.sql is its twin. It runs in
-- one transaction with its bookkeeping, and even run by hand a second time it changes
-- nothing: the events and the link are recreated empty, folded (nothing) and dropped again.

CREATE TABLE IF NOT EXISTS stats_events (
    id                  BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    guild_id            BIGINT NOT NULL,
    occurred_hour       TEXT NOT NULL,
    kind                TEXT NOT NULL,
    reason              TEXT,
    action              TEXT,
    outcome             TEXT,
    duration_seconds    BIGINT,
    help_card_delivered BOOLEAN,
    reported_pseudonym  TEXT,
    created_at          TIMESTAMPTZ NOT NULL
);
ALTER TABLE reports ADD COLUMN IF NOT EXISTS stats_event_id BIGINT;

-- kind: case_opened | report_merged | protective_action | moderator_action | case_closed
-- | help_card. code: the action (protective and moderator actions), the outcome (closings),
-- delivered | not_delivered (help cards), '' for reports.
CREATE TABLE IF NOT EXISTS stats_days (
    guild_id BIGINT NOT NULL,
    day      DATE NOT NULL,  -- server-local day
    kind     TEXT NOT NULL,
    reason   TEXT NOT NULL,
    code     TEXT NOT NULL,
    events   BIGINT NOT NULL,
    PRIMARY KEY (guild_id, day, kind, reason, code)
);

-- The time from a case's opening to its first moderator action, in whole minutes, per week
-- of the action: per hour, and per minute, so that a median is found exact to the minute by
-- reading the hours, then the minutes of the median's hour only.
CREATE TABLE IF NOT EXISTS stats_first_action_hours (
    guild_id BIGINT NOT NULL,
    week     DATE NOT NULL,  -- the Monday
    hour     BIGINT NOT NULL,
    cases    BIGINT NOT NULL,
    PRIMARY KEY (guild_id, week, hour)
);

CREATE TABLE IF NOT EXISTS stats_first_action_minutes (
    guild_id BIGINT NOT NULL,
    week     DATE NOT NULL,
    minute   BIGINT NOT NULL,
    cases    BIGINT NOT NULL,
    PRIMARY KEY (guild_id, week, minute)
);

-- Reports per reported member (HMAC pseudonym) and week, from which a report finds the
-- periods in which its member becomes "reported more than once".
CREATE TABLE IF NOT EXISTS stats_reported_weeks (
    guild_id  BIGINT NOT NULL,
    pseudonym TEXT NOT NULL,
    week      DATE NOT NULL,
    reports   BIGINT NOT NULL,
    PRIMARY KEY (guild_id, pseudonym, week)
);

CREATE INDEX IF NOT EXISTS stats_reported_weeks_by_week ON stats_reported_weeks (guild_id, week);

-- Members reported more than once over the `weeks` weeks ending with `last_week`, for each
-- period length `/stats` offers (1, 4, 13, 52).
CREATE TABLE IF NOT EXISTS stats_repeated_members (
    guild_id  BIGINT NOT NULL,
    last_week DATE NOT NULL,
    weeks     BIGINT NOT NULL,
    members   BIGINT NOT NULL,
    PRIMARY KEY (guild_id, last_week, weeks)
);

-- The events, by local day.
INSERT INTO stats_days (guild_id, day, kind, reason, code, events)
SELECT guild_id, substr(occurred_hour, 1, 10)::date, kind, COALESCE(reason, ''),
       COALESCE(action, outcome, ''), COUNT(*)
FROM stats_events
GROUP BY 1, 2, 3, 4, 5
ON CONFLICT (guild_id, day, kind, reason, code)
DO UPDATE SET events = stats_days.events + excluded.events;

INSERT INTO stats_days (guild_id, day, kind, reason, code, events)
SELECT guild_id, substr(occurred_hour, 1, 10)::date, 'help_card', COALESCE(reason, ''),
       CASE WHEN help_card_delivered THEN 'delivered' ELSE 'not_delivered' END, COUNT(*)
FROM stats_events
WHERE help_card_delivered IS NOT NULL
GROUP BY 1, 2, 3, 4, 5
ON CONFLICT (guild_id, day, kind, reason, code)
DO UPDATE SET events = stats_days.events + excluded.events;

-- First moderator actions (integer division truncates, as the minutes shown do).
INSERT INTO stats_first_action_hours (guild_id, week, hour, cases)
SELECT guild_id, date_trunc('week', substr(occurred_hour, 1, 10)::date)::date,
       duration_seconds / 3600, COUNT(*)
FROM stats_events
WHERE kind = 'moderator_action' AND duration_seconds IS NOT NULL
GROUP BY 1, 2, 3
ON CONFLICT (guild_id, week, hour)
DO UPDATE SET cases = stats_first_action_hours.cases + excluded.cases;

INSERT INTO stats_first_action_minutes (guild_id, week, minute, cases)
SELECT guild_id, date_trunc('week', substr(occurred_hour, 1, 10)::date)::date,
       duration_seconds / 60, COUNT(*)
FROM stats_events
WHERE kind = 'moderator_action' AND duration_seconds IS NOT NULL
GROUP BY 1, 2, 3
ON CONFLICT (guild_id, week, minute)
DO UPDATE SET cases = stats_first_action_minutes.cases + excluded.cases;

INSERT INTO stats_reported_weeks (guild_id, pseudonym, week, reports)
SELECT guild_id, reported_pseudonym,
       date_trunc('week', substr(occurred_hour, 1, 10)::date)::date, COUNT(*)
FROM stats_events
WHERE kind IN ('case_opened', 'report_merged') AND reported_pseudonym IS NOT NULL
GROUP BY 1, 2, 3
ON CONFLICT (guild_id, pseudonym, week)
DO UPDATE SET reports = stats_reported_weeks.reports + excluded.reports;

-- Members reported more than once, for every period, from the pseudonyms' weeks. A member
-- counts in the period ending with week E when their latest reported week W <= E holds two
-- reports, or their previous reported week P is still in the period: each week W of a
-- member counts them from E = W until the week before their next reported week, and at most
-- until the period starting with W (two reports) or P (one) ends. Those spans become +1/-1
-- steps whose running sum is the count, written out for every week it holds.
WITH
member_weeks AS (
    SELECT guild_id, week, reports,
           LAG(week) OVER member AS previous, LEAD(week) OVER member AS next
    FROM stats_reported_weeks
    WINDOW member AS (PARTITION BY guild_id, pseudonym ORDER BY week)
),
spans AS (
    SELECT guild_id, weeks, week AS first_end,
           LEAST(COALESCE(next - 7, DATE '9999-12-31'),
                 CASE WHEN reports >= 2 THEN week ELSE previous END + 7 * (weeks - 1))
               AS last_end
    FROM member_weeks, (VALUES (1), (4), (13), (52)) AS lengths (weeks)
    WHERE reports >= 2 OR previous IS NOT NULL
),
steps AS (
    SELECT guild_id, weeks, first_end AS week, 1 AS step FROM spans WHERE last_end >= first_end
    UNION ALL
    SELECT guild_id, weeks, last_end + 7, -1 FROM spans WHERE last_end >= first_end
),
levels AS (
    SELECT guild_id, weeks, week,
           SUM(SUM(step)) OVER period AS members, LEAD(week) OVER period AS until
    FROM steps
    GROUP BY guild_id, weeks, week
    WINDOW period AS (PARTITION BY guild_id, weeks ORDER BY week)
)
INSERT INTO stats_repeated_members (guild_id, last_week, weeks, members)
SELECT guild_id, week + 7 * n, weeks, members
FROM levels, generate_series(0, 51) AS n
WHERE members > 0 AND week + 7 * n < until
ON CONFLICT (guild_id, last_week, weeks) DO UPDATE SET members = excluded.members;

-- A report waiting for its help card outcome keeps its local day instead of its event, so
-- that the outcome still reaches the day's counter.
ALTER TABLE reports ADD COLUMN IF NOT EXISTS stats_day DATE;

UPDATE reports
SET stats_day = substr(stats_events.occurred_hour, 1, 10)::date
FROM stats_events
WHERE stats_events.id = reports.stats_event_id AND stats_events.help_card_delivered IS NULL;

ALTER TABLE reports DROP COLUMN stats_event_id;
DROP TABLE stats_events;
DROP FUNCTION IF EXISTS stats_events_created_at_to_the_hour();
