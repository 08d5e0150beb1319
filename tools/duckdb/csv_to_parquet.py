#!/usr/bin/env python3
"""The practical floor for writing the store: DuckDB copying the same CSVs to Parquet.

The benchmark (benches/pipeline.rs) times `oversight ingest` against this script run on
the same generated bundles in the same run (issue #13, item 4): each of the eight
canonical tables is read from every bundle with DuckDB's CSV reader, given its trust,
and written as Parquet partitioned by trust_id, like the store:

    COPY (SELECT ...) TO '<out>/<table>' (FORMAT parquet, PARTITION_BY (trust_id))

A row's trust comes the way oversight's ingest finds it: from schools.csv for the tables
that name a school, through staff for contracts, through sessions for attendees, actions
and discussions (a join, as the ingest's reference check is a lookup). Nothing else of
the ingest is done here: no validation, no quarantine, no pseudonyms, no upsert into an
existing store, no transaction. That is why it is a floor, not a peer doing the same work.

`end_to_end_peer.py` imports the same steps (bundle_files, with_trust, keep_lookup) to
read the bundles into in-memory tables instead of Parquet.

Usage:
    python3 tools/duckdb/csv_to_parquet.py --data DIR --out DIR [--threads N] [--timings]

DIR holds bundle folders (`oversight generate` output, one folder per trust or one
folder for all). --timings prints one JSON line on stdout: {"engine", "version",
"threads", "total_s", "tables": {name: seconds}}.
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import sys
import time
from pathlib import Path

import duckdb

# Each table, and how its rows reach their trust (a join on ids already copied).
TRUST_OF = {
    "schools": "SELECT t.* FROM {src} t",
    "staff": "SELECT t.*, s.trust_id FROM {src} t JOIN schools_ s USING (school_urn)",
    "contracts": (
        "SELECT t.*, s.trust_id FROM {src} t "
        "JOIN staff_ s ON s.staff_id = t.supervisee_id"
    ),
    "sessions": "SELECT t.*, s.trust_id FROM {src} t JOIN schools_ s USING (school_urn)",
    "attendees": "SELECT t.*, s.trust_id FROM {src} t JOIN sessions_ s USING (session_id)",
    "cases": "SELECT t.*, s.trust_id FROM {src} t JOIN schools_ s USING (school_urn)",
    "discussions": (
        "SELECT t.*, s.trust_id FROM {src} t JOIN sessions_ s USING (session_id)"
    ),
    "actions": "SELECT t.*, s.trust_id FROM {src} t JOIN sessions_ s USING (session_id)",
}

# The ids later tables look up, as (id, trust_id) read back from the Parquet just written
# (two columns: cheaper than reading the CSVs twice).
LOOKUPS = {
    "schools": ("schools_", "school_urn"),
    "staff": ("staff_", "staff_id"),
    "sessions": ("sessions_", "session_id"),
}


def quote_text(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def bundle_files(data: Path, table: str) -> list[str]:
    """Every `<table>.csv` of the bundles under `data`: a folder of bundle folders, or one
    bundle folder itself (`--one-bundle`)."""
    return sorted(glob.glob(str(data / "*" / f"{table}.csv"))) or sorted(
        glob.glob(str(data / f"{table}.csv"))
    )


def read_csv(table: str, files: list[str]) -> str:
    """DuckDB's CSV reader over `files`, as a relation; school URNs (and the schools'
    trust ids) read as text, never as numbers."""
    listed = "[" + ", ".join(quote_text(f) for f in files) + "]"
    if table == "schools":
        return (
            f"read_csv({listed}, header = true, all_varchar = false, auto_detect = true, "
            "types = {'trust_id': 'VARCHAR', 'school_urn': 'VARCHAR'})"
        )
    if table in ("staff", "sessions", "cases"):
        return f"read_csv({listed}, header = true, types = {{'school_urn': 'VARCHAR'}})"
    return f"read_csv({listed}, header = true)"


def with_trust(table: str, files: list[str]) -> str:
    """The rows of `table` in `files`, each with its trust_id (TRUST_OF), as a query; the
    tables it joins with must have been kept by `keep_lookup` first, in TRUST_OF's order."""
    return TRUST_OF[table].format(src=read_csv(table, files))


def keep_lookup(con: duckdb.DuckDBPyConnection, table: str, rows: str) -> None:
    """For a table later tables find their trust through (LOOKUPS), keeps (id, trust_id)
    of `rows` (a relation holding that table's rows and their trust_id) as a temporary
    table; nothing for the others."""
    if table not in LOOKUPS:
        return
    name, key = LOOKUPS[table]
    con.execute(
        f"CREATE TEMP TABLE {name} AS SELECT {key}, trust_id::VARCHAR AS trust_id FROM {rows}"
    )


def copy(con: duckdb.DuckDBPyConnection, data: Path, out: Path) -> dict[str, float]:
    """Copies each table of the bundles under `data` to Parquet under `out/<table>/`,
    partitioned by trust_id, and returns the seconds each took."""
    took: dict[str, float] = {}
    for table in TRUST_OF:
        files = bundle_files(data, table)
        if not files:
            continue
        at = time.perf_counter()
        target = quote_text(str(out / table))
        con.execute(
            f"COPY ({with_trust(table, files)}) TO {target} "
            "(FORMAT parquet, PARTITION_BY (trust_id), OVERWRITE_OR_IGNORE true, "
            "COMPRESSION snappy)"
        )
        written = quote_text(str(out / table / "*" / "*.parquet"))
        keep_lookup(
            con,
            table,
            f"read_parquet({written}, hive_partitioning = true, "
            "hive_types = {'trust_id': VARCHAR})",
        )
        took[table] = time.perf_counter() - at
    return took


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", required=True, type=Path)
    parser.add_argument("--out", required=True, type=Path)
    parser.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--timings", action="store_true")
    args = parser.parse_args()

    con = duckdb.connect()
    con.execute(f"SET threads = {int(args.threads)}")
    con.execute("SET preserve_insertion_order = false")
    args.out.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    took = copy(con, args.data, args.out)
    total = time.perf_counter() - started
    figures = {
        "engine": "duckdb",
        "version": duckdb.__version__,
        "threads": int(args.threads),
        "total_s": round(total, 4),
        "tables": {k: round(v, 4) for k, v in took.items()},
    }
    if args.timings:
        print(json.dumps(figures))
    else:
        print(f"duckdb {duckdb.__version__}: copied in {total:.2f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except duckdb.Error as error:
        print(f"csv_to_parquet.py: {error}", file=sys.stderr)
        sys.exit(1)
