# /config, the setup checklist, and the words used to show settings.

# The name of this language, written in itself (shown when choosing the server language).
language-autonym = English

duration-days = { $count } { $count ->
        [one] day
       *[other] days
    }
duration-hours = { $count } { $count ->
        [one] hour
       *[other] hours
    }
duration-minutes = { $count } { $count ->
        [one] minute
       *[other] minutes
    }
duration-seconds = { $count } { $count ->
        [one] second
       *[other] seconds
    }

permission-view-channel = View Channel
permission-send-messages = Send Messages
permission-embed-links = Embed Links
permission-attach-files = Attach Files

config-not-admin = Only members with the Manage Server permission can change Safe Button's settings.
config-show-title = Safe Button settings for this server
config-show-line = **{ $setting }**: { $value } ({ $origin })
config-origin-server = set on this server by <@{ $user }> on { $date } at { $time }
config-origin-server-unattributed = set on this server on { $date } at { $time }
config-origin-default = bot default
config-origin-unset = no default: set it for this server
config-value-yes = yes
config-value-no = no
config-value-unset = not set
config-value-moderators-fallback = not set: members with Moderate Members review cases
config-show-footer = Change a setting with { $config }, return it to the default with { $reset }. Times are shown in { $timezone }.

config-saved = **{ $setting }** is now { $value }.
config-saved-timezone = **{ $setting }** is now { $value } (it is { $time } there).
config-reset-done = **{ $setting }** is back to the bot default: { $value }.
config-reset-unset = **{ $setting }** is no longer set.
config-reset-already = **{ $setting }** already used the bot default: { $value }.
config-nothing-to-change = Give at least one value to change.

config-invalid-bool = **{ $setting }**: expected yes or no. Nothing was changed.
config-invalid-duration = **{ $setting }**: that is not a duration. Write it like 30m, 12h or 7d. Nothing was changed.
config-invalid-duration-range = **{ $setting }** must be from { $min } to { $max }. Nothing was changed.
config-invalid-integer = **{ $setting }**: expected a whole number. Nothing was changed.
config-invalid-integer-range = **{ $setting }** must be a whole number from { $min } to { $max }. Nothing was changed.
config-invalid-timezone = **{ $setting }**: “{ $value }” is not a known timezone. Use an IANA name such as Europe/Paris (the list appears as you type). Nothing was changed.
config-invalid-language = **{ $setting }**: “{ $value }” is not an available language. Available: { $shipped }. Nothing was changed.
config-invalid-id = **{ $setting }**: that is not a valid Discord ID. Nothing was changed.
config-invalid-country = **{ $setting }**: no helpline data for “{ $value }”. Available: { $available }. Nothing was changed.
config-queue-unknown-channel = I cannot see that channel. Choose a text channel of this server. Nothing was changed.
config-queue-not-text = { $channel } is not a text channel. Cases are posted in a text channel. Nothing was changed.
config-queue-missing-permissions = I cannot post cases in { $channel }: I am missing { $missing } there. Give me these permissions in that channel, then try again. Nothing was changed.
config-role-everyone = @everyone cannot be the moderator role: every member would see the cases. Nothing was changed.

setup-title = **Setting up Safe Button** (shown once, to the first admin)
setup-intro = Reports already work. Here is what is set and what is missing:
setup-item-set = ✅ **{ $setting }**: { $value }
setup-item-missing = ⬜ **{ $setting }**: not set. Set it with `{ $command }`.
setup-queue-explained = Until a queue channel is set, cases are recorded but not posted for moderators.
setup-moderator-explained = Without a moderator role, members with Moderate Members review cases.
setup-footer = See every setting with `{ $command }`.
