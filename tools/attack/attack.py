#!/usr/bin/env python3
"""An independent attacker on a report's published set (issue #21, item 2).

Spec 02, "Disclosure control for governors and inspectors": no suppressed cell may be
recoverable from the rest of the published set; using every relation a reader can use,
the values a suppressed cell can still take must include at least two of
1..suppress_below-1. This script is that reader. It reads ONLY what is published:

- `governors/*.csv` of a report folder (a cell written `c` is suppressed), and
- `manifest.json` for `suppress_below` (the policy's threshold, which the manifest
  publishes with the files).

It builds the reader's equations from the spec's relations and the CSV columns alone,
independently of oversight's disclosure engine (`crates/disclosure`,
`src/report/published/protect.rs`): nothing here is imported from, or copied out of,
that code. A maintained integer-programming solver (HiGHS, through scipy.optimize.milp)
then answers, for every suppressed cell and every value v of the protection range,
"can this cell be v, with every other cell consistent?".

The reader's knowledge:
- every `c` is an integer >= 0, and nothing more: a primary cell is 1..suppress_below-1,
  but a complement may be 0 or any larger count, and the published set does not say
  which `c` is which;
- a shown cell is a constant;
- relation 1: a trust's TOTAL row of `summary.csv` is the sum of its schools' rows, for
  open_cases, drifting_cases and no_owner_cases (the trust's schools: every school row of
  that trust in `summary.csv` or `drift_by_school.csv`);
- relation 2: the same figure printed in two places is one cell. A school's
  open_cases/drifting in `drift_by_school.csv` and open_cases/drifting_cases in
  `summary.csv` are one variable each, and so are its `no_owner` flag count and
  `no_owner_cases`. A figure shown in one place and `c` in another is pinned there and
  then (and two different shown values for one figure are a contradiction);
- relation 3: a school's open_cases is at least the sum of its DSLs' and deputies'
  open_cases in `workload_dsl.csv` (rows keyed by trust_id, school_urn). The equality
  the spec adds "when every open case of the school is owned by a DSL or deputy" is not
  used: nothing published tells a reader when that is so. (Where a DSL owns cases at
  another school the inequality can be false: shown figures that break it are reported
  as a contradiction, exit 2, and the tests check every bound printed against the real
  figures);
- relation 4 (a weighted caseload is the sum of weight x category count) is NOT used:
  it needs the policy's weights and per-category counts, which the governors' files do
  not print, and `weighted_caseload` is `c` exactly when the row's open_cases is. Its
  `c` cells are listed as `skipped` in the result, not checked;
- relation 5: each flag's count <= drifting <= open_cases, for school rows and for the
  TOTAL rows (no_owner_cases <= drifting_cases <= open_cases);
- relation 6: a school's drifting <= the sum of its six flag counts (overdue_action,
  not_reviewed, no_progress, escalated_stale, carried_over, no_owner): every drifting
  case has at least one flag;
- relation 7: `since.csv` (`report --since`) prints open_cases and drifting_cases beside
  the earlier report's cells with the direction in words; beside an earlier number, up,
  down and same bound the figure now (a reader knows every cell the earlier report
  printed). The earlier cells themselves are that report's, protected by it: skipped.

The spec: the values a `c` can still take "must include at least two of
1..suppress_below - 1 (never a single value, and never 0)"; the range is 1..2 when
suppress_below is 2, as "two of 1..1" cannot be met. For every `c` with fewer than two
values of the range left, the result says what the reader learns (`kind`):
- `small`: exactly one value of the range is left: a small count is recovered (or is
  the only small value it can be);
- `exact`: no value of the range is left and the cell has one value: a complement is
  recovered exactly (issue #21's Lowfield: drifting = 7);
- `not_small`: no value of the range is left: the reader knows the `c` is 0 or at least
  suppress_below, so a complement and not a small count;
- `shown_elsewhere`: relation 2, the figure is printed in another place.

A cell is **pinned** (exit 1) when a small count is given away: `small` and
`shown_elsewhere`. `exact` and `not_small` are listed as `narrowed`, not pinned: they
say a `c` is a complement (0 or at least suppress_below) and, for `exact`, which one;
no child's small count follows from them alone, and whatever does follow is itself a
`small` pin. This is the reading docs/decisions.md ("Who the audit protects against")
gives the spec's rule and oversight's own audit applies: taken to the letter, a
complement that must cover a DSL over the caseload threshold (always shown) could never
be protected. `PINNED_KINDS` is the one place the rule is written.

Suppressed cells are split into components (cells linked by a relation; shown cells are
constants, so components are independent): a component is one trust at most, so a
national report stays fast. Each feasibility question is one MILP with the cell fixed;
every solution found is kept as a witness, and a value some witness already takes is
not asked again.

Usage:
    python3 tools/attack/attack.py REPORT_DIR [--pretty]

Prints one JSON object on stdout: suppress_below, the protection range, cells checked
(every `c` of a modelled column; `figures_hidden` counts a figure printed twice once),
components, solver calls, seconds, and the lists `pinned` (each with its kind, the
feasible values of the range, and the least and greatest value a reader can give the
cell, `greatest` null when unbounded), `skipped` (the `c` cells of relation 4, not
checked) and `contradictions`. Cells are labelled by the published rows' keys (file,
line with the header as line 1, trust_id, school_urn, school_name or role and
display_name, column): ids, never children's data.

    python3 tools/attack/attack.py REPORT_DIR --without 6

leaves a relation out, to see which relation a pin needs (a weaker reader: never the
check itself).

Exit status: 0 nothing pinned; 1 at least one cell pinned; 2 the published set could not
be attacked as a whole (unreadable input, a `c` in a column no relation here knows, or
the published figures contradict a relation: the reader's model would then be unsound).
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp

SUPPRESSED = "c"

# The six drift flags, as `drift_by_school.csv` names its columns (spec 02 §4).
FLAGS = (
    "overdue_action",
    "not_reviewed",
    "no_progress",
    "escalated_stale",
    "carried_over",
    "no_owner",
)

# Which published column holds which figure of a row: file -> {column: figure}.
# A figure is a school's (or a TOTAL row's) count, named once for every file it is
# printed in (relation 2).
FIGURE_COLUMNS = {
    "drift_by_school.csv": {
        "open_cases": "open_cases",
        "drifting": "drifting",
        **{flag: flag for flag in FLAGS},
    },
    "summary.csv": {
        "open_cases": "open_cases",
        "drifting_cases": "drifting",
        "no_owner_cases": "no_owner",
    },
    "workload_dsl.csv": {"open_cases": "open_cases"},
    # `report --since`: the same figures as summary.csv's (relation 2), beside the earlier
    # report's (relation 7, below).
    "since.csv": {
        "open_cases": "open_cases",
        "drifting_cases": "drifting",
    },
}

# since.csv: each case-count figure, the earlier report's cell beside it and the
# direction in words (relation 7).
SINCE_COLUMNS = {
    "open_cases": ("open_cases_was", "open_cases_direction"),
    "drifting_cases": ("drifting_cases_was", "drifting_cases_direction"),
}

# Columns whose `c` is known and deliberately not modelled, with the reason.
SKIPPED_COLUMNS = {
    ("workload_dsl.csv", "weighted_caseload"): (
        "relation 4 (weights x category counts) is not modelled: the weights are policy, "
        "the category counts are not published, and the cell is c with open_cases"
    ),
    ("summary.csv", "drifting_cases_per_100_open"): (
        "worked out from drifting_cases and open_cases, and c when either is: it is shown "
        "only beside both, so it adds nothing a reader lacks"
    ),
    ("summary.csv", "drifting_rating"): (
        "judges drifting_cases_per_100_open against the school's target, and is c with it"
    ),
    **{
        ("since.csv", column): (
            "the earlier report's cell, printed as it was then: that report's protection"
        )
        for column in (
            "open_cases_was", "drifting_cases_was", "frequency_met_pct_was",
            "actions_on_time_pct_was", "recorded_on_time_pct_was",
            "functions_balanced_pct_was", "overdue_actions_was", "dsls_over_caseload_was",
        )
    },
    **{
        ("since.csv", column): "relation 7: a direction printed as c tells nothing"
        for column in (
            "open_cases_direction", "drifting_cases_direction", "frequency_met_direction",
            "actions_on_time_direction", "recorded_on_time_direction",
            "functions_balanced_direction", "overdue_actions_direction",
            "dsls_over_caseload_direction",
        )
    },
}

# The roles of relation 3: "its DSLs' and deputies' open cases".
DSL_ROLES = ("DSL", "DDSL")

# Row keys of each file, for labels and figure identity.
ROW_KEYS = {
    "drift_by_school.csv": ("trust_id", "school_urn", "school_name"),
    "summary.csv": ("trust_id", "school_urn", "school_name"),
    "workload_dsl.csv": ("trust_id", "school_urn", "role", "display_name"),
    "since.csv": ("trust_id", "school_urn", "school_name"),
}

TOTAL = "TOTAL"


class AttackError(Exception):
    """The published set cannot be attacked as a whole (exit status 2)."""


@dataclass(frozen=True)
class Place:
    """One printed cell: a file, its line (the header is line 1), the row's keys, a column."""

    file: str
    line: int
    keys: tuple[tuple[str, str], ...]
    column: str
    text: str

    def label(self) -> dict:
        return {
            "file": f"governors/{self.file}",
            "line": self.line,
            **dict(self.keys),
            "column": self.column,
        }

    def short(self) -> str:
        keys = ",".join(v for _, v in self.keys)
        return f"governors/{self.file}:{self.line} [{keys}] {self.column}"


