//! Translation integrity (SPEC §6): every shipped locale has every message of the reference
//! locale with the same variables (and nothing else), every Fluent id the code uses exists,
//! and every registered command, option and choice carries its localizations.
//!
//! Ids used by the code are found two ways, because they are written two ways:
//! - literal ids (`texts.text(locale, "report-expired")`, `Refused("config-not-admin")`, the
//!   match arms of `fluent_id()` functions…): every string literal of `src/` outside test
//!   modules that has the shape of a Fluent id and starts with a namespace the reference
//!   locale uses (`report-`, `config-`, `setting-`…) must be a message of the reference
//!   locale. A typo or a deleted message is caught wherever the literal sits (call argument,
//!   `if` branch, match arm), without listing call sites. Non-Fluent literals of that shape
//!   (command renames) are told apart by their `rename = ` attribute.
//! - computed ids (`format!("reason-{}")`, `cmd-<path>`, `opt-<path>-<option>`): the code
//!   exposes them where they are computed, and the test asks it for all of them
//!   (`Reason::fluent_id` over `Reason::ALL`, `registration::localize` over every command).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use regex::Regex;
use safe_button::discord::{commands, registration};
use safe_button::domain::reason::Reason;
use safe_button::domain::settings::SettingKey;
use safe_button::i18n::Texts;
use serde_json::Value;

use crate::support::app::spawn_app;

/// The locale every other is compared with (Discord's fallback for unlocalized clients).
const REFERENCE: &str = "en-US";

/// What is wrong with the translations: a message (or attribute) missing from a locale,
/// present only in a locale, or using other variables than the reference.
fn integrity_problems(texts: &Texts) -> Vec<String> {
    let inventory = texts.inventory();
    let Some(reference) = inventory.get(REFERENCE) else {
        return vec![format!("the reference locale {REFERENCE} is not shipped")];
    };
    let mut problems = Vec::new();
    for (locale, messages) in inventory.iter().filter(|(code, _)| *code != REFERENCE) {
        for (id, variables) in reference {
            match messages.get(id) {
                None => problems.push(format!("{locale}: `{id}` is missing")),
                Some(found) if found != variables => problems.push(format!(
                    "{locale}: `{id}` uses {found:?}, {REFERENCE} uses {variables:?}"
                )),
                Some(_) => {}
            }
        }
        for id in messages.keys().filter(|id| !reference.contains_key(*id)) {
            problems.push(format!("{locale}: `{id}` is not in {REFERENCE}"));
        }
    }
    problems
}

fn fixture(french: &str) -> Texts {
    let english = "hello = Hello { $name }\nbye = Bye\n    .title = Goodbye\n";
    Texts::from_sources(vec![
        ("en-US".into(), vec![("fixture.ftl".into(), english.into())]),
        ("fr".into(), vec![("fixture.ftl".into(), french.into())]),
    ])
    .expect("the fixture parses")
}

#[test]
fn the_integrity_check_fails_when_a_key_is_removed_from_one_locale() {
    let complete = fixture("hello = Bonjour { $name }\nbye = Salut\n    .title = Au revoir\n");
    assert_eq!(integrity_problems(&complete), Vec::<String>::new());

    // `bye` (and its attribute) removed from French.
    let missing = fixture("hello = Bonjour { $name }\n");
    assert_eq!(
        integrity_problems(&missing),
        ["fr: `bye` is missing", "fr: `bye.title` is missing"]
    );

    // A renamed variable would print nothing where the name should be.
    let renamed = fixture("hello = Bonjour { $nom }\nbye = Salut\n    .title = Au revoir\n");
    assert_eq!(
        integrity_problems(&renamed),
        [r#"fr: `hello` uses ["nom"], en-US uses ["name"]"#]
    );

    // A message only French has is unreachable for English readers.
    let extra =
        fixture("hello = Bonjour { $name }\nbye = Salut\n    .title = Au revoir\nmore = Plus\n");
    assert_eq!(integrity_problems(&extra), ["fr: `more` is not in en-US"]);
}

#[test]
fn every_shipped_locale_parses_and_has_every_message_with_the_same_variables() {
    let texts = Texts::embedded().expect("every .ftl file parses");
    let shipped = texts.shipped();
    assert!(shipped.contains(&"fr".to_owned()) && shipped.contains(&"en-US".to_owned()));
    assert_eq!(integrity_problems(&texts), Vec::<String>::new());
}

/// Every `.rs` file under `folder`.
fn rust_files(folder: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(folder).expect("readable source folder") {
        let path = entry.expect("a directory entry").path();
        if path.is_dir() {
            files.extend(rust_files(&path));
        } else if path.extension().is_some_and(|ext| ext == "rs") {
            files.push(path);
        }
    }
    files.sort();
    files
}

/// Literal Fluent ids in `source` (test modules excluded), per the rule in the module doc.
fn literal_ids<'a>(source: &'a str, namespaces: &BTreeSet<&str>) -> Vec<&'a str> {
    let shape = Regex::new(r#""([a-z][a-z0-9]*(?:-[a-z0-9]+)+(?:\.[a-z][a-z0-9-]*)?)""#).unwrap();
    let code = source
        .find("#[cfg(test)]")
        .map_or(source, |start| &source[..start]);
    shape
        .captures_iter(code)
        .filter_map(|found| {
            let literal = found.get(1)?;
            let before = code[..found.get(0)?.start()].trim_end();
            let namespace = literal.as_str().split(['-', '.']).next()?;
            (!before.ends_with("rename =") && namespaces.contains(namespace))
                .then_some(literal.as_str())
        })
        .collect()
}

