//! Writing the next store version: rows merged partition by partition as the bundles
//! are checked ([`Writing::apply`]), then the exports' own rules applied over each trust
//! they touch ([`Writing::finish`], spec 01 "Exports over time"), then one commit.
//!
//! While merging, every row carries the place of the bundle it came from (`_bundle`;
//! `-1` for rows already stored), so that at the end a full export can remove exactly
//! the rows of its schools that neither it nor a later bundle gave, whichever order the
//! bundles' files and chunks arrived in.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use polars::prelude::*;
use sha2::{Digest, Sha256};

use super::commit::{self, Staging};
use super::history::{
    DateWindow, FileAction, FileChange, IngestMode, InputFile, Moved, RowCounts, StoreCommit,
};
use super::parquet::{Purpose, encode};
use super::spill::{Segment, Spill};
use super::{Batch, KeyRecord, Partition, Store, StoreError, frame};
use crate::contract::{Quarantined, Table};

/// The column that tells which bundle a row came from while a version is being written.
const BUNDLE: &str = "_bundle";
/// The school a row belongs to, and the date a window judges it by (while finishing).
const SCHOOL: &str = "_school";
const DATED: &str = "_dated";

/// A school a bundle holds (it has a row in the bundle's `schools` table): the bundle is
/// a full export of it, unless the ingest is `--append`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeldSchool {
    pub urn: String,
    pub trust_id: String,
    pub name: String,
}

/// What the export rules need to know of one bundle besides its rows.
#[derive(Debug, Clone, Default)]
pub struct BundleExport {
    pub bundle: usize,
    pub schools: Vec<HeldSchool>,
    /// The dates the bundle exports (both included), when it covers only those
    /// (`--window`, or `window` in its mapping file): only its schools' rows dated
    /// inside them are replaced.
    pub window: Option<DateWindow>,
    /// The bundle's folder, for the record.
    pub path: String,
}

/// What a write changed.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct WriteSummary {
    /// The version committed; `None` when nothing changed.
    pub version: Option<u64>,
    /// Partitions whose content changed (or that are new, or emptied).
    pub partitions_written: usize,
    /// Partitions that received rows but already held exactly that content.
    pub partitions_unchanged: usize,
    /// Rows added, updated, removed and kept, per table name.
    pub rows: BTreeMap<String, RowCounts>,
    pub moved: Vec<Moved>,
    /// Bundles that exported only some dates: `<bundle>: FROM..TO`.
    pub windows: Vec<String>,
}

/// The bundle that last brought rows to a partition, and for attendees and discussions
/// the sessions it brought, so a later part of the same bundle merges as a part.
#[derive(Debug)]
struct LastBundle {
    bundle: usize,
    sessions: HashSet<String>,
}

/// Rows of one partition from one bundle (or part of one), with the bundle's place.
type BundleRows = (usize, Vec<Vec<crate::contract::Cell>>);

/// A write in progress: partitions merged so far wait in the writer's spill file.
pub struct Writing<'s> {
    store: &'s Store,
    /// Before `staging`: closed before the staging folder is removed (fields drop in
    /// order, and an open file stops a folder's removal on Windows).
    spill: Spill,
    staging: Staging,
    mode: IngestMode,
    /// Partitions that received rows, spilled with their `_bundle` column: where each
    /// is now (a partition merged again is appended again).
    staged: BTreeMap<Partition, Segment>,
    last_bundle: BTreeMap<Partition, LastBundle>,
    /// The key the version records.
    key: Option<KeyRecord>,
}

