//! The help card fitted to the reason and the server's country (SPEC §3), end to end: the
//! DM each reason and each country gets, in French and in American English.

use safe_button::domain::helpline::HelplineDirectory;
use safe_button::domain::reason::Reason;
use serde_json::{Value, json};

use crate::support::app::{TestApp, spawn_app};
use crate::support::fake_discord::{Method, ids};

/// `reporter` reports `reported` with `/report` for `reason`, in `locale`; returns the help
/// card DM the reporter (the victim) gets.
async fn card_for(
    app: &TestApp,
    (reporter, reported): (u64, u64),
    locale: &str,
    reason: Reason,
) -> Value {
    let index = Reason::ALL.iter().position(|r| *r == reason).unwrap();
    let options = json!([
        { "name": "user", "type": 6, "value": reported.to_string() },
        { "name": "reason", "type": 4, "value": index },
    ]);
    app.slash(reporter, locale, "report", options).await;
    let deadline = tokio::time::Instant::now() + crate::support::app::WAIT;
    let channel = loop {
        if let Some(channel) = app.fake.dm_channel_of(reporter) {
            break channel;
        }
        assert!(tokio::time::Instant::now() < deadline, "no DM channel");
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    };
    let dm = app
        .wait_for(Method::POST, &format!("/channels/{channel}/messages"))
        .await;
    dm.body.expect("the card's payload_json")
}

fn embed(card: &Value) -> &Value {
    &card["embeds"][0]
}

fn field<'a>(card: &'a Value, name: &str) -> &'a str {
    embed(card)["fields"]
        .as_array()
        .expect("fields")
        .iter()
        .find(|field| field["name"] == name)
        .unwrap_or_else(|| panic!("a field {name:?} in {card}"))["value"]
        .as_str()
        .unwrap()
}

fn description(card: &Value) -> &str {
    embed(card)["description"].as_str().unwrap()
}

/// The numbers written in bold, in the order a text shows them.
fn bold_numbers(text: &str) -> Vec<String> {
    text.split("**")
        .skip(1)
        .step_by(2)
        .filter(|part| part.chars().next().is_some_and(|c| c.is_ascii_digit()))
        .map(str::to_owned)
        .collect()
}

/// Every paragraph of a card's description is a text of the country's data, which records
/// its source: a lead line's or the main line's description, or advice given for `reason`.
fn assert_sourced(text: &str, country: &str, locale: &str, reason: Reason) {
    let directory = HelplineDirectory::embedded().unwrap();
    let country = directory.country(country).unwrap();
    let descriptions: Vec<&str> = country
        .lines()
        .map(|line| line.text(locale).description.as_str())
        .collect();
    let advice: Vec<&str> = country
        .advice()
        .iter()
        .filter(|advice| advice.reasons.contains(&reason))
        .map(|advice| advice.text(locale))
        .collect();
    for paragraph in text.split("\n\n") {
        let sourced = advice.contains(&paragraph)
            || descriptions
                .iter()
                .any(|description| paragraph.ends_with(description));
        assert!(
            sourced,
            "{reason} {locale}: unsourced paragraph {paragraph:?}"
        );
    }
    assert_eq!(
        text.split("\n\n").filter(|p| advice.contains(p)).count(),
        advice.len(),
        "{reason} {locale}: every sourced advice for the reason is given"
    );
}

/// What one reason's card must show in France: the reason, its lead numbers, the French
/// and English intros, and a piece of its advice in French and English when it has some.
type ReasonCard = (
    Reason,
    &'static [&'static str],
    &'static str,
    &'static str,
    Advice,
);
type Advice = Option<(&'static str, &'static str)>;

