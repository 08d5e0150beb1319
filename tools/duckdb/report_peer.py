#!/usr/bin/env python3
"""The report's peer in the benchmark (issue #20): DuckDB computing every table that
`oversight report --tables-only` writes, from the same store, as a DuckDB user would.

What makes it a fair peer (`tools/duckdb/run_queries.py`, the engine-equivalence runner
the tests use, is not one: it reads the store through views, so every query that names
a store table opens its thousands of Parquet files again):

- all cores (`threads` = the machine's CPUs, DuckDB's default, said explicitly);
- the whole store at once: each store table is read once, by one `read_parquet` over
  every file of the exported store version (hive partitions give `trust_id`, as text),
  into an in-memory DuckDB table; no per-slice loop;
- the same SQL as oversight's (`queries/`, which both engines accept), each query run
  once as `CREATE TABLE <name> AS ...` over those tables, in the order oversight runs
  them;
- the same work as the report: besides the report year, the trend (`trend.csv`) of the
  two academic years before it, each as of the same date, for which only the queries the
  trend reads run again (each year in a schema of its own with its `report_params`);
- every restricted and governors' table written as CSV (`<out>/<layer>/<name>.csv`;
  `trend.csv` with the earlier years' rows first, oldest first; the report sorts
  them by trust, school and half-term, a sort of a few hundred thousand rows).

The part after the store is loaded is the function `report`, which
`end_to_end_peer.py` also calls on store tables it reads from the bundles' CSVs.

Not done here, and done by the report: formatting of rates, disclosure control
(`src/report/published/protect.rs`) and the manifest. Not timed by the benchmark: the
policy and calendar, resolved by `oversight report --export-inputs` (milliseconds).

Usage:
    oversight report --store STORE --policy POLICY --as-of DATE --export-inputs INPUTS
    python3 tools/duckdb/report_peer.py --inputs INPUTS --out OUT [--store STORE]
        [--threads N] [--earlier-years N] [--timings]

--timings prints one JSON line on stdout: {"engine", "version", "threads", "load_s",
"queries_s", "earlier_s", "write_s", "total_s"}; without it the same figures go to
stderr.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import time
from pathlib import Path

import duckdb

from run_queries import WRITTEN_LAYERS, dialect, output_select, quote_ident, quote_text

# How many years before the report year the trend shows (oversight's
# report::EARLIER_YEARS).
EARLIER_YEARS = 2


def reads(sql: str, name: str) -> bool:
    """Whether `sql` names the table `name` as a whole word (oversight's
    metrics::reads)."""
    return re.search(r"(?<![A-Za-z0-9_])" + re.escape(name) + r"(?![A-Za-z0-9_])", sql) is not None


def needed(queries: list[dict], sqls: dict[str, str], wanted: set[str]) -> list[dict]:
    """The queries `wanted` needs, and every earlier query they read, in run order
    (oversight's metrics::needed)."""
    keep: list[dict] = []
    for query in reversed(queries):
        if query["name"] in wanted or any(reads(sqls[k["name"]], query["name"]) for k in keep):
            keep.append(query)
    return list(reversed(keep))


def use(con: duckdb.DuckDBPyConnection, schema: str) -> None:
    """Makes `schema` the one new tables go to and names are looked up in first, then the
    policy inputs, then the store."""
    con.execute(f"use memory.{quote_ident(schema)}")
    con.execute(f"set search_path = 'memory.{schema},memory.inputs,memory.store'")


def load_store(con: duckdb.DuckDBPyConnection, store: Path, manifest: dict) -> None:
    """Each store table into schema `store`, read once over every file of the exported
    version, columns typed as the manifest says."""
    con.execute("create schema store")
    for table in manifest["store_tables"]:
        name = f"store.{quote_ident(table['name'])}"
        files = [str(store / f) for f in table["files"]]
        if not files:
            con.execute(f"create table {name} ({table['columns']})")
            continue
        columns = [c.rsplit(" ", 1) for c in table["columns"].split(", ")]
        select = ", ".join(
            f"cast({quote_ident(c)} as {t}) as {quote_ident(c)}" for c, t in columns
        )
        listed = "[" + ", ".join(quote_text(f) for f in files) + "]"
        con.execute(
            f"create table {name} as select {select} "
            f"from read_parquet({listed}, hive_partitioning = true, "
            "hive_types = {'trust_id': 'VARCHAR'})"
        )


def load_inputs(con: duckdb.DuckDBPyConnection, inputs: Path, manifest: dict) -> None:
    """The exported policy tables into schema `inputs`."""
    con.execute("create schema inputs")
    for table in manifest["tables"]:
        path = inputs / f"{table['name']}.parquet"
        con.execute(
            f"create table inputs.{quote_ident(table['name'])} as "
            f"select * from read_parquet({quote_text(str(path))})"
        )


def run(con: duckdb.DuckDBPyConnection, queries: list[dict], sqls: dict[str, str]) -> None:
    """Each query as a table of the current schema, in order; a result named like a store
    table (`actions`) hides it from the queries after it, as in oversight."""
    for query in queries:
        try:
            con.execute(f"create table {quote_ident(query['name'])} as\n{sqls[query['name']]}")
        except duckdb.Error as error:
            raise SystemExit(f"report_peer.py: queries/{query['file']}: {error}") from None


def earlier_years(con: duckdb.DuckDBPyConnection, count: int) -> list[tuple[str, str]]:
    """Up to `count` academic years of the calendar before the report year, oldest first,
    as (year, schema), each schema holding that year's `report_params`: the same as-of
    date, the year's own first and last day."""
    years = con.execute(
        "select cp.academic_year, cp.starts_on, cp.ends_on from inputs.calendar_periods cp, "
        "inputs.report_params p where cp.granularity = 'academic_year' "
        "and cp.academic_year < p.report_year order by cp.academic_year desc limit ?",
        [count],
    ).fetchall()
    made = []
    for year, starts, ends in reversed(years):
        schema = "year_" + re.sub(r"[^0-9]", "_", year)
        con.execute(f"create schema {quote_ident(schema)}")
        con.execute(
            f"create table {quote_ident(schema)}.report_params as select as_of, "
            "?::varchar as report_year, ?::date as year_starts_on, ?::date as year_ends_on "
            "from inputs.report_params",
            [year, starts, ends],
        )
        made.append((year, schema))
    return made


def read_queries(manifest: dict, queries: Path) -> dict[str, str]:
    """The SQL of each query the manifest lists, by name, from the folder `queries`."""
    return {
        q["name"]: dialect(q["file"], (queries / q["file"]).read_text(encoding="utf-8"))
        for q in manifest["queries"]
    }


def report(
    con: duckdb.DuckDBPyConnection,
    manifest: dict,
    sqls: dict[str, str],
    out: Path,
    earlier_count: int = EARLIER_YEARS,
) -> dict:
    """The report's tables, from the store tables already in schema `store` and the
    inputs in schema `inputs`: every query of the report year (schema `report`), the
    trend's queries for up to `earlier_count` earlier years, then every restricted and
    governors' table written as `<out>/<layer>/<name>.csv`. Returns the earlier years
    and the seconds of each step: {"earlier_years", "queries_s", "earlier_s",
    "write_s"}."""
    queries = manifest["queries"]
    started = time.perf_counter()
    con.execute("create schema report")
    use(con, "report")
    run(con, queries, sqls)
    computed = time.perf_counter()

    years = earlier_years(con, earlier_count)
    for _year, schema in years:
        use(con, schema)
        run(con, needed(queries, sqls, {"trend"}), sqls)
    earlier = time.perf_counter()

    use(con, "report")
    for query in queries:
        if query["layer"] not in WRITTEN_LAYERS:
            continue
        folder = out / query["layer"]
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{query['name']}.csv"
        # The trend: the earlier years' half-terms first, oldest first, then the
        # report year's.
        schemas = [s for _, s in years] if query["name"] == "trend" else []
        select = " union all ".join(
            f"({output_select(con, query['name'], schema)})" for schema in schemas + ["report"]
        )
        con.execute(f"copy ({select}) to {quote_text(str(path))} (format csv, header)")
    finished = time.perf_counter()
    return {
        "earlier_years": [y for y, _ in years],
        "queries_s": round(computed - started, 4),
        "earlier_s": round(earlier - computed, 4),
        "write_s": round(finished - earlier, 4),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--inputs", required=True, type=Path)
    parser.add_argument("--out", required=True, type=Path)
    parser.add_argument("--store", type=Path)
    add_run_arguments(parser)
    args = parser.parse_args()

    def load(con: duckdb.DuckDBPyConnection, manifest: dict) -> dict:
        load_store(con, args.store or Path(manifest["store"]), manifest)
        return {}

    return run_peer(args, load)


def add_run_arguments(parser: argparse.ArgumentParser) -> None:
    """The options every report peer takes besides where its inputs are."""
    here = Path(__file__).resolve().parent
    parser.add_argument("--queries", type=Path, default=here.parent.parent / "queries")
    parser.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--earlier-years", type=int, default=EARLIER_YEARS)
    parser.add_argument("--timings", action="store_true")


def run_peer(args: argparse.Namespace, load) -> int:
    """A report peer's run: `load(con, manifest)` fills schema `store` (and returns
    figures of its own for the timings line), then the policy inputs are loaded and
    `report()` computes and writes every table. Prints one JSON line of timings: on
    stdout with --timings, else on stderr."""
    # The restricted tables name staff and carry case refs: readable by the owner only.
    os.umask(0o077)
    started = time.perf_counter()
    manifest = json.loads((args.inputs / "manifest.json").read_text(encoding="utf-8"))
    sqls = read_queries(manifest, args.queries)
    con = duckdb.connect()
    con.execute(f"set threads = {int(args.threads)}")
    own = load(con, manifest)
    load_inputs(con, args.inputs, manifest)
    loaded = time.perf_counter()
    steps = report(con, manifest, sqls, args.out, args.earlier_years)
    finished = time.perf_counter()

    figures = {
        "engine": "duckdb",
        "version": duckdb.__version__,
        "threads": con.execute("select current_setting('threads')").fetchone()[0],
        "earlier_years": steps["earlier_years"],
        "load_s": round(loaded - started, 4),
        **own,
        "queries_s": steps["queries_s"],
        "earlier_s": steps["earlier_s"],
        "write_s": steps["write_s"],
        "total_s": round(finished - started, 4),
    }
    print(json.dumps(figures), file=sys.stdout if args.timings else sys.stderr)
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except (OSError, duckdb.Error, KeyError, ValueError) as error:
        print(f"report_peer.py: error: {error}", file=sys.stderr)
        sys.exit(1)
