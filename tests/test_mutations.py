"""Mutation tests: hundreds of workbooks derived from the example inputs, each broken in
one to three ways, as planners' workbooks arrive: cells of the wrong type, blanks, deleted
sheets, columns and rows, duplicated codes, dangling references, huge and tiny numbers,
NaN and infinity, dates in number columns, unicode and whitespace in codes, merged cells,
hidden sheets, formulas without cached values, settings out of range, empty sheets,
unknown sheets and columns.

Every mutated workbook goes through the command line in-process (`planner run FILE --out
OUT`) and must end in one of two ways: refused with exit code 2, every problem located
(workbook › sheet, and row and column where the problem is a cell; the cells the
mutations broke among them) and nothing written; or planned, exit code 0, with a report
that opens. Never a traceback or an internal error, never a file left behind on error,
and the input file byte for byte unchanged. (One exception to "every problem": a cell
whose stored value openpyxl cannot read, NaN or INF where a number is stored, stops the
reading; then only such cells are listed, each located.)

The generator is seeded: workbook `tutorial-017` is the same on every run. Each mutation
kind is a small function that picks its target among the cells the schema describes,
changes the workbook (openpyxl, on a copy) and says what must follow: a refusal located at
a given place, no refusal on its account, or either. Mutations combined in one workbook
touch disjoint sheets, so that none hides another's problem.

The default run takes a fast subset (`FAST`); `pytest -m verify` the bulk (`BULK`), with
workbooks from anzus.xlsx and nato.xlsx. The summary tests print the counts: tried,
refused, planned, no plan, tracebacks, partial files.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import random
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import openpyxl
import pytest
from openpyxl.utils import get_column_letter
from typer.testing import CliRunner

from planner.cli import app
from planner.schema import SETTINGS, SHEET_BY_NAME, SHEETS, Column, Sheet

ROOT = Path(__file__).parents[1]
INPUTS = ROOT / "inputs"
TABLES = [s for s in SHEETS if s.layout == "table"]
SLOW = {"nato"}  # planning takes half a minute: only mutants that must be refused

FAST = [("tutorial", i) for i in range(70)] + [("tutorial_plus", i) for i in range(30)]  # ≈ 50 s
BULK = ([("tutorial", i) for i in range(70, 300)] + [("tutorial_plus", i) for i in range(30, 200)]
        + [("anzus", i) for i in range(60)] + [("nato", i) for i in range(16)])
assert len(FAST) + len(BULK) >= 500

RESULTS: dict[str, list[dict]] = {"fast": [], "bulk": []}


# ---------------------------------------------------------------------------- sources


def _fill(ws, rows: list[dict]) -> None:
    header = [c.value for c in ws[1]]
    for row in rows:
        ws.append([row.get(h) for h in header])


def tutorial_plus() -> bytes:
    """inputs/tutorial.xlsx with every optional sheet filled (a candidate, fair-share
    adjustments, an exclusion, two scenarios, a participation, a suspension, a site with
    basing rights, pre-positioning and transit): still small, fast to plan."""
    wb = openpyxl.load_workbook(INPUTS / "tutorial.xlsx")
    wb["Regions"]["D2"] = "ARL"
    _fill(wb["Regions"], [dict(code="SEA", name="Northern sea")])
    _fill(wb["Requirements"], [dict(capability="SQN", region="SEA", year=2026, units=1)])
    _fill(wb["Candidates"], [dict(code="DAN", name="Danubia", gdp_musd=300, gdp_growth_pct=0,
                                  defence_spending_musd=6, equipment_pct=20, population_m=4,
                                  obligation="automatic", year_joined=2026)])
    _fill(wb["FairShare"], [dict(member="CAR", exempt="yes"), dict(member="BOR", band_pct=50)])
    _fill(wb["Exclusions"], [dict(member="BOR", region="SEA", reason="illustrative")])
    _fill(wb["Scenarios"], [
        dict(code="CRISIS", name="Long warning", probability=0.8, warning_days=60, requirement_scale=1),
        dict(code="SHORT", name="Short warning", probability=0.2, warning_days=5, requirement_scale=0.5)])
    _fill(wb["ScenarioRequirements"], [dict(scenario="SHORT", capability="BDE", region="EAST", year=2025, units=2)])
    _fill(wb["Participation"], [dict(member="BOR", scenario="SHORT", participation="yes")])
    _fill(wb["Suspensions"], [dict(member="CAR", towards="ARL", from_year=2026, to_year=2026)])
    _fill(wb["Sites"], [dict(code="DEPOT", name="Eastern depot", host="ARL", region="EAST", fixed_cost_musd=5,
                             upkeep_musd=1, capacity_sets=4, existing="no")])
    _fill(wb["BasingRights"], [dict(user="BOR", host="ARL", site="DEPOT", allowed="yes", max_sets=2)])
    _fill(wb["Prepositioning"], [dict(capability="BDE", set_cost_musd=1, storage_cost_musd=0.1, set_size=1,
                                      can_draw="yes")])
    _fill(wb["Transit"], [
        dict(from_member="BOR", region="EAST", mode="road", days=8, cost_musd=0.5),
        dict(from_member="CAR", region="SEA", mode="air", days=2, cost_musd=1),
        dict(from_site="DEPOT", capability="BDE", region="EAST", mode="road", days=1, cost_musd=0.1)])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


_SOURCES: dict[str, bytes] = {}


def source(name: str) -> bytes:
    if name not in _SOURCES:
        _SOURCES[name] = tutorial_plus() if name == "tutorial_plus" else (INPUTS / f"{name}.xlsx").read_bytes()
    return _SOURCES[name]


# ---------------------------------------------------------------------------- mutations


@dataclass
class Mutation:
    """One change to a workbook and what must follow from it."""

    kind: str
    what: str  # e.g. "Members!C3 = 'lots'"
    sheets: set[str]  # sheets it changes, or whose content its expectation depends on
    refuse: bool | None  # True: the workbook must be refused; False: not on its account; None: either
    where: list[tuple[str, str]] = field(default_factory=list)  # (place, words): one problem line has both
    forbid: list[str] = field(default_factory=list)  # text that must not appear in the output
    patch: dict[bytes, bytes] = field(default_factory=dict)  # bytes of the saved sheets to replace
    no_plan_ok: bool = False  # a valid workbook the solver may find no plan for (exit 1)
    unreadable: bool = False  # openpyxl cannot read the workbook: only such cells are listed

    def __str__(self) -> str:
        return f"{self.kind}: {self.what}"


class Book:
    """An openpyxl workbook with the schema's view of it."""

    def __init__(self, wb: openpyxl.Workbook):
        self.wb = wb

    def has(self, sheet: str) -> bool:
        return sheet in self.wb.sheetnames

    def headers(self, sheet: str) -> dict[str, int]:
        """Schema column name → 1-based column, from row 1."""
        ws = self.wb[sheet]
        out: dict[str, int] = {}
        for cell in ws[1]:
            if isinstance(cell.value, str) and cell.value.strip():
                out.setdefault(cell.value.strip().lower(), cell.column)
        return out

    def rows(self, sheet: str) -> list[int]:
        """Data rows (2…) with any value."""
        ws = self.wb[sheet]
        return [r for r in range(2, ws.max_row + 1)
                if any(c.value not in (None, "") for c in ws[r])]

    def value(self, sheet: str, row: int, col: int) -> Any:
        return self.wb[sheet].cell(row=row, column=col).value

    def set(self, sheet: str, row: int, col: int, value: Any) -> None:
        self.wb[sheet].cell(row=row, column=col).value = value

    def settings_row(self, name: str) -> int | None:
        if not self.has(SETTINGS.name):
            return None
        ws = self.wb[SETTINGS.name]
        return next((c.row for c in ws["A"] if isinstance(c.value, str) and c.value.strip().lower() == name), None)

    def cells(self, avoid: set[str], test: Callable[[Column], bool], settings: bool = True,
              blank: bool = True) -> list[tuple[Sheet, int, int, Column]]:
        """(sheet, row, column, schema column) of every cell whose column passes `test`,
        in sheets not in `avoid`; Settings values too unless settings=False."""
        found = []
        for sheet in TABLES:
            if sheet.name in avoid or not self.has(sheet.name):
                continue
            headers = self.headers(sheet.name)
            rows = self.rows(sheet.name)
            for column in sheet.columns:
                if column.name in headers and test(column):
                    found += [(sheet, r, headers[column.name], column) for r in rows
                              if blank or self.value(sheet.name, r, headers[column.name]) not in (None, "")]
        if settings and SETTINGS.name not in avoid and self.has(SETTINGS.name):
            for column in SETTINGS.columns:
                row = self.settings_row(column.name)
                if row and test(column) and (blank or self.value(SETTINGS.name, row, 2) not in (None, "")):
                    found.append((SETTINGS, row, 2, column))
        return found

    def references(self, sheet: str, codes: set[str], avoid: set[str]) -> list[tuple[str, int, int, str]] | None:
        """Cells (sheet, row, column, header) elsewhere that refer to `codes` of `sheet`;
        None if one of them is in a sheet in `avoid`."""
        found = []
        for other in TABLES:
            if not self.has(other.name) or other.name == sheet:
                continue
            headers = self.headers(other.name)
            for column in other.columns:
                if column.ref == sheet and column.name in headers:
                    for r in self.rows(other.name):
                        if self.value(other.name, r, headers[column.name]) in codes:
                            if other.name in avoid:
                                return None
                            found.append((other.name, r, headers[column.name], column.name))
        return found


