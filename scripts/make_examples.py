"""Generate the example workbooks inputs/tutorial.xlsx and inputs/nato.xlsx.

    .venv/bin/python scripts/make_examples.py [OUT_DIR]      (default: inputs/)

tutorial.xlsx is the made-up teaching instance of docs/tutorial.md (tests/tutorial_data.py
builds the same instance in code). nato.xlsx holds the 32 allies with NATO's published
2024 figures and ILLUSTRATIVE capability data derived from them by the deterministic
formulas below (see `CAPABILITIES` and `nato_forces`). Both are written through
`planner.template.write_workbook`, so every sheet follows planner/schema.py.
"""

from __future__ import annotations

import math
import sys
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from planner.template import write_workbook

ROOT = Path(__file__).resolve().parents[1]
NATO_CSV = ROOT / "inputs" / "data" / "nato_defence_expenditure_2014_2024.csv"
BASE_YEAR, TREND_FROM = 2024, 2014
PCT_TOLERANCE = 0.01  # percentage points: spending / GDP must match NATO's % of GDP


def frame(rows: list[tuple], columns: str) -> pd.DataFrame:
    """A DataFrame from row tuples and space-separated schema column names."""
    return pd.DataFrame(rows, columns=columns.split())


# --------------------------------------------------------------------------- tutorial

def make_tutorial(path: str | Path) -> None:
    """The three-member teaching instance of docs/tutorial.md and tests/tutorial_data.py."""
    settings = dict(plan_name="Tutorial", first_year=2025, last_year=2026,
                    price_base_year=2024, currency="USD", discount_rate_pct=0,
                    elastic=True, fair_share_band_pct=None)
    tables = {
        "Members": frame([
            ("ARL", "Arland", 1000, 0, 20, 25, 10, "automatic"),
            ("BOR", "Borduria", 500, 0, 5, 20, 8, "automatic"),
            ("CAR", "Carpania", 250, 0, 5, 20, 3, "automatic"),
        ], "code name gdp_musd gdp_growth_pct defence_spending_musd equipment_pct "
           "population_m obligation"),
        "Capabilities": frame([
            ("BDE", "Armoured brigade", "land", "brigade", False),
            ("SQN", "Fighter squadron", "air", "squadron", False),
        ], "code name domain unit integer"),
        "Regions": frame([("EAST", "Eastern flank", None)], "code name description"),
        "Forces": frame([
            ("ARL", "BDE", 2, 0, 5, 3.0, 1.0, 0, 30),
            ("BOR", "BDE", 0, 0, 5, 2.5, 1.0, 0, 30),
            ("ARL", "SQN", 0, 0, None, 10.0, 2.0, 0, 30),  # blank: no limit
            ("CAR", "SQN", 1, 0, 0, 12.0, 2.0, 0, 30),
        ], "member capability existing_units retirements_per_year max_new_per_year "
           "acquisition_cost_musd operating_cost_musd lead_time_years service_life_years"),
        "Requirements": frame([("BDE", "EAST", 2025, 3), ("SQN", "EAST", 2025, 2)],
                              "capability region year units"),
        "SpendingTargets": frame([("ALL", 2025, 1.5, 20, "step")],
                                 "member from_year min_gdp_pct min_equipment_pct phase_in"),
    }
    about = [
        ("What this is", "A made-up teaching instance: three fictional members (Arland, "
         "Borduria, Carpania), two capabilities and one region over 2025–2026. No figure "
         "describes a real country. docs/tutorial.md walks through it and its optimal plan."),
        ("Requirements", "One row per capability and region, for 2025: a requirement holds "
         "until the next row for the same capability and region, so it carries forward to "
         "2026."),
        ("Spending targets", "Member ALL: every member spends at least 1.5 % of GDP on "
         "defence, at least 20 % of it on major equipment, from 2025."),
        ("Regenerate", "scripts/make_examples.py (make examples) writes this workbook."),
    ]
    write_workbook(path, tables=tables, settings=settings, about=about)


