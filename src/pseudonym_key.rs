//! The secret key of the reported members' pseudonyms, kept apart from the database
//! (SPEC §7): from the `SAFE_BUTTON_PSEUDONYM_KEY` environment variable, else from the key
//! file named in `bot.toml`, created with mode 0600 on first run. A key file that group or
//! others may read is refused: the key is what keeps pseudonyms from being reversed.
//!
//! A lost key file is simply created again: pseudonyms change and repeat counts restart,
//! nothing else breaks.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::domain::pseudonym::{KeyTooShort, Pseudonymizer};

/// Holds the key itself (at least 32 bytes of text); wins over the key file.
pub const KEY_VARIABLE: &str = "SAFE_BUTTON_PSEUDONYM_KEY";

/// Random bytes drawn for a new key file, written as hex.
const NEW_KEY_BYTES: usize = 32;

#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("{KEY_VARIABLE}: {0}")]
    Variable(KeyTooShort),
    #[error("pseudonym key file {path}: {source}")]
    File {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("pseudonym key file {path}: {problem}")]
    Invalid { path: PathBuf, problem: KeyTooShort },
    #[error(
        "pseudonym key file {path} has mode {mode:o}: group and others must have no access \
         (run `chmod 600` on it)"
    )]
    TooOpen { path: PathBuf, mode: u32 },
}

/// The pseudonymizer of this process: `variable` is the environment variable's value, if set.
pub fn load_or_create(variable: Option<String>, file: &Path) -> Result<Pseudonymizer, KeyError> {
    if let Some(key) = variable.filter(|key| !key.trim().is_empty()) {
        return Pseudonymizer::new(key.trim().as_bytes()).map_err(KeyError::Variable);
    }
    let file_error = |source| KeyError::File {
        path: file.to_owned(),
        source,
    };
    let key = match read_private(file) {
        Ok(key) => key?,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            create_key_file(file).map_err(file_error)?
        }
        Err(error) => return Err(file_error(error)),
    };
    Pseudonymizer::new(key.trim().as_bytes()).map_err(|problem| KeyError::Invalid {
        path: file.to_owned(),
        problem,
    })
}

/// The key file's content, or `Err(TooOpen)` inside when group or others can access it.
fn read_private(file: &Path) -> std::io::Result<Result<String, KeyError>> {
    let opened = std::fs::File::open(file)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = opened.metadata()?.permissions().mode();
        if mode & 0o077 != 0 {
            return Ok(Err(KeyError::TooOpen {
                path: file.to_owned(),
                mode: mode & 0o777,
            }));
        }
    }
    Ok(Ok(std::io::read_to_string(opened)?))
}

/// The pseudonymizer named by the process environment and `file`.
pub fn from_environment(file: &Path) -> Result<Pseudonymizer, KeyError> {
    load_or_create(std::env::var(KEY_VARIABLE).ok(), file)
}

