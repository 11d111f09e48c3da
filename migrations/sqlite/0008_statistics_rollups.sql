-- Statistics become roll-ups (SPEC §7): counters per server and local day, and per server
-- and ISO week a histogram of the time to first moderator action, the reported members'
-- pseudonyms with their report counts, and the count of members reported more than once
-- over each period length. Every row is keyed by what it counts (no row id, WITHOUT ROWID:
-- nothing orders the rows by arrival), and nothing finer than a day is kept. The events are
-- folded into them and dropped, with the report's link to its event.
-- SQLite flavour; migrations/postgres/0008_statistics_rollups.sql is its twin. Like every
-- migration it runs in one transaction with its bookkeeping: an interrupted run leaves
-- nothing behind and runs again from the start; the folds are upserts.

-- kind: case_opened | report_merged | protective_action | moderator_action | case_closed
-- | help_card. code: the action (protective and moderator actions), the outcome (closings),
-- delivered | not_delivered (help cards), '' for reports.
CREATE TABLE IF NOT EXISTS stats_days (
    guild_id INTEGER NOT NULL,
    day      TEXT NOT NULL,  -- server-local day, 'YYYY-MM-DD'
    kind     TEXT NOT NULL,
    reason   TEXT NOT NULL,
    code     TEXT NOT NULL,
    events   INTEGER NOT NULL,
    PRIMARY KEY (guild_id, day, kind, reason, code)
) WITHOUT ROWID;