# A figure's identity: ("school", trust_id, school_urn or TOTAL, figure) or
# ("staff", trust_id, school_urn, file line, figure) for a workload_dsl.csv row.
Figure = tuple


@dataclass
class Published:
    """What a reader has: the threshold and every printed case-count figure."""

    suppress_below: int
    places: dict[Figure, list[Place]] = field(default_factory=dict)
    # (trust_id, school_urn) of every school row, TOTAL rows apart, in order of reading.
    schools: dict[str, list[str]] = field(default_factory=dict)
    # (trust_id, school_urn) -> the figures of its DSL and deputy rows.
    dsl_rows: dict[tuple[str, str], list[Figure]] = field(default_factory=dict)
    skipped: list[tuple[Place, str]] = field(default_factory=list)
    unknown: list[Place] = field(default_factory=list)
    # since.csv: (figure, the earlier report's cell, the direction printed).
    directions: list[tuple[Figure, str, str]] = field(default_factory=list)

    def has(self, figure: Figure) -> bool:
        return figure in self.places


def read_published(report: Path) -> Published:
    """Reads manifest.json's suppress_below and every governors' CSV."""
    manifest_path = report / "manifest.json"
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise AttackError(f"{manifest_path}: {error}") from None
    threshold = (manifest.get("disclosure") or {}).get("suppress_below")
    if threshold is None:
        threshold = ((manifest.get("policy") or {}).get("resolved") or {}).get("suppress_below")
    if not isinstance(threshold, int) or threshold < 2:
        raise AttackError(f"{manifest_path}: no suppress_below of at least 2")
    published = Published(suppress_below=threshold)

    folder = report / "governors"
    files = sorted(folder.glob("*.csv"))
    if not files:
        raise AttackError(f"{folder}: no governors' CSV files")
    for path in files:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            header = reader.fieldnames or []
            keys = ROW_KEYS.get(path.name, ())
            for column in keys:
                if column not in header:
                    raise AttackError(f"{path}: no column {column}")
            figures = FIGURE_COLUMNS.get(path.name, {})
            for column in figures:
                if column not in header:
                    raise AttackError(f"{path}: no column {column}")
            for index, row in enumerate(reader):
                line = index + 2
                read_row(published, path.name, line, row, keys, figures, header)
    return published


