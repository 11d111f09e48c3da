//! Helpline data (SPEC §3): one TOML file per country under `helplines/`, embedded in the
//! binary at compile time. Adding a country is a data change: drop `xx.toml` in the folder.
//!
//! Facts (numbers, hours, sites) live in the data files, each with the `source` where it
//! was verified; texts shown to people live in `locales/` under the Fluent ids named here.

use std::collections::BTreeMap;
use std::path::Path;

use chrono::NaiveTime;
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
    pub name: String,
    pub organisation: String,
    /// The timezone the line's hours are stated in.
    pub timezone: Tz,
    pub hours: OpeningHours,
    /// The line's website and the Fluent id of its link button label, when it has one.
    pub link: Option<HelplineLink>,
    /// Where the facts about this line were verified.
    pub source: String,
    /// Fluent id of the line's description.
    pub description_id: String,
    /// The note saved with the phone contact, in the language the line answers in.
    pub contact_note: String,
    /// Reasons for which this line is shown before the other urgent lines.
    pub shown_first_for: Vec<Reason>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HelplineLink {
    pub url: String,
    pub label_id: String,
}

/// A country's lines: exactly one primary helpline and the urgent lines in file order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CountryHelplines {
    code: String,
    primary: Helpline,
    urgent: Vec<Helpline>,
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
    #[error("{file}: expected exactly one line with role = \"primary\", found {found}")]
    PrimaryCount { file: String, found: usize },
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CountryFile {
    line: Vec<LineEntry>,
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
    name: String,
    organisation: String,
    role: Role,
    timezone: String,
    /// `"24/7"` or a daily window `"HH:MM-HH:MM"`.
    hours: String,
    url: Option<String>,
    link_label: Option<String>,
    source: String,
    description: String,
    contact_note: String,
    #[serde(default)]
    shown_first_for: Vec<String>,
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
            let line = entry
                .validate()
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
        })
    }

    /// Lowercase ISO 3166-1 alpha-2 code, e.g. `fr`.
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
}

/// A field name and what is wrong with its value.
type FieldProblem = (&'static str, String);

impl LineEntry {
    fn validate(self) -> Result<Helpline, FieldProblem> {
        if self.number.is_empty() || !self.number.bytes().all(|b| b.is_ascii_digit()) {
            return Err(("number", "must be digits only, like \"3018\"".to_owned()));
        }
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
        let link = match (self.url, self.link_label) {
            (Some(url), Some(label)) => Some(HelplineLink {
                url: https_url("url", url)?,
                label_id: fluent_id("link_label", label)?,
            }),
            (None, None) => None,
            (Some(_), None) => {
                return Err(("link_label", "is required when `url` is set".to_owned()));
            }
            (None, Some(_)) => {
                return Err(("url", "is required when `link_label` is set".to_owned()));
            }
        };
        let source = https_url("source", self.source)?;
        let description_id = fluent_id("description", self.description)?;
        let shown_first_for = self
            .shown_first_for
            .iter()
            .map(|code| code.parse::<Reason>())
            .collect::<Result<_, _>>()
            .map_err(|unknown| ("shown_first_for", unknown.to_string()))?;
        Ok(Helpline {
            number: self.number,
            name,
            organisation,
            timezone,
            hours,
            link,
            source,
            description_id,
            contact_note,
            shown_first_for,
        })
    }
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

/// Fluent message identifiers: a letter, then letters, digits, `-` or `_`.
fn fluent_id(field: &'static str, value: String) -> Result<String, FieldProblem> {
    let mut chars = value.chars();
    let valid = chars
        .next()
        .is_some_and(|first| first.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if valid {
        Ok(value)
    } else {
        Err((field, format!("`{value}` is not a Fluent message id")))
    }
}

fn parse_hours(value: &str, timezone: Tz) -> Result<OpeningHours, String> {
    if value == "24/7" {
        return Ok(OpeningHours::Always);
    }
    let expected =
        || format!("`{value}` is neither \"24/7\" nor a daily window like \"09:00-23:00\"");
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
link_label = "helpline-3018-link"
source = "https://3018.fr"
description = "helpline-3018-description"
contact_note = "Note"
"#;

    fn rejected(file: &str, text: &str) -> String {
        CountryHelplines::from_toml(file, text)
            .expect_err("should be rejected")
            .to_string()
    }

    #[test]
    fn embedded_data_has_france_with_the_3018_and_its_urgent_lines() {
        let directory = HelplineDirectory::embedded().unwrap();
        assert!(directory.country_codes().any(|code| code == "fr"));
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
        assert_eq!(the_3018.link.as_ref().unwrap().url, "https://3018.fr");
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
    fn a_valid_file_parses() {
        let country = CountryHelplines::from_toml("helplines/fr.toml", VALID_LINE).unwrap();
        assert_eq!(country.code(), "fr");
        assert!(country.urgent_lines().is_empty());
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
            (
                r#"link_label = "helpline-3018-link""#,
                "",
                "`link_label`: is required when `url` is set",
            ),
            (
                "helpline-3018-description",
                "helpline 3018",
                "`description`",
            ),
        ];
        for (valid, broken, expected) in cases {
            let text = VALID_LINE.replace(valid, broken);
            let error = rejected("helplines/fr.toml", &text);
            assert!(
                error.starts_with("helplines/fr.toml: line #1 (number `"),
                "{error}"
            );
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
        let none = VALID_LINE.replace(r#"role = "primary""#, r#"role = "urgent""#);
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