def place(sheet: str, row: int | None = None, col: int | None = None) -> str:
    """How a problem's place starts in the message, after the workbook's name."""
    where = f"› {sheet}"
    if row is not None:
        where += f" › row {row}"
        if col is not None:
            where += f", column {get_column_letter(col)}"
    return where


def at(sheet: Sheet, row: int, col: int) -> str:
    return f"{sheet.name}!{get_column_letter(col)}{row}"


def refs_of(column: Column) -> set[str]:
    """Sheets a reference column's check depends on."""
    if not column.ref:
        return set()
    return {column.ref} | ({"Candidates"} if column.ref == "Members" else set())


NUMERIC = ("number", "integer", "year")


def cell_mutation(kind: str, book: Book, rng: random.Random, avoid: set[str], test: Callable[[Column], bool],
                  values: list[Any] | Callable[[Any, Column, random.Random], Any],
                  refuse: Callable[[Column, Any], bool | None], words: str = "",
                  settings: bool = True, blank: bool = True) -> Mutation | None:
    """Set one cell, picked among those whose column passes `test` (blank ones too unless
    blank=False), to one of `values` (or to values(old value, column, rng)); `refuse`
    says whether that must be refused, and `words` what the problem at the cell says."""
    cells = book.cells(avoid, test, settings=settings, blank=blank)
    if not cells:
        return None
    sheet, row, col, column = rng.choice(cells)
    value = rng.choice(values) if not callable(values) else values(book.value(sheet.name, row, col), column, rng)
    if value is _SKIP:
        return None
    book.set(sheet.name, row, col, value)
    must = refuse(column, value)
    return Mutation(kind, f"{at(sheet, row, col)} ({column.name}) = {value!r}", {sheet.name} | refs_of(column),
                    must, [(place(sheet.name, row, col), words)] if must else [])


_SKIP = object()


def text_in_number(book, rng, avoid):
    return cell_mutation("text in a number column", book, rng, avoid, lambda c: c.kind in NUMERIC,
                         ["lots", "12 units", "n/a", "1,5", "—", "TBD", "12%", "1 000", "?"], lambda c, v: True,
                         "expected")


def number_in_code(book, rng, avoid):
    # a number is a valid code ('42'); in a reference column it refers to nothing
    return cell_mutation("number in a code column", book, rng, avoid, lambda c: c.kind == "code",
                         [42, 7.5, 2024, 0, -3], lambda c, v: True if c.ref else None, "")


def bool_where_number(book, rng, avoid):
    return cell_mutation("bool in a number column", book, rng, avoid, lambda c: c.kind in NUMERIC,
                         [True, False], lambda c, v: True, "expected")


def bool_in_code(book, rng, avoid):
    return cell_mutation("bool in a code column", book, rng, avoid, lambda c: c.kind == "code",
                         [True, False], lambda c, v: True if c.ref else None, "")


def text_in_choice(book, rng, avoid):
    def must(column, value):
        return column.kind == "bool" or str(value).lower() not in column.choices
    return cell_mutation("wrong value in a yes/no or choice column", book, rng, avoid,
                         lambda c: c.kind in ("bool", "enum"),
                         ["maybe?", "si", 2, -1, "sea", "automatique", "yes please", 0.5], must, "expected")


