//! Encoding a partition's rows as Parquet bytes.
//!
//! polars' own writer tries a dictionary for every text column of every column chunk
//! and, to decide, estimates the column's distinct values with a HyperLogLog sketch of
//! 16,384 registers. A store partition is one table of one trust, a few hundred rows:
//! the sketch cost more than the rows. A national ingest (20,000 partitions) spent 19%
//! of its time there (issue #20, BENCHMARKS.md "Ingest"). So the store writes every
//! column plain; Snappy, which it applies to each page, takes the repeats out of text
//! columns as a dictionary would, and every Parquet reader reads plain columns.

use polars::prelude::*;
use polars_parquet::write::{
    CompressionOptions, Encoding, FileWriter, RowGroupIterator, StatisticsOptions, Version,
    WriteOptions,
};

/// What the bytes are for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// A data file of the store: Snappy-compressed, with min, max and null counts per
    /// column chunk for readers that skip by statistics.
    Stored,
    /// A partition merged so far during an ingest, read back once by the same writer:
    /// neither compressed nor summarised.
    Spilled,
}

/// The Parquet bytes of `frame`, one row group per chunk of at most 512 Ki rows.
pub fn encode(frame: &mut DataFrame, purpose: Purpose) -> PolarsResult<Vec<u8>> {
    let (compression, statistics) = match purpose {
        Purpose::Stored => (CompressionOptions::Snappy, StatisticsOptions::default()),
        Purpose::Spilled => (
            CompressionOptions::Uncompressed,
            StatisticsOptions {
                min_value: false,
                max_value: false,
                distinct_count: false,
                null_count: false,
                binary_statistics_truncate_length: None,
            },
        ),
    };
    let options = WriteOptions {
        statistics,
        compression,
        version: Version::V1,
        data_page_size: None,
    };
    if frame.first_col_n_chunks() > 1 || frame.should_rechunk() {
        frame.rechunk_mut();
    }
    let schema = frame.schema().to_arrow(CompatLevel::newest());
    // Every column of the store is flat: one Parquet column each.
    let encodings: Vec<Vec<Encoding>> = schema
        .iter_values()
        .map(|_| vec![Encoding::Plain])
        .collect();
    let batches = frame
        .iter_chunks(CompatLevel::newest(), false)
        .filter(|batch| !batch.is_empty())
        .map(Ok);
    let row_groups = RowGroupIterator::try_new(batches, &schema, options, encodings.into())?;
    let mut writer = FileWriter::try_new(Vec::new(), schema, options)?;
    for row_group in row_groups {
        writer.write(u64::MAX, row_group?)?;
    }
    writer.end(None)?;
    Ok(writer.into_inner())
}
