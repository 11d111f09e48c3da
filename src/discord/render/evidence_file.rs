//! The victim's evidence file: one ZIP holding a readable page (HTML, in the victim's
//! language), the raw data (JSON) and the preserved files, to hand to the 3018 or to the
//! police. Every user-provided string is escaped in the page.

use std::fmt::Write as _;
use std::io::Write;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use serde::Serialize;
use zip::write::SimpleFileOptions;

use crate::domain::evidence::FileOutcome;
use crate::i18n::{Texts, tr};

/// A Discord object named in the file: its id (as text: JSON numbers lose snowflakes) and
/// its name when Discord gave one.
#[derive(Clone, Debug, Serialize)]
pub struct Named {
    pub id: String,
    pub name: Option<String>,
}

/// A moment, in UTC and in the server's timezone.
#[derive(Clone, Debug, Serialize)]
pub struct Moment {
    pub utc: String,
    pub local: String,
}

impl Moment {
    pub fn of(at: DateTime<Utc>, timezone: Tz) -> Moment {
        Moment {
            utc: at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            local: at
                .with_timezone(&timezone)
                .format("%Y-%m-%d %H:%M:%S %:z")
                .to_string(),
        }
    }
}

/// A preserved file, or one that was not kept and why.
#[derive(Clone, Debug, Serialize)]
pub struct BundledFile {
    pub filename: String,
    pub content_type: Option<String>,
    pub size: u64,
    /// `stored`, or why the file was not kept (`too_large`, `type_not_allowed`…).
    pub outcome: FileOutcome,
    pub sha256: Option<String>,
    /// Its path in the archive; `None` when it is not in it.
    pub path: Option<String>,
    #[serde(skip)]
    pub bytes: Option<Vec<u8>>,
}

/// One reported message.
#[derive(Clone, Debug, Serialize)]
pub struct BundledMessage {
    pub message_id: String,
    pub link: String,
    pub author: Named,
    pub channel: Named,
    pub content: Option<String>,
    /// SHA-256 (hex) of the content as UTF-8 (of the empty text when there is none).
    pub content_sha256: String,
    pub created_at: Moment,
    pub edited_at: Option<Moment>,
    pub captured_at: Moment,
    pub files: Vec<BundledFile>,
}

/// Everything the file holds.
#[derive(Clone, Debug, Serialize)]
pub struct Bundle {
    pub server: Named,
    pub case_reference: String,
    pub timezone: String,
    pub generated_at: Moment,
    pub messages: Vec<BundledMessage>,
}

#[derive(Debug, thiserror::Error)]
pub enum BundleError {
    #[error("cannot write the evidence archive: {0}")]
    Zip(#[from] zip::result::ZipError),
    #[error("cannot write the evidence archive: {0}")]
    Io(#[from] std::io::Error),
    #[error("cannot serialize the evidence data: {0}")]
    Json(#[from] serde_json::Error),
}

/// The archive's bytes.
pub fn archive(bundle: &Bundle, texts: &Texts, locale: &str) -> Result<Vec<u8>, BundleError> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let deflated =
        SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    zip.start_file("evidence.html", deflated)?;
    zip.write_all(page(bundle, texts, locale).as_bytes())?;
    zip.start_file("evidence.json", deflated)?;
    zip.write_all(&serde_json::to_vec_pretty(bundle)?)?;
    // Images and videos are compressed already: stored as they are.
    let stored = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for file in bundle.messages.iter().flat_map(|message| &message.files) {
        if let (Some(path), Some(bytes)) = (&file.path, &file.bytes) {
            zip.start_file(path.as_str(), stored)?;
            zip.write_all(bytes)?;
        }
    }
    Ok(zip.finish()?.into_inner())
}

/// A file name safe in an archive: letters, digits, `.`, `-` and `_` kept, the rest `_`.
pub fn safe_name(name: &str) -> String {
    let cleaned: String = name
        .chars()
        .take(80)
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '_'
            }
        })
        .collect();
    let trimmed = cleaned.trim_start_matches('.');
    if trimmed.is_empty() {
        "file".to_owned()
    } else {
        trimmed.to_owned()
    }
}

/// Escapes text for HTML content and attribute values.
pub fn escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&#39;"),
            c => escaped.push(c),
        }
    }
    escaped
}