def blank_required(book, rng, avoid):
    return cell_mutation("blank required cell", book, rng, avoid, lambda c: c.required,
                         [None, "", "   ", "\t"], lambda c, v: True, "required", blank=False)


def blank_optional(book, rng, avoid):
    # a blank optional cell takes the column's default: valid, whatever else it changes
    return cell_mutation("blank optional cell", book, rng, avoid, lambda c: not c.required,
                         [None, "  "], lambda c, v: None, blank=False)


def dangling_reference(book, rng, avoid):
    def code(old, column, rng):
        if isinstance(old, str) and old.strip() and rng.random() < 0.3:
            return old.strip().lower() if old.strip().lower() != old.strip() else "x" + old.strip()
        return rng.choice(["ZZZ", "XX1", "NOPE", "USA2", "EAST-9"])
    return cell_mutation("dangling reference", book, rng, avoid, lambda c: bool(c.ref), code,
                         lambda c, v: True, "no such code", settings=False)


def huge_number(book, rng, avoid):
    return cell_mutation("huge number", book, rng, avoid, lambda c: c.kind in NUMERIC,
                         [1e308, -1e308, 1.7976931348623157e308, 1e16, -5e20, 1e15, 2e12], lambda c, v: True,
                         "")


def large_allowed(book, rng, avoid):
    """A number as large as the validator allows (1e12): planned, or refused for a reason
    it names; never a plan the solver calls unbounded."""
    return cell_mutation("large number within the limit", book, rng, avoid,
                         lambda c: c.kind == "number" and (c.maximum is None or c.maximum >= 1e12),
                         [1e12, 9.99e11, 123456789012.5], lambda c, v: None, "")


def _valid_number(column: Column, value: float) -> bool:
    if column.kind != "number":
        return float(value).is_integer()
    low, high = column.minimum, column.maximum
    if low is not None and (value <= low if column.min_exclusive else value < low):
        return False
    return high is None or value <= high


def tiny_number(book, rng, avoid):
    # a valid tiny number is planned: the solver drops coefficients below its tolerances
    def must(column, value):
        return True if not _valid_number(column, value) else None
    m = cell_mutation("tiny number", book, rng, avoid, lambda c: c.kind in NUMERIC,
                      [1e-308, 5e-324, 2.2250738585072014e-308, -1e-308, 1e-12], must, "")
    if m and "(time_limit_s)" in m.what:
        m.no_plan_ok = True  # the solver stops before it finds a plan
    return m


def out_of_range(book, rng, avoid):
    def value(old, column, rng):
        if column.kind == "year":
            return rng.choice([1899, 2201, 0, 99999])
        options = []
        if column.minimum is not None:
            options.append(column.minimum if column.min_exclusive else column.minimum - rng.choice([1, 0.5, 1000]))
        if column.maximum is not None:
            options.append(column.maximum + rng.choice([1, 0.001, 100]))
        return rng.choice(options) if options else _SKIP
    return cell_mutation("negative or out of range", book, rng, avoid,
                         lambda c: c.kind == "year" or c.kind in NUMERIC and (c.minimum, c.maximum) != (None, None),
                         value, lambda c, v: True, "")


def nan_inf_text(book, rng, avoid):
    return cell_mutation("NaN or infinity as text", book, rng, avoid, lambda c: c.kind in NUMERIC,
                         ["nan", "NaN", "inf", "-inf", "Infinity", "1e999", "-1E999", "+inf"], lambda c, v: True,
                         "")


def nan_inf_float(book, rng, avoid):
    # openpyxl writes a float NaN or infinity as an empty value: a blank cell
    return cell_mutation("NaN or infinity as a float cell", book, rng, avoid, lambda c: c.kind in NUMERIC,
                         [float("nan"), float("inf"), float("-inf")], lambda c, v: True if c.required else None,
                         "", blank=False)


SENTINEL = 987654.125


def nan_inf_raw(book, rng, avoid):
    """A number cell whose stored value is NaN or infinity, as some writers store it."""
    sentinel = SENTINEL + rng.randrange(1000)  # written by openpyxl as <v>987654.125</v>, then replaced
    m = cell_mutation("NaN or infinity stored in a number cell", book, rng, avoid, lambda c: c.kind in NUMERIC,
                      [sentinel], lambda c, v: True, "")
    if m:
        raw = rng.choice([b"NaN", b"nan", b"INF", b"-inf", b"Infinity", b"1e999", b"-1E400"])
        m.patch = {f"<v>{sentinel!r}</v>".encode(): b"<v>" + raw + b"</v>"}
        m.what = m.what.replace(repr(sentinel), raw.decode() + " (stored)")
        m.unreadable = raw not in (b"1e999", b"-1E400")  # openpyxl reads those as ±inf
    return m


def date_in_number(book, rng, avoid):
    return cell_mutation("date in a number or code column", book, rng, avoid,
                         lambda c: c.kind in NUMERIC or c.kind == "code",
                         [dt.datetime(2024, 1, 1), dt.date(2025, 6, 30), dt.datetime(2025, 1, 1, 12, 30),
                          dt.time(12, 0)], lambda c, v: True, "a date or time")


HOMOGLYPHS = {"A": "Å", "E": "É", "O": "Ö", "U": "Ü", "C": "Ç", "N": "Ñ"}


def unicode_code(book, rng, avoid):
    """Codes with spaces (trimmed: accepted) or invisible and foreign characters (refused)."""
    def variant(old, column, rng):
        if not isinstance(old, str) or not old.strip():
            return _SKIP
        v = old.strip()
        kept = [f" {v}", f"{v} ", f"\u00a0{v}", f"{v}\t", f"\n{v}", f"  {v}  ", f"{v}\u2028"]  # trimmed
        bad = [HOMOGLYPHS.get(v[0], "Å") + v[1:], f"{v[:1]}\u200b{v[1:]}", f"{v}\u200b", f"{v}🙂",
               "".join(chr(ord(ch) + 0xFEE0) if "!" <= ch <= "~" else ch for ch in v),  # full width
               "\u0410" + v[1:] if v[0] == "A" else "\u0421" + v[1:],  # Cyrillic А / С
               f"{v[:1]} {v[1:]}", f"\ufeff{v}"]
        return rng.choice(kept if rng.random() < 0.35 else bad)
    def must(column, value):
        return False if value.strip() != value and value.strip().isascii() and " " not in value.strip() else True
    return cell_mutation("unicode or whitespace in a code", book, rng, avoid, lambda c: c.kind == "code",
                         variant, must, "", settings=False, blank=False)


