"""Generate the example workbooks inputs/tutorial.xlsx, nato.xlsx, anzus.xlsx,
rio_pact.xlsx and brussels_treaty.xlsx.

    .venv/bin/python scripts/make_examples.py [OUT_DIR]      (default: inputs/)

tutorial.xlsx is the made-up teaching instance of docs/tutorial.md (tests/tutorial_data.py
builds the same instance in code). nato.xlsx holds the 32 allies with NATO's published
2024 figures and ILLUSTRATIVE capability data derived from them by the deterministic
formulas below (see `CAPABILITIES` and `nato_forces`), and ILLUSTRATIVE pre-positioning
data: sites, basing rights, equipment sets, transit times and warning-time scenarios (see
`SITES` and `nato_prepositioning_tables`). anzus.xlsx and rio_pact.xlsx hold the
parties' 2023 World Bank GDP and SIPRI military expenditure from
inputs/data/other_pacts_2023_2024.csv (Rio's former parties as Candidates) with
ILLUSTRATIVE capability data derived from spending (see `PactCapability`);
brussels_treaty.xlsx is a counterfactual Western European Union with NATO's 2024 figures
and nato.xlsx's capability formulas. All are written through
`planner.template.write_workbook`, so every sheet follows planner/schema.py.
"""

from __future__ import annotations

import io
import math
import re
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from planner.template import write_workbook

ROOT = Path(__file__).resolve().parents[1]
NATO_CSV = ROOT / "inputs" / "data" / "nato_defence_expenditure_2014_2024.csv"
BASE_YEAR, TREND_FROM = 2024, 2014
PCT_TOLERANCE = 0.01  # percentage points: spending / GDP must match NATO's % of GDP


# The workbooks' bytes depend on the data only: every zip entry and docProps/core.xml's
# created/modified dates carry this fixed time instead of the time of writing.
STAMP = (2025, 1, 1, 0, 0, 0)
CORE_DATE = re.compile(r"(<dcterms:(created|modified)\b[^>]*>)[^<]*(</dcterms:\2>)")


def write(path: str | Path, **workbook) -> None:
    """`planner.template.write_workbook`, then the fixed time stamped in (reproducible)."""
    write_workbook(path, **workbook)
    stamp = "{:04d}-{:02d}-{:02d}T{:02d}:{:02d}:{:02d}Z".format(*STAMP)
    out = io.BytesIO()
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == "docProps/core.xml":
                data = CORE_DATE.sub(rf"\g<1>{stamp}\3", data.decode()).encode()
            info = zipfile.ZipInfo(item.filename, date_time=STAMP)
            info.external_attr = item.external_attr
            dst.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED)
    Path(path).write_bytes(out.getvalue())


def frame(rows: list[tuple], columns: str) -> pd.DataFrame:
    """A DataFrame from row tuples and space-separated schema column names."""
    return pd.DataFrame(rows, columns=columns.split())


# Largest change of a member's defence spending in a year, pp of GDP (SpendingTargets
# max_change_pp): about the largest sustained rise of any NATO ally in 2014-2024.
MAX_CHANGE_PP = 1.0
MAX_CHANGE_ABOUT = (
    f"No member's defence spending changes by more than {MAX_CHANGE_PP:g} percentage point "
    "of GDP from one year to the next, up or down (SpendingTargets ALL, max_change_pp), "
    "except where money is added only to reach a spending floor: a budget cannot triple "
    "in a year. The figure is about the largest sustained rise of any NATO ally in "
    "2014-2024 (NATO's figures: Poland +1.03 pp in 2023 and +0.86 pp in 2024, Estonia "
    "+0.88 pp in 2023; Bulgaria's +1.68 pp in 2019 was a one-off aircraft payment). "
    "ILLUSTRATIVE: no pact sets such a limit; it keeps the plan's spending paths "
    "within what members have shown they can do.")

# Whole units in the NATO example: brigades come in battalions (three manoeuvre battalions
# a brigade, the size of the multinational battlegroups small allies contribute to), every
# other capability in whole units (Capabilities › integer, parts_per_unit).
NATO_PARTS = {"ARM_BDE": 3, "MECH_BDE": 3}
NATO_PARTS_ABOUT = (
    "Orders, deployments and equipment sets come in whole units (Capabilities › integer "
    "yes), except brigades, which come in battalions: parts_per_unit 3, a third of a "
    "brigade, the size of the multinational battlegroups small allies contribute to. "
    "Units in service count whole parts: the stock left by retirements (an average rate) is rounded to the nearest part. "
    "ILLUSTRATIVE, like the capabilities themselves.")

WHOLE_UNITS_ABOUT = (
    "Orders, deployments and equipment sets come in whole units (Capabilities › integer "
    "yes); units in service count whole units: the stock left by retirements (an average "
    "rate) is rounded to the nearest unit.")

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
    write(path, tables=tables, settings=settings, about=about)


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


def nato_members(raw: pd.DataFrame, allies: dict[str, tuple[str, int]] = ALLIES,
                 obligation: str = "deems-necessary") -> pd.DataFrame:
    """Members sheet from NATO's 2024 figures; trend growth from constant-price GDP.

    Where NATO's current-USD expenditure disagrees with its own % of GDP by more than
    PCT_TOLERANCE, spending is NATO's % of GDP times GDP (NATO's headline ratio, the
    one the benchmarks are judged on); `nato_spending_notes` lists those allies.
    `allies` (NATO name -> code, year joined) and `obligation` serve other pacts of
    NATO allies too (brussels_treaty.xlsx).
    """
    rows = []
    for country, (code, joined) in allies.items():
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
                     None, obligation, joined))
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


def nato_spending_notes(raw: pd.DataFrame,
                        allies: dict[str, tuple[str, int]] = ALLIES) -> list[str]:
    """Allies whose current-USD expenditure and % of GDP disagree in NATO's own table."""
    notes = []
    for country in allies:
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


