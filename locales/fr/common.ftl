# Messages communs à toutes les commandes.

error-internal = Un problème est survenu de notre côté. Réessaie dans un instant ; si tu es en danger, appelle le 17 (police) ou le 112.
error-invalid-arguments = Certaines valeurs saisies sont illisibles. Vérifie-les et réessaie.
error-guild-only = Cette commande ne fonctionne que dans un serveur.
this-server = ce serveur
