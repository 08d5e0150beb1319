#!/usr/bin/env python3
"""Produces the second sample trust: TR002 "Harbour Learning Partnership", exported in two
invented vendor layouts that oversight reads through mapping files.

- bundles/harbour-safelog/: Anchorage Primary School's export from "SafeLog" (invented,
  shaped like CPOMS-style exports): a staff list and a case register, and a flat
  supervision log with one line per session and case discussed, the session's columns
  repeated on each line, the case's action on the same line, UK dates and free-text
  notes columns. Windows-1252, `;`-separated (what Excel on Windows saves), except the
  case register (UTF-8 with a BOM, `,`).
- bundles/harbour-carewatch/: Breakwater Academy's export from "CareWatch" (invented,
  shaped like MyConcern-style exports): one workbook with a sheet per table, real Excel
  date cells (a few "recorded on" dates as bare serial numbers, as when a column loses
  its date format), TRUE/FALSE cells and notes columns.

Each folder holds its mapping.toml (hand-written, committed; not written here). Every
row is invented; names are invented and there are no child names anywhere: case ids
(AP-P01, BW-C1001) are not child identifiers, and the notes are harmless invented text.

Two rows are deliberately bad, to show what a mapped export's quarantine looks like:
- SafeLog session SL-2009 (the deputy's first of 2026) is on two lines, 20 and 21 (two
  cases discussed), whose "Length (mins)" differ (60 and 45): a flat export must repeat
  a session identically, so both lines are quarantined, and with them the rows that
  need that session (its attendee and its two discussions).
- CareWatch's "Case discussions" sheet has a #N/A error cell in a "Score" (row 5).

Standard library only (the workbook is written as the zip of XML files it is), and the
same bytes every run:

    python3 sample-data/make_harbour.py
"""

import csv
import datetime as dt
import io
import os
import zipfile
from xml.sax.saxutils import escape

HERE = os.path.dirname(os.path.abspath(__file__))
LAST_RECORD = dt.date(2026, 11, 20)  # nothing is dated after this but due dates
D = dt.date.fromisoformat

TRUST = ("TR002", "Harbour Learning Partnership")