def nato_forces(raw: pd.DataFrame,
                allies: dict[str, tuple[str, int]] = ALLIES) -> pd.DataFrame:
    """Forces sheet: ILLUSTRATIVE inventories from personnel and equipment spending."""
    rows = []
    for country, (code, _) in allies.items():
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
    return inventory_requirements(forces, CAPABILITIES, REGIONS, REGION_SPLIT,
                                  GROWTH_BY_CAPABILITY)


def inventory_requirements(forces: pd.DataFrame, capabilities, regions, split,
                           growth_by: dict[str, tuple[float, ...]] | None = None,
                           years: tuple[int, ...] = REQUIREMENT_YEARS,
                           growth: tuple[float, ...] = GROWTH) -> pd.DataFrame:
    """Requirements: the members' base-year inventory of each capability times the
    year's growth factor (`growth_by` a capability's own), split over `regions` by the
    shares `split[domain]` (one per region, in order), rounded half up; zeros left out."""
    inventory = forces.groupby("capability")["existing_units"].sum()
    rows = []
    for cap in capabilities:
        factors = (growth_by or {}).get(cap.code, growth)
        for year, factor in zip(years, factors):
            for (region, _, _), share in zip(regions, split[cap.domain]):
                units = round_half_up(factor * inventory.get(cap.code, 0) * share)
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
            [(c.code, c.name, c.domain, c.unit, True, NATO_PARTS.get(c.code)) for c in CAPABILITIES],
            "code name domain unit integer parts_per_unit"),
        "Regions": frame(list(REGIONS), "code name description"),
        "Forces": forces,
        "Requirements": requirements,
        "SpendingTargets": frame([
            ("ALL", 2025, 2.0, 20, MAX_CHANGE_PP, "step"),
            ("ALL", 2035, 3.5, 20, None, "linear"),
            ("ISL", 2025, 0, 0, None, "step"),
            ("ISL", 2035, 0, 0, None, "step"),
        ], "member from_year min_gdp_pct min_equipment_pct max_change_pp phase_in"),
        "FairShare": frame([("ISL", True)], "member exempt"),
        "Exclusions": frame(list(EXCLUSIONS), "member region reason"),
        **nato_prepositioning_tables(requirements),
    }
    write(path, tables=tables, settings=settings, about=nato_about(raw))


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
        ("Spending changes", MAX_CHANGE_ABOUT),
        ("Whole units", NATO_PARTS_ABOUT),
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


# --------------------------------------------------------------------------- other pacts
# ANZUS and the Rio Treaty: members' 2023 GDP (World Bank), military expenditure (SIPRI)
# and population (World Bank) as published, from the CSV; everything about capabilities
# is ILLUSTRATIVE, derived from spending by the formulas of `PactCapability`.

OTHER_PACTS_CSV = ROOT / "inputs" / "data" / "other_pacts_2023_2024.csv"
PACT_BASE_YEAR = 2023  # the CSV's consistent year (its 2024 rows have no GDP)
PACT_YEARS = (2025, 2035)  # plan horizon of the ANZUS and Rio examples
# Requirement as a multiple of the members' base-year inventory in REQUIREMENT_YEARS, for
# the ANZUS, Rio and WEU examples: lower than NATO's GROWTH at first, so that the units
# left after retirements cover it until new orders arrive (no shortfall by design).
PACT_GROWTH = (0.60, 0.90, 1.00)


@dataclass(frozen=True)
class PactCapability:
    """An ILLUSTRATIVE capability of a small pact; inventories derived from spending.

    A member m with area spending S_m (M USD: its 2023 military expenditure times its
    area share, 1 unless the example says otherwise) fields the capability if
    S_m ≥ min_spending, with max(1, round_half_up(per_bn · S_m / 1000)) units in
    service in 2023 (per_bn: units per 1,000 M USD a year), retiring units / life a
    year, and orders at most max(1, ceil(capacity · units)) new units a year. Below the
    threshold it has no Forces row.
    """

    code: str
    name: str
    domain: str
    unit: str
    acquisition: float  # M USD per unit
    operating: float  # M USD per unit-year
    lead: int  # years
    life: int  # years
    per_bn: float  # units in service per 1,000 M USD of annual area spending
    min_spending: float  # M USD of annual area spending to field or order it
    capacity: float = 0.15  # most new units a year, as a share of the inventory
    maritime: bool = False


def read_other_pacts(pact: str, csv: str | Path = OTHER_PACTS_CSV) -> pd.DataFrame:
    """The CSV's 2023 rows of one pact ('ANZUS', 'Rio Treaty'), indexed by ISO code."""
    data = pd.read_csv(csv)
    rows = data[(data["pact"] == pact) & (data["year"] == PACT_BASE_YEAR)]
    if rows.empty or not rows["iso3"].is_unique:
        raise ValueError(f"{csv}: no unique {PACT_BASE_YEAR} rows for {pact}")
    return rows.set_index("iso3")


def pact_members(rows: pd.DataFrame, obligation: str,
                 joined: int | None = None) -> pd.DataFrame:
    """Members (or Candidates) sheet: the CSV's figures exactly as published.

    gdp_musd: World Bank GDP, defence_spending_musd: SIPRI military expenditure,
    population_m: World Bank population, all 2023 (million US dollars at current prices,
    million people). gdp_growth_pct and equipment_pct stay blank: not in the data.
    """
    out = []
    for code, row in rows.iterrows():
        if pd.isna(row.gdp_usd_m_current) or pd.isna(row.milex_usd_m_current):
            raise ValueError(f"{code}: no 2023 GDP or military expenditure in the CSV; "
                             "leave it out and say why in About")
        out.append((code, row.country, row.gdp_usd_m_current, row.milex_usd_m_current,
                    row.population_m, obligation, joined))
    return frame(out, "code name gdp_musd defence_spending_musd population_m obligation "
                      "year_joined")


