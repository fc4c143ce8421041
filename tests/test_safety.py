"""Reports are safe to forward: no formula from the inputs, written completely or not at
all (even if the process is killed), the same figures run after run."""

from __future__ import annotations

import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from planner import run_plan
from planner.run import run_analyses, run_whatif
from planner.xlsx import safe_text

ROOT = Path(__file__).parents[1]
TUTORIAL = ROOT / "inputs" / "tutorial.xlsx"
NATO = ROOT / "inputs" / "nato.xlsx"
HOSTILE = ["=HYPERLINK(\"http://evil.example\",\"click\")", "+1+1", "-2+3", "@SUM(A1:A9)", "\t=1+1", "\r=1+1"]


def planted(tmp_path: Path) -> Path:
    """The tutorial with formula-like text in every name a report shows."""
    path = tmp_path / "planted.xlsx"
    shutil.copy(TUTORIAL, path)
    wb = openpyxl.load_workbook(path)
    for sheet, column in (("Members", 2), ("Capabilities", 2), ("Regions", 2)):
        ws = wb[sheet]
        for i, row in enumerate(ws.iter_rows(min_row=2)):
            if row[0].value is not None:
                safe_text(row[column - 1], HOSTILE[i % len(HOSTILE)] + f" {i}")  # typed as text
    safe_text(wb["Settings"]["B2"], "=cmd|' /C calc'!A0")  # plan_name, shown in every title
    wb.save(path)
    return path


def formulas(path: Path) -> list[str]:
    wb = openpyxl.load_workbook(path)  # not data_only: formulas stay formulas
    return [f"{ws.title}!{cell.coordinate}: {cell.value!r}" for ws in wb for row in ws.iter_rows()
            for cell in row if cell.data_type == "f"]


def test_no_formula_from_the_inputs_in_any_report(tmp_path):
    path = planted(tmp_path)
    assert openpyxl.load_workbook(path)["Settings"]["A2"].value == "plan_name"
    reports = [run_plan(path, tmp_path / "plan.xlsx").report_path,
               run_whatif(path, tmp_path / "whatif.xlsx", without={"BOR": None}).report_path]
    run_analyses(path, tmp_path / "analysis.xlsx", shapley=True, frontier=True, alternatives=True)
    reports.append(tmp_path / "analysis.xlsx")
    for report in reports:
        assert formulas(report) == [], report.name
    names = pd.read_excel(tmp_path / "plan.xlsx", sheet_name="Burden")["Name"].tolist()
    assert any(str(n).startswith("=HYPERLINK") for n in names)  # shown, as text


CHILD = textwrap.dedent("""
    import sys, time
    from openpyxl import Workbook
    from planner.xlsx import save_atomic

    class Slow(Workbook):
        def save(self, filename):
            with open(filename, "wb") as f:
                f.write(b"PK partial")
                f.flush()
                print("writing", flush=True)
                time.sleep(60)

    save_atomic(Slow(), sys.argv[1])
""")


def test_a_report_killed_mid_write_leaves_the_previous_file(tmp_path):
    target = tmp_path / "report.xlsx"
    target.write_bytes(b"previous report")
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(target)], stdout=subprocess.PIPE, text=True)
    assert child.stdout.readline().strip() == "writing"
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=10)
    assert target.read_bytes() == b"previous report"
    target.unlink()
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(target)], stdout=subprocess.PIPE, text=True)
    assert child.stdout.readline().strip() == "writing"
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=10)
    assert not target.exists()  # none, never a partial one


@pytest.mark.verify  # a second NATO MIP (30 s); tests/test_input_limits.py checks hash seeds by default
def test_same_inputs_same_figures(nato_results):
    first = nato_results
    second = run_plan(NATO, write=False, robustness=False).results
    assert first.totals == second.totals  # exact on purpose: the same run twice gives the same bits
    for table in ("burden", "spending", "coverage", "deployment", "sites"):
        pd.testing.assert_frame_equal(getattr(first, table), getattr(second, table), check_exact=True)
