//! Validation of the bot's JSON request bodies against Discord's `OpenAPI` 3.1 description.
//!
//! The spec is read from `DISCORD_OPENAPI_SPEC`, else `<CARGO_MANIFEST_DIR>/../shared/
//! discord-api-spec/openapi.json` (never copied into the project). It is loaded once per process;
//! one validator per operation is compiled on first use and cached. When the file is absent,
//! validation is skipped with a warning, except under `CI`, where absence is a hard failure.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, OnceLock};

use axum::http::Method;
use jsonschema::{Draft, Validator};
use serde_json::Value;

/// One way a body does not conform to the operation's request schema.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SchemaError {
    /// JSON pointer into the body (e.g. `/embeds/0/title`).
    pub instance_path: String,
    /// Where in the schema the check failed, `$ref`s followed (e.g.
    /// `/$ref/properties/embeds/items/$ref/properties/title/maxLength`).
    pub schema_path: String,
    /// The validator's message.
    pub message: String,
}

/// What validating one body against the spec found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// The body conforms.
    Valid,
    /// The body does not conform to the operation `template`.
    Invalid {
        template: String,
        errors: Vec<SchemaError>,
    },
    /// The spec has no JSON request-body schema for this route (`template` if the path is known).
    NoSchema { template: Option<String> },
    /// The spec file is absent (outside CI): nothing was checked.
    Skipped,
}

/// Compiled validators by `(method, path template)`; `None` when the operation has no JSON body
/// schema.
type ValidatorCache = HashMap<(Method, String), Option<Arc<Validator>>>;

/// The loaded spec and its per-operation validators.
struct Spec {
    document: Value,
    /// Path templates (relative to `/api/v10`) split into segments.
    templates: Vec<(String, Vec<String>)>,
    validators: Mutex<ValidatorCache>,
}

static SPEC: OnceLock<Option<Spec>> = OnceLock::new();

/// Where the spec is looked for.
pub fn spec_path() -> PathBuf {
    match std::env::var_os("DISCORD_OPENAPI_SPEC") {
        Some(path) => PathBuf::from(path),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../shared/discord-api-spec/openapi.json"),
    }
}

/// Loads the spec once. Panics under `CI` when it is missing or unreadable.
fn spec() -> Option<&'static Spec> {
    SPEC.get_or_init(|| {
        let path = spec_path();
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(error) if std::env::var_os("CI").is_some() => panic!(
                "Discord's OpenAPI spec is required in CI but cannot be read at {} ({error}); \
                 set DISCORD_OPENAPI_SPEC or provide ../shared/discord-api-spec/openapi.json",
                path.display()
            ),
            Err(error) => {
                eprintln!(
                    "warning: Discord's OpenAPI spec not found at {} ({error}): request bodies \
                     will NOT be validated",
                    path.display()
                );
                return None;
            }
        };
        let document: Value = serde_json::from_str(&text)
            .unwrap_or_else(|e| panic!("{} is not valid JSON: {e}", path.display()));
        let templates = document["paths"]
            .as_object()
            .unwrap_or_else(|| panic!("{} has no `paths` object", path.display()))
            .keys()
            .map(|template| (template.clone(), segments(template)))
            .collect();
        Some(Spec {
            document,
            templates,
            validators: Mutex::new(HashMap::new()),
        })
    })
    .as_ref()
}

fn segments(path: &str) -> Vec<String> {
    path.trim_matches('/')
        .split('/')
        .map(str::to_owned)
        .collect()
}

/// The spec's path template for a concrete path relative to `/api/v10` (e.g.
/// `/channels/1/messages` → `/channels/{channel_id}/messages`); literal segments win over
/// parameters (`/messages/@original` over `/messages/{message_id}`).
fn template_for<'a>(spec: &'a Spec, api_path: &str) -> Option<&'a str> {
    let concrete = segments(api_path);
    spec.templates
        .iter()
        .filter(|(_, template)| template.len() == concrete.len())
        .filter_map(|(name, template)| {
            let mut literal_matches = 0;
            for (t, c) in template.iter().zip(&concrete) {
                if t.starts_with('{') && t.ends_with('}') {
                    continue;
                }
                if t != c {
                    return None;
                }
                literal_matches += 1;
            }
            Some((literal_matches, name.as_str()))
        })
        .max_by_key(|(literal_matches, _)| *literal_matches)
        .map(|(_, name)| name)
}

