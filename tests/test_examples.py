"""The committed example workbooks are what scripts/make_examples.py generates, hold the
published figures they cite, and plan."""

from __future__ import annotations

import importlib.util
import math
import sys
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

import planner
from planner.load import load_plan
from report_cells import differences, noise, read_snapshot, report_cells
from tutorial_data import tutorial_data

ROOT = Path(__file__).resolve().parents[1]
INPUTS = ROOT / "inputs"
NATO_CSV = INPUTS / "data" / "nato_defence_expenditure_2014_2024.csv"
OTHER_PACTS_CSV = INPUTS / "data" / "other_pacts_2023_2024.csv"
EXAMPLES = ["tutorial.xlsx", "nato.xlsx", "anzus.xlsx", "rio_pact.xlsx", "brussels_treaty.xlsx"]
MEMBERS = {"tutorial.xlsx": 3, "nato.xlsx": 32, "anzus.xlsx": 3, "rio_pact.xlsx": 16,
           "brussels_treaty.xlsx": 10}
# The other pacts' examples: the obligation of every member (and candidate), by treaty
OBLIGATION = {"anzus.xlsx": "consultative", "rio_pact.xlsx": "consent",
              "brussels_treaty.xlsx": "automatic"}


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
    assert list(make_examples.EXAMPLES) == EXAMPLES
    for name, make in make_examples.EXAMPLES.items():
        make(out / name)
    return out


def contents(path: Path) -> dict[str, list[tuple]]:
    wb = load_workbook(path)
    return {ws.title: list(ws.iter_rows(values_only=True)) for ws in wb}


def cells_apart(got: list[tuple], want: list[tuple]) -> list[str]:
    """The cells (row, column) where two sheets' values differ; computed numbers may differ
    in their last digits (another numpy or pandas), so floats are compared to 1e-12."""
    if len(got) != len(want):
        return [f"{len(got)} rows, expected {len(want)}"]
    out = []
    for r, (a, b) in enumerate(zip(got, want), start=1):
        if len(a) != len(b):
            out.append(f"row {r}: {len(a)} cells, expected {len(b)}")
        out += [f"row {r} column {c}: {x!r}, expected {y!r}" for c, (x, y) in enumerate(zip(a, b), start=1)
                if not _same_value(x, y)]
    return out


def _same_value(x, y) -> bool:
    if all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in (x, y)):
        return math.isclose(x, y, rel_tol=1e-12, abs_tol=1e-12)
    return type(x) is type(y) and x == y


@pytest.mark.parametrize("name", EXAMPLES)
def test_committed_example_is_up_to_date(generated, name):
    """A fresh regeneration is the committed workbook byte for byte (so the data under
    inputs/data/ and the script together are its whole source)."""
    hint = f"inputs/{name} is stale: run `make examples` and commit it"
    if (INPUTS / name).read_bytes() == (generated / name).read_bytes():
        return
    committed, fresh = contents(INPUTS / name), contents(generated / name)
    assert list(committed) == list(fresh), hint
    for sheet in fresh:
        assert cells_apart(committed[sheet], fresh[sheet]) == [], f"{hint} (sheet {sheet})"
    if committed == fresh:  # every cell as written, to the bit: only the formatting can differ
        pytest.fail(f"{hint}: same cells, different bytes (formats, widths or metadata)")


def test_regeneration_is_reproducible(generated, tmp_path):
    """Writing an example twice gives the same bytes: no time of writing in the file."""
    make_examples.EXAMPLES["tutorial.xlsx"](tmp_path / "tutorial.xlsx")
    assert (tmp_path / "tutorial.xlsx").read_bytes() == (generated / "tutorial.xlsx").read_bytes()


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


@pytest.mark.parametrize("name", EXAMPLES)
def test_example_loads_without_errors(name):
    data, warnings = load_plan(INPUTS / name)
    assert warnings == []
    assert len(data.members) == MEMBERS[name]


@pytest.mark.parametrize("name", sorted(OBLIGATION))
def test_other_pact_plans_optimal_without_shortfalls(name, tmp_path):
    """…and its report is, cell for cell, the snapshot under tests/data/reports/."""
    run = planner.run_plan(INPUTS / name, tmp_path / name)
    assert run.status == "optimal"
    assert run.results.totals["requirements_short"] == 0  # by design: see About
    assert run.results.totals["below_floor_musd"] == pytest.approx(0, abs=1e-6)
    cells = report_cells(run.report_path)
    assert noise(cells) == []
    assert differences(cells, read_snapshot(name)) == []


