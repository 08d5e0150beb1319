//! Opening and reading an input file that may not be what its name says (issue #18,
//! "Bounded reads"): a path in a bundle, a policy file or a key file may name a FIFO, a
//! device or a folder. Opening a FIFO for reading waits for a writer forever, and
//! `/dev/zero` reads without end, so such a path is refused before a byte is read: a
//! file is opened without waiting (`O_NONBLOCK`, which a regular file ignores), then
//! its type is checked on the open handle, so nothing can swap it in between. A read of
//! the whole file stops at a cap instead of growing with the file.

use std::fs::{File, Metadata, OpenOptions};
use std::io::{self, Read};
use std::path::Path;

/// The largest settings file read: a policy, a preset, a calendar, a bank-holiday list
/// or a mapping file (16 MiB). A trust's policy with a table per school, or a calendar
/// of a century, is some kilobytes.
pub const MAX_SETTINGS_BYTES: u64 = 16 << 20;

/// Why an input file was refused (wrapped in an [`io::Error`], so every caller's error
/// for an unreadable file carries it with the file's name).
#[derive(Debug, thiserror::Error)]
pub enum Refused {
    #[error("it is {kind}, not a regular file: only a plain file is read")]
    NotRegular { kind: &'static str },
    #[error("it is larger than {limit}: not read")]
    TooLarge { limit: String },
}

impl From<Refused> for io::Error {
    fn from(refused: Refused) -> io::Error {
        io::Error::new(io::ErrorKind::InvalidInput, refused)
    }
}

/// What a file that is not regular is, in words.
pub fn kind_of(metadata: &Metadata) -> &'static str {
    let kind = metadata.file_type();
    if kind.is_dir() {
        return "a folder";
    }
    if kind.is_symlink() {
        return "a symbolic link";
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if kind.is_fifo() {
            return "a FIFO (named pipe)";
        }
        if kind.is_char_device() {
            return "a character device";
        }
        if kind.is_block_device() {
            return "a block device";
        }
        if kind.is_socket() {
            return "a socket";
        }
    }
    "not a regular file"
}

/// Opens `path` (links followed) for reading when it is a regular file; anything else
/// is refused without waiting on it.
pub fn open_regular(path: &Path) -> io::Result<File> {
    let mut options = OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(rustix::fs::OFlags::NONBLOCK.bits() as i32);
    }
    let file = options.open(path)?;
    let metadata = file.metadata()?;
    if !metadata.is_file() {
        return Err(Refused::NotRegular {
            kind: kind_of(&metadata),
        }
        .into());
    }
    Ok(file)
}

/// The bytes of the regular file at `path`, refused when there are more than `limit`.
pub fn read_regular(path: &Path, limit: u64) -> io::Result<Vec<u8>> {
    let file = open_regular(path)?;
    let mut bytes = Vec::new();
    // One byte more than the limit tells a file of exactly `limit` from a larger one,
    // whatever its metadata says (a file may grow while it is read).
    file.take(limit.saturating_add(1)).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Err(Refused::TooLarge {
            limit: size_in_words(limit),
        }
        .into());
    }
    Ok(bytes)
}

/// The text of the regular file at `path`, refused when there are more than `limit`
/// bytes or they are not UTF-8.
pub fn read_regular_text(path: &Path, limit: u64) -> io::Result<String> {
    String::from_utf8(read_regular(path, limit)?).map_err(|_| {
        io::Error::new(
            io::ErrorKind::InvalidData,
            "stream did not contain valid UTF-8",
        )
    })
}

/// `16 MiB`, `64 KiB`, `100 bytes`.
pub fn size_in_words(bytes: u64) -> String {
    if bytes >= 1 << 20 && bytes.is_multiple_of(1 << 20) {
        format!("{} MiB", bytes >> 20)
    } else if bytes >= 1 << 10 && bytes.is_multiple_of(1 << 10) {
        format!("{} KiB", bytes >> 10)
    } else {
        format!("{bytes} bytes")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_folder_is_refused_and_a_file_over_the_limit_too() {
        let dir = tempfile::tempdir().unwrap();
        let error = read_regular(dir.path(), 10).unwrap_err();
        assert!(error.to_string().contains("a folder"), "{error}");
        let file = dir.path().join("f");
        std::fs::write(&file, b"0123456789").unwrap();
        assert_eq!(read_regular(&file, 10).unwrap(), b"0123456789");
        let error = read_regular(&file, 9).unwrap_err();
        assert!(error.to_string().contains("larger than 9 bytes"), "{error}");
    }

    #[cfg(unix)]
    #[test]
    fn a_device_is_refused_without_reading_it() {
        let error = read_regular(Path::new("/dev/zero"), 1 << 20).unwrap_err();
        assert!(error.to_string().contains("a character device"), "{error}");
    }
}
