"""What the planner reads from a workbook, and how much of it: the input file is hashed
in bounded memory once its size has passed; a folder is named as a folder; openpyxl's
warnings never reach the terminal; a percentage cell in a column in % is read as Excel
shows it; no sheet the plan reads holds values in more than MAX_ROWS rows (whatever it
claims or formats), and sheets the planner does not know are never parsed; and a plan does not depend on Python's string hashing (PYTHONHASHSEED)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
import tracemalloc
import warnings
import zipfile
from collections.abc import Iterable, Iterator
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from planner import workbook
from planner.cli import app
from planner.run import file_digest, run_plan
from planner.load import load_plan
from planner.validate import InputError
from planner.workbook import MAX_ROWS, read_workbook
from test_hostile import MAIN_NS, TUTORIAL, rezip, sha
from test_validate import column, edited

RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
ROOT = Path(__file__).parents[1]
RIO = ROOT / "inputs" / "rio_pact.xlsx"
MB = 1 << 20
WORKSHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
WORKSHEET_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"


def peak_mb(function, *args, **kwargs) -> float:
    """Peak Python memory (MB) while `function` runs; what it raises is raised."""
    tracemalloc.start()
    try:
        function(*args, **kwargs)
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return peak / MB


# ------------------------------------------------------------------ 1. hashing the input


def test_an_oversized_file_is_refused_before_it_is_hashed(tmp_path):
    """A 1 GB file (sparse: no disk used) is refused by its size, not read whole to hash it."""
    path = tmp_path / "huge.xlsx"
    with path.open("wb") as f:
        f.truncate(1 << 30)

    def run():
        with pytest.raises(InputError, match="huge.xlsx: 1,024 MB, above the 200 MB limit"):
            run_plan(path, write=False)

    start = time.perf_counter()
    peak = peak_mb(run)
    assert peak < 20, f"peak {peak:.0f} MB"
    assert time.perf_counter() - start < 1.0


def test_the_hash_is_read_in_chunks(tmp_path):
    path = tmp_path / "data.bin"
    path.write_bytes(os.urandom(1024) * (32 * 1024))  # 32 MB
    expected = sha(path)
    assert peak_mb(file_digest, path) < 4
    assert file_digest(path) == expected
    assert file_digest(tmp_path / "missing.xlsx") == ""


# ------------------------------------------------------------------ 2. a folder


def test_a_folder_is_named_as_a_folder(tmp_path):
    folder = tmp_path / "plan.xlsx"
    folder.mkdir()
    with pytest.raises(InputError) as caught:
        load_plan(folder)
    report = caught.value.report()
    assert "plan.xlsx: a folder, not a workbook" in report and "no such file" not in report
    result = CliRunner().invoke(app, ["validate", str(folder)])
    assert result.exit_code == 2 and "a folder, not a workbook" in result.output
    with pytest.raises(InputError, match="missing.xlsx: no such file"):
        load_plan(tmp_path / "missing.xlsx")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
def test_a_pipe_is_refused_without_blocking(tmp_path):
    pipe = tmp_path / "plan.xlsx"
    os.mkfifo(pipe)
    with pytest.raises(InputError, match="not a regular file"):
        load_plan(pipe)


# ------------------------------------------------------------------ 4. openpyxl's warnings

UNKNOWN_EXTENSION = '<extLst><ext uri="{00000000-0000-0000-0000-000000000000}"><x/></ext></extLst>'
VALIDATION_EXTENSION = ('<extLst><ext uri="{CCE6A557-97BC-4b89-ADB6-D9C93CAAB3DF}" '
                        'xmlns:x14="http://schemas.microsoft.com/office/spreadsheetml/2009/9/main">'
                        '<x14:dataValidations count="0"/></ext></extLst>')


def noisy(tmp_path: Path) -> Path:
    """The tutorial with what openpyxl warns about: an unknown extension and a data
    validation extension on two sheets, and a stylesheet without its default style."""
    with zipfile.ZipFile(TUTORIAL) as z:
        sheet2, sheet3 = (z.read(f"xl/worksheets/sheet{i}.xml").decode() for i in (2, 3))
        styles = z.read("xl/styles.xml").decode()
    start, end = styles.index("<cellStyles"), styles.index("</cellStyles>") + len("</cellStyles>")
    return rezip(tmp_path / "noisy.xlsx", replace={
        "xl/worksheets/sheet2.xml": sheet2.replace("</worksheet>", UNKNOWN_EXTENSION + "</worksheet>").encode(),
        "xl/worksheets/sheet3.xml": sheet3.replace("</worksheet>", VALIDATION_EXTENSION + "</worksheet>").encode(),
        "xl/styles.xml": (styles[:start] + styles[end:]).encode()})


def test_no_openpyxl_warning_escapes(tmp_path):
    path = noisy(tmp_path)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        data, issues = load_plan(path)
    assert [str(w.message) for w in caught] == []
    assert len(data.members) == 3 and issues == []


def test_no_openpyxl_warning_on_the_terminal(tmp_path):
    """The installed command, in its own process, with Python's default warning filters."""
    path = noisy(tmp_path)
    planner_cmd = Path(sys.executable).with_name("planner")
    result = subprocess.run([str(planner_cmd), "validate", str(path)], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Warning" not in result.stderr and "openpyxl" not in result.stderr, result.stderr


def test_a_date_beyond_the_calendar_becomes_a_located_warning(tmp_path):
    """openpyxl turns a number formatted as a date beyond Excel's calendar into #VALUE!
    and warns on stderr; the planner says it, at the cell, in its own words."""
    def edit(wb):
        ws = wb["Members"]
        cell = ws.cell(row=3, column=ws.max_column + 1, value=1e10)
        cell.number_format = "yyyy-mm-dd"
        ws.cell(row=1, column=cell.column, value="founded")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        _, issues = load_plan(edited(tmp_path, edit))
    assert [str(w.message) for w in caught] == []
    [note] = [str(i) for i in issues if "date" in str(i)]
    assert "tutorial.xlsx › Members › row 3, column O (founded)" in note
    assert "formatted as a date but lies outside Excel's calendar" in note


# ------------------------------------------------------------------ 5. percentages


def formatted(sheet: str, row: int, header: str, value, number_format: str):
    def edit(wb):
        ws = wb[sheet]
        cell = ws.cell(row=row, column=column(ws, header) if sheet != "Settings" else 2, value=value)
        cell.number_format = number_format
    return edit


def test_a_percentage_cell_in_a_column_in_percent_is_read_as_shown(tmp_path):
    """0.02 shown as 2.0 % in min_gdp_pct (in % of GDP) is 2 %, not 0.02 %."""
    data, issues = load_plan(edited(tmp_path, formatted("SpendingTargets", 2, "min_gdp_pct", 0.02, "0.0%")))
    assert data.targets["min_gdp"].tolist() == pytest.approx([0.02] * 6)  # 2 % as a fraction, in every member-year
    [warning] = [str(i) for i in issues]
    assert warning.startswith("tutorial.xlsx › SpendingTargets › row 2, column C (min_gdp_pct): 0.02 — ")
    assert "formatted as a percentage (Excel shows 2 %): read as 2, as Excel shows it" in warning


def test_a_percentage_setting_is_read_as_shown(tmp_path):
    """Settings › discount_rate_pct (row 7), in % per year: 0.015 shown as 1.5 % is 1.5."""
    data, issues = load_plan(edited(tmp_path, formatted("Settings", 7, "value", 0.015, "0.0%")))
    assert data.discount_rate == pytest.approx(0.015)  # 1.5 % a year, as a fraction
    [warning] = [str(i) for i in issues]
    assert "Settings › row 7, column B (discount_rate_pct): 0.015 — " in warning and "Excel shows 1.5 %" in warning


@pytest.mark.parametrize("number_format", ['0.0"%"', "0.0\\%", "#,##0.00"])
def test_a_percent_sign_that_is_text_changes_nothing(tmp_path, number_format):
    """A % in quotes or escaped is a literal sign: Excel shows 1.5 as 1.5 %, unscaled."""
    data, issues = load_plan(edited(tmp_path, formatted("SpendingTargets", 2, "min_gdp_pct", 1.5, number_format)))
    assert data.targets["min_gdp"].tolist() == pytest.approx([0.015] * 6) and issues == []


def test_a_percentage_in_a_column_not_in_percent_is_its_value(tmp_path):
    """Members › gdp_musd is in million currency units: a percent format there changes nothing."""
    data, issues = load_plan(edited(tmp_path, formatted("Members", 2, "gdp_musd", 1000, "0%")))
    assert data.members.at["ARL", "gdp"] == 1000 and issues == []


# ------------------------------------------------------------------ 6. rows per sheet
# The limit counts the rows that hold values in the sheets the plan reads: what a sheet
# claims (its <dimension>), rows that are only formatted, and sheets the plan does not
# read do not count; Excel and other tools write all three for sheets of a few rows.

MEMBERS = "xl/worksheets/sheet3.xml"  # the tutorial's Members sheet


def value_rows(first: int, last: int, step: int = 1) -> Iterator[bytes]:
    """<row> elements first, first + step, … last, each holding two numbers, in blocks."""
    numbers = range(first, last + 1, step)
    for at in range(0, len(numbers), 10_000):
        yield "".join(f'<row r="{r}"><c r="A{r}"><v>{r}</v></c><c r="B{r}"><v>1.5</v></c></row>'
                      for r in numbers[at:at + 10_000]).encode()


def styled_empty_rows(first: int, last: int) -> Iterator[bytes]:
    """<row> elements first…last as Excel saves formatted rows without values: a row
    style, and cells that have a style but no value."""
    for start in range(first, last + 1, 10_000):
        yield "".join(f'<row r="{r}" spans="1:14" s="9" customFormat="1"><c r="A{r}" s="9"/><c r="B{r}" s="9"/>'
                      f'<c r="C{r}" s="9"/></row>' for r in range(start, min(start + 10_000, last + 1))).encode()


def write_part(path: Path, part: str, head: str, rows: Iterable[bytes], tail: str) -> Path:
    """Append `part` to the zip at `path`: `head`, the `rows` streamed, `tail`."""
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED, compresslevel=1) as z, z.open(part, "w") as w:
        w.write(head.encode())
        for block in rows:
            w.write(block)
        w.write(tail.encode())
    return path


