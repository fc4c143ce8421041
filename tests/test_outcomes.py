"""Every solver outcome of every command is a message with the right exit code (issue 14):
no plan (infeasible, time limit, unbounded) exits 1 as `run` does, with what has no plan and
what to do; nothing is written and the inputs are left as they were."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from planner.cli import app
from planner.highs import Outcome, HighsModel

ROOT = Path(__file__).parents[1]
TUTORIAL = ROOT / "inputs" / "tutorial.xlsx"
ADVICE_STRICT = "Switch elastic mode on (Settings › elastic)"


def invoke(*args) -> tuple[int, str]:
    result = CliRunner().invoke(app, [str(a) for a in args])
    return result.exit_code, result.output


def folder_state(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def tutorial(folder: Path, name: str = "p.xlsx", *, strict: bool = False, no_orders: bool = False) -> Path:
    """A copy of the tutorial: in strict mode (Settings › elastic no); with `no_orders`, nobody
    may buy anything (max_new_per_year 0), so that strict mode cannot meet the squadrons."""
    path = folder / name
    shutil.copy(TUTORIAL, path)
    if strict or no_orders:
        wb = openpyxl.load_workbook(path)
        if strict:
            settings = wb["Settings"]
            row = next(c.row for c in settings["A"] if c.value == "elastic")
            settings.cell(row=row, column=2).value = "no"
        if no_orders:
            forces = wb["Forces"]
            column = [c.value for c in forces[1]].index("max_new_per_year")
            for r in forces.iter_rows(min_row=2):
                r[column].value = 0
        wb.save(path)
    return path


@pytest.fixture
def folder(tmp_path, monkeypatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def assert_no_plan(code: int, output: str, before: dict, folder: Path, *words: str) -> None:
    assert code == 1, output
    assert "Internal error" not in output and "Traceback" not in output
    for w in words:
        assert w in output, output
    assert folder_state(folder) == before  # no report, no temporary file, the inputs byte for byte
    assert not (folder / "reports").exists()


def test_whatif_in_strict_mode_whose_change_is_infeasible(folder):
    """Arland alone can buy squadrons: without it, strict mode cannot meet them. Was
    'Internal error: RuntimeError: no plan found (infeasible)'."""
    plan = tutorial(folder, strict=True)
    before = folder_state(folder)
    code, output = invoke("whatif", plan, "--without", "ARL", "--out", "w.xlsx")
    assert_no_plan(code, output, before, folder,
                   "No plan after the change (ARL leaves: out from 2025): the solver ended with status 'infeasible'.",
                   "These cannot all hold together", "the requirement for SQN in EAST", "strict mode: no shortfall",
                   "The plan before the change has one.", ADVICE_STRICT)


def test_whatif_whose_baseline_is_infeasible_says_so(folder):
    plan = tutorial(folder, strict=True, no_orders=True)
    before = folder_state(folder)
    code, output = invoke("whatif", plan, "--without", "BOR", "--out", "w.xlsx")
    assert_no_plan(code, output, before, folder,
                   "No plan before the change (the workbook's plan): the solver ended with status 'infeasible'.",
                   "These cannot all hold together", ADVICE_STRICT)


def test_analyse_on_an_infeasible_plan_fails_as_run_does(folder):
    """Was: exit 0, nothing printed, nothing written."""
    plan = tutorial(folder, strict=True, no_orders=True)
    before = folder_state(folder)
    run_code, run_output = invoke("run", plan, "--out", "r.xlsx")
    assert run_code == 1
    for option in ("--shapley", "--frontier", "--alternatives"):
        code, output = invoke("analyse", plan, option, "--out", "a.xlsx")
        assert_no_plan(code, output, before, folder, "No plan: the solver ended with status 'infeasible'.",
                       "These cannot all hold together", ADVICE_STRICT)
        assert [line for line in output.splitlines() if line.strip()] == run_output.splitlines()


def test_shapley_in_strict_mode_with_a_coalition_that_has_no_plan(folder):
    """Borduria alone has no squadron and may buy none: in strict mode its coalition has no
    plan. Was 'Internal error: RuntimeError: no plan for the coalition ['BOR']: infeasible'."""
    plan = tutorial(folder, strict=True)
    before = folder_state(folder)
    code, output = invoke("analyse", plan, "--shapley", "--out", "a.xlsx")
    assert_no_plan(code, output, before, folder,
                   "No plan for the coalition BOR alone (the cost game): the solver ended with status 'infeasible'.",
                   "in strict mode a coalition must meet its members' fair share", ADVICE_STRICT)


def solver_ends(monkeypatch, status: str, has_solution: bool, *, after_real: bool = False) -> None:
    """Every HiGHS re-solve ends with `status` (after a real solve, when `after_real`)."""
    real = HighsModel.solve

    def solve(self, *args, **kwargs):
        outcome = real(self, *args, **kwargs) if after_real else None
        objective = outcome.objective if outcome else (-1e30 if has_solution else None)
        return Outcome(status, has_solution, objective, objective, 0.05 if after_real else None, 0.0)

    monkeypatch.setattr(HighsModel, "solve", solve)


@pytest.mark.parametrize("status,has_solution,words", [
    ("time limit", False, "raise Settings › time_limit_s (or --time-limit)"),
    ("unbounded", True, "Some cost can fall without limit"),  # HiGHS leaves a point: no plan to compare
])
def test_whatif_without_a_plan_from_the_solver(status, has_solution, words, folder, monkeypatch):
    """Was 'Internal error: RuntimeError: no plan found (time limit)' (nato.xlsx
    --time-limit 0.001), and an unbounded point compared as if it were a plan."""
    plan = tutorial(folder)
    before = folder_state(folder)
    solver_ends(monkeypatch, status, has_solution)
    code, output = invoke("whatif", plan, "--without", "BOR", "--out", "w.xlsx")
    assert_no_plan(code, output, before, folder,
                   f"No plan before the change (the workbook's plan): the solver ended with status '{status}'.", words)


def test_analyse_time_limit_without_a_plan(folder, monkeypatch):
    plan = tutorial(folder)
    before = folder_state(folder)
    solver_ends(monkeypatch, "time limit", False)
    code, output = invoke("analyse", plan, "--shapley", "--out", "a.xlsx")
    assert_no_plan(code, output, before, folder, "No plan: the solver ended with status 'time limit'.",
                   "raise Settings › time_limit_s, or make the plan smaller")  # analyse has no --time-limit


def test_whatif_stopped_with_a_plan_says_it_may_not_be_optimal(folder, monkeypatch):
    """A time limit with a plan found: the comparison, and a warning with the gap."""
    plan = tutorial(folder)
    solver_ends(monkeypatch, "time limit", True, after_real=True)
    code, output = invoke("whatif", plan, "--without", "BOR", "--out", "w.xlsx")
    assert code == 0, output
    assert ("warning: the plan after the change is the best found when the solver stopped ('time limit', "
            "5.00 % from the optimum at most)") in output
    assert Path("w.xlsx").is_file()


JOIN_WORKBOOKS = {
    "a copy of the same workbook": lambda folder, plan: shutil.copy(plan, folder / "j.xlsx"),
    "another pact's workbook": lambda folder, plan: shutil.copy(ROOT / "inputs" / "anzus.xlsx", folder / "j.xlsx"),
}


@pytest.mark.parametrize("case", list(JOIN_WORKBOOKS))
def test_join_with_a_whole_plan_workbook_is_refused_in_one_line(case, folder):
    plan = tutorial(folder)
    JOIN_WORKBOOKS[case](folder, plan)
    before = folder_state(folder)
    code, output = invoke("whatif", plan, "--join", "j.xlsx", "--out", "w.xlsx")
    assert code == 2, output
    assert len(output.strip().splitlines()) == 1 and "Internal error" not in output
    assert output.startswith("What-if: --join j.xlsx: holds a plan of its own (its Members, Capabilities, Regions "
                             "and Requirements sheets have rows, which --join does not read)")
    assert "Candidates sheet" in output and "--join Candidates" in output
    assert folder_state(folder) == before


def test_join_with_a_copy_of_a_plan_with_candidates_is_refused(folder):
    """The Rio Treaty's workbook joined to itself: its candidates and targets twice. Was
    'Internal error: ValueError: Invalid call for scalar access (setting)!'."""
    plan = folder / "rio.xlsx"
    shutil.copy(ROOT / "inputs" / "rio_pact.xlsx", plan)
    shutil.copy(plan, folder / "j.xlsx")
    before = folder_state(folder)
    code, output = invoke("whatif", plan, "--join", "j.xlsx", "--out", "w.xlsx")
    assert code == 2 and len(output.strip().splitlines()) == 1, output
    assert "--join j.xlsx: holds a plan of its own" in output
    assert folder_state(folder) == before


def test_sweep_variant_with_an_unbounded_point_is_no_plan(monkeypatch):
    """A sweep variant that HiGHS ends 'unbounded' (with a point) is reported without money."""
    from planner.analyses.sweep import solve_variant

    content = TUTORIAL.read_bytes()
    solver_ends(monkeypatch, "unbounded", True)
    row = solve_variant(hashlib.sha256(content).hexdigest() + "-unbounded", content, {"requirements": 1.0})
    assert row["status"] == "unbounded" and "money_cost_musd" not in row


def test_join_rows_that_repeat_the_plans_are_refused_by_row(folder):
    """A join workbook naming Mexico, already one of the Rio Treaty's candidates, with its
    Forces rows and the pact's ALL targets: was 'Internal error: ValueError: Invalid call
    for scalar access (setting)!'. Now each repeated row is named, exit 2, nothing written."""
    import openpyxl

    from planner.template import write_workbook

    plan = folder / "rio.xlsx"
    shutil.copy(ROOT / "inputs" / "rio_pact.xlsx", plan)
    join = folder / "j.xlsx"
    write_workbook(join)
    wb, src = openpyxl.load_workbook(join), openpyxl.load_workbook(plan)
    keep = {"Candidates": ("code", "MEX"), "Forces": ("member", "MEX"), "SpendingTargets": ("member", "ALL")}
    for name, (column, value) in keep.items():
        header = [c.value for c in src[name][1]]
        for row in src[name].iter_rows(min_row=2, values_only=True):
            record = dict(zip(header, row))
            if record[column] == value:
                wb[name].append([record.get(c.value) for c in wb[name][1]])
    wb.save(join)
    before = folder_state(folder)
    code, output = invoke("whatif", plan, "--join", "j.xlsx", "--out", "w.xlsx")
    assert code == 2 and "Internal error" not in output, output
    assert "j.xlsx › Candidates › row 2, column A (code): 'MEX' — a row the plan's workbook already has" in output
    assert "SpendingTargets › row 2" in output and "a join workbook adds new rows only" in output
    assert folder_state(folder) == before


