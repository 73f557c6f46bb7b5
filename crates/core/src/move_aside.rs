//! Keeping a damaged file instead of overwriting it: the request log and the app's store
//! both rename it to `<name>.corrupt-<UTC time>` next to where it was.

use std::fs;
use std::path::{Path, PathBuf};

/// Renames `path` to `<name>.corrupt-<YYYYMMDDTHHMMSSZ>` (`-1`, `-2`… when taken) in the
/// same directory, `now_secs` being the Unix time to stamp it with; returns the new path.
pub fn move_aside(path: &Path, now_secs: i64) -> std::io::Result<PathBuf> {
    let stamp = time::OffsetDateTime::from_unix_timestamp(now_secs)
        .ok()
        .and_then(|t| t.format(time::macros::format_description!("[year][month][day]T[hour][minute][second]Z")).ok())
        .unwrap_or_else(|| now_secs.to_string());
    let name = path
        .file_name()
        .ok_or_else(|| std::io::Error::new(std::io::ErrorKind::InvalidInput, format!("{} names no file", path.display())))?
        .to_string_lossy()
        .into_owned();
    let mut target = path.with_file_name(format!("{name}.corrupt-{stamp}"));
    let mut n = 1;
    while target.exists() {
        target = path.with_file_name(format!("{name}.corrupt-{stamp}-{n}"));
        n += 1;
    }
    fs::rename(path, &target)?;
    Ok(target)
}