def add_sheet(dst: Path, name: str, rows: int, *, dimension: str | None = None, src: Path = TUTORIAL) -> Path:
    """A copy of `src` with a sheet `name` of `rows` rows of two numbers (streamed into the
    zip: 1 M rows take a few seconds), its <dimension> `dimension` (none if None)."""
    part = "xl/worksheets/sheet99.xml"
    with zipfile.ZipFile(src) as z:
        book = z.read("xl/workbook.xml").decode().replace(
            "</sheets>", f'<sheet xmlns:r="{RELATIONSHIPS}" name="{name}" sheetId="99" r:id="rId99"/></sheets>')
        rels = z.read("xl/_rels/workbook.xml.rels").decode().replace(
            "</Relationships>", f'<Relationship Type="{WORKSHEET_REL}" Target="/{part}" Id="rId99"/></Relationships>')
    override = f'<Override PartName="/{part}" ContentType="{WORKSHEET_TYPE}"/>'
    path = rezip(dst, src, replace={"xl/workbook.xml": book.encode(), "xl/_rels/workbook.xml.rels": rels.encode()},
                 edit_types=lambda types: types.replace("</Types>", override + "</Types>"))
    head = f'<worksheet xmlns="{MAIN_NS}">' + (f'<dimension ref="{dimension}"/>' if dimension else "") + "<sheetData>"
    return write_part(path, part, head, value_rows(1, rows), "</sheetData></worksheet>")