def pact_forces(members: pd.DataFrame, capabilities: tuple[PactCapability, ...],
                area_share: dict[str, float] | None = None,
                no_maritime: frozenset[str] = frozenset()) -> pd.DataFrame:
    """Forces sheet: ILLUSTRATIVE inventories from spending (see `PactCapability`)."""
    rows = []
    for row in members.itertuples(index=False):
        spending = row.defence_spending_musd * (area_share or {}).get(row.code, 1.0)
        for cap in capabilities:
            if spending < cap.min_spending or (cap.maritime and row.code in no_maritime):
                continue
            units = max(1, round_half_up(cap.per_bn * spending / 1000))
            rows.append((row.code, cap.code, units, round(units / cap.life, 2),
                         max(1, math.ceil(cap.capacity * units)), cap.acquisition,
                         cap.operating, cap.lead, cap.life))
    return frame(rows, "member capability existing_units retirements_per_year "
                       "max_new_per_year acquisition_cost_musd operating_cost_musd "
                       "lead_time_years service_life_years")


def capabilities_sheet(capabilities) -> pd.DataFrame:
    return frame([(c.code, c.name, c.domain, c.unit, True) for c in capabilities],
                 "code name domain unit integer")


def pact_capabilities_about(capabilities: tuple[PactCapability, ...]) -> str:
    """Each capability's costs, lead time, life and derivation, for the About sheet."""
    return (f"{len(capabilities)} capabilities; costs per unit (M USD of the price base "
            "year, acquisition / operating per year), lead time, service life, units per "
            "1,000 M USD of spending and the spending from which a member fields it: "
            + "; ".join(
                f"{c.code} ({c.name}) {c.acquisition:,.0f} / {c.operating:,.0f} M USD, "
                f"{c.lead} y lead, {c.life} y life, {c.per_bn:g} per 1,000 M USD from "
                f"{c.min_spending:,.0f} M USD a year" for c in capabilities) + ".")


def spending_ratio_about(members: pd.DataFrame, rows: pd.DataFrame) -> str:
    """defence_spending_musd / gdp_musd against SIPRI's own % of GDP, member by member."""
    parts = []
    for m in members.itertuples(index=False):
        sipri = rows.at[m.code, "milex_pct_gdp"]
        parts.append(f"{m.name} {m.defence_spending_musd / m.gdp_musd * 100:.2f} % "
                     f"(SIPRI {'n/a' if pd.isna(sipri) else f'{sipri:.2f} %'})")
    return "; ".join(parts)


def requirements_about(regions, split: dict[str, tuple[float, ...]],
                       growth: tuple[float, ...] = PACT_GROWTH) -> str:
    """How the Requirements sheet was derived (`inventory_requirements`), for About."""
    shares = "; ".join(f"{domain}: " + ", ".join(
        f"{region} {share * 100:g} %" for (region, _, _), share in zip(regions, shares)
        if share) for domain, shares in split.items())
    return (f"Requirements for {', '.join(map(str, REQUIREMENT_YEARS))} (each holds until "
            f"the next): {', '.join(f'{g * 100:g} %' for g in growth)} of the members' "
            "base-year inventory of the capability (the Members' Forces rows), split "
            "over regions by domain and rounded half up: "
            + shares + ". Existing units retire (inventory / service life a year), so "
            "new orders are needed by 2030; the first factor is low enough for the units "
            "left to cover the requirement until orders placed in 2025 arrive.")


OTHER_PACTS_SOURCE = (
    "inputs/data/other_pacts_2023_2024.csv (copy of the project's reference data; "
    "inputs/data/other_pacts_and_treaties.md holds its notes and the treaty facts with "
    "their sources): GDP, World Bank WDI NY.GDP.MKTP.CD (via "
    "github datasets/gdp, data/gdp.csv @822019c); military expenditure, SIPRI Military "
    "Expenditure Database 1949–2024, sheet 'Current US$' (via github "
    "Jakob-al28/defense-sector-dashboard @11b7b50); population, World Bank WDI "
    "SP.POP.TOTL (via github datasets/population @425fc44). Each row of the CSV names "
    "its sources.")
PCT_OF_GDP_ABOUT = (
    "defence_spending_musd / gdp_musd is SIPRI's spending over the World Bank's GDP. "
    "SIPRI's own % of GDP (the CSV's milex_pct_gdp, in brackets) uses SIPRI's GDP series "
    "(largely the IMF's), so the two differ; the workbook keeps both published figures "
    "unchanged and does not force the ratio to SIPRI's: ")


# ANZUS ---------------------------------------------------------------------------

ANZUS_IN_FORCE = 1952  # entered into force 29 April 1952 (ATS 1952 No 2)
# Share of the United States' military expenditure counted for the Pacific area (the rest
# of its forces serve elsewhere). ILLUSTRATIVE.
ANZUS_AREA_SHARE = {"USA": 0.10}

ANZUS_CAPABILITIES = (
    PactCapability("FRIGATE", "Frigate or destroyer", "maritime", "ship", 1000, 60, 5, 30,
                   per_bn=0.28, min_spending=1000, maritime=True),
    PactCapability("MPA", "Maritime patrol aircraft squadron", "maritime", "squadron", 1000,
                   60, 3, 25, per_bn=0.03, min_spending=2000, maritime=True),
    PactCapability("FTR_SQN", "Fighter squadron", "air", "squadron", 2500, 150, 4, 30,
                   per_bn=0.12, min_spending=5000),
    PactCapability("ISR_SQN", "Uncrewed ISR squadron", "air", "squadron", 600, 40, 3, 20,
                   per_bn=0.03, min_spending=5000),
    PactCapability("LAND_TG", "Land task group", "land", "task group", 1500, 250, 3, 30,
                   per_bn=0.09, min_spending=1000),
    PactCapability("AIRLIFT", "Airlift squadron", "enablers", "squadron", 1500, 100, 3, 30,
                   per_bn=0.06, min_spending=2000),
)

