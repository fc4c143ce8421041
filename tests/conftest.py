import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

import shutil  # noqa: E402

import pytest  # noqa: E402

NATO = Path(__file__).resolve().parents[1] / "inputs" / "nato.xlsx"
TUTORIAL = NATO.with_name("tutorial.xlsx")


@pytest.fixture
def plan(tmp_path, monkeypatch) -> Path:
    """A copy of the tutorial, p.xlsx, in an empty working folder (the command-line tests'
    workbook; a module's own `plan` fixture overrides this one)."""
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "p.xlsx"
    shutil.copy(TUTORIAL, path)
    return path


@pytest.fixture(scope="session")
def nato_results():
    """The NATO example's plan, solved once for the session by the plan pipeline alone
    (read, build, solve, extract: no tie rule, no Robustness sheet, no penalty check, no
    report): a whole-unit MIP of about 25 s."""
    from planner.load import load_plan
    from planner.run import solve_plan
    from planner.solve import SolveOptions

    data, _ = load_plan(NATO)
    options = SolveOptions(time_limit_s=data.time_limit_s, mip_gap=data.mip_gap)
    _, solved, results, _, _ = solve_plan(data, options, lambda _: None, lambda _: None, standing=False)
    assert results is not None, solved.status
    return results
