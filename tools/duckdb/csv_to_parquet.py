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
    took: dict[str, float] = {}
    for table, select in TRUST_OF.items():
        # A folder of bundle folders, or one bundle folder itself (`--one-bundle`).
        files = sorted(glob.glob(str(args.data / "*" / f"{table}.csv"))) or sorted(
            glob.glob(str(args.data / f"{table}.csv"))
        )
        if not files:
            continue
        at = time.perf_counter()
        src = (
            "read_csv([" + ", ".join(quote_text(f) for f in files) + "], "
            "header = true, all_varchar = false, auto_detect = true, "
            "types = {'trust_id': 'VARCHAR', 'school_urn': 'VARCHAR'})"
            if table == "schools"
            else "read_csv(["
            + ", ".join(quote_text(f) for f in files)
            + "], header = true, types = {'school_urn': 'VARCHAR'})"
            if table in ("staff", "sessions", "cases")
            else "read_csv([" + ", ".join(quote_text(f) for f in files) + "], header = true)"
        )
        target = quote_text(str(args.out / table))
        con.execute(
            f"COPY ({select.format(src=src)}) TO {target} "
            "(FORMAT parquet, PARTITION_BY (trust_id), OVERWRITE_OR_IGNORE true, "
            "COMPRESSION snappy)"
        )
        if table in LOOKUPS:
            name, key = LOOKUPS[table]
            written = quote_text(str(args.out / table / "*" / "*.parquet"))
            con.execute(
                f"CREATE TEMP TABLE {name} AS SELECT {key}, trust_id::VARCHAR AS trust_id "
                f"FROM read_parquet({written}, hive_partitioning = true, "
                "hive_types = {'trust_id': VARCHAR})"
            )
        took[table] = time.perf_counter() - at
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
