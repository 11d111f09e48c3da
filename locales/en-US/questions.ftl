# A moderator's questions to a case's reporter. The reporter stays sealed: nothing here
# names them to the moderators, and nothing sent to them names the moderator.

queue-button-ask = Ask the reporter
queue-audit-question_asked = asked the reporter a question
queue-audit-question_answered = the reporter answered a question
queue-audit-question_declined = the reporter declined a question
queue-audit-questions_stopped = the reporter asked for no more questions
queue-audit-question_unreachable = the reporter could not be reached with a question
queue-field-questions = Questions to the reporter
queue-question-asked = { $who } asked:
queue-question-answer = Answer:
queue-question-pending = waiting for an answer
queue-question-declined = declined by the reporter
queue-question-unreachable = the reporter could not be reached
queue-question-purged = (text removed)

question-modal-title = Ask the reporter
question-modal-label = Your question
question-modal-placeholder = Sent with the server's name and the case reference, never your name.
question-sending = Your question on { $reference } is on its way to the reporter.
question-sent = Your question on { $reference } was sent to the reporter. You will get a private message when they answer.
question-unreachable = The reporter of { $reference } could not be reached (their private messages are closed): they did not get your question.
question-refused-stopped = The reporter of { $reference } does not take questions.
question-refused-erased = The reporter of { $reference } can no longer be reached.
question-refused-closed = { $reference } is closed: its reporter is not asked any more questions.
question-refused-text = A question must have between 1 and { $max } characters.

question-dm = A moderator of **{ $server }** has a question about your report { $reference }. You may answer it, decline it, or ask for no more questions; your answer is added to the case without your name.
question-button-answer = Answer
question-button-decline = Decline
question-button-stop = No more questions
answer-modal-title = Your answer
answer-modal-label = Your answer
answer-refused-text = An answer must have between 1 and { $max } characters.
question-answered = Thank you: your answer was added to { $reference }.
question-declined = You declined this question on { $reference }.
question-stopped = You will get no more questions about { $reference }.
question-settled = This question was already answered or declined.
question-not-yours = This question is not for you.

question-reply-answered = The reporter answered your question on { $reference }: see its post in the moderators' queue.
question-reply-declined = The reporter declined your question on { $reference }.
