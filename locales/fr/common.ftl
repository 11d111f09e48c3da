# Messages communs à toutes les commandes.

not-available-yet = Cette partie de Safe Button n'est pas encore disponible. Si tu es en danger, appelle le 17 (police) ou le 112 ; pour le cyberharcèlement, le 3018 répond tous les jours de 9 h à 23 h.
error-internal = Un problème est survenu de notre côté. Réessaie dans un instant ; si tu es en danger, appelle le 17 (police) ou le 112.
error-invalid-arguments = Certaines valeurs saisies sont illisibles. Vérifie-les et réessaie.
error-guild-only = Cette commande ne fonctionne que dans un serveur.
this-server = ce serveur
