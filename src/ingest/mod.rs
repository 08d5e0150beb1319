//! Ingest: read export bundles, validate every row, pseudonymise children's case ids,
//! and hand the store rows it can keep (spec 01).
//!
//! Nothing is lost: every data line of every file ends either in the rows for the store
//! or in the quarantine with its file, line, column and a reason a person can act on,
//! and `rows read = rows stored + rows quarantined` per file is checked before anything
//! is committed. Nothing is leaked: case ids become case refs here, and columns outside
//! the contract (free text, names) are never read past the header.
//!
//! A bundle is either canonical (the eight files of spec 01) or an export in a vendor's
//! layout read through a mapping file ([`mapping`]); both end in the same typed rows and
//! the same checks.

pub mod check;
pub mod confine;
pub mod decode;
pub mod known;
pub mod mapping;
pub mod pseudonym;
pub mod read;
pub mod repeats;
mod report;
pub mod values;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use rayon::prelude::*;

pub use known::{NothingStored, Stored};
pub use mapping::{MAPPING_FILE, Mapping, MappingError};
pub use pseudonym::{KeySource, PseudonymKey};
pub use report::IngestReport;

pub use crate::contract::Quarantined;
use crate::contract::Table;
use crate::contract::{Cell, schools};
use crate::store::{
    Batch, BundleExport, HeldSchool, Incoming, IngestMode, InputFile, KeyRecord, Store, StoreError,
    StoredRows, WriteSummary,
};

/// Why an ingest could not run at all (as opposed to rows it quarantined).
#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    #[error("{}: {source}", path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{}: line {line}: {message}", path.display())]
    Csv {
        path: PathBuf,
        line: u64,
        message: String,
    },
    #[error("{}: line 1: {message}", path.display())]
    Header { path: PathBuf, message: String },
    #[error("{}: not an export bundle: {message}", path.display())]
    NotABundle { path: PathBuf, message: String },
    #[error("pseudonymisation key: {message}")]
    Key { message: String },
    /// A report on a store made with a key, and no key configured.
    #[error(
        "no pseudonymisation key: the store at {} was made with the key from {} \
         (fingerprint {}); set {} to it or pass --key-file with the file that holds it",
        store.display(),
        expected.key_from,
        expected.short(),
        pseudonym::KEY_ENV
    )]
    NoKeyForStore { store: PathBuf, expected: KeyRecord },
    /// The store refused the key (another key made its case refs).
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(
        "two files for the {table} table: {} (file names are matched without regard to case): keep one",
        files.iter().map(|f| f.display().to_string()).collect::<Vec<_>>().join(" and ")
    )]
    SameTable {
        table: &'static str,
        files: Vec<PathBuf>,
    },
    #[error("{}: {message}", path.display())]
    Workbook { path: PathBuf, message: String },
    #[error("{}: no sheet {sheet:?} (its sheets are {})", path.display(), crate::contract::excerpt_list(sheets.iter().map(String::as_str), 30))]
    NoSheet {
        path: PathBuf,
        sheet: String,
        sheets: Vec<String>,
    },
    #[error(transparent)]
    Mapping(#[from] MappingError),
}

/// One export bundle: a folder with some of the eight canonical files, or an export in
/// another layout with the mapping that reads it.
#[derive(Debug, Clone)]
pub struct Bundle {
    pub path: PathBuf,
    /// The files it holds, in table order (for a mapped bundle, the file each table is
    /// read from: several tables may share one).
    pub files: Vec<(Table, PathBuf)>,
    /// The mapping that reads it; `None` for a canonical bundle.
    pub mapping: Option<Mapping>,
    /// What else the folder holds: files (and folders) that match no table and no
    /// mapping entry, so nothing reads them; the ingest report names each (spec 01,
    /// "File names").
    pub ignored: Vec<PathBuf>,
}

