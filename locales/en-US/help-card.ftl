# The help card (SPEC §3), sent by DM to the victim, or shown in the ephemeral answer when
# the DM cannot be delivered. Never posted where others can see it.

help-card-intro = You reported harassment in { $server }. You are not alone: here is who can help, free and in confidence.
help-card-witness-intro = Someone in { $server } reported harassment against you, to protect you. You are not alone: here is who can help, free and in confidence.
help-card-title = { $number }: help against online harassment
help-card-hours-label = Hours
help-card-hours-daily = Every day from { $opens } to { $closes } ({ $timezone } time), public holidays included.
help-card-hours-always = 24 hours a day, 7 days a week.
help-card-now-label = Right now
help-card-open-now = Open now: call { $number } or use the chat at 3018.fr.
help-card-closed-now = Closed now. It opens again { $day } at { $time } ({ $timezone } time), <t:{ $unix }:R>. Meanwhile you can write through 3018.fr, and the lines below answer day and night.
help-card-lead-line = If you fear for your life or someone else's, call **{ $number }** now: { $description }
help-card-urgent-label = Urgent help, day and night
help-card-urgent-line = **{ $number }**: { $description }
help-card-block-label = Block them in Discord
help-card-block-howto = A bot cannot block someone for you. In Discord: open their profile, press ⋯ (More), then Block. They will no longer be able to message you.
help-card-contact-file = Save { $number } in your phone with the attached contact card.

helpline-3018-description = Free, anonymous and confidential, for victims and witnesses of online harassment and digital violence. Its team of psychologists, lawyers and digital experts can get harmful content removed fast.
helpline-3114-description = Suicide prevention, 24/7, free.
helpline-119-description = Allô Enfance en Danger: children and teenagers in danger, 24/7, free.
helpline-17-description = Police, for immediate danger.
helpline-112-description = Emergency services, anywhere in the European Union.
helpline-3018-link = 3018.fr: chat, app, contact
helpline-3114-link = 3114.fr
helpline-119-link = allo119.gouv.fr
