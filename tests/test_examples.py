"""The committed example workbooks are what scripts/make_examples.py generates."""

from __future__ import annotations

import importlib.util
import math
import sys
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from planner.validate import load_plan
from tutorial_data import tutorial_data

ROOT = Path(__file__).resolve().parents[1]
INPUTS = ROOT / "inputs"
NATO_CSV = INPUTS / "data" / "nato_defence_expenditure_2014_2024.csv"


def _load_script():
    script = ROOT / "scripts" / "make_examples.py"
    spec = importlib.util.spec_from_file_location("make_examples", script)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


make_examples = _load_script()


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("examples")
    make_examples.make_tutorial(out / "tutorial.xlsx")
    make_examples.make_nato(out / "nato.xlsx")
    return out


def contents(path: Path) -> dict[str, list[tuple]]:
    wb = load_workbook(path)
    return {ws.title: list(ws.iter_rows(values_only=True)) for ws in wb}


@pytest.mark.parametrize("name", ["tutorial.xlsx", "nato.xlsx"])
def test_committed_example_is_up_to_date(generated, name):
    committed, fresh = contents(INPUTS / name), contents(generated / name)
    hint = f"inputs/{name} is stale: run `make examples` and commit it"
    assert list(committed) == list(fresh), hint
    for sheet in fresh:
        assert committed[sheet] == fresh[sheet], f"{hint} (sheet {sheet})"


def test_nato_spending_matches_natos_percent_of_gdp():
    nato = pd.read_csv(NATO_CSV)
    pct = nato[nato["year"] == 2024].set_index("country")["defexp_pct_gdp"].fillna(0.0)
    members = pd.read_excel(INPUTS / "nato.xlsx", sheet_name="Members")
    assert len(members) == 32 and members["code"].is_unique
    assert set(members["name"]) == set(pct.index) - {"NATO Europe and Canada", "NATO Total"}
    for row in members.itertuples():
        implied = row.defence_spending_musd / row.gdp_musd * 100
        assert abs(implied - pct[row.name]) <= 0.01, (row.name, implied, pct[row.name])
    iceland = members.set_index("code").loc["ISL"]
    assert iceland["defence_spending_musd"] == 0 and iceland["equipment_pct"] == 0


def test_nato_gdp_growth_is_the_trend_of_real_gdp():
    nato = pd.read_csv(NATO_CSV).set_index(["country", "year"])["gdp_usd_m_const2015"]
    members = pd.read_excel(INPUTS / "nato.xlsx", sheet_name="Members").set_index("name")
    germany = ((nato["Germany", 2024] / nato["Germany", 2014]) ** 0.1 - 1) * 100
    assert members.at["Germany", "gdp_growth_pct"] == pytest.approx(germany, abs=0.005)
    assert members["gdp_growth_pct"].between(-1, 6).all()


@pytest.mark.parametrize("name", ["tutorial.xlsx", "nato.xlsx"])
def test_example_loads_without_errors(name):
    data, warnings = load_plan(INPUTS / name)
    assert warnings == []
    assert len(data.members) == (3 if name == "tutorial.xlsx" else 32)


def test_tutorial_workbook_is_the_tutorial_instance():
    data, _ = load_plan(INPUTS / "tutorial.xlsx")
    expected = tutorial_data()
    for attr in ("name", "first_year", "last_year", "base_year", "currency", "discount_rate",
                 "elastic", "fair_share_key", "exclusions"):
        assert getattr(data, attr) == getattr(expected, attr), attr
    for attr in ("members", "capabilities", "regions", "forces", "targets"):
        got, want = getattr(data, attr), getattr(expected, attr)
        pd.testing.assert_frame_equal(got.sort_index()[want.columns], want.sort_index(),
                                      check_dtype=False, obj=attr)
    pd.testing.assert_series_equal(data.requirements.sort_index(),
                                   expected.requirements.sort_index(), check_dtype=False)
    assert math.isinf(data.forces.at[("ARL", "SQN"), "max_new"])  # blank: no limit


def test_nato_about_labels_the_prepositioning_data_illustrative():
    about = dict(contents(INPUTS / "nato.xlsx")["About"][2:])
    for topic in ("Pre-positioning", "Sites", "BasingRights", "Prepositioning", "Transit",
                  "Scenarios"):
        assert f"ILLUSTRATIVE: {topic}" in about, topic
    assert "invented" in about["ILLUSTRATIVE: Pre-positioning"]
    assert "16 %" in about["Common funding"]