impl Bundle {
    /// The export folder `path`, read through `mapping` (`--mapping FILE`).
    pub fn mapped(path: &Path, mapping: Mapping) -> Result<Bundle, IngestError> {
        if !path.is_dir() {
            return Err(IngestError::NotABundle {
                path: path.to_owned(),
                message: "not a folder: give the folder that holds the export's files".into(),
            });
        }
        let files = mapping
            .tables
            .iter()
            .map(|t| (t.table, path.join(&t.file)))
            .collect();
        // The mapping file and the files (or the folders holding them) it reads are
        // read; everything else in the folder is not.
        let mut read: BTreeSet<std::ffi::OsString> = mapping
            .tables
            .iter()
            .filter_map(|t| match Path::new(&t.file).components().next() {
                Some(std::path::Component::Normal(first)) => Some(first.to_owned()),
                _ => None,
            })
            .collect();
        read.insert(MAPPING_FILE.into());
        let mapping_file = mapping.path.canonicalize().ok();
        let ignored = entries(path)?
            .into_iter()
            .filter(|entry| {
                let named = entry.file_name().is_some_and(|name| read.contains(name));
                !named && entry.canonicalize().ok() != mapping_file
            })
            .collect();
        Ok(Bundle {
            path: path.to_owned(),
            files,
            mapping: Some(mapping),
            ignored,
        })
    }

    /// Finds the bundles at `path`: the folder itself when it holds canonical files or a
    /// `mapping.toml` (an export in another layout, read through that mapping), else each
    /// sub-folder that does (so `generate`'s output folder, or `sample-data/bundles/`,
    /// can be ingested whole).
    pub fn find(path: &Path) -> Result<Vec<Bundle>, IngestError> {
        if let Some(bundle) = Self::at(path)? {
            return Ok(vec![bundle]);
        }
        let mut bundles = Vec::new();
        if path.is_dir() {
            let mut folders: Vec<PathBuf> = std::fs::read_dir(path)
                .map_err(|source| IngestError::Read {
                    path: path.to_owned(),
                    source,
                })?
                .filter_map(|entry| entry.ok().map(|e| e.path()))
                .filter(|p| p.is_dir())
                .collect();
            folders.sort();
            for folder in folders {
                bundles.extend(Self::at(&folder)?);
            }
        }
        if bundles.is_empty() {
            return Err(IngestError::NotABundle {
                path: path.to_owned(),
                message: format!(
                    "no canonical files here or in its folders (expected some of {}, or a {MAPPING_FILE})",
                    Table::ALL.map(|t| t.file_name()).join(", ")
                ),
            });
        }
        Ok(bundles)
    }

    /// The bundle in the folder `path`, if it is one: it holds a `mapping.toml`, or a
    /// file named after a table without regard to case (`Sessions.csv` is the sessions
    /// table, spec 01 "File names"). A table file must be a regular file inside the
    /// folder (links followed), and each table may have only one file.
    fn at(path: &Path) -> Result<Option<Bundle>, IngestError> {
        if !path.exists() {
            return Err(IngestError::Read {
                path: path.to_owned(),
                source: std::io::Error::new(std::io::ErrorKind::NotFound, "no such file or folder"),
            });
        }
        if !path.is_dir() {
            return Ok(None);
        }
        let mapping_file = path.join(MAPPING_FILE);
        if mapping_file.is_file() {
            confine::inside(path, &mapping_file).map_err(|message| IngestError::NotABundle {
                path: path.to_owned(),
                message,
            })?;
            return Ok(Some(Self::mapped(path, Mapping::load(&mapping_file)?)?));
        }
        let mut tables: BTreeMap<Table, Vec<PathBuf>> = BTreeMap::new();
        let mut ignored = Vec::new();
        for entry in entries(path)? {
            match entry.file_name().and_then(table_of_file) {
                Some(table) => tables.entry(table).or_default().push(entry),
                None => ignored.push(entry),
            }
        }
        if tables.is_empty() {
            return Ok(None);
        }
        let mut files = Vec::with_capacity(tables.len());
        for (table, found) in tables {
            if found.len() > 1 {
                return Err(IngestError::SameTable {
                    table: table.name(),
                    files: found,
                });
            }
            let file = found.into_iter().next().unwrap_or_default();
            confine::inside(path, &file).map_err(|message| IngestError::NotABundle {
                path: path.to_owned(),
                message,
            })?;
            let metadata = std::fs::metadata(&file).map_err(|source| IngestError::Read {
                path: file.clone(),
                source,
            })?;
            if !metadata.is_file() {
                return Err(IngestError::Read {
                    path: file,
                    source: crate::input_file::Refused::NotRegular {
                        kind: crate::input_file::kind_of(&metadata),
                    }
                    .into(),
                });
            }
            files.push((table, file));
        }
        Ok(Some(Bundle {
            path: path.to_owned(),
            files,
            mapping: None,
            ignored,
        }))
    }
}

