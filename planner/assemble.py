"""Turn validated tables into a `models.PlanData`: the workbook's conventions resolved.

- percentages become fractions;
- sparse requirement years are carried forward: a row holds from its year until the next
  row for the same capability and region, up to the last year;
- spending targets are resolved per member, column and year: the ALL rows hold until the
  member's first own row that fills the column, its own rows from then on; a target holds
  from its year (a blank cell carries the previous row's value on), or with phase_in
  linear is approached along a straight line from the previous row's value;
- fair-share bands: Settings' band, overridden per member in FairShare; exempt: none.
"""

from __future__ import annotations

import dataclasses
import math
from typing import Any

import numpy as np
import pandas as pd

from models import PlanData
from models.data import TARGET_COLUMNS
from models.penalty import derived_shortfall_penalty

from .schema import ALL, parse_mix

TARGET_SOURCES = dict(zip(TARGET_COLUMNS, ("min_gdp_pct", "max_gdp_pct", "min_equipment_pct", "max_real_growth_pct",
                                             "max_change_pp", "one_way_path")))
RULES = ("one_way",)  # yes/no targets: 1 or 0, always a step (phase_in does not apply)


def assemble(settings: dict[str, Any], tables: dict[str, pd.DataFrame]) -> PlanData:
    first, last = settings["first_year"], settings["last_year"]
    years = list(range(first, last + 1))
    members = member_frame(tables["Members"])
    candidates = member_frame(tables["Candidates"]) if tables.get("Candidates") is not None else None

    caps = tables["Capabilities"].set_index("code")[["name", "domain", "unit", "integer", "parts_per_unit",
                                                     "part_name", "payment_profile"]]
    caps = caps.rename(columns={"parts_per_unit": "parts", "part_name": "part"}).astype({"parts": float})
    caps.index.name = "capability"
    regions = tables["Regions"].set_index("code")[["name", "host"]]
    regions.index.name = "region"
    f = tables["Forces"].set_index(["member", "capability"])
    forces = pd.DataFrame(
        {
            "existing": f["existing_units"],
            "retirements": f["retirements_per_year"],
            "max_new": f["max_new_per_year"].map(lambda v: math.inf if pd.isna(v) else v),
            "acquisition_cost": f["acquisition_cost_musd"],
            "operating_cost": f["operating_cost_musd"],
            "lead_time": f["lead_time_years"],
            "service_life": f["service_life_years"],
        }
    ).astype(float)
    band_default = settings.get("fair_share_band_pct")
    fair = tables.get("FairShare")
    band = pd.Series(np.nan if band_default is None else band_default / 100, index=members.index)
    custom = pd.Series(dtype=float)
    if fair is not None and not fair.empty:
        fair = fair.set_index("member")
        override = fair["band_pct"].dropna().astype(float) / 100
        band.loc[override.index] = override
        band.loc[fair.index[fair["exempt"].astype(bool)]] = np.nan
        custom = fair["custom_share"].dropna().astype(float)
    optional = _prepositioning(tables, years)
    excl = tables.get("Exclusions")
    exclusions = frozenset() if excl is None else frozenset(zip(excl["member"], excl["region"]))
    part = tables.get("Participation")
    participation = ({} if part is None else
                     {(m, sc): p for m, sc, p in zip(part["member"], part["scenario"], part["participation"])})
    susp = tables.get("Suspensions")
    suspensions = () if susp is None else tuple(
        (m, towards, int(first), None if pd.isna(last) else int(last))
        for m, towards, first, last in zip(susp["member"], susp["towards"], susp["from_year"], susp["to_year"]))
    data = PlanData(
        name=settings["plan_name"],
        first_year=first,
        last_year=last,
        base_year=settings["price_base_year"],
        currency=settings["currency"],
        discount_rate=settings["discount_rate_pct"] / 100,
        elastic=bool(settings["elastic"]),
        shortfall_penalty=math.nan if settings.get("shortfall_penalty_musd") is None
        else settings["shortfall_penalty_musd"],
        spending_gap_penalty=settings["spending_gap_penalty"],
        fair_share_key=settings["fair_share_key"],
        fair_share_mix=parse_mix(settings.get("fair_share_mix")) if settings["fair_share_key"] == "mix" else {},
        fair_share_cap=math.nan if settings.get("fair_share_cap_pct") is None
        else settings["fair_share_cap_pct"] / 100,
        members=members,
        capabilities=caps,
        regions=regions,
        forces=forces,
        requirements=fill_requirements(tables["Requirements"], years),
        targets=resolve_targets(tables["SpendingTargets"], list(members.index) + (
            [] if candidates is None else list(candidates.index)), years),
        custom_share=custom,
        fair_band=band,
        exclusions=exclusions,
        participation=participation,
        suspensions=suspensions,
        max_requirement_share=math.nan if settings.get("max_requirement_share_pct") is None
        else settings["max_requirement_share_pct"] / 100,
        max_capability_share=math.nan if settings.get("max_capability_share_pct") is None
        else settings["max_capability_share_pct"] / 100,
        scenario_objective=settings["scenario_objective"],
        abstentions=int(settings.get("abstentions") or 0),
        robust_recourse=bool(settings.get("robust_recourse", True)),
        common_funding_key=settings["common_funding_key"],
        common_funding_cap=math.nan if settings.get("common_funding_cap_pct") is None
        else settings["common_funding_cap_pct"] / 100,
        **optional,
        **({} if candidates is None else {"candidates": candidates}),
        solver=settings["solver"],
        time_limit_s=settings["time_limit_s"],
        mip_gap=settings["mip_gap_pct"] / 100,
    )
    if math.isnan(data.shortfall_penalty):  # blank: derived from the data (models/penalty.py)
        data = dataclasses.replace(data, shortfall_penalty=derived_shortfall_penalty(data),
                                   shortfall_penalty_derived=True)
    return data