def read_row(
    published: Published,
    file: str,
    line: int,
    row: dict,
    keys: tuple[str, ...],
    figures: dict[str, str],
    header: list[str],
) -> None:
    key_values = tuple((k, row[k]) for k in keys)
    trust = row.get("trust_id", "")
    urn = row.get("school_urn", "")
    if file == "workload_dsl.csv":
        owner: Figure | None = ("staff", trust, urn, line)
        if row["role"] in DSL_ROLES:
            published.dsl_rows.setdefault((trust, urn), [])
    elif figures:
        owner = ("school", trust, urn)
        if file == "since.csv":
            for column, (was, direction) in SINCE_COLUMNS.items():
                published.directions.append(
                    ((*owner, figures[column]), row[was], row[direction])
                )
        if urn != TOTAL and urn not in published.schools.setdefault(trust, []):
            published.schools[trust].append(urn)
    else:
        owner = None
    for column in header:
        text = row[column]
        place = Place(file, line, key_values, column, text)
        if column in figures:
            figure = (*owner, figures[column])
            if text != SUPPRESSED:
                try:
                    value = int(text)
                except ValueError:
                    raise AttackError(f"{place.short()}: {text!r} is not a count") from None
                if value < 0:
                    raise AttackError(f"{place.short()}: negative count {value}")
            published.places.setdefault(figure, []).append(place)
            if file == "workload_dsl.csv" and row["role"] in DSL_ROLES:
                published.dsl_rows[(trust, urn)].append(figure)
        elif text == SUPPRESSED:
            reason = SKIPPED_COLUMNS.get((file, column))
            if reason is None:
                published.unknown.append(place)
            else:
                published.skipped.append((place, reason))