def with_members_rows(dst: Path, rows: Iterable[bytes], *, dimension: str | None = None, header: bool = True) -> Path:
    """A copy of the tutorial whose Members sheet has `rows` after its table (its header
    and rows only if `header`), its <dimension> changed to `dimension` if given."""
    with zipfile.ZipFile(TUTORIAL) as z, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as out:
        for info in z.infolist():
            if info.filename != MEMBERS:
                out.writestr(info.filename, z.read(info))
        xml = z.read(MEMBERS).decode()
    if dimension:
        xml = re.sub(r'<dimension ref="[^"]*"\s*/>', f'<dimension ref="{dimension}"/>', xml)
    if not header:
        xml = re.sub(r"<sheetData>.*</sheetData>", "<sheetData></sheetData>", xml, flags=re.S)
    head, tail = xml.split("</sheetData>")
    return write_part(dst, MEMBERS, head, rows, "</sheetData>" + tail)


def parsed_parts(monkeypatch) -> list[str]:
    """The worksheet parts openpyxl's worksheet parser is given from now on."""
    from openpyxl.worksheet._reader import WorkSheetParser
    parts: list[str] = []
    original = WorkSheetParser.__init__

    def record(self, src, *args, **kwargs):
        parts.append(getattr(src, "name", "?"))
        original(self, src, *args, **kwargs)
    monkeypatch.setattr(WorkSheetParser, "__init__", record)
    return parts