def member_frame(table: pd.DataFrame) -> pd.DataFrame:
    """Members (or Candidates) rows as PlanData.members: fractions, not percentages."""
    m = table.set_index("code")
    frame = pd.DataFrame(
        {
            "name": m["name"],
            "gdp": m["gdp_musd"].astype(float),
            "gdp_growth": m["gdp_growth_pct"].astype(float) / 100,
            "spending": m["defence_spending_musd"].astype(float),
            "equipment_share": m["equipment_pct"].astype(float) / 100,
            "population": pd.to_numeric(m["population_m"], errors="coerce"),
            "gni": pd.to_numeric(m["gni_musd"], errors="coerce"),
            "gdp_ppp": pd.to_numeric(m["gdp_ppp_musd"], errors="coerce"),
            "max_abroad": pd.to_numeric(m["max_abroad_pct"], errors="coerce") / 100,
            "participation": pd.to_numeric(m["participation_pct"], errors="coerce") / 100,
            "obligation": m["obligation"],
            "year_joined": pd.to_numeric(m["year_joined"], errors="coerce"),
            "year_left": pd.to_numeric(m["year_left"], errors="coerce"),
        }
    )
    frame.index.name = "member"
    return frame


def fill_requirements(rows: pd.DataFrame, years: list[int], by: tuple[str, ...] = ("capability", "region"),
                      keep_zero: bool = False) -> pd.Series:
    """q[..., t] for every year, each row carried forward to the next row's year."""
    out: dict[tuple, float] = {}
    for key, group in rows.sort_values("year").groupby(list(by), sort=False):
        steps = list(zip(group["year"], group["units"]))
        for t in years:
            held = [u for y, u in steps if y <= t]
            if held and (held[-1] > 0 or keep_zero):
                out[(*key, t)] = float(held[-1])
    series = pd.Series(list(out.values()), dtype=float, name="units")
    series.index = pd.MultiIndex.from_tuples(list(out), names=[*by, "year"]) if out else pd.MultiIndex.from_tuples([], names=[*by, "year"])
    return series


