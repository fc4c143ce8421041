"""Generate the example workbooks inputs/tutorial.xlsx, nato.xlsx, anzus.xlsx,
rio_pact.xlsx and brussels_treaty.xlsx.

    .venv/bin/python scripts/make_examples.py [OUT_DIR]      (default: inputs/)

The data are tables, not code: the published figures in inputs/data/*.csv, the
ILLUSTRATIVE data (capabilities, regions, requirements, sites, scenarios, settings…) in
inputs/data/illustrative/ (its README.md says what each file holds) and the About sheets'
text in inputs/data/about/<example>.md, whose {placeholders} this script fills in. The
script holds only the formulas that derive data from the published figures: NATO forces
from personnel and equipment spending (`nato_forces`), the other pacts' forces from
spending (`pact_forces`), requirements from the inventory (`inventory_requirements`),
NATO's transit times from distances (`nato_transit`). All workbooks are written through
`planner.template.write_workbook`, so every sheet follows planner/schema.py, with a fixed
time stamp, so that the same tables give the same bytes.
"""

from __future__ import annotations

import csv
import io
import math
import re
import sys
import zipfile
from pathlib import Path
from types import SimpleNamespace as Row

import pandas as pd

from planner.template import write_workbook

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "inputs" / "data"
ILLUSTRATIVE, ABOUT = DATA / "illustrative", DATA / "about"
NATO_CSV = DATA / "nato_defence_expenditure_2014_2024.csv"
OTHER_PACTS_CSV = DATA / "other_pacts_2023_2024.csv"
BASE_YEAR, TREND_FROM = 2024, 2014  # NATO's table: base year, start of the GDP trend
PACT_BASE_YEAR = 2023  # the other pacts' CSV's consistent year (its 2024 rows have no GDP)
PCT_TOLERANCE = 0.01  # percentage points: spending / GDP must match NATO's % of GDP
ANZUS_IN_FORCE = 1952  # entered into force 29 April 1952 (ATS 1952 No 2)

# The workbooks' bytes depend on the data only: every zip entry and docProps/core.xml's
# created/modified dates carry this fixed time instead of the time of writing.
STAMP = (2025, 1, 1, 0, 0, 0)
CORE_DATE = re.compile(r"(<dcterms:(created|modified)\b[^>]*>)[^<]*(</dcterms:\2>)")

FORCES = ("member capability existing_units retirements_per_year max_new_per_year "
          "acquisition_cost_musd operating_cost_musd lead_time_years service_life_years")
SHEETS = {"members": "Members", "capabilities": "Capabilities", "regions": "Regions",
          "forces": "Forces", "requirements": "Requirements", "fair_share": "FairShare",
          "spending_targets": "SpendingTargets", "exclusions": "Exclusions",
          "sites": "Sites", "basing_rights": "BasingRights", "scenarios": "Scenarios"}


# --------------------------------------------------------------------------- tables

def value(text: str):
    """A CSV cell: blank None, yes/no a bool, 12 an int, 1.5 or 12.0 a float, else text."""
    if text == "":
        return None
    if text in ("yes", "no"):
        return text == "yes"
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    return text


def rows(name: str, folder: Path = ILLUSTRATIVE) -> list[Row]:
    """The rows of `folder`/`name`.csv, each with one attribute per column."""
    with open(folder / f"{name}.csv", newline="", encoding="utf-8") as f:
        return [Row(**{k: value(v) for k, v in r.items()}) for r in csv.DictReader(f)]


def frame(records, columns: str | None = None) -> pd.DataFrame:
    """A DataFrame from row tuples and space-separated column names, or from `rows`."""
    if columns is None:
        return pd.DataFrame([vars(r) for r in records])
    return pd.DataFrame(records, columns=columns.split())


def sheets(example: str) -> dict[str, pd.DataFrame]:
    """The sheets held as tables as they are: illustrative/<example>_<sheet>.csv."""
    return {sheet: frame(rows(f"{example}_{stem}")) for stem, sheet in SHEETS.items()
            if (ILLUSTRATIVE / f"{example}_{stem}.csv").exists()}


