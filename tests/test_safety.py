"""Reports are safe to forward: no formula from the inputs, written completely or not at
all (even if the process is killed), the same figures run after run."""

from __future__ import annotations

import errno
import gc
import os
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
from typer.testing import CliRunner

from planner import run_plan
from planner.cli import app
from planner.run import run_analyses, run_whatif
from planner.xlsx import safe_text

ROOT = Path(__file__).parents[1]
TUTORIAL = ROOT / "inputs" / "tutorial.xlsx"
NATO = ROOT / "inputs" / "nato.xlsx"
CAP41 = ROOT / "tests" / "data" / "orlib_cap" / "cap41.txt"
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
def test_same_inputs_same_figures():
    """The whole plan pipeline twice, tie rule included (its solves stop at their gaps, not at a
    time limit, so the plan does not depend on how busy the machine is)."""
    first = run_plan(NATO, write=False, robustness=False).results
    second = run_plan(NATO, write=False, robustness=False).results
    assert first.totals == second.totals  # exact on purpose: the same run twice gives the same bits
    for table in ("burden", "spending", "coverage", "deployment", "sites"):
        pd.testing.assert_frame_equal(getattr(first, table), getattr(second, table), check_exact=True)


# ------------------------------------------------------------------ full disks, read-only folders

WRITERS = {  # every command that writes a workbook, replacing r.xlsx
    "run": ("run", "p.xlsx", "--out", "r.xlsx", "--force"),
    "whatif": ("whatif", "p.xlsx", "--without", "BOR", "--out", "r.xlsx", "--force"),
    "analyse": ("analyse", "p.xlsx", "--frontier", "--points", "2", "--out", "r.xlsx", "--force"),
    "sweep": ("sweep", "p.xlsx", "--vary", "requirements=1", "--workers", "1", "--out", "r.xlsx", "--force"),
    "template": ("template", "r.xlsx", "--force"),
    "import-orlib": ("import-orlib", str(CAP41), "r.xlsx", "--force"),
}
FULL = os.strerror(errno.ENOSPC)


@pytest.fixture
def folder(tmp_path, monkeypatch) -> Path:
    """An empty working folder holding the tutorial (p.xlsx) and a previous report (r.xlsx)."""
    monkeypatch.chdir(tmp_path)
    shutil.copy(TUTORIAL, tmp_path / "p.xlsx")
    (tmp_path / "r.xlsx").write_bytes(b"previous report")
    return tmp_path


@pytest.fixture
def unraisable(monkeypatch) -> list[str]:
    """What Python would print as 'Exception ignored in …' (a finalizer's error), collected."""
    seen: list[str] = []
    monkeypatch.setattr(sys, "unraisablehook", lambda u: seen.append(f"{u.object!r}: {u.exc_value!r}"))
    return seen


def state(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file() and not p.is_symlink()}


def invoke(*args: str) -> tuple[int, str]:
    """Exit code and output of the command; every object of its run collected after (so that
    a finalizer that fails does so within the test)."""
    result = CliRunner().invoke(app, list(args))
    code, output = result.exit_code, result.output
    del result
    gc.collect()
    return code, output


def on_a_full_disk(path: Path) -> Path:
    """`path` made a link to /dev/full: every write through it fails with ENOSPC, as on a full disk."""
    path.symlink_to("/dev/full")
    return path


@pytest.mark.parametrize("command", list(WRITERS))
def test_a_full_disk_keeps_the_previous_report_and_says_only_that(command, folder, monkeypatch, unraisable):
    """The half-written zip of a save that failed is discarded, not closed (and written to
    again) when it is garbage-collected: no 'Exception ignored in ZipFile.__del__'."""
    on_a_full_disk(folder / ".~abp-full.part")
    monkeypatch.setattr("planner.xlsx.temp_name", lambda: ".~abp-full.part")
    before = state(folder)
    code, output = invoke(*WRITERS[command])
    assert code == 1, output
    assert output.strip().endswith(f"could not write r.xlsx: {FULL}; nothing was written"), output
    assert "Traceback" not in output and "Internal error" not in output
    assert unraisable == []
    assert state(folder) == before and not (folder / ".~abp-full.part").exists()


def test_a_full_temporary_folder_is_named(folder, monkeypatch, unraisable):
    """openpyxl writes each sheet to a file in the temporary folder (TMPDIR) first."""
    import openpyxl.worksheet._writer as sheet_writer

    tmp = folder / "tmp"
    tmp.mkdir()
    monkeypatch.setattr("tempfile.tempdir", str(tmp))
    count = iter(range(1000))
    monkeypatch.setattr(sheet_writer, "create_temporary_file",
                        lambda suffix="": str(on_a_full_disk(tmp / f"openpyxl.{next(count)}")))
    before = state(folder)
    code, output = invoke(*WRITERS["run"])
    assert code == 1, output
    assert output.strip().endswith(f"could not write r.xlsx: {FULL} in the temporary folder {tmp}: free space "
                                   "there, or set TMPDIR to a folder with room; nothing was written"), output
    assert "Traceback" not in output and "SerialisationError" not in output
    assert unraisable == []
    assert state(folder) == before and list(tmp.iterdir()) == []


def read_only(monkeypatch, folder: Path, *, partial: bool) -> None:
    """`folder` turned read-only after the output path was checked (chmod would not stop root):
    the save fails (having written part of its file, if `partial`), and so does every removal."""
    real_unlink = Path.unlink
    turned = []

    def save(self, filename):
        turned.append(True)
        if partial:
            Path(filename).write_bytes(b"PK partial")
        raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(filename))

    def unlink(self, *a, **k):
        if turned and Path(os.path.abspath(self)).parent == folder:
            raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(self))
        return real_unlink(self, *a, **k)

    monkeypatch.setattr(openpyxl.Workbook, "save", save)
    monkeypatch.setattr(Path, "unlink", unlink)


def test_a_folder_turned_read_only_reports_the_write_error_not_the_clean_up(folder, monkeypatch):
    read_only(monkeypatch, folder, partial=False)
    before = state(folder)
    code, output = invoke(*WRITERS["run"])
    assert code == 1, output
    assert output.strip().endswith(f"could not write r.xlsx: {os.strerror(errno.EROFS)}; nothing was written")
    assert "Internal error" not in output
    assert state(folder) == before


def test_a_temporary_file_that_cannot_be_removed_is_named(folder, monkeypatch):
    read_only(monkeypatch, folder, partial=True)
    code, output = invoke(*WRITERS["run"])
    assert code == 1, output
    [left] = [p.name for p in folder.iterdir() if p.name.endswith(".part")]
    assert output.strip().endswith(f"could not write r.xlsx: {os.strerror(errno.EROFS)}; r.xlsx was left as it was, "
                                   f"but the unfinished {left} could not be removed: delete it"), output
    assert "Internal error" not in output
    assert (folder / "r.xlsx").read_bytes() == b"previous report"


def test_a_working_folder_deleted_during_the_solve_is_said(folder, monkeypatch):
    import planner.run

    here = folder / "gone"
    here.mkdir()
    monkeypatch.chdir(here)
    real = planner.run.solve_plan

    def deleting(*a, **k):
        here.rmdir()
        return real(*a, **k)

    monkeypatch.setattr(planner.run, "solve_plan", deleting)
    code, output = invoke("run", str(folder / "p.xlsx"), "--out", "r.xlsx")
    assert code == 1, output
    assert output.strip() == ("could not write r.xlsx: the current folder no longer exists (it was deleted or "
                              "moved); cd to an existing folder, or give the full path; nothing was written")
