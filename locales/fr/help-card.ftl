# La carte d'aide (SPEC §3), envoyée en MP à la victime, ou affichée dans la réponse
# éphémère quand le MP ne passe pas. Jamais publiée là où d'autres la verraient.
# Ces textes ne sont que des cadres : les services, leurs descriptions et les conseils
# viennent de helplines/<pays>.toml, chacun avec sa source.

help-card-intro-harassment = Tu as signalé du harcèlement sur { $server }. Tu n'es pas seul·e : voici qui peut t'aider.
help-card-intro-insults-hate = Tu as signalé des insultes ou des propos haineux sur { $server }. Tu n'es pas seul·e : voici qui peut t'aider.
help-card-intro-threats = Tu as signalé des menaces sur { $server }. Si tu te sens en danger, n'attends pas : voici qui appeler.
help-card-intro-sexual-content = Tu as signalé un contenu sexuel ou un chantage sur { $server }. Tu n'es pas seul·e : voici qui peut t'aider, et quoi faire.
help-card-intro-doxxing = Tu as signalé la divulgation d'informations personnelles sur { $server }. Si tu te sens en danger, n'attends pas : voici qui appeler.
help-card-intro-impersonation = Tu as signalé une usurpation d'identité sur { $server }. Tu n'es pas seul·e : voici qui peut t'aider.
help-card-intro-self-harm = Tu t'inquiètes pour la sécurité de quelqu'un sur { $server }. Tu as bien fait d'en parler : voici qui peut aider.
help-card-intro-other = Tu as fait un signalement sur { $server }. Tu n'es pas seul·e : voici qui peut t'aider.
help-card-witness-intro = Quelqu'un sur { $server } a signalé, pour te protéger, quelque chose qui te concerne ({ $reason }). Tu n'es pas seul·e : voici qui peut t'aider.
help-card-hours-label = Horaires
help-card-hours-daily = Tous les jours de { $opens } à { $closes } (heure de { $timezone }), jours fériés compris.
help-card-hours-always = 24 h/24, 7 j/7.
help-card-hours-varies = Les horaires dépendent du pays.
help-card-now-label = En ce moment
help-card-open-now = Ouvert : appelle le **{ $number }**.
help-card-closed-now = Fermé pour l'instant. Réouverture { $day } à { $time } (heure de { $timezone }), <t:{ $unix }:R>. { $count ->
    [0] Appelle alors.
   *[other] Répondent en ce moment : { $lines }.
}
help-card-now-varies = Selon le pays, cette ligne peut être fermée en ce moment. { $count ->
    [0] Réessaie plus tard.
   *[other] Répondent en ce moment : { $lines }.
}
help-card-lead-self-harm = Si tu crains pour ta vie ou celle de quelqu'un, appelle tout de suite le **{ $number }** : { $description }
help-card-lead-danger = Si tu es en danger, appelle tout de suite le **{ $number }** : { $description }
help-card-urgent-label = Urgence, jour et nuit
help-card-urgent-line = **{ $number }** : { $description }
# Ignorer et Bloquer, d'après l'aide de Discord :
# https://support.discord.com/hc/fr/articles/28084948873623-Comment-ignorer-des-utilisateurs-sur-Discord
# (Ignorer masque messages, MP, notifications et profil, sans que la personne le sache),
# vérifié le 2026-12-01.
help-card-protect-label = Te protéger dans Discord
help-card-protect-howto = Un bot ne peut pas le faire à ta place. **Ignorer** masque ses messages, ses MP et son profil, sans que la personne le sache. **Bloquer** l'empêche aussi de t'écrire en MP. Sur ordinateur : clic droit sur son nom ou son avatar, puis Ignorer ou Bloquer. Sur mobile : appuie sur son nom pour ouvrir son profil, puis sur ⋯ et Ignorer ou Bloquer.
help-card-contact-file = Enregistre le { $number } dans ton téléphone avec la fiche contact jointe.

# Les fuseaux horaires comme on les dit (« heure de Paris ») ; les autres prennent le nom
# de leur ville dans la base IANA.
zone-europe-paris = Paris
zone-europe-brussels = Bruxelles
zone-europe-zurich = Zurich
zone-europe-london = Londres
zone-america-toronto = Toronto
zone-america-montreal = Montréal
zone-america-new-york = New York
zone-pacific-noumea = Nouméa
