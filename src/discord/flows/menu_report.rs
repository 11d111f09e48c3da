//! A context-menu report in two steps: what was reported waits in the database
//! (`pending_reports`) between the click and the details modal, so a restart in the middle
//! loses nothing.

use chrono::{DateTime, TimeDelta, Utc};
use poise::serenity_prelude::Http;
use serde::{Deserialize, Serialize};

use super::reporting::{self, Acknowledgement, Filing};
use crate::discord::custom_id::PendingToken;
use crate::discord::render::acknowledgement::refusal;
use crate::discord::{BotData, BotError};
use crate::domain::case::ReportSource;
use crate::domain::reason::Reason;
use crate::domain::report::{Person, ReportDraft};
use crate::store::{NewEvidence, PendingReport};

/// How long a context-menu report may wait for its reason and details.
const PENDING_LIFETIME: TimeDelta = TimeDelta::minutes(30);

/// What a context-menu report keeps between the click and the modal.
#[derive(Debug, Serialize, Deserialize)]
struct PendingPayload {
    reported: i64,
    source: ReportSource,
    snapshot: Option<NewEvidence>,
}

/// Who reports whom, in which server, from a context menu.
pub struct MenuReport {
    pub guild_id: i64,
    pub reporter_id: i64,
    pub bot_id: i64,
    /// When the reporter joined the server, as the interaction says.
    pub reporter_joined_at: Option<DateTime<Utc>>,
}

impl MenuReport {
    /// The first step, once what was reported passed the checks: keeps it and returns the
    /// token the next steps carry.
    pub async fn keep(
        &self,
        data: &BotData,
        reported: i64,
        source: ReportSource,
        snapshot: Option<NewEvidence>,
    ) -> Result<PendingToken, BotError> {
        let token = PendingToken::generate();
        let payload = PendingPayload {
            reported,
            source,
            snapshot,
        };
        let payload = serde_json::to_string(&payload).map_err(|error| {
            tracing::error!(%error, "cannot serialize a pending report");
            BotError::Refused("error-internal")
        })?;
        data.store
            .save_pending_report(
                token.as_str(),
                self.guild_id,
                self.reporter_id,
                &payload,
                Utc::now(),
            )
            .await?;
        Ok(token)
    }

    /// The last step: the reason and details are known; files the report. A report that
    /// could not be stored waits again, so the reporter can retry.
    pub async fn file(
        &self,
        http: &Http,
        data: &BotData,
        (locale, interaction_token): (&str, &str),
        (reason, token, details): (Reason, &PendingToken, Option<String>),
    ) -> Result<Acknowledgement, BotError> {
        let Some((pending, payload)) = self.take(data, token).await? else {
            let expired = data.texts.text(locale, "report-expired");
            return Ok(Acknowledgement::text(expired));
        };
        let draft = ReportDraft {
            guild_id: self.guild_id,
            reporter_id: self.reporter_id,
            bot_id: self.bot_id,
            // Who was reported passed these checks when the menu was used.
            reported: Person {
                id: payload.reported,
                is_bot: false,
                is_member: true,
            },
            victim: None,
            reason,
            details,
            message_link: None,
        };
        let report = match draft.check() {
            Ok(report) => report,
            Err(refused) => {
                return Ok(Acknowledgement::text(refusal(&data.texts, locale, refused)));
            }
        };
        let filing = Filing {
            report,
            source: payload.source,
            evidence: payload.snapshot,
            locale: locale.to_owned(),
            link_note: None,
            interaction_token: interaction_token.to_owned(),
            reporter_joined_at: self.reporter_joined_at,
        };
        let settings = data.settings_of(self.guild_id).await;
        let answer = reporting::file_report(http, data, &settings, filing).await;
        if !answer.recorded {
            data.store
                .save_pending_report(
                    &pending.id,
                    pending.guild_id,
                    pending.reporter_user_id,
                    &pending.payload,
                    pending.created_at,
                )
                .await?;
        }
        Ok(answer)
    }

    /// The reporter's own pending report, taken out of the database, if it has not expired.
    async fn take(
        &self,
        data: &BotData,
        token: &PendingToken,
    ) -> Result<Option<(PendingReport, PendingPayload)>, BotError> {
        let since = Utc::now() - PENDING_LIFETIME;
        let Some(pending) = data
            .store
            .take_pending_report(token.as_str(), self.guild_id, self.reporter_id, since)
            .await?
        else {
            return Ok(None);
        };
        if let Ok(payload) = serde_json::from_str::<PendingPayload>(&pending.payload) {
            Ok(Some((pending, payload)))
        } else {
            tracing::error!("unreadable pending report");
            Ok(None)
        }
    }
}