def _halves():
    with open(os.path.join(HERE, "calendar.csv"), newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    return [
        (r["academic_year"], r["term"], int(r["half"]), D(r["starts_on"]), D(r["ends_on"]))
        for r in rows
        if r["academic_year"] in ("2025/26", "2026/27")
    ]


HALVES = _halves()


def day_in(half, week, weekday):
    """The `weekday` (0 = Monday) of week `week` (0-based) of a half-term."""
    start = half[3]
    monday = start - dt.timedelta(start.weekday()) + dt.timedelta(7 * week)
    date = monday + dt.timedelta(weekday)
    return date if date >= start else date + dt.timedelta(7)


# --------------------------------------------------------------------------- records
class School:
    """One school's records in canonical form (dates as date objects)."""

    def __init__(self, urn, name, phase, la, prefix):
        self.urn, self.name, self.phase, self.la, self.prefix = urn, name, phase, la, prefix
        self.staff, self.contracts, self.sessions, self.cases = [], [], [], []
        self.next_session = 1
        self.next_action = 1

    def person(self, sid, name, role, started, left=None, trained=None):
        self.staff.append(dict(staff_id=sid, display_name=name, role=role,
                               started_on=started, left_on=left, supervisor_trained_on=trained))

    def case(self, cid, category, owner, opened, closed=None, scores=None):
        self.cases.append(dict(case_id=cid, category=category, owner_id=owner,
                               opened_on=opened, closed_on=closed,
                               scores=list(scores or [])))

    def session(self, held_on, supervisor, attendees, kind="one_to_one", status="held",
                minutes=60, recorded_after=2, signed=(True, True), functions="mds",
                planned=True, cases=(), actions=()):
        sid = f"{self.prefix}-{2000 + self.next_session}"
        self.next_session += 1
        held = status == "held"
        recorded = held_on + dt.timedelta(recorded_after) if held and recorded_after is not None else None
        if recorded and recorded > LAST_RECORD:
            recorded = None
        self.sessions.append(dict(
            session_id=sid, held_on=held_on, supervisor_id=supervisor, attendees=list(attendees),
            kind=kind, planned=planned, status=status, duration_minutes=minutes if held else None,
            recorded_on=recorded, signed_supervisor=held and signed[0],
            signed_supervisee=held and signed[1], functions=functions if held else "",
            discussions=[], actions=[]))
        s = self.sessions[-1]
        if held:
            for cid in cases:
                case = next(c for c in self.cases if c["case_id"] == cid)
                score = case["scores"].pop(0) if case["scores"] else None
                s["discussions"].append(dict(case_id=cid, safety_score=score, escalated=False))
            for (case_id, owner, due_days, done_days, status_) in actions:
                aid = f"{self.prefix}A-{self.next_action:03d}"
                self.next_action += 1
                due = held_on + dt.timedelta(due_days)
                done = held_on + dt.timedelta(done_days) if done_days is not None else None
                s["actions"].append(dict(action_id=aid, case_id=case_id, owner_id=owner,
                                         due_on=due, completed_on=done, status=status_))
        return s

    def escalate_last(self, case_id):
        """Marks the case's latest discussion as agreeing an escalation."""
        found = [d for sess in self.sessions for d in sess["discussions"] if d["case_id"] == case_id]
        found[-1]["escalated"] = True

    def open_cases(self, owner, on):
        return [c["case_id"] for c in self.cases
                if c["owner_id"] == owner and c["opened_on"] <= on
                and (c["closed_on"] is None or c["closed_on"] > on)]


def build_anchorage():
    s = School("150001", "Anchorage Primary School", "primary", "Westhaven", "SL")
    s.person("AP-01", "Mrs Siân O'Connor", "DSL", D("2018-09-01"), trained=D("2025-03-12"))
    s.person("AP-02", "Mr Tomás Reilly", "DDSL", D("2020-09-01"), trained=D("2024-11-05"))
    s.person("AP-03", "Ms Zoë Brennan-Hughes", "PASTORAL_LEAD", D("2022-01-04"))
    s.person("AP-04", "Mr Gareth Pryce-Evans", "HEADTEACHER", D("2015-09-01"), trained=D("2025-01-20"))
    s.person("AP-05", "Miss Amélie Hart", "TEACHER", D("2023-09-01"))
    s.person("AP-06", "Mrs Ruth Okonjo", "FAMILY_SUPPORT", D("2021-04-19"))
    s.case("AP-P01", "CP", "AP-01", D("2025-05-12"), scores=[3, 4, 4, 5, 6, 6, 7, 7])
    s.case("AP-P02", "CP", "AP-01", D("2025-10-06"), scores=[2, 3, 3, 3, 4, 5, 5])
    s.case("AP-P03", "CIN", "AP-01", D("2025-03-03"), scores=[5, 5, 6, 7, 8, 8, 9])
    s.case("AP-P04", "CIN", "AP-01", D("2026-01-12"), scores=[4, 4, 4, 4, 4])
    s.case("AP-P05", "CLA", "AP-01", D("2024-11-18"), closed=D("2026-06-30"))
    s.case("AP-P06", "EH", "AP-02", D("2025-09-22"), scores=[5, 6, 6, 7, 7, 8, 8, 8])
    s.case("AP-P07", "EH", "AP-02", D("2026-02-02"))
    s.case("AP-P08", "CONCERN", "AP-02", D("2025-11-10"))
    s.case("AP-P09", "EH", "AP-03", D("2025-06-09"), scores=[6, 6, 7, 7, 7])
    s.case("AP-P10", "STEP_DOWN", "AP-03", D("2025-12-01"))
    for (year, term, half, start, end) in HALVES:
        if start > LAST_RECORD:
            break
        h = (year, term, half, start, end)
        # The head supervises the DSL every half-term; the DSL's cases are discussed.
        day = day_in(h, 1, 1)
        if day <= LAST_RECORD:
            owned = s.open_cases("AP-01", day)
            actions = []
            if (year, term, half) == ("2025/26", "autumn", 2):
                actions = [("AP-P02", "AP-01", 14, 12, "done")]
            if (year, term, half) == ("2025/26", "spring", 2):
                actions = [("AP-P04", "AP-01", 21, 35, "done")]
            if (year, term, half) == ("2026/27", "autumn", 1):
                actions = [("AP-P04", "AP-01", 10, 7, "done"), (None, "AP-01", 30, None, "open")]
            s.session(day, "AP-04", ["AP-01"], cases=owned, actions=actions, functions="mdsv")
        # The DSL supervises the deputy every half-term.
        day = day_in(h, 2, 2)
        if day <= LAST_RECORD:
            actions = []
            if (year, term, half) == ("2025/26", "summer", 1):
                actions = [("AP-P06", "AP-02", 14, 10, "done"), ("AP-P06", "AP-02", 28, None, "cancelled")]
            if (year, term, half) == ("2026/27", "autumn", 1):
                actions = [("AP-P07", "AP-02", 21, None, "open")]
            s.session(day, "AP-01", ["AP-02"], cases=s.open_cases("AP-02", day), actions=actions,
                      recorded_after=8 if half == 2 else 1)
        # The DSL supervises the pastoral lead: one cancellation never rebooked, and in
        # 2026/27 only an informal catch-up so far.
        day = day_in(h, 3, 3)
        if day <= LAST_RECORD:
            if (year, term, half) == ("2025/26", "spring", 2):
                s.session(day, "AP-01", ["AP-03"], status="cancelled")
            elif year == "2026/27":
                s.session(day, "AP-01", ["AP-03"], kind="informal", minutes=20,
                          recorded_after=None, signed=(False, False), functions="s")
            else:
                s.session(day, "AP-01", ["AP-03"], cases=s.open_cases("AP-03", day),
                          functions="ms")
        # A termly group, led by the DSL, in the first half of each term (the pastoral
        # lead missed the one of autumn 2026).
        day = day_in(h, 4, 0)
        if half == 1 and day <= LAST_RECORD:
            group = ["AP-02", "AP-06"] if year == "2026/27" else ["AP-02", "AP-03", "AP-06"]
            s.session(day, "AP-01", group, kind="group", minutes=90,
                      functions="ds", signed=(True, year == "2025/26"))
    # AP-P02's latest discussion agrees an escalation that nobody has followed up.
    s.escalate_last("AP-P02")
    return s


def build_breakwater():
    s = School("150002", "Breakwater Academy", "secondary", "Westhaven", "CW")
    s.person("BW-01", "Mr Kwabena Mensah", "DSL", D("2019-01-07"), trained=D("2025-09-15"))
    s.person("BW-02", "Ms Chloé Dubois", "DDSL", D("2021-09-01"), trained=D("2025-02-03"))
    s.person("BW-03", "Mr Iain MacLeod", "DDSL", D("2026-01-05"))
    s.person("BW-04", "Mrs Priti Varma", "PASTORAL_LEAD", D("2016-09-01"))
    s.person("BW-05", "Dr Helen Ashworth", "HEADTEACHER", D("2014-09-01"), trained=D("2023-05-10"))
    s.person("BW-06", "Mr Owen Tate", "YEAR_HEAD", D("2012-09-01"))
    s.person("BW-07", "Ms Leah Fordham", "DDSL", D("2020-09-01"), left=D("2025-12-19"))
    s.contracts = [
        ("BW-01", "BW-05", D("2025-09-08"), D("2026-09-08")),
        ("BW-01", "BW-05", D("2026-09-07"), D("2027-09-07")),
        ("BW-02", "BW-01", D("2025-09-10"), D("2026-09-10")),
        ("BW-03", "BW-01", D("2026-01-12"), D("2027-01-12")),
        ("BW-04", "BW-01", D("2025-09-10"), D("2026-09-10")),
    ]
    cid = iter(range(1001, 2000))
    plan = [  # category, owner, opened, closed, scores
        ("CP", "BW-01", "2025-04-28", None, [2, 3, 3, 4, 5, 5, 6, 6]),
        ("CP", "BW-01", "2025-09-15", None, [4, 4, 3, 3, 3, 3, 3]),
        ("CP", "BW-01", "2026-03-02", None, [3, 4, 5, 5]),
        ("CLA", "BW-01", "2023-10-02", None, [6, 6, 7, 7, 7, 7, 7, 8]),
        ("CIN", "BW-02", "2025-06-16", None, [5, 6, 6, 7, 7, 8, 8]),
        ("CIN", "BW-02", "2025-11-24", "2026-07-10", [4, 5, 6]),
        ("EH", "BW-02", "2026-02-23", None, [6, 6, 7]),
        ("EH", "BW-03", "2026-01-19", None, [5, 5, 6, 6]),
        ("CONCERN", "BW-03", "2026-05-11", None, []),
        ("EH", "BW-04", "2025-09-29", None, [7, 7, 8, 8, 8, 8, 9]),
        ("STEP_DOWN", "BW-04", "2025-07-07", None, []),
        ("CIN", "BW-04", "2026-09-14", None, [4, 5]),
    ]
    for category, owner, opened, closed, scores in plan:
        s.case(f"BW-C{next(cid)}", category, owner, D(opened),
               D(closed) if closed else None, scores)
    for (year, term, half, start, end) in HALVES:
        if start > LAST_RECORD:
            break
        h = (year, term, half, start, end)
        day = day_in(h, 1, 3)
        if day <= LAST_RECORD:
            actions = []
            if (year, term, half) == ("2025/26", "spring", 1):
                actions = [("BW-C1002", "BW-01", 14, 13, "done"), (None, "BW-01", 30, 41, "done")]
            if (year, term, half) == ("2026/27", "autumn", 1):
                actions = [("BW-C1001", "BW-01", 14, 12, "done"), ("BW-C1002", "BW-01", 14, None, "open")]
            s.session(day, "BW-05", ["BW-01"], cases=s.open_cases("BW-01", day), actions=actions,
                      functions="mdsv", recorded_after=3)
        for week, person in ((2, "BW-02"), (3, "BW-03"), (3, "BW-04")):
            day = day_in(h, week, 1 if person != "BW-04" else 4)
            staff = next(p for p in s.staff if p["staff_id"] == person)
            if day > LAST_RECORD or day < staff["started_on"]:
                continue
            if person == "BW-02" and (year, term, half) == ("2025/26", "summer", 1):
                s.session(day, "BW-01", [person], status="missed")
                continue
            actions = []
            if person == "BW-04" and (year, term, half) == ("2025/26", "summer", 2):
                actions = [("BW-C1010", "BW-04", 14, 9, "done")]
            if person == "BW-02" and (year, term, half) == ("2026/27", "autumn", 1):
                actions = [("BW-C1007", "BW-02", 70, None, "open")]
            s.session(day, "BW-01", [person], cases=s.open_cases(person, day), actions=actions,
                      recorded_after=2 if week == 2 else 6, signed=(True, person != "BW-03" or half == 1))
        day = day_in(h, 5, 2)
        if half == 2 and day <= LAST_RECORD:
            group = [p for p in ("BW-02", "BW-03", "BW-04", "BW-06")
                     if next(x for x in s.staff if x["staff_id"] == p)["started_on"] <= day]
            s.session(day, "BW-01", group, kind="group", minutes=75, functions="dse")
    # The deputy who left had one session before she went.
    s.session(D("2025-10-08"), "BW-01", ["BW-07"], functions="ms")
    s.escalate_last("BW-C1001")
    return s


# --------------------------------------------------------------------------- SafeLog (flat CSV)
SAFELOG_KIND = {"one_to_one": "1:1", "group": "Group", "informal": "Informal"}
SAFELOG_STATUS = {"held": "Took place", "cancelled": "Cancelled", "missed": "Did not attend"}
SAFELOG_ROLE = {"DSL": "Designated Safeguarding Lead", "DDSL": "Deputy DSL",
                "PASTORAL_LEAD": "Pastoral Lead", "HEADTEACHER": "Headteacher",
                "TEACHER": "Class Teacher", "FAMILY_SUPPORT": "Family Support Worker"}
SAFELOG_CATEGORY = {"CP": "Child Protection", "CIN": "Child in Need", "CLA": "Looked After Child",
                    "EH": "Early Help", "CONCERN": "Low-level concern", "STEP_DOWN": "Step-down"}
SAFELOG_ACTION = {"open": "Open", "done": "Complete", "cancelled": "Withdrawn"}
# Proctor's model, as SafeLog names the functions of supervision.
SAFELOG_FUNCTION = {"m": "Normative", "d": "Formative", "s": "Restorative", "v": "Voice of the child"}


def uk(d):
    return d.strftime("%d/%m/%Y") if d else ""


def write_csv(path, header, rows, delimiter, encoding, bom=False):
    out = io.StringIO()
    w = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    w.writerow(header)
    w.writerows(rows)
    data = out.getvalue().encode(encoding)
    with open(path, "wb") as f:
        f.write((b"\xef\xbb\xbf" if bom else b"") + data)


def write_safelog(s):
    out = os.path.join(HERE, "bundles", "harbour-safelog")
    names = {p["staff_id"]: p["display_name"] for p in s.staff}
    write_csv(os.path.join(out, "Staff List.csv"),
              ["Staff Ref", "Name", "Job Title", "Start Date", "Leaving Date",
               "Supervision Training", "School", "URN", "Line Manager Notes"],
              [[p["staff_id"], p["display_name"], SAFELOG_ROLE[p["role"]], uk(p["started_on"]),
                uk(p["left_on"]), uk(p["supervisor_trained_on"]), s.name, s.urn,
                "Prefers Tuesday supervision" if p["role"] == "DSL" else ""]
               for p in s.staff],
              ";", "cp1252")
    write_csv(os.path.join(out, "Case Register.csv"),
              ["Pupil Ref", "Concern Type", "Lead Professional", "Opened", "Closed", "Summary"],
              [[c["case_id"], SAFELOG_CATEGORY[c["category"]], c["owner_id"], uk(c["opened_on"]),
                uk(c["closed_on"]), "Invented summary text for the sample; not a real child."]
               for c in s.cases],
              ",", "utf-8", bom=True)
    header = ["Session No", "Establishment", "Session Date", "Supervisor Ref", "Supervisor",
              "Supervisee Ref(s)", "Supervisee(s)", "Type", "Planned", "Outcome",
              "Length (mins)", "Written Up", "Signed (Supervisor)", "Signed (Supervisee)",
              "Focus", "Session Notes", "Pupil Ref", "Safety Rating", "Escalated?",
              "Discussion Notes", "Action Ref", "Action For", "Action Due", "Action Done",
              "Action Status", "Action Notes"]
    lines = []
    yes = lambda x: "Yes" if x else "No"
    for sess in s.sessions:
        base = [sess["session_id"], s.name, uk(sess["held_on"]), sess["supervisor_id"],
                names[sess["supervisor_id"]], ", ".join(sess["attendees"]),
                ", ".join(names[a] for a in sess["attendees"]), SAFELOG_KIND[sess["kind"]],
                "Planned" if sess["planned"] else "Unplanned (crisis)",
                SAFELOG_STATUS[sess["status"]],
                str(sess["duration_minutes"] or ""), uk(sess["recorded_on"]),
                yes(sess["signed_supervisor"]), yes(sess["signed_supervisee"]),
                ", ".join(SAFELOG_FUNCTION[c] for c in "mdsv" if c in sess["functions"]),
                "Discussed workload and wellbeing." if sess["kind"] == "one_to_one" else ""]
        # One line per case discussed; each action on the line of its case (a second
        # action of a case repeats the case's line); actions without a case on lines of
        # their own; a session with nothing discussed still has one line.
        case_lines = []
        for d in sess["discussions"]:
            acts = [a for a in sess["actions"] if a["case_id"] == d["case_id"]] or [None]
            for a in acts:
                case_lines.append((d, a))
        case_lines += [(None, a) for a in sess["actions"] if a["case_id"] is None]
        if not case_lines:
            case_lines = [(None, None)]
        for d, a in case_lines:
            disc = ["", "", "", ""] if d is None else [
                d["case_id"], "" if d["safety_score"] is None else str(d["safety_score"]),
                "Y" if d["escalated"] else "N", "Invented discussion note."]
            act = ["", "", "", "", "", ""] if a is None else [
                a["action_id"], a["owner_id"], uk(a["due_on"]), uk(a["completed_on"]),
                SAFELOG_ACTION[a["status"]], "Invented action note."]
            lines.append(base + disc + act)
    # Planted: the deputy's first session of 2026 is on two lines (two cases), and its
    # second line says 45 minutes where its first says 60.
    target = next(x for x in s.sessions
                  if x["attendees"] == ["AP-02"] and x["held_on"] >= D("2026-01-01")
                  and len(x["discussions"]) == 2 and not x["actions"])
    planted = [i for i, line in enumerate(lines) if line[0] == target["session_id"]]
    lines[planted[1]][10] = "45"
    write_csv(os.path.join(out, "Supervision Log.csv"), header, lines, ";", "cp1252")
    return len(lines), target["session_id"], [p + 2 for p in planted]


# --------------------------------------------------------------------------- CareWatch (xlsx)
class Serial:
    """A date written as a bare number, as when a column has lost its date format."""

    def __init__(self, date):
        self.date = date


class CellError:
    def __init__(self, text):
        self.text = text


EPOCH = dt.date(1899, 12, 30)


def column_letter(i):
    letters = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        letters = chr(65 + r) + letters
    return letters


def cell_xml(ref, value):
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return f'<c r="{ref}" t="b"><v>{int(value)}</v></c>'
    if isinstance(value, CellError):
        return f'<c r="{ref}" t="e"><v>{escape(value.text)}</v></c>'
    if isinstance(value, Serial):
        return f'<c r="{ref}"><v>{(value.date - EPOCH).days}</v></c>'
    if isinstance(value, dt.date):
        return f'<c r="{ref}" s="1"><v>{(value - EPOCH).days}</v></c>'
    if isinstance(value, (int, float)):
        return f'<c r="{ref}"><v>{value}</v></c>'
    return f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{escape(value)}</t></is></c>'


def sheet_xml(rows):
    body = []
    for r, row in enumerate(rows, start=1):
        cells = "".join(cell_xml(f"{column_letter(c)}{r}", v) for c, v in enumerate(row))
        body.append(f'<row r="{r}">{cells}</row>')
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            f'<sheetData>{"".join(body)}</sheetData></worksheet>')


