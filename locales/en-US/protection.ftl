# Protective actions (SPEC §4): the victim's buttons and what they are told.
# Always ephemeral: only the member who reported sees them.

protection-offer-mute = Mute them until a moderator reviews
protection-offer-shield = Block them from contacting me
protection-auto-muted = Several members reported this person: they are muted until the moderators review the case.
protection-withheld = The moderators will decide which protective measures to take for this report.
protection-not-yours = These buttons can only be used by the person who reported for themselves on this case.
protection-case-closed = This case is already closed, so these buttons no longer apply. If it starts again, report again.
protection-not-allowed = This server does not let members mute someone themselves. The moderators will review your report.
protection-muted = Done: this person is muted until { $until }. They can still read, but cannot write or speak. The moderators will review the case.
protection-already-muted = This person is already muted, for at least as long.
protection-moderators-alerted = The bot cannot mute this person (a moderator, an admin, or someone with a role above the bot). The moderators have been alerted and will review your report.
protection-moderator-reviewing = A moderator is already reviewing this case: muting is up to them now. The "Block them from contacting me" button is still yours to use.
protection-moderators-will-review = The moderators have been alerted and will review your report.
protection-shield-on = Shield on. Until the case is closed (and at the latest { $until }), the bot deletes their messages in this server that mention you or reply to your messages. To stop their private messages too, block them in Discord: their profile → ⋯ → Block.
protection-shield-already = The shield is already on for you in this case.
protection-discord-missing-permissions = Discord refused: the bot lacks the permission, or this member's role is above the bot's.
protection-discord-unknown-member = This person is no longer a member of the server.
protection-discord-unknown-ban = This person is not banned (anymore).
protection-discord-failed = Discord did not answer properly. Please try again in a moment.

# Reasons shown in the server's audit log (in the server's language, 512 characters at most).
audit-reason-victim-mute = Safe Button case { $reference }: muted at the victim's request until a moderator reviews
audit-reason-auto-mute = Safe Button case { $reference }: muted automatically after { $count } members reported
audit-reason-shield = Safe Button case { $reference }: message deleted by the contact shield
audit-reason-moderator-mute = Safe Button case { $reference }: muted by moderator { $moderator }
audit-reason-moderator-ban = Safe Button case { $reference }: banned by moderator { $moderator }
audit-reason-unmute = Safe Button case { $reference }: unmuted by moderator { $moderator }
audit-reason-unban = Safe Button case { $reference }: unbanned by moderator { $moderator }
audit-reason-case-closed = Safe Button case { $reference }: timeout lifted as the case closed
