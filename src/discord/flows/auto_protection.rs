//! What a stored report triggers on its own (SPEC §4): the anti-abuse limits, the automatic
//! mute when enough distinct members reported, and the victim's protective offer.

use chrono::{DateTime, TimeDelta, Utc};
use poise::serenity_prelude::Http;

use super::sanctions::{self, MuteRequest, MuteResult};
use crate::discord::rest::ErrorCode;
use crate::discord::{BotData, BotError, ids};
use crate::domain::protection::{
    self, AntiAbuse, Offer, RATE_LIMIT_WINDOW, Reporter, RequestedBy, Withheld,
};
use crate::domain::report::CheckedReport;
use crate::domain::settings::{self, SettingKey, Settings};
use crate::i18n::tr;
use crate::store::RecordedReport;

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
    report: &CheckedReport,
    recorded: &RecordedReport,
) -> AfterReport {
    let now = Utc::now();
    let check = anti_abuse_check(http, data, report, recorded, now).await;
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
    /// Reached on real data (not on a store or Discord error): it may be kept on the report.
    settled: bool,
}

async fn anti_abuse_check(
    http: &Http,
    data: &BotData,
    report: &CheckedReport,
    recorded: &RecordedReport,
    now: DateTime<Utc>,
) -> AbuseCheck {
    let limits = AntiAbuse {
        reports_per_hour: data.config.anti_abuse.reports_per_hour,
        min_membership_age: data.config.anti_abuse.min_membership_age,
    };
    let since = now - RATE_LIMIT_WINDOW;
    let pseudonym = data
        .pseudonyms
        .reporter_pseudonym(report.guild_id, report.reporter_id);
    let counted = data
        .store
        .reports_by_reporter_since(report.guild_id, &pseudonym, since)
        .await;
    let reports_last_hour = match counted {
        Ok(count) => count,
        Err(error) => {
            tracing::error!(case = %recorded.reference, %error, "cannot count the reporter's reports");
            return AbuseCheck {
                withheld: Some(Withheld::RateLimited),
                settled: false,
            };
        }
    };
    let reporter = (ids::guild(report.guild_id), ids::user(report.reporter_id));
    let (joined_at, settled) = match http.get_member(reporter.0, reporter.1).await {
        Ok(member) => (member.joined_at.map(|joined| *joined), true),
        Err(error) => {
            tracing::info!(code = ?ErrorCode::of(&error), "cannot read the reporter's join date");
            (None, false)
        }
    };
    let reporter = Reporter {
        reports_last_hour,
        joined_at,
    };
    let withheld = limits.withheld(&reporter, now);
    AbuseCheck {
        // The rate limit stands on its own; only the age verdict needed Discord.
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
    let window = settings
        .duration(SettingKey::AutoMuteWindow)
        .and_then(|window| TimeDelta::from_std(window).ok())
        .unwrap_or(TimeDelta::zero());
    let reporters = data
        .store
        .eligible_reporters_since(report.guild_id, report.reported_id, now - window)
        .await?;
    if threshold <= 0 || reporters < threshold {
        return Ok(None);
    }
    let _guard = data.lock_case(recorded.case_id).await?;
    let Some(case) = data.store.case_by_id(recorded.case_id).await? else {
        return Ok(None);
    };
    // Under the lock: whether a moderator took over, or the rule already ran on this case.
    let mutes = sanctions::case_mutes(data, &case).await?;
    if !protection::auto_mute_due(reporters, threshold, mutes) {
        return Ok(None);
    }
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
