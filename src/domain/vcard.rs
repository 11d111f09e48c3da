//! A vCard 3.0 (RFC 2426) so a victim can save a helpline in their phone (SPEC §3).

use super::helpline::Helpline;

/// RFC 2426 §2.6 (after RFC 2425 §5.8.1): content lines should not exceed 75 octets.
const MAX_LINE_OCTETS: usize = 75;

/// The contact card for `line`, with CRLF line ends and long lines folded.
pub fn vcard_for(line: &Helpline) -> String {
    let name = escape_text(&line.name);
    let mut content_lines = vec![
        "BEGIN:VCARD".to_owned(),
        "VERSION:3.0".to_owned(),
        // The helpline is an organisation: its name goes in the family-name slot.
        format!("N:{name};;;;"),
        format!("FN:{name}"),
        format!("ORG:{}", escape_text(&line.organisation)),
        format!("TEL;TYPE=VOICE:{}", line.number),
    ];
    if let Some(url) = &line.url {
        // URL values are URIs, not text: they are not escaped.
        content_lines.push(format!("URL:{url}"));
    }
    content_lines.push(format!("NOTE:{}", escape_text(&line.contact_note)));
    content_lines.push("END:VCARD".to_owned());

    let mut card = String::new();
    for content_line in &content_lines {
        push_folded(&mut card, content_line);
    }
    card
}

/// Escapes a text value (RFC 2426 §4): backslash, comma, semicolon and line breaks.
fn escape_text(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => escaped.push_str("\\\\"),
            ',' => escaped.push_str("\\,"),
            ';' => escaped.push_str("\\;"),
            '\r' => {
                chars.next_if_eq(&'\n');
                escaped.push_str("\\n");
            }
            '\n' => escaped.push_str("\\n"),
            other => escaped.push(other),
        }
    }
    escaped
}

/// Appends `content_line` and CRLF, folded into physical lines of at most 75 octets; each
/// continuation starts with a space, and folds fall between characters.
fn push_folded(card: &mut String, content_line: &str) {
    let mut rest = content_line;
    let mut room = MAX_LINE_OCTETS;
    while rest.len() > room {
        let mut cut = (1..=room)
            .rev()
            .find(|&index| rest.is_char_boundary(index))
            .unwrap_or(rest.len());
        // Some importers trim trailing spaces of each physical line: never end one on a space.
        while cut > 1 && rest[..cut].ends_with(' ') {
            cut -= 1;
        }
        card.push_str(&rest[..cut]);
        card.push_str("\r\n ");
        rest = &rest[cut..];
        // The continuation's leading space counts towards its 75 octets.
        room = MAX_LINE_OCTETS - 1;
    }
    card.push_str(rest);
    card.push_str("\r\n");
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::helpline::{Helpline, HelplineDirectory};
    use ical::parser::vcard::component::VcardContact;
    use ical::property::Property;

    fn the_3018() -> Helpline {
        HelplineDirectory::embedded()
            .unwrap()
            .country("fr")
            .unwrap()
            .primary()
            .clone()
    }

    fn parse(card: &str) -> VcardContact {
        let mut contacts = ical::VcardParser::new(card.as_bytes());
        let contact = contacts.next().expect("one contact").expect("valid vCard");
        assert!(contacts.next().is_none(), "exactly one contact");
        contact
    }

    fn property<'a>(contact: &'a VcardContact, name: &str) -> &'a Property {
        contact
            .properties
            .iter()
            .find(|property| property.name == name)
            .unwrap_or_else(|| panic!("missing {name}"))
    }

    fn value<'a>(contact: &'a VcardContact, name: &str) -> &'a str {
        property(contact, name).value.as_deref().unwrap_or_default()
    }

    #[test]
    fn every_line_ends_with_crlf_and_fits_in_75_octets() {
        let card = vcard_for(&the_3018());
        assert!(card.starts_with("BEGIN:VCARD\r\nVERSION:3.0\r\n"));
        assert!(card.ends_with("END:VCARD\r\n"));
        let without_crlf = card.replace("\r\n", "");
        assert!(!without_crlf.contains('\n') && !without_crlf.contains('\r'));
        for physical_line in card.split_terminator("\r\n") {
            assert!(physical_line.len() <= 75, "too long: {physical_line:?}");
        }
        assert!(
            card.contains("\r\n "),
            "the 3018 note is long enough to be folded"
        );
    }

    #[test]
    fn text_values_are_escaped() {
        assert_eq!(
            escape_text("a\\b, c; d\ne\r\nf"),
            "a\\\\b\\, c\\; d\\ne\\nf"
        );
        let mut line = the_3018();
        line.organisation = "e-Enfance, 3018; Paris".to_owned();
        let card = vcard_for(&line);
        assert!(card.contains("\r\nORG:e-Enfance\\, 3018\\; Paris\r\n"));
    }

    #[test]
    fn folding_splits_between_characters_and_unfolds_to_the_original() {
        let long = format!("NOTE:{}fin", "é ".repeat(60));
        let mut folded = String::new();
        push_folded(&mut folded, &long);
        for physical_line in folded.split_terminator("\r\n") {
            assert!(physical_line.len() <= 75);
            assert!(!physical_line.ends_with(' '));
        }
        let unfolded = folded.trim_end_matches("\r\n").replace("\r\n ", "");
        assert_eq!(unfolded, long);
    }

    #[test]
    fn a_vcard_parser_reads_the_3018_card() {
        let line = the_3018();
        let contact = parse(&vcard_for(&line));
        assert_eq!(value(&contact, "VERSION"), "3.0");
        assert_eq!(value(&contact, "N"), "3018;;;;");
        assert_eq!(value(&contact, "FN"), "3018");
        assert_eq!(value(&contact, "ORG"), "Association e-Enfance");
        let tel = property(&contact, "TEL");
        assert_eq!(tel.value.as_deref(), Some("3018"));
        assert_eq!(
            tel.params,
            Some(vec![("TYPE".to_owned(), vec!["VOICE".to_owned()])])
        );
        assert_eq!(value(&contact, "URL"), "https://3018.fr");
        assert_eq!(value(&contact, "NOTE"), escape_text(&line.contact_note));
    }

    #[test]
    fn a_line_without_website_has_no_url() {
        let mut line = the_3018();
        line.url = None;
        let contact = parse(&vcard_for(&line));
        assert!(contact.properties.iter().all(|p| p.name != "URL"));
        assert_eq!(value(&contact, "TEL"), "3018");
    }
}