/// The readable page.
fn page(bundle: &Bundle, texts: &Texts, locale: &str) -> String {
    let text = |id: &str| escape(&texts.text(locale, id));
    let server = bundle.server.name.as_deref().unwrap_or(&bundle.server.id);
    let heading = escape(&tr!(
        texts,
        locale,
        "evidence-file-heading",
        reference = bundle.case_reference.as_str(),
        server = server
    ));
    let mut html = format!(
        "<!DOCTYPE html>\n<html lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\">\n<title>{heading}</title>\n<style>body{{font-family:sans-serif;max-width:50em;margin:auto;padding:1em}}section{{border:1px solid #ccc;padding:.5em 1em;margin:1em 0}}pre{{white-space:pre-wrap}}code{{word-break:break-all}}</style>\n</head>\n<body>\n<h1>{heading}</h1>\n<p>{purpose}</p>\n<p>{how}</p>\n",
        lang = escape(locale),
        purpose = text("evidence-file-purpose"),
        how = text("evidence-file-how"),
    );
    let _ = writeln!(
        html,
        "<p>{}: {} (<code>{}</code>)<br>{}: {}<br>{}: {} / {} ({})</p>",
        text("evidence-file-server"),
        escape(server),
        escape(&bundle.server.id),
        text("evidence-file-reference"),
        escape(&bundle.case_reference),
        text("evidence-file-generated"),
        escape(&bundle.generated_at.utc),
        escape(&bundle.generated_at.local),
        escape(&bundle.timezone),
    );
    for message in &bundle.messages {
        html.push_str(&message_section(message, texts, locale));
    }
    let _ = write!(
        html,
        "<p>{}</p>\n</body>\n</html>\n",
        text("evidence-file-integrity")
    );
    html
}

fn message_section(message: &BundledMessage, texts: &Texts, locale: &str) -> String {
    let text = |id: &str| escape(&texts.text(locale, id));
    let named = |who: &Named| match &who.name {
        Some(name) => format!("{} (<code>{}</code>)", escape(name), escape(&who.id)),
        None => format!("<code>{}</code>", escape(&who.id)),
    };
    let moment = |at: &Moment| format!("{} UTC / {}", escape(&at.utc), escape(&at.local));
    let mut section = format!(
        "<section>\n<p>{}: {}<br>{}: {}<br>{}: {}<br>",
        text("evidence-file-author"),
        named(&message.author),
        text("evidence-file-channel"),
        named(&message.channel),
        text("evidence-file-created"),
        moment(&message.created_at),
    );
    if let Some(edited) = &message.edited_at {
        let _ = write!(
            section,
            "{}: {}<br>",
            text("evidence-file-edited"),
            moment(edited)
        );
    }
    let _ = write!(
        section,
        "{}: <code>{}</code><br>{}: <code>{}</code></p>\n<pre>{}</pre>\n",
        text("evidence-file-message-id"),
        escape(&message.message_id),
        text("evidence-file-sha256"),
        escape(&message.content_sha256),
        escape(message.content.as_deref().unwrap_or_default()),
    );
    if !message.files.is_empty() {
        section.push_str("<ul>\n");
        for file in &message.files {
            section.push_str(&file_line(file, texts, locale));
        }
        section.push_str("</ul>\n");
    }
    section.push_str("</section>\n");
    section
}

fn file_line(file: &BundledFile, texts: &Texts, locale: &str) -> String {
    let status = match (&file.path, file.outcome.skip_text()) {
        (Some(path), _) => format!("<a href=\"{0}\">{0}</a>", escape(path)),
        (None, Some(why)) => escape(&texts.text(locale, why)),
        (None, None) => escape(&texts.text(locale, "evidence-file-not-included")),
    };
    let sha = file
        .sha256
        .as_deref()
        .map(|sha| format!(" — SHA-256 <code>{}</code>", escape(sha)))
        .unwrap_or_default();
    format!(
        "<li>{} ({} B): {status}{sha}</li>\n",
        escape(&file.filename),
        file.size
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_in_user_text_is_escaped() {
        assert_eq!(
            escape("<script>alert('x')</script> & \"q\""),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;"
        );
    }

    #[test]
    fn archive_names_keep_only_safe_characters() {
        assert_eq!(safe_name("../../etc/passwd"), "_.._etc_passwd");
        assert_eq!(safe_name("capture écran.png"), "capture__cran.png");
        assert_eq!(safe_name("..."), "file");
        assert_eq!(safe_name(""), "file");
    }
}
