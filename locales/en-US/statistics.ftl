# /stats and /stats export: anonymized statistics for moderators, over complete weeks
# (Monday to Sunday). Counts from 1 to k−1 show as "< k"; "×" marks a total hidden because
# it includes such a count.

stats-moderators-only = Only this server's moderators can see its statistics.
stats-title = Statistics: { $period }
stats-description = Complete weeks from Monday { $from } to Sunday { $to } (server time): { $total } case(s) opened. Counts from 1 to { $k } − 1 show as “< { $k }”; “×” marks a total that includes such a count, hidden so that it cannot be worked out. No member can be identified from these figures.
stats-by-reason = Cases by reason
stats-by-week = Cases by week (starting)
stats-protective-actions = Protective actions
stats-moderator-actions = Moderator actions
stats-median-first-action = Median time to first moderator action
stats-help-cards-delivered = Help cards delivered
stats-reported-more-than-once = Members reported more than once
stats-footer = Anonymized: the statistics hold no Discord ID and no report text. Actions and members reported more than once are rounded down to a multiple of { $k } and shown as a range.
stats-none = None
stats-below = < { $k }
stats-hidden = ×
stats-withheld = Not shown (fewer than { $k } cases)
stats-withheld-share = Not shown (fewer than { $k } help cards with either outcome)
stats-range = { $low }–{ $high }
stats-duration = { $hours } h { $minutes } min
stats-percent = { $percent }%
stats-week = { $month }/{ $day }/{ $year }
stats-chart-title = Cases per week, by reason
stats-chart-y-axis = Cases
stats-export-ready = Statistics, { $period }, as CSV (same small-count rules as { $command }).
stats-csv-week = Week starting
stats-csv-reason = Reason
stats-csv-cases = Cases

stats-action-mute = Mute
stats-action-shield = Contact shield
stats-action-claim = Claimed
stats-action-unmute = Unmuted
stats-action-ban = Banned
stats-action-unban = Unbanned
stats-action-dismiss = Dismissed
stats-action-resolve = Resolved
stats-action-reveal = Reporter revealed
stats-action-shield_deletion = Message removed by a shield
stats-line = { $label }: { $value }
