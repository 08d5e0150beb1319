//! Pseudonymising children's case ids (spec 01, "Identity and re-ingest").
//!
//! `case_ref = "C" + first 12 hex digits of HMAC-SHA256(key, trust_id + ":" + case_id)`.
//! The key comes from `OVERSIGHT_KEY`, else `--key-file`, else a per-user key file that
//! is created on first use (random, mode 0600). The same key always gives the same
//! `case_ref`, so a case lines up across terms; without the key a `case_ref` cannot be
//! turned back into the export's id. The key is never written into the store; its
//! fingerprint (an HMAC of a fixed label, [`PseudonymKey::fingerprint`]) is, so a store
//! refuses a different key. A key shorter than [`MIN_KEY_BYTES`] or of fewer than
//! [`MIN_KEY_DISTINCT_BYTES`] different byte values is refused (spec 01, "Keys"), as is
//! an `OVERSIGHT_KEY` that is set but empty (never a silent fall-back to a key file),
//! and a key file others may read is warned about.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use hmac::{Hmac, Mac};
use sha2::Sha256;

use super::IngestError;
use crate::store::Store;

/// The environment variable that holds the key.
pub const KEY_ENV: &str = "OVERSIGHT_KEY";

/// The shortest key accepted: a short key could be guessed, and every case ref with it.
pub const MIN_KEY_BYTES: usize = 16;

/// The fewest different byte values a key may have: a row of one repeated character
/// (or of spaces) is as guessable as a short key (spec 01, "Keys").
pub const MIN_KEY_DISTINCT_BYTES: usize = 8;

/// The largest key file read: a key is one line, so a larger file is not a key file.
pub const MAX_KEY_FILE_BYTES: u64 = 64 << 10;

/// What a key's fingerprint is the HMAC of. Fixed: changing it would make every store
/// refuse its own key.
const FINGERPRINT_LABEL: &[u8] = b"oversight key fingerprint v1";

/// Where the key came from, for the ingest report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeySource {
    Environment,
    File(PathBuf),
    /// A per-user key file made by this run.
    Created(PathBuf),
    /// A random key that lives only as long as this process (dry runs).
    Ephemeral,
}

impl std::fmt::Display for KeySource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            KeySource::Environment => write!(f, "the {KEY_ENV} environment variable"),
            KeySource::File(path) => write!(f, "{}", path.display()),
            KeySource::Created(path) => write!(
                f,
                "{} (created now: keep it safe, the same key keeps case refs stable)",
                path.display()
            ),
            KeySource::Ephemeral => write!(f, "a one-off key (dry run: case refs are not kept)"),
        }
    }
}

impl KeySource {
    /// Where the key came from, plainly (what a store records to say which key it needs).
    pub fn origin(&self) -> String {
        match self {
            KeySource::Environment => format!("the {KEY_ENV} environment variable"),
            KeySource::File(path) | KeySource::Created(path) => path.display().to_string(),
            KeySource::Ephemeral => "a one-off key".to_string(),
        }
    }
}

/// The secret that case refs are made with.
#[derive(Clone)]
pub struct PseudonymKey {
    bytes: Vec<u8>,
    pub source: KeySource,
    /// What the user should know about the key (a key file others may read).
    pub warnings: Vec<String>,
}

impl std::fmt::Debug for PseudonymKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never print the key itself.
        f.debug_struct("PseudonymKey")
            .field("source", &self.source)
            .finish_non_exhaustive()
    }
}

impl PseudonymKey {
    /// A key from its bytes (tests and callers that manage keys themselves).
    pub fn from_bytes(bytes: impl Into<Vec<u8>>, source: KeySource) -> Self {
        PseudonymKey {
            bytes: bytes.into(),
            source,
            warnings: Vec::new(),
        }
    }

