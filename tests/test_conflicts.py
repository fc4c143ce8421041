"""An infeasible plan in strict mode is explained: HiGHS's IIS in a planner's words."""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl
from typer.testing import CliRunner

from builders import plan
from models import build_model
from planner.cli import app
from planner.solve import solve

TUTORIAL = Path(__file__).parents[1] / "inputs" / "tutorial.xlsx"


def test_strict_plan_that_cannot_meet_a_requirement():
    """3 units required, 2 in service and at most 0 new: the requirement, the member's stock,
    its order limit and the strict-mode shortfall bound conflict."""
    data = plan({"A": (1000.0, 10.0)}, forces={("A", "U"): dict(existing=2, max_new=0)},
                requirements={("U", "R", 2025): 3.0}, elastic=False)
    result = solve(build_model(data))
    assert result.status == "infeasible" and not result.has_solution
    text = " | ".join(result.conflict)
    assert "the requirement for U in R in 2025 (scenario BASE) must be met" in text
    assert "A can deploy no more U in 2025 (scenario BASE) than it has in service" in text


def test_cli_lists_the_conflict(tmp_path):
    path = tmp_path / "strict.xlsx"
    shutil.copy(TUTORIAL, path)
    wb = openpyxl.load_workbook(path)
    settings = wb["Settings"]
    row = next(c.row for c in settings["A"] if c.value == "elastic")
    settings.cell(row=row, column=2).value = False
    forces = wb["Forces"]
    headers = [c.value for c in forces[1]]
    for r in forces.iter_rows(min_row=2):  # nobody may buy anything
        if r[0].value:
            r[headers.index("max_new_per_year")].value = 0
    wb.save(path)
    out = tmp_path / "report.xlsx"
    result = CliRunner().invoke(app, ["run", str(path), "--out", str(out)])
    assert result.exit_code == 1
    assert "cannot all hold together" in result.output and "requirement for" in result.output
    assert "Traceback" not in result.output and not out.exists()


def test_every_solver_outcome_has_advice():
    from planner.cli import _advice
    from planner.run import PlanRun

    for status, words in (("unbounded", "without limit"), ("time limit", "time_limit_s"),
                          ("infeasible", "elastic"), ("Solve error", "numerical trouble")):
        assert words in _advice(PlanRun(status, None, None, {}))


def test_a_time_limit_without_a_plan_is_no_plan(tmp_path):
    """A time limit too short to find any plan: exit 1, the advice, nothing written."""
    out = tmp_path / "r.xlsx"
    result = CliRunner().invoke(app, ["run", str(TUTORIAL), "--time-limit", "1e-9", "--out", str(out)])
    assert result.exit_code in (0, 1)  # HiGHS may still finish the tiny LP in its first step
    if result.exit_code == 1:
        assert "time_limit_s" in result.output and not out.exists()


def test_strict_equipment_floor_out_of_reach_is_explained():
    """A may spend at most its baseline (ceiling 1 % of 1000 = 10), 10 % of it on equipment:
    a 20 % equipment floor cannot hold in strict mode, and the IIS names it."""
    data = plan({"A": (1000.0, 10.0)}, equipment_share=0.1, elastic=False,
                targets={"min_equipment": 0.2, "max_gdp": 0.01})
    result = solve(build_model(data))
    assert result.status == "infeasible"
    text = " | ".join(result.conflict)
    assert "A's equipment-share floor in 2025" in text and "A's spending ceiling in 2025" in text
    assert "strict mode: A must reach its equipment-share floor in 2025 (Settings › elastic)" in text


def test_advice_on_an_infeasible_elastic_plan_does_not_ask_for_elastic_mode():
    """Issue 12: in elastic mode an infeasible plan (here a ceiling below the baseline,
    which is never cut) was told to switch elastic mode on although it was on."""
    from planner.cli import _advice
    from planner.run import PlanRun

    data = plan({"A": (1000.0, 10.0)}, targets={"max_gdp": 0.005})
    model = build_model(data)
    result = solve(model)
    assert result.status == "infeasible"
    advice = _advice(PlanRun(result.status, None, None, {}, model=model))
    assert "Elastic mode is on" in advice and "Switch elastic mode on" not in advice
    assert "max_gdp_pct" in advice
