"""docs/inputs.md is generated from the schema and must not go stale."""

from __future__ import annotations

from pathlib import Path

import pytest

from planner.docgen import render_inputs_md
from planner.schema import SHEETS

DOC = Path(__file__).resolve().parents[1] / "docs" / "inputs.md"


def test_inputs_md_is_up_to_date():
    assert DOC.exists(), "docs/inputs.md is missing: run `make docs`"
    assert DOC.read_text(encoding="utf-8") == render_inputs_md(), (
        "docs/inputs.md is stale (the schema changed): run `make docs` and commit it"
    )


def test_inputs_md_names_every_sheet_and_column():
    text = render_inputs_md()
    for sheet in SHEETS:
        assert f"## {sheet.name}\n" in text
        for col in sheet.columns:
            assert f"| `{col.name}` |" in text, (sheet.name, col.name)


# ---------------------------------------------------------------------------- issue 12: rules the docs left unsaid
# Each test checks the behaviour and that docs/inputs.md (generated from the schema) states it.


def section(sheet: str) -> str:
    """The generated docs of one sheet, its column table included, on one line."""
    text = render_inputs_md().split(f"\n## {sheet}\n")[1].split("\n## ")[0]
    return " ".join(text.split())


def test_blank_spending_target_cells_carry_the_previous_value():
    import math

    import pandas as pd

    from planner.assemble import resolve_targets

    rows = pd.DataFrame([
        {"member": "ALL", "from_year": 2025, "min_gdp_pct": 2.0, "min_equipment_pct": 20.0, "phase_in": "step"},
        {"member": "ALL", "from_year": 2027, "min_gdp_pct": 3.0, "min_equipment_pct": math.nan, "phase_in": "step"},
    ]).assign(max_gdp_pct=math.nan, max_real_growth_pct=math.nan, max_change_pp=math.nan)
    targets = resolve_targets(rows, ["A"], [2025, 2026, 2027, 2028])
    assert list(targets["min_equipment"]) == pytest.approx([0.2] * 4)
    assert list(targets["min_gdp"]) == pytest.approx([0.02, 0.02, 0.03, 0.03])
    assert "a blank cell says nothing for its column, so the previous row's value carries on" in section(
        "SpendingTargets")


def test_a_scenario_requirement_row_holds_to_the_last_year():
    import pandas as pd

    from builders import plan
    from models.sets import scenario_requirements

    data = plan({"A": (100, 1)}, requirements={("C", "R", 2025): 2}, years=(2025, 2028),
                scenarios=pd.DataFrame({"name": ["s"], "probability": [1.0], "warning_days": [float("inf")],
                                        "scale": [3.0], "abstentions": [float("nan")]},
                                       index=pd.Index(["S"], name="scenario")),
                scenario_requirements=pd.Series({("S", "C", "R", 2026): 5.0, ("S", "C", "R", 2027): 5.0,
                                                 ("S", "C", "R", 2028): 5.0}))
    q = scenario_requirements(data)
    assert [q["C", "R", t, "S"] for t in (2025, 2026, 2027, 2028)] == pytest.approx([6.0, 5.0, 5.0, 5.0])
    text = section("ScenarioRequirements")
    assert "up to the last year of the horizon" in text
    assert "before the scenario's first row for a capability and region, the Requirements scaled" in text


def test_requirement_years_must_lie_in_the_horizon():
    for sheet in ("Requirements", "ScenarioRequirements"):
        assert "Every year must lie in the horizon" in section(sheet), sheet
        assert "First year the requirement holds, within the horizon." in section(sheet), sheet


def test_draws_need_the_member_in_the_pact_that_year():
    import math

    import pandas as pd

    from builders import plan
    from models.sets import build_index

    data = plan(
        {"A": (100, 1), "B": (100, 1)}, forces={("B", "C"): {"existing": 1}},
        requirements={("C", "R", 2025): 1, ("C", "R", 2026): 1}, years=(2025, 2026),
        sites=pd.DataFrame({"name": ["S"], "host": ["A"], "region": ["R"], "fixed_cost": [0.0], "upkeep": [0.0],
                            "capacity": [1.0], "existing": [False]}, index=pd.Index(["S"], name="site")),
        basing=pd.DataFrame({"user": ["B"], "host": ["A"], "site": [None], "allowed": [True], "max_sets": [math.nan]}),
        prepositioning=pd.DataFrame({"set_cost": [1.0], "storage_cost": [0.0], "set_size": [1.0], "can_draw": [True]},
                                    index=pd.Index(["C"], name="capability")),
        transit=pd.DataFrame({"from_member": [None], "from_site": ["S"], "capability": [None], "region": ["R"],
                              "mode": ["road"], "days": [1.0], "cost": [0.0]}),
    )
    data.members.loc["B", "year_joined"] = 2026
    assert [t for _, _, _, _, t, _ in build_index(data).draws] == [2026]
    assert "A member's units draw its sets only in the years it is a member of the pact" in section("Prepositioning")


def test_the_accepted_fair_share_mix_syntax():
    from planner.schema import parse_mix

    assert parse_mix("GDP: 50; population=30 %, equal 20") == {"gdp": 50, "population": 30, "equal": 20}
    text = section("Settings")
    assert "Parts are separated by commas or semicolons" in text and "by spaces, ':' or '='" in text
    assert "a '%' after the weight is allowed" in text and "each component appears once" in text
