# La carte d'aide (SPEC §3), envoyée en MP à la victime, ou affichée dans la réponse
# éphémère quand le MP ne passe pas. Jamais publiée là où d'autres la verraient.

help-card-intro = Tu as signalé du harcèlement sur { $server }. Tu n'es pas seul·e : voici qui peut t'aider, gratuitement et en toute confidentialité.
help-card-witness-intro = Quelqu'un sur { $server } a signalé du harcèlement envers toi, pour te protéger. Tu n'es pas seul·e : voici qui peut t'aider, gratuitement et en toute confidentialité.
help-card-title = { $number } : aide contre le cyberharcèlement
help-card-hours-label = Horaires
help-card-hours-daily = Tous les jours de { $opens } à { $closes } (heure de { $timezone }), jours fériés compris.
help-card-hours-always = 24 h/24, 7 j/7.
help-card-now-label = En ce moment
help-card-open-now = Ouvert : appelle le { $number } ou utilise le chat sur 3018.fr.
help-card-closed-now = Fermé pour l'instant. Réouverture { $day } à { $time } (heure de { $timezone }), <t:{ $unix }:R>. En attendant, tu peux écrire via 3018.fr, et les lignes ci-dessous répondent jour et nuit.
help-card-lead-line = Si tu crains pour ta vie ou celle de quelqu'un, appelle tout de suite le **{ $number }** : { $description }
help-card-urgent-label = Urgence, jour et nuit
help-card-urgent-line = **{ $number }** : { $description }
help-card-block-label = Le bloquer dans Discord
help-card-block-howto = Un bot ne peut pas bloquer quelqu'un à ta place. Dans Discord : ouvre son profil, appuie sur ⋯ (Plus), puis Bloquer. Il ne pourra plus t'écrire.
help-card-contact-file = Enregistre le { $number } dans ton téléphone avec la fiche contact jointe.

helpline-3018-description = Gratuit, anonyme et confidentiel, pour les victimes et témoins de cyberharcèlement et de violences numériques. Son équipe de psychologues, juristes et experts du numérique peut faire supprimer rapidement les contenus.
helpline-3114-description = Prévention du suicide, 24 h/24, 7 j/7, gratuit.
helpline-119-description = Allô Enfance en Danger : enfants et adolescents en danger, 24 h/24, gratuit.
helpline-17-description = Police, en cas de danger immédiat.
helpline-112-description = Urgences, partout dans l'Union européenne.
helpline-3018-link = 3018.fr : chat, appli, contact
helpline-3114-link = 3114.fr
helpline-119-link = allo119.gouv.fr