# ---------------------------------------------------------------------------------------
# Relations: each yields linear constraints over figures, `lo <= sum(coef * figure) <= hi`.


@dataclass
class Constraint:
    relation: str
    terms: dict[Figure, int]
    lo: float
    hi: float
    about: str


@dataclass
class Reader:
    """Everything the relations read."""

    published: Published

    def places(self) -> dict[Figure, list[Place]]:
        """Every printed figure the reader has."""
        return dict(self.published.places)


def trust_totals(reader: Reader) -> Iterator[Constraint]:
    """Relation 1: a trust's TOTAL row is the sum of its schools' cells."""
    p = reader.published
    for trust, schools in p.schools.items():
        for name in ("open_cases", "drifting", "no_owner"):
            total = ("school", trust, TOTAL, name)
            if not p.has(total):
                continue
            terms = {total: 1}
            for urn in schools:
                school = ("school", trust, urn, name)
                if not p.has(school):
                    raise AttackError(f"{trust} {urn}: no {name} for relation 1")
                terms[school] = terms.get(school, 0) - 1
            yield Constraint("1", terms, 0, 0, f"{trust} TOTAL {name} = sum of its schools")


def dsl_caseloads(reader: Reader) -> Iterator[Constraint]:
    """Relation 3: a school's open cases are at least its DSLs' and deputies' together."""
    p = reader.published
    for (trust, urn), rows in p.dsl_rows.items():
        school = ("school", trust, urn, "open_cases")
        if not rows or not p.has(school):
            continue
        terms = {school: 1}
        for figure in rows:
            terms[figure] = terms.get(figure, 0) - 1
        yield Constraint("3", terms, 0, np.inf, f"{trust} {urn} open_cases >= its DSLs'")


def within_drifting(reader: Reader) -> Iterator[Constraint]:
    """Relation 5: each flag's count <= drifting <= open_cases (TOTAL rows too)."""
    p = reader.published
    rows = {figure[:3] for figure in p.places if figure[0] == "school"}
    for row in sorted(rows):
        trust, urn = row[1], row[2]
        drifting, open_cases = (*row, "drifting"), (*row, "open_cases")
        if p.has(drifting) and p.has(open_cases):
            yield Constraint(
                "5", {open_cases: 1, drifting: -1}, 0, np.inf,
                f"{trust} {urn} drifting <= open_cases",
            )
        if not p.has(drifting):
            continue
        for flag in FLAGS:
            figure = (*row, flag)
            if p.has(figure):
                yield Constraint(
                    "5", {drifting: 1, figure: -1}, 0, np.inf,
                    f"{trust} {urn} {flag} <= drifting",
                )


