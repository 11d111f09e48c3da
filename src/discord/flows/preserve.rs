//! The `preserve_evidence` delivery: fetches a snapshot's attachments from Discord's hosts
//! while their signed links still work, and stores each file's bytes and SHA-256 with the
//! evidence. Each file's outcome is written once, so a retried delivery fetches only what
//! is still pending; a network failure or a 5xx is retried like any delivery.

use std::sync::LazyLock;
use std::time::Duration;

use chrono::Utc;
use sha2::{Digest, Sha256};
use url::Url;

use crate::discord::{BotData, BotError};
use crate::domain::evidence::{Declared, FileOutcome, MAX_ATTEMPTS};
use crate::store::{Delivery, Finished, PendingFile, Settled};

/// How long one file may take, connection included.
const FETCH_TIMEOUT: Duration = Duration::from_mins(1);

/// One client for every fetch: no redirect is ever followed (a link must not lead the bot
/// off Discord's hosts), and a stalled host cannot hold a delivery forever.
static CLIENT: LazyLock<reqwest::Client> = LazyLock::new(|| {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(FETCH_TIMEOUT)
        .build()
        .unwrap_or_default()
});

/// Why a fetch did not bring the file.
enum Fetch {
    Got(Vec<u8>),
    /// Final: the file is skipped for this reason.
    Skipped(FileOutcome),
    /// Worth another try (network, 5xx, 429).
    Retry,
}

/// Carries out one preservation. `Err` when a file could not be fetched this time: the
/// delivery is retried, and the files already settled stay as they are.
pub async fn deliver(data: &BotData, delivery: &Delivery) -> Result<Finished, BotError> {
    let Some(evidence_id) = delivery.evidence_id else {
        return Ok(Finished::Done);
    };
    let (pending, mut kept) = data.store.pending_files(evidence_id).await?;
    let giving_up = delivery.attempts >= MAX_ATTEMPTS;
    let extra_host = data
        .config
        .discord
        .api_base
        .as_ref()
        .and_then(Url::host_str)
        .map(str::to_owned);
    let mut retry = false;
    for file in pending {
        let settled = match fetch(data, &file, extra_host.as_deref(), kept).await {
            Fetch::Got(bytes) => {
                kept += u64::try_from(bytes.len()).unwrap_or(u64::MAX);
                let sha256 = hex::encode(Sha256::digest(&bytes));
                Settled::Stored { sha256, bytes }
            }
            Fetch::Skipped(outcome) => Settled::Skipped(outcome),
            Fetch::Retry if giving_up => Settled::Skipped(FileOutcome::Failed),
            Fetch::Retry => {
                retry = true;
                continue;
            }
        };
        data.store
            .settle_file(file.file.id, settled, Utc::now())
            .await?;
    }
    tracing::info!(
        case_id = delivery.case_id,
        attempt = delivery.attempts,
        complete = !retry,
        "evidence files preserved"
    );
    if retry {
        return Err(BotError::Download);
    }
    data.store
        .preservation_done(delivery.case_id, Utc::now())
        .await?;
    data.deliveries.notify_one();
    Ok(Finished::Done)
}

/// Fetches one file within the bounds, reading at most the bytes it may keep.
async fn fetch(
    data: &BotData,
    pending: &PendingFile,
    extra_host: Option<&str>,
    kept: u64,
) -> Fetch {
    let url = Url::parse(&pending.url).ok();
    let host = url.as_ref().and_then(Url::host_str);
    let declared = Declared {
        host,
        content_type: pending.file.content_type.as_deref(),
        size: pending.file.size,
    };
    let limit = match data.config.evidence.admit(&declared, extra_host, kept) {
        Ok(limit) => limit,
        Err(outcome) => return Fetch::Skipped(outcome),
    };
    let Some(url) = url else {
        return Fetch::Skipped(FileOutcome::HostNotAllowed);
    };
    let response = match CLIENT.get(url).send().await {
        Ok(response) => response,
        Err(error) => {
            tracing::warn!(error = %error.without_url(), "attachment fetch failed");
            return Fetch::Retry;
        }
    };
    let status = response.status();
    if status.is_server_error() || status == reqwest::StatusCode::TOO_MANY_REQUESTS {
        return Fetch::Retry;
    }
    if !status.is_success() {
        // Expired, deleted, or a redirect (never followed).
        tracing::info!(status = status.as_u16(), "attachment no longer served");
        return Fetch::Skipped(FileOutcome::Unavailable);
    }
    read_capped(response, limit, pending.file.size).await
}

/// Reads the body, never holding more than `limit` bytes: past it the file is skipped.
async fn read_capped(mut response: reqwest::Response, limit: u64, declared: u64) -> Fetch {
    let mut bytes = Vec::with_capacity(usize::try_from(declared.min(limit)).unwrap_or(0));
    loop {
        match response.chunk().await {
            Ok(Some(chunk)) => {
                let total = bytes.len().saturating_add(chunk.len());
                if u64::try_from(total).unwrap_or(u64::MAX) > limit {
                    return Fetch::Skipped(FileOutcome::TooLarge);
                }
                bytes.extend_from_slice(&chunk);
            }
            Ok(None) => return Fetch::Got(bytes),
            Err(error) => {
                tracing::warn!(error = %error.without_url(), "attachment download cut");
                return Fetch::Retry;
            }
        }
    }
}