@pytest.mark.parametrize("name", ["tutorial.xlsx", pytest.param("nato.xlsx", marks=pytest.mark.verify)])
def test_example_report_is_its_snapshot(name, tmp_path):
    """The report of an example is, cell for cell, its snapshot (python tests/report_cells.py
    rewrites the snapshots when a change is meant to alter the reports)."""
    run = planner.run_plan(INPUTS / name, tmp_path / name)
    cells = report_cells(run.report_path)
    assert noise(cells) == []
    assert differences(cells, read_snapshot(name)) == []


@pytest.mark.parametrize("name", sorted(OBLIGATION))
def test_other_pact_obligations_are_the_treatys(name):
    data, _ = load_plan(INPUTS / name)
    assert (data.members["obligation"] == OBLIGATION[name]).all()
    candidates = pd.read_excel(INPUTS / name, sheet_name="Candidates")
    assert (candidates["obligation"] == OBLIGATION[name]).all()


def _pact_2023(pact: str) -> pd.DataFrame:
    csv = pd.read_csv(OTHER_PACTS_CSV)
    return csv[(csv["pact"] == pact) & (csv["year"] == 2023)].set_index("iso3")


@pytest.mark.parametrize("name, pact, sheet", [
    ("anzus.xlsx", "ANZUS", "Members"),
    ("rio_pact.xlsx", "Rio Treaty", "Members"),
    ("rio_pact.xlsx", "Rio Treaty", "Candidates"),
])
def test_other_pact_spending_over_gdp_is_the_csvs(name, pact, sheet):
    """Base-year spending / GDP is SIPRI's spending over the World Bank's GDP as written in
    the CSV (not SIPRI's milex_pct_gdp, which uses another GDP series)."""
    csv = _pact_2023(pact)
    rows = pd.read_excel(INPUTS / name, sheet_name=sheet).set_index("code")
    assert len(rows) > 0
    for code, row in rows.iterrows():
        published = csv.loc[code]
        assert row["name"] == published["country"]
        # copied, but read by two parsers (pandas' CSV reader; openpyxl after a %.16g write)
        assert row["gdp_musd"] == pytest.approx(published["gdp_usd_m_current"], rel=1e-12), code
        assert row["defence_spending_musd"] == pytest.approx(published["milex_usd_m_current"], rel=1e-12), code
        assert row["defence_spending_musd"] / row["gdp_musd"] == pytest.approx(
            published["milex_usd_m_current"] / published["gdp_usd_m_current"], rel=1e-12)
        assert row["population_m"] == pytest.approx(published["population_m"], rel=1e-12), code


def test_anzus_explains_the_1986_suspension_as_a_whatif():
    data, _ = load_plan(INPUTS / "anzus.xlsx")
    assert set(data.members.index) == {"AUS", "NZL", "USA"}
    assert data.base_year == 2023 and (data.first_year, data.last_year) == (2025, 2035)
    assert not data.exclusions and not data.suspensions  # the treaty as written
    assert data.regions.at["NZ_TASMAN", "host"] == "NZL"
    about = dict(contents(INPUTS / "anzus.xlsx")["About"][2:])
    assert "planner whatif inputs/anzus.xlsx --suspend USA>NZL:2025" in about["What-if: suspension"]
    assert "1986" in about["1986 suspension"]


def test_anzus_suspension_leaves_new_zealands_region_to_australia_and_new_zealand():
    """US units stop serving New Zealand's region: Australia and New Zealand cover it (in
    whole units they already do, their spending floors paying for it, so nothing changes),
    and the plan cannot get cheaper."""
    from planner.run import run_whatif

    what = run_whatif(INPUTS / "anzus.xlsx", write=False, suspend={"USA>NZL": 2025}).results
    assert what.after.totals["objective"] >= what.before.totals["objective"] - 1e-6 * abs(what.before.totals["objective"])
    changes = what.members.set_index("member")
    assert "obligations to NZL suspended from 2025" in changes.at["USA", "change"]
    assert what.after.totals["expected_shortfall_unit_years"] == pytest.approx(0, abs=1e-9)


