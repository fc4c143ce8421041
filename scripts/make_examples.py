"""Generate the example workbooks inputs/tutorial.xlsx and inputs/nato.xlsx.

    .venv/bin/python scripts/make_examples.py [OUT_DIR]      (default: inputs/)

tutorial.xlsx is the made-up teaching instance of docs/tutorial.md (tests/tutorial_data.py
builds the same instance in code). nato.xlsx holds the 32 allies with NATO's published
2024 figures and ILLUSTRATIVE capability data derived from them by the deterministic
formulas below (see `CAPABILITIES` and `nato_forces`), and ILLUSTRATIVE pre-positioning
data: sites, basing rights, equipment sets, transit times and warning-time scenarios (see
`SITES` and `nato_prepositioning_tables`). Both are written through
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
    ("CENTRAL", "Central Europe (rear area)", "Germany and the Low Countries: reception, "
     "staging and onward movement. No requirement of its own; pre-positioning sites lie "
     "here."),
)

# Share of each domain's requirement in each region
# (NORTH, EAST, SOUTHEAST, SOUTH, ATLANTIC, CENTRAL)
REGION_SPLIT = {
    "land": (0.25, 0.45, 0.20, 0.10, 0.0, 0.0),
    "air": (0.25, 0.35, 0.15, 0.15, 0.10, 0.0),
    "maritime": (0.30, 0.0, 0.10, 0.25, 0.35, 0.0),
    "cyber": (0.20, 0.20, 0.20, 0.20, 0.20, 0.0),
    "space": (0.20, 0.20, 0.20, 0.20, 0.20, 0.0),
    "enablers": (0.25, 0.35, 0.15, 0.15, 0.10, 0.0),
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

# --------------------------------------------------------------------------- NATO sites
# Everything in this section is ILLUSTRATIVE: the sites are named after real US
# pre-positioning sites (or are candidates), but every capacity, cost, right, route and
# scenario below is invented to show how the planner weighs warning time against
# pre-positioned equipment. None of it is NATO's, a host's or the United States' data.

# Where a member's forces start: a point near its capital or main garrisons (degrees
# latitude, longitude); and where each region's forces are needed.
HOME_POINT = {
    "ALB": (41.3, 19.8), "BEL": (50.85, 4.35), "BGR": (42.7, 23.3), "HRV": (45.8, 16.0),
    "CZE": (50.1, 14.4), "DNK": (55.7, 12.6), "EST": (59.4, 24.7), "FIN": (60.2, 24.9),
    "FRA": (48.9, 2.35), "DEU": (51.0, 10.0), "GRC": (40.6, 22.9), "HUN": (47.5, 19.0),
    "ITA": (44.0, 11.0), "LVA": (56.9, 24.1), "LTU": (54.7, 25.3), "LUX": (49.6, 6.1),
    "MNE": (42.4, 19.3), "NLD": (52.1, 5.3), "MKD": (42.0, 21.4), "NOR": (59.9, 10.7),
    "POL": (52.2, 21.0), "PRT": (38.7, -9.1), "ROU": (44.4, 26.1), "SVK": (48.1, 17.1),
    "SVN": (46.05, 14.5), "ESP": (40.4, -3.7), "SWE": (59.3, 18.1), "TUR": (41.0, 29.0),
    "GBR": (51.2, -1.8),
}
REGION_POINT = {
    "NORTH": (63.0, 24.0), "EAST": (54.0, 22.5), "SOUTHEAST": (44.5, 27.5),
    "SOUTH": (40.0, 16.0),
}
# Members that lie in a region (by the Regions sheet's descriptions): their forces are
# there at once, so they have no Transit row to it. No member has a row to ATLANTIC
# (ships and aircraft reach it from home; no scenario makes it urgent) or CENTRAL (no
# requirement).
IN_REGION = {
    "NORTH": {"NOR", "SWE", "FIN", "EST", "LVA", "LTU"},
    "EAST": {"POL", "LTU", "LVA", "EST"},
    "SOUTHEAST": {"ROU", "BGR", "TUR"},
    "SOUTH": {"PRT", "ESP", "FRA", "ITA", "SVN", "HRV", "MNE", "ALB", "GRC", "TUR"},
}
# Movement within Europe (by rail or road; the United Kingdom first by sea):
# days = ceil(LOAD_DAYS + ROUTE_FACTOR · great-circle km / KM_PER_DAY) + sea crossing,
# cost = MOVE_BASE + MOVE_PER_KM · route km per unit. No row (arrival at once) within
# the region or under NEAR_KM of route.
LOAD_DAYS, DRAW_DAYS = 3.0, 4.0  # days to ready and load a unit at home / to fly its
# people to a site and draw its set there
ROUTE_FACTOR, KM_PER_DAY = 1.25, 400.0
MOVE_BASE, MOVE_PER_KM = 2.0, 0.008  # M USD per unit, M USD per unit-km
NEAR_KM = 300.0
SEA_CROSSING_DAYS = {"GBR": 2}  # Channel or North Sea crossing before the land route
# North America to Europe by sea (loading, crossing, unloading, onward movement):
# region -> (days, M USD per unit). No air routes: see the About sheet.
TRANSATLANTIC = {
    "USA": {"NORTH": (17, 45.0), "EAST": (18, 50.0), "SOUTHEAST": (21, 55.0),
            "SOUTH": (16, 45.0)},
    "CAN": {"NORTH": (15, 40.0), "EAST": (17, 45.0), "SOUTHEAST": (20, 50.0),
            "SOUTH": (16, 45.0)},
}


@dataclass(frozen=True)
class Site:
    """An ILLUSTRATIVE pre-positioning site: costs in M USD, capacity in equipment sets."""

    code: str
    name: str
    host: str
    region: str
    point: tuple[float, float]
    fixed: float  # to open, or to keep an existing site (first year)
    upkeep: float  # per year
    capacity: int
    existing: bool


SITES = (
    Site("POW", "Powidz (US Army pre-positioned stocks)", "POL", "EAST", (52.4, 17.85),
         60, 40, 8, True),
    Site("DUL", "Dülmen (US Army pre-positioned stocks)", "DEU", "CENTRAL", (51.8, 7.3),
         50, 35, 6, True),
    Site("EYG", "Eygelshoven (US Army pre-positioned stocks)", "NLD", "CENTRAL",
         (50.9, 6.05), 40, 30, 4, True),
    Site("ZUT", "Zutendaal (US Army pre-positioned stocks)", "BEL", "CENTRAL", (50.95, 5.6),
         40, 30, 4, True),
    Site("MCPPN", "Trøndelag caves (Marine Corps Prepositioning Program–Norway)", "NOR",
         "NORTH", (63.4, 10.9), 30, 25, 4, True),
    Site("DARBY", "Camp Darby, Livorno (US Army pre-positioned stocks)", "ITA", "SOUTH",
         (43.65, 10.35), 40, 30, 4, True),
    Site("LTU_NEW", "Candidate site, Lithuania", "LTU", "EAST", (55.0, 24.0), 450, 45, 8,
         False),
    Site("ROU_NEW", "Candidate site, Romania", "ROU", "SOUTHEAST", (44.4, 28.4), 400, 40, 8,
         False),
)

# (user, host, site or None for all the host's sites, allowed, max_sets per site)
BASING_RIGHTS = (
    ("USA", "POL", None, True, None),
    ("USA", "DEU", None, True, None),
    ("USA", "NLD", None, True, None),
    ("USA", "BEL", None, True, None),
    ("USA", "ITA", None, True, None),
    ("USA", "NOR", "MCPPN", True, 3),
    ("USA", "LTU", None, True, None),
    ("USA", "ROU", None, True, None),
    ("CAN", "POL", None, True, 2),
    ("GBR", "DEU", None, True, None),
    ("GBR", "DEU", "DUL", False, None),
    ("GBR", "NOR", None, True, 2),
    ("NLD", "NOR", None, True, 2),
    ("NLD", "NLD", "EYG", False, None),
    ("BEL", "BEL", "ZUT", False, None),
    ("ESP", "POL", None, True, 2),
)

# Capabilities that can draw sets: a set costs SET_SHARE of a unit's acquisition cost
# (the unit's equipment, without its people) and STORAGE_SHARE of it a year to store.
PREPOSITIONED = ("ARM_BDE", "MECH_BDE", "AMD_BTY")
SET_SHARE, STORAGE_SHARE = 0.60, 0.01

# (code, name, probability weight, warning days, requirement scale)
SCENARIOS = (
    ("CRISIS", "Long-warning crisis: reinforcement everywhere", 0.6, 90, 1.0),
    ("EAST_SHORT", "Short-warning attack on the eastern flank", 0.3, 7, 0.0),
    ("SE_SHORT", "Short-warning attack in the Black Sea region", 0.1, 10, 0.0),
)
# The threatened region's heavy requirements in the short-warning scenarios, as a
# multiple of the Requirements sheet (every other requirement is scaled by 0 there).
THREATENED = {"EAST_SHORT": (("EAST", 1.0), ("NORTH", 0.5)), "SE_SHORT": (("SOUTHEAST", 1.0),)}
HEAVY = PREPOSITIONED  # the requirements restored in the short-warning scenarios


def km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance in km."""
    (la1, lo1), (la2, lo2) = (tuple(map(math.radians, p)) for p in (a, b))
    h = (math.sin((la2 - la1) / 2) ** 2
         + math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2)
    return 2 * 6371.0 * math.asin(math.sqrt(h))