impl<'s> Writing<'s> {
    pub(super) fn begin(store: &'s Store, mode: IngestMode) -> Result<Writing<'s>, StoreError> {
        let staging = Staging::begin(store.root())?;
        let spill = Spill::create(staging.path("merged~partitions.parquet-segments"))?;
        Ok(Writing {
            store,
            spill,
            staging,
            mode,
            staged: BTreeMap::new(),
            last_bundle: BTreeMap::new(),
            key: store.key_record(),
        })
    }

    /// Records `key` as the store's key when it has none yet (its first ingest).
    pub fn remember_key(&mut self, key: KeyRecord) {
        if self.key.is_none() {
            self.key = Some(key);
        }
    }

    /// Merges batches of rows (in the order the bundles were given; the parts of one
    /// bundle one after another) into the partitions they touch. Each bundle's rows
    /// replace rows of the same key as if the bundles were ingested one after another,
    /// and the parts of a bundle merge as its rows at once would. Partitions are merged
    /// and encoded in parallel.
    pub fn apply(&mut self, batches: Vec<Batch>) -> Result<(), StoreError> {
        if let Some(first) = batches.first().map(|b| b.bundle) {
            self.last_bundle.retain(|_, last| last.bundle >= first);
        }
        let mut by_partition: BTreeMap<Partition, Vec<BundleRows>> = BTreeMap::new();
        for batch in batches {
            for (partition, rows) in batch.rows {
                by_partition
                    .entry(partition)
                    .or_default()
                    .push((batch.bundle, rows));
            }
        }
        let work: Vec<_> = by_partition
            .into_iter()
            .map(|(partition, batches)| {
                let last = self.last_bundle.remove(&partition);
                let staged = self.staged.get(&partition).copied();
                (partition, batches, last, staged)
            })
            .collect();
        let this = &*self;
        let outcomes = on_plain_threads(work, |(partition, batches, last, staged)| {
            let outcome = this.merge_partition(&partition, staged, batches, last);
            (partition, outcome)
        });
        for (partition, outcome) in outcomes {
            let (last, segment) = outcome?;
            match self.staged.insert(partition.clone(), segment) {
                Some(earlier) => self.spill.superseded(earlier),
                None => commit::crash_if_asked("staged", self.staged.len()),
            }
            self.last_bundle.insert(partition, last);
        }
        self.spill.compact(
            self.staged.values_mut(),
            crate::batching::spill_compact_from(),
        )
    }

    /// The partition as the store's version has it, each row marked as stored.
    fn stored_with_bundle(
        &self,
        table: Table,
        trust: &str,
    ) -> Result<Option<DataFrame>, StoreError> {
        let Some(frame) = self.store.read_partition(table, trust)? else {
            return Ok(None);
        };
        with_stored_mark(frame)
            .map(Some)
            .map_err(|source| self.parquet_error(table, trust, source))
    }

    /// A failure to merge or encode the partition of `table` and `trust`, named by its
    /// folder in the store (its rows in progress are in the spill file, not a file of
    /// their own).
    fn parquet_error(&self, table: Table, trust: &str, source: PolarsError) -> StoreError {
        StoreError::Parquet {
            path: self
                .store
                .root()
                .join(table.name())
                .join(format!("trust_id={trust}")),
            source,
        }
    }

    /// The partition as this write has it so far (spilled, else stored).
    fn current(
        &self,
        partition: &Partition,
        staged: Option<Segment>,
    ) -> Result<Option<DataFrame>, StoreError> {
        match staged {
            Some(segment) => self.spill.get(segment).map(Some),
            None => self.stored_with_bundle(partition.0, &partition.1),
        }
    }

    /// Merges `batches` into what `partition` holds so far and spills the result.
    fn merge_partition(
        &self,
        partition: &Partition,
        staged: Option<Segment>,
        batches: Vec<BundleRows>,
        mut last: Option<LastBundle>,
    ) -> Result<(LastBundle, Segment), StoreError> {
        let (table, trust_id) = (partition.0, partition.1.as_str());
        let fail = |source| self.parquet_error(table, trust_id, source);
        let mut merged = self.current(partition, staged)?;
        for (bundle, rows) in batches {
            let mut fresh = frame::rows_to_frame(table, &rows).map_err(fail)?;
            fresh
                .with_column(Column::new(BUNDLE.into(), vec![bundle as i32; rows.len()]))
                .map_err(fail)?;
            let sessions = rows
                .iter()
                .filter(|_| table.replaced_per_session())
                .map(|row| row[table.key()[0]].text());
            merged = Some(
                match &mut last {
                    Some(last) if last.bundle == bundle => {
                        let mut new_sessions = Vec::new();
                        for session in sessions {
                            if !last.sessions.contains(session) {
                                last.sessions.insert(session.to_string());
                                new_sessions.push(session);
                            }
                        }
                        frame::merge_part(table, merged, fresh, &new_sessions)
                    }
                    _ => {
                        last = Some(LastBundle {
                            bundle,
                            sessions: sessions.map(str::to_string).collect(),
                        });
                        frame::merge(table, merged, fresh)
                    }
                }
                .map_err(fail)?,
            );
        }
        let last = last.expect("a partition that received rows has a last bundle");
        let mut merged = merged.expect("a partition that received rows has rows");
        Ok((last, self.spill.put(&mut merged)?))
    }

    /// Applies the export rules, writes the quarantine, and commits the next version
    /// with `inputs` (the bundle files read). Commits nothing when nothing changed.
    /// `kept` are the stored keys (by table) whose newer copy the ingest quarantined: a
    /// full export keeps those rows.
    pub fn finish(
        self,
        exports: &[BundleExport],
        kept: Vec<(Table, String)>,
        quarantine: &BTreeMap<String, Vec<Quarantined>>,
        inputs: Vec<InputFile>,
    ) -> Result<WriteSummary, StoreError> {
        let plan = ExportPlan::new(self.store, &self, exports, kept)?;
        let quarantine_files = self.write_quarantine(quarantine)?;
        // Rows of schools moving out of a trust, gathered first: they join the trust
        // the school moves to.
        let mut arriving: BTreeMap<String, BTreeMap<Table, Vec<DataFrame>>> = BTreeMap::new();
        for from in plan.moved_from() {
            for (to, table, rows) in self.leaving(&plan, &from)? {
                arriving
                    .entry(to)
                    .or_default()
                    .entry(table)
                    .or_default()
                    .push(rows);
            }
        }
        let trusts: Vec<String> = plan.affected(self.staged.keys()).into_iter().collect();
        let this = &self;
        let plan_ref = &plan;
        let arriving_ref = &arriving;
        let finished = on_plain_threads(trusts, |trust| {
            let arrivals = arriving_ref.get(&trust);
            this.finish_trust(plan_ref, &trust, arrivals)
        });
        let version = self.store.history().head() + 1;
        let mut summary = WriteSummary {
            moved: plan.moved.clone(),
            windows: exports
                .iter()
                .filter_map(|e| {
                    let (from, to) = e.window?;
                    Some(format!("{}: {from}..{to}", e.path))
                })
                .collect(),
            ..Default::default()
        };
        let mut files = Vec::new();
        for outcome in finished {
            for partition in outcome? {
                let counts = summary
                    .rows
                    .entry(partition.table.name().to_string())
                    .or_default();
                counts.added += partition.counts.added;
                counts.updated += partition.counts.updated;
                counts.removed += partition.counts.removed;
                counts.kept += partition.counts.kept;
                if !partition.changed {
                    summary.partitions_unchanged += 1;
                    continue;
                }
                summary.partitions_written += 1;
                if let Some(base) = self
                    .store
                    .snapshot()
                    .files
                    .get(&(partition.table, partition.trust.clone()))
                {
                    files.push(FileChange {
                        action: FileAction::Remove,
                        ..base.change.clone()
                    });
                }
                if let Some(file) = partition.file {
                    files.push(file);
                }
            }
        }
        if files.is_empty() && summary.moved.is_empty() {
            return Ok(summary);
        }
        // Removals of a table and trust before its addition, as a Delta reader replays.
        files.sort_by(|a, b| {
            (a.table, &a.trust_id, a.action == FileAction::Add).cmp(&(
                b.table,
                &b.trust_id,
                b.action == FileAction::Add,
            ))
        });
        let moves: Vec<(std::path::PathBuf, std::path::PathBuf)> = files
            .iter()
            .filter(|f| f.action == FileAction::Add)
            .map(|file| {
                let from = self
                    .staging
                    .path(&Self::final_name(file.table, &file.trust_id));
                let to = self.store.root().join(file.table.name()).join(&file.path);
                (from, to)
            })
            .collect();
        commit::place(self.store.root(), &moves)?;
        let placed: Vec<std::path::PathBuf> = moves.into_iter().map(|(_, to)| to).collect();
        commit::crash_if_asked("placed", 0);
        commit::delay_if_asked();
        let history = self.store.history();
        let now = chrono::Utc::now();
        let store_id = match history.commits.first() {
            Some(first) => first.store_id.clone(),
            None => self.staging.writer().to_string(),
        };
        let record = StoreCommit {
            version,
            parent_sha256: history.file_sha256.last().cloned(),
            store_id,
            committed_at: now.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
            committed_at_ms: now.timestamp_millis(),
            tool: format!("oversight {}", env!("CARGO_PKG_VERSION")),
            mode: self.mode,
            key: self
                .key
                .clone()
                .expect("an ingest records the key it was made with"),
            inputs,
            moved: summary.moved.clone(),
            rows: summary.rows.clone(),
            files,
            quarantine: quarantine_files,
            windows: summary.windows.clone(),
        };
        let target = self.store.root().join(commit::version_file(version));
        if !commit::put_if_absent(&self.staging, &target, &record.to_file_bytes())? {
            // Another writer won this version: the files placed for it are this
            // writer's own (no other writer uses its names), and no version lists them.
            for path in placed {
                let _ = std::fs::remove_file(path);
            }
            return Err(StoreError::Conflict {
                path: self.store.root().to_owned(),
                version,
            });
        }
        commit::crash_if_asked("commit", 0);
        let mut history = history.clone();
        history
            .file_sha256
            .push(hex::encode(Sha256::digest(record.to_file_bytes())));
        history.commits.push(record);
        commit::write_missing_delta_entries(self.store.root(), &self.staging, &history)?;
        summary.version = Some(version);
        Ok(summary)
    }

    fn final_name(table: Table, trust: &str) -> String {
        format!("final~{}~{trust}.parquet", table.name())
    }

    /// Writes each source file's quarantined rows, each file whole or not at all;
    /// returns their names relative to the store.
    fn write_quarantine(
        &self,
        quarantine: &BTreeMap<String, Vec<Quarantined>>,
    ) -> Result<Vec<String>, StoreError> {
        let mut names = Vec::new();
        let dir = self.store.root().join("quarantine");
        for (sha256, rows) in quarantine {
            crate::private_fs::create_dir_all(&dir).map_err(|e| StoreError::io(&dir, e))?;
            let name = format!("{}.csv", &sha256[..16.min(sha256.len())]);
            let staged = format!("quarantine~{name}");
            self.staging.write(&staged, &quarantine_csv(rows))?;
            let target = dir.join(&name);
            std::fs::rename(self.staging.path(&staged), &target)
                .map_err(|e| StoreError::io(&target, e))?;
            names.push(format!("quarantine/{name}"));
        }
        Ok(names)
    }

    /// The eight tables of `trust` as this write has them so far, with `_bundle`, and as
    /// the store's version has them (each read once).
    fn trust_frames(&self, trust: &str) -> Result<(Frames, Frames), StoreError> {
        let (mut current, mut base) = (Frames::new(), Frames::new());
        for table in Table::ALL {
            let partition = (table, trust.to_string());
            let stored = self.store.read_partition(table, trust)?;
            let now = if let Some(segment) = self.staged.get(&partition) {
                self.current(&partition, Some(*segment))?
            } else {
                stored
                    .as_ref()
                    .map(|frame| with_stored_mark(frame.clone()))
                    .transpose()
                    .map_err(|source| self.parquet_error(table, trust, source))?
            };
            if let Some(now) = now {
                current.insert(table, now);
            }
            if let Some(stored) = stored {
                base.insert(table, stored);
            }
        }
        Ok((current, base))
    }

    /// The rows of schools leaving `from`, with the trust each goes to.
    fn leaving(
        &self,
        plan: &ExportPlan,
        from: &str,
    ) -> Result<Vec<(String, Table, DataFrame)>, StoreError> {
        let (frames, _) = self.trust_frames(from)?;
        let fail = |source| self.parquet_error(Table::Schools, from, source);
        let schooled = with_schools(&frames);
        let mut leaving = Vec::new();
        for (table, frame) in schooled {
            for (urn, to) in plan.moving_out_of(from) {
                let rows = frame
                    .clone()
                    .filter(col(SCHOOL).eq(lit(urn.as_str())))
                    .drop(by_name([SCHOOL, DATED], true, false))
                    .collect()
                    .map_err(fail)?;
                if rows.height() > 0 {
                    leaving.push((to.clone(), table, rows));
                }
            }
        }
        Ok(leaving)
    }

    /// Applies the export rules to every table of `trust` and stages each partition
    /// whose content changed.
    fn finish_trust(
        &self,
        plan: &ExportPlan,
        trust: &str,
        arrivals: Option<&BTreeMap<Table, Vec<DataFrame>>>,
    ) -> Result<Vec<FinishedPartition>, StoreError> {
        let fail = |source| self.parquet_error(Table::Schools, trust, source);
        let (mut frames, base) = self.trust_frames(trust)?;
        for (table, arriving) in arrivals.into_iter().flatten() {
            let mut all: Vec<DataFrame> = frames.remove(table).into_iter().collect();
            all.extend(arriving.iter().cloned());
            let keys = frame::key_names(*table);
            let merged = concat_frames(all)
                .and_then(|f| {
                    f.sort(
                        [BUNDLE],
                        SortMultipleOptions::default().with_maintain_order(true),
                    )
                })
                .and_then(|f| f.unique_stable(Some(&keys), UniqueKeepStrategy::Last, None))
                .and_then(|f| {
                    f.sort(
                        &keys,
                        SortMultipleOptions::default().with_maintain_order(true),
                    )
                })
                .map_err(fail)?;
            frames.insert(*table, merged);
        }
        let held = plan.held_frame(trust).map_err(fail)?;
        let leaving: Vec<String> = plan
            .moving_out_of(trust)
            .into_iter()
            .map(|(u, _)| u)
            .collect();
        // The rules need each row's school only where a bundle holds a school of this
        // trust (and removes) or a school leaves it; elsewhere the rows are the merge's.
        let ruled = (self.mode != IngestMode::Append && held.height() > 0) || !leaving.is_empty();
        let schooled = if ruled {
            with_schools(&frames)
        } else {
            BTreeMap::new()
        };
        // A row can only be removed when it is older than the bundle holding its school:
        // a table whose every row is at least as new as the newest holder of this trust's
        // schools (a first ingest, or a full export again) keeps them all.
        let newest_holder = held
            .column("held_by")
            .and_then(|c| Ok(c.i32()?.max()))
            .map_err(fail)?;
        let mut finished = Vec::new();
        for table in Table::ALL {
            let partition = (table, trust.to_string());
            let base = base.get(&table);
            let Some(frame) = frames.get(&table) else {
                continue;
            };
            let oldest_row = frame
                .column(BUNDLE)
                .and_then(|c| Ok(c.i32()?.min()))
                .map_err(fail)?;
            let may_remove = !leaving.is_empty()
                || matches!((oldest_row, newest_holder), (Some(row), Some(holder)) if row < holder);
            let (rows, kept) = match schooled.get(&table).filter(|_| may_remove) {
                Some(schooled) => self
                    .apply_rules(plan, table, schooled.clone(), &held, &leaving)
                    .map_err(fail)?,
                None => (frame.drop(BUNDLE).map_err(fail)?, 0),
            };
            let unchanged = match base {
                Some(base) => base.equals_missing(&rows),
                None => rows.height() == 0,
            };
            if unchanged {
                finished.push(FinishedPartition {
                    table,
                    trust: trust.to_string(),
                    changed: false,
                    file: None,
                    counts: RowCounts {
                        kept,
                        ..Default::default()
                    },
                });
                continue;
            }
            let counts = count_changes(table, base, &rows, kept).map_err(fail)?;
            let file = if rows.height() == 0 {
                None
            } else {
                Some(self.stage_final(&partition, rows)?)
            };
            finished.push(FinishedPartition {
                table,
                trust: trust.to_string(),
                changed: true,
                file,
                counts,
            });
        }
        Ok(finished)
    }

    /// The rows a partition keeps: without schools that left the trust, and, for the
    /// schools a bundle holds, without stored rows (or rows of earlier bundles) that the
    /// holding bundle no longer has. Returns them in store form, and how many rows were
    /// kept because their newer copy was quarantined.
    fn apply_rules(
        &self,
        plan: &ExportPlan,
        table: Table,
        frame: LazyFrame,
        held: &DataFrame,
        leaving: &[String],
    ) -> PolarsResult<(DataFrame, u64)> {
        let leaving = Series::new("leaving".into(), leaving);
        let mut rows = frame.filter(
            col(SCHOOL)
                .is_in(lit(leaving).implode(false), false)
                .fill_null(lit(false))
                .not(),
        );
        let removing = self.mode != IngestMode::Append && held.height() > 0;
        if removing {
            let kept_ids = Series::new("kept".into(), plan.kept_ids(table));
            let id = frame::key_names(table).remove(0);
            // A row is judged by the window of the bundle holding its school, if it has
            // one; rows without a date (staff, agreements) are never inside a window.
            let in_window = when(col("held_from").is_null()).then(lit(true)).otherwise(
                col(DATED)
                    .gt_eq(col("held_from"))
                    .and(col(DATED).lt_eq(col("held_to")))
                    .fill_null(lit(false)),
            );
            rows = rows
                .join(
                    held.clone().lazy(),
                    [col(SCHOOL)],
                    [col("held_urn")],
                    left_join_in_order(),
                )
                .with_columns([
                    col(BUNDLE)
                        .lt(col("held_by"))
                        .fill_null(lit(false))
                        .and(in_window)
                        .alias("_stale"),
                    col(id.as_str())
                        .is_in(lit(kept_ids).implode(false), false)
                        .fill_null(lit(false))
                        .alias("_kept"),
                ]);
        }
        let flagged = rows.collect()?;
        let (rows, kept) = if removing {
            let stale = flagged.column("_stale")?.bool()?.clone();
            let kept = flagged.column("_kept")?.bool()?.clone();
            let kept_count = (&stale & &kept).sum().unwrap_or(0) as u64;
            let dropped = &stale & &!&kept;
            (flagged.filter(&!&dropped)?, kept_count)
        } else {
            (flagged, 0)
        };
        let stored: Vec<PlSmallStr> = frame::schema(table).iter_names().cloned().collect();
        Ok((rows.select(stored)?, kept))
    }

    /// Encodes a partition's final rows and stages them; returns the file's change.
    fn stage_final(
        &self,
        partition: &Partition,
        mut rows: DataFrame,
    ) -> Result<FileChange, StoreError> {
        let (table, trust) = (partition.0, partition.1.as_str());
        // Snappy: what most Parquet engines default to, and cheap to set up per column
        // chunk (zstd's set-up was 8% of a national ingest).
        let bytes = encode(&mut rows, Purpose::Stored)
            .map_err(|source| self.parquet_error(table, trust, source))?;
        self.staging
            .write(&Self::final_name(table, trust), &bytes)?;
        let version = self.store.history().head() + 1;
        Ok(FileChange {
            table,
            trust_id: trust.to_string(),
            action: FileAction::Add,
            path: format!(
                "trust_id={trust}/v{version:020}-{}.parquet",
                self.staging.writer()
            ),
            size: bytes.len() as u64,
            sha256: hex::encode(Sha256::digest(&bytes)),
            rows: rows.height() as u64,
        })
    }
}

/// One partition once the rules were applied.
struct FinishedPartition {
    table: Table,
    trust: String,
    changed: bool,
    /// The new file; `None` when the partition is now empty (or unchanged).
    file: Option<FileChange>,
    counts: RowCounts,
}

fn concat_frames(frames: Vec<DataFrame>) -> PolarsResult<DataFrame> {
    let mut frames = frames.into_iter();
    let mut first = frames.next().expect("at least one frame");
    for frame in frames {
        first.vstack_mut_owned(frame)?;
    }
    first.rechunk_mut();
    Ok(first)
}

/// Rows added, updated and removed between `base` and `rows` (by key and content).
fn count_changes(
    table: Table,
    base: Option<&DataFrame>,
    rows: &DataFrame,
    kept: u64,
) -> PolarsResult<RowCounts> {
    let Some(base) = base else {
        return Ok(RowCounts {
            added: rows.height() as u64,
            kept,
            ..Default::default()
        });
    };
    let keys: Vec<Expr> = frame::key_names(table)
        .iter()
        .map(|k| col(k.as_str()))
        .collect();
    let all: Vec<Expr> = frame::schema(table)
        .iter_names()
        .map(|n| col(n.clone()))
        .collect();
    let anti = |left: &DataFrame, right: &DataFrame, on: &[Expr]| -> PolarsResult<u64> {
        let mut args = JoinArgs::new(JoinType::Anti);
        args.nulls_equal = true;
        Ok(left
            .clone()
            .lazy()
            .join(right.clone().lazy(), on.to_vec(), on.to_vec(), args)
            .collect()?
            .height() as u64)
    };
    let added = anti(rows, base, &keys)?;
    let removed = anti(base, rows, &keys)?;
    let different = anti(rows, base, &all)?;
    Ok(RowCounts {
        added,
        updated: different - added,
        removed,
        kept,
    })
}

/// Each table of a trust with the school each row belongs to (`_school`) and the date a
/// window judges it by (`_dated`): a row's own school, or its session's, or for an
/// agreement its supervisee's; sessions by `held_on` and the rows of a session with it,
/// cases by `opened_on`.
fn with_schools(frames: &Frames) -> BTreeMap<Table, LazyFrame> {
    let no_date = || lit(NULL).cast(DataType::Date).alias(DATED);
    let lookup = |table: Table, id: &str, dated: Expr| -> LazyFrame {
        match frames.get(&table) {
            Some(frame) => frame
                .clone()
                .lazy()
                .select([
                    col(id).alias("_key"),
                    col("school_urn").alias(SCHOOL),
                    dated,
                ])
                .unique_stable(Some(cols(["_key"])), UniqueKeepStrategy::Last),
            None => {
                let mut schema = Schema::default();
                schema.insert("_key".into(), DataType::String);
                schema.insert(SCHOOL.into(), DataType::String);
                schema.insert(DATED.into(), DataType::Date);
                DataFrame::empty_with_schema(&schema).lazy()
            }
        }
    };
    let staff = lookup(Table::Staff, "staff_id", no_date());
    let sessions = lookup(Table::Sessions, "session_id", col("held_on").alias(DATED));
    let through = |frame: LazyFrame, on: &str, lookup: &LazyFrame| {
        frame.join(
            lookup.clone(),
            [col(on)],
            [col("_key")],
            left_join_in_order(),
        )
    };
    let mut out = BTreeMap::new();
    for (table, frame) in frames {
        let lazy = frame.clone().lazy();
        let own_school = col("school_urn").alias(SCHOOL);
        let schooled = match table {
            Table::Schools | Table::Staff => lazy.with_columns([own_school, no_date()]),
            Table::Sessions => lazy.with_columns([own_school, col("held_on").alias(DATED)]),
            Table::Cases => lazy.with_columns([own_school, col("opened_on").alias(DATED)]),
            Table::Contracts => through(lazy, "supervisee_id", &staff),
            Table::Attendees | Table::Discussions | Table::Actions => {
                through(lazy, "session_id", &sessions)
            }
        };
        out.insert(*table, schooled);
    }
    out
}

/// A left join that keeps the left rows in their order (sorted by key, as the store
/// holds them), so no sort is needed after it.
fn left_join_in_order() -> JoinArgs {
    let mut args = JoinArgs::new(JoinType::Left);
    args.maintain_order = MaintainOrderJoin::Left;
    args
}

/// `frame` with every row marked as already stored (`_bundle` = -1).
fn with_stored_mark(mut frame: DataFrame) -> PolarsResult<DataFrame> {
    let rows = frame.height();
    frame.with_column(Column::new(BUNDLE.into(), vec![-1i32; rows]))?;
    Ok(frame)
}

/// A trust's tables, by table.
type Frames = BTreeMap<Table, DataFrame>;

/// What the bundles of an ingest hold, resolved against the store: which bundle last
/// holds each school and in which trust, and which schools move.
struct ExportPlan {
    /// School URN → (the last bundle holding it, its trust).
    holder: BTreeMap<String, (usize, String)>,
    /// Bundle → the dates it exports, for bundles that cover only some.
    windows: BTreeMap<usize, DateWindow>,
    /// Stored keys whose newer copy the ingest quarantined.
    kept: Vec<(Table, String)>,
    moved: Vec<Moved>,
}

impl ExportPlan {
    fn new(
        store: &Store,
        writing: &Writing,
        exports: &[BundleExport],
        kept: Vec<(Table, String)>,
    ) -> Result<ExportPlan, StoreError> {
        let mut holder = BTreeMap::new();
        let mut names = BTreeMap::new();
        let mut windows = BTreeMap::new();
        for export in exports {
            if let Some(window) = export.window {
                windows.insert(export.bundle, window);
            }
            for school in &export.schools {
                holder.insert(school.urn.clone(), (export.bundle, school.trust_id.clone()));
                names.insert(school.urn.clone(), school.name.clone());
            }
        }
        // Where each held school is now: every trust whose schools table (stored, or
        // as this write has it) lists it.
        let mut trusts_of: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        let mut schools_trusts: BTreeSet<String> =
            store.trusts(Table::Schools).into_iter().collect();
        schools_trusts.extend(
            writing
                .staged
                .keys()
                .filter(|(t, _)| *t == Table::Schools)
                .map(|(_, trust)| trust.clone()),
        );
        for trust in schools_trusts {
            let partition = (Table::Schools, trust.clone());
            let staged = writing.staged.get(&partition).copied();
            let Some(frame) = writing.current(&partition, staged)? else {
                continue;
            };
            let urns = frame
                .column("school_urn")
                .and_then(|c| c.str().cloned())
                .map_err(|source| writing.parquet_error(Table::Schools, &trust, source))?;
            for urn in urns.iter().flatten() {
                if holder.contains_key(urn) {
                    trusts_of
                        .entry(urn.to_string())
                        .or_default()
                        .insert(trust.clone());
                }
            }
        }
        let mut moved = Vec::new();
        for (urn, (_, to)) in &holder {
            for from in trusts_of.get(urn).into_iter().flatten() {
                if from != to {
                    moved.push(Moved {
                        school_urn: urn.clone(),
                        school_name: names.get(urn).cloned().unwrap_or_default(),
                        from: from.clone(),
                        to: to.clone(),
                    });
                }
            }
        }
        Ok(ExportPlan {
            holder,
            windows,
            kept,
            moved,
        })
    }

