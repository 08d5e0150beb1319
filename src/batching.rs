//! How much work goes through at once: bundles per ingest window, rows per chunk of a
//! large file, trusts and stored bytes per metrics pass. Larger batches mean fewer, bigger steps;
//! smaller ones bound memory. The defaults suit a national store on a 2-core, 24 GB machine (see BENCHMARKS.md).
//!
//! Outputs never depend on the sizes, and the tests prove it by setting them small
//! through the environment (`OVERSIGHT_INGEST_WINDOW`, `OVERSIGHT_INGEST_CHUNK`,
//! `OVERSIGHT_TRUSTS_PER_PASS`, `OVERSIGHT_BYTES_PER_PASS`, `OVERSIGHT_SPILL_COMPACT_FROM`).

/// How many bundles are read and checked before their rows go to the store.
pub fn ingest_window() -> usize {
    from_env("OVERSIGHT_INGEST_WINDOW", 32)
}

/// How many rows of a large canonical file are read, checked and handed to the store
/// at a time (issue #13): a file of at most this many rows is read whole.
pub fn ingest_chunk() -> usize {
    from_env("OVERSIGHT_INGEST_CHUNK", 65_536)
}

/// At most how many trusts one pass of the metrics queries reads.
pub fn trusts_per_pass() -> usize {
    from_env("OVERSIGHT_TRUSTS_PER_PASS", 10_000)
}

/// About how many bytes of stored Parquet one pass of the metrics queries reads: a
/// pass takes trusts until their files add up to this (a trust larger than it has a
/// pass of its own). A pass holds its rows and the staging tables built from them, about
/// ten times the Parquet's size; one pass over the 69 MiB of a national year peaked at
/// 0.9 GB and was slower than two (issue #20, BENCHMARKS.md).
pub fn bytes_per_pass() -> u64 {
    from_env("OVERSIGHT_BYTES_PER_PASS", 40 << 20) as u64
}

/// How many dead bytes an ingest's spill file may hold (partitions merged again since
/// they were spilled) before its live ones are copied to a fresh file, if they are also
/// more than the live ones (`store::spill`).
pub fn spill_compact_from() -> u64 {
    from_env("OVERSIGHT_SPILL_COMPACT_FROM", 256 << 20) as u64
}

fn from_env(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .filter(|&n: &usize| n > 0)
        .unwrap_or(default)
}