ANZUS_REGIONS = (
    ("NORTH_AUS", "Australia's north and approaches", "Northern Australia, the Timor and "
     "Arafura Seas.", "AUS"),
    ("NZ_TASMAN", "New Zealand and the Tasman Sea", "New Zealand's territory and "
     "approaches.", "NZL"),
    ("SW_PACIFIC", "South-west Pacific", "The island states between Papua New Guinea and "
     "Fiji: sea lanes and forces of the parties there (ANZUS Art. V).", None),
    ("GUAM", "Guam and the Northern Marianas", "US island territories in the Pacific "
     "(ANZUS Art. V).", "USA"),
)
# Share of each domain's requirement in each region (NORTH_AUS, NZ_TASMAN, SW_PACIFIC, GUAM)
ANZUS_SPLIT = {
    "maritime": (0.30, 0.15, 0.25, 0.30),
    "air": (0.25, 0.30, 0.20, 0.25),  # New Zealand has no combat aircraft of its own since 2001
    "land": (0.40, 0.10, 0.30, 0.20),
    "enablers": (0.30, 0.15, 0.30, 0.25),
}
ANZUS_SUSPENSION = "USA>NZL:2025"  # the what-if of the About sheet
ANZUS_FLOOR_PCT = 2.0  # ILLUSTRATIVE: ANZUS sets no spending benchmark


def make_anzus(path: str | Path, csv: str | Path = OTHER_PACTS_CSV) -> None:
    """ANZUS: the three parties' 2023 World Bank GDP and SIPRI spending, illustrative
    capabilities; the treaty as written, the 1986 US suspension towards New Zealand as a
    what-if (`planner whatif … --suspend USA>NZL:2025`)."""
    rows = read_other_pacts("ANZUS", csv)
    members = pact_members(rows, "consultative", ANZUS_IN_FORCE)
    forces = pact_forces(members, ANZUS_CAPABILITIES, ANZUS_AREA_SHARE)
    settings = dict(
        plan_name="ANZUS 2025–2035 (illustrative capabilities)",
        first_year=PACT_YEARS[0], last_year=PACT_YEARS[1], price_base_year=PACT_BASE_YEAR,
        currency="USD", discount_rate_pct=2, elastic=True, fair_share_key="gdp",
        fair_share_band_pct=None, solver="highs",
    )
    tables = {
        "Members": members,
        "Capabilities": capabilities_sheet(ANZUS_CAPABILITIES),
        "Regions": frame(list(ANZUS_REGIONS), "code name description host"),
        "Forces": forces,
        "Requirements": inventory_requirements(forces, ANZUS_CAPABILITIES, [r[:3] for r in ANZUS_REGIONS],
                                               ANZUS_SPLIT, growth=PACT_GROWTH),
        "SpendingTargets": frame([("ALL", PACT_YEARS[0], ANZUS_FLOOR_PCT, MAX_CHANGE_PP, "step")],
                                 "member from_year min_gdp_pct max_change_pp phase_in"),
    }
    write(path, tables=tables, settings=settings,
                   about=anzus_about(members, rows))


def anzus_about(members: pd.DataFrame, rows: pd.DataFrame) -> list[tuple[str, str]]:
    """The About sheet of anzus.xlsx: sources, what is real and what is illustrative."""
    usa = ANZUS_AREA_SHARE["USA"]
    return [
        ("What this is", "The Security Treaty between Australia, New Zealand and the "
         "United States (ANZUS; signed at San Francisco on 1 September 1951, in force 29 "
         "April 1952) with the parties' published 2023 GDP, military expenditure and "
         "population, and ILLUSTRATIVE capability data (capabilities, regions, forces, "
         "costs, requirements, spending floor) derived from them by simple formulas. The "
         "capability data are not any party's: they show how the planner works for a "
         "small consultative pact and must not be read as an assessment of any party's "
         "forces or plans."),
        ("Source", OTHER_PACTS_SOURCE),
        ("Real: Members", "gdp_musd: World Bank GDP 2023; defence_spending_musd: SIPRI "
         "military expenditure 2023; population_m: World Bank population 2023; million US "
         "dollars at current prices, million people, exactly as in the CSV. "
         "price_base_year 2023: the CSV's last year with GDP. SIPRI notes for the United "
         "States: federal financial year (October–September), including part of the "
         "National Intelligence Program and estimates of military aid to Ukraine. "
         f"year_joined {ANZUS_IN_FORCE}: entry into force (documentation only)."),
        ("Real: % of GDP", PCT_OF_GDP_ABOUT + spending_ratio_about(members, rows) + "."),
        ("Not given", "gdp_growth_pct and equipment_pct are blank (0): the data hold no "
         "GDP forecast and SIPRI's database no equipment share, so GDP stays at its 2023 "
         "level in real terms and no equipment floor is set."),
        ("Obligation", "consultative for all three: ANZUS Article IV, each party 'declares "
         "that it would act to meet the common danger in accordance with its "
         "constitutional processes'."),
        ("1986 suspension", "On 11 August 1986 the United States stated that it was "
         "'ending its security obligations to New Zealand under the ANZUS treaty pending "
         "adequate corrective measures' (US-Australia joint statement, San Francisco). "
         "Obligations between Australia and New Zealand, and between Australia and the "
         "United States, continue. The reference data still record New Zealand's status "
         "as 'suspended' in 2023 and 2024. This plan is the treaty as written (every "
         "obligation in force); the suspension is the what-if below. To plan with it, add a "
         "Suspensions row: member USA, towards NZL, from_year 1986."),
        ("What-if: suspension", f"`planner whatif inputs/anzus.xlsx --suspend {ANZUS_SUSPENSION}` "
         "re-plans with the United States' obligations towards New Zealand suspended: US "
         "units no longer serve the regions New Zealand hosts (Regions › host: NZ_TASMAN), "
         "which Australia and New Zealand must then cover; the report compares both plans."),
        ("ILLUSTRATIVE: Capabilities", pact_capabilities_about(ANZUS_CAPABILITIES)),
        ("ILLUSTRATIVE: Forces", "Inventories from each party's 2023 military expenditure "
         "S (M USD), counted in full for Australia and New Zealand and at "
         f"{usa * 100:g} % for the United States (a stand-in for its forces in the "
         "Pacific area; the rest serve elsewhere). A party fields a capability if S "
         "reaches the capability's threshold, with max(1, per_bn · S / 1000) units, "
         "rounded half up; retirements: inventory / service life a year; new orders per "
         "year at most 15 % of the inventory, at least 1. So New Zealand fields no "
         "fighter or ISR squadrons. Formulas in scripts/make_examples.py "
         "(PactCapability, pact_forces)."),
        ("ILLUSTRATIVE: Regions", f"{len(ANZUS_REGIONS)} regions of the 'Pacific Area' "
         "of Article IV: "
         + "; ".join(f"{code} ({name})" for code, name, *_ in ANZUS_REGIONS) + "."),
        ("ILLUSTRATIVE: Requirements", requirements_about([r[:3] for r in ANZUS_REGIONS], ANZUS_SPLIT)),
        ("ILLUSTRATIVE: SpendingTargets", f"A floor of {ANZUS_FLOOR_PCT:g} % of GDP for "
         "every party from 2025 (member ALL), borrowed from NATO's Wales benchmark: ANZUS "
         "itself sets no spending benchmark. Fair shares by GDP are reported, not "
         "enforced (no band): the United States alone has over 90 % of the parties' GDP."),
        ("Spending changes", MAX_CHANGE_ABOUT),
        ("Whole units", WHOLE_UNITS_ABOUT),
        ("Regenerate", "scripts/make_examples.py (make examples) writes this workbook from "
         "the CSV."),
    ]