def drifting_within_flags(reader: Reader) -> Iterator[Constraint]:
    """Relation 6: drifting <= the sum of the six flags' counts (every drifting case has
    a flag). Only where all six are printed: the schools of `drift_by_school.csv`."""
    p = reader.published
    rows = {figure[:3] for figure in p.places if figure[0] == "school"}
    for row in sorted(rows):
        drifting = (*row, "drifting")
        flags = [(*row, flag) for flag in FLAGS]
        if not p.has(drifting) or not all(p.has(f) for f in flags):
            continue
        terms = {f: 1 for f in flags}
        terms[drifting] = -1
        yield Constraint("6", terms, 0, np.inf, f"{row[1]} {row[2]} drifting <= sum of flags")


def beside_earlier(reader: Reader) -> Iterator[Constraint]:
    """Relation 7: a figure printed beside the earlier report's with a direction: up is
    now >= then + 1, down now <= then - 1, same now = then, where the earlier cell is a
    number (a reader knows every cell the earlier report printed). Beside an earlier `c`
    the direction would relate two unknowns of different reports; it is not modelled
    (oversight prints none there)."""
    for figure, was, direction in reader.published.directions:
        try:
            before = int(was)
        except ValueError:
            continue
        bounds = {"up": (before + 1, np.inf), "down": (-np.inf, before - 1),
                  "same": (before, before)}.get(direction)
        if bounds is not None:
            yield Constraint(
                "7", {figure: 1}, *bounds,
                f"{figure[1]} {figure[2]} {figure[3]} {direction} from {before}",
            )


# Relation 2 is not a constraint: it is the identity of a figure (one variable for every
# place it is printed, see `Published.places`). Relation 4 is not modelled (see the module
# docstring and SKIPPED_COLUMNS).
#
RELATIONS: list[tuple[str, Callable[[Reader], Iterator[Constraint]]]] = [
    ("1", trust_totals),
    ("3", dsl_caseloads),
    ("5", within_drifting),
    ("6", drifting_within_flags),
    ("7", beside_earlier),
]


# ---------------------------------------------------------------------------------------
# The attack.


@dataclass
class Model:
    values: dict[Figure, int]  # shown figures
    variables: list[Figure]  # figures printed only as `c`
    constraints: list[tuple[Constraint, dict[int, int], float, float]]
    shown_elsewhere: list[tuple[Place, int, Place]]
    contradictions: list[str]


def build_model(reader: Reader, without: frozenset[str] = frozenset()) -> Model:
    values: dict[Figure, int] = {}
    variables: list[Figure] = []
    shown_elsewhere = []
    contradictions = []
    for figure, places in reader.places().items():
        shown = [pl for pl in places if pl.text != SUPPRESSED]
        if not shown:
            variables.append(figure)
            continue
        distinct = sorted({int(pl.text) for pl in shown})
        if len(distinct) > 1:
            contradictions.append(
                "relation 2: one figure printed as "
                + " and ".join(f"{pl.text} ({pl.short()})" for pl in shown)
            )
        values[figure] = int(shown[0].text)
        for pl in places:
            if pl.text == SUPPRESSED:
                shown_elsewhere.append((pl, int(shown[0].text), shown[0]))
    index = {figure: i for i, figure in enumerate(variables)}
    constraints = []
    for name, relation in RELATIONS:
        if name in without:
            continue
        for constraint in relation(reader):
            constant = sum(c * values[f] for f, c in constraint.terms.items() if f in values)
            terms = {index[f]: c for f, c in constraint.terms.items() if f in index and c != 0}
            lo, hi = constraint.lo - constant, constraint.hi - constant
            if not terms:
                if not lo <= 0 <= hi:
                    contradictions.append(
                        f"relation {constraint.relation}: {constraint.about} is false for "
                        "the shown figures"
                    )
                continue
            constraints.append((constraint, terms, lo, hi))
    return Model(values, variables, constraints, shown_elsewhere, contradictions)


