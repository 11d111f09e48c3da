# /stats and /stats export: anonymized statistics for moderators. Counts from 1 to k−1
# show as "< k"; "×" marks a count hidden so that a small one cannot be worked out.

stats-moderators-only = Only this server's moderators can see its statistics.
stats-title = Statistics: { $period }
stats-description = From { $from } to { $to } (server time): { $total } case(s) opened. Counts from 1 to { $k } − 1 show as “< { $k }”; “×” marks a count hidden so that a small count cannot be worked out. No member can be identified from these figures.
stats-by-reason = Cases by reason
stats-by-week = Cases by week (starting)
stats-protective-actions = Protective actions
stats-moderator-actions = Moderator actions
stats-median-first-action = Median time to first moderator action
stats-help-cards-delivered = Help cards delivered
stats-reported-more-than-once = Members reported more than once
stats-footer = Anonymized: the statistics hold no Discord ID and no report text.
stats-none = None
stats-below = < { $k }
stats-hidden = ×
stats-withheld = Not shown (fewer than { $k } cases)
stats-duration = { $hours } h { $minutes } min
stats-percent = { $percent }%
stats-week = { $month }/{ $day }/{ $year }
stats-chart-title = Cases per week, by reason
stats-chart-y-axis = Cases
stats-chart-hidden = Not shown (small counts)
stats-export-ready = Statistics, { $period }, as CSV (same small-count rules as /stats show).
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
