//! Helpline data (SPEC §3): one TOML file per country under `helplines/`, embedded in the
//! binary at compile time. Adding a country is a data change: drop `xx.toml` in the folder.
//!
//! Facts (numbers, hours, sites) and what the card says about each line, in every shipped
//! language, live in the data files, each with the `source` where it was verified and when;
//! `locales/` holds only the sentence frames around them.

use std::collections::BTreeMap;
use std::path::Path;

use chrono::{NaiveDate, NaiveTime};
use chrono_tz::Tz;
use include_dir::{Dir, include_dir};
use serde::Deserialize;

use super::opening_hours::OpeningHours;
use super::reason::Reason;

static HELPLINE_FILES: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/helplines");

/// One phone line, validated.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Helpline {
    /// Digits only, as dialled in the country (`3018`).
    pub number: String,
    /// The number as people write it (`0800 32 123`).
    pub display: String,
    pub name: String,
    pub organisation: String,
    /// The timezone the line's hours are stated in.
    pub timezone: Tz,
    pub hours: OpeningHours,
    /// The line's website, shown as a button when there is one.
    pub url: Option<String>,
    /// Where the facts about this line, and its texts, were verified, and when.
    pub source: Source,
    /// The note saved with the phone contact, in the language the line answers in.
    pub contact_note: String,
    /// Reasons for which this line is shown before the other urgent lines.
    pub shown_first_for: Vec<Reason>,
    /// What the card says about the line, by locale.
    texts: BTreeMap<String, LineText>,
}

/// A public page that states a fact, and the day it was checked there.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Source {
    pub url: String,
    pub checked: NaiveDate,
}

/// What the card says about a line in one language.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LineText {
    /// The card's title, for the primary line.
    pub title: Option<String>,
    pub description: String,
    /// The label of the link button, for a line with a website.
    pub link_label: Option<String>,
}

/// What to do for some report reasons, as a public source says it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Advice {
    pub reasons: Vec<Reason>,
    pub source: Source,
    texts: BTreeMap<String, String>,
}

/// A country's lines: exactly one primary helpline, the urgent lines in file order, and the
/// advice given for some reasons.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CountryHelplines {
    code: String,
    primary: Helpline,
    urgent: Vec<Helpline>,
    advice: Vec<Advice>,
}

/// Every embedded country, by code.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HelplineDirectory {
    countries: BTreeMap<String, CountryHelplines>,
}