# --------------------------------------------------------------------------- NATO

# NATO country name -> (ISO 3166 alpha-3, year of accession)
ALLIES: dict[str, tuple[str, int]] = {
    "Albania": ("ALB", 2009), "Belgium": ("BEL", 1949), "Bulgaria": ("BGR", 2004),
    "Canada": ("CAN", 1949), "Croatia": ("HRV", 2009), "Czechia": ("CZE", 1999),
    "Denmark": ("DNK", 1949), "Estonia": ("EST", 2004), "Finland": ("FIN", 2023),
    "France": ("FRA", 1949), "Germany": ("DEU", 1955), "Greece": ("GRC", 1952),
    "Hungary": ("HUN", 1999), "Iceland": ("ISL", 1949), "Italy": ("ITA", 1949),
    "Latvia": ("LVA", 2004), "Lithuania": ("LTU", 2004), "Luxembourg": ("LUX", 1949),
    "Montenegro": ("MNE", 2017), "Netherlands": ("NLD", 1949),
    "North Macedonia": ("MKD", 2020), "Norway": ("NOR", 1949), "Poland": ("POL", 1999),
    "Portugal": ("PRT", 1949), "Romania": ("ROU", 2004), "Slovakia": ("SVK", 2004),
    "Slovenia": ("SVN", 2004), "Spain": ("ESP", 1982), "Sweden": ("SWE", 2024),
    "Türkiye": ("TUR", 1952), "United Kingdom": ("GBR", 1949),
    "United States": ("USA", 1949),
}
LANDLOCKED = {"CZE", "HUN", "LUX", "MKD", "SVK"}  # field no maritime capability
NO_FORCES = {"ISL"}  # Iceland has no armed forces
# Breaks in NATO's GDP series: the change into this year is (apparently) a change of
# measure, not growth (Luxembourg's 2023-2024 GDP is a third below 2022's at constant
# prices too).
SERIES_BREAKS = {"Luxembourg": 2023}


@dataclass(frozen=True)
class Capability:
    """An ILLUSTRATIVE capability: costs per unit and how allies' inventories are derived.

    Inventory of an ally m (2024), rounded half up to whole units:
        by personnel:  P_m / per_personnel               (P_m: thousands of personnel)
        by equipment:  10 · E_m · stock_share / acquisition   (E_m: 2024 equipment
                       spending, M USD; 10 · E_m stands for the equipment in service)
    The ally has a Forces row if it fields at least one unit or if E_m ≥ min_equipment;
    it can order new units only if E_m ≥ min_equipment, at most
    max(1, ceil(capacity · inventory)) a year (industrial capacity).
    """

    code: str
    name: str
    domain: str
    unit: str
    acquisition: float  # M USD per unit
    operating: float  # M USD per unit-year
    lead: int  # years
    life: int  # years
    min_equipment: float  # M USD of annual equipment spending to field or order it
    per_personnel: float | None = None  # thousand personnel per unit in the force
    stock_share: float | None = None  # share of the equipment in service
    capacity: float = 0.15  # most new units a year, as a share of the inventory
    maritime: bool = False