const FRANCE: [ReasonCard; 8] = [
    (
        Reason::Harassment,
        &[],
        "Tu as signalé du harcèlement sur Refuge.",
        "You reported harassment in Refuge.",
        None,
    ),
    (
        Reason::InsultsOrHate,
        &[],
        "Tu as signalé des insultes ou des propos haineux sur Refuge.",
        "You reported insults or hate in Refuge.",
        None,
    ),
    (
        Reason::Threats,
        &["17", "112"],
        "Tu as signalé des menaces sur Refuge.",
        "You reported threats in Refuge.",
        Some(("Garde les preuves", "Keep proof")),
    ),
    (
        Reason::SexualContent,
        &[],
        "Tu as signalé un contenu sexuel ou un chantage sur Refuge.",
        "You reported sexual content or blackmail in Refuge.",
        Some(("ne paie jamais", "never pay")),
    ),
    (
        Reason::Doxxing,
        &["17", "112"],
        "Tu as signalé la divulgation d'informations personnelles sur Refuge.",
        "You reported someone sharing personal information in Refuge.",
        Some(("Garde les preuves", "Keep proof")),
    ),
    (
        Reason::Impersonation,
        &[],
        "Tu as signalé une usurpation d'identité sur Refuge.",
        "You reported impersonation in Refuge.",
        None,
    ),
    (
        Reason::SelfHarm,
        &["3114"],
        "Tu t'inquiètes pour la sécurité de quelqu'un sur Refuge.",
        "You are worried about someone's safety in Refuge.",
        None,
    ),
    (
        Reason::Other,
        &[],
        "Tu as fait un signalement sur Refuge.",
        "You made a report in Refuge.",
        None,
    ),
];

#[tokio::test]
async fn each_reason_gets_its_intro_its_lead_lines_and_only_sourced_advice_in_both_languages() {
    for (reason, leads, french_intro, english_intro, advice) in FRANCE {
        let app = spawn_app().await;
        for (locale, pair, intro, title) in [
            (
                "fr",
                (ids::ALICE, ids::BILAL),
                french_intro,
                "3018 : aide contre le cyberharcèlement",
            ),
            (
                "en-US",
                (ids::CHLOE, ids::DIMITRI),
                english_intro,
                "3018: help against online harassment",
            ),
        ] {
            let card = card_for(&app, pair, locale, reason).await;
            let content = card["content"].as_str().unwrap();
            assert!(content.starts_with(intro), "{reason} {locale}: {content}");
            assert_eq!(embed(&card)["title"], title, "{reason} {locale}");
            let text = description(&card);
            let led: Vec<String> = bold_numbers(text);
            assert_eq!(led, leads, "{reason} {locale}: {text}");
            let urgent_name = if locale == "fr" {
                "Urgence, jour et nuit"
            } else {
                "Urgent help, day and night"
            };
            let urgent = bold_numbers(field(&card, urgent_name));
            let mut expected: Vec<&str> = leads.to_vec();
            expected.extend(
                ["3114", "119", "17", "112"]
                    .into_iter()
                    .filter(|number| !leads.contains(number)),
            );
            assert_eq!(urgent, expected, "{reason} {locale}");
            if let Some((french, english)) = advice {
                let piece = if locale == "fr" { french } else { english };
                assert!(text.contains(piece), "{reason} {locale}: {text}");
            }
            assert_sourced(text, "fr", locale, reason);
            let buttons = card["components"][0]["components"].as_array().unwrap();
            let first = buttons[0]["url"].as_str().unwrap();
            let expected_first = if reason == Reason::SelfHarm {
                "https://3114.fr"
            } else {
                "https://3018.fr"
            };
            assert_eq!(first, expected_first, "{reason} {locale}");
        }
        app.assert_discord_traffic_valid();
    }
}

#[tokio::test]
async fn cards_show_hours_on_the_readers_clock_with_a_zone_name_people_say() {
    let app = spawn_app().await;
    let card = card_for(&app, (ids::ALICE, ids::BILAL), "fr", Reason::Harassment).await;
    assert_eq!(
        field(&card, "Horaires"),
        "Tous les jours de 9 h à 23 h (heure de Paris), jours fériés compris."
    );
    let card = card_for(
        &app,
        (ids::CHLOE, ids::DIMITRI),
        "en-US",
        Reason::Harassment,
    )
    .await;
    assert_eq!(
        field(&card, "Hours"),
        "Every day from 9:00 AM to 11:00 PM (Paris time), public holidays included."
    );
    for text in [field(&card, "Hours"), field(&card, "Right now")] {
        assert!(!text.contains("Europe/"), "no raw IANA name: {text}");
    }
    let protect = field(&card, "Protect yourself in Discord");
    for step in ["**Ignore**", "**Block**", "On desktop", "On mobile"] {
        assert!(protect.contains(step), "{protect}");
    }
}

