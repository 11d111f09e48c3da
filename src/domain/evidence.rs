//! Preserved evidence: which attachments of a reported message are fetched and kept, from
//! where, and within which bounds; how many files a Discord message may carry.

use super::code::coded;

coded!(
    /// What became of one attachment of a snapshot. `Pending` until the
    /// `preserve_evidence` delivery fetched it; every other outcome is final.
    FileOutcome, "evidence file outcome" {
        Pending => "pending",
        Stored => "stored",
        TooLarge => "too_large",
        ReportFull => "report_full",
        TypeNotAllowed => "type_not_allowed",
        HostNotAllowed => "host_not_allowed",
        Unavailable => "unavailable",
        Failed => "failed",
    }
);

impl FileOutcome {
    /// The Fluent id saying why a file was not kept (`None` for stored or pending files).
    pub fn skip_text(self) -> Option<&'static str> {
        match self {
            FileOutcome::Pending | FileOutcome::Stored => None,
            FileOutcome::TooLarge => Some("evidence-skip-too-large"),
            FileOutcome::ReportFull => Some("evidence-skip-report-full"),
            FileOutcome::TypeNotAllowed => Some("evidence-skip-type"),
            FileOutcome::HostNotAllowed => Some("evidence-skip-host"),
            FileOutcome::Unavailable => Some("evidence-skip-unavailable"),
            FileOutcome::Failed => Some("evidence-skip-failed"),
        }
    }
}

/// The hosts Discord serves attachments from: nothing else is ever fetched (besides the
/// configured API base's host, for a proxy or the tests' fake).
pub const ATTACHMENT_HOSTS: [&str; 2] = ["cdn.discordapp.com", "media.discordapp.net"];

/// A preservation gives up after this many attempts; the files still pending are marked
/// failed on the case.
pub const MAX_ATTEMPTS: u32 = 8;

/// Discord's bounds on one message's uploads: files per message, and bytes per message for
/// a bot in a server without boosts.
pub const FILES_PER_MESSAGE: usize = 10;
pub const BYTES_PER_MESSAGE: u64 = 8 * 1024 * 1024;

/// A content type pattern from `bot.toml`: `type/subtype` or `type/*`, lowercase.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TypePattern(String);

impl TypePattern {
    pub fn parse(text: &str) -> Option<TypePattern> {
        let text = text.trim().to_ascii_lowercase();
        let (kind, subtype) = text.split_once('/')?;
        let token = |part: &str| {
            !part.is_empty()
                && part
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"!#$&-^_.+".contains(&b))
        };
        (token(kind) && (subtype == "*" || token(subtype))).then_some(TypePattern(text))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether a declared content type (parameters such as `; charset=` ignored) matches.
    pub fn matches(&self, content_type: &str) -> bool {
        let essence = content_type
            .split(';')
            .next()
            .unwrap_or_default()
            .trim()
            .to_ascii_lowercase();
        match self.0.strip_suffix("/*") {
            Some(kind) => essence
                .split_once('/')
                .is_some_and(|(other, _)| other == kind),
            None => essence == self.0,
        }
    }
}

/// The bounds of what is preserved.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Bounds {
    pub max_file_bytes: u64,
    pub max_report_bytes: u64,
    pub allowed_types: Vec<TypePattern>,
}

/// An attachment as Discord described it.
pub struct Declared<'a> {
    pub host: Option<&'a str>,
    pub content_type: Option<&'a str>,
    pub size: u64,
}

impl Bounds {
    /// Whether to fetch a file, given what the report already keeps; `Ok` carries the most
    /// bytes the download may bring (the body is cut off past it).
    pub fn admit(
        &self,
        file: &Declared<'_>,
        extra_host: Option<&str>,
        kept: u64,
    ) -> Result<u64, FileOutcome> {
        let host_allowed = file
            .host
            .is_some_and(|host| ATTACHMENT_HOSTS.contains(&host) || Some(host) == extra_host);
        if !host_allowed {
            return Err(FileOutcome::HostNotAllowed);
        }
        let type_allowed = file
            .content_type
            .is_some_and(|declared| self.allowed_types.iter().any(|p| p.matches(declared)));
        if !type_allowed {
            return Err(FileOutcome::TypeNotAllowed);
        }
        if file.size > self.max_file_bytes {
            return Err(FileOutcome::TooLarge);
        }
        let room = self.max_report_bytes.saturating_sub(kept);
        if file.size > room {
            return Err(FileOutcome::ReportFull);
        }
        Ok(self.max_file_bytes.min(room))
    }
}

