# Preuves conservées : plusieurs messages par signalement, leurs fichiers gardés, le
# dossier de preuves de la victime.

menu-add-to-report = Ajouter à mon signalement
cmd-evidence-file = dossier-preuves
    .description = Recevoir par MP les preuves de ton signalement, à remettre au 3018 ou à la police
opt-evidence-file-reference = reference
    .description = La référence de ton signalement, par ex. K7M2QX
cmd-cases-evidence = preuves
    .description = Voir les preuves d'un signalement avec ses fichiers conservés (journalisé)
opt-cases-evidence-reference = reference
    .description = La référence du signalement

evidence-added = Ajouté à ton signalement **{ $reference }** : il compte maintenant { $items ->
    [one] 1 message
   *[other] { $items } messages
}. Ses fichiers sont en cours d'enregistrement.
evidence-already-added = Ce message est déjà dans ton signalement **{ $reference }**.

queue-field-evidence-count = Preuves ({ $count })
queue-audit-evidence_view = a consulté les preuves
queue-audit-evidence_file = a demandé le dossier de preuves

evidence-files-summary = Fichiers : { $kept } conservés{ $pending ->
    [0] {""}
   *[other] , { $pending } en cours d'enregistrement
}
evidence-skip-too-large = non conservé, plus grand que la limite par fichier de ce serveur
evidence-skip-report-full = non conservé, les fichiers du signalement ont atteint leur limite totale
evidence-skip-type = non conservé, ce type de fichier n'est pas conservé
evidence-skip-host = non conservé, ce n'est pas un lien de pièce jointe Discord
evidence-skip-unavailable = non conservé, Discord ne le fournissait plus
evidence-skip-failed = non conservé, le téléchargement a échoué

evidence-list-title = Preuves du signalement { $reference } ({ $count })
evidence-item = **{ $number }.** [Message]({ $link }) de { $author }, { $when }
evidence-too-large-to-attach = { $count ->
    [one] 1 fichier est trop grand pour être joint ici
   *[other] { $count } fichiers sont trop grands pour être joints ici
} : il reste dans le signalement et dans le dossier de preuves de la victime.

evidence-file-button = Recevoir mon dossier de preuves
evidence-file-dm = Voici le dossier de preuves de ton signalement **{ $reference }**. Ouvre evidence.html pour le lire. Tu peux remettre ce fichier au 3018 (dans son application ou sur https://3018.fr) ou à la police quand tu portes plainte.
evidence-file-sent = Ton dossier de preuves t'a été envoyé en message privé.
evidence-file-dm-closed = Tes messages privés sont fermés : le dossier de preuves n'a pas pu être envoyé. Autorise les messages privés des membres de ce serveur, puis redemande-le.
evidence-file-not-victim = Seule la personne harcelée peut recevoir le dossier de preuves d'un signalement.
evidence-file-purged = Les preuves de ce signalement ont été purgées après la durée de conservation du serveur : il n'y a plus de dossier de preuves.
evidence-file-empty = Ce signalement ne contient aucun message comme preuve. Utilise « Ajouter à mon signalement » sur un message pour en ajouter un.
evidence-file-unknown = Aucun signalement { $reference } sur ce serveur.

evidence-file-heading = Dossier de preuves, signalement { $reference } sur { $server }
evidence-file-purpose = Ce dossier rassemble les messages signalés sur Discord, tels que le bot Safe Button les a conservés au moment du signalement, avec leurs fichiers et leurs empreintes. Il est fait pour être remis au 3018 (le numéro national contre le harcèlement en ligne, dans son application ou sur 3018.fr) ou à la police quand tu portes plainte.
evidence-file-how = Les messages ci-dessous sont tels qu'ils étaient au moment du signalement, même s'ils ont été supprimés depuis. evidence.json contient les mêmes données sous une forme lisible par un ordinateur ; le dossier files contient les fichiers conservés.
evidence-file-server = Serveur
evidence-file-reference = Référence du signalement
evidence-file-generated = Dossier créé le
evidence-file-author = Auteur
evidence-file-channel = Salon
evidence-file-created = Envoyé
evidence-file-edited = Modifié
evidence-file-message-id = Identifiant du message
evidence-file-sha256 = SHA-256 du texte
evidence-file-not-included = conservé par le serveur, trop grand pour ce dossier : demande aux modérateurs du serveur
evidence-file-integrity = Chaque empreinte SHA-256 permet à quiconque de vérifier qu'un texte ou un fichier n'a pas été modifié depuis sa conservation.
