# Messages communs à toutes les commandes.

error-internal = Un problème est survenu de notre côté. Réessaie dans un instant ; si tu es en danger, appelle le 17 (police) ou le 112.
error-invalid-arguments = Certaines valeurs saisies sont illisibles. Vérifie-les et réessaie.
error-guild-only = Cette commande ne fonctionne que dans un serveur.
this-server = ce serveur
error-stale-button = Ce bouton n'est plus valide. Relance la commande pour en obtenir un nouveau.
error-stale-form = Ce formulaire n'est plus valide. Recommence depuis la commande ou le menu.
error-unknown-command = Cette commande n'existe plus. Ton application Discord affiche peut-être une liste périmée : redémarre-la et réessaie.
error-impossible-interaction = Cette action est impossible : elle ne correspond à rien de ce que propose le bot.
