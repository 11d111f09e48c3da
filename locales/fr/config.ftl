# /config, la liste de mise en route, et les mots pour afficher les réglages.

# Le nom de cette langue, écrit dans cette langue (affiché au choix de la langue du serveur).
language-autonym = Français

duration-days = { $count } { $count ->
        [one] jour
       *[other] jours
    }
duration-hours = { $count } h
duration-minutes = { $count } min
duration-seconds = { $count } s

permission-view-channel = Voir le salon
permission-send-messages = Envoyer des messages
permission-embed-links = Intégrer des liens
permission-attach-files = Joindre des fichiers

config-not-admin = Seuls les membres ayant la permission Gérer le serveur peuvent modifier les réglages de Safe Button.
config-show-title = Réglages de Safe Button sur ce serveur
config-show-line = **{ $setting }** : { $value } ({ $origin })
config-origin-server = réglé sur ce serveur par <@{ $user }> le { $date } à { $time }
config-origin-server-unattributed = réglé sur ce serveur le { $date } à { $time }
config-origin-default = valeur par défaut du bot
config-origin-unset = pas de valeur par défaut : à régler pour ce serveur
config-value-yes = oui
config-value-no = non
config-value-unset = non réglé
config-value-moderators-fallback = non réglé : les membres ayant Exclure temporairement des membres traitent les signalements
config-show-footer = Modifie un réglage avec { $config }, reviens à la valeur par défaut avec { $reset }. Heures affichées dans le fuseau { $timezone }.

config-saved = **{ $setting }** : désormais { $value }.
config-saved-timezone = **{ $setting }** : désormais { $value } (il est { $time } là-bas).
config-reset-done = **{ $setting }** revient à la valeur par défaut du bot : { $value }.
config-reset-unset = **{ $setting }** n'est plus réglé.
config-reset-already = **{ $setting }** utilisait déjà la valeur par défaut du bot : { $value }.
config-nothing-to-change = Indique au moins une valeur à modifier.

config-invalid-bool = **{ $setting }** : oui ou non attendu. Rien n'a été modifié.
config-invalid-duration = **{ $setting }** : ce n'est pas une durée. Écris-la comme 30m, 12h ou 7d. Rien n'a été modifié.
config-invalid-duration-range = **{ $setting }** doit être comprise entre { $min } et { $max }. Rien n'a été modifié.
config-invalid-integer = **{ $setting }** : nombre entier attendu. Rien n'a été modifié.
config-invalid-integer-range = **{ $setting }** doit être un nombre entier de { $min } à { $max }. Rien n'a été modifié.
config-invalid-timezone = **{ $setting }** : « { $value } » n'est pas un fuseau horaire connu. Utilise un nom IANA comme Europe/Paris (la liste s'affiche pendant la saisie). Rien n'a été modifié.
config-invalid-language = **{ $setting }** : « { $value } » n'est pas une langue disponible. Disponibles : { $shipped }. Rien n'a été modifié.
config-invalid-id = **{ $setting }** : ce n'est pas un identifiant Discord valide. Rien n'a été modifié.
config-invalid-country = **{ $setting }** : pas de lignes d'écoute pour « { $value } ». Disponibles : { $available }. Rien n'a été modifié.
config-queue-unknown-channel = Je ne vois pas ce salon. Choisis un salon textuel de ce serveur. Rien n'a été modifié.
config-queue-not-text = { $channel } n'est pas un salon textuel. Les signalements sont publiés dans un salon textuel. Rien n'a été modifié.
config-queue-missing-permissions = Je ne peux pas publier les signalements dans { $channel } : il me manque { $missing } dans ce salon. Donne-moi ces permissions dans ce salon, puis réessaie. Rien n'a été modifié.
config-role-everyone = @everyone ne peut pas être le rôle de modération : tous les membres verraient les signalements. Rien n'a été modifié.

setup-title = **Mise en route de Safe Button** (affichée une fois, au premier admin)
setup-intro = Les signalements fonctionnent déjà. Voici ce qui est réglé et ce qui manque :
setup-item-set = ✅ **{ $setting }** : { $value }
setup-item-missing = ⬜ **{ $setting }** : non réglé. Règle-le avec `{ $command }`.
setup-queue-explained = Tant qu'aucun salon de modération n'est réglé, les signalements sont enregistrés mais pas publiés pour les modérateurs.
setup-moderator-explained = Sans rôle de modération, les membres ayant Exclure temporairement des membres traitent les signalements.
setup-footer = Vois tous les réglages avec `{ $command }`.
