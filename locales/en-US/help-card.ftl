# The help card (SPEC §3), sent by DM to the victim, or shown in the ephemeral answer when
# the DM cannot be delivered. Never posted where others can see it.
# These are only frames: the services, their descriptions and the advice come from
# helplines/<country>.toml, each with its source.

help-card-intro-harassment = You reported harassment in { $server }. You are not alone: here is who can help.
help-card-intro-insults-hate = You reported insults or hate in { $server }. You are not alone: here is who can help.
help-card-intro-threats = You reported threats in { $server }. If you feel in danger, do not wait: here is who to call.
help-card-intro-sexual-content = You reported sexual content or blackmail in { $server }. You are not alone: here is who can help, and what to do.
help-card-intro-doxxing = You reported someone sharing personal information in { $server }. If you feel in danger, do not wait: here is who to call.
help-card-intro-impersonation = You reported impersonation in { $server }. You are not alone: here is who can help.
help-card-intro-self-harm = You are worried about someone's safety in { $server }. You were right to speak up: here is who can help.
help-card-intro-other = You made a report in { $server }. You are not alone: here is who can help.
help-card-witness-intro = Someone in { $server } reported, to protect you, something that concerns you ({ $reason }). You are not alone: here is who can help.
help-card-hours-label = Hours
help-card-hours-daily = Every day from { $opens } to { $closes } ({ $timezone } time), public holidays included.
help-card-hours-always = 24 hours a day, 7 days a week.
help-card-hours-varies = The hours depend on the country.
help-card-now-label = Right now
help-card-open-now = Open now: call **{ $number }**.
help-card-closed-now = Closed now. It opens again { $day } at { $time } ({ $timezone } time), <t:{ $unix }:R>. { $count ->
    [0] Call then.
   *[other] Answering right now: { $lines }.
}
help-card-now-varies = Depending on the country, this line may be closed right now. { $count ->
    [0] Try again later.
   *[other] Answering right now: { $lines }.
}
help-card-lead-self-harm = If you fear for your life or someone else's, call **{ $number }** now: { $description }
help-card-lead-danger = If you are in danger, call **{ $number }** now: { $description }
help-card-urgent-label = Urgent help, day and night
help-card-urgent-line = **{ $number }**: { $description }
# Ignore and Block, after Discord's help:
# https://support.discord.com/hc/fr/articles/28084948873623-Comment-ignorer-des-utilisateurs-sur-Discord
# (Ignore hides messages, DMs, notifications and profile, without the person knowing),
# checked on 2026-12-01.
help-card-protect-label = Protect yourself in Discord
help-card-protect-howto = A bot cannot do this for you. **Ignore** hides their messages, DMs and profile from you, without them knowing. **Block** also stops them from sending you DMs. On desktop: right-click their name or avatar, then Ignore or Block. On mobile: tap their name to open their profile, then tap ⋯ and Ignore or Block.
help-card-contact-file = Save { $number } in your phone with the attached contact card.

# Timezones as people say them ("Paris time"); others take their IANA city name.
zone-europe-paris = Paris
zone-europe-brussels = Brussels
zone-europe-zurich = Zurich
zone-europe-london = London
zone-america-toronto = Toronto
zone-america-montreal = Montreal
zone-america-new-york = New York
zone-pacific-noumea = Noumea
