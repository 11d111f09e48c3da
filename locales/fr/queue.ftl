# La file des modérateurs (SPEC §5). L'embed est publié dans la langue du serveur ; les
# réponses aux clics d'un modérateur sont éphémères, dans sa langue.

queue-title = Dossier { $reference } · { $status }
queue-field-reason = Motif
queue-field-reported = Membre signalé
queue-field-victim = Personne harcelée
queue-field-reporters = { $count ->
    [one] Auteur du signalement
   *[other] Auteurs des signalements ({ $count })
}
queue-reporter-sealed = Scellé. Un modérateur peut le révéler avec /cases reveal en donnant une raison (journalisée).
queue-reporter-erased = (effacé)
queue-field-details = Ce qu'ont écrit les auteurs
queue-evidence-none = Aucune jointe
queue-evidence-purged = Purgées après la durée de conservation
queue-evidence-item = [Message]({ $link }) de { $author } · { $attachments ->
    [0] aucune pièce jointe
    [one] 1 pièce jointe
   *[other] { $attachments } pièces jointes
}
queue-field-protection = Actions de protection
queue-protection-none = Aucune
queue-action-line = { $kind } · { $requester } · { $status } { $extra }
queue-kind-mute = Sourdine
queue-kind-shield = Bouclier de contact
queue-kind-ban = Bannissement
queue-requester-victim = demandé par la victime
queue-requester-automatic = automatique
queue-requester-moderator = par un modérateur
queue-status-applied = appliqué
queue-status-expired = expiré
queue-status-refused = non appliqué
queue-status-failed = échec
queue-status-reverted = annulé
queue-until = jusqu'au { $until }
queue-detail-bot = (le membre est un bot)
queue-detail-owner = (le membre est propriétaire du serveur)
queue-detail-moderator = (le membre est modérateur ou admin)
queue-detail-role_not_below_bot = (le rôle du membre n'est pas sous celui du bot)
queue-detail-discord_missing_permissions = (Discord : le bot n'a pas la permission)
queue-detail-discord_unknown_member = (Discord : n'est plus membre)
queue-detail-discord_unknown_ban = (Discord : pas banni)
queue-detail-discord_failed = (Discord n'a pas répondu)
queue-muted-by-other-case = Sourdine du membre en cours, posée dans le dossier { $reference }
queue-shield-deletions = { $count ->
    [one] 1 message supprimé par le bouclier
   *[other] { $count } messages supprimés par le bouclier
}
queue-field-help-card = Carte d'aide
queue-help-card-pending = En cours d'envoi
queue-help-card-dm_sent = Remise en message privé
queue-help-card-dm_failed = Message privé impossible : affichée dans la réponse au signalement
queue-field-prior = Dossiers antérieurs visant ce membre
queue-field-claimed = Pris en charge par
queue-field-outcome = Issue
queue-field-history = Historique
queue-detail-already_lifted = déjà levé sur Discord
queue-detail-cleanup-none = aucun message supprimé
queue-detail-cleanup-1h = messages de la dernière heure supprimés
queue-detail-cleanup-1d = messages du dernier jour supprimés
queue-detail-for = pour { $duration }
queue-history-detail = { $when } · { $who } · { $what } · { $detail }
queue-history-line = { $when } · { $who } · { $what }
queue-history-failed = { $when } · { $who } · { $what } : ÉCHEC { $why }
queue-history-refused = { $when } · { $who } · { $what } : NON APPLIQUÉ { $why }
queue-audit-claim = a pris le dossier
queue-audit-resolve = a résolu le dossier
queue-audit-dismiss = a classé le dossier
queue-audit-mute = a rendu muet
queue-audit-unmute = a levé la sourdine
queue-audit-ban = a banni
queue-audit-unban = a levé le bannissement
queue-audit-reveal = a révélé l'auteur du signalement
queue-audit-shield_deletion = suppression par le bouclier

queue-outcome-action_taken = Résolu : mesure prise
queue-outcome-warned = Résolu : membre averti
queue-outcome-no_violation = Résolu : aucune règle enfreinte
queue-outcome-other = Résolu : autre
queue-dismissal-unfounded = Classé : infondé
queue-dismissal-abusive_report = Classé : signalement abusif

queue-button-claim = Prendre
queue-button-mute = Rendre muet
queue-button-ban = Bannir
queue-button-dismiss = Classer
queue-button-resolve = Résoudre
queue-button-unmute = Lever la sourdine
queue-button-unban = Lever le bannissement

queue-pick-mute-duration = Dossier { $reference } : rendre muet pour combien de temps ?
queue-pick-ban-cleanup = Dossier { $reference } : bannir, et supprimer ses messages récents ?
queue-pick-dismissal = Dossier { $reference } : pourquoi le classer ?
queue-pick-outcome = Dossier { $reference } : quelle issue ?
queue-duration-10m = 10 minutes
queue-duration-1h = 1 heure
queue-duration-1d = 1 jour
queue-duration-7d = 1 semaine
queue-duration-28d = 28 jours (le maximum de Discord)
queue-cleanup-none = Bannir, garder ses messages
queue-cleanup-1h = Bannir, supprimer ses messages de la dernière heure
queue-cleanup-1d = Bannir, supprimer ses messages du dernier jour

queue-refused-not-moderator = Seuls les modérateurs de ce serveur peuvent agir sur les dossiers.
queue-case-unknown = Ce dossier ou ce choix n'existe plus. Utilise /cases show pour le voir.
queue-claimed = Tu as pris le dossier { $reference }.
queue-already-claimed = Le dossier { $reference } est déjà pris par { $moderator }.
queue-case-closed = Le dossier { $reference } est déjà clos ({ $status }).
queue-moved = Un autre modérateur a modifié le dossier { $reference } au même moment. Regarde la file et réessaie.
queue-resolved = Le dossier { $reference } est résolu.
queue-dismissed = Le dossier { $reference } est classé.
queue-muted = { $member } est rendu muet jusqu'au { $until } (dossier { $reference }).
queue-banned = { $member } est banni (dossier { $reference }).
queue-already-banned = { $member } est déjà banni pour le dossier { $reference }.
queue-exempt = Le bot n'agira pas sur { $member } { $why }. Traite-le toi-même si besoin.
queue-unmuted = { $member } peut de nouveau parler (dossier { $reference }).
queue-unbanned = { $member } n'est plus banni (dossier { $reference }).
queue-nothing-to-undo = Rien à annuler sur le dossier { $reference }.

queue-reporter-notice = Ton signalement { $reference } sur { $server } a été examiné par les modérateurs et le dossier est maintenant clos. Merci d'avoir parlé. Si cela recommence, signale-le de nouveau ; le 3018 peut aussi t'aider, tous les jours de 9 h à 23 h.