/// The table a canonical file named `name` holds: its name is the table's file name
/// without regard to case (`Sessions.CSV` holds sessions).
fn table_of_file(name: &std::ffi::OsStr) -> Option<Table> {
    let name = name.to_str()?.to_ascii_lowercase();
    Table::ALL.into_iter().find(|t| t.file_name() == name)
}

/// Everything in the folder `dir`, sorted by name.
fn entries(dir: &Path) -> Result<Vec<PathBuf>, IngestError> {
    let read_error = |source| IngestError::Read {
        path: dir.to_owned(),
        source,
    };
    let mut entries = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(read_error)? {
        entries.push(entry.map_err(read_error)?.path());
    }
    entries.sort();
    Ok(entries)
}

/// What one file gave (for a flat export, what it gave one table).
#[derive(Debug, Clone)]
pub struct FileOutcome {
    pub source: read::SourceFile,
    pub rows_read: u64,
    /// Rows stored, counting each line of a flat export whose row was stored: a line
    /// that repeats a row already read is stored with it.
    pub rows_stored: u64,
    /// Distinct rows stored (fewer than `rows_stored` when repeats were folded).
    pub distinct_stored: u64,
    pub quarantined: Vec<Quarantined>,
    pub dropped_columns: Vec<String>,
    /// How a mapping produced the table; `None` for a canonical file.
    pub mapped: Option<read::MappedRead>,
    /// The trusts its stored rows belong to, so a school's evidence pack lists only the
    /// inputs of its own trust.
    pub trusts: BTreeSet<String>,
}

impl FileOutcome {
    /// How the report names it: the file, and for a mapped export also its sheet and
    /// the table (`Supervision Log.csv (sessions)`).
    pub fn label(&self) -> String {
        match &self.mapped {
            Some(_) => format!(
                "{} ({})",
                self.source.display_name(),
                self.source.table.name()
            ),
            None => self.source.path.display().to_string(),
        }
    }
}

/// What checking the bundles gave: what became of each file, the files the bundles
/// hold that nothing read, and what the export rules need of each bundle.
#[derive(Debug, Clone)]
pub struct Checked {
    pub outcomes: Vec<FileOutcome>,
    /// Each bundle's [`Bundle::ignored`], in bundle order.
    pub ignored: Vec<PathBuf>,
    pub exports: Vec<BundleExport>,
}

/// Reads and checks `bundles` in order, handing `write` the accepted rows as batches
/// (one per bundle, or for a bundle with a large file, one per chunk of it: see
/// [`Batch`]), all in bundle order, one call at a time, and returns what became of
/// each file. References may point at rows of the same bundle, of an earlier bundle, or
/// already in `stored`.
///
/// The bundles are taken a window at a time: the files of a window are read in
/// parallel, and the checks run in bundle order, so the outcome is the same as reading
/// one bundle at a time. A canonical file of more than a chunk of rows
/// ([`batching::ingest_chunk`](crate::batching::ingest_chunk)) is not read whole: a
/// pre-pass finds its repeated ids ([`repeats::in_file`]) while the window is read, then
/// it is read, checked and handed on a chunk at a time, so memory is bounded within a bundle as well as across
/// bundles (issue #13). Meanwhile `write` runs on its own thread: while one batch is
/// merged and written, the next is read and checked.
pub fn check_bundles(
    bundles: &[Bundle],
    key: &PseudonymKey,
    stored: &mut (dyn Stored + Send),
    today: NaiveDate,
    mut write: impl FnMut(Vec<Batch>) -> anyhow::Result<()> + Send,
) -> anyhow::Result<Checked> {
    let bounds = read::DateBounds::for_ingest_on(today);
    let mut checking = Checking {
        pseudonyms: pseudonym::Pseudonymiser::new(key),
        earlier: known::Accepted::default(),
        trusts: known::TrustIds::default(),
        stored,
        files: Vec::new(),
        exports: Vec::new(),
        bounds,
        chunk: crate::batching::ingest_chunk(),
    };
    // The writer takes one batch at a time: a rendezvous, so that no more than the
    // batch being written and the one being checked are ever held.
    let (sender, receiver) = std::sync::mpsc::sync_channel::<Vec<Batch>>(0);
    let (written, checked) = std::thread::scope(|scope| {
        // The write runs on a plain thread, not on rayon's pool: it calls polars, and a
        // rayon thread waiting on polars' pool would steal our reads meanwhile (see
        // `store::Writing::apply`).
        let writer = scope.spawn(move || -> anyhow::Result<()> {
            for batches in receiver {
                write(batches)?;
            }
            Ok(())
        });
        let mut send = |batches: Vec<Batch>| -> anyhow::Result<()> {
            let batches: Vec<Batch> = batches.into_iter().filter(|b| !b.rows.is_empty()).collect();
            if batches.is_empty() {
                return Ok(());
            }
            // A send fails only when the writer has stopped on an error, which is
            // reported in place of this one.
            sender
                .send(batches)
                .map_err(|_| anyhow::anyhow!("the store writer stopped"))
        };
        // A window of bundles is read and checked at once: enough to keep every core
        // busy reading, few enough that a national ingest never holds more than two
        // windows' rows in memory.
        let window = crate::batching::ingest_window();
        let checked = bundles
            .chunks(window)
            .enumerate()
            .try_for_each(|(at, bundles)| checking.window(bundles, at * window, &mut send));
        drop(sender);
        let written = match writer.join() {
            Ok(written) => written,
            Err(panic) => std::panic::resume_unwind(panic),
        };
        (written, checked)
    });
    written?;
    checked?;
    Ok(Checked {
        outcomes: checking.files,
        ignored: bundles.iter().flat_map(|b| b.ignored.clone()).collect(),
        exports: checking.exports,
    })
}

