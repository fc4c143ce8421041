"""What-if on the persistent model: the same plans as rebuilt models, the model reset after,
the comparison report from the CLI."""

from __future__ import annotations

import dataclasses
import hashlib
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from typer.testing import CliRunner

from models import build_model
from planner.analyses.whatif import (
    MemberChanges,
    WhatIfError,
    parse_members,
    rebuilt_objective,
    resolve_changes,
    whatif,
)
from planner.cli import app
from planner.solve import solve
from planner.load import load_plan
from tutorial_data import tutorial_data

ROOT = Path(__file__).parents[1]
NATO = ROOT / "inputs" / "nato.xlsx"
TUTORIAL = ROOT / "inputs" / "tutorial.xlsx"
BANDED = {"ARL": 0.2, "BOR": 0.2, "CAR": 0.2}

CHANGES = [
    MemberChanges(without={"BOR": 2025}),
    MemberChanges(without={"CAR": 2026}),
    MemberChanges(join={"CAR": 2026}),
    MemberChanges(without={"ARL": 2026}, join={"BOR": 2026}),
]


@pytest.mark.parametrize("band", [False, True], ids=["no band", "fair-share band"])
@pytest.mark.parametrize("changes", CHANGES, ids=lambda c: repr(dict(c.without) | dict(c.join)))
def test_persistent_equals_rebuilt(changes, band):
    """Switching members off in HiGHS gives the optimum of the model rebuilt with their
    membership years, fair-share keys and bands renormalised."""
    data = tutorial_data(fair_band=pd.Series(BANDED)) if band else tutorial_data()
    result = whatif(data, changes)
    assert result.after.totals["objective"] == pytest.approx(rebuilt_objective(data, changes), rel=1e-9)


def test_suspension_is_the_plan_without_the_members_forces():
    """CAR suspended: its squadron does nothing; ARL buys squadrons instead (CAR stays a member)."""
    data = tutorial_data()
    result = whatif(data, MemberChanges(suspend={"CAR": 2025}))
    forces = data.forces.drop(index="CAR", level="member")
    expected = solve(build_model(dataclasses.replace(data, forces=forces))).objective
    assert result.after.totals["objective"] == pytest.approx(expected, rel=1e-9)
    assert result.after.totals["objective"] > result.before.totals["objective"]
    row = result.members.set_index("member").loc["CAR"]
    assert row["change"] == "suspended from 2025"


def test_joining_member_is_out_before():
    data = tutorial_data()
    result = whatif(data, MemberChanges(join={"CAR": 2026}))
    members = data.members.copy()
    members["year_left"] = members["year_left"].astype(float)
    members.at["CAR", "year_left"] = 2024  # never a member within the horizon
    alone = solve(build_model(dataclasses.replace(data, members=members))).objective
    assert result.before.totals["objective"] == pytest.approx(alone, rel=1e-9)
    assert result.before.member_costs["CAR"] == pytest.approx(0.0, abs=1e-9)


def test_the_model_is_reset_after_each_change():
    data = tutorial_data(fair_band=pd.Series(BANDED))
    model = build_model(data)
    solved = solve(model)
    base = solved.objective
    result = whatif(data, MemberChanges(without={"ARL": 2025}))  # a model of its own
    assert result.after.totals["objective"] != pytest.approx(base)
    pm = solved.highs
    from planner.analyses.membership import Membership, apply

    with pm.changes():
        apply(pm, data, Membership(out_from={"ARL": 2025}))
        assert pm.solve().objective == pytest.approx(result.after.totals["objective"], rel=1e-9)
    assert pm.solve().objective == pytest.approx(base, rel=1e-12)


@pytest.mark.verify  # two whole-unit NATO MIPs: about 150 s
def test_nato_exit_equals_rebuilt():
    """The United States out from 2030 in the NATO example (a MIP with common funding
    capped at 16 %, whole units): persistent and rebuilt optima agree within the MIP gap."""
    data, _ = load_plan(NATO)
    changes = MemberChanges(without={"USA": 2030})
    result = whatif(data, changes)
    assert result.after.totals["objective"] == pytest.approx(rebuilt_objective(data, changes), rel=data.mip_gap)
    usa = result.members.set_index("member").loc["USA"]
    assert usa["cost_after_musd"] < usa["cost_before_musd"]
    assert result.after.totals["requirements_short"] >= result.before.totals["requirements_short"]