    /// A key given by the user: refused when shorter than [`MIN_KEY_BYTES`] or of fewer
    /// than [`MIN_KEY_DISTINCT_BYTES`] different byte values. The message never shows
    /// the key.
    fn checked(bytes: Vec<u8>, source: KeySource) -> Result<Self, IngestError> {
        if bytes.len() < MIN_KEY_BYTES {
            return Err(IngestError::Key {
                message: format!(
                    "the key from {} is {} bytes long; a key must be at least {MIN_KEY_BYTES} bytes \
                     (a line of 64 random hex digits is best, e.g. from `openssl rand -hex 32`)",
                    source.origin(),
                    bytes.len()
                ),
            });
        }
        let distinct = bytes
            .iter()
            .collect::<std::collections::BTreeSet<_>>()
            .len();
        if distinct < MIN_KEY_DISTINCT_BYTES {
            return Err(IngestError::Key {
                message: format!(
                    "the key from {} has only {distinct} different byte {}; a key must have at \
                     least {MIN_KEY_DISTINCT_BYTES} (a row of one repeated character or of spaces is \
                     refused: a line of 64 random hex digits is best, e.g. from `openssl rand -hex 32`)",
                    source.origin(),
                    if distinct == 1 { "value" } else { "values" }
                ),
            });
        }
        Ok(Self::from_bytes(bytes, source))
    }

    /// The key in `OVERSIGHT_KEY`, or `None` when it is not set. Set but empty, or not
    /// UTF-8, is an error: never a silent fall-back to a key file.
    fn from_environment() -> Result<Option<Self>, IngestError> {
        let Some(value) = std::env::var_os(KEY_ENV) else {
            return Ok(None);
        };
        if value.is_empty() {
            return Err(IngestError::Key {
                message: format!(
                    "{KEY_ENV} is set but empty: set it to the key, or unset it to use \
                     --key-file or the per-user key file"
                ),
            });
        }
        let value = value.into_string().map_err(|_| IngestError::Key {
            message: format!("{KEY_ENV} is not UTF-8 text: a key must be text"),
        })?;
        Self::checked(value.into_bytes(), KeySource::Environment).map(Some)
    }

    /// The key's fingerprint: hex HMAC-SHA256 of a fixed label under the key. A store
    /// keeps it to recognise its key; it cannot be turned back into the key.
    pub fn fingerprint(&self) -> String {
        let mut mac =
            Hmac::<Sha256>::new_from_slice(&self.bytes).expect("HMAC takes a key of any length");
        mac.update(FINGERPRINT_LABEL);
        hex::encode(mac.finalize().into_bytes())
    }

    /// Prints what the user should know about the key (a key file others may read) on
    /// stderr.
    pub fn warn(&self) {
        for warning in &self.warnings {
            eprintln!("oversight: warning: {warning}");
        }
    }

    /// The key a report on `store` reads with ([`PseudonymKey::resolve_existing`]),
    /// refused unless it is the key the store's case refs were made with (issue #11): a
    /// report read with one key and ingested into with another would mix cases. `None`
    /// for a store with nothing committed yet, which any key may read.
    pub fn for_store(store: &Store, key_file: Option<&Path>) -> Result<Option<Self>, IngestError> {
        let Some(expected) = store.key_record() else {
            return Ok(None);
        };
        let Some(key) = Self::resolve_existing(key_file)? else {
            return Err(IngestError::NoKeyForStore {
                store: store.root().to_owned(),
                expected,
            });
        };
        key.warn();
        store.check_key(&key.fingerprint(), &key.source.origin())?;
        Ok(Some(key))
    }

    /// The key configured for reading a store (`report`): `OVERSIGHT_KEY`, `key_file`,
    /// or the per-user key file if there is one; `None` when there is none (no key is
    /// ever created for a report).
    pub fn resolve_existing(key_file: Option<&Path>) -> Result<Option<Self>, IngestError> {
        if std::env::var_os(KEY_ENV).is_some() || key_file.is_some() {
            return Self::resolve(key_file).map(Some);
        }
        match user_key_path() {
            Ok(path) if path.exists() => {
                Self::read_file(&path, KeySource::File(path.clone())).map(Some)
            }
            _ => Ok(None),
        }
    }

