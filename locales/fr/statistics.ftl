# /stats et /stats export : statistiques anonymisées pour la modération, sur des semaines
# complètes (du lundi au dimanche). Les nombres de 1 à k−1 s'affichent « < k » ; « × »
# marque un total masqué parce qu'il contient un tel nombre.

stats-moderators-only = Seule la modération de ce serveur peut voir ses statistiques.
stats-title = Statistiques : { $period }
stats-description = Semaines complètes du lundi { $from } au dimanche { $to } (heure du serveur) : { $total } dossier(s) ouvert(s). Les nombres de 1 à { $k } − 1 s'affichent « < { $k } » ; « × » marque un total qui contient un tel nombre, masqué pour qu'il ne puisse pas être retrouvé. Aucun membre ne peut être identifié à partir de ces chiffres.
stats-by-reason = Dossiers par motif
stats-by-week = Dossiers par semaine (début)
stats-protective-actions = Mesures de protection
stats-moderator-actions = Actions de modération
stats-median-first-action = Délai médian avant la première action de modération
stats-help-cards-delivered = Cartes d'aide remises
stats-reported-more-than-once = Membres signalés plus d'une fois
stats-footer = Anonymisé : les statistiques ne contiennent aucun identifiant Discord ni aucun texte de signalement. Les actions et les membres signalés plus d'une fois sont arrondis au multiple de { $k } inférieur et affichés sous forme de fourchette.
stats-none = Aucun
stats-below = < { $k }
stats-hidden = ×
stats-withheld = Non affiché (moins de { $k } dossiers)
stats-withheld-share = Non affiché (moins de { $k } cartes d'aide remises ou non remises)
stats-range = { $low } à { $high }
stats-duration = { $hours } h { $minutes } min
stats-percent = { $percent } %
stats-week = { $day }/{ $month }/{ $year }
stats-chart-title = Dossiers par semaine, par motif
stats-chart-y-axis = Dossiers
stats-export-ready = Statistiques sur la période « { $period } », en CSV (mêmes règles pour les petits nombres que { $command }).
stats-csv-week = Semaine du
stats-csv-reason = Motif
stats-csv-cases = Dossiers

stats-action-mute = Mise en sourdine
stats-action-shield = Bouclier de contact
stats-action-claim = Pris en charge
stats-action-unmute = Sourdine levée
stats-action-ban = Bannissement
stats-action-unban = Bannissement levé
stats-action-dismiss = Classé sans suite
stats-action-resolve = Résolu
stats-action-reveal = Auteur du signalement révélé
stats-action-shield_deletion = Message retiré par un bouclier
stats-line = { $label } : { $value }
