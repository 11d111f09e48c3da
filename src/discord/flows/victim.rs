//! The victim's protective buttons on their report's answer (SPEC §4): "Mute them until a
//! moderator reviews" and "Block them from contacting me" (the contact shield).

use chrono::{DateTime, TimeDelta, Utc};
use poise::serenity_prelude as serenity;
use serenity::Http;

use super::CaseChanged;
use super::sanctions::{self, MuteRequest, audit_reason, protective_stats};
use crate::discord::custom_id::VictimAction;
use crate::discord::render::{answers, timestamp};
use crate::discord::{BotData, BotError};
use crate::domain::protection::{ActionStatus, ProtectionKind, RequestedBy};
use crate::domain::settings::{self, SettingKey, Settings};
use crate::i18n::tr;
use crate::store::{ActiveShield, CaseRecord, ModerationStep, NewProtectiveAction};

/// Who pressed which button on which case, in which server.
pub struct Press<'a> {
    pub guild_id: i64,
    pub presser: i64,
    pub case_id: i64,
    pub action: VictimAction,
    pub settings: &'a Settings,
    pub locale: &'a str,
}

/// Carries out the victim's action under the case lock; returns their answer, and the case
/// when it changed.
pub async fn act(
    http: &Http,
    data: &BotData,
    press: &Press<'_>,
) -> Result<(String, Option<CaseChanged>), BotError> {
    let (texts, locale) = (&data.texts, press.locale);
    let refuse = |id: &str| Ok((texts.text(locale, id), None));
    let _guard = data.lock_case(press.case_id).await?;
    let Some(case) = data
        .store
        .case_by_id(press.case_id)
        .await?
        .filter(|case| case.guild_id == press.guild_id)
    else {
        return refuse("protection-not-yours");
    };
    // Only a victim who reported for themselves on this case may use the buttons.
    let reports = data.store.reports_of_case(case.id).await?;
    let Some(own_report) = reports.iter().rev().find(|report| {
        report.reporter_user_id == Some(press.presser) && report.victim_user_id == press.presser
    }) else {
        return refuse("protection-not-yours");
    };
    if !case.status.is_active() {
        return refuse("protection-case-closed");
    }
    let answer = match press.action {
        VictimAction::Mute => {
            // The limits gate the mute; the shield only ever protects the presser.
            let withheld = data.store.protection_withheld(own_report.id).await?;
            if withheld.is_some() {
                return refuse("protection-withheld");
            }
            mute(http, data, press, &case).await?
        }
        VictimAction::Shield => shield(data, press, &case).await?,
        // Not a protective action: the component router sends it to the evidence file.
        VictimAction::EvidenceFile => return refuse("protection-not-yours"),
    };
    Ok((answer, Some(CaseChanged(case.id))))
}

async fn mute(
    http: &Http,
    data: &BotData,
    press: &Press<'_>,
    case: &CaseRecord,
) -> Result<String, BotError> {
    let (texts, locale, settings) = (&data.texts, press.locale, press.settings);
    if !settings.flag(SettingKey::SelfMuteAllowed) {
        return Ok(texts.text(locale, "protection-not-allowed"));
    }
    if !sanctions::case_mutes(data, case).await?.victim_may_mute() {
        return Ok(texts.text(locale, "protection-moderator-reviewing"));
    }
    let duration = settings
        .duration(SettingKey::SelfMuteDuration)
        .unwrap_or(settings::MAX_TIMEOUT);
    let request = MuteRequest {
        requested_by: RequestedBy::Victim,
        actor_user_id: Some(press.presser),
        duration,
        detail: settings::format_duration(duration),
        audit_log_reason: audit_reason(data, settings, "audit-reason-victim-mute", case, None),
        audit: None,
        moderator_stats: None,
    };
    let result = sanctions::mute(http, data, settings, case, request).await?;
    Ok(answers::victim_mute(texts, locale, result))
}

/// Starts the contact shield for the presser, unless one already runs.
async fn shield(data: &BotData, press: &Press<'_>, case: &CaseRecord) -> Result<String, BotError> {
    let (texts, locale, victim) = (&data.texts, press.locale, press.presser);
    let now = Utc::now();
    let actions = data.store.protective_actions_of_case(case.id).await?;
    let running = actions.iter().find(|action| {
        action.kind == ProtectionKind::Shield
            && action.protected_user_id == Some(victim)
            && action.is_running(now)
    });
    if let Some(running) = running {
        return Ok(match running.expires_at {
            Some(end) => tr!(
                texts,
                locale,
                "protection-shield-already",
                until = timestamp(end)
            ),
            None => texts.text(locale, "protection-shield-already"),
        });
    }
    let expires_at = start_shield(data, press, case, now).await?;
    Ok(tr!(
        texts,
        locale,
        "protection-shield-on",
        until = timestamp(expires_at)
    ))
}

/// Records the shield and adds it to the in-memory index; returns its end.
async fn start_shield(
    data: &BotData,
    press: &Press<'_>,
    case: &CaseRecord,
    now: DateTime<Utc>,
) -> Result<DateTime<Utc>, BotError> {
    let victim = press.presser;
    let length = press
        .settings
        .duration(SettingKey::ShieldDuration)
        .and_then(|length| TimeDelta::from_std(length).ok())
        .unwrap_or(TimeDelta::days(7));
    let expires_at = now + length;
    let step = ModerationStep {
        new_action: Some(NewProtectiveAction {
            case_id: case.id,
            kind: ProtectionKind::Shield,
            target_user_id: case.reported_user_id,
            protected_user_id: Some(victim),
            requested_by: RequestedBy::Victim,
            actor_user_id: Some(victim),
            status: ActionStatus::Applied,
            detail: None,
            expires_at: Some(expires_at),
            now,
        }),
        stats: vec![protective_stats(
            press.settings,
            case,
            ProtectionKind::Shield,
            now,
        )],
        now: Some(now),
        ..ModerationStep::default()
    };
    data.store.record_step(&step).await?;
    data.shields.insert(ActiveShield {
        guild_id: case.guild_id,
        case_id: case.id,
        target_user_id: case.reported_user_id,
        protected_user_id: victim,
        expires_at: Some(expires_at),
    });
    Ok(expires_at)
}
