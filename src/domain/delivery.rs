//! Deliveries: what a change must cause on Discord, carried out later by a worker (the
//! outbox), and how long a failed one waits before the next attempt.

use std::time::Duration;

use super::code::coded;

coded!(
    /// What a delivery sends. `QueuePost`: the case's post in the moderators' queue,
    /// created or edited in place. `HelpCard`: the help card, by DM to the victim, then
    /// the reporter's answer edited with how it went. `CloseNotice`: the closed case's
    /// notice, by DM to each of its reporters. `PreserveEvidence`: the attachments of a
    /// snapshot, fetched from Discord's hosts and stored with the evidence. `Question`: a
    /// moderator's question, by DM to the reporter. `QuestionReply`: the asking moderator
    /// is told the reporter settled it (answered or declined), by DM.
    DeliveryKind, "delivery kind" {
        QueuePost => "queue_post",
        HelpCard => "help_card",
        CloseNotice => "close_notice",
        PreserveEvidence => "preserve_evidence",
        Question => "question",
        QuestionReply => "question_reply",
    }
);

/// A shield deletion redraws the case's post this long after it (coalesced with any other
/// change meanwhile): a member who spams the victim must not make the bot hammer Discord.
pub const SHIELD_REFRESH_DELAY: Duration = Duration::from_secs(10);

/// A message added to a report with files redraws the case's post this long after, unless
/// its files' preservation ends sooner and redraws it then: one edit shows both.
pub const PRESERVATION_GRACE: Duration = Duration::from_secs(10);

/// A help card waits this long for the reporter's first answer to go out before it is
/// sent anyway (the answer's edit must come after it). The reporter's flow releases it
/// sooner; this bounds the wait after a crash in between.
pub const HELP_CARD_HOLD: Duration = Duration::from_secs(30);

/// The first retry waits this long; each further one twice as long, up to [`MAX_WAIT`].
const FIRST_WAIT: Duration = Duration::from_secs(1);
const MAX_WAIT: Duration = Duration::from_mins(5);

/// How long a delivery that failed for the `attempts`-th time waits before the next try:
/// exponential, capped, and spread by `jitter` (0.0 to 1.0, drawn by the caller) over
/// ±25 % so that many deliveries failing together do not retry together.
pub fn retry_wait(attempts: u32, jitter: f64) -> Duration {
    let doublings = attempts.saturating_sub(1).min(16);
    let wait = FIRST_WAIT.saturating_mul(1 << doublings).min(MAX_WAIT);
    wait.mul_f64(0.75 + 0.5 * jitter.clamp(0.0, 1.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_double_up_to_the_cap_with_bounded_jitter() {
        assert_eq!(retry_wait(1, 0.5), Duration::from_secs(1));
        assert_eq!(retry_wait(2, 0.5), Duration::from_secs(2));
        assert_eq!(retry_wait(4, 0.5), Duration::from_secs(8));
        assert_eq!(retry_wait(40, 0.5), MAX_WAIT);
        assert_eq!(retry_wait(1, 0.0), Duration::from_millis(750));
        assert_eq!(retry_wait(1, 1.0), Duration::from_millis(1250));
        assert_eq!(retry_wait(0, 7.0), Duration::from_millis(1250), "clamped");
    }
}