/// Per added country: the card's title, the lead numbers for threats, and every urgent
/// line in the order the card shows them for threats.
const COUNTRIES: [(&str, &str, &[&str], &[&str]); 5] = [
    (
        "be",
        "107: someone to talk to, day and night",
        &["101", "112"],
        &["101", "112", "0800 32 123", "1813"],
    ),
    (
        "ch",
        "147: advice for children and young people",
        &["117", "112"],
        &["117", "112", "143"],
    ),
    (
        "ca",
        "Kids Help Phone: support for young people, 24/7",
        &["911"],
        &["911", "988"],
    ),
    (
        "gb",
        "116 123: Samaritans, someone to talk to",
        &["999"],
        &["999"],
    ),
    (
        "eu",
        "116 111: the child helpline number in Europe",
        &["112"],
        &["112"],
    ),
];

#[tokio::test]
async fn a_server_set_to_each_country_gets_that_countrys_lines() {
    for (country, title, leads, urgent) in COUNTRIES {
        let app = spawn_app().await;
        app.set_settings(&[("helpline_country", country)]).await;
        let card = card_for(&app, (ids::CHLOE, ids::DIMITRI), "en-US", Reason::Threats).await;
        assert_eq!(embed(&card)["title"], title, "{country}");
        let text = description(&card);
        assert_eq!(bold_numbers(text), leads, "{country}: {text}");
        assert_sourced(text, country, "en-US", Reason::Threats);
        let shown = bold_numbers(field(&card, "Urgent help, day and night"));
        assert_eq!(shown, urgent, "{country}");
        for text in [field(&card, "Right now"), field(&card, "Hours")] {
            assert!(
                !text.contains("3018") && !text.contains("3114"),
                "{country}: {text}"
            );
        }
        // In French too, from the same data.
        let card = card_for(&app, (ids::ALICE, ids::BILAL), "fr", Reason::SelfHarm).await;
        assert_sourced(description(&card), country, "fr", Reason::SelfHarm);
        app.assert_discord_traffic_valid();
    }
}

#[tokio::test]
async fn the_eu_fallback_says_its_hours_vary_and_what_answers_now() {
    let app = spawn_app().await;
    app.set_settings(&[("helpline_country", "eu")]).await;
    let card = card_for(
        &app,
        (ids::CHLOE, ids::DIMITRI),
        "en-US",
        Reason::Harassment,
    )
    .await;
    assert_eq!(field(&card, "Hours"), "The hours depend on the country.");
    assert_eq!(
        field(&card, "Right now"),
        "Depending on the country, this line may be closed right now. Answering right now: **112**."
    );
}

/// Every line of every shipped country has a number, hours and an https source checked on
/// a date, and texts in every shipped language; so has every piece of advice.
#[test]
fn every_country_file_loads_with_a_source_for_every_line_in_every_language() {
    let directory = HelplineDirectory::embedded().expect("every helplines/*.toml is valid");
    let shipped = safe_button::i18n::Texts::embedded().unwrap().shipped();
    let mut lines = 0;
    for country in directory.countries() {
        for line in country.lines() {
            lines += 1;
            let what = format!("{}: {}", country.code(), line.number);
            assert!(!line.number.is_empty(), "{what}");
            assert!(line.source.url.starts_with("https://"), "{what}");
            let locales: Vec<&str> = line.locales().collect();
            for locale in &shipped {
                assert!(
                    locales.contains(&locale.as_str()),
                    "{what}: no {locale} text"
                );
            }
        }
        for advice in country.advice() {
            assert!(
                advice.source.url.starts_with("https://"),
                "{}",
                country.code()
            );
            let locales: Vec<&str> = advice.locales().collect();
            for locale in &shipped {
                assert!(
                    locales.contains(&locale.as_str()),
                    "{}: advice in {locale}",
                    country.code()
                );
            }
        }
    }
    assert!(lines >= 20, "only {lines} lines");
}
