"""The cells of a plan report, as a snapshot that survives a re-run: every sheet's values
(numbers to 6 significant digits), without the few cells that say when and how fast it ran.

`python tests/report_cells.py` writes the snapshots of the example reports under
tests/data/reports/ (do it on purpose, when a change is meant to alter the reports: the
test_report_snapshots tests then show which cells it altered)."""

from __future__ import annotations

import gzip
import math
import json
import sys
from pathlib import Path

from openpyxl import load_workbook

SNAPSHOTS = Path(__file__).parent / "data" / "reports"
VOLATILE = {"Solve time", "Run time", "Run at", "Input file"}  # Summary rows: when, how fast, from where


def _value(value):
    if isinstance(value, float):
        return float(f"{value:.6g}")
    return value if isinstance(value, (int, str, bool)) or value is None else str(value)


def report_cells(path: Path) -> dict[str, dict[str, object]]:
    """{sheet: {cell: value}} of the report at `path`, volatile Summary rows left out."""
    wb = load_workbook(path)
    out: dict[str, dict[str, object]] = {}
    for ws in wb.worksheets:
        cells = {}
        for row in ws.iter_rows():
            if ws.title == "Summary" and row and row[0].value in VOLATILE:
                continue
            for cell in row:
                if cell.value is not None:
                    cells[cell.coordinate] = _value(cell.value)
        out[ws.title] = cells
    return out


def snapshot_path(name: str) -> Path:
    return SNAPSHOTS / f"{Path(name).stem}.json.gz"


def read_snapshot(name: str) -> dict[str, dict[str, object]]:
    with gzip.open(snapshot_path(name), "rt", encoding="utf-8") as f:
        return json.load(f)


def write_snapshot(name: str, cells: dict[str, dict[str, object]]) -> None:
    SNAPSHOTS.mkdir(parents=True, exist_ok=True)
    with gzip.GzipFile(snapshot_path(name), "wb", mtime=0) as raw:
        raw.write(json.dumps(cells, sort_keys=True, ensure_ascii=False).encode("utf-8"))


REL_TOL = 1e-5  # snapshots keep 6 significant digits: a last digit rounded the other way is no change
ABS_TOL = 1e-6  # planner.results.TOLERANCE: closer to zero than this is zero


def same(a: object, b: object) -> bool:
    """Two snapshot values are the same: numbers within REL_TOL (or ABS_TOL near zero), the
    rest equal (a bool is not a number here: True is not 1.0)."""
    numbers = all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in (a, b))
    if numbers:
        return math.isclose(a, b, rel_tol=REL_TOL, abs_tol=ABS_TOL) or (math.isnan(a) and math.isnan(b))
    return type(a) is type(b) and a == b


def noise(cells: dict[str, dict[str, object]]) -> list[str]:
    """The cells that show the solver's rounding as a figure: 0 < |value| < ABS_TOL, or −0.0."""
    return [f"{sheet}!{cell}: {value!r}" for sheet, values in cells.items() for cell, value in values.items()
            if isinstance(value, float) and (0 < abs(value) < ABS_TOL or math.copysign(1, value) < 0 == value)]


def differences(got: dict, want: dict, limit: int = 20) -> list[str]:
    """The cells that differ, in words (at most `limit`): numbers compared with a relative
    tolerance (`same`), never for exact equality."""
    out = []
    for sheet in sorted(set(got) | set(want)):
        if sheet not in got or sheet not in want:
            out.append(f"sheet {sheet}: {'missing' if sheet not in got else 'new'}")
            continue
        a, b = got[sheet], want[sheet]
        for cell in sorted(set(a) | set(b)):
            if not same(a.get(cell), b.get(cell)):
                out.append(f"{sheet}!{cell}: {a.get(cell)!r}, was {b.get(cell)!r}")
    return out[:limit] + ([f"… and {len(out) - limit} more"] if len(out) > limit else [])


if __name__ == "__main__":
    import tempfile

    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from planner import run_plan

    names = sys.argv[1:] or ["tutorial.xlsx", "anzus.xlsx", "rio_pact.xlsx", "brussels_treaty.xlsx", "nato.xlsx"]
    inputs = Path(__file__).resolve().parents[1] / "inputs"
    with tempfile.TemporaryDirectory() as tmp:
        for name in names:
            run = run_plan(inputs / name, Path(tmp) / name)
            write_snapshot(name, report_cells(run.report_path))
            print("wrote", snapshot_path(name))