def _prepositioning(tables: dict[str, pd.DataFrame], years: list[int]) -> dict[str, Any]:
    """Sites, basing rights, sets, transit and scenarios: only the sheets that are given."""
    out: dict[str, Any] = {}
    sites = tables.get("Sites")
    if sites is not None and not sites.empty:
        frame = sites.set_index("code").rename(columns={
            "fixed_cost_musd": "fixed_cost", "upkeep_musd": "upkeep", "capacity_sets": "capacity"})
        out["sites"] = frame[["name", "host", "region", "fixed_cost", "upkeep", "capacity", "existing"]].rename_axis("site")
    basing = tables.get("BasingRights")
    if basing is not None and not basing.empty:
        out["basing"] = basing[["user", "host", "site", "allowed", "max_sets"]].reset_index(drop=True)
    pre = tables.get("Prepositioning")
    if pre is not None and not pre.empty:
        out["prepositioning"] = pre.set_index("capability").rename(columns={
            "set_cost_musd": "set_cost", "storage_cost_musd": "storage_cost"})[
            ["set_cost", "storage_cost", "set_size", "can_draw"]]
    transit = tables.get("Transit")
    if transit is not None and not transit.empty:
        out["transit"] = transit.rename(columns={"cost_musd": "cost"})[
            ["from_member", "from_site", "capability", "region", "mode", "days", "cost"]].reset_index(drop=True)
    scenarios = tables.get("Scenarios")
    if scenarios is not None and not scenarios.empty:
        frame = scenarios.set_index("code").rename(columns={"requirement_scale": "scale"})
        out["scenarios"] = frame[["name", "probability", "warning_days", "scale", "abstentions"]].astype(
            {"probability": float, "warning_days": float, "scale": float, "abstentions": float}).rename_axis("scenario")
        own = tables.get("ScenarioRequirements")
        if own is not None and not own.empty:
            out["scenario_requirements"] = fill_requirements(
                own, years, by=("scenario", "capability", "region"), keep_zero=True)
    return out


def resolve_targets(rows: pd.DataFrame, members: list[str], years: list[int]) -> pd.DataFrame:
    """Targets per (member, year) as fractions; NaN where none applies."""
    index = pd.MultiIndex.from_product([members, years], names=["member", "year"])
    out = pd.DataFrame(np.nan, index=index, columns=list(TARGET_COLUMNS))
    for target, source in TARGET_SOURCES.items():
        if source not in rows:  # a table built in code may leave a column out: no target
            continue
        given = rows[rows[source].notna()]  # a blank cell: this row says nothing for the column
        common = given[given["member"] == ALL]
        for m in members:
            points = _target_path(common, given[given["member"] == m], source, target in RULES)
            for t in years:
                out.at[(m, t), target] = _value_at(points, t)
    return out


def _target_path(common: pd.DataFrame, own: pd.DataFrame, source: str,
                 rule: bool = False) -> list[tuple[int, float, str]]:
    """(year, fraction, phase_in) points of one member and column: the ALL rows until the
    member's first own row, then its own rows only (a later ALL row does not reach it). A
    `rule` (yes/no) column gives 1 or 0, as steps."""
    if not own.empty:
        common = common[common["from_year"] < own["from_year"].min()]
    path = pd.concat([common, own]).sort_values("from_year", kind="stable")
    if rule:
        return list(zip(path["from_year"], path[source].astype(bool).astype(float), ["step"] * len(path)))
    return list(zip(path["from_year"], path[source].astype(float) / 100, path["phase_in"]))


def _value_at(points: list[tuple[int, float, str]], t: int) -> float:
    """A step or linear path through (year, value, phase_in) points, at year t."""
    before = [p for p in points if p[0] <= t]
    after = [p for p in points if p[0] > t]
    if not before:
        return np.nan
    year0, value0, _ = before[-1]
    if after and after[0][2] == "linear":
        year1, value1, _ = after[0]
        return value0 + (value1 - value0) * (t - year0) / (year1 - year0)
    return value0