/// A URI fragment (JSON pointer) to the operation's `application/json` request-body schema.
fn schema_pointer(template: &str, method: &Method) -> String {
    let escaped = template
        .replace('~', "~0")
        .replace('/', "~1")
        .replace('{', "%7B")
        .replace('}', "%7D");
    format!(
        "#/paths/{escaped}/{}/requestBody/content/application~1json/schema",
        method.as_str().to_ascii_lowercase()
    )
}

/// The compiled validator of an operation, `None` when the spec has no JSON body schema for it.
fn validator(spec: &Spec, method: &Method, template: &str) -> Option<Arc<Validator>> {
    let key = (method.clone(), template.to_owned());
    if let Some(cached) = spec
        .validators
        .lock()
        .expect("validator cache poisoned")
        .get(&key)
    {
        return cached.clone();
    }
    let operation = &spec.document["paths"][template][method.as_str().to_ascii_lowercase()];
    let compiled = operation["requestBody"]["content"]["application/json"]
        .get("schema")
        .map(|_| {
            // The whole document as the root schema, pointing at the operation's body schema, so
            // every internal `#/components/...` reference resolves.
            let mut root = spec.document.clone();
            root["$ref"] = Value::String(schema_pointer(template, method));
            let validator = jsonschema::options()
                .with_draft(Draft::Draft202012)
                .build(&root)
                .unwrap_or_else(|e| {
                    panic!("cannot compile the schema of {method} {template}: {e}")
                });
            Arc::new(validator)
        });
    spec.validators
        .lock()
        .expect("validator cache poisoned")
        .insert(key, compiled.clone());
    compiled
}

/// Validates `body`, sent as `method api_path` (path relative to `/api/v10`).
pub fn validate(method: &Method, api_path: &str, body: &Value) -> Outcome {
    let Some(spec) = spec() else {
        return Outcome::Skipped;
    };
    let Some(template) = template_for(spec, api_path) else {
        return Outcome::NoSchema { template: None };
    };
    let Some(validator) = validator(spec, method, template) else {
        return Outcome::NoSchema {
            template: Some(template.to_owned()),
        };
    };
    let mut body = body.clone();
    tolerate_known_spec_strictness(template, &mut body);
    let errors: Vec<SchemaError> = validator
        .iter_errors(&body)
        .map(|error| SchemaError {
            instance_path: error.instance_path().to_string(),
            schema_path: error.evaluation_path().to_string(),
            message: error.to_string(),
        })
        .collect();
    if errors.is_empty() {
        Outcome::Valid
    } else {
        Outcome::Invalid {
            template: template.to_owned(),
            errors,
        }
    }
}

/// The `OpenAPI` file is stricter than Discord itself in exactly two known places; this rewrites
/// those two shapes into what the file accepts before validating, and touches nothing else:
///
/// (a) a new attachment's `id` in `attachments[]` is a placeholder index that serenity sends as
///     an integer (0, 1, ...), which Discord accepts but the file types as a snowflake string;
/// (b) `default_member_permissions` in application command bodies is a permission bit set sent
///     as a string, as Discord's docs specify, while the file types it as an integer.
fn tolerate_known_spec_strictness(template: &str, body: &mut Value) {
    stringify_attachment_placeholder_ids(body);
    let is_command_route = template.starts_with("/applications/{application_id}/commands")
        || template.starts_with("/applications/{application_id}/guilds/{guild_id}/commands");
    if is_command_route {
        let commands: Vec<&mut Value> = match body {
            Value::Array(commands) => commands.iter_mut().collect(),
            command => vec![command],
        };
        for command in commands {
            if let Some(permissions) = command.get_mut("default_member_permissions")
                && let Some(number) = permissions.as_str().and_then(|s| s.parse::<u64>().ok())
            {
                *permissions = Value::from(number);
            }
        }
    }
}

/// Tolerance (a): integer ids of entries of any `attachments` array become strings.
fn stringify_attachment_placeholder_ids(value: &mut Value) {
    match value {
        Value::Object(map) => {
            for (key, child) in map.iter_mut() {
                if key == "attachments"
                    && let Value::Array(attachments) = child
                {
                    for attachment in attachments.iter_mut() {
                        if let Some(id) = attachment.get_mut("id")
                            && let Some(index) = id.as_u64()
                        {
                            *id = Value::String(index.to_string());
                        }
                    }
                }
                stringify_attachment_placeholder_ids(child);
            }
        }
        Value::Array(items) => items
            .iter_mut()
            .for_each(stringify_attachment_placeholder_ids),
        _ => {}
    }
}
