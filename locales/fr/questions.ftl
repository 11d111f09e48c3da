# Les questions d'un modérateur à l'auteur d'un signalement. L'auteur reste scellé : rien
# ici ne le nomme aux modérateurs, et rien de ce qu'il reçoit ne nomme le modérateur.

queue-button-ask = Interroger l'auteur
queue-audit-question_asked = a posé une question à l'auteur
queue-audit-question_answered = l'auteur a répondu à une question
queue-audit-question_declined = l'auteur a décliné une question
queue-audit-questions_stopped = l'auteur ne veut plus de questions
queue-audit-question_unreachable = l'auteur n'a pas pu recevoir une question
queue-field-questions = Questions à l'auteur
queue-question-asked = { $who } a demandé :
queue-question-answer = Réponse :
queue-question-pending = en attente de réponse
queue-question-declined = déclinée par l'auteur
queue-question-unreachable = l'auteur n'a pas pu être joint
queue-question-purged = (texte supprimé)

question-modal-title = Interroger l'auteur
question-modal-label = Ta question
question-modal-placeholder = Envoyée avec le nom du serveur et la référence du dossier, jamais ton nom.
question-sending = Ta question sur { $reference } part vers l'auteur.
question-sent = Ta question sur { $reference } a été envoyée à l'auteur. Tu recevras un message privé quand il répondra.
question-unreachable = L'auteur de { $reference } n'a pas pu être joint (ses messages privés sont fermés) : il n'a pas reçu ta question.
question-refused-stopped = L'auteur de { $reference } ne reçoit pas de questions.
question-refused-erased = L'auteur de { $reference } ne peut plus être joint.
question-refused-closed = { $reference } est clos : son auteur ne reçoit plus de questions.
question-refused-text = Une question doit compter entre 1 et { $max } caractères.

question-dm = Un modérateur de **{ $server }** a une question sur ton signalement { $reference }. Tu peux y répondre, la décliner, ou ne plus recevoir de questions ; ta réponse est ajoutée au dossier sans ton nom.
question-button-answer = Répondre
question-button-decline = Décliner
question-button-stop = Plus de questions
answer-modal-title = Ta réponse
answer-modal-label = Ta réponse
answer-refused-text = Une réponse doit compter entre 1 et { $max } caractères.
question-answered = Merci : ta réponse a été ajoutée à { $reference }.
question-declined = Tu as décliné cette question sur { $reference }.
question-stopped = Tu ne recevras plus de questions sur { $reference }.
question-settled = Cette question a déjà reçu une réponse ou a été déclinée.
question-not-yours = Cette question ne t'est pas adressée.

question-reply-answered = L'auteur a répondu à ta question sur { $reference } : vois son dossier dans la file des modérateurs.
question-reply-declined = L'auteur a décliné ta question sur { $reference }.
