#!/usr/bin/env python3
"""Runs oversight's queries/ on DuckDB over the same store (issue #13, item 3).

oversight computes every metric with the SQL files in queries/, run in order by its
polars SQL context. This runner gives DuckDB the same inputs and runs the same files:

1. each store table is a view over the Parquet files of the exported store version
   (listed in the manifest), read_parquet([...], hive_partitioning = true), with trust_id
   read from the folder names as text (never as a number: '007' stays '007'), limited to
   the run's trusts; a table no trust has yet is an empty table of the right columns;
2. the policy tables and report_params come from `oversight report --export-inputs DIR`
   (one <table>.parquet each), whose manifest.json also gives the store, the trusts, the
   column types and the queries in the order oversight runs them (written from one place,
   oversight's metrics::QUERIES, so nothing here repeats it);
3. every query runs as CREATE TABLE <name> AS <its SQL>, in that order, so each reads
   the ones before it by name, as in oversight;
4. each restricted and governors' table is written to <out>/<layer>/<name>.parquet (or
   .csv), readable by its owner only: the query outputs before formatting and, for the
   governors' tables, before disclosure control, which oversight applies in Rust
   (src/report/published/protect.rs). They are not for publication as they are.

The dialect step: queries/ is written in SQL that polars and DuckDB both accept, so
DIALECT below, the text substitutions made before DuckDB sees a query, is empty. Were a
construct found that only one engine takes, a rewrite of queries/ that both accept comes
first; what is left goes into DIALECT as (file, old text, new text, why), each applied
exactly once or the run stops.

Usage:
    oversight report --store STORE --policy POLICY --as-of DATE --export-inputs INPUTS
    python3 tools/duckdb/run_queries.py --inputs INPUTS --out OUT [--store STORE]
        [--queries DIR] [--format parquet|csv] [--threads N] [--timings]

--timings prints one JSON line on stdout: {"engine": "duckdb", "version", "threads",
"load_s", "queries_s", "write_s", "total_s", "queries": {name: seconds}}; without it the
same figures go to stderr as text. Exit status 0 on success, 1 on any error (named).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

import duckdb

# (query file under queries/, old text, new text, why): none is needed today.
DIALECT: list[tuple[str, str, str, str]] = []

# The layers whose tables are written out.
WRITTEN_LAYERS = ("restricted", "governors")


def quote_ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def quote_text(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def dialect(file: str, sql: str) -> str:
    """Applies the DIALECT substitutions for `file`, each exactly once."""
    for target, old, new, _why in DIALECT:
        if target != file:
            continue
        if sql.count(old) != 1:
            raise SystemExit(
                f"run_queries.py: the dialect step expects {old!r} once in queries/{file}"
            )
        sql = sql.replace(old, new)
    return sql


def load_store(con: duckdb.DuckDBPyConnection, store: Path, manifest: dict) -> None:
    """One view per store table over exactly the files of the exported store version
    (a version's files, not every file in the folder: earlier versions' files stay
    until a vacuum), for the manifest's trusts."""
    for table in manifest["store_tables"]:
        name = table["name"]
        files = [str(store / f) for f in table["files"]]
        if files:
            columns = [c.rsplit(" ", 1) for c in table["columns"].split(", ")]
            # Each column read as the manifest types it (trust_id from the folder name).
            select = ", ".join(
                f"cast({quote_ident(c)} as {t}) as {quote_ident(c)}" for c, t in columns
            )
            listed = "[" + ", ".join(quote_text(f) for f in files) + "]"
            con.execute(
                f"create view {quote_ident(name)} as select {select} "
                f"from read_parquet({listed}, hive_partitioning = true, "
                f"hive_types = {{'trust_id': 'VARCHAR'}})"
            )
        else:
            con.execute(f"create table {quote_ident(name)} ({table['columns']})")


def load_inputs(con: duckdb.DuckDBPyConnection, inputs: Path, manifest: dict) -> None:
    """The exported policy tables and report_params, as tables."""
    for table in manifest["tables"]:
        path = inputs / f"{table['name']}.parquet"
        con.execute(
            f"create table {quote_ident(table['name'])} as "
            f"select * from read_parquet({quote_text(str(path))})"
        )