def settings(example: str) -> dict[str, object]:
    """The example's column of illustrative/settings.csv; blank: the setting's default."""
    return {r.setting: getattr(r, example) for r in rows("settings")
            if getattr(r, example) is not None}


def parameters(example: str) -> dict[str, object]:
    return {r.name: r.value for r in rows("parameters") if r.example == example}


def by_region(name: str) -> dict[str, dict[str, float]]:
    """A <pact>_region_split table: domain -> region -> share of the requirement."""
    return {r.domain: {k: v for k, v in vars(r).items() if k != "domain"} for r in rows(name)}


def growth(name: str) -> dict[str, dict[int, float]]:
    """A <pact>_requirement_growth table: capability (or ALL) -> year -> factor."""
    return {r.capability: {int(k): v for k, v in vars(r).items() if k != "capability"}
            for r in rows(name)}


def about(example: str, **values) -> list[tuple[str, str]]:
    """The About sheet: about/<example>.md, a `## topic` line before each text, with
    `values` and about/common.md's texts filled in for its {placeholders}."""
    def sections(name):
        text = (ABOUT / f"{name}.md").read_text(encoding="utf-8")
        return [block.split("\n", 1) for block in text.split("## ")[1:]]
    common = {}
    for key, text in sections("common"):
        try:
            common[key] = text.strip("\n").format(**values)
        except KeyError:  # a value this example does not give: it does not use the text
            pass
    return [(topic, text.strip("\n").format(**common, **values))
            for topic, text in sections(example)]


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


def round_half_up(x: float) -> int:
    return math.floor(x + 0.5)


# --------------------------------------------------------------------------- formulas

def inventory_requirements(forces: pd.DataFrame, capabilities, regions, split,
                           factors: dict[str, dict[int, float]]) -> pd.DataFrame:
    """Requirements: the members' base-year inventory of each capability times the
    year's growth factor (`factors[capability]`, else `factors["ALL"]`), split over
    `regions` by the shares `split[domain][region]`, rounded half up; zeros left out."""
    inventory = forces.groupby("capability")["existing_units"].sum()
    out = []
    for cap in capabilities:
        for year, factor in factors.get(cap.code, factors["ALL"]).items():
            for region in regions:
                share = split[cap.domain][region.code]
                units = round_half_up(factor * inventory.get(cap.code, 0) * share)
                if units > 0:
                    out.append((cap.code, region.code, year, units))
    return frame(out, "capability region year units")


def requirements_about(regions, split, factors) -> dict[str, str]:
    """How the Requirements sheet was derived: about/common.md's requirements text."""
    years = factors["ALL"]
    return dict(req_years=", ".join(map(str, years)),
                req_factors=", ".join(f"{g * 100:g} %" for g in years.values()),
                req_shares="; ".join(f"{domain}: " + ", ".join(
                    f"{r.code} {shares[r.code] * 100:g} %" for r in regions if shares[r.code])
                    for domain, shares in split.items()))


def codes(records) -> str:
    return "; ".join(f"{r.code} ({r.name})" for r in records)


# --------------------------------------------------------------------------- tutorial

def make_tutorial(path: str | Path) -> None:
    """The three-member teaching instance of docs/tutorial.md and tests/tutorial_data.py."""
    write(path, tables=sheets("tutorial"), settings=settings("tutorial"),
          about=about("tutorial"))


# --------------------------------------------------------------------------- NATO

def allies(name: str = "nato_allies") -> dict[str, Row]:
    """NATO name -> the ally's row of inputs/data/nato_allies.csv (code, year_joined…)."""
    facts = {r.code: r for r in rows("nato_allies", DATA)}
    return {r.name: Row(**{**vars(facts[r.code]), **vars(r)}) for r in rows(name, DATA)}


def read_nato(csv_path: str | Path = NATO_CSV) -> pd.DataFrame:
    """NATO's table, allies only (no aggregates), one row per ally and year."""
    data = pd.read_csv(csv_path)
    names = allies()
    data = data[data["country"].isin(names)]
    missing = set(names) - set(data["country"])
    if missing:
        raise ValueError(f"allies missing from {csv_path}: {sorted(missing)}")
    return data