/// The state of the checks across bundles.
struct Checking<'s> {
    pseudonyms: pseudonym::Pseudonymiser,
    /// Rows accepted from earlier bundles, which later ones may name.
    earlier: known::Accepted,
    /// The trust ids stored and accepted so far (a trust id re-typed in another case).
    trusts: known::TrustIds,
    stored: &'s mut (dyn Stored + Send),
    files: Vec<FileOutcome>,
    /// Per bundle, the schools it holds and the ids whose newer copy it quarantined.
    exports: Vec<BundleExport>,
    bounds: read::DateBounds,
    /// Rows of a canonical file read and checked at a time.
    chunk: usize,
}

impl Checking<'_> {
    /// Reads the bundles of `window` (the first being bundle `first` of the ingest) in
    /// parallel, checks them in order, and sends on the accepted rows of each.
    fn window(
        &mut self,
        window: &[Bundle],
        first: usize,
        send: &mut dyn FnMut(Vec<Batch>) -> anyhow::Result<()>,
    ) -> anyhow::Result<()> {
        let (bounds, chunk) = (self.bounds, self.chunk);
        let read: Vec<Result<Vec<BundleFile>, IngestError>> = window
            .par_iter()
            .map(|bundle| read_bundle(bundle, bounds, chunk))
            .collect();
        let mut batches = Vec::with_capacity(window.len());
        for (at, bundle_files) in read.into_iter().enumerate() {
            let bundle = first + at;
            let known = known::Known {
                bundle: Default::default(),
                earlier: &mut self.earlier,
                stored: &mut *self.stored,
                trusts: &mut self.trusts,
            };
            let mut check = check::BundleCheck::new(known, &mut self.pseudonyms);
            let mut rows = Incoming::new();
            let mut export = BundleExport {
                bundle,
                window: window[at].mapping.as_ref().and_then(|m| m.window),
                path: window[at].path.display().to_string(),
                ..Default::default()
            };
            for file in bundle_files? {
                match file {
                    BundleFile::Whole(file) => take(
                        &mut check,
                        *file,
                        &mut rows,
                        &mut self.files,
                        &mut export.schools,
                    )?,
                    BundleFile::Large(table, path, repeats) => {
                        // What the window holds so far goes first, to keep the order.
                        batches.push(Batch {
                            bundle,
                            rows: std::mem::take(&mut rows),
                        });
                        send(std::mem::take(&mut batches))?;
                        let large = LargeFile {
                            table,
                            path: &path,
                            repeats,
                            bundle,
                            bounds,
                            chunk,
                        };
                        self.files
                            .push(large.take(&mut check, send, &mut export.schools)?);
                    }
                }
            }
            self.exports.push(export);
            check.known.finish();
            batches.push(Batch { bundle, rows });
        }
        send(batches)
    }
}

/// A file of a bundle as the window's parallel read left it.
enum BundleFile {
    /// Read whole (a mapped export's table, or a canonical file of at most a chunk).
    Whole(Box<read::ReadFile>),
    /// A canonical file of more than a chunk of rows, to be read in chunks, with the
    /// ids repeated in it (found by the pre-pass while the window is read).
    Large(Table, PathBuf, repeats::Repeats),
}