CAPABILITIES = (
    Capability("ARM_BDE", "Armoured brigade", "land", "brigade", 4000, 500, 4, 30, 1000,
               per_personnel=60),
    Capability("MECH_BDE", "Mechanised brigade", "land", "brigade", 2500, 350, 3, 30, 200,
               per_personnel=40),
    Capability("FTR_SQN", "Fighter squadron", "air", "squadron", 2500, 150, 4, 30, 1500,
               stock_share=0.10),
    Capability("AMD_BTY", "Air and missile defence battery", "air", "battery", 1200, 40, 3,
               25, 1000, stock_share=0.02, capacity=0.20),
    Capability("FRIGATE", "Frigate", "maritime", "ship", 1000, 60, 5, 30, 500,
               stock_share=0.04, maritime=True),
    Capability("SUB", "Submarine", "maritime", "boat", 1500, 80, 5, 30, 2500,
               stock_share=0.03, maritime=True),
    Capability("MPA", "Maritime patrol aircraft squadron", "maritime", "squadron", 1000, 60,
               3, 25, 2000, stock_share=0.005, maritime=True),
    Capability("CYBER_TEAM", "Cyber protection team", "cyber", "team", 15, 8, 1, 10, 20,
               per_personnel=10),
    Capability("SAT_ISR", "Reconnaissance satellite", "space", "satellite", 400, 20, 4, 10,
               2500, stock_share=0.005),
    Capability("AIRLIFT", "Airlift squadron", "enablers", "squadron", 1500, 100, 3, 30, 1000,
               stock_share=0.03),
    Capability("LOG_BN", "Logistics battalion", "enablers", "battalion", 150, 40, 1, 20, 100,
               per_personnel=10),
)

REGIONS = (
    ("NORTH", "High North & Baltic Sea", "Norway to the Baltic states, Arctic approaches."),
    ("EAST", "Eastern flank", "Poland and the Baltic states' land border."),
    ("SOUTHEAST", "Black Sea", "Romania, Bulgaria, Türkiye and the Black Sea."),
    ("SOUTH", "Mediterranean", "Southern Europe and the Mediterranean."),
    ("ATLANTIC", "North Atlantic", "Sea lines of communication between North America "
     "and Europe."),
)

# Share of each domain's requirement in each region (NORTH, EAST, SOUTHEAST, SOUTH, ATLANTIC)
REGION_SPLIT = {
    "land": (0.25, 0.45, 0.20, 0.10, 0.0),
    "air": (0.25, 0.35, 0.15, 0.15, 0.10),
    "maritime": (0.30, 0.0, 0.10, 0.25, 0.35),
    "cyber": (0.20, 0.20, 0.20, 0.20, 0.20),
    "space": (0.20, 0.20, 0.20, 0.20, 0.20),
    "enablers": (0.25, 0.35, 0.15, 0.15, 0.10),
}
# Requirement as a multiple of the allies' 2024 inventory, for 2025, 2030 and 2035
REQUIREMENT_YEARS = (2025, 2030, 2035)
GROWTH = (0.75, 0.90, 1.00)
GROWTH_BY_CAPABILITY = {"AMD_BTY": (1.40, 2.00, 2.50)}  # short until orders arrive

EXCLUSIONS = (
    ("MNE", "NORTH", "ILLUSTRATIVE opt-out, not a national position: forces kept for the "
     "Mediterranean."),
    ("PRT", "SOUTHEAST", "ILLUSTRATIVE opt-out, not a national position: forces kept for "
     "the Atlantic."),
)


def read_nato(csv: str | Path = NATO_CSV) -> pd.DataFrame:
    """NATO's table, allies only (no aggregates), one row per ally and year."""
    data = pd.read_csv(csv)
    data = data[data["country"].isin(ALLIES)]
    missing = set(ALLIES) - set(data["country"])
    if missing:
        raise ValueError(f"allies missing from {csv}: {sorted(missing)}")
    return data


def round_half_up(x: float) -> int:
    return math.floor(x + 0.5)