    /// Trusts that schools leave.
    fn moved_from(&self) -> BTreeSet<String> {
        self.moved.iter().map(|m| m.from.clone()).collect()
    }

    /// The schools leaving `trust`, each with the trust it goes to.
    fn moving_out_of(&self, trust: &str) -> Vec<(String, String)> {
        self.moved
            .iter()
            .filter(|m| m.from == trust)
            .map(|m| (m.school_urn.clone(), m.to.clone()))
            .collect()
    }

    /// Every trust the rules may change: those with staged partitions, those holding a
    /// school a bundle holds, and those schools move between.
    fn affected<'p>(&self, staged: impl Iterator<Item = &'p Partition>) -> BTreeSet<String> {
        let mut trusts: BTreeSet<String> = staged.map(|(_, t)| t.clone()).collect();
        trusts.extend(self.holder.values().map(|(_, t)| t.clone()));
        for moved in &self.moved {
            trusts.insert(moved.from.clone());
            trusts.insert(moved.to.clone());
        }
        trusts
    }

    /// The schools held in `trust`, with the bundle that holds each and the dates it
    /// exports if it covers only some: `held_urn`, `held_by`, `held_from`, `held_to`.
    fn held_frame(&self, trust: &str) -> PolarsResult<DataFrame> {
        let held: Vec<(&str, i32, Option<DateWindow>)> = self
            .holder
            .iter()
            .filter(|(_, (_, t))| t == trust)
            .map(|(urn, (bundle, _))| {
                (
                    urn.as_str(),
                    *bundle as i32,
                    self.windows.get(bundle).copied(),
                )
            })
            .collect();
        let dates = |name: &str, pick: fn(DateWindow) -> chrono::NaiveDate| {
            DateChunked::from_naive_date_options(
                name.into(),
                held.iter().map(|(_, _, w)| w.map(pick)),
            )
            .into_column()
        };
        DataFrame::new(
            held.len(),
            vec![
                Column::new(
                    "held_urn".into(),
                    held.iter().map(|h| h.0).collect::<Vec<_>>(),
                ),
                Column::new(
                    "held_by".into(),
                    held.iter().map(|h| h.1).collect::<Vec<_>>(),
                ),
                dates("held_from", |w| w.0),
                dates("held_to", |w| w.1),
            ],
        )
    }

