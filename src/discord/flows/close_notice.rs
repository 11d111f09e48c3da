//! The closed case's notice to its reporters (SPEC §5), carried out by the delivery worker:
//! by DM, in the server's language, without any sanction detail. A reporter whose identity
//! was erased is not told; a closed DM is not an error.

use poise::serenity_prelude as serenity;
use serenity::Http;

use crate::discord::rest::{self, ErrorCode};
use crate::discord::{BotData, BotError, ids};
use crate::i18n::tr;
use crate::store::{Delivery, Finished};

/// Tells each reporter once: a retry after a failure sends the same nonces, and Discord
/// returns the notices already sent.
pub async fn deliver(
    http: &Http,
    cache: &serenity::Cache,
    data: &BotData,
    delivery: &Delivery,
) -> Result<Finished, BotError> {
    let Some(case) = data.store.case_by_id(delivery.case_id).await? else {
        return Ok(Finished::Done);
    };
    let reports = data.store.reports_of_case(case.id).await?;
    let mut reporters: Vec<i64> = reports
        .iter()
        .filter_map(|report| report.reporter_user_id)
        .collect();
    reporters.sort_unstable();
    reporters.dedup();
    let settings = data.settings_of(case.guild_id).await;
    let locale = settings.language();
    let server = data.guild_name(cache, ids::guild(case.guild_id), locale);
    let reference = case.reference.as_str();
    let notice = tr!(
        data.texts,
        locale,
        "queue-reporter-notice",
        reference = reference,
        server = server
    );
    for (index, reporter) in reporters.into_iter().enumerate() {
        let message = serenity::CreateMessage::new()
            .content(notice.clone())
            .nonce(serenity::Nonce::String(format!(
                "sbd{}r{index}",
                delivery.id
            )))
            .enforce_nonce(true);
        match data.dm_channels.send(http, reporter, message).await {
            Ok(_) => {}
            Err(error) if rest::is_refusal(&error) => {
                let code = ErrorCode::of(&error);
                tracing::info!(case = %reference, ?code, "closing notice not delivered");
            }
            Err(error) => return Err(error.into()),
        }
    }
    Ok(Finished::Done)
}
