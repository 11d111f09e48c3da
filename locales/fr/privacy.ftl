# /privacy delete-my-data : le droit à l'effacement.

privacy-data-erased = { $reports ->
    [0] Tu n'as fait aucun signalement sur ce serveur : il n'y avait rien à effacer.
    [one] C'est fait : le signalement que tu as fait sur ce serveur ne porte plus ton nom ni tes détails. Le dossier reste auprès de la modération, marqué « auteur du signalement effacé ».
   *[other] C'est fait : les { $reports } signalements que tu as faits sur ce serveur ne portent plus ton nom ni tes détails. Les dossiers restent auprès de la modération, marqués « auteur du signalement effacé ».
}
privacy-victim-kept = { $cases ->
    [one] Dans le dossier où tu es la personne harcelée, tu restes indiqué·e comme telle, pour que la modération puisse continuer à te protéger.
   *[other] Dans les { $cases } dossiers où tu es la personne harcelée, tu restes indiqué·e comme telle, pour que la modération puisse continuer à te protéger.
}