def merged_cells(book, rng, avoid):
    """Merge a small range over data: the cells under the first one become blank."""
    options = [s for s in TABLES if s.name not in avoid and book.has(s.name) and book.rows(s.name)]
    if not options:
        return None
    sheet = rng.choice(options)
    ws = book.wb[sheet.name]
    rows = book.rows(sheet.name)
    width = max(book.headers(sheet.name).values())
    h, w = rng.choice([(1, 2), (2, 1), (2, 2), (1, 3), (3, 1)])
    top = rng.choice(([1] if rng.random() < 0.15 else []) + rows)
    left = rng.randint(1, max(1, width - w + 1))
    bottom, right = min(top + h - 1, max(rows)), min(left + w - 1, width)
    if (bottom, right) == (top, left):
        return None
    by_col = {c: name for name, c in book.headers(sheet.name).items()}
    where, must = [], None
    for r in range(top, bottom + 1):
        for c in range(left, right + 1):
            if (r, c) == (top, left):
                continue
            name = by_col.get(c)
            column = next((x for x in sheet.columns if x.name == name), None)
            if column is None or not column.required:
                continue
            if r == 1:
                where.append((place(sheet.name, 1), f"required column {name} is missing"))
                must = True
            elif book.value(sheet.name, r, c) not in (None, ""):
                where.append((place(sheet.name, r, c), "required"))
                must = True
    refs = set().union(*(refs_of(c) for c in sheet.columns))
    if refs & avoid:
        return None
    ws.merge_cells(start_row=top, start_column=left, end_row=bottom, end_column=right)
    return Mutation("merged cells over data", f"{sheet.name}!{get_column_letter(left)}{top}:"
                    f"{get_column_letter(right)}{bottom}", {sheet.name} | refs, must, where)


def hidden_sheet(book, rng, avoid):
    """A sheet hidden (or very hidden): still read."""
    options = [n for n in book.wb.sheetnames if n not in avoid and n in SHEET_BY_NAME]
    if not options:
        return None
    name = rng.choice(options)
    visible = [i for i, ws in enumerate(book.wb.worksheets) if ws.sheet_state == "visible" and ws.title != name]
    if not visible:
        return None  # a workbook needs a visible sheet
    state = rng.choice(["hidden", "veryHidden"])
    book.wb[name].sheet_state = state
    book.wb.active = visible[0]
    return Mutation("hidden sheet", f"{name} {state}", {name}, False,
                    forbid=[f"› {name}: required sheet is missing"])


def formula_without_value(book, rng, avoid):
    """A formula as openpyxl writes it: no cached value."""
    formula = rng.choice(["=1+1", "=SUM(C2:C3)", "=A2", '="ARL"', "=NA()", "=TODAY()"])
    options = [s for s in [SETTINGS, *TABLES] if s.name not in avoid and book.has(s.name)]
    if not options:
        return None
    sheet = rng.choice(options)
    if sheet is SETTINGS:
        rows = book.rows(sheet.name)
        if not rows:
            return None
        row, col = rng.choice(rows), rng.choice([1, 2])
    else:
        width = max(book.headers(sheet.name).values(), default=1)
        row = rng.choice([1, *book.rows(sheet.name), max([1, *book.rows(sheet.name)]) + 1])
        col = rng.randint(1, width)
    book.set(sheet.name, row, col, formula)
    return Mutation("formula without a cached value", f"{sheet.name}!{get_column_letter(col)}{row} = {formula}",
                    {sheet.name}, True, [(place(sheet.name, row, col), "formula without a computed value")])


def formula_in_free_sheet(book, rng, avoid):
    """A formula in a sheet the planner never reads: nothing to report."""
    name = rng.choice(["About", "Notes"])
    ws = book.wb[name] if book.has(name) else book.wb.create_sheet(name)
    ws.cell(row=ws.max_row + 1, column=2).value = "=1/0"
    return Mutation("formula in a free sheet", f"{name} gets =1/0", {name}, False)


def excel_error_value(book, rng, avoid):
    """#N/A, #DIV/0!… stored as a cell's value (a formula's cached error)."""
    return cell_mutation("Excel error value", book, rng, avoid, lambda c: True,
                         ["#N/A", "#DIV/0!", "#REF!", "#VALUE!", "#NAME?", "#NUM!", "#NULL!"],
                         lambda c, v: True, "", blank=True)


def delete_required_sheet(book, rng, avoid):
    options = [s.name for s in SHEETS if s.required and s.name not in avoid and book.has(s.name)]
    if not options:
        return None
    name = rng.choice(options)
    depends = {name} | {s.name for s in TABLES if any(c.ref == name for c in s.columns)}
    book.wb.remove(book.wb[name])
    return Mutation("deleted required sheet", name, depends, True, [(place(name) + ":", "required sheet is missing")])


def delete_optional_sheet(book, rng, avoid):
    options = [s.name for s in SHEETS if not s.required and s.name not in avoid and book.has(s.name)]
    if not options:
        return None
    name = rng.choice(options)
    depends = {name} | {s.name for s in TABLES if any(c.ref == name for c in s.columns)}
    if depends & avoid:
        return None
    codes = _codes(book, name)
    refs = book.references(name, codes, avoid) if codes else []
    if refs is None:
        return None
    book.wb.remove(book.wb[name])
    if refs:
        # the sheet they refer to is gone: each such reference must be reported
        return Mutation("deleted optional sheet", f"{name} (referred to)", depends, True,
                        [(place(s, r, c), "no such code") for s, r, c, _ in refs])
    # nothing refers to it (a candidate's rows may, through Members' codes)
    return Mutation("deleted optional sheet", name, depends, None if name == "Candidates" else False)


def _codes(book: Book, sheet: str) -> set[str]:
    """The codes of a sheet's first column (sheets with a code key)."""
    spec = SHEET_BY_NAME.get(sheet)
    if not spec or spec.layout != "table" or spec.key != ("code",):
        return set()
    col = book.headers(sheet).get("code")
    if col is None:
        return set()
    return {book.value(sheet, r, col) for r in book.rows(sheet)} - {None}