@pytest.fixture(scope="module")
def million_rows(tmp_path_factory) -> Path:
    """An unknown sheet of 1,000,000 rows, without a <dimension> (as openpyxl's write-only mode saves it)."""
    return add_sheet(tmp_path_factory.mktemp("rows") / "notes.xlsx", "Notes", 1_000_000)


def test_a_sheet_the_plan_does_not_read_is_not_counted(million_rows, monkeypatch):
    """An extra notes sheet of a million rows holding values: named as an unknown sheet,
    never parsed, quickly and in bounded memory."""
    parts = parsed_parts(monkeypatch)
    start = time.perf_counter()
    found = []
    peak = peak_mb(lambda: found.extend(load_plan(million_rows)))
    elapsed = time.perf_counter() - start
    data, issues = found
    assert list(data.members.index) == ["ARL", "BOR", "CAR"]
    assert [str(i) for i in issues] == ["notes.xlsx › Notes: unknown sheet, ignored"]
    assert "xl/worksheets/sheet99.xml" not in parts and MEMBERS in parts
    assert peak < 50, f"peak {peak:.0f} MB"
    assert elapsed < 10, f"loaded in {elapsed:.1f} s"


@pytest.mark.parametrize("dimension", ["A1:XFD1048576", "A1:N1048576"])
def test_a_used_range_claimed_by_a_sheet_is_not_its_row_count(tmp_path, dimension):
    """Some tools record the whole grid as a sheet's used range (<dimension>), whatever it holds."""
    path = with_members_rows(tmp_path / "claim.xlsx", [], dimension=dimension)
    start = time.perf_counter()
    data, issues = load_plan(path)
    assert time.perf_counter() - start < 5
    assert list(data.members.index) == ["ARL", "BOR", "CAR"] and issues == []
    notes = add_sheet(tmp_path / "claim_notes.xlsx", "Members notes", 10, dimension="A1:XFD1048576")
    _, issues = load_plan(notes)
    assert [str(i) for i in issues] == ["claim_notes.xlsx › Members notes: unknown sheet, ignored"]


def test_formatted_rows_below_the_table_are_not_rows(tmp_path):
    """Members formatted down to row 200,039 (a row style and styled cells, no values),
    its used range claiming them too: read as its three members, quickly (about 2 s, the
    time to count the rows that hold values; openpyxl stops after the last of them)."""
    path = with_members_rows(tmp_path / "formatted.xlsx", styled_empty_rows(5, 200_039), dimension="A1:N200039")
    start = time.perf_counter()
    data, issues = load_plan(path)
    elapsed = time.perf_counter() - start
    assert list(data.members.index) == ["ARL", "BOR", "CAR"] and issues == []
    assert elapsed < 10, f"loaded in {elapsed:.1f} s"