# Rio Treaty -------------------------------------------------------------------------

# Parties left out of Members, and why (data gaps).
RIO_LEFT_OUT = {"BHS": "SIPRI lists no military expenditure for the Bahamas (a party "
                       "since 1982)"}
# Former parties without a 2023 GDP (Candidates' gdp_musd is required and > 0).
RIO_NO_CANDIDATE = {"VEN": "the World Bank has no 2023 GDP for Venezuela"}
RIO_NO_FORCES = frozenset({"CRI", "PAN"})  # no armed forces (SIPRI: 0 spending)
RIO_LANDLOCKED = frozenset({"PRY", "BOL"})  # no maritime forces
RIO_RETURN_YEAR = 2030  # hypothetical year a former party rejoins (Candidates)
# Former parties and their withdrawals, as other_pacts_and_treaties.md gives them
# (Bolivia's, Ecuador's and Nicaragua's effective dates were not verified there).
RIO_WITHDRAWALS = {
    "MEX": "notice given in September 2002, ceased to be a party in September 2004",
    "VEN": "denounced the treaty on 5 June 2012 (Cochabamba), withdrawal effective in "
           "2013 (secondary sources); in July 2019 the opposition-controlled National "
           "Assembly claimed to rejoin, so its status is disputed",
    "BOL": "denounced the treaty on 5 June 2012 (Cochabamba); effective date not "
           "verified (likely 2013–2014)",
    "ECU": "denounced the treaty on 5 June 2012 (Cochabamba); withdrawal formalised by "
           "Executive Decree 217 (February 2014 per secondary sources)",
    "NIC": "denounced the treaty on 5 June 2012 (Cochabamba); effective date not "
           "verified (likely 2013–2014)",
}
RIO_AREA_SHARE = {"USA": 0.05}  # ILLUSTRATIVE: US forces counted for the hemisphere

RIO_CAPABILITIES = (
    PactCapability("OPV", "Offshore patrol vessel", "maritime", "ship", 150, 15, 3, 25,
                   per_bn=0.40, min_spending=200, maritime=True),
    PactCapability("FRIGATE", "Frigate", "maritime", "ship", 800, 50, 5, 30,
                   per_bn=0.30, min_spending=2500, maritime=True),
    PactCapability("MPA", "Maritime patrol aircraft squadron", "maritime", "squadron", 800,
                   50, 3, 25, per_bn=0.05, min_spending=3000, maritime=True),
    PactCapability("FTR_SQN", "Fighter squadron", "air", "squadron", 1500, 100, 4, 30,
                   per_bn=0.15, min_spending=2500),
    PactCapability("INF_BDE", "Light infantry brigade", "land", "brigade", 600, 120, 2, 30,
                   per_bn=0.60, min_spending=50),
    PactCapability("AIRLIFT", "Airlift squadron", "enablers", "squadron", 1000, 80, 3, 30,
                   per_bn=0.08, min_spending=1000),
)

RIO_REGIONS = (
    ("CARIBBEAN", "Caribbean", "The Caribbean Sea, its islands and the approaches to the "
     "Panama Canal."),
    ("CENTRAL_AM", "Central America", "Guatemala to Panama, the isthmus and the Canal."),
    ("S_ATLANTIC", "South Atlantic", "Brazil, Uruguay and Argentina's coasts and sea "
     "lanes."),
    ("PACIFIC", "Pacific coast", "Colombia, Peru and Chile's coasts and the eastern "
     "Pacific."),
)
# (CARIBBEAN, CENTRAL_AM, S_ATLANTIC, PACIFIC)
RIO_SPLIT = {
    "maritime": (0.30, 0.15, 0.30, 0.25),
    "air": (0.25, 0.25, 0.25, 0.25),
    "land": (0.20, 0.30, 0.25, 0.25),
    "enablers": (0.25, 0.25, 0.25, 0.25),
}
# ILLUSTRATIVE floors (the Rio Treaty sets no spending benchmark): 0.5 % of GDP from
# 2025, 1 % by 2035 along a straight line; 0 for the states without armed forces.
RIO_FLOORS = ((2025, 0.5, "step"), (2035, 1.0, "linear"))