def run_query(con: duckdb.DuckDBPyConnection, name: str, sql: str) -> None:
    """Makes the table `name` of `sql`'s result. As in oversight, a query's result takes
    the place of an input of the same name for the queries after it (queries/actions.sql
    makes `actions`, which the governors' queries read, from the store's `actions` by way
    of staging), and the query itself still reads the input."""
    con.execute(f"create table __result as\n{sql}")
    kind = con.execute(
        "select table_type from information_schema.tables where table_name = ?", [name]
    ).fetchone()
    if kind is not None:
        con.execute(f"drop {'view' if kind[0] == 'VIEW' else 'table'} {quote_ident(name)}")
    con.execute(f"alter table __result rename to {quote_ident(name)}")


def output_select(con: duckdb.DuckDBPyConnection, name: str, schema: str | None = None) -> str:
    """The table `name` (of `schema`, if given) as written: DuckDB sums whole numbers
    into HUGEINT (128 bits), which Parquet has no type for (DuckDB would write DOUBLE),
    so those columns are written as BIGINT, as oversight's counts are; every other
    column as it is."""
    table = quote_ident(name) if schema is None else f"{quote_ident(schema)}.{quote_ident(name)}"
    columns = con.execute(f"describe {table}").fetchall()
    return "select " + ", ".join(
        f"cast({quote_ident(c)} as bigint) as {quote_ident(c)}" if t == "HUGEINT"
        else quote_ident(c)
        for c, t, *_ in columns
    ) + f" from {table}"


def main() -> int:
    here = Path(__file__).resolve().parent
    parser = argparse.ArgumentParser(
        description="Run oversight's queries/ on DuckDB over a store and exported inputs."
    )
    parser.add_argument("--inputs", required=True, type=Path,
                        help="the folder `oversight report --export-inputs` wrote")
    parser.add_argument("--out", required=True, type=Path,
                        help="where to write restricted/ and governors/ tables")
    parser.add_argument("--store", type=Path,
                        help="the store folder (default: the one the manifest names)")
    parser.add_argument("--queries", type=Path, default=here.parent.parent / "queries",
                        help="the queries folder (default: this repository's queries/)")
    parser.add_argument("--format", choices=("parquet", "csv"), default="parquet")
    parser.add_argument("--threads", type=int, help="DuckDB's threads (default: all cores)")
    parser.add_argument("--timings", action="store_true",
                        help="print the timings as one JSON line on stdout")
    args = parser.parse_args()

    # The restricted tables name staff and carry case refs: like oversight's restricted/,
    # every folder and file written is readable by its owner only.
    os.umask(0o077)
    started = time.perf_counter()
    manifest = json.loads((args.inputs / "manifest.json").read_text(encoding="utf-8"))
    store = args.store or Path(manifest["store"])
    con = duckdb.connect()
    if args.threads:
        con.execute(f"set threads = {int(args.threads)}")
    load_store(con, store, manifest)
    load_inputs(con, args.inputs, manifest)
    loaded = time.perf_counter()

    timings: dict[str, float] = {}
    for query in manifest["queries"]:
        sql = dialect(query["file"], (args.queries / query["file"]).read_text(encoding="utf-8"))
        at = time.perf_counter()
        try:
            run_query(con, query["name"], sql)
        except duckdb.Error as error:
            raise SystemExit(f"run_queries.py: queries/{query['file']}: {error}") from None
        timings[query["name"]] = time.perf_counter() - at
    computed = time.perf_counter()

    for query in manifest["queries"]:
        if query["layer"] not in WRITTEN_LAYERS:
            continue
        folder = args.out / query["layer"]
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{query['name']}.{args.format}"
        options = "format parquet" if args.format == "parquet" else "format csv, header"
        con.execute(f"copy ({output_select(con, query['name'])}) to {quote_text(str(path))} ({options})")
    finished = time.perf_counter()

    figures = {
        "engine": "duckdb",
        "version": duckdb.__version__,
        "threads": con.execute("select current_setting('threads')").fetchone()[0],
        "load_s": round(loaded - started, 4),
        "queries_s": round(computed - loaded, 4),
        "write_s": round(finished - computed, 4),
        "total_s": round(finished - started, 4),
        "queries": {name: round(took, 4) for name, took in timings.items()},
    }
    if args.timings:
        print(json.dumps(figures))
    else:
        for name, took in timings.items():
            print(f"  {name:<22} {took * 1000:>8.1f} ms", file=sys.stderr)
        for step in ("load_s", "queries_s", "write_s", "total_s"):
            print(f"  {step:<22} {figures[step] * 1000:>8.1f} ms", file=sys.stderr)
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except (OSError, duckdb.Error, KeyError, ValueError) as error:
        print(f"run_queries.py: error: {error}", file=sys.stderr)
        sys.exit(1)
