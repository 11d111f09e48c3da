//! Protective actions (SPEC §4): whom the bot may mute, when a mute or a contact shield is
//! applied without a moderator, and what the anti-abuse limits withhold.
//!
//! The anti-abuse limits only ever withhold an *automatic* protective action (the victim's
//! own buttons and the automatic mute); they never stop a report from being stored and queued.

use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};

use super::access::Actor;
use super::code::coded;

/// Discord accepts audit-log reasons of 1 to 512 characters.
pub const MAX_AUDIT_LOG_REASON_CHARS: usize = 512;

coded!(
    /// What a protective action does.
    ProtectionKind, "protection kind" {
        Mute => "mute",
        Shield => "shield",
        Ban => "ban",
    }
);

coded!(
    /// Who asked for a protective action.
    RequestedBy, "requester" {
        Victim => "victim",
        Automatic => "automatic",
        Moderator => "moderator",
    }
);

coded!(
    /// What became of a protective action. Only `Applied` protects anyone.
    ActionStatus, "action status" {
        Applied => "applied",
        Refused => "refused",
        Failed => "failed",
        Reverted => "reverted",
    }
);

coded!(
    /// Why a member cannot be muted by the bot: the victim is told moderators were alerted.
    Exemption, "exemption" {
        Bot => "bot",
        Owner => "owner",
        Moderator => "moderator",
        RoleNotBelowBot => "role_not_below_bot",
    }
);

coded!(
    /// Why the automatic protective actions of a report were withheld.
    Withheld, "withheld" {
        RateLimited => "rate_limited",
        NewMember => "new_member",
        MembershipUnknown => "membership_unknown",
    }
);

coded!(
    /// The mute durations a moderator picks from (Discord's limit is 28 days).
    MuteDuration, "mute duration" {
        TenMinutes => "10m",
        OneHour => "1h",
        OneDay => "1d",
        OneWeek => "7d",
        TwentyEightDays => "28d",
    }
);

coded!(
    /// How much of a banned member's recent messages Discord deletes with the ban.
    BanCleanup, "ban cleanup" {
        Nothing => "none",
        LastHour => "1h",
        LastDay => "1d",
    }
);

impl MuteDuration {
    pub fn duration(self) -> Duration {
        const MINUTE: u64 = 60;
        Duration::from_secs(match self {
            MuteDuration::TenMinutes => 10 * MINUTE,
            MuteDuration::OneHour => 60 * MINUTE,
            MuteDuration::OneDay => 24 * 60 * MINUTE,
            MuteDuration::OneWeek => 7 * 24 * 60 * MINUTE,
            MuteDuration::TwentyEightDays => 28 * 24 * 60 * MINUTE,
        })
    }
}

impl BanCleanup {
    /// Discord's `delete_message_seconds`.
    pub fn seconds(self) -> u32 {
        match self {
            BanCleanup::Nothing => 0,
            BanCleanup::LastHour => 3600,
            BanCleanup::LastDay => 86_400,
        }
    }
}

/// The member a mute would target, as Discord describes them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Target {
    pub is_bot: bool,
    /// Their server-wide permissions and roles, and whether they own the server.
    pub access: Actor,
    /// Position of their highest role (0: only @everyone).
    pub top_role_position: i64,
}

/// Why the bot must not mute `target`, if it must not. `moderator_role` is the server's
/// configured role; `bot_top_role_position` the position of the bot's highest role
/// (Discord refuses to time out anyone whose highest role is not below it).
pub fn mute_exemption(
    target: &Target,
    moderator_role: Option<i64>,
    bot_top_role_position: i64,
) -> Option<Exemption> {
    if target.is_bot {
        Some(Exemption::Bot)
    } else if target.access.is_owner {
        Some(Exemption::Owner)
    } else if target.access.is_moderator(moderator_role) {
        Some(Exemption::Moderator)
    } else if target.top_role_position >= bot_top_role_position {
        Some(Exemption::RoleNotBelowBot)
    } else {
        None
    }
}