def nato_transit() -> pd.DataFrame:
    """Transit sheet: from members' homes and from sites, by the formulas above."""
    rows = []
    for member, by_region in TRANSATLANTIC.items():
        for region, (days, cost) in by_region.items():
            rows.append((member, None, region, "sea", days, cost))
    for member, point in HOME_POINT.items():
        for region, target in REGION_POINT.items():
            route = ROUTE_FACTOR * km(point, target)
            if member in IN_REGION[region] or route < NEAR_KM:
                continue
            days = math.ceil(LOAD_DAYS + route / KM_PER_DAY) + SEA_CROSSING_DAYS.get(member, 0)
            mode = "sea" if member in SEA_CROSSING_DAYS else "rail"
            rows.append((member, None, region, mode, days,
                         round(MOVE_BASE + MOVE_PER_KM * route, 1)))
    for site in SITES:
        for region, target in REGION_POINT.items():
            route = ROUTE_FACTOR * km(site.point, target)
            rows.append((None, site.code, region, "rail",
                         math.ceil(DRAW_DAYS + route / KM_PER_DAY),
                         round(MOVE_BASE + MOVE_PER_KM * route, 1)))
    return frame(rows, "from_member from_site region mode days cost_musd")


def nato_scenario_requirements(requirements: pd.DataFrame) -> pd.DataFrame:
    """ScenarioRequirements: the threatened region's heavy rows of Requirements, scaled."""
    rows = []
    for scenario, regions in THREATENED.items():
        for region, factor in regions:
            heavy = requirements[(requirements["region"] == region)
                                 & requirements["capability"].isin(HEAVY)]
            for row in heavy.itertuples(index=False):
                rows.append((scenario, row.capability, region, row.year,
                             round_half_up(factor * row.units)))
    return frame(rows, "scenario capability region year units")