def delete_column(book, rng, avoid):
    options = [s for s in [SETTINGS, *TABLES] if s.name not in avoid and book.has(s.name)]
    if not options:
        return None
    sheet = rng.choice(options)
    if sheet is SETTINGS:
        col = rng.randint(1, 4)
        book.wb[sheet.name].delete_cols(col)
        must = True if col <= 2 else False
        return Mutation("deleted column", f"Settings column {get_column_letter(col)}", {sheet.name}, must,
                        [(place(sheet.name), "setting plan_name is required")] if must else [])
    headers = book.headers(sheet.name)
    known = [c for c in sheet.columns if c.name in headers]
    if not known:
        return None
    column = rng.choice(known)
    refs = set().union(*(refs_of(c) for c in sheet.columns))
    if column.name == "code":
        refs |= {s.name for s in TABLES if any(c.ref == sheet.name for c in s.columns)}
    if refs & avoid:
        return None
    book.wb[sheet.name].delete_cols(headers[column.name])
    must = True if column.required else None
    return Mutation("deleted column", f"{sheet.name} column {column.name}", {sheet.name} | refs, must,
                    [(place(sheet.name, 1) + ":", f"required column {column.name} is missing")] if must else [])


def rename_header(book, rng, avoid):
    options = [s for s in TABLES if s.name not in avoid and book.has(s.name)]
    if not options:
        return None
    sheet = rng.choice(options)
    headers = book.headers(sheet.name)
    known = [c for c in sheet.columns if c.name in headers]
    if not known:
        return None
    column = rng.choice(known)
    col = headers[column.name]
    harmless = [column.name.upper(), f" {column.name} ", column.name.title()]
    typo = [t for t in (column.name + "_x", column.name.replace("_", " "), column.name[:-1], "Unnamed: 3",
                        column.name + "\u200b", 42) if t != column.name]
    new = rng.choice(harmless if rng.random() < 0.3 else typo)
    refs = set().union(*(refs_of(c) for c in sheet.columns))
    if column.name == "code":
        refs |= {s.name for s in TABLES if any(c.ref == sheet.name for c in s.columns)}
    if refs & avoid:
        return None
    book.set(sheet.name, 1, col, new)
    if new in harmless:
        return Mutation("renamed header", f"{sheet.name}!{get_column_letter(col)}1 = {new!r}", {sheet.name}, False)
    must = True if column.required else None
    return Mutation("renamed header", f"{sheet.name}!{get_column_letter(col)}1 = {new!r}", {sheet.name} | refs, must,
                    [(place(sheet.name, 1) + ":", f"required column {column.name} is missing")] if must else [])


def _pick_row(book, rng, avoid):
    """A sheet with data rows, its rows and one of them, at random (None: no such sheet)."""
    options = [s for s in [SETTINGS, *TABLES] if s.name not in avoid and book.has(s.name) and book.rows(s.name)]
    if not options:
        return None
    sheet = rng.choice(options)
    rows = book.rows(sheet.name)
    return sheet, rows, rng.choice(rows)


def delete_row(book, rng, avoid):
    """A row deleted; a code others refer to leaves them dangling."""
    picked = _pick_row(book, rng, avoid)
    if picked is None:
        return None
    sheet, rows, row = picked
    ws = book.wb[sheet.name]
    if sheet is SETTINGS:
        name = str(book.value(sheet.name, row, 1) or "").strip().lower()
        column = next((c for c in SETTINGS.columns if c.name == name), None)
        ws.delete_rows(row)
        must = True if column is not None and column.required else None
        return Mutation("deleted row", f"Settings row {row} ({name})", {sheet.name}, must,
                        [(place(sheet.name) + ":", f"setting {name} is required")] if must else [])
    codes = _codes(book, sheet.name)
    code = book.value(sheet.name, row, book.headers(sheet.name)["code"]) if codes else None
    refs = book.references(sheet.name, {code}, avoid) if code is not None else []
    if refs is None:
        return None
    ws.delete_rows(row)
    depends = {sheet.name} | {r[0] for r in refs} | set().union(*(refs_of(c) for c in sheet.columns))
    if refs:
        return Mutation("deleted row", f"{sheet.name} row {row} ({code}, still referred to)", depends, True,
                        [(place(s, r, c), "no such code") for s, r, c, _ in refs])
    if len(rows) == 1 and sheet.required:
        return Mutation("deleted row", f"{sheet.name} row {row} (its only one)", depends, True,
                        [(place(sheet.name, 2), "the table is empty")])
    return Mutation("deleted row", f"{sheet.name} row {row}", depends, None)


def duplicate_row(book, rng, avoid):
    picked = _pick_row(book, rng, avoid)
    if picked is None:
        return None
    sheet, rows, row = picked
    ws = book.wb[sheet.name]
    new = max(rows) + 1
    values = [c.value for c in ws[row]]
    if sheet is SETTINGS:
        for col, v in enumerate(values, start=1):
            ws.cell(row=new, column=col).value = v
        name = str(values[0]).strip().lower()
        known = any(c.name == name for c in SETTINGS.columns)
        return Mutation("duplicated row", f"Settings row {row} ({name}) again in row {new}", {sheet.name},
                        True if known else None,
                        [(place(sheet.name, new, 1), "setting given twice")] if known else [])
    headers = book.headers(sheet.name)
    if not all(k in headers for k in sheet.key):
        return None
    first = headers[sheet.key[0]]
    if rng.random() < 0.3 and isinstance(values[first - 1], str) and values[first - 1].lower() != values[first - 1]:
        values[first - 1] = values[first - 1].lower()  # same code, other case
    for col, v in enumerate(values, start=1):
        ws.cell(row=new, column=col).value = v
    refs = set().union(*(refs_of(c) for c in sheet.columns))
    return Mutation("duplicated row", f"{sheet.name} row {row} again in row {new}", {sheet.name} | refs, True,
                    [(place(sheet.name, new, first), "duplicate")])