/// Writes a fresh random key, readable by the bot's user only. The key is written to a
/// private temporary file in the same folder, then hard-linked to its name: a concurrent
/// reader sees no file or the whole key, never an empty one, and a key another process
/// linked in the meantime is kept (and read) rather than overwritten.
fn create_key_file(file: &Path) -> std::io::Result<String> {
    let folder = file
        .parent()
        .filter(|folder| !folder.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(folder)?;
    let mut bytes = [0u8; NEW_KEY_BYTES];
    rand::fill(&mut bytes);
    let key = hex::encode(bytes);
    let mut suffix = [0u8; 8];
    rand::fill(&mut suffix);
    let temporary = folder.join(format!(".pseudonym-key-{}.tmp", hex::encode(suffix)));
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let written = options.open(&temporary).and_then(|mut created| {
        created.write_all(key.as_bytes())?;
        created.write_all(b"\n")?;
        created.sync_all()
    });
    let linked = written.and_then(|()| std::fs::hard_link(&temporary, file));
    // The temporary name goes in every case; the key stays under its real name if linked.
    let removed = std::fs::remove_file(&temporary);
    match linked {
        Ok(()) => {
            removed?;
            tracing::info!(path = %file.display(), "pseudonym key file created");
            Ok(key)
        }
        Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => {
            std::fs::read_to_string(file)
        }
        Err(error) => Err(error),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_key_file_is_created_private_and_reused() {
        let folder = tempfile::TempDir::new().unwrap();
        let file = folder.path().join("data/pseudonym.key");
        let first = load_or_create(None, &file).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&file).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        let again = load_or_create(None, &file).unwrap();
        assert_eq!(first.pseudonym(1, 2), again.pseudonym(1, 2));
    }

    #[test]
    fn a_lost_key_is_replaced_and_pseudonyms_restart() {
        let folder = tempfile::TempDir::new().unwrap();
        let file = folder.path().join("pseudonym.key");
        let before = load_or_create(None, &file).unwrap().pseudonym(1, 2);
        std::fs::remove_file(&file).unwrap();
        let after = load_or_create(None, &file).unwrap().pseudonym(1, 2);
        assert_ne!(before, after);
    }

    #[test]
    fn the_variable_wins_and_short_keys_are_refused() {
        let folder = tempfile::TempDir::new().unwrap();
        let file = folder.path().join("pseudonym.key");
        let key = "k".repeat(40);
        let from_variable = load_or_create(Some(key.clone()), &file).unwrap();
        assert!(!file.exists(), "no file when the variable is set");
        assert_eq!(
            from_variable.pseudonym(1, 2),
            Pseudonymizer::new(key.as_bytes()).unwrap().pseudonym(1, 2)
        );
        assert!(matches!(
            load_or_create(Some("short".to_owned()), &file),
            Err(KeyError::Variable(_))
        ));
        std::fs::write(&file, "tiny\n").unwrap();
        set_mode(&file, 0o600);
        assert!(matches!(
            load_or_create(None, &file),
            Err(KeyError::Invalid { .. })
        ));
    }

    #[cfg(unix)]
    fn set_mode(file: &Path, mode: u32) {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(file, std::fs::Permissions::from_mode(mode)).unwrap();
    }

    #[cfg(not(unix))]
    fn set_mode(_: &Path, _: u32) {}

    #[cfg(unix)]
    #[test]
    fn a_key_file_readable_by_others_is_refused() {
        let folder = tempfile::TempDir::new().unwrap();
        let file = folder.path().join("pseudonym.key");
        load_or_create(None, &file).unwrap();
        for mode in [0o640, 0o604, 0o660, 0o700 | 0o010] {
            set_mode(&file, mode);
            let error = load_or_create(None, &file).unwrap_err();
            assert!(
                matches!(error, KeyError::TooOpen { mode: refused, .. } if refused == mode),
                "{mode:o}: {error}"
            );
            assert!(error.to_string().contains("chmod 600"));
        }
        set_mode(&file, 0o400);
        load_or_create(None, &file).unwrap();
    }

    #[test]
    fn concurrent_first_runs_agree_on_one_complete_key() {
        let folder = tempfile::TempDir::new().unwrap();
        let file = folder.path().join("pseudonym.key");
        let keys: Vec<String> = std::thread::scope(|scope| {
            let handles: Vec<_> = (0..8)
                .map(|_| {
                    scope.spawn(|| {
                        load_or_create(None, &file)
                            .map(|pseudonymizer| pseudonymizer.pseudonym(1, 2))
                    })
                })
                .collect();
            handles
                .into_iter()
                .map(|handle| {
                    handle
                        .join()
                        .unwrap()
                        .expect("never an empty or partial key")
                })
                .collect()
        });
        assert!(
            keys.windows(2).all(|pair| pair[0] == pair[1]),
            "one key for all"
        );
        let leftovers = std::fs::read_dir(folder.path()).unwrap().count();
        assert_eq!(leftovers, 1, "no temporary file left");
    }
}