def components(model: Model) -> list[tuple[list[int], list[int]]]:
    """(variables, constraint indices) of each component: variables linked by a constraint."""
    parent = list(range(len(model.variables)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for _, terms, _, _ in model.constraints:
        first, *rest = terms
        for other in rest:
            a, b = find(first), find(other)
            if a != b:
                parent[b] = a
    groups: dict[int, tuple[list[int], list[int]]] = {}
    for i in range(len(model.variables)):
        groups.setdefault(find(i), ([], []))[0].append(i)
    for k, (_, terms, _, _) in enumerate(model.constraints):
        groups[find(next(iter(terms)))][1].append(k)
    return list(groups.values())


class Component:
    """One component's integer program: x >= 0 integer, its constraints."""

    def __init__(self, model: Model, variables: list[int], rows: list[int]):
        self.variables = variables
        self.local = {v: i for i, v in enumerate(variables)}
        n = len(variables)
        self.a = np.zeros((len(rows), n))
        self.lo = np.zeros(len(rows))
        self.hi = np.zeros(len(rows))
        for r, k in enumerate(rows):
            _, terms, lo, hi = model.constraints[k]
            for v, c in terms.items():
                self.a[r, self.local[v]] = c
            self.lo[r], self.hi[r] = lo, hi
        self.calls = 0
        self.witnesses: list[np.ndarray] = []

    def solve(self, fix: tuple[int, int] | None = None, objective: np.ndarray | None = None):
        """A solution (integers), None when infeasible; 'unbounded' for an unbounded objective."""
        n = len(self.variables)
        lower = np.zeros(n)
        upper = np.full(n, np.inf)
        if fix is not None:
            lower[fix[0]] = upper[fix[0]] = fix[1]
        constraints = [LinearConstraint(self.a, self.lo, self.hi)] if len(self.lo) else []
        self.calls += 1
        result = milp(
            c=np.zeros(n) if objective is None else objective,
            integrality=np.ones(n),
            bounds=Bounds(lower, upper),
            constraints=constraints,
            options={"time_limit": 120.0},
        )
        if result.status == 0:
            x = np.round(result.x).astype(np.int64)
            if not self.holds(x, fix):
                raise AttackError("the solver's solution does not satisfy the equations")
            return x
        if result.status == 2:
            return None
        if result.status == 3:
            return "unbounded"
        raise AttackError(f"the solver stopped: {result.message}")

    def holds(self, x: np.ndarray, fix: tuple[int, int] | None) -> bool:
        if (x < 0).any() or (fix is not None and x[fix[0]] != fix[1]):
            return False
        if not len(self.lo):
            return True
        ax = self.a @ x
        return bool(((ax >= self.lo - 1e-6) & (ax <= self.hi + 1e-6)).all())

    def feasible(self, i: int, value: int) -> bool:
        if any(w[i] == value for w in self.witnesses):
            return True
        x = self.solve(fix=(i, value))
        if x is None:
            return False
        self.witnesses.append(x)
        return True

    def extreme(self, i: int, sign: int) -> int | None:
        """The least (sign 1) or greatest (sign -1) value of variable i; None: unbounded."""
        objective = np.zeros(len(self.variables))
        objective[i] = sign
        x = self.solve(objective=objective)
        if isinstance(x, str) or x is None:
            return None
        return int(x[i])


def protection_range(suppress_below: int) -> list[int]:
    """1..suppress_below-1, or 1..2 when suppress_below is 2."""
    return list(range(1, max(suppress_below - 1, 2) + 1))


# The kinds that give away a small count: the report fails with any of them.
PINNED_KINDS = ("small", "shown_elsewhere")


def pin_kind(feasible_small: list[int], least: int, greatest: int | None) -> str | None:
    """The rule: what a reader learns of a suppressed cell, None when it is protected
    (at least two values of the protection range left)."""
    if len(feasible_small) >= 2:
        return None
    if len(feasible_small) == 1:
        return "small"
    if greatest == least:
        return "exact"
    return "not_small"


def attack(report: Path, without: frozenset[str] = frozenset()) -> dict:
    started = time.perf_counter()
    published = read_published(report)
    if published.unknown:
        raise AttackError(
            "a c in a column no relation here models (add it to FIGURE_COLUMNS or "
            "SKIPPED_COLUMNS): " + "; ".join(pl.short() for pl in published.unknown[:10])
        )
    reader = Reader(published)
    places = reader.places()
    model = build_model(reader, without)
    small = protection_range(published.suppress_below)

    pinned = []
    narrowed = []
    for place, value, shown in model.shown_elsewhere:
        pinned.append({
            **place.label(),
            "kind": "shown_elsewhere",
            "why": f"relation 2: shown as {value} at {shown.short()}",
            "feasible_small": [value] if value in small else [],
            "least": value,
            "greatest": value,
        })
    contradictions = list(model.contradictions)
    parts = components(model)
    calls = 0
    largest = 0
    for variables, rows in parts:
        largest = max(largest, len(variables))
        component = Component(model, variables, rows)
        witness = component.solve()
        if witness is None:
            contradictions.append(
                "the reader's equations have no solution for the cells "
                + "; ".join(pl.short() for v in variables
                            for pl in places[model.variables[v]])
            )
            calls += component.calls
            continue
        component.witnesses.append(witness)
        for i, v in enumerate(variables):
            feasible = [value for value in small if component.feasible(i, value)]
            if len(feasible) >= 2:
                continue
            least, greatest = component.extreme(i, 1), component.extreme(i, -1)
            kind = pin_kind(feasible, least, greatest)
            if kind is None:
                continue
            found = pinned if kind in PINNED_KINDS else narrowed
            for place in places[model.variables[v]]:
                found.append({
                    **place.label(),
                    "kind": kind,
                    "feasible_small": feasible,
                    "least": least,
                    "greatest": greatest,
                })
        calls += component.calls

    skipped: dict[str, list[str]] = {}
    for place, why in published.skipped:
        skipped.setdefault(why, []).append(place.short())
    hidden = sum(1 for printed in places.values() for pl in printed if pl.text == SUPPRESSED)
    return {
        "suppress_below": published.suppress_below,
        "protection_range": small,
        "cells_checked": hidden,
        "figures_hidden": len(model.variables),
        "relations": {name: sum(1 for c in model.constraints if c[0].relation == name)
                      for name, _ in RELATIONS if name not in without},
        "components": len(parts),
        "largest_component": largest,
        "solver_calls": calls,
        "seconds": round(time.perf_counter() - started, 3),
        "pinned": pinned,
        "narrowed": narrowed,
        "skipped": [{"why": why, "cells": cells} for why, cells in skipped.items()],
        "contradictions": contradictions,
    }


def main() -> int:
    parser = argparse.ArgumentParser(
        description="Attack a report's published set: which suppressed cells can a reader pin?"
    )
    parser.add_argument("report", type=Path, help="a report folder (governors/, manifest.json)")
    parser.add_argument("--pretty", action="store_true", help="indent the JSON")
    parser.add_argument(
        "--without", action="append", default=[], choices=[name for name, _ in RELATIONS],
        help="leave this relation out (repeatable): to see which relation a pin needs; "
        "a weaker reader, never for the check itself",
    )
    args = parser.parse_args()
    try:
        result = attack(args.report, frozenset(args.without))
    except AttackError as error:
        print(f"attack.py: error: {error}", file=sys.stderr)
        return 2
    print(json.dumps(result, indent=2 if args.pretty else None, ensure_ascii=False))
    if result["contradictions"]:
        print("attack.py: the published figures contradict the reader's relations",
              file=sys.stderr)
        return 2
    return 1 if result["pinned"] else 0


if __name__ == "__main__":
    sys.exit(main())