def nato_members(raw: pd.DataFrame) -> pd.DataFrame:
    """Members sheet from NATO's 2024 figures; trend growth from constant-price GDP.

    Where NATO's current-USD expenditure disagrees with its own % of GDP by more than
    PCT_TOLERANCE, spending is NATO's % of GDP times GDP (NATO's headline ratio, the
    one the benchmarks are judged on); `nato_spending_notes` lists those allies.
    """
    rows = []
    for country, (code, joined) in ALLIES.items():
        now = _year(raw, country, BASE_YEAR)
        growth = trend_growth_pct(raw, country)
        gdp = round(now.gdp_usd_m_current, 1)
        spending, equipment = 0.0, 0.0  # Iceland: no armed forces
        if not pd.isna(now.defexp_usd_m_current):
            spending = now.defexp_usd_m_current
            if abs(spending / now.gdp_usd_m_current * 100 - now.defexp_pct_gdp) > PCT_TOLERANCE:
                spending = now.defexp_pct_gdp / 100 * now.gdp_usd_m_current
            equipment = round(now.equipment_pct_of_defexp, 2)
        rows.append((code, country, gdp, round(growth, 2), round(spending, 1), equipment,
                     None, "deems-necessary", joined))
    members = frame(rows, "code name gdp_musd gdp_growth_pct defence_spending_musd "
                          "equipment_pct population_m obligation year_joined")
    check_pct_of_gdp(members, raw)
    return members


def trend_growth_pct(raw: pd.DataFrame, country: str) -> float:
    """Compound annual growth of GDP at constant 2015 prices, TREND_FROM to BASE_YEAR.

    The geometric mean of the year-on-year ratios, leaving out the change into a year
    of SERIES_BREAKS (without a break: (GDP_2024 / GDP_2014)^(1/10) − 1).
    """
    gdp = {t: _year(raw, country, t).gdp_usd_m_const2015
           for t in range(TREND_FROM, BASE_YEAR + 1)}
    ratios = [gdp[t] / gdp[t - 1] for t in range(TREND_FROM + 1, BASE_YEAR + 1)
              if SERIES_BREAKS.get(country) != t]
    return (math.prod(ratios) ** (1 / len(ratios)) - 1) * 100


def nato_spending_notes(raw: pd.DataFrame) -> list[str]:
    """Allies whose current-USD expenditure and % of GDP disagree in NATO's own table."""
    notes = []
    for country in ALLIES:
        now = _year(raw, country, BASE_YEAR)
        if pd.isna(now.defexp_usd_m_current):
            continue
        implied = now.defexp_usd_m_current / now.gdp_usd_m_current * 100
        if abs(implied - now.defexp_pct_gdp) > PCT_TOLERANCE:
            notes.append(f"{country}: {now.defexp_usd_m_current:,.1f} M USD is "
                         f"{implied:.2f} % of GDP, NATO's table says "
                         f"{now.defexp_pct_gdp:.2f} %; the workbook uses "
                         f"{now.defexp_pct_gdp / 100 * now.gdp_usd_m_current:,.1f} M USD")
    return notes


def check_pct_of_gdp(members: pd.DataFrame, raw: pd.DataFrame) -> None:
    """Assert: spending / GDP · 100 equals NATO's 2024 % of GDP within PCT_TOLERANCE."""
    for row in members.itertuples():
        pct = _year(raw, row.name, BASE_YEAR).defexp_pct_gdp
        pct = 0.0 if pd.isna(pct) else pct
        implied = row.defence_spending_musd / row.gdp_musd * 100
        if abs(implied - pct) > PCT_TOLERANCE:  # not `assert`: holds under python -O too
            raise AssertionError(f"{row.code}: {implied:.4f} % of GDP, NATO says {pct:.4f} %")


def nato_forces(raw: pd.DataFrame) -> pd.DataFrame:
    """Forces sheet: ILLUSTRATIVE inventories from personnel and equipment spending."""
    rows = []
    for country, (code, _) in ALLIES.items():
        if code in NO_FORCES:
            continue
        now = _year(raw, country, BASE_YEAR)
        personnel = now.military_personnel_thousands
        equipment = now.defexp_usd_m_current * now.equipment_pct_of_defexp / 100
        for cap in CAPABILITIES:
            if cap.maritime and code in LANDLOCKED:
                continue
            if cap.per_personnel is not None:
                units = round_half_up(personnel / cap.per_personnel)
            else:
                units = round_half_up(10 * equipment * cap.stock_share / cap.acquisition)
            can_order = equipment >= cap.min_equipment
            if units == 0 and not can_order:
                continue
            max_new = max(1, math.ceil(cap.capacity * units)) if can_order else 0
            rows.append((code, cap.code, units, round(units / cap.life, 2), max_new,
                         cap.acquisition, cap.operating, cap.lead, cap.life))
    return frame(rows, "member capability existing_units retirements_per_year "
                       "max_new_per_year acquisition_cost_musd operating_cost_musd "
                       "lead_time_years service_life_years")


