//! A moderator's question to a case's reporter (issue 15): its states and the limits of its
//! texts. The reporter stays sealed: a question is tied to a report, never to a member.

use super::code::coded;

/// The longest question or answer, in characters (what the modals allow; checked again on
/// arrival, since a submission can be forged).
pub const MAX_QUESTION_CHARS: usize = 1000;

coded!(
    /// Where a question stands. `Unreachable`: the reporter's DMs refused it, or the
    /// reporter's identity is gone.
    QuestionStatus, "question status" {
        Pending => "pending",
        Answered => "answered",
        Declined => "declined",
        Unreachable => "unreachable",
    }
);

/// A question's or an answer's text as submitted: trimmed; `None` when empty or over
/// [`MAX_QUESTION_CHARS`].
pub fn question_text(submitted: Option<&str>) -> Option<String> {
    let text = submitted?.trim();
    let fits = !text.is_empty() && text.chars().count() <= MAX_QUESTION_CHARS;
    fits.then(|| text.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts_are_trimmed_and_bounded_in_characters() {
        assert_eq!(question_text(Some("  Où ?  ")), Some("Où ?".to_owned()));
        assert_eq!(question_text(Some(" \n\t ")), None);
        assert_eq!(question_text(None), None);
        let at_limit = "é".repeat(MAX_QUESTION_CHARS);
        assert_eq!(question_text(Some(&at_limit)), Some(at_limit.clone()));
        assert_eq!(question_text(Some(&format!("{at_limit}e"))), None);
        let zalgo = "a\u{0301}\u{200d}\u{202e}";
        assert_eq!(question_text(Some(zalgo)), Some(zalgo.to_owned()));
    }
}