def _year(raw: pd.DataFrame, country: str, year: int) -> pd.Series:
    row = raw[(raw["country"] == country) & (raw["year"] == year)]
    if len(row) != 1:
        raise ValueError(f"{country} {year}: {len(row)} rows in NATO's table")
    return row.iloc[0]


def trend_growth_pct(raw: pd.DataFrame, ally: Row) -> float:
    """Compound annual growth of GDP at constant 2015 prices, TREND_FROM to BASE_YEAR.

    The geometric mean of the year-on-year ratios, leaving out the change into the
    ally's gdp_series_break year (a change of measure, not growth).
    """
    gdp = {t: _year(raw, ally.name, t).gdp_usd_m_const2015
           for t in range(TREND_FROM, BASE_YEAR + 1)}
    ratios = [gdp[t] / gdp[t - 1] for t in range(TREND_FROM + 1, BASE_YEAR + 1)
              if ally.gdp_series_break != t]
    return (math.prod(ratios) ** (1 / len(ratios)) - 1) * 100


def nato_members(raw: pd.DataFrame, members: dict[str, Row], obligation: str) -> pd.DataFrame:
    """Members sheet from NATO's 2024 figures; trend growth from constant-price GDP.

    Where NATO's current-USD expenditure disagrees with its own % of GDP by more than
    PCT_TOLERANCE, spending is NATO's % of GDP times GDP (NATO's headline ratio, the
    one the benchmarks are judged on); `nato_spending_notes` lists those allies.
    """
    out = []
    for country, ally in members.items():
        now = _year(raw, country, BASE_YEAR)
        spending, equipment = 0.0, 0.0  # Iceland: no armed forces
        if not pd.isna(now.defexp_usd_m_current):
            spending = now.defexp_usd_m_current
            if abs(spending / now.gdp_usd_m_current * 100 - now.defexp_pct_gdp) > PCT_TOLERANCE:
                spending = now.defexp_pct_gdp / 100 * now.gdp_usd_m_current
            equipment = round(now.equipment_pct_of_defexp, 2)
        out.append((ally.code, country, round(now.gdp_usd_m_current, 1),
                    round(trend_growth_pct(raw, ally), 2), round(spending, 1), equipment,
                    None, obligation, ally.year_joined))
    table = frame(out, "code name gdp_musd gdp_growth_pct defence_spending_musd "
                       "equipment_pct population_m obligation year_joined")
    for row in table.itertuples():  # not `assert`: holds under python -O too
        pct = _year(raw, row.name, BASE_YEAR).defexp_pct_gdp
        implied = row.defence_spending_musd / row.gdp_musd * 100
        if abs(implied - (0.0 if pd.isna(pct) else pct)) > PCT_TOLERANCE:
            raise AssertionError(f"{row.code}: {implied:.4f} % of GDP, NATO says {pct:.4f} %")
    return table


def nato_spending_notes(raw: pd.DataFrame, members: dict[str, Row]) -> str:
    """Allies whose current-USD expenditure and % of GDP disagree in NATO's own table."""
    notes = []
    for country in members:
        now = _year(raw, country, BASE_YEAR)
        if pd.isna(now.defexp_usd_m_current):
            continue
        implied = now.defexp_usd_m_current / now.gdp_usd_m_current * 100
        if abs(implied - now.defexp_pct_gdp) > PCT_TOLERANCE:
            notes.append(f"{country}: {now.defexp_usd_m_current:,.1f} M USD is "
                         f"{implied:.2f} % of GDP, NATO's table says "
                         f"{now.defexp_pct_gdp:.2f} %; the workbook uses "
                         f"{now.defexp_pct_gdp / 100 * now.gdp_usd_m_current:,.1f} M USD")
    return "; ".join(notes) or "none"


