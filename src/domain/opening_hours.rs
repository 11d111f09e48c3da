//! When a helpline answers, and whether it answers right now (SPEC §3).
//!
//! Windows are wall-clock times in the helpline's own timezone, so a 09:00–23:00 line stays
//! 09:00–23:00 Paris time across daylight-saving changes. Local times that are skipped
//! (clocks jump forward) or repeated (clocks go back) resolve to the first instant at which
//! the wall clock reaches them; nothing here panics, whatever the date.

use chrono::{DateTime, NaiveDateTime, NaiveTime, Offset, TimeDelta, TimeZone, Utc};
use chrono_tz::Tz;

/// The longest stretch of skipped local time we look past (Samoa skipped a whole day in 2011).
const MAX_SKIPPED_MINUTES: i64 = 48 * 60;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OpeningHours {
    /// Answers at any hour, every day.
    Always,
    /// Answers every day (public holidays included) from `opens` until `closes`, local time.
    /// A window whose `closes` is not after `opens` runs past midnight.
    Daily {
        timezone: Tz,
        opens: NaiveTime,
        closes: NaiveTime,
    },
    /// Hours set by each operator of a shared number (the 116 111 across the EU): the card
    /// cannot say whether it answers now.
    Varies,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OpenStatus {
    /// Answering now; `closes_at` is `None` for a line that never closes.
    Open { closes_at: Option<DateTime<Utc>> },
    /// Not answering now; it next opens at `opens_at`.
    Closed { opens_at: DateTime<Utc> },
    /// The hours are not known here (see [`OpeningHours::Varies`]).
    Unknown,
}

impl OpeningHours {
    pub fn status_at(&self, now: DateTime<Utc>) -> OpenStatus {
        let OpeningHours::Daily {
            timezone,
            opens,
            closes,
        } = *self
        else {
            return match self {
                OpeningHours::Varies => OpenStatus::Unknown,
                _ => OpenStatus::Open { closes_at: None },
            };
        };
        let utc = now.naive_utc();
        let offset = timezone.offset_from_utc_datetime(&utc).fix();
        // Checked: at the edges of chrono's range the local date may not be representable.
        let today = utc.checked_add_offset(offset).unwrap_or(utc).date();
        // Yesterday's window may still run (overnight windows); two days ahead always opens
        // after `now`, so one of these four windows decides.
        let first_day = today.pred_opt().unwrap_or(today);
        for day in first_day.iter_days().take(4) {
            let window_opens = first_instant_showing(timezone, day.and_time(opens));
            let closing_day = if closes > opens {
                Some(day)
            } else {
                day.succ_opt()
            };
            let window_closes = closing_day.map_or(DateTime::<Utc>::MAX_UTC, |closing_day| {
                first_instant_showing(timezone, closing_day.and_time(closes))
            });
            if window_opens <= now && now < window_closes {
                return OpenStatus::Open {
                    closes_at: Some(window_closes),
                };
            }
            if window_opens > now {
                return OpenStatus::Closed {
                    opens_at: window_opens,
                };
            }
        }
        // Only reachable at the very end of chrono's calendar, where no later day exists.
        OpenStatus::Closed {
            opens_at: DateTime::<Utc>::MAX_UTC,
        }
    }
}

/// The first instant at which a clock in `timezone` shows `local` or a later time.
fn first_instant_showing(timezone: Tz, local: NaiveDateTime) -> DateTime<Utc> {
    (0..=MAX_SKIPPED_MINUTES)
        .filter_map(|minutes| local.checked_add_signed(TimeDelta::minutes(minutes)))
        .find_map(|candidate| timezone.from_local_datetime(&candidate).earliest())
        .map_or_else(|| local.and_utc(), |instant| instant.with_timezone(&Utc))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;
    use chrono_tz::America::Montreal;
    use chrono_tz::Europe::Paris;
    use chrono_tz::Pacific::Noumea;

    fn paris_3018() -> OpeningHours {
        OpeningHours::Daily {
            timezone: Paris,
            opens: NaiveTime::from_hms_opt(9, 0, 0).unwrap(),
            closes: NaiveTime::from_hms_opt(23, 0, 0).unwrap(),
        }
    }

    fn utc(year: i32, month: u32, day: u32, hour: u32, minute: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(year, month, day, hour, minute, 0)
            .unwrap()
    }

    /// A Paris wall-clock time that exists exactly once.
    fn paris(year: i32, month: u32, day: u32, hour: u32, minute: u32) -> DateTime<Utc> {
        Paris
            .with_ymd_and_hms(year, month, day, hour, minute, 0)
            .single()
            .unwrap()
            .with_timezone(&Utc)
    }

    fn opens_at(status: OpenStatus) -> DateTime<Utc> {
        match status {
            OpenStatus::Closed { opens_at } => opens_at,
            other => panic!("expected closed, got {other:?}"),
        }
    }

    fn closes_at(status: OpenStatus) -> DateTime<Utc> {
        match status {
            OpenStatus::Open {
                closes_at: Some(closes_at),
            } => closes_at,
            other => panic!("expected open with a closing time, got {other:?}"),
        }
    }

    /// (date, UTC offset of Paris that day in hours, offset the next day) — the expected
    /// UTC instants below are written out by hand from these offsets.
    const DAYS: [((i32, u32, u32), u32, u32); 5] = [
        ((2025, 1, 15), 1, 1),  // ordinary winter day (CET)
        ((2025, 7, 15), 2, 2),  // ordinary summer day (CEST)
        ((2025, 3, 29), 1, 2),  // Saturday before clocks go forward
        ((2025, 3, 30), 2, 2),  // clocks go forward at 02:00
        ((2025, 10, 26), 1, 1), // clocks go back at 03:00
    ];

    #[test]
    fn edges_of_the_3018_window_on_ordinary_and_daylight_saving_days() {
        let hours = paris_3018();
        for ((year, month, day), offset, next_offset) in DAYS {
            let nine_utc = utc(year, month, day, 9 - offset, 0);
            let eleven_pm_utc = utc(year, month, day, 23 - offset, 0);
            let next_day = NaiveDate::from_ymd_opt(year, month, day)
                .unwrap()
                .succ_opt()
                .unwrap();
            let next_nine_utc = next_day
                .and_hms_opt(9 - next_offset, 0, 0)
                .unwrap()
                .and_utc();

            let before_opening = hours.status_at(paris(year, month, day, 8, 59));
            assert_eq!(opens_at(before_opening), nine_utc, "08:59 on {day}/{month}");

            let at_opening = hours.status_at(paris(year, month, day, 9, 0));
            assert_eq!(
                closes_at(at_opening),
                eleven_pm_utc,
                "09:00 on {day}/{month}"
            );

            let last_minute = hours.status_at(paris(year, month, day, 22, 59));
            assert_eq!(
                closes_at(last_minute),
                eleven_pm_utc,
                "22:59 on {day}/{month}"
            );

            let at_closing = hours.status_at(paris(year, month, day, 23, 0));
            assert_eq!(
                opens_at(at_closing),
                next_nine_utc,
                "23:00 on {day}/{month}"
            );
        }
    }

    #[test]
    fn night_before_spring_change_lasts_one_real_hour_less() {
        let closed_at = paris(2025, 3, 29, 23, 0);
        let opens = opens_at(paris_3018().status_at(closed_at));
        assert_eq!(opens - closed_at, TimeDelta::hours(9));
        let closed_at = paris(2025, 10, 25, 23, 0);
        let opens = opens_at(paris_3018().status_at(closed_at));
        assert_eq!(opens - closed_at, TimeDelta::hours(11));
    }

    #[test]
    fn after_midnight_the_next_opening_is_the_same_day() {
        let status = paris_3018().status_at(paris(2025, 1, 16, 0, 30));
        assert_eq!(opens_at(status), utc(2025, 1, 16, 8, 0));
    }

    #[test]
    fn skipped_and_repeated_local_times_resolve_to_when_the_clock_reaches_them() {
        let night_window = OpeningHours::Daily {
            timezone: Paris,
            opens: NaiveTime::from_hms_opt(2, 30, 0).unwrap(),
            closes: NaiveTime::from_hms_opt(4, 0, 0).unwrap(),
        };
        // 30 March 2025, 02:30 does not exist: the clock jumps to 03:00 at 01:00 UTC.
        let status = night_window.status_at(utc(2025, 3, 30, 0, 0));
        assert_eq!(opens_at(status), utc(2025, 3, 30, 1, 0));
        // 26 October 2025, 02:30 happens twice: first at 00:30 UTC (CEST).
        let status = night_window.status_at(utc(2025, 10, 26, 0, 0));
        assert_eq!(opens_at(status), utc(2025, 10, 26, 0, 30));
        let status = night_window.status_at(utc(2025, 10, 26, 0, 30));
        assert_eq!(closes_at(status), utc(2025, 10, 26, 3, 0));
    }

    #[test]
    fn overnight_windows_run_past_midnight() {
        let evenings = OpeningHours::Daily {
            timezone: Paris,
            opens: NaiveTime::from_hms_opt(20, 0, 0).unwrap(),
            closes: NaiveTime::from_hms_opt(2, 0, 0).unwrap(),
        };
        let status = evenings.status_at(paris(2025, 1, 16, 1, 0));
        assert_eq!(closes_at(status), utc(2025, 1, 16, 1, 0));
        let status = evenings.status_at(paris(2025, 1, 16, 2, 0));
        assert_eq!(opens_at(status), utc(2025, 1, 16, 19, 0));
    }

    #[test]
    fn always_open_lines_never_close() {
        assert_eq!(
            OpeningHours::Always.status_at(utc(2025, 3, 30, 1, 30)),
            OpenStatus::Open { closes_at: None }
        );
    }

    #[test]
    fn hours_that_vary_by_operator_are_never_claimed_open_or_closed() {
        assert_eq!(
            OpeningHours::Varies.status_at(utc(2025, 3, 30, 1, 30)),
            OpenStatus::Unknown
        );
    }

    #[test]
    fn extreme_instants_do_not_panic() {
        for now in [DateTime::<Utc>::MIN_UTC, DateTime::<Utc>::MAX_UTC] {
            let _ = paris_3018().status_at(now);
        }
    }

    #[test]
    fn next_opening_as_seen_from_montreal_and_noumea() {
        let hours = paris_3018();
        let local = |month, day, hour| {
            NaiveDate::from_ymd_opt(2025, month, day)
                .unwrap()
                .and_hms_opt(hour, 0, 0)
                .unwrap()
        };
        // (closed instant, opening on a Montréal clock, opening on a Nouméa clock)
        let cases = [
            // Winter: Paris UTC+1, Montréal UTC−5, Nouméa UTC+11 (never changes).
            (
                paris(2025, 1, 15, 23, 30),
                local(1, 16, 3),
                local(1, 16, 19),
            ),
            // Summer: Paris UTC+2, Montréal UTC−4.
            (paris(2025, 7, 15, 7, 0), local(7, 15, 3), local(7, 15, 18)),
            // North America has already moved its clocks forward, Europe not yet.
            (paris(2025, 3, 20, 8, 0), local(3, 20, 4), local(3, 20, 19)),
        ];
        for (now, in_montreal, in_noumea) in cases {
            let opens = opens_at(hours.status_at(now));
            assert_eq!(opens.with_timezone(&Montreal).naive_local(), in_montreal);
            assert_eq!(opens.with_timezone(&Noumea).naive_local(), in_noumea);
        }
    }
}