    /// Resolves the key in the documented order: `OVERSIGHT_KEY`, then `key_file`, then
    /// the per-user key file (created when missing).
    pub fn resolve(key_file: Option<&Path>) -> Result<Self, IngestError> {
        if let Some(key) = Self::from_environment()? {
            return Ok(key);
        }
        if let Some(path) = key_file {
            return Self::read_file(path, KeySource::File(path.to_owned()));
        }
        let path = user_key_path()?;
        if path.exists() {
            return Self::read_file(&path, KeySource::File(path.clone()));
        }
        create_key_file(&path)?;
        Self::read_file(&path, KeySource::Created(path.clone()))
    }

    /// The key in force when one is configured, else a random key for this process only
    /// (for `validate`, which writes nothing and so needs no stable refs).
    pub fn resolve_or_ephemeral(key_file: Option<&Path>) -> Result<Self, IngestError> {
        if std::env::var_os(KEY_ENV).is_some() || key_file.is_some() {
            return Self::resolve(key_file);
        }
        match user_key_path() {
            Ok(path) if path.exists() => Self::read_file(&path, KeySource::File(path.clone())),
            _ => Ok(Self::from_bytes(
                random_key_text()?.into_bytes(),
                KeySource::Ephemeral,
            )),
        }
    }

    fn read_file(path: &Path, source: KeySource) -> Result<Self, IngestError> {
        // A FIFO or a device is refused without waiting on it, and a file larger than a
        // key could be is not read whole.
        let text = crate::input_file::read_regular_text(path, MAX_KEY_FILE_BYTES).map_err(|e| {
            IngestError::Key {
                message: format!("cannot read key file {}: {e}", path.display()),
            }
        })?;
        let text = text.trim();
        if text.is_empty() {
            return Err(IngestError::Key {
                message: format!("key file {} is empty", path.display()),
            });
        }
        let mut key = Self::checked(text.as_bytes().to_vec(), source)?;
        if crate::private_fs::readable_by_others(path) {
            key.warnings.push(format!(
                "the key file {} can be read by other users: make it private (chmod 600 {})",
                path.display(),
                path.display()
            ));
        }
        Ok(key)
    }

    /// The case ref of `case_id` in `trust_id`.
    pub fn case_ref(&self, trust_id: &str, case_id: &str) -> String {
        case_ref_with(self.keyed(), trust_id, case_id)
    }

    /// The HMAC with this key set up, to be cloned for each message.
    fn keyed(&self) -> Hmac<Sha256> {
        Hmac::<Sha256>::new_from_slice(&self.bytes).expect("HMAC takes a key of any length")
    }
}

/// The case ref of `case_id` in `trust_id` by `mac`, the HMAC keyed with the key.
fn case_ref_with(mut mac: Hmac<Sha256>, trust_id: &str, case_id: &str) -> String {
    mac.update(trust_id.as_bytes());
    mac.update(b":");
    mac.update(case_id.as_bytes());
    let digest = mac.finalize().into_bytes();
    let mut case_ref = String::with_capacity(13);
    case_ref.push('C');
    case_ref.push_str(&hex::encode(&digest[..6]));
    case_ref
}

/// Pseudonymises each distinct `(trust, case id)` once, however often it appears.
pub struct Pseudonymiser {
    /// The HMAC keyed once (keying hashes the key's two pads: as much again as a case
    /// id's own hashing).
    keyed: Hmac<Sha256>,
    /// Case refs by trust, then case id: looked up without making a key.
    known: HashMap<String, HashMap<String, String>>,
}

impl Pseudonymiser {
    pub fn new(key: &PseudonymKey) -> Self {
        Pseudonymiser {
            keyed: key.keyed(),
            known: HashMap::new(),
        }
    }

    pub fn case_ref(&mut self, trust_id: &str, case_id: &str) -> String {
        if let Some(known) = self
            .known
            .get(trust_id)
            .and_then(|cases| cases.get(case_id))
        {
            return known.clone();
        }
        let case_ref = case_ref_with(self.keyed.clone(), trust_id, case_id);
        self.known
            .entry(trust_id.to_string())
            .or_default()
            .insert(case_id.to_string(), case_ref.clone());
        case_ref
    }
}