def nato_forces(raw: pd.DataFrame, members: dict[str, Row], capabilities) -> pd.DataFrame:
    """Forces sheet: ILLUSTRATIVE inventories from personnel and equipment spending.

    Inventory of an ally m (2024), rounded half up to whole units: by personnel
    P_m / personnel_k_per_unit (P_m: thousands of personnel), else by equipment
    10 · E_m · stock_share / acquisition cost (E_m: 2024 equipment spending, M USD;
    10 · E_m stands for the equipment in service). The ally has a Forces row if it
    fields at least one unit or if E_m ≥ min_equipment_musd; it can order new units only
    if E_m ≥ min_equipment_musd, at most max(1, ceil(max_new_share · inventory)) a year.
    Allies without armed forces field nothing, landlocked allies nothing maritime.
    """
    out = []
    for country, ally in members.items():
        if not ally.armed_forces:
            continue
        now = _year(raw, country, BASE_YEAR)
        equipment = now.defexp_usd_m_current * now.equipment_pct_of_defexp / 100
        for cap in capabilities:
            if cap.domain == "maritime" and ally.landlocked:
                continue
            if cap.personnel_k_per_unit is not None:
                units = round_half_up(now.military_personnel_thousands / cap.personnel_k_per_unit)
            else:
                units = round_half_up(10 * equipment * cap.stock_share / cap.acquisition_cost_musd)
            can_order = equipment >= cap.min_equipment_musd
            if units == 0 and not can_order:
                continue
            max_new = max(1, math.ceil(cap.max_new_share * units)) if can_order else 0
            out.append((ally.code, cap.code, units, round(units / cap.service_life_years, 2),
                        max_new, cap.acquisition_cost_musd, cap.operating_cost_musd,
                        cap.lead_time_years, cap.service_life_years))
    return frame(out, FORCES)


def km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance in km."""
    (la1, lo1), (la2, lo2) = (tuple(map(math.radians, p)) for p in (a, b))
    h = (math.sin((la2 - la1) / 2) ** 2
         + math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2)
    return 2 * 6371.0 * math.asin(math.sqrt(h))


def nato_transit(regions, sites, p: dict[str, float]) -> pd.DataFrame:
    """Transit sheet. North America by sea as nato_transatlantic.csv gives it; European
    allies (nato_home_points.csv) and sites by rail or road (the United Kingdom first by
    sea): days = ceil(load_days (draw_days from a site) + route_factor · great-circle km
    / km_per_day) + sea crossing, cost = move_base + move_per_km · route km per unit. No
    row from an ally within the region (members_within) or under near_km of route."""
    out = [(r.member, None, r.region, "sea", r.days, r.cost_musd)
           for r in rows("nato_transatlantic")]
    targets = [(r.code, (r.lat, r.lon), set((r.members_within or "").split()))
               for r in regions if r.lat is not None]

    def move(point, target, start_days):
        route = p["route_factor"] * km(point, target)
        return (route, math.ceil(start_days + route / p["km_per_day"]),
                round(p["move_base_musd"] + p["move_per_km_musd"] * route, 1))
    for home in rows("nato_home_points"):
        for region, target, within in targets:
            route, days, cost = move((home.lat, home.lon), target, p["load_days"])
            if home.member in within or route < p["near_km"]:
                continue
            sea = home.sea_crossing_days
            out.append((home.member, None, region, "sea" if sea else "rail", days + (sea or 0), cost))
    for site in sites:
        for region, target, _ in targets:
            _, days, cost = move((site.lat, site.lon), target, p["draw_days"])
            out.append((None, site.code, region, "rail", days, cost))
    return frame(out, "from_member from_site region mode days cost_musd")


def make_nato(path: str | Path) -> None:
    """The 32 allies with NATO's 2024 figures and illustrative capability data."""
    raw, members = read_nato(), allies()
    caps, regions, sites = rows("nato_capabilities"), rows("nato_regions"), rows("nato_sites")
    p, heavy = parameters("nato"), [c for c in caps if c.prepositioned]
    forces = nato_forces(raw, members, caps)
    requirements = inventory_requirements(forces, caps, regions, by_region("nato_region_split"),
                                          growth("nato_requirement_growth"))
    threatened = rows("nato_threatened")
    scenario_requirements = [
        (t.scenario, r.capability, t.region, r.year, round_half_up(t.factor * r.units))
        for t in threatened for r in requirements.itertuples(index=False)
        if r.region == t.region and r.capability in {c.code for c in heavy}]
    tables = {
        **sheets("nato"),
        "Members": nato_members(raw, members, "deems-necessary"),
        "Forces": forces,
        "Requirements": requirements,
        "Prepositioning": frame([(c.code, p["set_share"] * c.acquisition_cost_musd,
                                  p["storage_share"] * c.acquisition_cost_musd) for c in heavy],
                                "capability set_cost_musd storage_cost_musd"),
        "Transit": nato_transit(regions, sites, p),
        "ScenarioRequirements": frame(scenario_requirements,
                                      "scenario capability region year units"),
    }

    def site(x):
        return (f"{x.code} {x.name.split(' (')[0]} ({x.host}, {x.region}): {x.capacity_sets} "
                f"sets, {x.fixed_cost_musd:,.0f} M USD {'to keep' if x.existing else 'to open'}, "
                f"{x.upkeep_musd:,.0f} M USD a year")
    gbr = next(h for h in rows("nato_home_points") if h.member == "GBR")
    text = about(
        "nato", **p, max_change_pp=max_change(tables["SpendingTargets"]),
        spending_notes=nato_spending_notes(raw, members),
        capabilities="; ".join(f"{c.code} {c.acquisition_cost_musd:,.0f} / "
                               f"{c.operating_cost_musd:,.0f} M USD, {c.lead_time_years} y "
                               f"lead, {c.service_life_years} y life" for c in caps),
        existing_sites="; ".join(site(x) for x in sites if x.existing),
        candidate_sites="; ".join(site(x) for x in sites if not x.existing),
        prepositioned=", ".join(c.code for c in heavy),
        set_pct=p["set_share"] * 100, storage_pct=p["storage_share"] * 100,
        gbr_sea_days=gbr.sea_crossing_days, move_per_1000km_musd=p["move_per_km_musd"] * 1000,
        scenarios="; ".join(f"{s.code} ({s.name}): weight {s.probability:g}, "
                            f"{s.warning_days} days' warning" for s in rows("nato_scenarios")),
        threatened="; ".join(f"{s}: " + ", ".join(f"{t.region} × {t.factor:g}" for t in threatened
                                                  if t.scenario == s)
                             for s in dict.fromkeys(t.scenario for t in threatened)))
    write(path, tables=tables, settings=settings("nato"), about=text)


