# The moderator queue (SPEC §5). The embed is posted in the server's language; answers to a
# moderator's click are ephemeral, in the moderator's language.

queue-title = Case { $reference } · { $status }
queue-field-reason = Reason
queue-field-reported = Reported member
queue-field-victim = Person harassed
queue-field-reporters = { $count ->
    [one] Reporter
   *[other] Reporters ({ $count })
}
queue-reporter-sealed = Sealed. A moderator can reveal it with /cases reveal and a stated reason (logged).
queue-reporter-erased = (erased)
queue-field-details = What the reporters wrote
queue-evidence-none = None attached
queue-evidence-purged = Purged after the retention period
queue-evidence-item = [Message]({ $link }) by { $author } · { $attachments ->
    [0] no attachment
    [one] 1 attachment
   *[other] { $attachments } attachments
}
queue-field-protection = Protective actions
queue-protection-none = None
queue-action-line = { $kind } · { $requester } · { $status } { $extra }
queue-kind-mute = Mute
queue-kind-shield = Contact shield
queue-kind-ban = Ban
queue-requester-victim = asked by the victim
queue-requester-automatic = automatic
queue-requester-moderator = by a moderator
queue-status-applied = applied
queue-status-expired = expired
queue-status-refused = not applied
queue-status-failed = failed
queue-status-reverted = undone
queue-until = until { $until }
queue-detail-bot = (the member is a bot)
queue-detail-owner = (the member owns the server)
queue-detail-moderator = (the member is a moderator or an admin)
queue-detail-role_not_below_bot = (the member's role is not below the bot's)
queue-detail-discord_missing_permissions = (Discord: the bot lacks the permission)
queue-detail-discord_unknown_member = (Discord: no longer a member)
queue-detail-discord_unknown_ban = (Discord: not banned)
queue-detail-discord_failed = (Discord did not answer)
queue-muted-by-other-case = The member's running timeout was set on case { $reference }
queue-shield-deletions = { $count ->
    [one] 1 message deleted by the shield
   *[other] { $count } messages deleted by the shield
}
queue-field-help-card = Help card
queue-help-card-pending = Being sent
queue-help-card-dm_sent = Delivered by private message
queue-help-card-dm_failed = Private message failed: shown in the report's answer instead
queue-field-prior = Earlier cases against this member
queue-field-claimed = Claimed by
queue-field-outcome = Outcome
queue-field-history = History
queue-detail-already_lifted = already lifted on Discord
queue-detail-cleanup-none = no messages deleted
queue-detail-cleanup-1h = messages of the last hour deleted
queue-detail-cleanup-1d = messages of the last day deleted
queue-detail-for = for { $duration }
queue-history-detail = { $when } · { $who } · { $what } · { $detail }
queue-history-line = { $when } · { $who } · { $what }
queue-history-failed = { $when } · { $who } · { $what }: FAILED { $why }
queue-history-refused = { $when } · { $who } · { $what }: NOT APPLIED { $why }
queue-audit-claim = claimed the case
queue-audit-resolve = resolved the case
queue-audit-dismiss = dismissed the case
queue-audit-mute = muted
queue-audit-unmute = lifted the mute
queue-audit-ban = banned
queue-audit-unban = lifted the ban
queue-audit-reveal = revealed the reporter
queue-audit-shield_deletion = shield deletion

queue-outcome-action_taken = Resolved: action taken
queue-outcome-warned = Resolved: member warned
queue-outcome-no_violation = Resolved: no rule broken
queue-outcome-other = Resolved: other
queue-dismissal-unfounded = Dismissed: unfounded
queue-dismissal-abusive_report = Dismissed: abusive reporting

queue-button-claim = Claim
queue-button-mute = Mute
queue-button-ban = Ban
queue-button-dismiss = Dismiss
queue-button-resolve = Resolve
queue-button-unmute = Lift the mute
queue-button-unban = Lift the ban

queue-pick-mute-duration = Case { $reference }: mute for how long?
queue-pick-ban-cleanup = Case { $reference }: ban, and delete their recent messages?
queue-pick-dismissal = Case { $reference }: why dismiss it?
queue-pick-outcome = Case { $reference }: what was the outcome?
queue-duration-10m = 10 minutes
queue-duration-1h = 1 hour
queue-duration-1d = 1 day
queue-duration-7d = 1 week
queue-duration-28d = 28 days (the longest Discord allows)
queue-cleanup-none = Ban, keep their messages
queue-cleanup-1h = Ban, delete their messages of the last hour
queue-cleanup-1d = Ban, delete their messages of the last day

queue-refused-not-moderator = Only this server's moderators can act on cases.
queue-case-unknown = This case or this choice no longer exists. Use /cases show to see it.
queue-claimed = You claimed case { $reference }.
queue-already-claimed = Case { $reference } is already claimed by { $moderator }.
queue-case-closed = Case { $reference } is already closed ({ $status }).
queue-moved = Another moderator changed case { $reference } at the same moment. Look at the queue and try again.
queue-resolved = Case { $reference } is resolved.
queue-dismissed = Case { $reference } is dismissed.
queue-muted = { $member } is muted until { $until } (case { $reference }).
queue-banned = { $member } is banned (case { $reference }).
queue-already-banned = { $member } is already banned for case { $reference }.
queue-exempt = The bot will not act on { $member } { $why }. Handle it yourself if needed.
queue-unmuted = { $member } can speak again (case { $reference }).
queue-unbanned = { $member } is no longer banned (case { $reference }).
queue-nothing-to-undo = Nothing to undo on case { $reference }.

queue-reporter-notice = Your report { $reference } on { $server } was reviewed by the moderators and the case is now closed. Thank you for speaking up. If it happens again, report again; the 3018 can also help, every day from 9am to 11pm (Paris time).