def rio_rows(csv: str | Path = OTHER_PACTS_CSV) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The CSV's 2023 Rio rows: (parties, former parties), data gaps left out."""
    rows = read_other_pacts("Rio Treaty", csv)
    parties = rows[rows["status"] == "party"]
    former = rows[rows["status"].str.startswith("withdrew")]
    if set(former.index) != set(RIO_WITHDRAWALS):
        raise ValueError(f"former Rio parties in the CSV: {sorted(former.index)}")
    return (parties.drop(index=list(RIO_LEFT_OUT)),
            former.drop(index=list(RIO_NO_CANDIDATE)))


def make_rio(path: str | Path, csv: str | Path = OTHER_PACTS_CSV) -> None:
    """The Rio Treaty: its parties' 2023 figures, former parties as Candidates."""
    parties, former = rio_rows(csv)
    members = pact_members(parties, "consent")
    candidates = pact_members(former, "consent", RIO_RETURN_YEAR)
    armed = members[~members["code"].isin(RIO_NO_FORCES)]
    forces = pact_forces(armed, RIO_CAPABILITIES, RIO_AREA_SHARE, RIO_LANDLOCKED)
    candidate_forces = pact_forces(candidates, RIO_CAPABILITIES, RIO_AREA_SHARE,
                                   RIO_LANDLOCKED)
    targets = [("ALL", year, pct, MAX_CHANGE_PP if year == RIO_FLOORS[0][0] else None, phase)
               for year, pct, phase in RIO_FLOORS]
    targets += [(code, year, 0.0, None, "step") for code in sorted(RIO_NO_FORCES)
                for year, _, _ in RIO_FLOORS]
    settings = dict(
        plan_name="Rio Treaty (TIAR) 2025–2035 (illustrative capabilities)",
        first_year=PACT_YEARS[0], last_year=PACT_YEARS[1], price_base_year=PACT_BASE_YEAR,
        currency="USD", discount_rate_pct=2, elastic=True, fair_share_key="gdp",
        fair_share_band_pct=None, solver="highs",
    )
    tables = {
        "Members": members,
        "Candidates": candidates,
        "Capabilities": capabilities_sheet(RIO_CAPABILITIES),
        "Regions": frame(list(RIO_REGIONS), "code name description"),
        "Forces": pd.concat([forces, candidate_forces], ignore_index=True),
        "Requirements": inventory_requirements(forces, RIO_CAPABILITIES, RIO_REGIONS,
                                               RIO_SPLIT, growth=PACT_GROWTH),
        "SpendingTargets": frame(targets, "member from_year min_gdp_pct max_change_pp phase_in"),
    }
    write(path, tables=tables, settings=settings,
                   about=rio_about(members, candidates, parties, former))