#[test]
fn the_source_scan_finds_ids_in_calls_branches_and_match_arms_but_not_renames() {
    let namespaces: BTreeSet<&str> = ["report", "config"].into();
    let source = r#"
        let a = texts.text(&locale, "report-received");
        let b = if witness { "report-help-card-sent-victim" } else { "config-saved" };
        #[poise::command(slash_command, rename = "config-channel")]
        let c = "safe-button";
        #[cfg(test)]
        mod tests { const X: &str = "report-in-a-test"; }
    "#;
    assert_eq!(
        literal_ids(source, &namespaces),
        [
            "report-received",
            "report-help-card-sent-victim",
            "config-saved"
        ]
    );
}

#[test]
fn every_fluent_id_used_by_the_code_exists() {
    let texts = Texts::embedded().expect("embedded locales");
    let inventory = texts.inventory();
    let reference: &BTreeMap<String, Vec<String>> = &inventory[REFERENCE];
    let namespaces: BTreeSet<&str> = reference
        .keys()
        .filter_map(|id| id.split(['-', '.']).next())
        .collect();
    let mut missing = Vec::new();
    let mut checked = 0;
    for file in rust_files(Path::new(env!("CARGO_MANIFEST_DIR")).join("src").as_path()) {
        let source = std::fs::read_to_string(&file).expect("readable source");
        for id in literal_ids(&source, &namespaces) {
            checked += 1;
            if !reference.contains_key(id) {
                missing.push(format!("{}: \"{id}\"", file.display()));
            }
        }
    }
    // The scan must be looking at something: the code uses well over a hundred literal ids.
    assert!(checked > 100, "only {checked} literal ids found");

    for reason in Reason::ALL {
        if !reference.contains_key(&reason.fluent_id()) {
            missing.push(format!("Reason::fluent_id: {}", reason.fluent_id()));
        }
    }
    for key in SettingKey::ALL {
        if !reference.contains_key(key.fluent_id()) {
            missing.push(format!("SettingKey::fluent_id: {}", key.fluent_id()));
        }
    }
    // cmd-…, opt-…, menu-… and choice ids of every command, in every shipped locale.
    let mut all_commands = commands::all();
    missing.extend(registration::localize(&mut all_commands, &texts));
    assert_eq!(missing, Vec::<String>::new());
}

/// Checks that `object` carries fr, en-US and en-GB texts under `field`.
fn assert_localized(object: &Value, field: &str, path: &str) {
    for locale in ["fr", "en-US", "en-GB"] {
        let text = object[field][locale].as_str().unwrap_or_default();
        assert!(
            !text.is_empty(),
            "{path}: no {locale} in {field}: {object:#}"
        );
    }
}

/// Walks options (subcommands included) and their choices.
fn assert_options_localized(options: &Value, path: &str) {
    for option in options.as_array().into_iter().flatten() {
        let path = format!("{path} {}", option["name"].as_str().unwrap_or("?"));
        assert_localized(option, "name_localizations", &path);
        assert_localized(option, "description_localizations", &path);
        for choice in option["choices"].as_array().into_iter().flatten() {
            let choice_path = format!("{path} = {}", choice["name"]);
            assert_localized(choice, "name_localizations", &choice_path);
        }
        assert_options_localized(&option["options"], &path);
    }
}

#[tokio::test]
async fn every_registered_command_option_and_choice_carries_its_localizations() {
    let mut app = spawn_app().await;
    let registered = app.registered_commands();
    assert!(registered.len() >= 6);
    let mut options_seen = 0;
    for command in &registered {
        let name = command["name"].as_str().expect("a name");
        assert_localized(command, "name_localizations", name);
        // Context menus (types 2 and 3) have no description.
        if command["type"] == 1 {
            assert_localized(command, "description_localizations", name);
        }
        options_seen += command["options"].as_array().map_or(0, Vec::len);
        assert_options_localized(&command["options"], name);
    }
    assert!(options_seen > 20, "the walk saw {options_seen} options");
    // French is really French, not the English copied over.
    let config = registered
        .iter()
        .find(|command| command["name"] == "config")
        .expect("/config registered");
    let queue = config["options"]
        .as_array()
        .unwrap()
        .iter()
        .find(|option| option["name"] == "queue-channel")
        .expect("/config queue-channel");
    assert_eq!(queue["name_localizations"]["fr"], "salon-moderation");
    assert_eq!(queue["name_localizations"]["en-GB"], "queue-channel");
    app.shutdown().await.expect("a clean shutdown");
    app.assert_discord_traffic_valid();
}