def settings_out_of_range(book, rng, avoid):
    """A setting out of its range, or at odds with others."""
    if SETTINGS.name in avoid or not book.has(SETTINGS.name):
        return None
    first, last = (book.value(SETTINGS.name, book.settings_row(k), 2) if book.settings_row(k) else None
                   for k in ("first_year", "last_year"))
    if not isinstance(first, int) or not isinstance(last, int):
        return None
    members = len(book.rows("Members")) if book.has("Members") else 0
    choices = [
        # (setting, value, refuse, setting whose row is blamed, words, also depends on)
        ("last_year", first - 1, True, "last_year", "ends before it starts", set()),
        ("first_year", last + 1, True, "last_year", "ends before it starts", set()),
        ("last_year", min(first + 175, 2200), None, None, "", {"Requirements"}),  # a very long horizon
        ("last_year", 2300, True, "last_year", "expected a year", set()),
        ("first_year", 1899, True, "first_year", "expected a year", set()),
        ("price_base_year", first + 1, True, "price_base_year", "expected a year ≤ first_year", set()),
        ("discount_rate_pct", rng.choice([60, -1, 1e9]), True, "discount_rate_pct", "out of range", set()),
        ("mip_gap_pct", 150, True, "mip_gap_pct", "out of range", set()),
        ("time_limit_s", rng.choice([0, -5]), True, "time_limit_s", "out of range", set()),
        ("shortfall_penalty_musd", 0, True, "shortfall_penalty_musd", "out of range", set()),
        ("spending_gap_penalty", rng.choice([1, 0.5]), True, "spending_gap_penalty", "out of range", set()),
        ("fair_share_key", "gini", True, "fair_share_key", "expected one of", set()),
        ("fair_share_key", "population", None, None, "", {"Members"}),
        ("fair_share_key", "equal", False, None, "", set()),
        ("fair_share_key", "mix", True, "fair_share_mix", "fair_share_key is mix", set()),
        ("fair_share_mix", "gdp fifty", None, None, "", set()),
        ("fair_share_cap_pct", 100 / max(members, 1) - 1 if members > 1 else 0, True, "fair_share_cap_pct",
         "", set()),
        ("fair_share_band_pct", 150, True, "fair_share_band_pct", "out of range", set()),
        ("abstentions", rng.choice([-1, 2.5]), True, "abstentions", "expected", set()),
        ("abstentions", rng.choice([5, 1000]), None, None, "", {"Members", "Participation", "Scenarios"}),
        ("scenario_objective", "best", True, "scenario_objective", "expected one of", set()),
        ("common_funding_cap_pct", 1, True if members > 1 else None, "common_funding_cap_pct", "", set()),
        ("elastic", "maybe", True, "elastic", "expected yes or no", set()),
        ("elastic", "no", None, None, "", set()),
        ("plan_name", None, True, None, "setting plan_name is required", set()),
        ("time_limit_s", 1e-9, None, None, "", set()),
        ("currency", "€", False, None, "", set()),
    ]
    setting, value, must, blamed, words, depends = rng.choice(choices)
    row = book.settings_row(setting)
    if row is None or depends & avoid:
        return None
    mix = book.settings_row("fair_share_mix")
    if (setting, value) == ("fair_share_key", "mix") and (not mix or book.value(SETTINGS.name, mix, 2)):
        return None  # refused only without a mix
    book.set(SETTINGS.name, row, 2, value)
    where = []
    if must and blamed:
        where = [(place(SETTINGS.name, book.settings_row(blamed), 2), words)]
    elif must:
        where = [(place(SETTINGS.name, row, 2), words)]
    m = Mutation("setting out of range", f"{setting} = {value!r}", {SETTINGS.name} | depends, must, where)
    m.no_plan_ok = setting in ("elastic", "time_limit_s")
    return m


def empty_sheet(book, rng, avoid):
    """A sheet emptied: every cell, or every row below the headers."""
    options = [s for s in [SETTINGS, *TABLES] if s.name not in avoid and book.has(s.name)]
    if not options:
        return None
    sheet = rng.choice(options)
    keep_header = rng.random() < 0.5
    depends = {sheet.name} | {s.name for s in TABLES if any(c.ref == sheet.name for c in s.columns)}
    if depends & avoid:
        return None
    codes = _codes(book, sheet.name)
    refs = book.references(sheet.name, codes, avoid) if codes else []
    if refs is None:
        return None
    ws = book.wb[sheet.name]
    ws.delete_rows(2 if keep_header else 1, ws.max_row + 1)
    what = f"{sheet.name} {'below its headers' if keep_header else 'entirely'}"
    if sheet is SETTINGS:
        return Mutation("empty sheet", what, depends, True, [(place(sheet.name), "setting plan_name is required")])
    if sheet.required:
        where = ([(place(sheet.name, 2), "the table is empty")] if keep_header else
                 [(place(sheet.name, 1) + ":", "required column")])
        return Mutation("empty sheet", what, depends, True, where)
    if refs:
        return Mutation("empty sheet", what + " (referred to)", depends, True,
                        [(place(s, r, c), "no such code") for s, r, c, _ in refs])
    return Mutation("empty sheet", what, depends, False if keep_header else None)


def extra_sheet_or_column(book, rng, avoid):
    """Unknown sheets, columns and settings: warnings, never errors."""
    choice = rng.choice(["sheet", "case sheet", "column", "headless column", "setting"])
    if choice == "sheet":
        ws = book.wb.create_sheet(rng.choice(["Notes", "Sheet1", "Copy of Members", "Données"]))
        ws.append(["code", "value"])
        ws.append(["ZZZ", "=1+1"])
        return Mutation("unknown sheet", ws.title, {ws.title}, False)
    if choice == "case sheet":
        name = rng.choice(["members", "FORCES", "settings"])
        ws = book.wb.create_sheet(name)
        ws.append(["whatever"])
        return Mutation("unknown sheet", ws.title, {ws.title}, False)
    if choice == "setting":
        if SETTINGS.name in avoid or not book.has(SETTINGS.name):
            return None
        ws = book.wb[SETTINGS.name]
        row = max(book.rows(SETTINGS.name), default=1) + 1
        ws.cell(row=row, column=1).value = rng.choice(["colour", "first year", "horizon"])
        ws.cell(row=row, column=2).value = 5
        return Mutation("unknown setting", f"Settings row {row}", {SETTINGS.name}, False)
    options = [s for s in TABLES if s.name not in avoid and book.has(s.name) and book.rows(s.name)]
    if not options:
        return None
    sheet = rng.choice(options)
    ws = book.wb[sheet.name]
    col = ws.max_column + 1
    header = None if choice == "headless column" else rng.choice(["colour", "notes", "Remarks"])
    ws.cell(row=1, column=col).value = header
    for r in book.rows(sheet.name):
        ws.cell(row=r, column=col).value = rng.choice(["x", 3, 2.5])
    return Mutation("unknown column", f"{sheet.name} column {get_column_letter(col)}", {sheet.name}, False)


