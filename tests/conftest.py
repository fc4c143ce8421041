import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

import pytest  # noqa: E402

NATO = Path(__file__).resolve().parents[1] / "inputs" / "nato.xlsx"


@pytest.fixture(scope="session")
def nato_results():
    """The NATO example's plan (no report, no Robustness sheet), solved once for the session:
    a whole-unit MIP takes about half a minute with its penalty check."""
    from planner import run_plan

    run = run_plan(NATO, write=False, robustness=False)
    assert run.results is not None, run.status
    return run.results