def test_rio_parties_candidates_and_data_gaps():
    csv = _pact_2023("Rio Treaty")
    parties = set(csv.index[csv["status"] == "party"])
    former = set(csv.index[csv["status"].str.startswith("withdrew")])
    assert len(parties) == 17 and former == {"MEX", "VEN", "BOL", "ECU", "NIC"}
    members = pd.read_excel(INPUTS / "rio_pact.xlsx", sheet_name="Members").set_index("code")
    candidates = pd.read_excel(INPUTS / "rio_pact.xlsx", sheet_name="Candidates")
    assert set(members.index) == parties - {"BHS"}  # no SIPRI figure for the Bahamas
    assert set(candidates["code"]) == former - {"VEN"}  # no 2023 GDP for Venezuela
    assert candidates["year_joined"].between(2025, 2035).all()
    assert members["year_left"].isna().all()  # all withdrew before the horizon
    forces = pd.read_excel(INPUTS / "rio_pact.xlsx", sheet_name="Forces")
    for code in ("CRI", "PAN"):  # no armed forces
        assert members.at[code, "defence_spending_musd"] == 0
        assert code not in set(forces["member"])
    about = dict(contents(INPUTS / "rio_pact.xlsx")["About"][2:])
    assert "Bahamas" in about["Data gap: Bahamas"]
    assert "Venezuela" in about["Former parties"] and "2004" in about["Former parties"]
    assert "planner whatif inputs/rio_pact.xlsx --join MEX:2030" in about["What-if: return"]


@pytest.mark.parametrize("name, change", [
    ("anzus.xlsx", {"suspend": {"USA": 2027}}),  # a whole member suspended
    ("rio_pact.xlsx", {"join": {"MEX": 2030}}),  # as About says: --join MEX:2030
])
def test_other_pact_whatif_in_about_runs(name, change):
    from planner.run import run_whatif

    what = run_whatif(INPUTS / name, write=False, **change).results
    assert what.before.outcome.optimal and what.after.outcome.optimal
    [(member, year)] = next(iter(change.values())).items()
    assert what.members.set_index("member").at[member, "change"].endswith(str(year))


def test_brussels_treaty_uses_natos_2024_figures():
    nato = pd.read_csv(NATO_CSV)
    pct = nato[nato["year"] == 2024].set_index("country")["defexp_pct_gdp"]
    members = pd.read_excel(INPUTS / "brussels_treaty.xlsx", sheet_name="Members")
    assert set(members["name"]) == {"Belgium", "France", "Germany", "Italy", "Luxembourg",
                                    "Netherlands", "United Kingdom", "Spain", "Portugal",
                                    "Greece"}
    for row in members.itertuples():
        implied = row.defence_spending_musd / row.gdp_musd * 100
        assert abs(implied - pct[row.name]) <= 0.01, (row.name, implied, pct[row.name])
    nato_members = pd.read_excel(INPUTS / "nato.xlsx", sheet_name="Members").set_index("code")
    same = ["name", "gdp_musd", "gdp_growth_pct", "defence_spending_musd", "equipment_pct"]
    pd.testing.assert_frame_equal(members.set_index("code")[same],
                                  nato_members.loc[members["code"], same])
    about = dict(contents(INPUTS / "brussels_treaty.xlsx")["About"][2:])
    assert "dissolved in 2011" in about["What this is"]
    assert "COUNTERFACTUAL" in about["What this is"]


def test_tutorial_workbook_is_the_tutorial_instance():
    data, _ = load_plan(INPUTS / "tutorial.xlsx")
    expected = tutorial_data()
    for attr in ("name", "first_year", "last_year", "base_year", "currency",
                 "elastic", "fair_share_key", "exclusions"):
        assert getattr(data, attr) == getattr(expected, attr), attr
    assert data.discount_rate == pytest.approx(expected.discount_rate, abs=1e-12)  # a % over 100
    for attr in ("members", "capabilities", "regions", "forces", "targets"):
        got, want = getattr(data, attr), getattr(expected, attr)
        # check_exact=False: with check_dtype=False an int column beside a float one is compared exactly
        pd.testing.assert_frame_equal(got.sort_index()[want.columns], want.sort_index(),
                                      check_dtype=False, check_exact=False, rtol=1e-9, obj=attr)
    pd.testing.assert_series_equal(data.requirements.sort_index(), expected.requirements.sort_index(),
                                   check_dtype=False, check_exact=False, rtol=1e-9)
    assert math.isinf(data.forces.at[("ARL", "SQN"), "max_new"])  # blank: no limit


def test_nato_about_labels_the_prepositioning_data_illustrative():
    about = dict(contents(INPUTS / "nato.xlsx")["About"][2:])
    for topic in ("Pre-positioning", "Sites", "BasingRights", "Prepositioning", "Transit",
                  "Scenarios"):
        assert f"ILLUSTRATIVE: {topic}" in about, topic
    assert "invented" in about["ILLUSTRATIVE: Pre-positioning"]
    assert "16 %" in about["Common funding"]
