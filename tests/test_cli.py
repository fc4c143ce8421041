"""The command line on the example inputs, end to end: workbook → report."""

from __future__ import annotations

import errno
import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import pytest
from typer.testing import CliRunner

from planner.cli import app
from planner.paths import is_planner_report

ROOT = Path(__file__).parents[1]
NATO = ROOT / "inputs" / "nato.xlsx"
TUTORIAL = ROOT / "inputs" / "tutorial.xlsx"


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def nato_report(tmp_path_factory):
    out = tmp_path_factory.mktemp("nato") / "nato.xlsx"
    before = sha(NATO)
    result = CliRunner().invoke(app, ["run", str(NATO), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert sha(NATO) == before, "the input workbook was modified"
    return out, result.output


@pytest.mark.verify  # the NATO command end to end (40 s); its report is also compared cell for cell there
def test_nato_report_sheets_charts_and_rows(nato_report):
    path, _ = nato_report
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames[:6] == ["Overview", "Summary", "Burden", "Spending", "Capabilities", "Coverage"]
    assert sum(len(ws._charts) for ws in wb) >= 2
    burden = pd.read_excel(path, sheet_name="Burden")
    assert len(burden) == 32
    assert burden.iloc[:, 0].is_unique


def test_nato_2024_spending_equals_natos_published_share(nato_results):
    """Every ally's 2024 defence spending, % of GDP, as NATO published it (±0.01 pp)."""
    spending = nato_results.spending
    report = spending[spending["year"] == 2024].set_index("member")["spending_pct_gdp"].to_dict()
    names = pd.read_excel(NATO, sheet_name="Members").set_index("name")["code"]
    nato = pd.read_csv(ROOT / "inputs" / "data" / "nato_defence_expenditure_2014_2024.csv")
    nato = nato[(nato["year"] == 2024) & nato["country"].isin(names.index)]
    assert len(nato) == 32
    for country, published in zip(nato["country"], nato["defexp_pct_gdp"]):
        code = names[country]
        if pd.isna(published):  # Iceland has no armed forces
            assert report[code] == pytest.approx(0.0)
        else:
            assert report[code] == pytest.approx(published, abs=0.01), country


@pytest.mark.verify
def test_terminal_summary(nato_report):
    _, output = nato_report
    assert "optimal" in output and "Cost of the plan" in output and "USA" in output


def test_default_report_path(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, ["run", str(TUTORIAL), "--quiet"])
    assert result.exit_code == 0, result.output
    [report] = list((tmp_path / "reports").glob("tutorial-*.xlsx"))
    assert result.output.strip() == str(Path("reports") / report.name)


def test_validate_ok():
    result = CliRunner().invoke(app, ["validate", str(TUTORIAL)])
    assert result.exit_code == 0
    assert "valid" in result.output


def test_template_validates_its_own_shape(tmp_path):
    out = tmp_path / "blank.xlsx"
    result = CliRunner().invoke(app, ["template", str(out)])
    assert result.exit_code == 0 and out.exists()
    # an empty template is not a plan: it is refused with located problems, exit 2
    result = CliRunner().invoke(app, ["validate", str(out)])
    assert result.exit_code == 2
    assert "plan_name" in result.output and "the table is empty" in result.output


def test_unknown_solver_is_a_clear_error(tmp_path):
    result = CliRunner().invoke(app, ["run", str(TUTORIAL), "--solver", "nosuchsolver",
                                      "--out", str(tmp_path / "r.xlsx")])
    assert result.exit_code == 2  # an option error (tests/test_options.py)
    assert "nosuchsolver" in result.output and "Traceback" not in result.output
    assert not (tmp_path / "r.xlsx").exists()


def test_missing_file():
    result = CliRunner().invoke(app, ["validate", "no/such.xlsx"])
    assert result.exit_code == 2
    assert "no such file" in result.output


def test_help_has_examples():
    result = CliRunner().invoke(app, ["--help"])
    assert result.exit_code == 0 and "planner run inputs/nato.xlsx" in result.output


# ------------------------------------------------------------------ broken streams, other locales

FULL = os.strerror(errno.ENOSPC)


def planner(folder: Path, *args: str, stdout: Any = subprocess.PIPE, close: int | None = None,
            encoding: str | None = None) -> tuple[int, bytes, bytes]:
    """The `planner` command run in `folder`: exit code, standard output and error (bytes).
    `stdout`: where its output goes (a file's path, or "pipe closed": a pipe whose reader is gone);
    `close`: a stream (1 or 2) closed when it starts, as by `>&-` or `2>&-`; `encoding`: the
    terminal's (PYTHONIOENCODING)."""
    env = {**os.environ, **({"PYTHONIOENCODING": encoding} if encoding else {})}
    closed_pipe = stdout == "pipe closed"
    if isinstance(stdout, str) and not closed_pipe:
        with open(stdout, "wb") as file:
            return planner(folder, *args, stdout=file, close=close, encoding=encoding)
    child = subprocess.Popen([sys.executable, "-m", "planner.entry", *args], cwd=folder, env=env,
                             stdout=subprocess.PIPE if closed_pipe else stdout, stderr=subprocess.PIPE,
                             preexec_fn=(lambda: os.close(close)) if close is not None else None)
    if closed_pipe:
        child.stdout.close()
        _, err = child.communicate(timeout=120)
        return child.returncode, b"", err
    out, err = child.communicate(timeout=120)
    return child.returncode, out or b"", err or b""


@pytest.fixture
def folder(tmp_path) -> Path:
    shutil.copy(TUTORIAL, tmp_path / "p.xlsx")
    return tmp_path


LOST = {  # where standard output goes: what the note on standard error says of it
    "a full disk": (dict(stdout="/dev/full"), FULL),
    "a pipe closed by its reader": (dict(stdout="pipe closed"), os.strerror(errno.EPIPE)),
    "nowhere (closed)": (dict(close=1), "closed"),
}


@pytest.mark.parametrize("case", list(LOST))
def test_lost_output_keeps_the_report_and_says_so_once(case, folder):
    """The report is complete, so it stays and the exit code is 0; the output lost is said on
    standard error, in one line."""
    options, reason = LOST[case]
    code, _, err = planner(folder, "run", "p.xlsx", "--out", "r.xlsx", **options)
    assert code == 0, err
    assert err.decode().strip() == f"warning: the output could not be printed in full (standard output: {reason}); " \
                                   "r.xlsx was written."
    assert is_planner_report(folder / "r.xlsx")


def test_a_sweeps_workers_inherit_the_stream_closed_at_start_up(folder):
    """Opened on the null device, a closed standard output is a stream in the processes the
    command starts too (Pyomo flushes it)."""
    code, _, err = planner(folder, "sweep", "p.xlsx", "--vary", "requirements=1,1.1", "--out", "s.xlsx", close=1)
    assert code == 0, err
    assert pd.read_excel(folder / "s.xlsx", sheet_name="Sweep")["Status"].tolist() == ["optimal", "optimal"]


def test_closed_standard_error_still_plans_and_prints(folder):
    code, out, _ = planner(folder, "run", "p.xlsx", "--out", "r.xlsx", close=2)
    assert code == 0
    assert b"Tutorial: optimal" in out and is_planner_report(folder / "r.xlsx")


def test_plain_characters_stand_in_for_those_a_terminal_cannot_show():
    text = "2025\u20132030 \u2014 \u2018a\u2019 \u201cb\u201d\u2026 \u2022 T\u00fcrkiye \u2192 \u00d7 \u03c6"
    assert text.encode("ascii", "planner-plain") == b"2025-2030 -- 'a' \"b\"... * Turkiye -> x ?"
    assert text.encode("latin-1", "planner-plain") == "2025-2030 -- 'a' \"b\"... * T\u00fcrkiye -> \u00d7 ?".encode("latin-1")


@pytest.mark.parametrize("encoding", ["latin-1", "ascii"])
def test_a_terminal_that_cannot_show_every_character(encoding, folder):
    code, out, err = planner(folder, "validate", "p.xlsx", encoding=encoding)
    assert code == 0, err
    assert out.decode(encoding).split() == "p.xlsx: valid. 3 members, 2 capabilities, 1 regions, 4 requirement " \
                                           "cells, 2025-2026.".split()
    code, out, err = planner(folder, "run", "p.xlsx", "--out", "r.xlsx", encoding=encoding)
    assert code == 0, err
    assert "Tutorial: optimal" in out.decode(encoding) and err == b""
    assert planner(folder, "template", "t.xlsx")[0] == 0
    code, _, err = planner(folder, "validate", "t.xlsx", encoding=encoding)
    assert code == 2 and "the table is empty" in err.decode(encoding) and b"Traceback" not in err


# ------------------------------------------------------------------ started from a folder since deleted

@pytest.fixture
def gone(folder, monkeypatch) -> Path:
    """The working folder deleted under the command (`folder` holds the tutorial)."""
    here = folder / "gone"
    here.mkdir()
    monkeypatch.chdir(here)
    here.rmdir()
    return folder


GONE = "the current folder no longer exists (it was deleted or moved); cd to an existing folder, or give the full path"


@pytest.mark.parametrize("args,named", [
    (("run", "{folder}/p.xlsx", "--out", "r.xlsx"), "--out r.xlsx"),
    (("run", "{folder}/p.xlsx"), "report path reports/"),
    (("validate", "p.xlsx"), "1 problem in the input; nothing was planned or written:\n  • p.xlsx"),
    (("run", "../p.xlsx", "--out", "{folder}/r.xlsx"), "../p.xlsx"),
    (("template", "t.xlsx"), "template t.xlsx"),
    (("import-orlib", "cap41.txt", "{folder}/r.xlsx"), "cap41.txt"),
])
def test_a_deleted_working_folder_is_named_with_the_relative_path(args, named, gone):
    result = CliRunner().invoke(app, [a.format(folder=gone) for a in args])
    assert result.exit_code == 2, result.output
    message = result.output.strip()
    assert message.startswith(named) and message.endswith(GONE) and "\n" not in message.removeprefix(named), message
    assert sorted(p.name for p in gone.iterdir()) == ["p.xlsx"]


def test_a_deleted_working_folder_that_the_command_needs_is_said(gone, monkeypatch):
    """With every path given in full, the working folder may still be needed (a sweep's workers
    start in it: 'Nanny failed to start')."""
    def needs_it(*_a, **_k):
        os.getcwd()

    monkeypatch.setattr("planner.run.load_plan", needs_it)
    result = CliRunner().invoke(app, ["run", str(gone / "p.xlsx"), "--out", str(gone / "r.xlsx")])
    assert result.exit_code == 1
    assert result.output.startswith("The current folder no longer exists (it was deleted or moved), and the "
                                    "command needs it (FileNotFoundError: ") and "Internal error" not in result.output
