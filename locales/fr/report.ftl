# Réponses à la personne qui signale. Toujours éphémères : elle seule les voit.

report-received = Ton signalement est enregistré. Référence : **{ $reference }**.
report-merged = D'autres membres ont aussi signalé cette personne : ton signalement rejoint le même dossier.
report-next-steps = { $sealed ->
    [yes] Et maintenant : la modération de ce serveur va examiner le dossier. Elle ne verra pas qui a signalé, sauf si un modérateur le révèle pour une raison motivée, ce qui est journalisé.
   *[no] Et maintenant : la modération de ce serveur va examiner le dossier.
}
report-help-card-sending = Nous t'envoyons la fiche du 3018 en message privé ; ce message dira quand elle sera arrivée.
report-help-card-sending-victim = Nous envoyons la fiche du 3018 en message privé à la personne que tu protèges, sans dire qui a signalé ; ce message dira comment cela s'est passé.
report-help-card-sent = Nous t'avons envoyé la fiche du 3018 en message privé.
report-help-card-sent-victim = Nous avons envoyé la fiche du 3018 en message privé à la personne que tu protèges, sans dire qui a signalé.
report-help-card-here = Nous n'avons pas pu t'envoyer de message privé, alors voici la carte d'aide. Toi seul·e la vois.
report-help-card-here-victim = La personne que tu protèges n'a pas pu être jointe en privé. Voici la carte à lui transmettre ; toi seul·e la vois.
report-link-unreadable = Le bot n'a pas pu lire le message lié (supprimé, ou dans un salon qu'il ne voit pas) : il n'est pas joint. Ton signalement est tout de même enregistré.
report-link-content-withheld = Discord ne laisse pas les bots lire le texte d'un message par un lien : seuls son auteur et sa date sont joints. Pour joindre son texte, utilise « Signaler le message » sur le message lui-même.
report-danger = Si toi ou quelqu'un êtes en danger immédiat, appelle le 17 (police) ou le 112.
report-store-failed = Ton signalement n'a pas pu être enregistré à cause d'un problème de notre côté. Réessaie dans une minute. De l'aide est disponible dès maintenant :

report-refused-self = Tu ne peux pas te signaler toi-même. Si ça ne va pas, ces lignes peuvent t'aider : 3114 (24 h/24, gratuit) et 3018 (cyberharcèlement).
report-refused-the-bot = Safe Button ne peut pas être signalé lui-même. Si quelque chose ne va pas avec lui, préviens la modération du serveur.
report-refused-bot-account = Les comptes de bot ne peuvent pas être signalés ici. Préviens la modération du serveur à propos de ce bot.
report-refused-not-member = Cette personne n'est pas (ou plus) membre de ce serveur : la modération d'ici ne peut pas agir. Si elle continue à te contacter, bloque-la dans Discord et contacte le 3018.
report-refused-victim-is-reported = La personne harcelée et la personne signalée ne peuvent pas être la même.
report-refused-victim-bot = Un compte de bot ne peut pas être la personne harcelée.
report-refused-victim-not-member = La personne harcelée n'est pas membre de ce serveur.
report-refused-details-too-long = Tes précisions sont trop longues : { $max } caractères au plus. Raccourcis-les et renvoie.
report-refused-link-malformed = Ce n'est pas un lien vers un message Discord. Utilise « Copier le lien du message » sur le message, ou laisse le champ vide.
report-refused-link-other-server = Ce lien pointe vers un autre serveur. Seuls les messages de ce serveur peuvent être joints ; signale l'autre depuis son propre serveur.

report-pick-reason = Que se passe-t-il ? Choisis ce qui correspond le mieux.
report-reason-placeholder = Choisis un motif
report-modal-title = Signaler
report-modal-details-label = Que s'est-il passé ? (facultatif)
report-modal-details-placeholder = Avec tes mots. Seule la modération le lira.
report-expired = Ce formulaire a expiré ou a déjà été envoyé. Recommence depuis le menu.