def test_sweep_where_no_variant_has_a_plan_exits_1(folder):
    """Strict mode and nobody may buy: every variant of requirements ×2 and ×3 is infeasible.
    The report records each status (it is written), and the command exits 1, not 0."""
    plan = tutorial(folder, strict=True, no_orders=True)
    before = hashlib.sha256(plan.read_bytes()).hexdigest()
    code, output = invoke("sweep", plan, "--vary", "requirements=2,3", "--workers", "1", "--out", "s.xlsx")
    assert code == 1, output
    assert "2 of 2 variants have no plan" in output and "No variant has a plan" in output
    assert "Traceback" not in output and (folder / "s.xlsx").is_file()
    assert hashlib.sha256(plan.read_bytes()).hexdigest() == before


@pytest.mark.parametrize("status,has_solution,words", [
    ("time limit", False, "The solver stopped before it found any plan: raise Settings › time_limit_s (or --time-limit)"),
    ("iteration limit", False, "The solver stopped before it found any plan"),
    ("unbounded", True, "Some cost can fall without limit"),  # HiGHS leaves a point: it is no plan
    ("solve error", False, "The solver reported numerical trouble"),
])
def test_run_without_a_plan_from_the_solver(status, has_solution, words, folder, monkeypatch):
    """`run`, for every status that gives no plan: exit 1, the status and what to do, nothing
    written, the input unchanged."""
    plan = tutorial(folder)
    before = folder_state(folder)
    solver_ends(monkeypatch, status, has_solution)
    code, output = invoke("run", plan, "--out", "r.xlsx")
    assert_no_plan(code, output, before, folder, f"No plan: the solver ended with status '{status}'.", words)