def formatted_rows(first: int, last: int) -> Iterator[bytes]:
    """<row> elements first…last as Excel saves whole rows formatted: a row style and height, no cells."""
    for start in range(first, last + 1, 10_000):
        yield "".join(f'<row r="{r}" s="9" customFormat="1" ht="20" customHeight="1"/>'
                      for r in range(start, min(start + 10_000, last + 1))).encode()


def test_formatted_rows_above_a_value_are_read_in_bounded_memory(tmp_path):
    """A note in row 50,005 below 50,000 formatted rows: the note is read; openpyxl's
    parser, which keeps a record of every formatted row it meets (about 0.4 KB each), is
    emptied as it goes."""
    note = b'<row r="50005"><c r="A50005" t="inlineStr"><is><t>note</t></is></c></row>'
    path = with_members_rows(tmp_path / "note.xlsx", [*formatted_rows(5, 50_004), note])
    found = []
    peak = peak_mb(lambda: found.append(read_workbook(path, sheets={"Members"})))
    members = found[0].sheets["Members"]
    assert [n for n, _ in members.rows] == [2, 3, 4, 50_005] and members.rows[-1][1] == ["note"]
    assert peak < 15, f"peak {peak:.0f} MB"


def test_the_limit_counts_rows_that_hold_values(tmp_path, monkeypatch):
    """At a limit of 1,000 (a small stand-in for MAX_ROWS): 1,000 rows holding values,
    every other row (down to row 1,999), are read; one more row holding a value is refused."""
    limit = 1_000
    monkeypatch.setattr(workbook, "MAX_ROWS", limit)
    at_limit = with_members_rows(tmp_path / "at_limit.xlsx", value_rows(1, 2 * limit - 1, step=2), header=False)
    members = read_workbook(at_limit, sheets={"Members"}).sheets["Members"]
    assert members.headers == [1, 1.5] and len(members.rows) == limit - 1  # exact: written and read back
    assert members.rows[-1] == (2 * limit - 1, [2 * limit - 1, 1.5])  # exact: written and read back
    over = with_members_rows(tmp_path / "over.xlsx", [*value_rows(1, 2 * limit - 1, step=2),
                                                       *value_rows(2 * limit + 7, 2 * limit + 7)], header=False)
    with pytest.raises(workbook.UnreadableWorkbook, match=f"more than {limit:,} rows .counted down to row 2,007."):
        read_workbook(over, sheets={"Members"})


def test_a_sheet_the_plan_reads_with_too_many_rows_is_refused(tmp_path):
    """Members holding values in 150,000 rows: refused quickly in bounded memory, with a
    message naming the workbook, the sheet, what was counted and the limit."""
    path = with_members_rows(tmp_path / "big.xlsx", value_rows(5, 150_004))
    start = time.perf_counter()

    def load():
        with pytest.raises(InputError) as caught:
            load_plan(path)
        [issue] = caught.value.issues
        assert issue.sheet == "Members"
        assert str(issue).startswith(f"big.xlsx › Members: the sheet holds values in more than {MAX_ROWS:,} rows "
                                     f"(counted down to row {MAX_ROWS + 1:,}), beyond the limit of "
                                     f"{MAX_ROWS:,} rows per sheet for a plan workbook"), str(issue)

    peak = peak_mb(load)
    elapsed = time.perf_counter() - start
    assert peak < 50, f"peak {peak:.0f} MB"
    assert elapsed < 10, f"refused in {elapsed:.1f} s"