/// Reads every file of `bundle` (a canonical bundle's files, or a mapped export's
/// tables), each row parsed and checked on its own; a canonical file of more than
/// `chunk` rows is left to be read in chunks.
fn read_bundle(
    bundle: &Bundle,
    bounds: read::DateBounds,
    chunk: usize,
) -> Result<Vec<BundleFile>, IngestError> {
    match &bundle.mapping {
        // The files are read in parallel too: a bundle holding a national extract has
        // a few large files, whose pre-passes then share the cores.
        None => bundle
            .files
            .par_iter()
            .map(|(table, path)| {
                confine::inside(&bundle.path, path).map_err(|message| IngestError::NotABundle {
                    path: bundle.path.clone(),
                    message,
                })?;
                Ok(match read::read_head(*table, path, bounds, chunk)? {
                    read::Head::Whole(file) => BundleFile::Whole(file),
                    read::Head::Large => BundleFile::Large(
                        *table,
                        path.clone(),
                        repeats::in_file(*table, path, bounds)?,
                    ),
                })
            })
            // The first error in file order, as when the files are read one by one.
            .collect::<Vec<_>>()
            .into_iter()
            .collect(),
        // A mapped export is read whole: it may need the whole file to find its
        // encoding or delimiter, or be a workbook (both size-capped by the hardening
        // checks; see docs/decisions.md).
        Some(mapping) => Ok(mapping::read_bundle(mapping, &bundle.path, bounds)?
            .into_iter()
            .map(|file| BundleFile::Whole(Box::new(file)))
            .collect()),
    }
}

/// A large canonical file of bundle `bundle`, read, checked and handed on a chunk at a
/// time.
struct LargeFile<'p> {
    table: Table,
    path: &'p Path,
    repeats: repeats::Repeats,
    bundle: usize,
    bounds: read::DateBounds,
    chunk: usize,
}

impl LargeFile<'_> {
    /// Reads and checks the file chunk by chunk, sending each chunk's accepted rows on
    /// before reading the next; returns what it gave.
    fn take(
        self,
        check: &mut check::BundleCheck<'_>,
        send: &mut dyn FnMut(Vec<Batch>) -> anyhow::Result<()>,
        held: &mut Vec<HeldSchool>,
    ) -> anyhow::Result<FileOutcome> {
        let (table, repeats) = (self.table, &self.repeats);
        let display = self.path.display().to_string();
        let (mut rows_read, mut rows_stored, mut distinct_stored) = (0, 0, 0);
        let mut quarantined = Vec::new();
        let mut trusts = BTreeSet::new();
        let (path, bounds, size) = (self.path, self.bounds, self.chunk);
        // The next chunk is parsed on a thread of its own while this one is checked
        // (the checks run in file order, so they stay on this thread): one chunk waits
        // between them, so at most three are held (issue #20).
        let (source, dropped_columns) = std::thread::scope(|scope| -> anyhow::Result<_> {
            let (parsed, chunks) = std::sync::mpsc::sync_channel(1);
            let reader = scope.spawn(move || -> Result<_, IngestError> {
                let mut file = read::Chunks::open(table, path, bounds)?;
                loop {
                    let chunk = file.next_chunk(size);
                    let (end, failed) = (matches!(chunk, Ok(None)), chunk.is_err());
                    // The checks stopped on an error of their own, or get this one:
                    // nothing more to read.
                    if parsed.send(chunk.transpose()).is_err() || failed {
                        return Ok(None);
                    }
                    if end {
                        return file.finish().map(Some);
                    }
                }
            });
            for chunk in chunks.iter().map_while(|chunk| chunk) {
                let chunk = chunk?;
                rows_read += chunk.rows_read;
                quarantined.extend(chunk.quarantined);
                let checked =
                    check.check_rows(table, &display, repeats, chunk.rows, &mut quarantined)?;
                rows_stored += checked.rows_stored;
                distinct_stored += checked.accepted.len() as u64;
                let mut rows = Incoming::new();
                file_rows(table, checked.accepted, &mut rows, held, &mut trusts);
                send(vec![Batch {
                    bundle: self.bundle,
                    rows,
                }])?;
            }
            match reader.join() {
                Ok(read) => read?.ok_or_else(|| {
                    anyhow::anyhow!("{display}: internal error: the file's reading stopped early")
                }),
                Err(panic) => std::panic::resume_unwind(panic),
            }
        })?;
        quarantined.sort_by_key(|q| q.line);
        let outcome = FileOutcome {
            source,
            rows_read,
            rows_stored,
            distinct_stored,
            quarantined,
            dropped_columns,
            mapped: None,
            trusts,
        };
        accounted(&outcome)?;
        Ok(outcome)
    }
}