def test_parse_and_resolve():
    data = tutorial_data()
    assert parse_members(["ARL,BOR:2026", "CAR:2025"]) == {"ARL": None, "BOR": 2026, "CAR": 2025}
    changes = resolve_changes(data, {"ARL": None}, {"CAR": 2026}, {})
    assert changes.without == {"ARL": 2025} and changes.suspend == {"CAR": 2026}
    with pytest.raises(WhatIfError) as info:
        resolve_changes(data, {"XXX": None, "ARL": 2040}, {}, {})
    assert "no member 'XXX'" in str(info.value) and "2040" in str(info.value)
    with pytest.raises(WhatIfError):
        parse_members(["ARL:soon"])


def test_cli_whatif_report(tmp_path):
    out = tmp_path / "whatif.xlsx"
    before = hashlib.sha256(TUTORIAL.read_bytes()).hexdigest()
    result = CliRunner().invoke(app, ["whatif", str(TUTORIAL), "--without", "BOR", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert hashlib.sha256(TUTORIAL.read_bytes()).hexdigest() == before
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["Summary", "WhatIf", "Requirements", "Comparison"]
    assert len(wb["WhatIf"]._charts) == 1
    members = pd.read_excel(out, sheet_name="WhatIf")
    assert set(members["Member"]) == {"ARL", "BOR", "CAR"}
    assert wb["WhatIf"].freeze_panes == "A2"


def test_cli_whatif_bad_member_writes_nothing(tmp_path):
    out = tmp_path / "whatif.xlsx"
    result = CliRunner().invoke(app, ["whatif", str(TUTORIAL), "--without", "ZZZ", "--out", str(out)])
    assert result.exit_code == 2
    assert "no member 'ZZZ'" in result.output
    assert not out.exists()


def append(ws, **values) -> None:
    """A row of `ws` from values by header name."""
    headers = [c.value for c in ws[1]]
    ws.append([values.get(h) for h in headers])


DUNMARK = dict(code="DUN", name="Dunmark", gdp_musd=400, gdp_growth_pct=0, defence_spending_musd=6,
               equipment_pct=20, population_m=5, obligation="automatic", year_joined=2025)
DUNMARK_SQN = dict(member="DUN", capability="SQN", existing_units=1, retirements_per_year=0, max_new_per_year=5,
                   acquisition_cost_musd=8, operating_cost_musd=2, lead_time_years=0, service_life_years=30)


def with_candidate(tmp_path: Path) -> Path:
    """The tutorial with Dunmark as a candidate from 2025: a squadron in service, more at 8 M."""
    import shutil

    path = tmp_path / "tutorial-candidate.xlsx"
    shutil.copy(TUTORIAL, path)
    wb = openpyxl.load_workbook(path)
    append(wb["Candidates"], **DUNMARK)
    append(wb["Forces"], **DUNMARK_SQN)
    wb.save(path)
    return path


def test_candidates_stay_out_of_the_plan_until_they_join(tmp_path):
    path = with_candidate(tmp_path)
    data, _ = load_plan(path)
    assert "DUN" not in data.members.index and "DUN" in data.candidates.index
    plain, _ = load_plan(TUTORIAL)
    assert solve(build_model(data)).objective == pytest.approx(solve(build_model(plain)).objective, rel=1e-12)

    changes = resolve_changes(data, {}, {}, {"Candidates": None})
    assert changes.join == {"DUN": 2025}
    result = whatif(data, changes)
    assert result.after.totals["objective"] == pytest.approx(rebuilt_objective(data, changes), rel=1e-9)
    # Dunmark's squadron spares Arland the one it buys
    assert result.after.totals["objective"] < result.before.totals["objective"] - 5
    assert result.members.set_index("member").loc["DUN", "change"] == "joins 2025"


def test_candidate_codes_are_checked(tmp_path):
    from planner.validate import InputError

    path = with_candidate(tmp_path)
    wb = openpyxl.load_workbook(path)
    append(wb["Candidates"], **{**DUNMARK, "code": "ARL", "name": "Arland again"})
    append(wb["Forces"], **{**DUNMARK_SQN, "member": "XYZ"})
    wb.save(path)
    with pytest.raises(InputError) as info:
        load_plan(path)
    text = str(info.value.report())
    assert "a candidate is not yet a member" in text and "no such code in sheet Members or Candidates" in text


def join_workbook(tmp_path: Path, forces_member: str = "DUN") -> Path:
    """A separate workbook (the template) holding Dunmark in Candidates and its squadron."""
    from planner.template import write_workbook

    path = tmp_path / "joining.xlsx"
    write_workbook(path)
    wb = openpyxl.load_workbook(path)
    append(wb["Candidates"], **DUNMARK)
    append(wb["Forces"], **{**DUNMARK_SQN, "member": forces_member})
    wb.save(path)
    return path


def test_cli_join_from_a_workbook(tmp_path):
    joining = join_workbook(tmp_path)
    out = tmp_path / "join.xlsx"
    result = CliRunner().invoke(app, ["whatif", str(TUTORIAL), "--join", str(joining), "--out", str(out)])
    assert result.exit_code == 0, result.output
    members = pd.read_excel(out, sheet_name="WhatIf").set_index("Member")
    assert members.loc["DUN", "Change"] == "joins 2025"
    # the same plan as the candidate written into the tutorial itself
    data, _ = load_plan(with_candidate(tmp_path))
    expected = whatif(data, resolve_changes(data, {}, {}, {"DUN": None})).after.totals["money_cost_musd"]
    assert pd.read_excel(out, sheet_name="Comparison").iloc[0, 2] == pytest.approx(expected, rel=1e-9)


def test_join_workbook_errors_name_that_workbook(tmp_path):
    joining = join_workbook(tmp_path, forces_member="DUX")
    result = CliRunner().invoke(app, ["whatif", str(TUTORIAL), "--join", str(joining),
                                      "--out", str(tmp_path / "x.xlsx")])
    assert result.exit_code == 2
    assert "joining.xlsx › Forces › row 2" in result.output and "'DUX'" in result.output
    assert not (tmp_path / "x.xlsx").exists()


def test_a_cap_the_change_leaves_too_few_members_for_is_reported(tmp_path):
    """A fair-share cap of 40 % holds among three members (3 × 0.4 ≥ 1), not among the two
    left when BOR leaves in 2026 (2 × 0.4 < 1): the what-if says so, naming 2026, on its
    report's Summary; the plan before the change keeps its cap and has no warning."""
    from planner.analysis_report import write_whatif_report

    data = tutorial_data(fair_share_cap=0.4)
    result = whatif(data, MemberChanges(without={"BOR": 2026}))
    [warning] = result.warnings
    assert warning.startswith("Plan after the change: The fair-share cap of 40 % is dropped in 2026:")
    assert "uncapped" in warning
    assert not whatif(data, MemberChanges(suspend={"BOR": 2026})).warnings  # still a member: the cap holds
    path = write_whatif_report(result, tmp_path / "w.xlsx", {})
    ws = openpyxl.load_workbook(path)["Summary"]
    assert [r[1].value for r in ws.iter_rows() if r[0].value == "Warning"] == [warning]


def test_the_cost_game_says_small_coalitions_drop_the_common_funding_cap():
    """A 40 % common-funding cap needs three members (3 × 0.4 ≥ 1): the cost game's
    coalitions of one or two members share site costs uncapped, and its report says so."""
    from planner.analyses.membership import small_coalition_note
    from test_report import sites_data

    data = sites_data()
    assert small_coalition_note(data) == ""  # no cap
    note = small_coalition_note(dataclasses.replace(data, common_funding_cap=0.4))
    assert note.startswith("A coalition of fewer than 3 members cannot hold the common-funding cap of 40 %")
    assert small_coalition_note(dataclasses.replace(data, common_funding_cap=1.0)) == ""


def test_a_member_leaving_is_released_from_its_spending_path():
    """The path rule holds a member's share of GDP on its path; a member that leaves (Brussels
    Treaty, the rule on: GBR from 2030) is released from it, so the what-if plans (its rows
    stayed and the 'after' plan was infeasible: GBR's spending could not drop out)."""
    data, _ = load_plan(ROOT / "inputs" / "brussels_treaty.xlsx")
    assert data.targets["one_way"].any()
    result = whatif(data, resolve_changes(data, {"GBR": 2030}, {}, {}))
    assert result.after.totals["money_cost_musd"] > 0
    assert "GBR" in set(result.members["member"])