def membership_years(book, rng, avoid):
    """A member joining after the horizon, leaving before it, or leaving before joining."""
    if {"Members", SETTINGS.name} & avoid or not book.has("Members") or not book.has(SETTINGS.name):
        return None
    headers = book.headers("Members")
    rows = book.rows("Members")
    first, last = (book.value(SETTINGS.name, book.settings_row(k), 2) if book.settings_row(k) else None
                   for k in ("first_year", "last_year"))
    if not rows or not isinstance(first, int) or not isinstance(last, int):
        return None
    if not {"year_joined", "year_left"} <= set(headers):
        return None
    choice = rng.choice(["joins late", "left early", "left before joining", "everyone left"])
    joined, left = headers["year_joined"], headers["year_left"]
    row = rng.choice(rows)
    if choice == "joins late":
        book.set("Members", row, joined, last + 1)
        book.set("Members", row, left, None)
    elif choice == "left early":
        book.set("Members", row, joined, None)
        book.set("Members", row, left, first - 1)
    elif choice == "left before joining":
        book.set("Members", row, joined, first + 1)
        book.set("Members", row, left, first)
        return Mutation("membership years", f"Members row {row}: {choice}", {"Members", SETTINGS.name}, True,
                        [(place("Members", row, left), "expected a year ≥ year_joined")])
    else:
        for r in rows:
            book.set("Members", r, joined, None)
            book.set("Members", r, left, first - 1)
    m = Mutation("membership years", f"Members row {row}: {choice}", {"Members", SETTINGS.name}, None)
    m.no_plan_ok = True
    return m


def years_reversed(book, rng, avoid):
    """A period that ends before it starts: a suspension, or a membership."""
    options = [(sheet, start, end) for sheet, start, end in (("Suspensions", "from_year", "to_year"),
                                                             ("Members", "year_joined", "year_left"))
               if sheet not in avoid and book.has(sheet) and book.rows(sheet)
               and {start, end} <= set(book.headers(sheet))]
    if not options:
        return None
    sheet, start, end = rng.choice(options)
    headers = book.headers(sheet)
    row = rng.choice(book.rows(sheet))
    year = book.value(sheet, row, headers[start])
    if not isinstance(year, int):
        year = 2025
        book.set(sheet, row, headers[start], year)
    book.set(sheet, row, headers[end], year - rng.choice([1, 10]))
    return Mutation("period ending before it starts", f"{sheet} row {row}: {end} before {start}", {sheet}, True,
                    [(place(sheet, row, headers[end]), f"expected a year ≥ {start}")])


def explosive_growth(book, rng, avoid):
    """GDP growth compounded over a long horizon: within each cell's range, not in the model."""
    if {"Members", SETTINGS.name} & avoid or not book.has("Members") or not book.settings_row("last_year"):
        return None
    headers = book.headers("Members")
    rows = book.rows("Members")
    if "gdp_growth_pct" not in headers or not rows:
        return None
    row = rng.choice(rows)
    growth = rng.choice([30, 45, 50])
    book.set("Members", row, headers["gdp_growth_pct"], growth)
    book.set(SETTINGS.name, book.settings_row("last_year"), 2, 2200)
    return Mutation("explosive growth", f"Members row {row}: gdp_growth_pct {growth} until 2200",
                    {"Members", SETTINGS.name, "Requirements"}, True,
                    [(place("Members", row, headers["gdp_growth_pct"]), "GDP would reach")])


KINDS: dict[str, Callable[[Book, random.Random, set[str]], Mutation | None]] = {
    f.__name__: f for f in (
        text_in_number, number_in_code, bool_where_number, bool_in_code, text_in_choice, blank_required,
        blank_optional, dangling_reference, huge_number, tiny_number, out_of_range, nan_inf_text,
        nan_inf_float, nan_inf_raw, date_in_number, unicode_code, merged_cells, hidden_sheet,
        formula_without_value, formula_in_free_sheet, excel_error_value, delete_required_sheet,
        delete_optional_sheet, delete_column, rename_header, delete_row, duplicate_row,
        settings_out_of_range, empty_sheet, extra_sheet_or_column, membership_years, large_allowed,
        years_reversed, explosive_growth,
    )
}


def mutate(name: str, index: int, folder: Path) -> tuple[Path, list[Mutation]]:
    """Mutant `index` of source `name`, saved in `folder`: 1–3 mutations on disjoint sheets.
    The first mutation's kind goes round the kinds, so that every subset has every kind."""
    rng = random.Random(f"{name}:{index}")
    book = Book(openpyxl.load_workbook(io.BytesIO(source(name))))
    kinds = list(KINDS)
    wanted = rng.choice([1, 1, 2, 2, 3])
    mutations: list[Mutation] = []
    avoid: set[str] = set()
    for attempt in range(60):
        if len(mutations) == wanted:
            break
        kind = kinds[index % len(kinds)] if attempt == 0 else rng.choice(kinds)
        m = KINDS[kind](book, rng, avoid)
        if m is not None:
            mutations.append(m)
            avoid |= m.sheets
    if name in SLOW and not any(m.refuse for m in mutations):
        m = text_in_number(book, rng, avoid)  # planning it would take half a minute
        assert m is not None, f"{name}-{index}: no number cell left to break"
        mutations.append(m)
    path = folder / f"{name}-{index:03d}.xlsx"
    book.wb.save(path)
    patches = {k: v for m in mutations for k, v in m.patch.items()}
    if patches:
        _patch(path, patches)
    return path, mutations