def test_a_row_number_beyond_excel_is_refused_at_once(tmp_path):
    """A value in row 2,000,000,000 (Excel's last row is 1,048,576): refused at once, as
    a file Excel did not write."""
    path = with_members_rows(tmp_path / "far.xlsx", value_rows(2_000_000_000, 2_000_000_000))
    start = time.perf_counter()
    with pytest.raises(InputError) as caught:
        load_plan(path)
    assert time.perf_counter() - start < 1.0
    report = caught.value.report()
    assert "far.xlsx › Members: " in report and "row 2,000,000,000" in report and "1,048,576" in report, report


def test_the_limit_is_documented():
    text = (ROOT / "docs" / "inputs.md").read_text(encoding="utf-8")
    assert f"{MAX_ROWS:,} rows" in text


def test_unknown_sheets_are_named_but_not_parsed(tmp_path, monkeypatch):
    path = add_sheet(tmp_path / "extra.xlsx", "Scratch", 5000, dimension="A1:B5000")
    read = []
    original = workbook._read_sheet
    monkeypatch.setattr(workbook, "_read_sheet", lambda ws, *args: read.append(ws.title) or original(ws, *args))
    _, issues = load_plan(path)
    assert "Scratch" not in read and "About" not in read and "Members" in read
    assert [str(i) for i in issues] == ["extra.xlsx › Scratch: unknown sheet, ignored"]


def test_rows_beyond_a_wrong_used_range_are_read(tmp_path):
    """A <dimension> that says less than the sheet holds (a writer's bug) does not hide
    rows: openpyxl in read-only mode would stop at it, without a word."""
    path = with_members_rows(tmp_path / "short_range.xlsx", [], dimension="A1:C2")
    data, _ = load_plan(path)
    assert list(data.members.index) == ["ARL", "BOR", "CAR"]
    assert data.members.at["CAR", "obligation"] == "automatic"


# ------------------------------------------------------------------ 7. PYTHONHASHSEED

TIMES = ("Solve time", "Run time", "Run at")  # Summary rows that differ from run to run
REPORT_CELLS = f"""
import sys, openpyxl, planner
planner.run_plan(sys.argv[1], sys.argv[2])
for ws in openpyxl.load_workbook(sys.argv[2]).worksheets:
    for row in ws.iter_rows():
        if not (ws.title == "Summary" and row[0].value in {TIMES!r}):
            print(*(f"{{ws.title}}!{{c.coordinate}} {{c.value!r}}" for c in row), sep="\\n")
"""


def report_cells(src: Path, outs: dict[int, Path]) -> dict[int, list[str]]:
    """Every cell of the report of `src` planned in a process with each PYTHONHASHSEED
    (seed → its report's path; the Summary's times left out), the processes side by side."""
    runs = {seed: subprocess.Popen([sys.executable, "-c", REPORT_CELLS, str(src), str(out)],
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                   env={**os.environ, "PYTHONHASHSEED": str(seed), "PYTHONPATH": str(ROOT)})
            for seed, out in outs.items()}
    cells = {}
    for seed, run in runs.items():
        stdout, stderr = run.communicate(timeout=300)
        assert run.returncode == 0, stderr
        cells[seed] = stdout.splitlines()
    return cells


def test_the_report_does_not_depend_on_the_hash_seed(tmp_path):
    """Rio Treaty with a 40 % cap on fair shares (the United States' share is capped; the
    excess is shared among 15 members): every report cell the same in two processes whose
    string hashing differs. A sum over a set of member codes once gave last-digit
    differences (NATO: 36 cells, from its common-funding cap)."""
    def cap(wb):
        ws = wb["Settings"]
        row = next(c.row for c in ws["A"] if c.value == "fair_share_cap_pct")
        ws.cell(row=row, column=2, value=40)
    src = tmp_path / "rio_capped.xlsx"
    wb = openpyxl.load_workbook(RIO)
    cap(wb)
    wb.save(src)
    cells = report_cells(src, {seed: tmp_path / f"report{seed}.xlsx" for seed in (1, 2)})
    first, second = cells[1], cells[2]
    assert len(first) > 1000
    assert [a for a, b in zip(first, second) if a != b] == [] and len(first) == len(second)
