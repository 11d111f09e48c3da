# Answers to a reporter. Always ephemeral: only the reporter sees them.

report-received = Your report is recorded. Reference: **{ $reference }**.
report-merged = Other members reported this person too: your report joins the same case.
report-next-steps = { $sealed ->
    [yes] What happens next: the moderators of this server will review the case. They will not see who reported unless one of them reveals it for a stated reason, which is logged.
   *[no] What happens next: the moderators of this server will review the case.
}
report-help-card-sending = We are sending you the 3018 contact card by private message; this message will say when it has arrived.
report-help-card-sending-victim = We are sending the person you are protecting the 3018 contact card by private message, without saying who reported; this message will say how it went.
report-help-card-sent = We sent you the 3018 contact card by private message.
report-help-card-sent-victim = We sent the person you are protecting the 3018 contact card by private message, without saying who reported.
report-help-card-here = We could not send you a private message, so here is the help card. Only you can see it.
report-help-card-here-victim = The person you are protecting could not be reached privately. Here is the card to pass on to them; only you can see it.
report-link-unreadable = The bot could not read the linked message (deleted, or in a channel it cannot see), so it is not attached. Your report is recorded all the same.
report-link-content-withheld = Discord does not let bots read a message's text through a link, so only who wrote it and when is attached. To attach its text, use "Report message" on the message itself.
report-danger = If you or someone is in immediate danger, call 17 (police) or 112.
report-store-failed = Your report could not be recorded because of a problem on our side. Please try again in a minute. Help is available right now:

report-refused-self = You cannot report yourself. If you are struggling, the lines below can help: 3114 (24/7, free) and 3018 (online harassment).
report-refused-the-bot = Safe Button itself cannot be reported. If something is wrong with it, tell the server's moderators.
report-refused-bot-account = Bot accounts cannot be reported here. Tell the server's moderators about this bot.
report-refused-not-member = This person is not a member of this server (anymore), so the moderators here cannot act. If they keep contacting you, block them in Discord and contact the 3018.
report-refused-victim-is-reported = The person being harassed and the person you report cannot be the same.
report-refused-victim-bot = A bot account cannot be the person being harassed.
report-refused-victim-not-member = The person being harassed is not a member of this server.
report-refused-details-too-long = Your details are too long: { $max } characters at most. Please shorten them and send again.
report-refused-link-malformed = This is not a link to a Discord message. Use "Copy Message Link" on the message, or leave the field empty.
report-refused-link-other-server = This message link points to another server. Only messages from this server can be attached; report the other one from its own server.

report-pick-reason = What is happening? Choose what fits best.
report-reason-placeholder = Choose a reason
report-modal-title = Report
report-modal-details-label = What happened? (optional)
report-modal-details-placeholder = In your own words. Only the moderators will read it.
report-expired = This report form has expired or was already sent. Please start again from the menu.
