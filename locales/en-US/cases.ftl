# /cases: answers to moderators. Always ephemeral.

cases-refused-not-moderator = Only this server's moderators can use /cases.
cases-line = **{ $reference }** · { $reason } · { $status } · { $reported } · opened { $opened }
cases-invalid-reference = “{ $reference }” is not a case reference: 6 letters or digits, like K7M2QX.
cases-unknown = There is no case { $reference } in this server.
cases-open-title = Cases · page { $page } of { $pages }
cases-open-footer = { $total ->
    [one] 1 case
   *[other] { $total } cases
} · /cases open page:N for another page
cases-open-empty = No case matches these filters.
cases-history-title = Cases against this member
cases-history-empty = No case against { $member } in this server.
cases-reveal-reason-required = Please state why you need to reveal the reporter.
cases-reveal-erased = (identity erased at the reporter's request)
cases-reveal-result = Case **{ $reference }** was reported by: { $reporters }. Only you see this; the reveal and your reason are in the audit log.