/// Splits files (their sizes, in order) into Discord messages: at most
/// [`FILES_PER_MESSAGE`] and [`BYTES_PER_MESSAGE`] each. A file over the per-message bound
/// alone is left out (its index is in the second list).
pub fn pages(sizes: &[u64]) -> (Vec<Vec<usize>>, Vec<usize>) {
    let mut pages: Vec<Vec<usize>> = Vec::new();
    let mut left_out = Vec::new();
    let mut bytes = 0;
    for (index, &size) in sizes.iter().enumerate() {
        if size > BYTES_PER_MESSAGE {
            left_out.push(index);
            continue;
        }
        let fits = pages.last().is_some_and(|page| {
            page.len() < FILES_PER_MESSAGE && bytes + size <= BYTES_PER_MESSAGE
        });
        if !fits {
            pages.push(Vec::new());
            bytes = 0;
        }
        bytes += size;
        if let Some(page) = pages.last_mut() {
            page.push(index);
        }
    }
    (pages, left_out)
}

/// A size from `bot.toml`: a whole number of bytes followed by `B`, `KiB`, `MiB` or `GiB`.
pub fn parse_size(text: &str) -> Option<u64> {
    let text = text.trim();
    let digits = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(digits);
    let unit_bytes: u64 = match unit.trim() {
        "B" => 1,
        "KiB" => 1024,
        "MiB" => 1024 * 1024,
        "GiB" => 1024 * 1024 * 1024,
        _ => return None,
    };
    number.parse::<u64>().ok()?.checked_mul(unit_bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bounds() -> Bounds {
        Bounds {
            max_file_bytes: 100,
            max_report_bytes: 150,
            allowed_types: ["image/*", "application/pdf"]
                .iter()
                .map(|p| TypePattern::parse(p).unwrap())
                .collect(),
        }
    }

    fn file<'a>(host: &'a str, content_type: &'a str, size: u64) -> Declared<'a> {
        Declared {
            host: Some(host),
            content_type: Some(content_type),
            size,
        }
    }

    #[test]
    fn patterns_parse_and_match_by_essence() {
        let image = TypePattern::parse(" Image/* ").unwrap();
        assert!(image.matches("image/png"));
        assert!(image.matches("IMAGE/JPEG; charset=x"));
        assert!(!image.matches("video/mp4"));
        assert!(!image.matches("imagefoo"));
        let pdf = TypePattern::parse("application/pdf").unwrap();
        assert!(pdf.matches("application/pdf"));
        assert!(!pdf.matches("application/pdfx"));
        for bad in [
            "",
            "image",
            "*/*",
            "image/",
            "/png",
            "ima ge/png",
            "image/p*",
        ] {
            assert_eq!(TypePattern::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn files_are_admitted_within_every_bound() {
        let b = bounds();
        let cdn = "cdn.discordapp.com";
        assert_eq!(b.admit(&file(cdn, "image/png", 80), None, 0), Ok(100));
        assert_eq!(b.admit(&file(cdn, "image/png", 40), None, 80), Ok(70));
        assert_eq!(
            b.admit(&file(cdn, "image/png", 101), None, 0),
            Err(FileOutcome::TooLarge)
        );
        assert_eq!(
            b.admit(&file(cdn, "image/png", 80), None, 80),
            Err(FileOutcome::ReportFull)
        );
        assert_eq!(
            b.admit(&file(cdn, "application/zip", 1), None, 0),
            Err(FileOutcome::TypeNotAllowed)
        );
        let no_type = Declared {
            content_type: None,
            ..file(cdn, "", 1)
        };
        assert_eq!(b.admit(&no_type, None, 0), Err(FileOutcome::TypeNotAllowed));
        assert_eq!(
            b.admit(&file("evil.example", "image/png", 1), None, 0),
            Err(FileOutcome::HostNotAllowed)
        );
        assert_eq!(
            b.admit(&file("127.0.0.1", "image/png", 1), Some("127.0.0.1"), 0),
            Ok(100)
        );
    }

    #[test]
    fn sizes_parse_with_their_unit() {
        assert_eq!(parse_size("25MiB"), Some(25 * 1024 * 1024));
        assert_eq!(parse_size(" 500 KiB "), Some(500 * 1024));
        assert_eq!(parse_size("4096B"), Some(4096));
        for bad in [
            "",
            "25",
            "MiB",
            "25MB",
            "-1B",
            "1.5MiB",
            "99999999999999GiB",
        ] {
            assert_eq!(parse_size(bad), None, "{bad}");
        }
    }

    #[test]
    fn pages_hold_ten_files_and_eight_mebibytes_at_most() {
        let mib = 1024 * 1024;
        let (split, left) = pages(&[1; 12]);
        assert_eq!(split.iter().map(Vec::len).collect::<Vec<_>>(), [10, 2]);
        assert!(left.is_empty());
        let (split, left) = pages(&[5 * mib, 5 * mib, 9 * mib, 3 * mib]);
        assert_eq!(split, [vec![0], vec![1, 3]]);
        assert_eq!(left, [2]);
    }
}