/// The window of the report rate limit (`reports_per_hour`); its records live this long.
pub const RATE_LIMIT_WINDOW: TimeDelta = TimeDelta::hours(1);

/// The anti-abuse limits of `bot.toml`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AntiAbuse {
    pub reports_per_hour: u32,
    pub min_membership_age: Duration,
}

/// What the limits look at about a reporter.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Reporter {
    /// Reports they made in this server in the last hour, this one included.
    pub reports_last_hour: i64,
    /// When they joined the server; `None` when Discord could not say.
    pub joined_at: Option<DateTime<Utc>>,
}

impl AntiAbuse {
    /// Whether the automatic protective actions of this reporter's report are withheld.
    pub fn withheld(&self, reporter: &Reporter, now: DateTime<Utc>) -> Option<Withheld> {
        if reporter.reports_last_hour > i64::from(self.reports_per_hour) {
            return Some(Withheld::RateLimited);
        }
        // Without a join date the bot cannot tell a fresh account from an old member:
        // nothing is applied automatically on its word, moderators still see the report.
        let Some(joined_at) = reporter.joined_at else {
            return Some(Withheld::MembershipUnknown);
        };
        let min_age = TimeDelta::from_std(self.min_membership_age).unwrap_or(TimeDelta::MAX);
        (now.signed_duration_since(joined_at) < min_age).then_some(Withheld::NewMember)
    }
}

/// What the reporter's acknowledgement offers.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Offer {
    /// "Mute them until a moderator reviews".
    pub mute: bool,
    /// "Block them from contacting me" (the contact shield).
    pub shield: bool,
}

/// The victim's buttons: only for a victim reporting for themselves (a witness cannot
/// decide for the person harassed). The shield only deletes messages aimed at the victim,
/// so it is always offered; the mute only when the server allows it and the limits did not
/// withhold it.
pub fn victim_offer(
    is_witness: bool,
    self_mute_allowed: bool,
    withheld: Option<Withheld>,
) -> Offer {
    if is_witness {
        return Offer::default();
    }
    Offer {
        mute: self_mute_allowed && withheld.is_none(),
        shield: true,
    }
}

/// What a case says about its earlier mutes, for the victim's and the automatic mute.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CaseMutes {
    /// A moderator claimed the case or lifted a mute on it: from then on, mutes are theirs.
    pub moderator_took_over: bool,
    /// The automatic mute was already tried on this case (and not undone).
    pub automatic_tried: bool,
}

impl CaseMutes {
    /// Whether the victim may still mute the member themselves.
    pub fn victim_may_mute(self) -> bool {
        !self.moderator_took_over
    }
}

/// Whether this report makes the automatic mute due: enough distinct members (whose reports
/// were not withheld) reported the member within the window, no moderator took the case
/// over, and it was not tried on this case already.
pub fn auto_mute_due(eligible_distinct_reporters: i64, threshold: i64, case: CaseMutes) -> bool {
    !case.moderator_took_over
        && !case.automatic_tried
        && threshold > 0
        && eligible_distinct_reporters >= threshold
}

/// The longest timeout the bot asks for: Discord's 28 days, less a minute so that clock
/// skew between the bot and Discord never makes it refuse the date.
pub const LONGEST_TIMEOUT: TimeDelta = TimeDelta::seconds(28 * 24 * 3600 - 60);

/// The end of a timeout of `requested` from `now`, never beyond [`LONGEST_TIMEOUT`].
pub fn timeout_until(now: DateTime<Utc>, requested: Duration) -> DateTime<Utc> {
    let length = TimeDelta::from_std(requested)
        .unwrap_or(LONGEST_TIMEOUT)
        .min(LONGEST_TIMEOUT);
    now + length
}

