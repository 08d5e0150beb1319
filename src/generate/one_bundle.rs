//! `generate --one-bundle`: every trust in ONE canonical bundle folder, as a national or
//! local-authority extract arrives (issue #13), with exactly the rows of the per-trust
//! layout, so ingesting either layout gives the same store.
//!
//! The trusts are first written as per-trust bundles (in parallel, the same bytes as
//! [`generate`](super::generate)) into a working folder inside `out`, then each table's
//! files are joined in trust order under one header, and the working folder removed.
//! Joining files keeps the output the same for any number of workers without holding
//! any trust in memory.

use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::Path;

use super::writer::io_error;
use super::{GenerateError, GenerateOptions, GenerateSummary, school};
use crate::contract::Table;

/// The working folder of per-trust bundles, inside the output folder.
const PARTS: &str = ".oversight-generate-parts";

/// Writes every trust into the one canonical bundle `out` (`out/schools.csv`, ...).
pub(super) fn generate_one_bundle(
    out: &Path,
    options: &GenerateOptions,
    defect_rate: f64,
) -> Result<GenerateSummary, GenerateError> {
    let parts = out.join(PARTS);
    let mut summary = super::generate_with(&parts, options, defect_rate)?;
    summary.bundles = 1;
    summary.bytes = 0;
    for table in Table::ALL {
        let name = format!("{}.csv", table.name());
        let path = out.join(&name);
        let file = File::create(&path).map_err(io_error(&path))?;
        let mut joined = BufWriter::with_capacity(256 * 1024, file);
        for t in 0..options.trusts {
            let part = parts.join(school::trust_id(t)).join(&name);
            let mut reader =
                BufReader::with_capacity(256 * 1024, File::open(&part).map_err(io_error(&part))?);
            // Every part starts with the same header line (column names, never quoted
            // across lines): the first part's is kept, the others' skipped.
            let mut header = Vec::new();
            reader
                .read_until(b'\n', &mut header)
                .map_err(io_error(&part))?;
            if t == 0 {
                joined.write_all(&header).map_err(io_error(&path))?;
            }
            std::io::copy(&mut reader, &mut joined).map_err(io_error(&path))?;
        }
        let file = joined
            .into_inner()
            .map_err(|e| io_error(&path)(e.into_error()))?;
        summary.bytes += file.metadata().map_err(io_error(&path))?.len();
    }
    std::fs::remove_dir_all(&parts).map_err(io_error(&parts))?;
    Ok(summary)
}