/// The per-user key file: `<config dir>/oversight/key`.
pub fn user_key_path() -> Result<PathBuf, IngestError> {
    dirs::config_dir()
        .map(|dir| dir.join("oversight").join("key"))
        .ok_or_else(|| IngestError::Key {
            message: format!(
                "no user config folder to keep a key in: set {KEY_ENV} or pass --key-file"
            ),
        })
}

fn random_key_text() -> Result<String, IngestError> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| IngestError::Key {
        message: format!("no randomness for a new key: {e}"),
    })?;
    Ok(hex::encode(bytes))
}

fn create_key_file(path: &Path) -> Result<(), IngestError> {
    use std::io::Write;
    let fail = |e: std::io::Error| IngestError::Key {
        message: format!("cannot create key file {}: {e}", path.display()),
    };
    if let Some(dir) = path.parent() {
        crate::private_fs::create_dir_all(dir).map_err(fail)?;
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path).map_err(fail)?;
    writeln!(file, "{}", random_key_text()?).map_err(fail)?;
    file.sync_all().map_err(fail)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn case_ref_is_c_and_twelve_hex_digits_of_the_hmac() {
        // Spec 01: "C" + first 12 hex digits of HMAC-SHA256(key, trust_id + ":" + case_id).
        // Reference value computed independently with Python's hmac module:
        // hmac.new(b"secret", b"TR001:K-1001", hashlib.sha256).hexdigest()[:12]
        let key = PseudonymKey::from_bytes(b"secret".to_vec(), KeySource::Ephemeral);
        assert_eq!(key.case_ref("TR001", "K-1001"), "C6b83d4eb0e0d");
    }

    #[test]
    fn case_ref_depends_on_trust_and_key() {
        let key = PseudonymKey::from_bytes(b"one".to_vec(), KeySource::Ephemeral);
        let other = PseudonymKey::from_bytes(b"two".to_vec(), KeySource::Ephemeral);
        assert_ne!(key.case_ref("TR001", "K1"), key.case_ref("TR002", "K1"));
        assert_ne!(key.case_ref("TR001", "K1"), other.case_ref("TR001", "K1"));
        assert_eq!(key.case_ref("TR001", "K1"), key.case_ref("TR001", "K1"));
    }

    #[test]
    fn the_fingerprint_is_the_hmac_of_the_label_and_not_the_key() {
        // Reference value computed independently with Python's hmac module:
        // hmac.new(b"secret", b"oversight key fingerprint v1", hashlib.sha256).hexdigest()
        let key = PseudonymKey::from_bytes(b"secret".to_vec(), KeySource::Ephemeral);
        assert_eq!(
            key.fingerprint(),
            "28ff8516f77786bfd12455f774d3c107229fd49424a3260065a9d3e883cba117"
        );
        let other = PseudonymKey::from_bytes(b"secret2".to_vec(), KeySource::Ephemeral);
        assert_ne!(key.fingerprint(), other.fingerprint());
    }

    #[test]
    fn short_keys_are_refused() {
        let short = PseudonymKey::checked(b"a".to_vec(), KeySource::Environment);
        let message = short.unwrap_err().to_string();
        assert!(message.contains("at least 16 bytes"), "{message}");
        assert!(
            PseudonymKey::checked(b"0123456701234567".to_vec(), KeySource::Environment).is_ok()
        );
    }

    #[test]
    fn keys_of_few_different_bytes_are_refused_without_showing_them() {
        // Spec 01, "Keys": "A key must have at least 16 bytes and at least 8 distinct
        // byte values (a row of one repeated character or spaces is refused)."
        for weak in [
            vec![b'k'; 32],
            vec![b' '; 16],
            b"01234560123456012".to_vec(),
        ] {
            let message = PseudonymKey::checked(weak.clone(), KeySource::Environment)
                .unwrap_err()
                .to_string();
            assert!(message.contains("at least 8"), "{message}");
            assert!(
                !message.contains(&String::from_utf8(weak).unwrap()),
                "{message}"
            );
        }
    }

    #[test]
    fn debug_never_shows_the_key() {
        let key = PseudonymKey::from_bytes(b"hunter2".to_vec(), KeySource::Ephemeral);
        assert!(!format!("{key:?}").contains("hunter2"));
    }
}