def max_change(targets: pd.DataFrame) -> float:
    """The members' limit on the change of spending (SpendingTargets ALL max_change_pp)."""
    return targets.loc[targets["member"] == "ALL", "max_change_pp"].dropna().iloc[0]


# --------------------------------------------------------------------------- other pacts

def read_other_pacts(pact: str, csv_path: str | Path = OTHER_PACTS_CSV) -> pd.DataFrame:
    """The CSV's 2023 rows of one pact ('ANZUS', 'Rio Treaty'), indexed by ISO code."""
    data = pd.read_csv(csv_path)
    found = data[(data["pact"] == pact) & (data["year"] == PACT_BASE_YEAR)]
    if found.empty or not found["iso3"].is_unique:
        raise ValueError(f"{csv_path}: no unique {PACT_BASE_YEAR} rows for {pact}")
    return found.set_index("iso3")


def pact_members(found: pd.DataFrame, obligation: str, joined: int | None = None) -> pd.DataFrame:
    """Members (or Candidates) sheet: the CSV's figures exactly as published.

    gdp_musd: World Bank GDP, defence_spending_musd: SIPRI military expenditure,
    population_m: World Bank population, all 2023 (million US dollars at current prices,
    million people). gdp_growth_pct and equipment_pct stay blank: not in the data.
    """
    out = []
    for code, row in found.iterrows():
        if pd.isna(row.gdp_usd_m_current) or pd.isna(row.milex_usd_m_current):
            raise ValueError(f"{code}: no 2023 GDP or military expenditure in the CSV; "
                             "leave it out and say why in About")
        out.append((code, row.country, row.gdp_usd_m_current, row.milex_usd_m_current,
                    row.population_m, obligation, joined))
    return frame(out, "code name gdp_musd defence_spending_musd population_m obligation "
                      "year_joined")