def write_xlsx(path, sheets):
    ns = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    files = {
        "[Content_Types].xml":
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
            + "".join(f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
                      for i in range(1, len(sheets) + 1))
            + '</Types>',
        "_rels/.rels":
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{rel}/officeDocument" Target="xl/workbook.xml"/>'
            '</Relationships>',
        "xl/workbook.xml":
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<workbook xmlns="{ns}" xmlns:r="{rel}"><sheets>'
            + "".join(f'<sheet name="{escape(name)}" sheetId="{i}" r:id="rId{i}"/>'
                      for i, (name, _) in enumerate(sheets, start=1))
            + '</sheets></workbook>',
        "xl/_rels/workbook.xml.rels":
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            + "".join(f'<Relationship Id="rId{i}" Type="{rel}/worksheet" Target="worksheets/sheet{i}.xml"/>'
                      for i in range(1, len(sheets) + 1))
            + f'<Relationship Id="rId{len(sheets) + 1}" Type="{rel}/styles" Target="styles.xml"/>'
            '</Relationships>',
        "xl/styles.xml":
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<styleSheet xmlns="{ns}">'
            '<numFmts count="1"><numFmt numFmtId="164" formatCode="dd/mm/yyyy"/></numFmts>'
            '<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
            '<fills count="1"><fill><patternFill patternType="none"/></fill></fills>'
            '<borders count="1"><border/></borders>'
            '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
            '<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
            '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>'
            '</styleSheet>',
    }
    for i, (_, rows) in enumerate(sheets, start=1):
        files[f"xl/worksheets/sheet{i}.xml"] = sheet_xml(rows)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in files.items():
            info = zipfile.ZipInfo(name, date_time=(2026, 11, 20, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, text.encode("utf-8"))


CAREWATCH_ROLE = {"DSL": "DSL", "DDSL": "Deputy DSL", "PASTORAL_LEAD": "Pastoral Manager",
                  "HEADTEACHER": "Head Teacher", "YEAR_HEAD": "Head of Year"}
CAREWATCH_KIND = {"one_to_one": "Individual", "group": "Group"}
CAREWATCH_STATUS = {"held": "Completed", "cancelled": "Cancelled", "missed": "Did not attend"}
CAREWATCH_CATEGORY = {"CP": "CP Plan", "CIN": "CiN", "CLA": "LAC", "EH": "Early Help",
                      "CONCERN": "Monitoring", "STEP_DOWN": "Step Down"}
CAREWATCH_FUNCTION = {"m": "Managerial", "d": "Developmental", "s": "Supportive", "e": "Mediation",
                      "v": "Voice of the Child"}


def write_carewatch(s):
    names = {p["staff_id"]: p["display_name"] for p in s.staff}
    sessions, attendance, discussions, actions = [], [], [], []
    for n, sess in enumerate(s.sessions):
        recorded = sess["recorded_on"]
        if recorded is not None and n % 5 == 4:
            recorded = Serial(recorded)  # a cell that lost its date format
        sessions.append([sess["session_id"], s.urn, sess["held_on"], sess["supervisor_id"],
                         CAREWATCH_KIND[sess["kind"]], sess["planned"],
                         CAREWATCH_STATUS[sess["status"]], sess["duration_minutes"], recorded,
                         sess["signed_supervisor"], sess["signed_supervisee"],
                         "; ".join(CAREWATCH_FUNCTION[c] for c in "mdsev" if c in sess["functions"]),
                         "Invented session note."])
        for a in sess["attendees"]:
            attendance.append([sess["session_id"], a, names[a]])
        for d in sess["discussions"]:
            discussions.append([sess["session_id"], d["case_id"], d["safety_score"], d["escalated"],
                                "Invented discussion note."])
        for a in sess["actions"]:
            actions.append([a["action_id"], sess["session_id"], a["case_id"] or "", a["owner_id"],
                            a["due_on"], a["completed_on"], a["status"].capitalize(),
                            "Invented action note."])
    discussions[3][2] = CellError("#N/A")  # planted: sheet row 5
    sheets = [
        ("Establishment", [["URN", "Establishment name", "Phase", "Local authority"],
                           [int(s.urn), s.name, "Secondary", s.la]]),
        ("Staff", [["Staff ID", "Full name", "Role", "Start date", "End date", "Training date"]]
         + [[p["staff_id"], p["display_name"], CAREWATCH_ROLE[p["role"]], p["started_on"],
             p["left_on"], p["supervisor_trained_on"]] for p in s.staff]),
        ("Agreements", [["Supervisee", "Supervisor", "Signed on", "Review due"]]
         + [list(c) for c in s.contracts]),
        ("Sessions", [["Session ID", "URN", "Date", "Supervisor", "Format", "Planned", "Status",
                       "Minutes", "Recorded on", "Supervisor signed", "Supervisee signed",
                       "Functions", "Notes"]] + sessions),
        ("Attendance", [["Session ID", "Staff ID", "Staff name"]] + attendance),
        ("Cases", [["Case ID", "URN", "Category", "Owner", "Opened", "Closed", "Summary"]]
         + [[c["case_id"], int(s.urn), CAREWATCH_CATEGORY[c["category"]], c["owner_id"],
             c["opened_on"], c["closed_on"], "Invented summary text."] for c in s.cases]),
        ("Case discussions", [["Session ID", "Case ID", "Score", "Escalated", "Notes"]] + discussions),
        ("Actions", [["Action ID", "Session ID", "Case ID", "Owner", "Due", "Completed", "Status",
                      "Notes"]] + actions),
    ]
    write_xlsx(os.path.join(HERE, "bundles", "harbour-carewatch", "CareWatch export.xlsx"), sheets)
    return {name: len(rows) - 1 for name, rows in sheets}


if __name__ == "__main__":
    for folder in ("harbour-safelog", "harbour-carewatch"):
        os.makedirs(os.path.join(HERE, "bundles", folder), exist_ok=True)
    anchorage, breakwater = build_anchorage(), build_breakwater()
    lines, planted, at = write_safelog(anchorage)
    print(f"harbour-safelog: {len(anchorage.staff)} staff, {len(anchorage.cases)} cases, "
          f"{len(anchorage.sessions)} sessions on {lines} lines of Supervision Log.csv")
    print(f"harbour-safelog: planted differing repeat: {planted} on lines {at}")
    for sheet, rows in write_carewatch(breakwater).items():
        print(f"harbour-carewatch: {sheet:<17} {rows:>4} rows")
