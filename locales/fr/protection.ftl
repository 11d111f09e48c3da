# Actions de protection (SPEC §4) : les boutons de la victime et ce qu'on lui répond.
# Toujours éphémère : seul le membre qui a signalé voit ces messages.

protection-offer-mute = La rendre muette jusqu'à l'examen
protection-offer-shield = L'empêcher de me contacter
protection-auto-muted = Plusieurs membres ont signalé cette personne : elle est rendue muette jusqu'à ce que les modérateurs examinent le dossier.
protection-withheld = Les modérateurs décideront des mesures de protection à prendre pour ce signalement.
protection-not-yours = Seule la personne qui a signalé pour elle-même dans ce dossier peut utiliser ces boutons.
protection-case-closed = Ce dossier est déjà clos, ces boutons ne s'appliquent plus. Si cela recommence, fais un nouveau signalement.
protection-not-allowed = Ce serveur ne permet pas aux membres de rendre quelqu'un muet eux-mêmes. Les modérateurs vont examiner ton signalement.
protection-muted = C'est fait : cette personne est rendue muette jusqu'au { $until }. Elle peut encore lire, mais plus écrire ni parler. Les modérateurs vont examiner le dossier.
protection-already-muted = Cette personne est déjà rendue muette, au moins aussi longtemps.
protection-moderators-alerted = Le bot ne peut pas rendre cette personne muette (modérateur, admin, ou rôle au-dessus de celui du bot). Les modérateurs ont été alertés et vont examiner ton signalement.
protection-moderator-reviewing = Un modérateur examine déjà ce dossier : c'est à lui de décider d'une sourdine. Le bouton « L'empêcher de me contacter » reste à ta disposition.
protection-moderators-will-review = Les modérateurs ont été alertés et vont examiner ton signalement.
protection-shield-on = Bouclier activé. Jusqu'à la clôture du dossier (et au plus tard le { $until }), le bot supprime ses messages sur ce serveur qui te mentionnent ou répondent à tes messages. Pour bloquer aussi ses messages privés, bloque cette personne dans Discord : son profil → ⋯ → Bloquer.
protection-shield-already = Le bouclier est déjà activé pour toi dans ce dossier.
protection-discord-missing-permissions = Discord a refusé : le bot n'a pas la permission, ou le rôle de ce membre est au-dessus de celui du bot.
protection-discord-unknown-member = Cette personne n'est plus membre du serveur.
protection-discord-unknown-ban = Cette personne n'est pas (ou plus) bannie.
protection-discord-failed = Discord n'a pas répondu correctement. Réessaie dans un instant.

# Raisons inscrites dans le journal d'audit du serveur (dans la langue du serveur, 512 caractères au plus).
audit-reason-victim-mute = Safe Button, dossier { $reference } : rendu muet à la demande de la victime en attendant un modérateur
audit-reason-auto-mute = Safe Button, dossier { $reference } : rendu muet automatiquement après le signalement de { $count } membres
audit-reason-shield = Safe Button, dossier { $reference } : message supprimé par le bouclier de contact
audit-reason-moderator-mute = Safe Button, dossier { $reference } : rendu muet par le modérateur { $moderator }
audit-reason-moderator-ban = Safe Button, dossier { $reference } : banni par le modérateur { $moderator }
audit-reason-unmute = Safe Button, dossier { $reference } : sourdine levée par le modérateur { $moderator }
audit-reason-unban = Safe Button, dossier { $reference } : bannissement levé par le modérateur { $moderator }
audit-reason-case-closed = Safe Button, dossier { $reference } : sourdine levée à la clôture du dossier
