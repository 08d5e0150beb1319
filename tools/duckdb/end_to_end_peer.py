#!/usr/bin/env python3
"""The end-to-end peer in the benchmark (issue #20): one DuckDB session going from the
bundles' CSV files straight to every table `oversight report --tables-only` writes, as
against `oversight ingest` then `oversight report --tables-only`.

What it does, in one in-memory DuckDB session on all cores (`threads` = the machine's
CPUs, said explicitly):

1. reads each of the eight tables from every bundle under --data (one folder for all
   trusts, as `oversight generate --one-bundle` writes, or one folder per trust) with
   DuckDB's CSV reader, gives each row its trust the way `csv_to_parquet.py` does (its
   functions, imported: from schools.csv for the tables that name a school, through
   staff for contracts, through sessions for attendees, discussions and actions, each a
   join), and keeps it as an in-memory table of schema `store`, shaped like the store's
   table (the columns and types `report --export-inputs` lists in its manifest; the
   bundle's `case_id` stands in for the store's `case_ref`);
2. computes and writes the report's tables exactly as `report_peer.py` does from a
   loaded store (its `report` function, imported: the same SQL of `queries/`, the
   trend's two earlier years, every restricted and governors' table as
   `<out>/<layer>/<name>.csv`).

The policy and calendar come from `oversight report --export-inputs` (run on a store
ingested from the same bundles; only the policy tables, `report_params`, the store
tables' columns and the list of queries are used, never the store's files). The
benchmark does not time that step.

What it does not do, and oversight does, so that a ratio to it is read as what it is:

- **validation and quarantine**: no row is checked (types, enumerations, dates in
  order, required cells, status against completed_on, ...). Values are cast by
  DuckDB, so only canonical ones are read (`oversight generate` writes only those);
  oversight also normalises `yes`/`Y`, `DD/MM/YYYY`, `Group`, reads workbooks and
  mapped layouts. A row whose school, staff member or session is unknown is dropped
  silently by the join that finds its trust, where oversight quarantines it with its
  file, line, column and reason, and checks every other reference too (a discussion's
  case, an action's owner, ...). No quarantine file, no report of dropped columns.
- **pseudonymisation**: case ids are kept as they are (`case_ref` is the raw
  `case_id`), where oversight replaces each with a keyed HMAC before anything is
  stored; so the restricted tables here carry children's case ids.
- **the versioned store**: nothing is written to disk but the output CSVs. No Parquet
  partitioned by trust, no Delta log and store version, no SHA-256 of each file (and no
  check of it when the report reads), no export rules or upserts against an earlier
  store (a re-export, a school moving trust), no lock, no transaction or sync to disk,
  no ingest log. Nothing persists: another report means reading every CSV again.
- **disclosure control and publishing**: no small-number suppression or complements
  in the governors' tables, no formatting of rates, no manifest (as `report_peer.py`).

Usage:
    oversight generate --out DATA --one-bundle ...
    oversight ingest --store STORE DATA
    oversight report --store STORE --policy POLICY --as-of DATE --export-inputs INPUTS
    python3 tools/duckdb/end_to_end_peer.py --data DATA --inputs INPUTS --out OUT
        [--threads N] [--earlier-years N] [--timings]

--timings prints one JSON line on stdout: {"engine", "version", "threads",
"earlier_years", "load_s" (the CSVs into tables, and the inputs), "tables" ({name:
seconds} of each CSV table read), "queries_s", "earlier_s", "write_s", "total_s"};
without it the same figures go to stderr.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import duckdb

from csv_to_parquet import TRUST_OF, bundle_files, keep_lookup, with_trust
from report_peer import add_run_arguments, run_peer
from run_queries import quote_ident

# A store column whose bundle column has another name: the store keeps a case's
# pseudonym (`case_ref`) where the bundle has its id; this peer keeps the id.
BUNDLE_COLUMN = {"case_ref": "case_id"}


def load_bundles(con: duckdb.DuckDBPyConnection, data: Path, manifest: dict) -> dict[str, float]:
    """Each store table into schema `store`, read from the CSV files of the bundles under
    `data`, each row with its trust, columns named and typed as the manifest's store
    tables. Returns the seconds each table took."""
    con.execute("create schema store")
    shapes = {t["name"]: t["columns"] for t in manifest["store_tables"]}
    # Rows are loaded in any order (every query sorts what it returns); the queries'
    # own tables keep their order again below.
    con.execute("set preserve_insertion_order = false")
    took: dict[str, float] = {}
    for table in TRUST_OF:
        at = time.perf_counter()
        name = f"store.{quote_ident(table)}"
        files = bundle_files(data, table)
        if files:
            columns = [c.rsplit(" ", 1) for c in shapes[table].split(", ")]
            select = ", ".join(
                f"cast({quote_ident(BUNDLE_COLUMN.get(c, c))} as {t}) as {quote_ident(c)}"
                for c, t in columns
            )
            con.execute(
                f"create table {name} as select {select} from ({with_trust(table, files)})"
            )
        else:
            con.execute(f"create table {name} ({shapes[table]})")
        keep_lookup(con, table, name)
        took[table] = time.perf_counter() - at
    con.execute("set preserve_insertion_order = true")
    return took


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", required=True, type=Path,
                        help="the bundles: one folder for all trusts, or one per trust")
    parser.add_argument("--inputs", required=True, type=Path,
                        help="the folder `oversight report --export-inputs` wrote")
    parser.add_argument("--out", required=True, type=Path)
    add_run_arguments(parser)
    args = parser.parse_args()

    def load(con: duckdb.DuckDBPyConnection, manifest: dict) -> dict:
        tables = load_bundles(con, args.data, manifest)
        return {"tables": {k: round(v, 4) for k, v in tables.items()}}

    return run_peer(args, load)


if __name__ == "__main__":
    try:
        sys.exit(main())
    except (OSError, duckdb.Error, KeyError, ValueError) as error:
        print(f"end_to_end_peer.py: error: {error}", file=sys.stderr)
        sys.exit(1)