/// Nothing is lost: the promise is checked, not assumed, for every file before the
/// ingest commits.
fn accounted(outcome: &FileOutcome) -> anyhow::Result<()> {
    anyhow::ensure!(
        outcome.rows_read == outcome.rows_stored + outcome.quarantined.len() as u64,
        "{}: internal error: {} rows read but {} stored and {} quarantined",
        outcome.label(),
        outcome.rows_read,
        outcome.rows_stored,
        outcome.quarantined.len()
    );
    Ok(())
}

/// Checks one file read from a bundle and files its rows and its outcome.
fn take(
    check: &mut check::BundleCheck<'_>,
    file: read::ReadFile,
    rows: &mut Incoming,
    files: &mut Vec<FileOutcome>,
    held: &mut Vec<HeldSchool>,
) -> anyhow::Result<()> {
    let table = file.source.table;
    let checked = check.check(file)?;
    let mut outcome = FileOutcome {
        rows_read: checked.file.rows_read,
        rows_stored: checked.rows_stored,
        distinct_stored: checked.accepted.len() as u64,
        quarantined: checked.file.quarantined,
        dropped_columns: checked.file.dropped_columns,
        mapped: checked.file.mapped,
        source: checked.file.source,
        trusts: BTreeSet::new(),
    };
    file_rows(table, checked.accepted, rows, held, &mut outcome.trusts);
    accounted(&outcome)?;
    files.push(outcome);
    Ok(())
}

/// Files the accepted rows of a file of `table` under their trusts' partitions, in
/// order, noting the schools a `schools` file holds and the trusts the rows belong to.
/// Rows come in runs of one trust (an export is one trust's, or sorted by school), so a
/// run is filed at once rather than a row at a time.
fn file_rows(
    table: Table,
    accepted: Vec<check::StoredRow>,
    rows: &mut Incoming,
    held: &mut Vec<HeldSchool>,
    trusts: &mut BTreeSet<String>,
) {
    let mut file_run = |trust: String, run: Vec<Vec<Cell>>| {
        if !trusts.contains(&trust) {
            trusts.insert(trust.clone());
        }
        let partition = rows.entry((table, trust)).or_default();
        if partition.is_empty() {
            *partition = run;
        } else {
            partition.extend(run);
        }
    };
    let mut run: Option<(String, Vec<Vec<Cell>>)> = None;
    for row in accepted {
        if table == Table::Schools {
            held.push(held_school(&row.trust_id, &row.cells));
        }
        match &mut run {
            Some((trust, cells)) if *trust == row.trust_id => cells.push(row.cells),
            _ => {
                if let Some((trust, cells)) = run.replace((row.trust_id, vec![row.cells])) {
                    file_run(trust, cells);
                }
            }
        }
    }
    if let Some((trust, cells)) = run {
        file_run(trust, cells);
    }
}

/// The school a `schools` row of a bundle holds.
fn held_school(trust_id: &str, cells: &[Cell]) -> HeldSchool {
    HeldSchool {
        urn: cells[schools::SCHOOL_URN].text().to_string(),
        trust_id: trust_id.to_string(),
        name: cells[schools::SCHOOL_NAME].text().to_string(),
    }
}

/// The store keys of the rows the ingest quarantined, where they can be told: a full
/// export keeps the stored copy of each (spec 01, "Exports over time"). A case's key is
/// its case ref, made with the trust of its school as the bundles hold it.
fn kept_keys(
    files: &[FileOutcome],
    exports: &[BundleExport],
    key: &PseudonymKey,
) -> Vec<(Table, String)> {
    let trust_of: BTreeMap<&str, &str> = exports
        .iter()
        .flat_map(|e| e.schools.iter())
        .map(|s| (s.urn.as_str(), s.trust_id.as_str()))
        .collect();
    files
        .iter()
        .flat_map(|f| f.quarantined.iter())
        .filter_map(|q| {
            let id = q.id.as_ref()?;
            let stored = match &id.school_urn {
                Some(urn) => key.case_ref(trust_of.get(urn.as_str())?, &id.id),
                None => id.id.clone(),
            };
            Some((q.table, stored))
        })
        .collect()
}

