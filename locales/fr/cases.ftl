# /cases : réponses aux modérateurs. Toujours éphémère.

cases-refused-not-moderator = Seuls les modérateurs de ce serveur peuvent utiliser /cases.
cases-line = **{ $reference }** · { $reason } · { $status } · { $reported } · ouvert { $opened }
cases-invalid-reference = « { $reference } » n'est pas une référence de dossier : 6 lettres ou chiffres, comme K7M2QX.
cases-unknown = Il n'y a pas de dossier { $reference } sur ce serveur.
cases-open-title = Dossiers · page { $page } sur { $pages }
cases-open-footer = { $total ->
    [one] 1 dossier
   *[other] { $total } dossiers
} · /cases open page:N pour une autre page
cases-open-empty = Aucun dossier ne correspond à ces filtres.
cases-history-title = Dossiers visant ce membre
cases-history-empty = Aucun dossier ne vise { $member } sur ce serveur.
cases-reveal-reason-required = Indique pourquoi tu as besoin de connaître l'auteur du signalement.
cases-reveal-erased = (identité effacée à la demande de l'auteur du signalement)
cases-reveal-result = Le dossier **{ $reference }** a été signalé par : { $reporters }. Toi seul le vois ; cette levée d'anonymat et ta raison sont inscrites au journal d'audit.