    /// The ids of `table` whose newer copy the ingest quarantined.
    fn kept_ids(&self, table: Table) -> Vec<String> {
        self.kept
            .iter()
            .filter(|(t, _)| *t == table)
            .map(|(_, id)| id.clone())
            .collect()
    }
}

/// The quarantine file for one source file's rejected rows.
pub fn quarantine_csv(rows: &[Quarantined]) -> Vec<u8> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer
        .write_record(["table", "file", "line", "column", "reason"])
        .expect("writing CSV to memory cannot fail");
    for row in rows {
        writer
            .write_record([
                row.table.name(),
                &row.file,
                &row.line.to_string(),
                &row.column,
                &row.reason,
            ])
            .expect("writing CSV to memory cannot fail");
    }
    writer
        .into_inner()
        .expect("writing CSV to memory cannot fail")
}

/// Runs `work` on every item, on plain threads (one per core), and returns the results
/// in the items' order.
///
/// Not on rayon's pool: a merge calls polars, which runs on its own rayon pool, and a
/// rayon thread waiting on another pool steals more work of its own pool meanwhile, so
/// each waiting merge could start another merge on the same stack, as deep as there are
/// partitions (issue #11: a 500-trust bundle overflowed the stack). A plain thread
/// simply waits, so the depth stays that of one merge.
fn on_plain_threads<T: Send, R: Send>(items: Vec<T>, work: impl Fn(T) -> R + Sync) -> Vec<R> {
    let threads = std::thread::available_parallelism()
        .map_or(1, usize::from)
        .min(items.len().max(1));
    let total = items.len();
    let queue = std::sync::Mutex::new(items.into_iter().enumerate());
    let mut results: Vec<(usize, R)> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(|| {
                    let mut done = Vec::new();
                    loop {
                        let next = queue.lock().unwrap_or_else(|e| e.into_inner()).next();
                        let Some((at, item)) = next else { break };
                        done.push((at, work(item)));
                    }
                    done
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|worker| match worker.join() {
                Ok(done) => done,
                Err(panic) => std::panic::resume_unwind(panic),
            })
            .collect()
    });
    debug_assert_eq!(results.len(), total);
    results.sort_by_key(|(at, _)| *at);
    results.into_iter().map(|(_, result)| result).collect()
}