def nato_requirements(forces: pd.DataFrame) -> pd.DataFrame:
    """Requirements sheet: the 2024 inventory times GROWTH, split over regions."""
    inventory = forces.groupby("capability")["existing_units"].sum()
    rows = []
    for cap in CAPABILITIES:
        factors = GROWTH_BY_CAPABILITY.get(cap.code, GROWTH)
        for year, factor in zip(REQUIREMENT_YEARS, factors):
            for (region, _, _), share in zip(REGIONS, REGION_SPLIT[cap.domain]):
                units = round_half_up(factor * inventory[cap.code] * share)
                if units > 0:
                    rows.append((cap.code, region, year, units))
    return frame(rows, "capability region year units")


def make_nato(path: str | Path, csv: str | Path = NATO_CSV) -> None:
    """The 32 allies with NATO's 2024 figures and illustrative capability data."""
    raw = read_nato(csv)
    members = nato_members(raw)
    forces = nato_forces(raw)
    settings = dict(
        plan_name="NATO collective defence 2025–2035 (illustrative capabilities)",
        first_year=2025, last_year=2035, price_base_year=BASE_YEAR, currency="USD",
        discount_rate_pct=2, elastic=True, fair_share_key="gdp", fair_share_band_pct=25,
        solver="highs",
    )
    tables = {
        "Members": members,
        "Capabilities": frame(
            [(c.code, c.name, c.domain, c.unit, False) for c in CAPABILITIES],
            "code name domain unit integer"),
        "Regions": frame(list(REGIONS), "code name description"),
        "Forces": forces,
        "Requirements": nato_requirements(forces),
        "SpendingTargets": frame([
            ("ALL", 2025, 2.0, 20, "step"),
            ("ALL", 2035, 3.5, 20, "linear"),
            ("ISL", 2025, 0, 0, "step"),
            ("ISL", 2035, 0, 0, "step"),
        ], "member from_year min_gdp_pct min_equipment_pct phase_in"),
        "FairShare": frame([("ISL", True)], "member exempt"),
        "Exclusions": frame(list(EXCLUSIONS), "member region reason"),
    }
    write_workbook(path, tables=tables, settings=settings, about=nato_about(raw))