/// How many times an ingest is tried when other writers keep committing first.
const ATTEMPTS: usize = 5;

/// Ingests `bundles` into the store at `store_dir` as one new store version, treating
/// rows the bundles no longer have as `mode` says. When another writer commits a
/// version meanwhile (the lock file was deleted, or the store is on a drive where locks
/// do not hold), the ingest starts again on the new version, up to five times.
pub fn ingest(
    store_dir: &Path,
    bundles: &[Bundle],
    key: &PseudonymKey,
    today: NaiveDate,
    mode: IngestMode,
) -> anyhow::Result<IngestReport> {
    let mut lost = Vec::new();
    loop {
        match ingest_once(store_dir, bundles, key, today, mode) {
            Err(e) if lost.len() + 1 < ATTEMPTS => match e.downcast_ref() {
                Some(StoreError::Conflict { version, .. }) => lost.push(*version),
                _ => return Err(e),
            },
            Ok(mut report) => {
                report.lost_to = lost;
                return Ok(report);
            }
            Err(e) => return Err(e),
        }
    }
}

fn ingest_once(
    store_dir: &Path,
    bundles: &[Bundle],
    key: &PseudonymKey,
    today: NaiveDate,
    mode: IngestMode,
) -> anyhow::Result<IngestReport> {
    let store = Store::open(store_dir)?;
    let key_record = KeyRecord {
        fingerprint: key.fingerprint(),
        key_from: key.source.origin(),
    };
    store.check_key(&key_record.fingerprint, &key_record.key_from)?;
    let mut writing = store.begin_write(mode)?;
    writing.remember_key(key_record);
    let Checked {
        outcomes: files,
        ignored,
        exports,
    } = {
        let mut stored = StoredRows::new(&store);
        check_bundles(bundles, key, &mut stored, today, |batches| {
            Ok(writing.apply(batches)?)
        })?
    };
    let inputs: Vec<InputFile> = files
        .iter()
        .map(|f| InputFile {
            file: f.source.display_name(),
            table: f.source.table.name().to_string(),
            sha256: f.source.sha256.clone(),
            bytes: f.source.bytes,
            rows_read: f.rows_read,
            rows_stored: f.rows_stored,
            rows_quarantined: f.quarantined.len() as u64,
            trust_ids: f.trusts.iter().cloned().collect(),
        })
        .collect();
    // One quarantine file per source file. A flat export feeds several tables, so its
    // file holds the rows of each (the `table` column tells them apart); the same table
    // of the same content twice in one ingest keeps the later copy's rows.
    let mut by_source: BTreeMap<String, BTreeMap<Table, Vec<Quarantined>>> = BTreeMap::new();
    for f in files.iter().filter(|f| !f.quarantined.is_empty()) {
        by_source
            .entry(f.source.sha256.clone())
            .or_default()
            .insert(f.source.table, f.quarantined.clone());
    }
    let quarantine: BTreeMap<String, Vec<Quarantined>> = by_source
        .into_iter()
        .map(|(sha256, tables)| (sha256, tables.into_values().flatten().collect()))
        .collect();
    let mut exports = exports;
    if let IngestMode::Window { from, to } = mode {
        // `--window` is for every bundle of the command line, over its mapping's own.
        for export in &mut exports {
            export.window = Some((from, to));
        }
    }
    let kept = kept_keys(&files, &exports, key);
    let written: WriteSummary = writing.finish(&exports, kept, &quarantine, inputs)?;
    Ok(IngestReport {
        files,
        ignored,
        key_source: key.source.clone(),
        store: Some(store_dir.to_owned()),
        written: Some(written),
        mode,
        lost_to: Vec::new(),
    })
}

/// Checks `bundles` without writing anything (`oversight validate`).
pub fn validate(
    bundles: &[Bundle],
    key: &PseudonymKey,
    today: NaiveDate,
) -> anyhow::Result<IngestReport> {
    let checked = check_bundles(bundles, key, &mut NothingStored, today, |_| Ok(()))?;
    Ok(IngestReport {
        files: checked.outcomes,
        ignored: checked.ignored,
        key_source: key.source.clone(),
        store: None,
        written: None,
        mode: IngestMode::Full,
        lost_to: Vec::new(),
    })
}