#[derive(Debug, thiserror::Error)]
pub enum HelplineDataError {
    #[error("{file}: the file name must be a two-letter lowercase country code, like `fr.toml`")]
    FileName { file: String },
    #[error("{file}: the file is not valid UTF-8")]
    NotUtf8 { file: String },
    #[error("{file}: {source}")]
    Syntax {
        file: String,
        #[source]
        source: toml::de::Error,
    },
    #[error("{file}: line #{position} (number `{number}`), field `{field}`: {problem}")]
    Field {
        file: String,
        /// 1-based position of the `[[line]]` entry in the file.
        position: usize,
        number: String,
        field: &'static str,
        problem: String,
    },
    #[error("{file}: advice #{position}, field `{field}`: {problem}")]
    AdviceField {
        file: String,
        /// 1-based position of the `[[advice]]` entry in the file.
        position: usize,
        field: &'static str,
        problem: String,
    },
    #[error("{file}: expected exactly one line with role = \"primary\", found {found}")]
    PrimaryCount { file: String, found: usize },
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CountryFile {
    line: Vec<LineEntry>,
    #[serde(default)]
    advice: Vec<AdviceEntry>,
}

#[derive(Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
enum Role {
    Primary,
    Urgent,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LineEntry {
    number: String,
    display: Option<String>,
    name: String,
    organisation: String,
    role: Role,
    timezone: String,
    /// `"24/7"`, a daily window `"HH:MM-HH:MM"` or `"varies"`.
    hours: String,
    url: Option<String>,
    source: String,
    checked: String,
    contact_note: String,
    #[serde(default)]
    shown_first_for: Vec<String>,
    #[serde(default)]
    text: BTreeMap<String, LineText>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AdviceEntry {
    reasons: Vec<String>,
    source: String,
    checked: String,
    #[serde(default)]
    text: BTreeMap<String, String>,
}

impl HelplineDirectory {
    /// Parses and validates every country file embedded from `helplines/`.
    pub fn embedded() -> Result<Self, HelplineDataError> {
        let mut countries = BTreeMap::new();
        let country_files = HELPLINE_FILES
            .files()
            .filter(|file| file.path().extension().is_some_and(|ext| ext == "toml"));
        for file in country_files {
            let name = format!("helplines/{}", file.path().display());
            let text = file
                .contents_utf8()
                .ok_or_else(|| HelplineDataError::NotUtf8 { file: name.clone() })?;
            let country = CountryHelplines::from_toml(&name, text)?;
            countries.insert(country.code.clone(), country);
        }
        Ok(Self { countries })
    }

    pub fn country(&self, code: &str) -> Option<&CountryHelplines> {
        self.countries.get(code)
    }

    /// Country codes in alphabetical order.
    pub fn country_codes(&self) -> impl Iterator<Item = &str> {
        self.countries.keys().map(String::as_str)
    }

    /// Every embedded country, in code order.
    pub fn countries(&self) -> impl Iterator<Item = &CountryHelplines> {
        self.countries.values()
    }
}

impl CountryHelplines {
    /// Parses one country file; the country code is the file name without `.toml`.
    pub fn from_toml(file: &str, text: &str) -> Result<Self, HelplineDataError> {
        let code = Path::new(file)
            .file_stem()
            .and_then(|stem| stem.to_str())
            .filter(|stem| stem.len() == 2 && stem.bytes().all(|b| b.is_ascii_lowercase()))
            .ok_or_else(|| HelplineDataError::FileName {
                file: file.to_owned(),
            })?;
        let parsed: CountryFile =
            toml::from_str(text).map_err(|source| HelplineDataError::Syntax {
                file: file.to_owned(),
                source,
            })?;

        let mut primaries = Vec::new();
        let mut urgent = Vec::new();
        for (index, entry) in parsed.line.into_iter().enumerate() {
            let role = entry.role;
            let number = entry.number.clone();
            let line =
                entry
                    .validate(role)
                    .map_err(|(field, problem)| HelplineDataError::Field {
                        file: file.to_owned(),
                        position: index + 1,
                        number,
                        field,
                        problem,
                    })?;
            match role {
                Role::Primary => primaries.push(line),
                Role::Urgent => urgent.push(line),
            }
        }
        let advice = validate_advice(file, parsed.advice)?;
        let found = primaries.len();
        let (Some(primary), 1) = (primaries.pop(), found) else {
            return Err(HelplineDataError::PrimaryCount {
                file: file.to_owned(),
                found,
            });
        };
        Ok(Self {
            code: code.to_owned(),
            primary,
            urgent,
            advice,
        })
    }

    /// Lowercase ISO 3166-1 alpha-2 code, e.g. `fr` (`eu` for the EU-wide fallback).
    pub fn code(&self) -> &str {
        &self.code
    }

    /// The helpline the card is about (the 3018 in France).
    pub fn primary(&self) -> &Helpline {
        &self.primary
    }

    /// Lines for immediate danger, in the order of the data file.
    pub fn urgent_lines(&self) -> &[Helpline] {
        &self.urgent
    }

    /// Every line: the primary one, then the urgent ones.
    pub fn lines(&self) -> impl Iterator<Item = &Helpline> {
        std::iter::once(&self.primary).chain(&self.urgent)
    }

    /// Advice for some reasons, in the order of the data file.
    pub fn advice(&self) -> &[Advice] {
        &self.advice
    }
}

impl Helpline {
    /// The line's texts in `locale`, or in the closest language the data has.
    ///
    /// # Panics
    /// Never: a validated line has texts in at least one language.
    pub fn text(&self, locale: &str) -> &LineText {
        closest(&self.texts, locale).expect("validated: every line has texts")
    }

    /// The locales this line has texts in.
    pub fn locales(&self) -> impl Iterator<Item = &str> {
        self.texts.keys().map(String::as_str)
    }
}

impl Advice {
    /// The advice in `locale`, or in the closest language the data has.
    ///
    /// # Panics
    /// Never: validated advice has a text in at least one language.
    pub fn text(&self, locale: &str) -> &str {
        closest(&self.texts, locale).expect("validated: every advice has texts")
    }

    /// The locales this advice has a text in.
    pub fn locales(&self) -> impl Iterator<Item = &str> {
        self.texts.keys().map(String::as_str)
    }
}

/// The entry for `locale`, else one of the same language, else `en-US`, else the first.
fn closest<'a, T>(texts: &'a BTreeMap<String, T>, locale: &str) -> Option<&'a T> {
    let language = locale.split('-').next().unwrap_or(locale);
    texts
        .get(locale)
        .or_else(|| {
            texts
                .iter()
                .find(|(code, _)| code.split('-').next() == Some(language))
                .map(|(_, text)| text)
        })
        .or_else(|| texts.get("en-US"))
        .or_else(|| texts.values().next())
}

fn validate_advice(
    file: &str,
    entries: Vec<AdviceEntry>,
) -> Result<Vec<Advice>, HelplineDataError> {
    entries
        .into_iter()
        .enumerate()
        .map(|(index, entry)| {
            entry
                .validate()
                .map_err(|(field, problem)| HelplineDataError::AdviceField {
                    file: file.to_owned(),
                    position: index + 1,
                    field,
                    problem,
                })
        })
        .collect()
}

/// A field name and what is wrong with its value.
type FieldProblem = (&'static str, String);

impl LineEntry {
    fn validate(self, role: Role) -> Result<Helpline, FieldProblem> {
        if self.number.is_empty() || !self.number.bytes().all(|b| b.is_ascii_digit()) {
            return Err(("number", "must be digits only, like \"3018\"".to_owned()));
        }
        let display = match self.display {
            Some(display) => non_empty("display", display)?,
            None => self.number.clone(),
        };
        let name = non_empty("name", self.name)?;
        let organisation = non_empty("organisation", self.organisation)?;
        let contact_note = non_empty("contact_note", self.contact_note)?;
        let timezone: Tz = self.timezone.parse().map_err(|_| {
            (
                "timezone",
                format!("`{}` is not an IANA timezone name", self.timezone),
            )
        })?;
        let hours = parse_hours(&self.hours, timezone).map_err(|problem| ("hours", problem))?;
        let url = self.url.map(|url| https_url("url", url)).transpose()?;
        let source = source(self.source, &self.checked)?;
        let shown_first_for = reasons("shown_first_for", &self.shown_first_for)?;
        validate_texts(&self.text, role == Role::Primary, url.is_some())?;
        Ok(Helpline {
            number: self.number,
            display,
            name,
            organisation,
            timezone,
            hours,
            url,
            source,
            contact_note,
            shown_first_for,
            texts: self.text,
        })
    }
}

impl AdviceEntry {
    fn validate(self) -> Result<Advice, FieldProblem> {
        let reasons = reasons("reasons", &self.reasons)?;
        if reasons.is_empty() {
            return Err(("reasons", "must name at least one reason".to_owned()));
        }
        let source = source(self.source, &self.checked)?;
        if self.text.is_empty() {
            return Err(("text", "must have a sentence for each locale".to_owned()));
        }
        for (locale, sentence) in &self.text {
            if sentence.trim().is_empty() {
                return Err(("text", format!("`{locale}` must not be empty")));
            }
        }
        Ok(Advice {
            reasons,
            source,
            texts: self.text,
        })
    }
}

/// Every line needs a description in each of its locales; the primary line a title; a line
/// with a website a link label.
fn validate_texts(
    texts: &BTreeMap<String, LineText>,
    primary: bool,
    has_url: bool,
) -> Result<(), FieldProblem> {
    if texts.is_empty() {
        return Err(("text", "must have texts for each locale".to_owned()));
    }
    for (locale, text) in texts {
        let filled =
            |value: &Option<String>| value.as_deref().is_some_and(|v| !v.trim().is_empty());
        if text.description.trim().is_empty() {
            return Err(("text", format!("`{locale}`: the description is empty")));
        }
        if primary != filled(&text.title) {
            let problem = if primary {
                "the primary line needs a title"
            } else {
                "only the primary line has a title"
            };
            return Err(("text", format!("`{locale}`: {problem}")));
        }
        if has_url != filled(&text.link_label) {
            let problem = if has_url {
                "a line with a url needs a link_label"
            } else {
                "a link_label needs a url"
            };
            return Err(("text", format!("`{locale}`: {problem}")));
        }
    }
    Ok(())
}

fn source(url: String, checked: &str) -> Result<Source, FieldProblem> {
    let url = https_url("source", url)?;
    let checked = NaiveDate::parse_from_str(checked, "%Y-%m-%d").map_err(|_| {
        (
            "checked",
            format!("`{checked}` is not a date like \"2026-12-01\""),
        )
    })?;
    Ok(Source { url, checked })
}

fn reasons(field: &'static str, codes: &[String]) -> Result<Vec<Reason>, FieldProblem> {
    codes
        .iter()
        .map(|code| code.parse::<Reason>())
        .collect::<Result<_, _>>()
        .map_err(|unknown| (field, unknown.to_string()))
}

fn non_empty(field: &'static str, value: String) -> Result<String, FieldProblem> {
    if value.trim().is_empty() {
        Err((field, "must not be empty".to_owned()))
    } else {
        Ok(value)
    }
}

fn https_url(field: &'static str, value: String) -> Result<String, FieldProblem> {
    match url::Url::parse(&value) {
        Ok(parsed) if parsed.scheme() == "https" && parsed.host().is_some() => Ok(value),
        _ => Err((field, format!("`{value}` is not an https:// URL"))),
    }
}

fn parse_hours(value: &str, timezone: Tz) -> Result<OpeningHours, String> {
    match value {
        "24/7" => return Ok(OpeningHours::Always),
        "varies" => return Ok(OpeningHours::Varies),
        _ => {}
    }
    let expected = || {
        format!("`{value}` is neither \"24/7\", \"varies\" nor a daily window like \"09:00-23:00\"")
    };
    let (opens, closes) = value.split_once('-').ok_or_else(expected)?;
    let time = |text: &str| NaiveTime::parse_from_str(text.trim(), "%H:%M").map_err(|_| expected());
    let (opens, closes) = (time(opens)?, time(closes)?);
    if opens >= closes {
        return Err(format!(
            "opens at {opens} but closes at {closes}: it must open before it closes"
        ));
    }
    Ok(OpeningHours::Daily {
        timezone,
        opens,
        closes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const VALID_LINE: &str = r#"
[[line]]
number = "3018"
name = "3018"
organisation = "Association e-Enfance"
role = "primary"
timezone = "Europe/Paris"
hours = "09:00-23:00"
url = "https://3018.fr"
source = "https://3018.fr"
checked = "2026-12-01"
contact_note = "Note"

[line.text.fr]
title = "Titre"
description = "Description"
link_label = "3018.fr"
"#;

    fn rejected(file: &str, text: &str) -> String {
        CountryHelplines::from_toml(file, text)
            .expect_err("should be rejected")
            .to_string()
    }

    #[test]
    fn embedded_data_has_france_with_the_3018_and_its_urgent_lines() {
        let directory = HelplineDirectory::embedded().unwrap();
        let codes: Vec<&str> = directory.country_codes().collect();
        assert_eq!(codes, ["be", "ca", "ch", "eu", "fr", "gb"]);
        let france = directory.country("fr").unwrap();
        assert_eq!(france.code(), "fr");
        let the_3018 = france.primary();
        assert_eq!(the_3018.number, "3018");
        assert_eq!(
            the_3018.hours,
            OpeningHours::Daily {
                timezone: chrono_tz::Europe::Paris,
                opens: NaiveTime::from_hms_opt(9, 0, 0).unwrap(),
                closes: NaiveTime::from_hms_opt(23, 0, 0).unwrap(),
            }
        );
        assert_eq!(the_3018.url.as_deref(), Some("https://3018.fr"));
        assert_eq!(
            the_3018.text("fr").title.as_deref(),
            Some("3018 : aide contre le cyberharcèlement")
        );
        let urgent: Vec<&str> = france
            .urgent_lines()
            .iter()
            .map(|line| line.number.as_str())
            .collect();
        assert_eq!(urgent, ["3114", "119", "17", "112"]);
        assert!(
            france
                .urgent_lines()
                .iter()
                .all(|line| line.hours == OpeningHours::Always)
        );
        assert_eq!(france.urgent_lines()[0].shown_first_for, [Reason::SelfHarm]);
        assert!(directory.country("zz").is_none());
    }

    #[test]
    fn texts_fall_back_to_the_same_language_then_english() {
        let country = CountryHelplines::from_toml(
            "xx.toml",
            &VALID_LINE.replace(
                "[line.text.fr]",
                "[line.text.en-US]\ntitle = \"Title\"\ndescription = \"English\"\nlink_label = \"L\"\n\n[line.text.fr]",
            ),
        )
        .unwrap();
        let line = country.primary();
        assert_eq!(line.text("fr").description, "Description");
        assert_eq!(line.text("fr-CA").description, "Description");
        assert_eq!(line.text("en-GB").description, "English");
        assert_eq!(line.text("ja").description, "English");
        assert_eq!(line.display, "3018");
    }

    #[test]
    fn a_valid_file_parses() {
        let country = CountryHelplines::from_toml("helplines/fr.toml", VALID_LINE).unwrap();
        assert_eq!(country.code(), "fr");
        assert!(country.urgent_lines().is_empty());
        assert!(country.advice().is_empty());
    }

    #[test]
    fn malformed_files_are_rejected_naming_file_and_field() {
        let cases = [
            (r#"number = "3018""#, r#"number = "30 18""#, "`number`"),
            (r#"number = "3018""#, r#"number = """#, "`number`"),
            (
                "Europe/Paris",
                "Europe/Lutece",
                "`timezone`: `Europe/Lutece`",
            ),
            ("09:00-23:00", "23:00-09:00", "`hours`: opens at 23:00:00"),
            ("09:00-23:00", "9h-23h", "`hours`"),
            (
                r#"url = "https://3018.fr""#,
                r#"url = "http://3018.fr""#,
                "`url`: `http://3018.fr` is not an https:// URL",
            ),
            (
                r#"source = "https://3018.fr""#,
                r#"source = "3018.fr""#,
                "`source`",
            ),
            ("2026-12-01", "last week", "`checked`"),
            (
                r#"link_label = "3018.fr""#,
                "",
                "`text`: `fr`: a line with a url needs a link_label",
            ),
            (
                r#"title = "Titre""#,
                "",
                "`text`: `fr`: the primary line needs a title",
            ),
            (
                r#"description = "Description""#,
                r#"description = " ""#,
                "`text`: `fr`: the description is empty",
            ),
            ("[line.text.fr]", "[line.other]", "other"),
        ];
        for (valid, broken, expected) in cases {
            let text = VALID_LINE.replace(valid, broken);
            let error = CountryHelplines::from_toml("helplines/fr.toml", &text)
                .map_or_else(|error| error.to_string(), |_| String::new());
            assert!(
                error.starts_with("helplines/fr.toml: "),
                "{broken}: {error}"
            );
            assert!(
                error.contains(expected),
                "{error} should mention {expected}"
            );
        }
    }

    #[test]
    fn advice_needs_known_reasons_a_source_and_texts() {
        let advice = |body: &str| format!("{VALID_LINE}\n[[advice]]\n{body}");
        let valid = "reasons = [\"threats\"]\nsource = \"https://example.org\"\nchecked = \"2026-12-01\"\n[advice.text]\nfr = \"Garde les preuves.\"\n";
        let country = CountryHelplines::from_toml("fr.toml", &advice(valid)).unwrap();
        assert_eq!(country.advice()[0].reasons, [Reason::Threats]);
        assert_eq!(country.advice()[0].text("en-US"), "Garde les preuves.");
        for (broken, expected) in [
            (
                valid.replace("threats", "gossip"),
                "advice #1, field `reasons`",
            ),
            (valid.replace("[\"threats\"]", "[]"), "field `reasons`"),
            (
                valid.replace("https://example.org", "ftp://x"),
                "field `source`",
            ),
            (valid.replace("Garde les preuves.", ""), "field `text`"),
        ] {
            let error = rejected("fr.toml", &advice(&broken));
            assert!(
                error.contains(expected),
                "{error} should mention {expected}"
            );
        }
    }

    #[test]
    fn syntax_errors_and_unknown_fields_are_rejected() {
        let error = rejected("helplines/fr.toml", "[[line]\nnumber = 3018");
        assert!(error.starts_with("helplines/fr.toml: "), "{error}");
        let error = rejected(
            "helplines/fr.toml",
            &VALID_LINE.replace("organisation", "organization"),
        );
        assert!(error.contains("organization"), "{error}");
    }

    #[test]
    fn exactly_one_primary_line_is_required() {
        let two = [VALID_LINE, VALID_LINE].concat();
        assert_eq!(
            rejected("fr.toml", &two),
            "fr.toml: expected exactly one line with role = \"primary\", found 2"
        );
        let none = VALID_LINE
            .replace(r#"role = "primary""#, r#"role = "urgent""#)
            .replace("title = \"Titre\"\n", "");
        assert!(rejected("fr.toml", &none).ends_with("found 0"));
    }

    #[test]
    fn file_names_must_be_country_codes() {
        for file in ["france.toml", "FR.toml", "f1.toml"] {
            assert!(
                rejected(file, VALID_LINE).contains("two-letter lowercase country code"),
                "{file}"
            );
        }
    }
}
