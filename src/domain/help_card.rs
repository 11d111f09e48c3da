//! What the help card says (SPEC §3), independent of how it is rendered: the Discord layer
//! turns this into an embed, link buttons and a `.vcf` attachment, with texts from Fluent.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;

use super::helpline::{Advice, CountryHelplines, Helpline};
use super::opening_hours::OpenStatus;
use super::reason::Reason;
use super::vcard::vcard_for;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HelpCard {
    /// Why the member reported: it sets the card's intro, its lead lines and its advice.
    pub reason: Reason,
    /// The helpline the card is about (the 3018 in France).
    pub primary: Helpline,
    pub primary_status: OpenStatus,
    /// When the primary line is closed: its next opening on the viewer's clock.
    pub next_opening: Option<DateTime<Tz>>,
    /// Urgent lines that lead the card for this reason (the 3114 for "worried about someone's
    /// safety", the 17 and 112 for threats): shown before the primary line, buttons first.
    pub lead_lines: Vec<Helpline>,
    /// Every urgent line, in display order (lead lines first).
    pub urgent_lines: Vec<Helpline>,
    /// The urgent lines answering right now, in display order.
    pub open_now: Vec<Helpline>,
    /// What the data's sources advise for this reason.
    pub advice: Vec<Advice>,
    /// Every line with a website, in button order: lead lines, the primary line, the others.
    pub links: Vec<Helpline>,
    /// The primary line as a contact to save in a phone.
    pub contact_file: ContactFile,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ContactFile {
    /// `3018.vcf`
    pub file_name: String,
    /// vCard 3.0 text.
    pub content: String,
}

pub fn help_card(
    country: &CountryHelplines,
    reason: Reason,
    now: DateTime<Utc>,
    viewer_timezone: Tz,
) -> HelpCard {
    let primary = country.primary().clone();
    let primary_status = primary.hours.status_at(now);
    let next_opening = match primary_status {
        OpenStatus::Closed { opens_at } => Some(opens_at.with_timezone(&viewer_timezone)),
        OpenStatus::Open { .. } | OpenStatus::Unknown => None,
    };

    let leads = |line: &Helpline| line.shown_first_for.contains(&reason);
    let mut urgent_lines = country.urgent_lines().to_vec();
    // Stable: lines meant to come first for this reason move up, the rest keep file order.
    urgent_lines.sort_by_key(|line| !leads(line));
    let lead_lines: Vec<Helpline> = urgent_lines
        .iter()
        .filter(|line| leads(line))
        .cloned()
        .collect();
    let open_now = urgent_lines
        .iter()
        .filter(|line| matches!(line.hours.status_at(now), OpenStatus::Open { .. }))
        .cloned()
        .collect();
    let advice = country
        .advice()
        .iter()
        .filter(|advice| advice.reasons.contains(&reason))
        .cloned()
        .collect();

    let links = lead_lines
        .iter()
        .chain(std::iter::once(&primary))
        .chain(urgent_lines.iter().filter(|line| !leads(line)))
        .filter(|line| line.url.is_some())
        .cloned()
        .collect();
    let contact_file = ContactFile {
        file_name: format!("{}.vcf", primary.number),
        content: vcard_for(&primary),
    };
    HelpCard {
        reason,
        primary,
        primary_status,
        next_opening,
        lead_lines,
        urgent_lines,
        open_now,
        advice,
        links,
        contact_file,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::helpline::HelplineDirectory;
    use chrono::{NaiveDate, TimeZone};
    use chrono_tz::America::Montreal;
    use chrono_tz::Europe::Paris;
    use chrono_tz::Pacific::Noumea;

    fn france() -> CountryHelplines {
        HelplineDirectory::embedded()
            .unwrap()
            .country("fr")
            .unwrap()
            .clone()
    }

    fn numbers(lines: &[Helpline]) -> Vec<&str> {
        lines.iter().map(|line| line.number.as_str()).collect()
    }

    fn paris(month: u32, day: u32, hour: u32, minute: u32) -> DateTime<Utc> {
        Paris
            .with_ymd_and_hms(2025, month, day, hour, minute, 0)
            .single()
            .unwrap()
            .with_timezone(&Utc)
    }

    #[test]
    fn self_harm_leads_with_3114_and_keeps_every_urgent_line() {
        let card = help_card(&france(), Reason::SelfHarm, paris(1, 15, 12, 0), Paris);
        assert_eq!(numbers(&card.lead_lines), ["3114"]);
        assert_eq!(numbers(&card.urgent_lines), ["3114", "119", "17", "112"]);
        assert_eq!(
            card.links[0].url.as_deref(),
            Some("https://3114.fr"),
            "its button comes first"
        );
    }

    #[test]
    fn threats_and_doxxing_lead_with_the_police_and_112_and_how_to_keep_proof() {
        for reason in [Reason::Threats, Reason::Doxxing] {
            let card = help_card(&france(), reason, paris(1, 15, 12, 0), Paris);
            assert_eq!(numbers(&card.lead_lines), ["17", "112"], "{reason}");
            assert_eq!(numbers(&card.urgent_lines), ["17", "112", "3114", "119"]);
            assert_eq!(card.advice.len(), 1, "{reason}");
            assert!(card.advice[0].text("fr").contains("preuves"));
        }
    }

    #[test]
    fn sextortion_gets_the_sourced_advice_and_other_reasons_none() {
        let card = help_card(&france(), Reason::SexualContent, paris(1, 15, 12, 0), Paris);
        assert!(card.lead_lines.is_empty());
        let advice: Vec<&str> = card.advice.iter().map(|a| a.text("en-US")).collect();
        assert_eq!(advice.len(), 1);
        assert!(advice[0].contains("never pay"), "{advice:?}");
        assert!(
            card.advice[0]
                .source
                .url
                .starts_with("https://cybermalveillance.gouv.fr")
        );
        for reason in [
            Reason::Harassment,
            Reason::InsultsOrHate,
            Reason::Impersonation,
            Reason::Other,
        ] {
            let card = help_card(&france(), reason, paris(1, 15, 12, 0), Paris);
            assert!(card.lead_lines.is_empty(), "{reason}");
            assert!(card.advice.is_empty(), "{reason}");
            assert_eq!(card.links[0].number, "3018", "{reason}");
        }
    }

    #[test]
    fn the_lines_open_now_are_the_urgent_ones_answering() {
        let card = help_card(&france(), Reason::Harassment, paris(1, 15, 23, 30), Paris);
        assert_eq!(numbers(&card.open_now), ["3114", "119", "17", "112"]);
    }

    fn urgent_line(number: &str, extra: &str) -> String {
        format!(
            "[[line]]\nnumber = \"{number}\"\nname = \"{number}\"\norganisation = \"Org\"\n\
             role = \"urgent\"\ntimezone = \"UTC\"\nhours = \"24/7\"\n\
             source = \"https://example.org\"\nchecked = \"2026-12-01\"\n\
             contact_note = \"Note\"\n{extra}\n[line.text.fr]\ndescription = \"D\"\n"
        )
    }

    #[test]
    fn urgent_lines_follow_the_data_file_unless_a_line_comes_first_for_the_reason() {
        let primary = urgent_line("1000", "")
            .replace("\"urgent\"", "\"primary\"")
            .replace("description", "title = \"T\"\ndescription");
        let data = [
            primary,
            urgent_line("1001", ""),
            urgent_line("1002", "shown_first_for = [\"threats\", \"self-harm\"]"),
            urgent_line("1003", ""),
        ]
        .concat();
        let country = CountryHelplines::from_toml("xx.toml", &data).unwrap();
        let now = paris(1, 15, 12, 0);
        for reason in Reason::ALL {
            let card = help_card(&country, reason, now, Paris);
            let expected = if matches!(reason, Reason::Threats | Reason::SelfHarm) {
                ["1002", "1001", "1003"]
            } else {
                ["1001", "1002", "1003"]
            };
            assert_eq!(numbers(&card.urgent_lines), expected, "{reason}");
        }
        let card = help_card(&france(), Reason::Harassment, now, Paris);
        assert_eq!(numbers(&card.urgent_lines), ["3114", "119", "17", "112"]);
    }

    #[test]
    fn open_card_has_no_next_opening() {
        let card = help_card(&france(), Reason::Threats, paris(7, 15, 22, 59), Paris);
        assert_eq!(
            card.primary_status,
            OpenStatus::Open {
                closes_at: Some(paris(7, 15, 23, 0))
            }
        );
        assert_eq!(card.next_opening, None);
    }

    #[test]
    fn closed_card_shows_the_next_opening_on_the_viewers_clock() {
        let now = paris(1, 15, 23, 0);
        let local = |day, hour| {
            NaiveDate::from_ymd_opt(2025, 1, day)
                .unwrap()
                .and_hms_opt(hour, 0, 0)
                .unwrap()
        };
        for (viewer, expected) in [
            (Paris, local(16, 9)),
            (Montreal, local(16, 3)),
            (Noumea, local(16, 19)),
        ] {
            let card = help_card(&france(), Reason::Harassment, now, viewer);
            let next_opening = card.next_opening.expect("closed at 23:00");
            assert_eq!(next_opening.timezone(), viewer);
            assert_eq!(next_opening.naive_local(), expected, "{viewer}");
            assert_eq!(
                card.primary_status,
                OpenStatus::Closed {
                    opens_at: next_opening.with_timezone(&Utc)
                }
            );
        }
    }

    #[test]
    fn links_and_contact_file() {
        let card = help_card(&france(), Reason::Harassment, paris(1, 15, 12, 0), Paris);
        let urls: Vec<&str> = card
            .links
            .iter()
            .filter_map(|line| line.url.as_deref())
            .collect();
        assert_eq!(
            urls,
            [
                "https://3018.fr",
                "https://3114.fr",
                "https://www.allo119.gouv.fr"
            ]
        );
        assert!(
            card.links
                .iter()
                .all(|line| line.text("fr").link_label.is_some())
        );
        assert_eq!(card.contact_file.file_name, "3018.vcf");
        assert!(
            card.contact_file
                .content
                .contains("\r\nTEL;TYPE=VOICE:3018\r\n")
        );
    }
}