def nato_prepositioning_tables(requirements: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Sites, BasingRights, Prepositioning, Transit, Scenarios, ScenarioRequirements."""
    cost = {c.code: c.acquisition for c in CAPABILITIES}
    return {
        "Sites": frame([(s.code, s.name, s.host, s.region, s.fixed, s.upkeep, s.capacity,
                         s.existing) for s in SITES],
                       "code name host region fixed_cost_musd upkeep_musd capacity_sets "
                       "existing"),
        "BasingRights": frame(list(BASING_RIGHTS), "user host site allowed max_sets"),
        "Prepositioning": frame([(c, SET_SHARE * cost[c], STORAGE_SHARE * cost[c])
                                 for c in PREPOSITIONED],
                                "capability set_cost_musd storage_cost_musd"),
        "Transit": nato_transit(),
        "Scenarios": frame(list(SCENARIOS), "code name probability warning_days "
                                            "requirement_scale"),
        "ScenarioRequirements": nato_scenario_requirements(requirements),
    }


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
    requirements = nato_requirements(forces)
    settings = dict(
        plan_name="NATO collective defence 2025–2035 (illustrative capabilities)",
        first_year=2025, last_year=2035, price_base_year=BASE_YEAR, currency="USD",
        discount_rate_pct=2, elastic=True, fair_share_key="gdp", fair_share_band_pct=25,
        scenario_objective="expected", common_funding_key="gdp", common_funding_cap_pct=16,
        solver="highs",
    )
    tables = {
        "Members": members,
        "Capabilities": frame(
            [(c.code, c.name, c.domain, c.unit, False) for c in CAPABILITIES],
            "code name domain unit integer"),
        "Regions": frame(list(REGIONS), "code name description"),
        "Forces": forces,
        "Requirements": requirements,
        "SpendingTargets": frame([
            ("ALL", 2025, 2.0, 20, "step"),
            ("ALL", 2035, 3.5, 20, "linear"),
            ("ISL", 2025, 0, 0, "step"),
            ("ISL", 2035, 0, 0, "step"),
        ], "member from_year min_gdp_pct min_equipment_pct phase_in"),
        "FairShare": frame([("ISL", True)], "member exempt"),
        "Exclusions": frame(list(EXCLUSIONS), "member region reason"),
        **nato_prepositioning_tables(requirements),
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
         "formulas, with ILLUSTRATIVE pre-positioning data (sites, basing rights, "
         "equipment sets, transit, scenarios). The capability and pre-positioning data "
         "are not NATO's: they show how the planner works at alliance scale and must not "
         "be read as an assessment of any ally's forces or plans."),
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
        *prepositioning_about(),
        ("Regenerate", "scripts/make_examples.py (make examples) writes this workbook from "
         "the CSV."),
    ]
    return rows


def prepositioning_about() -> list[tuple[str, str]]:
    """About rows on the ILLUSTRATIVE pre-positioning data, from the constants above."""
    def site(x: Site) -> str:
        return (f"{x.code} {x.name.split(' (')[0]} ({x.host}, {x.region}): {x.capacity} sets, "
                f"{x.fixed:,.0f} M USD {'to keep' if x.existing else 'to open'}, "
                f"{x.upkeep:,.0f} M USD a year")
    existing = "; ".join(site(x) for x in SITES if x.existing)
    candidates = "; ".join(site(x) for x in SITES if not x.existing)
    scenarios = "; ".join(f"{code} ({name}): weight {p:g}, {w} days' warning"
                          for code, name, p, w, _ in SCENARIOS)
    threatened = "; ".join(
        f"{code}: " + ", ".join(f"{region} × {factor:g}" for region, factor in regions)
        for code, regions in THREATENED.items())
    return [
        ("ILLUSTRATIVE: Pre-positioning", "Sites, BasingRights, Prepositioning, Transit, "
         "Scenarios and ScenarioRequirements are invented to show how warning time and "
         "pre-positioned equipment interact. The existing sites are named after places "
         "where the United States keeps or has kept pre-positioned equipment (US Army "
         "pre-positioned stocks in Poland, Germany, the Netherlands, Belgium and Italy; the "
         "Marine Corps Prepositioning Program–Norway caves in Trøndelag); the candidate "
         "sites in Lithuania and Romania stand for no real project. Every capacity, cost, "
         "basing right, route, warning time and probability is invented: none is NATO's, "
         "a host's or the United States' figure or position."),
        ("ILLUSTRATIVE: Sites", "Existing (fixed_cost is the cost to keep the site over "
         "the horizon): " + existing + ". Candidates: " + candidates + ". Sites in Germany "
         "and the Low Countries lie in region CENTRAL, which has no requirement. Capacity "
         "counts sets of every capability alike (the model has no set size), so scarce "
         "capacity goes to the cheapest sets that close a gap."),
        ("ILLUSTRATIVE: BasingRights", "The United States may store sets at every site "
         "(at most 3 in the Norwegian caves); Canada and Spain at Poland's sites (at most "
         "2 each); the United Kingdom at Germany's sites except Dülmen (a row for one site "
         "overrides a row for all of a host's sites) and in Norway (at most 2); the "
         "Netherlands in Norway (at most 2). The Netherlands and Belgium have no access to "
         "the sites on their own soil (allowed = no: a host can be refused its own site). "
         "Not any ally's position."),
        ("ILLUSTRATIVE: Prepositioning", "Units of " + ", ".join(PREPOSITIONED) + " can "
         f"draw sets. A set costs {SET_SHARE * 100:g} % of a unit's acquisition cost (its "
         f"equipment, not its people), storing it {STORAGE_SHARE * 100:g} % of that cost a "
         "year, both paid by its owner; the sets are bought in the first year."),
        ("ILLUSTRATIVE: Transit", "From home: the United States and Canada by sea, "
         "15–21 days and 40–55 M USD per unit. No air routes: a Transit row holds for "
         "every capability of a member, so an air route would fly armoured brigades too. "
         f"European allies by rail or road: {LOAD_DAYS:g} days to ready and load a unit, "
         f"then {KM_PER_DAY:g} km a day over {ROUTE_FACTOR:g} × the great-circle distance "
         "from a point near the ally's capital to the region's point, rounded up (the "
         f"United Kingdom: + {SEA_CROSSING_DAYS['GBR']} days at sea); cost "
         f"{MOVE_BASE:g} M USD + {MOVE_PER_KM * 1000:g} M USD per 1,000 km per unit. No "
         "row (arrival at once, at no cost) within the ally's own region, under "
         f"{NEAR_KM:g} km, or to the North Atlantic. From a site: {DRAW_DAYS:g} days to fly "
         "the unit's people in and draw the set, then the same rail journey (1–4 days to "
         "the regions nearby). Transit rows hold for every capability: a cyber team "
         "'travels' as a brigade does."),
        ("ILLUSTRATIVE: Scenarios", scenarios + ". In CRISIS every requirement holds as "
         "in Requirements and everyone arrives in time. In the short-warning scenarios "
         "requirement_scale is 0 (other requirements are taken as met by forces in place) "
         "and ScenarioRequirements restore the heavy requirements (" + ", ".join(HEAVY)
         + ") of the threatened regions, as a multiple of Requirements: " + threatened
         + ". scenario_objective expected: the plan minimises the weighted mean of the "
         "scenarios' deployment costs and shortfall penalties."),
        ("Common funding", "Site costs are common-funded, shared by GDP "
         "(common_funding_key gdp; NATO's common budgets use gross national income) with "
         "no ally above 16 % (common_funding_cap_pct): since 2021 the United States' share "
         "of NATO's common-funded budgets is capped at Germany's, each about 16 %. The "
         "excess is shared among the others in proportion to GDP."),
        ("What to look for", "In the report: which sites open (Sites), who keeps which "
         "sets where, the scenario column of Coverage (brigades short on the eastern flank "
         "in the short-warning scenario, not in CRISIS; air and missile defence short "
         "until new batteries arrive) and the arrival day of every "
         "deployment against its warning time. Then change EAST_SHORT's warning_days "
         "(7, 10, 30) and compare: the sites that count are the ones within the warning "
         "time of the flank."),
    ]


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