def rio_about(members: pd.DataFrame, candidates: pd.DataFrame, parties: pd.DataFrame,
              former: pd.DataFrame) -> list[tuple[str, str]]:
    """The About sheet of rio_pact.xlsx: sources, data gaps, what is illustrative."""
    floors = ", ".join(f"{pct:g} % from {year} ({phase})" for year, pct, phase in RIO_FLOORS)
    names = dict(zip(candidates["code"], candidates["name"]))
    withdrawals = "; ".join(f"{code}: {note}" for code, note in RIO_WITHDRAWALS.items())
    return [
        ("What this is", "The Inter-American Treaty of Reciprocal Assistance (Rio Treaty, "
         "TIAR; signed at Rio de Janeiro on 2 September 1947, in force 3 December 1948) "
         f"with {len(members)} of its 17 current parties' published 2023 GDP, military "
         "expenditure and population, its former parties as Candidates, and ILLUSTRATIVE "
         "capability data (capabilities, regions, forces, costs, requirements, spending "
         "floors) derived from them by simple formulas. The capability data are not any "
         "state's: they show how the planner works for a consent-based pact and must not "
         "be read as an assessment of any state's forces or plans."),
        ("Source", OTHER_PACTS_SOURCE),
        ("Real: Members", "The parties (the CSV's status 'party'): gdp_musd World Bank GDP "
         "2023, defence_spending_musd SIPRI military expenditure 2023, population_m World "
         "Bank population 2023 (million US dollars at current prices, million people), "
         "exactly as in the CSV. price_base_year 2023: the CSV's last year with GDP. "
         "year_joined is blank (parties throughout)."),
        ("Real: % of GDP", PCT_OF_GDP_ABOUT + spending_ratio_about(members, parties) + "."),
        ("Data gap: Bahamas", "Left out of Members: " + RIO_LEFT_OUT["BHS"] + ", and 0 "
         "would claim that it spends nothing on defence (0 is kept for the two parties "
         "without armed forces). The plan therefore covers 16 of the 17 parties; its GDP "
         "(World Bank, 14,338.5 M USD) is not in the fair-share key."),
        ("No armed forces", "Costa Rica has no armed forces and Panama disbanded its "
         "defence forces in 1990 (SIPRI counts neither its national guard nor police): "
         "spending 0 as SIPRI reports, no Forces rows, spending floors of 0 % (their own "
         "SpendingTargets rows)."),
        ("SIPRI caveats", "Argentina 2023: highly uncertain (inflation data). United "
         "States: federal financial year, including part of the National Intelligence "
         "Program and military aid to Ukraine. Chile: adopted budget, including CODELCO "
         "copper transfers. Haiti: budget figures; its armed forces were disbanded in "
         "1994 and a defence line returned to the budget in 2012 (its 11.8 M USD is below "
         "every capability's threshold: no Forces rows). Honduras, El Salvador: including "
         "pensions. Peru: including off-budget CAMISEA gas revenue."),
        ("Obligation", "consent for every party and candidate: Rio Treaty Article 20, "
         "decisions on the measures of Article 8 bind all parties 'with the sole "
         "exception that no State shall be required to use armed force without its "
         "consent'."),
        ("Former parties", "Withdrawals (Article 25: a denunciation takes effect two years "
         "after notice): " + withdrawals + ". All left before the plan's horizon, so "
         "none is a Members row with year_left; the Candidates sheet lists them with "
         f"year_joined {RIO_RETURN_YEAR}, a HYPOTHETICAL return, and their 2023 figures "
         "(World Bank GDP, SIPRI spending; Bolivia's includes some civil defence) and "
         "Forces rows by the formulas below (not counted in the requirements): "
         + ", ".join(f"{code} {name}" for code, name in names.items())
         + ". Venezuela is left out of Candidates: " + RIO_NO_CANDIDATE["VEN"]
         + " and a candidate's gdp_musd must be a number above 0 (its SIPRI 2023 "
         "figure, 3.9 M USD, is marked highly uncertain too)."),
        ("What-if: return", "`planner whatif inputs/rio_pact.xlsx --join MEX:2030` "
         "re-plans with Mexico back from 2030 (its Forces rows come with it; the ALL "
         "spending floors then hold for it); `--join Candidates` brings all four back in "
         f"{RIO_RETURN_YEAR}."),
        ("ILLUSTRATIVE: Capabilities", pact_capabilities_about(RIO_CAPABILITIES)),
        ("ILLUSTRATIVE: Forces", "Inventories from each state's 2023 military expenditure "
         "S (M USD), counted in full, except the United States' at "
         f"{RIO_AREA_SHARE['USA'] * 100:g} % (a stand-in for its forces in the hemisphere). "
         "A state fields a capability if S reaches the capability's threshold, with "
         "max(1, per_bn · S / 1000) units, rounded half up; retirements: inventory / "
         "service life a year; new orders per year at most 15 % of the inventory, at "
         "least 1. Landlocked Paraguay and Bolivia field no maritime forces. Formulas in "
         "scripts/make_examples.py (PactCapability, pact_forces)."),
        ("ILLUSTRATIVE: Regions", "; ".join(f"{code} ({name})" for code, name, _
                                             in RIO_REGIONS) + "."),
        ("ILLUSTRATIVE: Requirements", requirements_about(RIO_REGIONS, RIO_SPLIT)),
        ("ILLUSTRATIVE: SpendingTargets", "The Rio Treaty sets no spending benchmark; "
         f"these floors are invented: {floors} of GDP for every party (member ALL); 0 % "
         "for Costa Rica and Panama. Fair shares by GDP are reported, not enforced (no "
         "band): the United States has over 80 % of the parties' GDP."),
        ("Spending changes", MAX_CHANGE_ABOUT),
        ("Whole units", WHOLE_UNITS_ABOUT),
        ("Regenerate", "scripts/make_examples.py (make examples) writes this workbook from "
         "the CSV."),
    ]


# --------------------------------------------------------------------------- WEU

# The modified Brussels Treaty's parties: NATO country name -> (code, year it joined)
WEU_PARTIES: dict[str, tuple[str, int]] = {
    "Belgium": ("BEL", 1948), "France": ("FRA", 1948), "Luxembourg": ("LUX", 1948),
    "Netherlands": ("NLD", 1948), "United Kingdom": ("GBR", 1948),
    "Germany": ("DEU", 1955), "Italy": ("ITA", 1955),
    "Spain": ("ESP", 1990), "Portugal": ("PRT", 1990), "Greece": ("GRC", 1995),
}
WEU_REGIONS = (
    ("CENTRAL", "Central Europe", "Germany and the Benelux, the eastern land frontier of "
     "the parties' territory."),
    ("NORTH_SEA", "North Sea & Channel", "Sea and air approaches to the United Kingdom, "
     "the Low Countries and Germany."),
    ("ATLANTIC", "Eastern Atlantic", "Approaches to Portugal, Spain, France and the "
     "British Isles."),
    ("MED", "Western Mediterranean", "Spain, southern France, Italy and the central "
     "Mediterranean."),
    ("AEGEAN", "Aegean & Eastern Mediterranean", "Greece, its islands and sea lanes."),
)
# (CENTRAL, NORTH_SEA, ATLANTIC, MED, AEGEAN)
WEU_SPLIT = {
    "land": (0.55, 0.0, 0.0, 0.20, 0.25),
    "air": (0.35, 0.15, 0.10, 0.20, 0.20),
    "maritime": (0.0, 0.30, 0.30, 0.25, 0.15),
    "cyber": (0.20, 0.20, 0.20, 0.20, 0.20),
    "space": (0.40, 0.0, 0.0, 0.30, 0.30),  # few satellites: three regions, less rounding
    "enablers": (0.40, 0.10, 0.10, 0.20, 0.20),
}
WEU_BAND_PCT = 25


