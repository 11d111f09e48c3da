//! What a stored report triggers on its own (SPEC §4): the anti-abuse limits, the automatic
//! mute when enough distinct members reported, and the victim's protective offer.

use chrono::{DateTime, TimeDelta, Utc};
use poise::serenity_prelude::Http;

use super::sanctions::{self, MuteRequest, MuteResult};
use crate::discord::{BotData, BotError};
use crate::domain::protection::{self, AntiAbuse, Offer, Reporter, RequestedBy, Withheld};
use crate::domain::report::CheckedReport;
use crate::domain::settings::{self, SettingKey, Settings};
use crate::i18n::tr;
use crate::store::{CaseRecord, RecordedReport};

/// What the reporter's acknowledgement gains from the protective actions.
pub struct AfterReport {
    /// Extra paragraphs: Fluent ids.
    pub notes: Vec<&'static str>,
    /// The victim's buttons to offer.
    pub offer: Offer,
}

/// After a report is stored: applies the anti-abuse limits and the automatic mute when due.
/// Never fails the report: problems are logged.
pub async fn after_report(
    http: &Http,
    data: &BotData,
    settings: &Settings,
    (report, joined_at): (&CheckedReport, Option<DateTime<Utc>>),
    recorded: &RecordedReport,
) -> AfterReport {
    let now = Utc::now();
    let check = anti_abuse_check(data, joined_at, recorded, now);
    let withheld = check.withheld;
    if let Some(withheld) = withheld {
        tracing::info!(case = %recorded.reference, %withheld, settled = check.settled, "automatic protective actions withheld");
    }
    // Only a verdict reached on real data is kept: an outage withholds for now, not forever.
    if let (Some(withheld), true) = (withheld, check.settled)
        && let Err(error) = data
            .store
            .set_protection_withheld(recorded.report_id, withheld)
            .await
    {
        tracing::error!(%error, "withheld protection not recorded");
    }
    let mut notes = Vec::new();
    if withheld.is_none() {
        match automatic_mute(http, data, settings, report, recorded, now).await {
            Ok(Some(MuteResult::Applied { .. })) => {
                notes.push("protection-auto-muted");
            }
            Ok(_) => {}
            Err(error) => tracing::error!(%error, "automatic mute failed"),
        }
    }
    if withheld.is_some() {
        notes.push("protection-withheld");
    }
    let self_mute = settings.flag(SettingKey::SelfMuteAllowed);
    AfterReport {
        offer: protection::victim_offer(report.is_witness, self_mute, withheld),
        notes,
    }
}

/// The anti-abuse verdict on a report.
struct AbuseCheck {
    withheld: Option<Withheld>,
    /// Reached on real data (the join date known): it may be kept on the report.
    settled: bool,
}

/// Both facts are at hand: the reporter's join date came with the interaction, their
/// report count with the report's transaction.
fn anti_abuse_check(
    data: &BotData,
    joined_at: Option<DateTime<Utc>>,
    recorded: &RecordedReport,
    now: DateTime<Utc>,
) -> AbuseCheck {
    let limits = AntiAbuse {
        reports_per_hour: data.config.anti_abuse.reports_per_hour,
        min_membership_age: data.config.anti_abuse.min_membership_age,
    };
    let settled = joined_at.is_some();
    let reporter = Reporter {
        reports_last_hour: recorded.reporter_reports_in_window,
        joined_at,
    };
    let withheld = limits.withheld(&reporter, now);
    AbuseCheck {
        // The rate limit stands on its own; only the age verdict needs the join date.
        settled: settled || withheld == Some(Withheld::RateLimited),
        withheld,
    }
}

async fn automatic_mute(
    http: &Http,
    data: &BotData,
    settings: &Settings,
    report: &CheckedReport,
    recorded: &RecordedReport,
    now: DateTime<Utc>,
) -> Result<Option<MuteResult>, BotError> {
    let threshold = settings.integer(SettingKey::AutoMuteThreshold).unwrap_or(0);
    if threshold <= 0 {
        return Ok(None);
    }
    let window = settings
        .duration(SettingKey::AutoMuteWindow)
        .and_then(|window| TimeDelta::from_std(window).ok())
        .unwrap_or(TimeDelta::zero());
    let reporters = data
        .store
        .eligible_reporters_since(report.guild_id, report.reported_id, now - window)
        .await?;
    if reporters < threshold {
        return Ok(None);
    }
    // Once the rule ran on a case, every later report would queue on the case's lock only
    // to find so: it is looked at first, then again under the lock.
    let count = (reporters, threshold);
    if due_for_auto_mute(data, recorded.case_id, count)
        .await?
        .is_none()
    {
        return Ok(None);
    }
    let _guard = data.lock_case(recorded.case_id).await?;
    let Some(case) = due_for_auto_mute(data, recorded.case_id, count).await? else {
        return Ok(None);
    };
    let duration = settings
        .duration(SettingKey::SelfMuteDuration)
        .unwrap_or(settings::MAX_TIMEOUT);
    let reason = tr!(
        data.texts,
        settings.language(),
        "audit-reason-auto-mute",
        reference = case.reference.as_str(),
        count = reporters.to_string()
    );
    let request = MuteRequest {
        requested_by: RequestedBy::Automatic,
        actor_user_id: None,
        duration,
        detail: settings::format_duration(duration),
        audit_log_reason: reason,
        audit: None,
        moderator_stats: None,
    };
    let result = sanctions::mute(http, data, settings, &case, request).await?;
    tracing::info!(case = %case.reference, ?result, "automatic mute");
    Ok(Some(result))
}

/// The case, if the automatic mute is due on it: neither a moderator took over nor the
/// rule already ran.
async fn due_for_auto_mute(
    data: &BotData,
    case_id: i64,
    (reporters, threshold): (i64, i64),
) -> Result<Option<CaseRecord>, BotError> {
    let Some(case) = data.store.case_by_id(case_id).await? else {
        return Ok(None);
    };
    let mutes = sanctions::case_mutes(data, &case).await?;
    Ok(protection::auto_mute_due(reporters, threshold, mutes).then_some(case))
}