/// Whether a new timeout ending at `planned` would shorten the one Discord already runs
/// (`current`): the bot never shortens a timeout, whoever set it.
pub fn would_shorten(current: Option<DateTime<Utc>>, planned: DateTime<Utc>) -> bool {
    current.is_some_and(|current| current >= planned)
}

/// An audit-log reason Discord accepts: trimmed to 512 characters, never empty.
pub fn audit_log_reason(text: &str) -> String {
    let text = text.trim();
    if text.is_empty() {
        return "Safe Button".to_owned();
    }
    text.chars().take(MAX_AUDIT_LOG_REASON_CHARS).collect()
}

/// Whether a message by a shielded member breaks the shield protecting `protected`: it
/// mentions them, or replies to one of their messages.
pub fn breaks_shield(protected: i64, mentioned: &[i64], replied_to_author: Option<i64>) -> bool {
    mentioned.contains(&protected) || replied_to_author == Some(protected)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::access::bits;
    use crate::domain::settings::MAX_TIMEOUT;

    const BOT_POSITION: i64 = 3;
    const MODERATOR_ROLE: i64 = 42;

    fn member(top_role_position: i64) -> Target {
        Target {
            top_role_position,
            ..Target::default()
        }
    }

    #[test]
    fn plain_members_below_the_bot_can_be_muted() {
        assert_eq!(
            mute_exemption(&member(1), Some(MODERATOR_ROLE), BOT_POSITION),
            None
        );
        assert_eq!(mute_exemption(&member(0), None, BOT_POSITION), None);
    }

    #[test]
    fn bots_owners_moderators_admins_and_high_roles_are_never_muted() {
        let bot = Target {
            is_bot: true,
            ..member(0)
        };
        let owner = Target {
            access: Actor {
                is_owner: true,
                ..Actor::default()
            },
            ..member(0)
        };
        let with_permissions = |permissions| Target {
            access: Actor {
                permissions,
                ..Actor::default()
            },
            ..member(1)
        };
        let by_role = Target {
            access: Actor {
                role_ids: vec![MODERATOR_ROLE],
                ..Actor::default()
            },
            ..member(1)
        };
        let cases = [
            (bot, Exemption::Bot),
            (owner, Exemption::Owner),
            (
                with_permissions(bits::MODERATE_MEMBERS),
                Exemption::Moderator,
            ),
            (with_permissions(bits::ADMINISTRATOR), Exemption::Moderator),
            (with_permissions(bits::MANAGE_GUILD), Exemption::Moderator),
            (by_role, Exemption::Moderator),
            (member(BOT_POSITION), Exemption::RoleNotBelowBot),
            (member(BOT_POSITION + 1), Exemption::RoleNotBelowBot),
        ];
        for (target, expected) in cases {
            assert_eq!(
                mute_exemption(&target, Some(MODERATOR_ROLE), BOT_POSITION),
                Some(expected),
                "{target:?}"
            );
        }
    }

    fn limits() -> AntiAbuse {
        AntiAbuse {
            reports_per_hour: 5,
            min_membership_age: Duration::from_mins(10),
        }
    }

    #[test]
    fn the_limits_withhold_only_past_the_rate_or_below_the_age() {
        let now = Utc::now();
        let old = Some(now - TimeDelta::days(30));
        let ok = Reporter {
            reports_last_hour: 5,
            joined_at: old,
        };
        assert_eq!(limits().withheld(&ok, now), None);
        let busy = Reporter {
            reports_last_hour: 6,
            ..ok
        };
        assert_eq!(limits().withheld(&busy, now), Some(Withheld::RateLimited));
        let fresh = Reporter {
            joined_at: Some(now - TimeDelta::minutes(9)),
            ..ok
        };
        assert_eq!(limits().withheld(&fresh, now), Some(Withheld::NewMember));
        let just_old_enough = Reporter {
            joined_at: Some(now - TimeDelta::minutes(10)),
            ..ok
        };
        assert_eq!(limits().withheld(&just_old_enough, now), None);
        let unknown = Reporter {
            joined_at: None,
            ..ok
        };
        assert_eq!(
            limits().withheld(&unknown, now),
            Some(Withheld::MembershipUnknown)
        );
    }

    #[test]
    fn the_offer_depends_on_who_reports_and_the_server_policy() {
        assert_eq!(
            victim_offer(false, true, None),
            Offer {
                mute: true,
                shield: true
            }
        );
        assert_eq!(
            victim_offer(false, false, None),
            Offer {
                mute: false,
                shield: true
            }
        );
        assert_eq!(victim_offer(true, true, None), Offer::default());
        assert_eq!(
            victim_offer(false, true, Some(Withheld::NewMember)),
            Offer {
                mute: false,
                shield: true
            },
            "the shield only protects the presser: the limits do not withhold it"
        );
    }

    #[test]
    fn the_automatic_mute_needs_the_threshold_and_runs_once_before_moderators() {
        let fresh = CaseMutes::default();
        assert!(!auto_mute_due(2, 3, fresh));
        assert!(auto_mute_due(3, 3, fresh));
        assert!(auto_mute_due(4, 3, fresh));
        assert!(!auto_mute_due(3, 0, fresh));
        let tried = CaseMutes {
            automatic_tried: true,
            ..fresh
        };
        assert!(!auto_mute_due(3, 3, tried));
        let taken_over = CaseMutes {
            moderator_took_over: true,
            ..fresh
        };
        assert!(!auto_mute_due(3, 3, taken_over));
        assert!(fresh.victim_may_mute());
        assert!(!taken_over.victim_may_mute());
    }

    #[test]
    fn a_timeout_is_never_shortened() {
        let now = Utc::now();
        let planned = now + TimeDelta::hours(24);
        assert!(!would_shorten(None, planned));
        assert!(!would_shorten(Some(now + TimeDelta::hours(1)), planned));
        assert!(would_shorten(Some(now + TimeDelta::days(27)), planned));
        assert!(would_shorten(Some(planned), planned));
    }

    #[test]
    fn timeouts_never_exceed_28_days() {
        let now = Utc::now();
        assert_eq!(
            timeout_until(now, MuteDuration::OneHour.duration()),
            now + TimeDelta::hours(1)
        );
        assert_eq!(
            timeout_until(now, Duration::from_hours(2160)),
            now + TimeDelta::days(28) - TimeDelta::seconds(60)
        );
        assert_eq!(
            timeout_until(now, MAX_TIMEOUT),
            now + TimeDelta::days(28) - TimeDelta::seconds(60),
            "a minute short of Discord's limit, for clock skew"
        );
        assert_eq!(
            MuteDuration::TwentyEightDays.duration(),
            MAX_TIMEOUT,
            "the longest choice is Discord's limit"
        );
    }

    #[test]
    fn audit_log_reasons_fit_discord_limits() {
        assert_eq!(audit_log_reason("  "), "Safe Button");
        let long = "é".repeat(600);
        assert_eq!(audit_log_reason(&long).chars().count(), 512);
        assert_eq!(audit_log_reason("case K7M2QX"), "case K7M2QX");
    }

    #[test]
    fn a_shield_catches_mentions_and_replies_only() {
        assert!(breaks_shield(1, &[3, 1], None));
        assert!(breaks_shield(1, &[], Some(1)));
        assert!(!breaks_shield(1, &[2], Some(2)));
        assert!(!breaks_shield(1, &[], None));
    }

    #[test]
    fn codes_parse_back() {
        for duration in MuteDuration::ALL {
            assert_eq!(duration.as_str().parse::<MuteDuration>(), Ok(*duration));
        }
        assert_eq!(
            "1h".parse::<BanCleanup>().map(BanCleanup::seconds),
            Ok(3600)
        );
        assert!("2h".parse::<MuteDuration>().is_err());
    }
}