-- The time from a case's opening to its first moderator action, in whole minutes, per week
-- of the action: per hour, and per minute, so that a median is found exact to the minute by
-- reading the hours, then the minutes of the median's hour only.
CREATE TABLE IF NOT EXISTS stats_first_action_hours (
    guild_id INTEGER NOT NULL,
    week     TEXT NOT NULL,  -- the Monday, 'YYYY-MM-DD'
    hour     INTEGER NOT NULL,
    cases    INTEGER NOT NULL,
    PRIMARY KEY (guild_id, week, hour)
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS stats_first_action_minutes (
    guild_id INTEGER NOT NULL,
    week     TEXT NOT NULL,
    minute   INTEGER NOT NULL,
    cases    INTEGER NOT NULL,
    PRIMARY KEY (guild_id, week, minute)
) WITHOUT ROWID;

-- Reports per reported member (HMAC pseudonym) and week, from which a report finds the
-- periods in which its member becomes "reported more than once".
CREATE TABLE IF NOT EXISTS stats_reported_weeks (
    guild_id  INTEGER NOT NULL,
    pseudonym TEXT NOT NULL,
    week      TEXT NOT NULL,
    reports   INTEGER NOT NULL,
    PRIMARY KEY (guild_id, pseudonym, week)
) WITHOUT ROWID;

CREATE INDEX IF NOT EXISTS stats_reported_weeks_by_week ON stats_reported_weeks (guild_id, week);

-- Members reported more than once over the `weeks` weeks ending with `last_week`, for each
-- period length `/stats` offers (1, 4, 13, 52).
CREATE TABLE IF NOT EXISTS stats_repeated_members (
    guild_id  INTEGER NOT NULL,
    last_week TEXT NOT NULL,
    weeks     INTEGER NOT NULL,
    members   INTEGER NOT NULL,
    PRIMARY KEY (guild_id, last_week, weeks)
) WITHOUT ROWID;

-- The events, by local day.
INSERT INTO stats_days (guild_id, day, kind, reason, code, events)
SELECT guild_id, substr(occurred_hour, 1, 10), kind, COALESCE(reason, ''),
       COALESCE(action, outcome, ''), COUNT(*)
FROM stats_events
WHERE true
GROUP BY 1, 2, 3, 4, 5
ON CONFLICT (guild_id, day, kind, reason, code) DO UPDATE SET events = events + excluded.events;

INSERT INTO stats_days (guild_id, day, kind, reason, code, events)
SELECT guild_id, substr(occurred_hour, 1, 10), 'help_card', COALESCE(reason, ''),
       CASE WHEN help_card_delivered THEN 'delivered' ELSE 'not_delivered' END, COUNT(*)
FROM stats_events
WHERE help_card_delivered IS NOT NULL
GROUP BY 1, 2, 3, 4, 5
ON CONFLICT (guild_id, day, kind, reason, code) DO UPDATE SET events = events + excluded.events;

-- First moderator actions (integer division truncates, as the minutes shown do).
INSERT INTO stats_first_action_hours (guild_id, week, hour, cases)
SELECT guild_id, date(substr(occurred_hour, 1, 10), 'weekday 0', '-6 days'),
       duration_seconds / 3600, COUNT(*)
FROM stats_events
WHERE kind = 'moderator_action' AND duration_seconds IS NOT NULL
GROUP BY 1, 2, 3
ON CONFLICT (guild_id, week, hour) DO UPDATE SET cases = cases + excluded.cases;

INSERT INTO stats_first_action_minutes (guild_id, week, minute, cases)
SELECT guild_id, date(substr(occurred_hour, 1, 10), 'weekday 0', '-6 days'),
       duration_seconds / 60, COUNT(*)
FROM stats_events
WHERE kind = 'moderator_action' AND duration_seconds IS NOT NULL
GROUP BY 1, 2, 3
ON CONFLICT (guild_id, week, minute) DO UPDATE SET cases = cases + excluded.cases;

INSERT INTO stats_reported_weeks (guild_id, pseudonym, week, reports)
SELECT guild_id, reported_pseudonym, date(substr(occurred_hour, 1, 10), 'weekday 0', '-6 days'),
       COUNT(*)
FROM stats_events
WHERE kind IN ('case_opened', 'report_merged') AND reported_pseudonym IS NOT NULL
GROUP BY 1, 2, 3
ON CONFLICT (guild_id, pseudonym, week) DO UPDATE SET reports = reports + excluded.reports;

-- Members reported more than once, for every period, from the pseudonyms' weeks. A member
-- counts in the period ending with week E when their latest reported week W <= E holds two
-- reports, or their previous reported week P is still in the period: each week W of a
-- member counts them from E = W until the week before their next reported week, and at most
-- until the period starting with W (two reports) or P (one) ends. Those spans become +1/-1
-- steps whose running sum is the count, written out for every week it holds.
WITH RECURSIVE
member_weeks AS (
    SELECT guild_id, week, reports,
           LAG(week) OVER member AS previous, LEAD(week) OVER member AS next
    FROM stats_reported_weeks
    WINDOW member AS (PARTITION BY guild_id, pseudonym ORDER BY week)
),
lengths (weeks) AS (VALUES (1), (4), (13), (52)),
spans AS (
    SELECT guild_id, weeks, week AS first_end,
           min(COALESCE(date(next, '-7 days'), '9999-12-31'),
               date(CASE WHEN reports >= 2 THEN week ELSE previous END,
                    '+' || (7 * (weeks - 1)) || ' days')) AS last_end
    FROM member_weeks, lengths
    WHERE reports >= 2 OR previous IS NOT NULL
),
steps AS (
    SELECT guild_id, weeks, first_end AS week, 1 AS step FROM spans WHERE last_end >= first_end
    UNION ALL
    SELECT guild_id, weeks, date(last_end, '+7 days'), -1 FROM spans WHERE last_end >= first_end
),
levels AS (
    SELECT guild_id, weeks, week,
           SUM(SUM(step)) OVER period AS members, LEAD(week) OVER period AS until
    FROM steps
    GROUP BY guild_id, weeks, week
    WINDOW period AS (PARTITION BY guild_id, weeks ORDER BY week)
),
offsets (n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM offsets WHERE n < 51)
INSERT INTO stats_repeated_members (guild_id, last_week, weeks, members)
SELECT guild_id, date(week, '+' || (7 * n) || ' days'), weeks, members
FROM levels, offsets
WHERE members > 0 AND date(week, '+' || (7 * n) || ' days') < until
ON CONFLICT (guild_id, last_week, weeks) DO UPDATE SET members = excluded.members;

-- A report waiting for its help card outcome keeps its local day instead of its event, so
-- that the outcome still reaches the day's counter.
ALTER TABLE reports ADD COLUMN stats_day TEXT;

UPDATE reports
SET stats_day = (SELECT substr(occurred_hour, 1, 10) FROM stats_events
                 WHERE stats_events.id = reports.stats_event_id
                   AND stats_events.help_card_delivered IS NULL)
WHERE stats_event_id IS NOT NULL;

DROP INDEX IF EXISTS reports_by_stats_event;
ALTER TABLE reports DROP COLUMN stats_event_id;
DROP TABLE stats_events;