def pact_forces(members: pd.DataFrame, capabilities, area_share: dict[str, float],
                no_maritime: set[str] = frozenset()) -> pd.DataFrame:
    """Forces sheet: ILLUSTRATIVE inventories from spending.

    A member m with area spending S_m (M USD: its 2023 military expenditure times its
    area share, 1 unless <pact>_area_shares.csv says otherwise) fields a capability if
    S_m ≥ min_spending_musd, with max(1, round_half_up(units_per_1000_musd · S_m / 1000))
    units in service in 2023, retiring units / service life a year, and orders at most
    max(1, ceil(max_new_share · units)) new units a year. Below the threshold it has no
    Forces row; members in `no_maritime` field no maritime capability.
    """
    out = []
    for row in members.itertuples(index=False):
        spending = row.defence_spending_musd * area_share.get(row.code, 1.0)
        for cap in capabilities:
            if spending < cap.min_spending_musd or (cap.domain == "maritime"
                                                    and row.code in no_maritime):
                continue
            units = max(1, round_half_up(cap.units_per_1000_musd * spending / 1000))
            out.append((row.code, cap.code, units, round(units / cap.service_life_years, 2),
                        max(1, math.ceil(cap.max_new_share * units)), cap.acquisition_cost_musd,
                        cap.operating_cost_musd, cap.lead_time_years, cap.service_life_years))
    return frame(out, FORCES)


def pact_about_values(pact: str, members: pd.DataFrame, found: pd.DataFrame, caps, regions):
    """The About placeholders that the ANZUS and Rio examples share."""
    ratios = []
    for m in members.itertuples(index=False):
        sipri = found.at[m.code, "milex_pct_gdp"]
        ratios.append(f"{m.name} {m.defence_spending_musd / m.gdp_musd * 100:.2f} % "
                      f"(SIPRI {'n/a' if pd.isna(sipri) else f'{sipri:.2f} %'})")
    return dict(
        spending_ratios="; ".join(ratios), regions=codes(regions),
        **requirements_about(regions, by_region(f"{pact}_region_split"),
                             growth(f"{pact}_requirement_growth")),
        usa_share_pct=area_shares(pact)["USA"] * 100, n_capabilities=len(caps),
        capability_list="; ".join(
            f"{c.code} ({c.name}) {c.acquisition_cost_musd:,.0f} / {c.operating_cost_musd:,.0f} "
            f"M USD, {c.lead_time_years} y lead, {c.service_life_years} y life, "
            f"{c.units_per_1000_musd:g} per 1,000 M USD from {c.min_spending_musd:,.0f} M USD "
            "a year" for c in caps))


def area_shares(pact: str) -> dict[str, float]:
    return {r.member: r.area_share for r in rows(f"{pact}_area_shares")}


def pact_tables(pact: str, members: pd.DataFrame, forces: pd.DataFrame) -> dict:
    """Members, Capabilities, Regions, Forces, Requirements and SpendingTargets."""
    caps, regions = rows(f"{pact}_capabilities"), rows(f"{pact}_regions")
    return {
        "Members": members,
        **sheets(pact),
        "Forces": forces,
        "Requirements": inventory_requirements(forces, caps, regions,
                                               by_region(f"{pact}_region_split"),
                                               growth(f"{pact}_requirement_growth")),
    }


def make_anzus(path: str | Path, csv_path: str | Path = OTHER_PACTS_CSV) -> None:
    """ANZUS: the three parties' 2023 World Bank GDP and SIPRI spending, illustrative
    capabilities; the treaty as written, the 1986 US suspension towards New Zealand as a
    what-if (`planner whatif … --suspend USA>NZL:2025`)."""
    found = read_other_pacts("ANZUS", csv_path)
    members = pact_members(found, "consultative", ANZUS_IN_FORCE)
    caps, regions = rows("anzus_capabilities"), rows("anzus_regions")
    forces = pact_forces(members, caps, area_shares("anzus"))
    tables = pact_tables("anzus", members, forces)
    targets = tables["SpendingTargets"]
    text = about("anzus", **pact_about_values("anzus", members, found, caps, regions),
                 in_force=ANZUS_IN_FORCE, n_regions=len(regions),
                 max_change_pp=max_change(targets), floor_pct=targets.at[0, "min_gdp_pct"])
    write(path, tables=tables, settings=settings("anzus"), about=text)


