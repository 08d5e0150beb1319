#!/usr/bin/env python3
"""Produces the committed canonical bundle sample-data/bundles/north-star/*.csv.

The eight CSVs of the data contract (spec 01) for one invented trust, TR001 "North Star
Learning Trust", with five schools, one per seed policy preset. Every row is stated
below (a few in short loops), with comments on what it is meant to show: see README.md
for the tables per school. Names are invented; case ids (K-1001 ...) are not child identifiers.

The script reads calendar.csv and bank-holidays.csv (hand-written, committed next to it)
for working days: to date some records "n working days later" and to assert the
arithmetic of every planted boundary case (check_boundaries). It uses the standard
library only and writes the same bytes every time it runs:

    python3 sample-data/make_sample.py        # from the repository root, or anywhere

It then checks referential integrity and prints the row counts and the file:line of the
three deliberately bad rows. Designed for the default run on 2026-11-23 (as-of), report
year 2026/27. `--year 2025/26` shows the whole previous year.
"""

import csv
import datetime as dt
import io
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "bundles", "north-star")
AS_OF = dt.date(2026, 11, 23)  # the date the sample was designed for
LAST_RECORD = dt.date(2026, 11, 20)  # nothing is dated after this (except due dates)

D = dt.date.fromisoformat


# --------------------------------------------------------------------------- calendar
def _read(name):
    with open(os.path.join(HERE, name), newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


HALVES = [
    (r["academic_year"], r["term"], int(r["half"]), D(r["starts_on"]), D(r["ends_on"]))
    for r in _read("calendar.csv")
]
BANK = {D(r["date"]) for r in _read("bank-holidays.csv")}


def in_term(d):
    return any(s <= d <= e for (_, _, _, s, e) in HALVES)


def is_working(d):
    return d.weekday() < 5 and d not in BANK and in_term(d)


def working_days(a, b):
    """Working days d with a < d <= b."""
    n, d = 0, a
    while d < b:
        d += dt.timedelta(1)
        n += is_working(d)
    return n


def add_working(a, n):
    d = a
    while n > 0:
        d += dt.timedelta(1)
        n -= is_working(d)
    return d


# --------------------------------------------------------------------------- rendering
def dmy(d):
    return d.strftime("%d/%m/%Y")


def iso(d):
    return "" if d is None else d.isoformat()


def b(x):
    return "true" if x else "false"


FUN = {  # shorthand letter -> function, in the spec's order
    "m": "managerial",
    "d": "developmental",
    "s": "supportive",
    "e": "mediation",
    "a": "multi_agency",
    "v": "voice_of_child",
}


def functions(code):
    return ";".join(FUN[c] for c in "mdseav" if c in code)


# --------------------------------------------------------------------------- the trust
TRUST = ("TR001", "North Star Learning Trust")
SCHOOLS = [
    # urn, name, phase (as written in the export), local authority, seed preset
    ("140001", "Brackenfield School", "secondary", "Northvale", "lode-heath"),
    ("140002", "Saltmarsh Primary School", "Primary", "Northvale", "captain-cook"),
    ("140003", "Keystone Academy", "all_through", "Eastmoor", "cornerstone"),
    ("140004", "Chapel Row School", "special", "Eastmoor", "temple"),
    ("140005", "Larkspur Meadow Centre", "alternative_provision", "Westdale", "ashbury-meadow"),
]
DIGIT = {s[0]: s[0][-1] for s in SCHOOLS}  # 140001 -> "1": ids S-1xxx, A-1xxx, K-1xxx

STAFF = []  # rows as dicts of rendered text


def staff(sid, urn, name, role, started, left=None, trained=None, raw=None, dsl=None):
    row = {
        "staff_id": sid,
        "school_urn": urn,
        "display_name": name,
        "role": role,
        "started_on": started,
        "left_on": left or "",
        "supervisor_trained_on": trained or "",
        "dsl_trained_on": dsl or "",  # DSL training of DSLs and deputies (spec 01)
    }
    row.update(raw or {})
    STAFF.append(row)


LH, CC, CO, TE, AM = "140001", "140002", "140003", "140004", "140005"

# Trust-wide external clinical supervisor, on the first school's roll.
staff("ST-1190", LH, "Dr Fenella Marsh (external clinical supervisor)", "EXTERNAL",
      "2024-09-01", trained="2025-05-01")
# 140001 Brackenfield School: Lode Heath preset
staff("ST-1101", LH, "Ms Harriet Quillon", "DSL", "2019-09-01", trained="2024-06-01",  # lapsed 2026-06-01
      dsl="2025-01-20")
staff("ST-1102", LH, "Mr Owen Brackley", "DDSL", "2021-09-01", trained="2025-02-10", dsl="2025-02-10")
staff("ST-1103", LH, "Mrs Priya Lanthorn", "YEAR_HEAD", "2018-09-01")
staff("ST-1104", LH, "Mr Callum Ferrow", "PASTORAL_LEAD", "2022-01-04")
staff("ST-1105", LH, "Dunmore, Ada (Ms)", "SENCO", "2017-09-01")
staff("ST-1106", LH, "Mrs Gwen O'Hallan", "FAMILY_SUPPORT", "2020-09-01")
staff("ST-1107", LH, "Dr Martin Ellery", "HEADTEACHER", "2016-01-04", trained="2025-09-20")
staff("ST-1108", LH, "Mr Tomas Verrill", "TEACHER", "2023-09-01")
# 140002 Saltmarsh Primary School: Captain Cook preset
staff("ST-1201", CC, "Mrs Joanna Pettifer", "DSL", "2016-09-01", trained="2022-10-11",  # lapsed 2024-10-11
      dsl="2024-06-12")  # DSL training lapsed 2026-06-12
staff("ST-1202", CC, "Mr Rhys Calloway", "DDSL", "2020-09-01", trained="2025-01-15", dsl="2025-03-04")
staff("ST-1203", CC, "Ms Bethan Hollis", "PASTORAL_LEAD", "2021-04-12")
staff("ST-1204", CC, "Ms Nadia Strand", "DDSL", "14/09/2026", trained="2026-06-20",  # joined 2026-09-14
      dsl="2026-06-20")
staff("ST-1205", CC, "Mr Graham Tolley", "HEADTEACHER", "2015-09-01", trained="2024-11-20")  # valid to 2026-11-20
staff("ST-1206", CC, "Miss Erin Vane", "TEACHER", "2024-09-02")
# 140003 Keystone Academy: Cornerstone preset
staff("ST-1301", CO, "Mr Daniel Okafor-Reeve", "DSL", "2017-09-01", trained="2025-10-01",
      dsl="2025-10-01")
staff("ST-1302", CO, "Ms Lucy Aintree", "DDSL", "2019-09-01")
staff("ST-1303", CO, "Mrs Sana Mirfield", "PASTORAL_LEAD", "2020-01-06")
staff("ST-1304", CO, "Mr Ieuan Pryce", "YEAR_HEAD", "2015-09-01")
staff("ST-1305", CO, "Ms Kerry Blandford", "YEAR_HEAD", "2012-09-01", left="2026-02-13")  # left mid-year
staff("ST-1306", CO, "Mrs Alison Brereton", "HEADTEACHER", "2014-09-01")  # never trained
staff("ST-1307", CO, "Mr Felix Arundel", "SENCO", "2022-09-01")
staff("ST-1308", CO, "Ms Hannah Lowther", "TEACHER", "2021-09-01")
# 140004 Chapel Row School: Temple preset
staff("ST-1401", TE, "Ms Imogen Tarrant", "DSL", "2018-09-01", trained="2025-11-15", dsl="2025-11-15")
staff("ST-1402", TE, "Mr Kwame Ashdown", "DDSL", "2020-09-01", dsl="2024-11-30")  # due 2026-11-30
staff("ST-1403", TE, "Ms Yasmin Colebrook", "DDSL", "2026-01-05", dsl="2026-01-12")  # joined mid-year
staff("ST-1404", TE, "Mr Patrick Wendle", "HEADTEACHER", "2013-04-15", trained="2024-03-01")  # lapsed 2026-03-01
staff("ST-1405", TE, "Mrs Dawn Fairlie", "PASTORAL_LEAD", "2019-01-07")
staff("ST-1406", TE, "Mr Samuel Rook", "TEACHER", "2022-09-01")
# 140005 Larkspur Meadow Centre: Ashbury Meadow preset
staff("ST-1501", AM, "Mr Adrian Heathcote", "dsl", "2019-04-23", trained="2024-09-30",  # lapsed 2026-09-30
      dsl="2024-11-23")  # DSL training due on the as-of date 2026-11-23: still current
staff("ST-1502", AM, "Ms Chloe Varga", "DDSL", "01/09/2021", trained="2025-03-03", dsl="2025-03-03")
staff("ST-1503", AM, "Mr Lewis Penhallow", "DDSL", "2018-09-01", left="2026-10-16")  # left mid-half-term
staff("ST-1504", AM, "Ms Farah Whitlock", "PASTORAL_LEAD", "2023-09-01")
staff("ST-1505", AM, "Mrs Moira Castell", "HEADTEACHER", "2017-09-01", trained="2025-06-20")
staff("ST-1506", AM, "Mr Jon Ravel", "TEACHER", "2024-01-08")
staff("ST-1507", AM, "Ms Tilly Brennan", "TEACHING_ASSISTANT", "2025-09-01")

CONTRACTS = []


def contract(supervisee, supervisor, agreed, review):
    CONTRACTS.append((supervisee, supervisor, agreed, review))


# Saltmarsh (Captain Cook): written agreements.
contract("ST-1201", "ST-1205", "2024-09-05", "2025-09-05")
contract("ST-1201", "ST-1205", "2025-09-15", "2026-09-15")  # not renewed: 2026-11-20 session out of date
contract("ST-1202", "ST-1201", "2025-09-10", "2026-09-10")  # not renewed: 2026/27 sessions out of date
contract("ST-1203", "ST-1201", "2024-09-18", "2025-09-18")
contract("ST-1203", "ST-1201", "2025-09-17", "2026-09-17")
contract("ST-1203", "ST-1201", "2026-09-08", "2027-09-08")
contract("ST-1204", "ST-1202", "2026-09-14", "2027-09-14")
# Chapel Row (Temple): contracts reviewed yearly.
contract("ST-1401", "ST-1404", "2024-09-11", "2025-09-11")
contract("ST-1401", "ST-1404", "2025-09-10", "2026-09-10")
contract("ST-1401", "ST-1404", "2026-09-10", "2027-09-10")
contract("ST-1402", "ST-1401", "2024-06-28", "2025-06-28")
contract("ST-1402", "ST-1401", "2025-06-30", "2026-06-30")  # lapsed: 2026-10-07 session out of date
contract("ST-1403", "ST-1404", "2026-01-05", "2027-01-05")  # with the head, but the DSL supervises her
# Larkspur Meadow (Ashbury Meadow).
contract("ST-1501", "ST-1505", "2025-09-02", "2026-09-02")
contract("ST-1501", "ST-1505", "2026-09-01", "2027-09-01")
contract("ST-1502", "ST-1501", "2025-09-29", "2026-09-29")
contract("ST-1503", "ST-1505", "2024-10-01", "2025-10-01")
contract("ST-1504", "ST-1501", "2025-09-29", "2026-09-29")  # lapsed: 2026-11-11 session out of date

# --------------------------------------------------------------------------- cases
CASES = []  # (case_id, urn, category text, owner, opened text, closed text, notes)


def case(cid, urn, cat, owner, opened, closed="", notes=""):
    CASES.append((cid, urn, cat, owner, opened, closed, notes))


# 140001 Brackenfield (Lode Heath): DSL ST-1101 holds 9 CP, 3 CIN, 2 CLA, 3 EH, 2 CONCERN,
# 1 STEP_DOWN = 27 + 6 + 4 + 3 + 1 + 0.5 = 41.5 weighted (over 40).
case("K-1001", LH, "CP", "ST-1101", "2025-06-10", notes="not reviewed: last discussed 2026-09-30")
case("K-1002", LH, "CP", "ST-1101", "2025-09-15", notes="action overdue 52 days")
case("K-1003", LH, "CP", "ST-1101", "2025-11-24", notes="scores 5, 5, 4: no progress")
case("K-1004", LH, "CP", "ST-1101", "2026-09-07", notes="discussed 2026-10-12 only: exactly 42 days")
case("K-1005", LH, "cp", "ST-1101", "2026-02-02", notes="open action carried over three sessions")
case("K-1006", LH, "CP", "ST-1101", "2026-03-09", notes="escalated 2026-11-04, no word since")
case("K-1007", LH, "CP", "ST-1101", "2026-05-18", notes="escalated 2026-11-09: exactly 14 days")
case("K-1008", LH, "CP", "ST-1101", "2026-06-15", notes="scores 3, 4, 6: improving")
case("K-1009", LH, "CP", "ST-1101", "2025-09-22", notes="three flags at once")
case("K-1010", LH, "CIN", "ST-1101", "2026-01-12", notes="action overdue exactly 28 days")
case("K-1011", LH, "CIN", "ST-1101", "2026-04-20", notes="escalated 2026-10-21")
case("K-1012", LH, "CIN", "ST-1101", "2026-09-14")
case("K-1013", LH, "CLA", "ST-1101", "2024-11-11", notes="escalated 2026-11-04")
case("K-1014", LH, "CLA", "ST-1101", "2025-03-03", notes="discussed 2026-10-12: exactly 42 days")
case("K-1015", LH, "EH", "ST-1101", "2026-02-23", notes="EH not reviewed since July")
case("K-1016", LH, "EH", "ST-1101", "2026-05-11")
case("K-1017", LH, "EH", "ST-1101", "2026-09-10", notes="never discussed, opened 74 days ago")
case("K-1018", LH, "CONCERN", "ST-1101", "2025-11-03", notes="last discussed Nov 2025; CONCERN has no review timescale")
case("K-1019", LH, "CONCERN", "ST-1101", "2026-06-08")
case("K-1020", LH, "STEP_DOWN", "ST-1101", "2026-03-16", notes="stepped down from CIN by LA")
case("K-1021", LH, "CIN", "ST-1104", "2025-09-29")
case("K-1022", LH, "EH", "ST-1106", "2025-10-06", notes="family support worker holds, EHA in place")
case("K-1023", LH, "CP", "ST-1102", "2025-07-01", closed="2026-06-30", notes="plan ended; closed")
case("K-1024", LH, "CONCERN", "ST-1105", "2026-01-19")
case("K-1025", LH, "CONCERN", "ST-1103", "2025-09-08")
case("K-1026", LH, "CONCERN", "", "2026-10-05", notes="logged by reception; nobody holds it: no_owner")
case("K-1027", LH, "EH", "ST-1108", "2026-09-21", notes="class teacher leads the EHA: in scope as a case holder")
# 140002 Saltmarsh (Captain Cook): 27 cases, so one session can rush through 25.
case("K-2001", CC, "CP", "ST-1201", "2025-09-08")
case("K-2002", CC, "CP", "ST-1201", "2026-01-12")
case("K-2003", CC, "CIN", "ST-1201", "2025-11-10", notes="last discussed 2026-09-09")
case("K-2004", CC, "CLA", "ST-1201", "2024-06-03")
case("K-2005", CC, "EH", "ST-1202", "2026-01-12", notes="action overdue since September")
case("K-2006", CC, "CIN", "ST-1202", "2026-04-20")
case("K-2007", CC, "EH", "ST-1204", "2026-09-14")
case("K-2008", CC, "CONCERN", "ST-1204", "2026-09-14")
case("K-2009", CC, "CP", "ST-1203", "2026-02-09")
case("K-2010", CC, "CIN", "ST-1203", "2025-09-08")
case("K-2011", CC, "CIN", "ST-1203", "2026-05-11")
for i, opened in enumerate(["2025-09-15", "2025-10-13", "2025-11-10", "2026-01-05",
                            "2026-03-09", "2026-06-01"]):
    case(f"K-{2012 + i}", CC, "EH", "ST-1203", opened)
for i, opened in enumerate(["2025-09-22", "2025-10-13", "2026-01-19", "2026-02-09",
                            "2026-04-13", "2026-06-08", "2026-09-07"]):
    case(f"K-{2018 + i}", CC, "CONCERN", "ST-1203", opened)
case("K-2025", CC, "STEP_DOWN", "ST-1203", "2025-12-08")
case("K-2026", CC, "Step_Down", "ST-1203", "2026-03-02")
case("K-2027", CC, "STEP_DOWN", "ST-1203", "2026-07-06")
# 140003 Keystone (Cornerstone)
case("K-3001", CO, "CP", "ST-1301", "2025-05-12")
case("K-3002", CO, "CIN", "ST-1302", "2025-11-17", notes="escalated at CIN review; awaiting LA")
case("K-3003", CO, "EH", "ST-1303", "2026-01-12")
case("K-3004", CO, "CONCERN", "ST-1304", "2026-06-01")
case("K-3005", CO, "CLA", "ST-1301", "04/11/2024", notes="virtual school involved")
case("K-3006", CO, "STEP_DOWN", "ST-1303", "2026-03-02")
case("K-3007", CO, "EH", "ST-1307", "2026-09-07")
case("K-3008", CO, "CIN", "ST-1301", "2025-09-08", closed="2026-03-20")
case("K-3009", CO, "CIN", "ST-1305", "2025-11-03", notes="its holder left 2026-02-13; never handed over: no_owner")
# 140004 Chapel Row (Temple): DSL ST-1401 holds 12 CP + 2 CLA = 36 + 4 = exactly 40.
for i, opened in enumerate(["2024-10-07", "2025-01-13", "2025-03-10", "2025-06-02",
                            "2025-09-08", "2025-10-13", "2025-11-17", "2026-01-12",
                            "2026-03-02", "2026-06-08", "2026-10-01", "2025-04-28"]):
    case(f"K-{4001 + i}", TE, "CP", "ST-1401", opened,
         notes="scores 6, 5, 5: no progress" if i == 11 else "")
case("K-4013", TE, "CLA", "ST-1401", "2023-11-06")
case("K-4014", TE, "CLA", "ST-1401", "2025-02-24")
case("K-4015", TE, "CIN", "ST-1402", "2025-09-22", notes="action overdue since September")
case("K-4016", TE, "EH", "ST-1403", "2026-02-02")
case("K-4017", TE, "STEP_DOWN", "ST-1405", "2026-04-20")
case("K-4018", TE, "CONCERN", "ST-1402", "2026-06-15")
# 140005 Larkspur Meadow (Ashbury Meadow)
case("K-5001", AM, "EH", "ST-1501", "2026-06-01", notes="action carried over three sessions")
case("K-5002", AM, "CLA", "ST-1501", "2025-04-21", notes="not reviewed since 2026-09-16")
case("K-5003", AM, "CIN", "ST-1501", "2026-03-02", notes="scores 4, 3, 4: no progress")
case("K-5004", AM, "EH", "ST-1504", "2026-02-02")
case("K-5005", AM, "CONCERN", "ST-1504", "2026-09-21")
case("K-5006", AM, "STEP_DOWN", "ST-1501", "2026-01-05")
case("K-5007", AM, "CP", "ST-1501", "2026-05-11")
case("K-5008", AM, "CIN", "ST-1502", "2025-09-15", notes="only two scored discussions")
CASE_IDS = {c[0] for c in CASES}

# --------------------------------------------------------------------------- sessions
SESSIONS = []
_seq = [0]


class Session:
    def __init__(self, urn, held, sup, att, kind, status, dur, rec, signed, fn, planned,
                 disc, notes, raw):
        _seq[0] += 1
        self.seq = _seq[0]
        self.urn, self.held, self.sup, self.att = urn, D(held), sup, list(att)
        self.kind, self.status, self.dur = kind, status, dur
        self.signed, self.fn, self.planned, self.notes = signed, fn, planned, notes
        self.raw = dict(raw or {})
        if status == "held":
            if rec is None:
                self.rec = None
            elif isinstance(rec, int):
                self.rec = add_working(self.held, rec) if rec else self.held
            else:
                self.rec = D(rec)
        else:
            self.rec = None
        self.disc = []
        for d in disc:
            d = (d,) if isinstance(d, str) else tuple(d)
            cid = d[0]
            score = d[1] if len(d) > 1 else None
            esc = d[2] if len(d) > 2 else False
            self.disc.append((cid, score, esc))
        self.id = None
        SESSIONS.append(self)


def sess(urn, held, sup, att, kind="one_to_one", status="held", dur=60, rec=2,
         signed=(True, True), fn="mds", planned=True, disc=(), notes="", raw=None):
    """One session. rec: working days from held_on to recorded_on (0 = same day), an ISO
    date, or None for no record. signed: (supervisor, supervisee)."""
    if status != "held":
        dur, fn, signed = None, "", (False, False)
    return Session(urn, held, sup, att, kind, status, dur, rec, signed, fn, planned, disc,
                   notes, raw)


ACTIONS = []


def act(s, cid, owner, due, done=None, status=None, raw=None):
    st = status or ("done" if done else "open")
    ACTIONS.append({"s": s, "case": cid, "owner": owner, "due": D(due),
                    "done": D(done) if done else None, "status": st, "raw": dict(raw or {}),
                    "seq": len(ACTIONS)})


# ======================================================= 140001 Brackenfield (Lode Heath)
# In scope: DSL 1101, DDSL 1102, YEAR_HEAD 1103, PASTORAL_LEAD 1104, SENCO 1105,
# FAMILY_SUPPORT 1106. Rule termly (one_to_one|group) >= 1 and gap <= 60 working days.
GRP = ["ST-1102", "ST-1104", "ST-1105", "ST-1106"]
# --- 2025/26
s = sess(LH, "2025-09-17", "ST-1101", ["ST-1103"], disc=["K-1025"], fn="mdsv")
s = sess(LH, "2025-10-08", "ST-1107", ["ST-1101"], disc=["K-1001", "K-1009", "K-1023"], fn="mdsa")
act(s, "K-1001", "ST-1101", "2025-10-31", done="2025-10-20")              # done on time
s = sess(LH, "2025-10-15", "ST-1101", GRP, kind="group", dur=90, disc=["K-1021", "K-1022"],
         fn="mdsav", notes="termly group; confidentiality agreed")
act(s, "K-1021", "ST-1104", "2025-11-14", done="2025-11-28")              # done late
s = sess(LH, "2025-11-12", "ST-1101", ["ST-1105"], disc=["K-1018"], rec=7)  # recorded late
s = sess(LH, "2025-11-19", "ST-1190", ["ST-1101"], kind="clinical", dur=90, fn="s")
s = sess(LH, "2025-12-03", "ST-1107", ["ST-1101"], disc=["K-1001", "K-1003"], fn="mdv")
act(s, "K-1003", "ST-1101", "2026-01-16", status="cancelled")            # cancelled
s = sess(LH, "2025-12-10", "ST-1101", ["ST-1102"], disc=["K-1023"], signed=(True, False))
s = sess(LH, "2026-01-28", "ST-1101", ["ST-1102", "ST-1105", "ST-1106"], kind="group", dur=90,
         disc=["K-1022", "K-1024"], fn="mdsv")
s = sess(LH, "2026-02-04", "ST-1107", ["ST-1101"], disc=["K-1001", "K-1009", "K-1005"], fn="mda")
s = sess(LH, "2026-03-11", "ST-1101", ["ST-1102"], disc=["K-1023"], fn="md")
act(s, None, "ST-1102", "2026-04-30")                # no case: overdue since April (not a drift flag)
s = sess(LH, "2026-03-18", "ST-1107", ["ST-1101"], disc=["K-1006", "K-1013", "K-1015"], fn="mds",
         rec=None)                                                         # never written up
s = sess(LH, "2026-03-25", "ST-1101", ["ST-1103"], disc=["K-1025"], fn="ms")
s = sess(LH, "2026-04-29", "ST-1101", GRP, kind="group", dur=90, disc=["K-1021", "K-1022"],
         fn="mdsav")
s = sess(LH, "2026-05-13", "ST-1107", ["ST-1101"], disc=["K-1001", "K-1011", "K-1016"], fn="mdsv")
s = sess(LH, "2026-05-20", "ST-1102", ["ST-1105"], disc=["K-1024"], fn="mds")
s = sess(LH, "2026-06-10", "ST-1101", ["ST-1102"], disc=["K-1023"], fn="mdsa")
s = sess(LH, "2026-06-17", "ST-1190", ["ST-1101"], kind="clinical", dur=90, fn="sd",
         disc=[("K-1009", 2)])
s = sess(LH, "2026-06-24", "ST-1101", ["ST-1103"], disc=["K-1025"], fn="mdsav", raw={"kind": "One_To_One"})
s = sess(LH, "2026-07-01", "ST-1101", GRP, kind="group", dur=90, disc=["K-1021"], fn="mdsv",
         signed=(True, False), notes="one attendee left before sign-off")
s = sess(LH, "2026-07-08", "ST-1107", ["ST-1101"], fn="mdsav",
         disc=[("K-1009", 2), "K-1015", "K-1013", "K-1014", "K-1006"])
act(s, "K-1009", "ST-1101", "2026-09-18")                # open, 66 days overdue on 2026-11-23
# --- 2026/27 (default run: as-of 2026-11-23)
s = sess(LH, "2026-09-09", "ST-1107", ["ST-1101"], fn="mds",
         disc=["K-1005", "K-1002", ("K-1003", 5), ("K-1009", 2), ("K-1008", 3)])
act(s, "K-1005", "ST-1101", "2026-12-15")                # not yet due; carried over 3 sessions
act(s, "K-1002", "ST-1101", "2026-10-02")                # overdue 52 days
s = sess(LH, "2026-09-30", "ST-1190", ["ST-1101"], kind="clinical", dur=90, fn="sd",
         disc=["K-1001", "K-1005"])
s = sess(LH, "2026-10-07", "ST-1101", ["ST-1102", "ST-1103", "ST-1105", "ST-1106"], kind="group",
         dur=90, fn="mdsv", rec=5, disc=["K-1022", "K-1024"])            # recorded on the 5th working day
s = sess(LH, "2026-10-12", "ST-1107", ["ST-1101"], fn="mds",
         disc=["K-1004", "K-1014", ("K-1008", 4), "K-1010", ("K-1003", 5), "K-1005", "K-1002"])
act(s, "K-1010", "ST-1101", "2026-10-26")                # overdue exactly 28 days: no flag
act(s, "K-1008", "ST-1101", "2026-11-06")                # overdue 17 days
s = sess(LH, "2026-10-21", "ST-1101", ["ST-1104"], fn="mdsav", rec=6,     # recorded on the 6th: late
         disc=["K-1021", ("K-1011", None, "yes"), "K-1016"])
act(s, "K-1021", "ST-1104", "2026-11-20", done="2026-11-19")              # done on time
s = sess(LH, "2026-11-04", "ST-1101", ["ST-1106"], kind="multi_agency", fn="av", rec=None,
         signed=(True, False), disc=[("K-1006", None, "Y"), ("K-1013", None, True), ("K-1022", None, "no")],
         notes="core group prep with social worker")
act(s, "K-1022", "ST-1106", "2026-11-13", done="2026-11-16")              # done late
s = sess(LH, "2026-11-09", "ST-1101", ["ST-1105"], dur=45, fn="ms",
         disc=[("K-1007", None, True)])
act(s, "K-1007", "ST-1101", "2026-11-23")                # due on the as-of date: not yet due
s = sess(LH, "2026-11-11", "ST-1107", ["ST-1101"], fn="mav",
         disc=["K-1002", ("K-1003", 4), "K-1005", ("K-1008", 6), "K-1010", "K-1012"])
act(s, None, "ST-1101", "2027-01-29")                    # no case, not yet due
s = sess(LH, "2026-11-18", "ST-1101", ["ST-1102"], fn="ma", disc=["K-1019"])
s = sess(LH, "2026-11-19", "ST-1101", ["ST-1103"], fn="ms", planned=False, disc=["K-1025"], rec=None,
         notes="crisis: unplanned, so it does not count for the termly rule")

# ======================================================= 140002 Saltmarsh (Captain Cook)
# In scope DSL 1201, DDSL 1202, PASTORAL_LEAD 1203, DDSL 1204 (from 2026-09-14).
# Rule half-termly one_to_one >= 1 and gap <= 20 working days; max 10 cases per hour.
# --- 2025/26: pastoral lead every four weeks for two hours (as the policy says)
PL_DISC = {
    "2025-09-24": ["K-2010", "K-2012", "K-2018", "K-2001"],
    "2025-10-22": ["K-2010", "K-2012", "K-2013", "K-2019"],
    "2025-11-19": ["K-2010", "K-2013", "K-2014", "K-2019", "K-2003"],
    "2025-12-17": ["K-2012", "K-2014", "K-2025", "K-2003"],
    "2026-01-21": ["K-2010", "K-2015", "K-2020", "K-2014"],
    "2026-02-11": ["K-2009", "K-2015", "K-2021", "K-2025"],
    "2026-03-11": ["K-2009", "K-2010", "K-2016", "K-2026"],
    "2026-04-22": ["K-2009", "K-2016", "K-2022", "K-2021"],
    "2026-05-20": ["K-2011", "K-2016", "K-2020", "K-2022"],
    "2026-06-17": ["K-2009", "K-2011", "K-2017", "K-2023"],
    "2026-07-15": ["K-2009", "K-2010", "K-2011", "K-2017", "K-2027"],
}
for day, disc in PL_DISC.items():
    kw = {}
    if day == "2026-02-11":
        kw = dict(rec=9, signed=(True, False))            # late and unsigned
    s = sess(CC, day, "ST-1201", ["ST-1203"], dur=120, disc=disc, fn="mds", **kw)
    if day == "2025-10-22":
        act(s, "K-2012", "ST-1203", "2025-11-21", done="2025-11-18")      # on time
    if day == "2026-01-21":
        act(s, "K-2015", "ST-1203", "2026-02-13", done="2026-02-27")      # late
    if day == "2026-05-20":
        act(s, "K-2020", "ST-1203", "2026-06-19", status="cancelled")     # cancelled
for day, disc in [("2025-10-01", ["K-2001"]), ("2025-12-03", ["K-2003"]),
                  ("2026-02-04", ["K-2005"]), ("2026-03-04", ["K-2005", "K-2002"]),
                  ("2026-05-06", ["K-2006"]), ("2026-07-01", ["K-2005", "K-2006"])]:
    sess(CC, day, "ST-1201", ["ST-1202"], dur=120, disc=disc, fn="ms")  # half-termly, 5-7 weeks apart
for day, disc in [("2025-10-15", ["K-2001", "K-2004"]), ("2025-11-26", ["K-2001", "K-2003"]),
                  ("2026-01-28", ["K-2002", "K-2004"]), ("2026-05-13", ["K-2002", "K-2004"]),
                  ("2026-06-24", ["K-2001", "K-2003", "K-2004"])]:
    sess(CC, day, "ST-1205", ["ST-1201"], dur=120, disc=disc, fn="mds")
sess(CC, "2026-03-18", "ST-1205", ["ST-1201"], status="cancelled",
     notes="Ofsted call; not rebooked")                    # DSL has no SP2 session
sess(CC, "2026-02-25", "ST-1190", ["ST-1201"], kind="clinical", dur=90, fn="sd")
# --- 2026/27
s = sess(CC, "2026-09-09", "ST-1201", ["ST-1203"], dur=120, fn="mds",
         disc=["K-2003", "K-2009", "K-2010", "K-2011", "K-2012", "K-2015", "K-2021", "K-2022",
               "K-2026", "K-2013", "K-2014", "K-2016", "K-2017", "K-2018", "K-2019", "K-2020",
               "K-2023", "K-2024"])                       # 18 cases in two hours
s = sess(CC, "2026-09-16", "ST-1202", ["ST-1204"], dur=120, fn="mds", disc=["K-2007", "K-2008", "K-2023"],
         notes="induction: first supervision")
s = sess(CC, "2026-09-23", "ST-1201", ["ST-1202"], dur=30, fn="m",
         disc=["K-2005", "K-2006", "K-2001", "K-2002"])
act(s, "K-2005", "ST-1202", "2026-09-30")                # open, overdue 54 days
s = sess(CC, "2026-10-01", "ST-1190", ["ST-1201"], kind="clinical", dur=90, fn="sd",
         disc=["K-2001"])
OCT7 = [f"K-{n}" for n in range(2001, 2028) if n not in (2003, 2008)]  # 25 cases
s = sess(CC, "2026-10-07", "ST-1201", ["ST-1203"], fn="m", rec=6, disc=OCT7,
         raw={"held_on": "07/10/2026"}, notes="25 cases in one hour, rushed")
act(s, "K-2013", "ST-1203", "2026-10-30", done="2026-10-28", raw={"completed_on": "28/10/2026"})
s = sess(CC, "2026-10-14", "ST-1202", ["ST-1204"], dur=120, fn="mds",
         disc=["K-2007", "K-2008", "K-2024", "K-2027"])
s = sess(CC, "2026-11-04", "ST-1201", ["ST-1203"], dur=120, fn="mds",
         disc=["K-2009", "K-2010", "K-2011", "K-2012", "K-2013", "K-2018", "K-2019", "K-2025",
               "K-2014", "K-2020"])
act(s, "K-2010", "ST-1203", "2026-12-11")                # not yet due
s = sess(CC, "2026-11-11", "ST-1202", ["ST-1204"], dur=120, fn="mds", disc=["K-2007", "K-2008", "K-2023"])
act(s, "K-2007", "ST-1204", "2026-11-18")                # overdue 5 days
s = sess(CC, "2026-11-18", "ST-1201", ["ST-1202"], dur=30, fn="m", signed=(False, False),
         disc=["K-2005", "K-2006", "K-2007", "K-2008"])
s = sess(CC, "2026-11-20", "ST-1205", ["ST-1201"], dur=120, fn="mds", rec=0,
         disc=["K-2001", "K-2002", "K-2004", "K-2009"])

# ======================================================= 140003 Keystone (Cornerstone)
# In scope DSL 1301, DDSL 1302, PASTORAL_LEAD 1303, YEAR_HEAD 1304, YEAR_HEAD 1305 (left
# 2026-02-13). Rule half-termly one_to_one >= 1; reschedule within 5 working days.
# --- 2025/26
for day, sup, who, disc in [
    ("2025-09-17", "ST-1301", "ST-1305", []),
    ("2025-09-24", "ST-1306", "ST-1301", ["K-3001", "K-3005", "K-3008"]),
    ("2025-10-01", "ST-1301", "ST-1302", []),
    ("2025-10-08", "ST-1301", "ST-1303", []),
    ("2025-10-15", "ST-1301", "ST-1304", []),
    ("2025-11-12", "ST-1301", "ST-1305", []),
    ("2025-11-19", "ST-1301", "ST-1302", [("K-3002", 3)]),
    ("2025-11-26", "ST-1306", "ST-1301", [("K-3001", 2), "K-3008"]),
    ("2025-12-03", "ST-1301", "ST-1303", []),
    ("2025-12-10", "ST-1301", "ST-1304", []),
    ("2026-01-14", "ST-1301", "ST-1302", [("K-3002", 3)]),
    ("2026-01-21", "ST-1306", "ST-1301", [("K-3001", 3), "K-3005"]),
    ("2026-01-28", "ST-1301", "ST-1303", ["K-3003"]),
    ("2026-02-04", "ST-1301", "ST-1304", []),
    ("2026-02-25", "ST-1301", "ST-1304", []),
    ("2026-03-04", "ST-1306", "ST-1301", [("K-3001", 3, True), "K-3008"]),
    ("2026-03-11", "ST-1301", "ST-1302", [("K-3002", 4)]),
    ("2026-04-22", "ST-1301", "ST-1303", ["K-3003", "K-3006"]),
    ("2026-05-13", "ST-1301", "ST-1302", ["K-3002"]),
    ("2026-06-10", "ST-1301", "ST-1304", ["K-3004"]),
    ("2026-06-17", "ST-1306", "ST-1301", [("K-3001", 4), "K-3005"]),
    ("2026-06-24", "ST-1301", "ST-1302", [("K-3002", 5)]),
    ("2026-07-01", "ST-1301", "ST-1303", ["K-3003"]),
]:
    s = sess(CO, day, sup, [who], disc=disc)
    if day == "2025-12-03":
        act(s, None, "ST-1303", "2026-01-30", done="2026-01-22")          # on time
    if day == "2026-03-11":
        act(s, "K-3002", "ST-1302", "2026-04-17", done="2026-04-24")      # late
sess(CO, "2026-02-11", "ST-1301", ["ST-1305"], status="cancelled",
     notes="clash with parents evening")                   # not rescheduled: she left 2026-02-13
sess(CO, "2026-03-18", "ST-1301", ["ST-1303"], status="missed", raw={"status": "MISSED"})
sess(CO, "2026-03-25", "ST-1301", ["ST-1303"], disc=["K-3003"])   # 5th working day: in time
sess(CO, "2026-04-29", "ST-1306", ["ST-1301"], status="cancelled")
sess(CO, "2026-05-07", "ST-1306", ["ST-1301"], disc=["K-3001", "K-3005"])  # 5th working day (BH 4 May)
sess(CO, "2025-11-05", "ST-1190", ["ST-1307", "ST-1303", "ST-1308"], kind="group", dur=90,
     fn="mdse", notes="student services team group")
sess(CO, "2026-05-20", "ST-1190", ["ST-1307", "ST-1303", "ST-1308"], kind="group", dur=90,
     fn="mdse")
# --- 2026/27
s = sess(CO, "2026-09-09", "ST-1306", ["ST-1301"], disc=["K-3005", ("K-3001", 4)])
act(s, "K-3005", "ST-1301", "2026-09-30", done="2026-10-05")              # late
sess(CO, "2026-09-16", "ST-1301", ["ST-1303"], status="cancelled", raw={"status": "Cancelled"},
     notes="INSET clash")
s = sess(CO, "2026-09-23", "ST-1301", ["ST-1303"], rec=1, disc=["K-3003", "K-3006"])  # 5th wd: in time
act(s, "K-3003", "ST-1303", "2026-10-16", done="2026-10-14")              # on time
sess(CO, "2026-09-30", "ST-1190", ["ST-1303", "ST-1304", "ST-1307"], kind="group",
     status="cancelled")
sess(CO, "2026-10-05", "ST-1190", ["ST-1303", "ST-1307"], kind="group", dur=90, fn="mdse",
     disc=["K-3007"])                                       # rebooked group: 1303 and 1307 only
sess(CO, "2026-10-07", "ST-1301", ["ST-1302"], status="cancelled")
sess(CO, "2026-10-12", "ST-1302", ["ST-1303"], kind="peer", dur=45, fn="d", disc=["K-3006"])
s = sess(CO, "2026-10-15", "ST-1301", ["ST-1302"], rec=5,  # rebooked on the 6th working day: too late
         disc=[("K-3002", 6, "1"), "K-3005"])
act(s, "K-3002", "ST-1302", "2026-11-03")                # overdue 20 days
sess(CO, "2026-10-21", "ST-1301", ["ST-1304"], status="missed", notes="staff illness")
s = sess(CO, "2026-11-04", "ST-1301", ["ST-1304"], rec=6,             # recorded on the 6th: late
         disc=["K-3004"])                                  # rebooked on the 5th working day over half-term
act(s, "K-3004", "ST-1304", "2026-12-02", raw={"due_on": "02/12/2026"})  # not yet due
sess(CO, "2026-11-04", "ST-1306", ["ST-1301"], status="cancelled")      # never rebooked
s = sess(CO, "2026-11-12", "ST-1301", ["ST-1303"], planned=False, rec=0, fn="s", signed=(True, False),
         disc=[("K-3001", 5), "K-3003"], notes="unplanned: crisis after disclosure")
act(s, "K-3001", "ST-1303", "2026-11-16", status="cancelled")
sess(CO, "2026-11-18", "ST-1301", ["ST-1303"], status="cancelled")      # window ends 2026-11-25

# ======================================================= 140004 Chapel Row (Temple)
# In scope DSL 1401, DDSL 1402, DDSL 1403 (from 2026-01-05). Half-termly one_to_one >= 1.
# --- 2025/26
for day, disc, kw in [
    ("2025-09-17", ["K-4001", "K-4002", "K-4013"], {}),
    ("2025-11-12", ["K-4003", "K-4004", "K-4014", "K-4012"], {}),
    ("2026-01-14", ["K-4005", "K-4006", "K-4007"], dict(signed=(True, False))),
    ("2026-03-04", ["K-4001", "K-4008", "K-4013"], {}),
    ("2026-04-29", ["K-4002", "K-4009", "K-4014"], dict(rec=8)),
    ("2026-07-08", ["K-4003", ("K-4012", 6), "K-4010"], {}),
]:
    s = sess(TE, day, "ST-1404", ["ST-1401"], disc=disc, **kw)
    if day == "2025-09-17":
        act(s, "K-4001", "ST-1401", "2025-10-10", done="2025-10-09")      # on time
    if day == "2026-03-04":
        act(s, None, "ST-1401", "2026-03-27", done="2026-03-27")          # on the due date: on time
for day, disc, kw in [
    ("2025-10-01", ["K-4015"], {}),
    ("2025-11-26", ["K-4015"], {}),
    ("2026-02-11", ["K-4015"], dict(signed=(False, True))),
    ("2026-03-18", [], {}),
    ("2026-05-20", ["K-4015"], {}),
]:                                                          # no SU2 session: missed
    s = sess(TE, day, "ST-1401", ["ST-1402"], disc=disc, **kw)
    if day == "2025-11-26":
        act(s, "K-4015", "ST-1402", "2025-12-12", done="2026-01-09",
            raw={"completed_on": "09/01/2026"})             # late
for day in ["2026-01-21", "2026-03-25", "2026-05-13", "2026-06-17"]:
    sess(TE, day, "ST-1401", ["ST-1403"], disc=["K-4016"] if day != "2026-01-21" else [])
sess(TE, "2026-02-04", "ST-1401", ["ST-1402", "ST-1403", "ST-1405"], kind="group", dur=60)
for day in ["2025-12-10", "2026-06-24"]:                    # "Clinical supervision is also provided"
    sess(TE, day, "ST-1190", ["ST-1401"], kind="clinical", dur=90, fn="sd")
s = sess(TE, "2026-06-10", "ST-1401", ["ST-1402", "ST-1403", "ST-1405"], kind="group",
         disc=["K-4015", "K-4017"])
act(s, "K-4015", "ST-1402", "2026-09-25")                # open, 59 days overdue
# --- 2026/27
s = sess(TE, "2026-09-16", "ST-1404", ["ST-1401"],
         disc=[f"K-{n}" for n in range(4001, 4011)] + [("K-4012", 5)])  # 11 cases
act(s, "K-4003", "ST-1401", "2026-10-16", done="2026-10-13")              # on time
sess(TE, "2026-09-23", "ST-1401", ["ST-1402"], status="cancelled")       # rebooked too late
s = sess(TE, "2026-10-07", "ST-1401", ["ST-1402"], rec=None, signed=(True, False),
         disc=["K-4015", "K-4018"])
act(s, "K-4018", "ST-1402", "2026-11-06", done="2026-11-10")              # late
BAD_SESSION = sess(TE, "2026-10-09", "ST-1401", [], kind="1:1", dur=30,
                   notes="export value not mapped")        # BAD ROW 1: unknown kind
s = sess(TE, "2026-10-14", "ST-1401", ["ST-1402", "ST-1403", "ST-1405"], kind="group", fn="ms",
         disc=["K-4009", "K-4010", "K-4011", "K-4017"])
BAD_ACTION = len(ACTIONS)
act(s, "K-4017", "ST-1405", "2026-10-30", status="done")  # BAD ROW 2: done, no completed_on
s.bad_case = "K-9999"                                     # BAD ROW 3: unknown case (see below)
s = sess(TE, "2026-11-11", "ST-1404", ["ST-1401"],
         disc=[f"K-{n}" for n in range(4001, 4009)] + [("K-4012", 5), "K-4013", "K-4014"])
act(s, "K-4012", "ST-1401", "2026-12-09")                # not yet due
s = sess(TE, "2026-11-18", "ST-1401", ["ST-1403"], signed=(False, True), fn="ms",
         disc=["K-4015", "K-4016", "K-4011"])
act(s, "K-4016", "ST-1403", "2026-11-27", raw={"status": "OPEN"})  # not yet due

# ======================================================= 140005 Larkspur Meadow (Ashbury)
# In scope DSL 1501, DDSL 1502, DDSL 1503 (left 2026-10-16), PASTORAL_LEAD 1504.
# Rules: group every <= 30 working days; half-termly >= 1 (one_to_one or group).
ALL = ["ST-1501", "ST-1502", "ST-1503", "ST-1504"]
# --- 2025/26: group every six weeks or so, led by the headteacher
for day, who, disc, fn, kw in [
    ("2025-09-24", ALL, ["K-5002", "K-5008"], "mdse", {}),
    ("2025-11-05", ALL, ["K-5002"], "mds", {}),
    ("2025-12-17", ALL, ["K-5008"], "mdse", {}),
    ("2026-02-04", ["ST-1501", "ST-1502", "ST-1503"], ["K-5004"], "mds", {}),
    ("2026-03-18", ["ST-1501", "ST-1502", "ST-1503", "ST-1506"], ["K-5004", "K-5003"], "sde",
     dict(signed=(True, False))),
    ("2026-05-06", ALL, ["K-5003", "K-5006"], "mdse", {}),
    ("2026-06-17", ALL + ["ST-1507"], ["K-5007", ("K-5008", 4)], "mds", {}),
    ("2026-07-15", ALL, [("K-5003", 4), "K-5001"], "mdse", {}),
]:
    s = sess(AM, day, "ST-1505", who, kind="group", dur=60, disc=disc, fn=fn, **kw)
    if day == "2025-11-05":
        act(s, "K-5002", "ST-1501", "2025-12-05", done="2025-12-01")      # on time
    if day == "2026-03-18":
        act(s, "K-5004", "ST-1504", "2026-04-24", done="2026-05-06")      # late
    if day == "2026-06-17":
        act(s, None, "ST-1502", "2026-07-17", status="cancelled")         # cancelled
sess(AM, "2025-10-08", "ST-1505", ["ST-1501"], disc=["K-5002"], fn="mse")
sess(AM, "2025-11-26", "ST-1501", ["ST-1502"], disc=["K-5008"], fn="md")
sess(AM, "2025-10-15", "ST-1505", ["ST-1503"], fn="mse")  # his contract lapsed 2025-10-01
sess(AM, "2026-01-21", "ST-1501", ["ST-1504"], fn="se", notes="requested by supervisee")
sess(AM, "2026-03-04", "ST-1505", ["ST-1501"], disc=["K-5002", "K-5006"], fn="md", rec=11)
# --- 2026/27
s = sess(AM, "2026-09-16", "ST-1505", ["ST-1501", "ST-1502", "ST-1503"], kind="group", dur=90,
         fn="mds", disc=["K-5001", "K-5002", "K-5007"])
act(s, "K-5001", "ST-1501", "2026-12-04")                # open: carried over 3 sessions
sess(AM, "2026-10-02", "ST-1501", ["ST-1504"], kind="informal", dur=20, planned=False, rec=None,
     fn="s", signed=(False, False), raw={"planned": "N"}, notes="corridor debrief")
s = sess(AM, "2026-10-07", "ST-1505", ["ST-1501"], fn="mse", disc=["K-5001", ("K-5003", 3)])
act(s, "K-5003", "ST-1501", "2026-10-30", done="2026-10-21")              # on time
sess(AM, "2026-10-14", "ST-1505", ["ST-1501", "ST-1502"], kind="group", status="cancelled",
     notes="staff shortage")
s = sess(AM, "2026-10-21", "ST-1505", ["ST-1501", "ST-1506"], kind="group", fn="se",
         rec="2026-11-02", disc=["K-5001", "K-5004"])     # recorded after half-term: 3 working days
act(s, "K-5004", "ST-1504", "2026-11-13")                # overdue 10 days
sess(AM, "2026-11-11", "ST-1501", ["ST-1504"], dur=45, fn="mse", rec=7, disc=["K-5004", "K-5005"])
sess(AM, "2026-11-18", "ST-1505", ["ST-1501", "ST-1502", "ST-1504"], kind="group", dur=90,
     fn="ms", signed=(True, False), raw={"signed_supervisee": "0"},
     disc=["K-5001", ("K-5003", 4), "K-5007", ("K-5008", 5), "K-5006"])

# --------------------------------------------------------------------------- odd spellings
# A few values as real exports write them: booleans yes/no/Y/1, enums in odd case and
# DD/MM/YYYY dates. Keyed by (school, date, supervisor) so they are easy to find.
ODD = {
    (LH, "2025-10-15", "ST-1101"): {"planned": "yes", "signed_supervisor": "Y",
                                    "signed_supervisee": "Y"},
    (LH, "2026-09-09", "ST-1107"): {"status": "HELD", "signed_supervisor": "1"},
    (LH, "2026-11-18", "ST-1101"): {"held_on": "18/11/2026", "recorded_on": "20/11/2026"},
    (CC, "2026-09-16", "ST-1202"): {"kind": "ONE_TO_ONE", "planned": "Y"},
    (CC, "2025-12-17", "ST-1201"): {"signed_supervisee": "yes", "signed_supervisor": "YES"},
    (CO, "2026-09-23", "ST-1301"): {"held_on": "23/09/2026", "planned": "1"},
    (CO, "2026-11-12", "ST-1301"): {"planned": "no"},
    (TE, "2026-09-16", "ST-1404"): {"kind": "One_to_One", "signed_supervisee": "y"},
    (TE, "2026-11-18", "ST-1401"): {"signed_supervisor": "No", "recorded_on": "20/11/2026"},
    (AM, "2026-10-07", "ST-1505"): {"held_on": "07/10/2026", "status": "Held"},
}

# --------------------------------------------------------------------------- ids & rows


def assign_ids():
    for urn, *_ in SCHOOLS:
        mine = sorted((s for s in SESSIONS if s.urn == urn), key=lambda s: (s.held, s.seq))
        for i, s in enumerate(mine, 1):
            s.id = f"S-{DIGIT[urn]}{i:03d}"
    for urn, *_ in SCHOOLS:
        mine = sorted((a for a in ACTIONS if a["s"].urn == urn),
                      key=lambda a: (a["s"].held, a["s"].seq, a["seq"]))
        for i, a in enumerate(mine, 1):
            a["id"] = f"A-{DIGIT[urn]}{i:03d}"


SESSION_COLS = ["session_id", "school_urn", "held_on", "supervisor_id", "kind", "planned",
                "status", "duration_minutes", "recorded_on", "signed_supervisor",
                "signed_supervisee", "functions", "notes"]


def session_row(s):
    row = {
        "session_id": s.id, "school_urn": s.urn, "held_on": iso(s.held),
        "supervisor_id": s.sup, "kind": s.kind, "planned": b(s.planned), "status": s.status,
        "duration_minutes": "" if s.dur is None else str(s.dur), "recorded_on": iso(s.rec),
        "signed_supervisor": b(s.signed[0]), "signed_supervisee": b(s.signed[1]),
        "functions": functions(s.fn), "notes": s.notes,
    }
    row.update(ODD.get((s.urn, iso(s.held), s.sup), {}) if s.status == "held" else {})
    row.update(s.raw)
    return [row[c] for c in SESSION_COLS]


def csv_bytes(header, rows):
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    for r in rows:
        w.writerow(r)
    return buf.getvalue().encode("utf-8")


def build():
    assign_ids()
    for key in ODD:  # every odd spelling lands on exactly one held session
        assert sum((s.urn, iso(s.held), s.sup) == key and s.status == "held"
                   for s in SESSIONS) == 1, key
    files = {}
    files["schools.csv"] = csv_bytes(
        ["trust_id", "trust_name", "school_urn", "school_name", "phase", "local_authority"],
        [[TRUST[0], TRUST[1], urn, name, phase, la] for urn, name, phase, la, _ in SCHOOLS])
    cols = ["staff_id", "school_urn", "display_name", "role", "started_on", "left_on",
            "supervisor_trained_on", "dsl_trained_on"]
    files["staff.csv"] = csv_bytes(cols, [[r[c] for c in cols]
                                          for r in sorted(STAFF, key=lambda r: r["staff_id"])])
    files["contracts.csv"] = csv_bytes(
        ["supervisee_id", "supervisor_id", "agreed_on", "review_due_on"],
        [list(c) for c in sorted(CONTRACTS)])
    ordered = sorted(SESSIONS, key=lambda s: s.id)
    files["sessions.csv"] = csv_bytes(SESSION_COLS, [session_row(s) for s in ordered])
    files["attendees.csv"] = csv_bytes(
        ["session_id", "staff_id"], [[s.id, p] for s in ordered for p in sorted(s.att)])
    files["cases.csv"] = csv_bytes(
        ["case_id", "school_urn", "category", "owner_id", "opened_on", "closed_on", "notes"],
        [list(c) for c in sorted(CASES)])
    disc_rows = []
    for s in ordered:
        rows = []
        for cid, score, esc in s.disc:
            rows.append([s.id, cid, "" if score is None else str(score),
                         esc if isinstance(esc, str) else b(esc)])
        if getattr(s, "bad_case", None):
            rows.append([s.id, s.bad_case, "", "false"])
        disc_rows += sorted(rows, key=lambda r: r[1])
    files["discussions.csv"] = csv_bytes(["session_id", "case_id", "safety_score", "escalated"],
                                         disc_rows)
    act_rows = []
    for a in sorted(ACTIONS, key=lambda a: a["id"]):
        row = {"action_id": a["id"], "session_id": a["s"].id, "case_id": a["case"] or "",
               "owner_id": a["owner"], "due_on": iso(a["due"]), "completed_on": iso(a["done"]),
               "status": a["status"]}
        row.update(a["raw"])
        act_rows.append([row[c] for c in ["action_id", "session_id", "case_id", "owner_id",
                                          "due_on", "completed_on", "status"]])
    files["actions.csv"] = csv_bytes(["action_id", "session_id", "case_id", "owner_id", "due_on",
                                      "completed_on", "status"], act_rows)
    return files


# --------------------------------------------------------------------------- checks


def parse_date(t):
    if not t:
        return None
    if "/" in t:
        d, m, y = t.split("/")
        return dt.date(int(y), int(m), int(d))
    return D(t)


def parse_bool(t):
    t = t.strip().lower()
    if t in ("true", "yes", "y", "1"):
        return True
    if t in ("false", "no", "n", "0"):
        return False
    raise ValueError(t)


def check(files):
    """Referential integrity; returns the (file, line) of every problem found."""
    def rows(name):
        return list(csv.DictReader(io.StringIO(files[name].decode("utf-8"))))

    problems = []
    schools = {r["school_urn"] for r in rows("schools.csv")}
    staff_rows = rows("staff.csv")
    staff_ids = {r["staff_id"] for r in staff_rows}
    for r in staff_rows:
        assert r["school_urn"] in schools
        parse_date(r["started_on"])
    kinds = {"one_to_one", "group", "peer", "multi_agency", "clinical", "informal"}
    sess_rows = rows("sessions.csv")
    sess_by_id = {}
    for line, r in enumerate(sess_rows, 2):
        assert r["session_id"] not in sess_by_id, r
        sess_by_id[r["session_id"]] = r
        assert r["school_urn"] in schools and r["supervisor_id"] in staff_ids
        held = parse_date(r["held_on"])
        assert held <= LAST_RECORD, r
        status = r["status"].lower()
        parse_bool(r["planned"]), parse_bool(r["signed_supervisor"]), parse_bool(r["signed_supervisee"])
        if status == "held":
            assert 1 <= int(r["duration_minutes"]) <= 600, r
            assert is_working(held), ("held on a non-working day", r)
            rec = parse_date(r["recorded_on"])
            assert rec is None or held <= rec <= LAST_RECORD, r
        else:
            assert r["duration_minutes"] == "" and r["recorded_on"] == "", r
        if r["kind"].lower() not in kinds:
            problems.append(("sessions.csv", line, "kind " + r["kind"]))
    att = {}
    for r in rows("attendees.csv"):
        assert r["session_id"] in sess_by_id and r["staff_id"] in staff_ids, r
        assert r["staff_id"] != sess_by_id[r["session_id"]]["supervisor_id"], r
        key = (r["session_id"], r["staff_id"])
        assert key not in att, r
        att[key] = True
    case_rows = {r["case_id"]: r for r in rows("cases.csv")}
    for r in case_rows.values():
        assert (r["owner_id"] == "" or r["owner_id"] in staff_ids) and r["school_urn"] in schools
    for line, r in enumerate(rows("discussions.csv"), 2):
        sr = sess_by_id[r["session_id"]]
        assert sr["status"].lower() == "held"
        if r["case_id"] not in case_rows:
            problems.append(("discussions.csv", line, "unknown case " + r["case_id"]))
            continue
        c = case_rows[r["case_id"]]
        assert c["school_urn"] == sr["school_urn"], r
        held = parse_date(sr["held_on"])
        assert parse_date(c["opened_on"]) <= held, (r, c)
        assert not c["closed_on"] or held <= parse_date(c["closed_on"]), r
        if r["safety_score"]:
            assert 0 <= int(r["safety_score"]) <= 10
        parse_bool(r["escalated"])
    seen = set()
    for line, r in enumerate(rows("actions.csv"), 2):
        assert r["action_id"] not in seen
        seen.add(r["action_id"])
        sr = sess_by_id[r["session_id"]]
        assert sr["status"].lower() == "held" and r["owner_id"] in staff_ids
        assert not r["case_id"] or r["case_id"] in case_rows
        st = r["status"].lower()
        done = parse_date(r["completed_on"])
        if done:
            assert parse_date(sr["held_on"]) <= done <= LAST_RECORD, r
        if st == "done" and not done:
            problems.append(("actions.csv", line, "done without completed_on"))
        assert not (st == "open" and done), r
    for line, r in enumerate(rows("contracts.csv"), 2):
        assert r["supervisee_id"] in staff_ids and r["supervisor_id"] in staff_ids
        assert parse_date(r["agreed_on"]) < parse_date(r["review_due_on"])
    # every session with attendees; only the bad one has none
    empty = [sid for sid in sess_by_id if not any(k[0] == sid for k in att)]
    assert [sess_by_id[s]["kind"] for s in empty] == ["1:1"], empty
    return problems


def check_boundaries():
    """The planted boundary cases (README.md), recomputed from the calendar."""
    wd = lambda a, b: working_days(D(a), D(b))
    # reschedules (window = 5 working days after the planned date)
    assert wd("2026-09-16", "2026-09-23") == 5      # S-3032 -> S-3033: 5th day, in time
    assert wd("2026-10-07", "2026-10-15") == 6      # S-3036 -> S-3038: 6th day, too late
    assert wd("2026-10-21", "2026-11-04") == 5      # S-3039 -> S-3040: over October half-term
    assert wd("2026-03-18", "2026-03-25") == 5      # S-3020 -> S-3021
    assert wd("2026-04-29", "2026-05-07") == 5      # S-3023 -> S-3024: over the Early May bank holiday
    assert add_working(D("2026-11-18"), 5) == D("2026-11-25") > AS_OF  # S-3043: not judged yet
    # recording (on time = at most 5 working days)
    assert wd("2026-10-07", "2026-10-14") == 5      # S-1023 on time
    assert wd("2026-10-21", "2026-11-05") == 6      # S-1025 late
    assert wd("2026-10-21", "2026-11-02") == 3      # S-5018 on time over half-term
    # gap rules
    assert wd("2026-09-09", "2026-10-07") == 20     # Saltmarsh ST-1203: 20, but S-2029 is too short to count
    assert wd("2026-09-09", "2026-11-04") == 35     # Saltmarsh ST-1203: so the gap is 35, missed
    assert wd("2026-09-16", "2026-10-14") == 20     # Saltmarsh ST-1204: exactly 20, met
    assert wd("2025-10-15", "2026-01-28") == 60     # Brackenfield groups 60 apart (groups no longer count)
    assert wd("2025-11-05", "2025-12-17") == 30     # Larkspur group (2025/26): exactly 30, met
    assert wd("2026-09-01", "2026-11-23") == 54     # so nobody can miss a 60-day gap in 2026/27 yet
    # calendar-day thresholds on the as-of date
    assert (AS_OF - D("2026-10-12")).days == 42     # K-1004, K-1014: not reviewed? no (42 is not > 42)
    assert (AS_OF - D("2026-11-09")).days == 14     # K-1007: escalation not stale
    assert (AS_OF - D("2026-10-26")).days == 28     # A-1008: overdue 28 days, no drift flag


def main():
    check_boundaries()
    files = build()
    problems = check(files)
    assert len(problems) == 3, problems
    os.makedirs(OUT, exist_ok=True)
    for name, data in files.items():
        with open(os.path.join(OUT, name), "wb") as f:
            f.write(data)
    for name, data in files.items():
        print("%-16s %4d rows" % (name, data.count(b"\n") - 1))
    for p in problems:
        print("deliberately bad: %s:%d (%s)" % p)


if __name__ == "__main__":
    sys.exit(main())
