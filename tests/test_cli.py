"""The command line on the example inputs, end to end: workbook → report."""

from __future__ import annotations

import hashlib
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from typer.testing import CliRunner

from planner.cli import app

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