def make_brussels(path: str | Path, csv: str | Path = NATO_CSV) -> None:
    """The Western European Union's ten full members with NATO's 2024 figures: a
    counterfactual plan (the WEU was dissolved in 2011), capabilities as nato.xlsx's."""
    raw = read_nato(csv)
    members = nato_members(raw, WEU_PARTIES, "automatic")
    forces = nato_forces(raw, WEU_PARTIES)
    settings = dict(
        plan_name="Western European Union (modified Brussels Treaty) 2025–2035: "
                  "counterfactual",
        first_year=2025, last_year=2035, price_base_year=BASE_YEAR, currency="USD",
        discount_rate_pct=2, elastic=True, fair_share_key="gdp",
        fair_share_band_pct=WEU_BAND_PCT, solver="highs",
    )
    tables = {
        "Members": members,
        "Capabilities": capabilities_sheet(CAPABILITIES),
        "Regions": frame(list(WEU_REGIONS), "code name description"),
        "Forces": forces,
        "Requirements": inventory_requirements(forces, CAPABILITIES, WEU_REGIONS,
                                               WEU_SPLIT, growth=PACT_GROWTH),
        "SpendingTargets": frame([("ALL", 2025, 2.0, 20, MAX_CHANGE_PP, "step"),
                                  ("ALL", 2035, 3.5, 20, None, "linear")],
                                 "member from_year min_gdp_pct min_equipment_pct max_change_pp phase_in"),
    }
    write(path, tables=tables, settings=settings, about=brussels_about(raw))


def brussels_about(raw: pd.DataFrame) -> list[tuple[str, str]]:
    """The About sheet of brussels_treaty.xlsx."""
    notes = nato_spending_notes(raw, WEU_PARTIES)
    return [
        ("What this is", "A COUNTERFACTUAL plan: the Western European Union, the pact of "
         "the modified Brussels Treaty, was dissolved in 2011. This workbook asks what its "
         "ten full members would plan today under its Article V, with NATO's published "
         "2024 figures and ILLUSTRATIVE capability data (a smaller, European-scale variant "
         "of inputs/nato.xlsx). The capability data are not any state's and must not be "
         "read as an assessment of any state's forces or plans."),
        ("Treaty", "Treaty of Brussels, signed 17 March 1948 by Belgium, France, "
         "Luxembourg, the Netherlands and the United Kingdom; modified by the Paris "
         "Protocol of 23 October 1954, which brought in Germany and Italy (year_joined "
         "1955, when the Western European Union was set up); Spain and Portugal full "
         "members from 1990, Greece from 1995 (year_joined: documentation only, before "
         "the horizon)."),
        ("Obligation", "automatic for all ten: modified Brussels Treaty, Article V, the "
         "other parties 'will … afford the Party so attacked all the military and other "
         "aid and assistance in their power'."),
        ("Source", "NATO, Defence Expenditure of NATO Countries (2014-2024), press release "
         "of 17 June 2024, Excel tables (copy in inputs/data/"
         "nato_defence_expenditure_2014_2024.csv); the same figures and conventions as "
         "inputs/nato.xlsx (all ten are NATO allies). The 2024 figures are NATO's "
         "estimates. Treaty dates and Article V's text: inputs/data/"
         "other_pacts_and_treaties.md (Article V as printed by the UK House of Commons "
         "Defence Committee, Eighth Report 1999–2000, Annex)."),
        ("Real: Members", "gdp_musd and defence_spending_musd: 2024, million US dollars at "
         "current prices; equipment_pct: 2024 share of defence expenditure on major "
         "equipment; gdp_growth_pct: the compound annual growth of GDP at constant 2015 "
         "prices from 2014 to 2024 (Luxembourg: without the 2023 break in NATO's series, "
         "as in nato.xlsx). defence_spending_musd / gdp_musd equals NATO's 2024 % of GDP to "
         "0.01 percentage points (checked when the workbook is generated)"
         + (": " + "; ".join(notes) if notes else "") + "."),
        ("Not given: population", "population_m is blank: NATO's table has none. The "
         "fair-share key is GDP."),
        ("ILLUSTRATIVE: Capabilities and Forces", "The eleven capabilities, costs and "
         "inventories of inputs/nato.xlsx, by the same formulas (from each state's 2024 "
         "military personnel and equipment spending; landlocked Luxembourg fields no "
         "maritime forces): see scripts/make_examples.py (CAPABILITIES, nato_forces)."),
        ("ILLUSTRATIVE: Regions", "Five regions 'in Europe' (Article V): "
         + "; ".join(f"{code} ({name})" for code, name, _ in WEU_REGIONS) + "."),
        ("ILLUSTRATIVE: Requirements", requirements_about(WEU_REGIONS, WEU_SPLIT)),
        ("ILLUSTRATIVE: SpendingTargets", "The WEU had no spending benchmark; the ten "
         "are NATO allies, so NATO's are used: 2 % of GDP and 20 % of it on major "
         "equipment from 2025 (Wales, 2014), 3.5 % by 2035 along a straight line (The "
         "Hague, 2025; core defence only)."),
        ("Spending changes", MAX_CHANGE_ABOUT),
        ("Whole units", WHOLE_UNITS_ABOUT),
        ("Fair shares", f"Key GDP, band {WEU_BAND_PCT} %: each member's discounted "
         "spending over the horizon stays within 0.75–1.25 times its GDP share of the "
         "members' spending."),
        ("Regenerate", "scripts/make_examples.py (make examples) writes this workbook from "
         "the CSV."),
    ]


def _year(raw: pd.DataFrame, country: str, year: int) -> pd.Series:
    row = raw[(raw["country"] == country) & (raw["year"] == year)]
    if len(row) != 1:
        raise ValueError(f"{country} {year}: {len(row)} rows in NATO's table")
    return row.iloc[0]


EXAMPLES = {
    "tutorial.xlsx": make_tutorial,
    "nato.xlsx": make_nato,
    "anzus.xlsx": make_anzus,
    "rio_pact.xlsx": make_rio,
    "brussels_treaty.xlsx": make_brussels,
}


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    out = Path(args[0]) if args else ROOT / "inputs"
    for name, make in EXAMPLES.items():
        make(out / name)
    print("wrote " + ", ".join(str(out / name) for name in EXAMPLES))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