def nato_about(raw: pd.DataFrame) -> list[tuple[str, str]]:
    """The About sheet of nato.xlsx: sources, what is real and what is illustrative."""
    caps = "; ".join(f"{c.code} {c.acquisition:,.0f} / {c.operating:,.0f} M USD, "
                     f"{c.lead} y lead, {c.life} y life" for c in CAPABILITIES)
    notes = nato_spending_notes(raw)
    rows = [
        ("What this is", "The 32 NATO allies with NATO's published economic and defence "
         "spending figures for 2024, and ILLUSTRATIVE capability data (capabilities, "
         "regions, forces, costs, requirements, exclusions) derived from them by simple "
         "formulas. The capability data are not NATO's: they show how the planner works "
         "at alliance scale and must not be read as an assessment of any ally's forces."),
        ("Source", "NATO, Defence Expenditure of NATO Countries (2014-2024), press release "
         "of 17 June 2024, Excel tables (copy in inputs/data/"
         "nato_defence_expenditure_2014_2024.csv). The 2024 figures are NATO's estimates."),
        ("Real: Members", "gdp_musd and defence_spending_musd: 2024, million US dollars at "
         "current prices; equipment_pct: 2024 share of defence expenditure on major "
         "equipment; gdp_growth_pct: trend real growth, the compound annual growth of GDP "
         "at constant 2015 prices from 2014 to 2024 (Luxembourg: NATO's series drops by a "
         "third from 2022 to 2023, at constant prices too: apparently a change of measure, "
         "not of output, so that year's change is left out and the trend is the mean of "
         "the other nine years). year_joined: year of accession (before the horizon, "
         "documentation only). obligation: deems-necessary "
         "(North Atlantic Treaty, Article 5: each ally takes 'such action as it deems "
         "necessary')."),
        ("Real: % of GDP", "For every ally, defence_spending_musd / gdp_musd equals NATO's "
         "2024 defence expenditure as % of GDP to 0.01 percentage points (checked when the "
         "workbook is generated)." + (" Where NATO's current-dollar expenditure and its % "
         "of GDP disagree, the workbook keeps NATO's % of GDP: " + "; ".join(notes) + "."
         if notes else "")),
        ("Not given: population", "population_m is blank: NATO's table has no population "
         "and no published population figures were at hand. The fair-share key is GDP."),
        ("Iceland", "Iceland has no armed forces: NATO reports no defence expenditure for "
         "it. Its spending and equipment share are 0, it fields no forces, its spending "
         "targets are 0 % (SpendingTargets rows ISL) and it is exempt from the fair-share "
         "band (FairShare)."),
        ("Benchmarks", "Wales summit, 2014: 2 % of GDP on defence and 20 % of defence "
         "expenditure on major equipment (SpendingTargets ALL 2025). The Hague summit, "
         "2025: 5 % of GDP by 2035, of which 3.5 % on core defence (SpendingTargets ALL "
         "2035, reached along a straight line from 2 % in 2025) and up to 1.5 % on "
         "defence- and security-related spending, which this plan does not model."),
        ("ILLUSTRATIVE: Capabilities", "Eleven capabilities across domains; costs per unit "
         "(2024 M USD, acquisition / operating per year), lead time and service life: "
         + caps + "."),
        ("ILLUSTRATIVE: Forces", "Inventories derived from each ally's real 2024 military "
         "personnel P (thousands) and equipment spending E (M USD): brigades, logistics "
         "battalions and cyber teams from P (P/60 armoured brigades, P/40 mechanised "
         "brigades, P/10 logistics battalions, P/10 cyber teams); the other capabilities "
         "from 10·E, a proxy of the equipment in service, times a fixed share per "
         "capability divided by its unit cost; rounded to whole units. An ally fields or "
         "orders a capability only if E reaches a threshold per capability (landlocked "
         "allies: no maritime forces); retirements: inventory / service life a year; new "
         "orders per year at most 15 % of the inventory (20 % for air and missile "
         "defence), at least 1. Formulas in scripts/make_examples.py."),
        ("ILLUSTRATIVE: Requirements", "Five regions. Requirement for 2025, 2030 and 2035 "
         "(each holds until the next): 75 %, 90 % and 100 % of the allies' 2024 inventory "
         "of the capability, split over regions by domain; air and missile defence 140 %, "
         "200 % and 250 %, so it is short until new batteries arrive after their lead "
         "time."),
        ("ILLUSTRATIVE: Exclusions", "The Exclusions rows are invented to show the "
         "feature; they are not any ally's position."),
        ("Regenerate", "scripts/make_examples.py (make examples) writes this workbook from "
         "the CSV."),
    ]
    return rows


def _year(raw: pd.DataFrame, country: str, year: int) -> pd.Series:
    row = raw[(raw["country"] == country) & (raw["year"] == year)]
    if len(row) != 1:
        raise ValueError(f"{country} {year}: {len(row)} rows in NATO's table")
    return row.iloc[0]


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    out = Path(args[0]) if args else ROOT / "inputs"
    make_tutorial(out / "tutorial.xlsx")
    make_nato(out / "nato.xlsx")
    print(f"wrote {out / 'tutorial.xlsx'} and {out / 'nato.xlsx'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
