//! Errors of files (and of the other things a command opens) in the user's words, the
//! same for every command.
//!
//! The standard library's messages end with the error number (`No such file or directory
//! (os error 2)`), which means nothing to someone who mistyped a path. Every command that
//! reads or writes a file says what went wrong the same way, as Unix tools do:
//! `PATH: no such file or directory` when a file cannot be read, `cannot write PATH:
//! permission denied` when one cannot be written, `cannot create DIR: ...` for a folder.
//!
//! # Examples
//! ```
//! use std::io::{Error, ErrorKind};
//! use std::path::Path;
//!
//! let missing = Error::from(ErrorKind::NotFound);
//! assert_eq!(
//!     ucma_ha::files::cannot_read(Path::new("run.json"), &missing),
//!     "run.json: no such file or directory"
//! );
//! let below_a_file = Error::from(ErrorKind::NotADirectory);
//! assert_eq!(
//!     ucma_ha::files::cannot_write(Path::new("out/a.json"), &below_a_file),
//!     "cannot write out/a.json: a part of the path is a file, not a directory"
//! );
//! ```

use std::io::{Error, ErrorKind};
use std::path::Path;

/// What went wrong, in words: the common cases named plainly, any other the system's
/// message without its error number, starting in lower case.
pub fn reason(error: &Error) -> String {
    let plain = match error.kind() {
        ErrorKind::NotFound => "no such file or directory",
        ErrorKind::PermissionDenied => "permission denied",
        ErrorKind::IsADirectory => "it is a directory, not a file",
        ErrorKind::NotADirectory => "a part of the path is a file, not a directory",
        ErrorKind::AlreadyExists => "it already exists",
        ErrorKind::StorageFull => "the disk is full",
        ErrorKind::ReadOnlyFilesystem => "the file system is read-only",
        ErrorKind::InvalidFilename => "the name is not a valid file name",
        ErrorKind::BrokenPipe => "the reader has gone away",
        ErrorKind::AddrInUse => "the address is in use",
        ErrorKind::AddrNotAvailable => "the address is not one of this machine's",
        _ => "",
    };
    if !plain.is_empty() {
        return plain.to_owned();
    }
    let text = error.to_string();
    let text = text
        .find(" (os error")
        .map_or(text.as_str(), |at| &text[..at]);
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => "unknown error".to_owned(),
    }
}

/// `PATH: REASON`: a file that cannot be read.
pub fn cannot_read(path: &Path, error: &Error) -> String {
    format!("{}: {}", path.display(), reason(error))
}

/// `cannot write PATH: REASON`: a file that cannot be written.
pub fn cannot_write(path: &Path, error: &Error) -> String {
    format!("cannot write {}: {}", path.display(), reason(error))
}

/// `cannot create DIR: REASON`: a directory that cannot be created.
pub(crate) fn cannot_create(dir: &Path, error: &Error) -> String {
    format!("cannot create {}: {}", dir.display(), reason(error))
}

/// Creates `dir` (and its parents) for output; refuses a path that exists and is not a
/// directory, naming it after the option that gave it (`--out`, `--counterexamples`;
/// empty for none).
///
/// # Errors
/// A message naming the path: it exists and is not a directory, or it cannot be created.
pub fn create_dir(option: &str, dir: &Path) -> Result<(), String> {
    if dir.exists() && !dir.is_dir() {
        let option = if option.is_empty() {
            String::new()
        } else {
            format!("{option} ")
        };
        return Err(format!(
            "{option}{}: exists and is not a directory",
            dir.display()
        ));
    }
    std::fs::create_dir_all(dir).map_err(|error| cannot_create(dir, &error))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_errors_are_named_plainly_and_others_lose_their_number() {
        assert_eq!(
            reason(&Error::from(ErrorKind::PermissionDenied)),
            "permission denied"
        );
        assert_eq!(
            reason(&Error::from_raw_os_error(2)),
            "no such file or directory"
        );
        // ENXIO has no plain wording here: the system's, without "(os error 6)".
        let other = reason(&Error::from_raw_os_error(6));
        assert!(!other.contains("os error"), "{other}");
        assert!(other.starts_with(char::is_lowercase), "{other}");
        assert_eq!(reason(&Error::other("Custom")), "custom");
    }

    #[test]
    fn a_file_in_the_way_of_a_directory_is_named() {
        let dir = std::env::temp_dir().join(format!("ucma-ha-files-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("a temp dir");
        let file = dir.join("a-file");
        std::fs::write(&file, "x").expect("writes");
        assert_eq!(
            create_dir("--out", &file),
            Err(format!(
                "--out {}: exists and is not a directory",
                file.display()
            ))
        );
        let below = file.join("below");
        assert_eq!(
            create_dir("--out", &below),
            Err(format!(
                "cannot create {}: a part of the path is a file, not a directory",
                below.display()
            ))
        );
        assert_eq!(create_dir("--out", &dir.join("new")), Ok(()));
        let _ = std::fs::remove_dir_all(&dir);
    }
}