def _patch(path: Path, patches: dict[bytes, bytes]) -> None:
    with zipfile.ZipFile(path) as zin:
        parts = [(info, zin.read(info)) for info in zin.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for info, data in parts:
            if info.filename.startswith("xl/worksheets/"):
                for old, new in patches.items():
                    data = data.replace(old, new)
            zout.writestr(info, data)


# ---------------------------------------------------------------------------- the check


PROBLEM_LINE = re.compile(r"^  • (?P<book>.+?)(?: › (?P<sheet>[^›:]+?))?(?: › (?P<cell>[^:]+))?: (?P<rest>.*)$")
CELL = re.compile(r"^row \d+, column [A-Z]+( \(.*\))?$")
PLACE = re.compile(r"^(row \d+(, column [A-Z]+)?|column [A-Z]+)( \(.*\))?$")


def unlocated(output: str, book_name: str, sheets: set[str]) -> list[str]:
    """Problem lines of an exit-2 message that do not say where the problem is: each must
    name the workbook and a sheet of the schema; one that shows a cell's value
    ('value — expected …') must give its row and column."""
    lines = [line for line in output.splitlines() if line.startswith("  • ")]
    head = re.search(r"^(\d+) problems? in the input; nothing was planned or written:$", output, re.M)
    bad = [] if head and int(head.group(1)) == len(lines) and lines else ["(no problem count, or no problems listed)"]
    for line in lines:
        m = PROBLEM_LINE.match(line)
        if not m or m.group("book") != book_name or m.group("sheet") not in sheets:
            bad.append(line)
        elif m.group("cell") and not PLACE.match(m.group("cell")):
            bad.append(line)
        elif " — " in m.group("rest") and not (m.group("cell") and CELL.match(m.group("cell"))):
            bad.append(line)
    return bad


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def check(name: str, index: int, folder: Path, part: str) -> None:
    path, mutations = mutate(name, index, folder)
    out = folder / "report.xlsx"
    before = sha256(path)
    result = CliRunner().invoke(app, ["run", str(path), "--out", str(out)])
    output = result.output
    after = sha256(path)
    left = sorted(p.name for p in folder.iterdir())

    traceback = (result.exception is not None and not isinstance(result.exception, SystemExit)
                 or "Traceback" in output or "Internal error" in output or result.exit_code not in (0, 1, 2))
    if result.exit_code == 0:
        partial = left != sorted([path.name, out.name])
    else:
        partial = left != [path.name]
    problems: list[str] = []
    if traceback:
        problems.append(f"traceback or internal error (exit {result.exit_code})")
    if partial:
        problems.append(f"files left: {left}")
    if before != after:
        problems.append("the input file changed")
    refuse = any(m.refuse for m in mutations)
    plan = all(m.refuse is False for m in mutations)
    if result.exit_code == 2:
        if plan:
            problems.append("refused, but no mutation should have made it invalid")
        problems += [f"unlocated: {line}" for line in unlocated(output, path.name, set(SHEET_BY_NAME))]
        lines = [line for line in output.splitlines() if line.startswith("  • ")]
        unreadable = any(m.unreadable for m in mutations)  # then its other cells cannot be checked
        for m in mutations:
            for where, words in m.where if m.unreadable or not unreadable else ():
                if not any(re.search(re.escape(where) + r"(?=[ :]|$)", line) and words in line for line in lines):
                    problems.append(f"{m}: no problem at {where!r} saying {words!r}")
    elif result.exit_code == 0:
        if refuse:
            problems.append("planned, but a mutation should have made it invalid")
        status = output.splitlines()[0] if output else ""
        if any(word in status for word in ("unbounded", "infeasible", "error")):
            problems.append(f"planned, but the solver says {status!r}")
        try:
            openpyxl.load_workbook(out, read_only=True).close()
        except Exception as exc:  # noqa: BLE001 - any failure to open is the finding
            problems.append(f"the report does not open: {exc}")
    elif result.exit_code == 1 and not traceback:
        if refuse or not any(m.no_plan_ok for m in mutations) or "No plan:" not in output:
            problems.append("exit 1 without a plan")
    for m in mutations:
        problems += [f"{m}: the output says {text!r}" for text in m.forbid if text in output]

    RESULTS[part].append(dict(
        name=path.stem, exit=result.exit_code, traceback=traceback, partial=partial,
        mutations=[str(m) for m in mutations], problems=problems))
    assert not problems, (f"{path.name}: " + "; ".join(map(str, mutations)) + "\n  " + "\n  ".join(problems)
                          + f"\n--- output (exit {result.exit_code}) ---\n{output}")


def _id(param: tuple[str, int]) -> str:
    return f"{param[0]}-{param[1]:03d}"


@pytest.mark.parametrize("param", FAST, ids=_id)
def test_mutant(param, tmp_path):
    check(*param, tmp_path, "fast")


@pytest.mark.verify
@pytest.mark.parametrize("param", BULK, ids=_id)
def test_mutant_bulk(param, tmp_path):
    check(*param, tmp_path, "bulk")


def _summary(part: str, expected: int, capsys) -> None:
    results = RESULTS[part]
    if len(results) < expected:
        pytest.skip(f"{len(results)} of {expected} mutants ran: the summary needs them all")
    counts = {
        "tried": len(results),
        "refused (exit 2)": sum(r["exit"] == 2 for r in results),
        "planned (exit 0)": sum(r["exit"] == 0 for r in results),
        "no plan (exit 1)": sum(r["exit"] == 1 and not r["traceback"] for r in results),
        "tracebacks": sum(r["traceback"] for r in results),
        "partial files": sum(r["partial"] for r in results),
        "failed checks": sum(bool(r["problems"]) for r in results),
    }
    kinds: dict[str, int] = {}
    for r in results:
        for m in r["mutations"]:
            kind = m.split(":")[0]
            kinds[kind] = kinds.get(kind, 0) + 1
    with capsys.disabled():
        print(f"\nmutation tests ({part}): " + ", ".join(f"{k} {v}" for k, v in counts.items()))
        print("  mutations: " + ", ".join(f"{k} {v}" for k, v in sorted(kinds.items())))
    failed = [f"{r['name']} (exit {r['exit']}): {'; '.join(r['mutations'])}: {'; '.join(r['problems'])}"
              for r in results if r["problems"]]
    assert counts["tracebacks"] == 0 and counts["partial files"] == 0 and not failed, "\n".join(failed)


def test_summary(capsys):
    _summary("fast", len(FAST), capsys)


@pytest.mark.verify
def test_summary_bulk(capsys):
    _summary("bulk", len(BULK), capsys)


def test_the_generator_is_deterministic(tmp_path):
    """The same seed, the same workbook and mutations."""
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    first = mutate("tutorial", 7, tmp_path / "a")
    second = mutate("tutorial", 7, tmp_path / "b")
    assert list(map(str, first[1])) == list(map(str, second[1]))
    read = [[list(ws.values) for ws in openpyxl.load_workbook(p).worksheets] for p in (first[0], second[0])]
    assert read[0] == read[1]


def test_tutorial_plus_plans_without_warnings(tmp_path):
    """The richer source is valid as it stands: every optional sheet is read."""
    from planner.load import load_plan

    path = tmp_path / "tutorial_plus.xlsx"
    path.write_bytes(source("tutorial_plus"))
    data, warnings = load_plan(path)
    assert warnings == []
    assert list(data.sites.index) == ["DEPOT"] and list(data.candidates.index) == ["DAN"]
    assert len(data.transit) == 3 and list(data.scenarios.index) == ["CRISIS", "SHORT"]
    assert len(data.basing) == 1 and len(data.scenario_requirements) and data.suspensions and data.exclusions