def make_rio(path: str | Path, csv_path: str | Path = OTHER_PACTS_CSV) -> None:
    """The Rio Treaty: its parties' 2023 figures, former parties as Candidates
    (inputs/data/rio_pact_notes.csv: withdrawals, data gaps left out, landlocked)."""
    found = read_other_pacts("Rio Treaty", csv_path)
    notes = {r.code: r for r in rows("rio_pact_notes", DATA)}
    withdrawn = {c: r.withdrawal for c, r in notes.items() if r.withdrawal}
    parties = found[found["status"] == "party"]
    former = found[found["status"].str.startswith("withdrew")]
    if set(former.index) != set(withdrawn):
        raise ValueError(f"former Rio parties in the CSV: {sorted(former.index)}")
    left_out = {c: r.left_out_because for c, r in notes.items() if r.left_out_because}
    parties = parties.drop(index=[c for c in left_out if c in parties.index])
    former = former.drop(index=[c for c in left_out if c in former.index])
    return_year = parameters("rio_pact")["return_year"]
    members = pact_members(parties, "consent")
    candidates = pact_members(former, "consent", return_year)
    caps, regions = rows("rio_pact_capabilities"), rows("rio_pact_regions")
    landlocked = {c for c, r in notes.items() if r.landlocked}
    forces, candidate_forces = (pact_forces(m, caps, area_shares("rio_pact"), landlocked)
                                for m in (members, candidates))
    tables = {**pact_tables("rio_pact", members, forces), "Candidates": candidates,
              "Forces": pd.concat([forces, candidate_forces], ignore_index=True)}
    targets = tables["SpendingTargets"]
    floors = targets[targets["member"] == "ALL"]
    text = about(
        "rio_pact", **pact_about_values("rio_pact", members, parties, caps, regions),
        n_members=len(members), return_year=return_year, max_change_pp=max_change(targets),
        **{f"left_out_{c}": why for c, why in left_out.items()},
        withdrawals="; ".join(f"{c}: {w}" for c, w in withdrawn.items()),
        candidates=", ".join(f"{c} {n}" for c, n in zip(candidates["code"], candidates["name"])),
        floors=", ".join(f"{r.min_gdp_pct:g} % from {r.from_year} ({r.phase_in})"
                         for r in floors.itertuples()))
    write(path, tables=tables, settings=settings("rio_pact"), about=text)


def make_brussels(path: str | Path) -> None:
    """The Western European Union's ten full members with NATO's 2024 figures: a
    counterfactual plan (the WEU was dissolved in 2011), capabilities as nato.xlsx's."""
    raw, parties = read_nato(), allies("brussels_treaty_parties")
    caps, regions = rows("nato_capabilities"), rows("brussels_treaty_regions")
    split, factors = by_region("brussels_treaty_region_split"), growth("brussels_treaty_requirement_growth")
    forces = nato_forces(raw, parties, caps)
    targets = sheets("brussels_treaty")["SpendingTargets"]
    tables = {
        "Members": nato_members(raw, parties, "automatic"),
        "Capabilities": frame(caps)[["code", "name", "domain", "unit", "integer"]],
        "Regions": frame(regions),
        "Forces": forces,
        "Requirements": inventory_requirements(forces, caps, regions, split, factors),
        "SpendingTargets": targets,
    }
    config = settings("brussels_treaty")
    text = about("brussels_treaty", spending_notes=nato_spending_notes(raw, parties),
                 regions=codes(regions), **requirements_about(regions, split, factors),
                 max_change_pp=max_change(targets), band_pct=config["fair_share_band_pct"])
    write(path, tables=tables, settings=config, about=text)


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
