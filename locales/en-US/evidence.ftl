# Preserved evidence: several messages per report, their files kept, the victim's evidence
# file.

menu-add-to-report = Add to my report
cmd-evidence-file = evidence-file
    .description = Get the evidence of your report by DM, to hand to the 3018 or the police
opt-evidence-file-reference = reference
    .description = Your report's reference, e.g. K7M2QX
cmd-cases-evidence = evidence
    .description = See a case's evidence with its preserved files (audited)
opt-cases-evidence-reference = reference
    .description = The case reference

evidence-added = Added to your report **{ $reference }**: it now holds { $items ->
    [one] 1 message
   *[other] { $items } messages
}. Its files are being saved.
evidence-already-added = This message is already in your report **{ $reference }**.

queue-field-evidence-count = Evidence ({ $count })
queue-audit-evidence_view = viewed the evidence
queue-audit-evidence_file = asked for the evidence file

evidence-files-summary = Files: { $kept } kept{ $pending ->
    [0] {""}
   *[other] , { $pending } being saved
}
evidence-skip-too-large = not kept, larger than this server's limit per file
evidence-skip-report-full = not kept, the report's files reached their total limit
evidence-skip-type = not kept, this type of file is not kept
evidence-skip-host = not kept, not a Discord attachment link
evidence-skip-unavailable = not kept, Discord no longer served it
evidence-skip-failed = not kept, it could not be downloaded

evidence-list-title = Evidence of case { $reference } ({ $count })
evidence-item = **{ $number }.** [Message]({ $link }) by { $author }, { $when }
evidence-too-large-to-attach = { $count ->
    [one] 1 file is too large to attach here
   *[other] { $count } files are too large to attach here
}: it stays in the case and in the victim's evidence file.

evidence-file-button = Get my evidence file
evidence-file-dm = Here is the evidence file of your report **{ $reference }**. Open evidence.html to read it. You can give this file to the 3018 (in its app or at https://3018.fr) or to the police when you file a complaint.
evidence-file-sent = Your evidence file was sent to you by DM.
evidence-file-dm-closed = Your DMs are closed, so the evidence file could not be sent. Allow direct messages from this server's members, then ask again.
evidence-file-not-victim = Only the person being harassed can get the evidence file of a report.
evidence-file-purged = The evidence of this report was purged after the server's retention period: there is no evidence file any more.
evidence-file-empty = This report holds no message as evidence. Use "Add to my report" on a message to add one.
evidence-file-unknown = No report { $reference } on this server.

evidence-file-heading = Evidence file, report { $reference } on { $server }
evidence-file-purpose = This file gathers the messages reported on Discord, as the Safe Button bot kept them when they were reported, with their files and fingerprints. It is meant to be handed to the 3018 (France's helpline against online harassment, in its app or at 3018.fr) or to the police when you file a complaint.
evidence-file-how = The messages below are as they were when reported, even if they were deleted since. evidence.json holds the same data in a form a computer can read; the files folder holds the preserved files.
evidence-file-server = Server
evidence-file-reference = Report reference
evidence-file-generated = File made on
evidence-file-author = Author
evidence-file-channel = Channel
evidence-file-created = Sent
evidence-file-edited = Edited
evidence-file-message-id = Message ID
evidence-file-sha256 = SHA-256 of the text
evidence-file-not-included = kept by the server, too large for this file: ask the server's moderators
evidence-file-integrity = Each SHA-256 fingerprint lets anyone check that a text or a file was not changed since it was kept.
