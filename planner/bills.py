"""Every member's bill explained: what its added spending buys, what only reaches a floor,
and why it pays more or less than its fair share.

`member_bills` is the table the Overview lays out (one line per member) and the Burden sheet
carries whole. Its parts come from the plan's own tables: Burden (plan cost, top-ups and what
they reach, shares), Capabilities (orders), Deployment (where the member's units serve),
Spending (% of GDP in the base year) and the SpendingTargets (floors).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from models import PlanData

from .units import granularity, in_words

BILL_COLUMNS = ("member", "plan_cost_musd", "plan_cost_share_pct", "fair_share_pct", "burden_share_pct",
                "topup_musd", "buys_musd", "buys", "topup_reaches", "reason")
NEAR = 0.1  # a share within 10 % of the fair share is "about" the fair share
SMALL = 1e-6
NEAR_FLOOR = 0.9  # base-year spending at 90 % of the highest floor or more is "near its floor"


def orders_bought(capabilities: pd.DataFrame, deployment: pd.DataFrame, data: PlanData) -> dict[str, str]:
    """Per member: its orders over the horizon in the capability's own words, dearest first,
    with the regions its units of that capability serve ('FRIGATE 6 ships for NZ_WATERS')."""
    if capabilities.empty:
        return {}
    gran = granularity(data)
    ordered = capabilities[capabilities["ordered_units"] > SMALL]
    sums = ordered.groupby(["member", "capability"], sort=False)[["ordered_units", "acquisition_cost_musd"]].sum()
    served: dict[tuple[str, str], list[str]] = {}
    if len(deployment):
        used = deployment[deployment["units"] > SMALL]
        for (m, c), rows in used.groupby(["member", "capability"], sort=False):
            served[m, c] = sorted(rows["region"].unique())
    out: dict[str, str] = {}
    for m, rows in sums.reset_index().groupby("member", sort=False):
        parts = []
        for r in rows.sort_values("acquisition_cost_musd", ascending=False, kind="stable").itertuples(index=False):
            regions = served.get((m, r.capability), [])
            where = f" for {', '.join(regions)}" if regions else ", not deployed"
            parts.append(f"{r.capability} {in_words(r.ordered_units, r.capability, gran)}{where}")
        out[m] = "; ".join(parts)
    return out


def _floor_range(data: PlanData, member: str) -> tuple[float, float]:
    """(lowest, highest) spending floor of `member` over the horizon, % of GDP (NaN: none)."""
    if "min_gdp" not in data.targets:
        return math.nan, math.nan
    floors = data.targets["min_gdp"]
    mine = floors[floors.index.get_level_values("member") == member].dropna()
    if mine.empty:
        return math.nan, math.nan
    return 100 * float(mine.min()), 100 * float(mine.max())


def floor_demand(spending: pd.Series | pd.DataFrame, baseline: float, discount: pd.Series) -> float:
    """Σ_t δ_t max(0, floor_t · GDP_t / 100 − baseline): the spending added (discounted) that a
    member's spending floor alone demands, from its rows of the Spending table."""
    rows = spending[spending["target_min_pct_gdp"].notna()]
    need = (rows["target_min_pct_gdp"] * rows["gdp_musd"] / 100 - baseline).clip(lower=0)
    return float((need * rows["year"].map(discount).fillna(0.0)).sum())


def reason(row: pd.Series, base_pct: float, floor: tuple[float, float], fields: bool, buys_share: float,
           demand: float = 0.0) -> str:
    """Why the member's share of the plan's cost is above, near or below its fair share: its
    floor (`demand`: the spending added its floor alone demands, discounted), its fair-share
    band, its baseline, its capacity, its position, an exemption."""
    share, fair = row["plan_cost_share_pct"], row["fair_share_pct"]
    low_floor, high_floor = floor
    has_floor = not math.isnan(high_floor)
    if abs(share - fair) <= NEAR * max(fair, SMALL):
        side = "about its fair share"
    else:
        side = "more than its fair share" if share > fair else "less than its fair share"
    causes = []
    band_low, band_high, burden = row.get("band_low_pct"), row.get("band_high_pct"), row["burden_share_pct"]
    if pd.notna(band_low) and burden <= band_low + 1e-6 and share > fair:
        causes.append("the fair-share band holds its burden up")
    if pd.notna(band_high) and burden >= band_high - 1e-6 and share < fair:
        causes.append("the fair-share band caps its burden")
    cost = row["plan_cost_musd"]
    if has_floor and demand > SMALL and cost > SMALL:
        level = f"{high_floor:.2f} %" if abs(high_floor - low_floor) < 5e-3 else f"{low_floor:.2f}–{high_floor:.2f} %"
        part = "all" if demand >= cost * (1 - 1e-3) else f"{100 * demand / cost:.0f} %"
        causes.append(f"its floor ({level} of GDP, from {base_pct:.2f} % in the base year) demands {part} of it")
    if share > fair or side.startswith("about"):
        if buys_share > fair * (1 + NEAR) and row["buys_musd"] > SMALL and demand < cost * (1 - 1e-3):
            causes.append("its position: its units meet requirements at least cost")
    if share < fair or side.startswith("about"):
        if not has_floor:
            causes.append("no spending floor applies to it (exempt)")
        elif base_pct >= high_floor - 1e-6:
            causes.append(f"it already spends {base_pct:.2f} % of GDP, at or above its floor")
        elif base_pct >= NEAR_FLOOR * high_floor:
            causes.append(f"it already spends {base_pct:.2f} % of GDP, near its floor")
        if not fields:
            causes.append("it fields none of the capabilities required (no capacity to buy them)")
        elif row["buys_musd"] <= SMALL:
            causes.append("its units are not the cheapest to meet the requirements")
    return side + (": " + "; ".join(causes) if causes else "")


def member_bills(burden: pd.DataFrame, spending: pd.DataFrame, capabilities: pd.DataFrame,
                 deployment: pd.DataFrame, data: PlanData) -> pd.DataFrame:
    """Per member: its plan cost and share of the plan's cost (discounted), its fair share and
    burden share, what its spending added buys (orders in the capability's words, for which
    regions) and what only reaches a floor (top-ups: which target, which years), and the
    reason it pays more or less than its fair share; largest plan cost first."""
    total = float(burden["plan_cost_musd"].clip(lower=0).sum())
    buys_total = float(burden["buys_musd"].clip(lower=0).sum()) if "buys_musd" in burden else 0.0
    base = spending[spending["year"] == data.base_year].drop_duplicates("member", keep="last")
    base_pct = dict(zip(base["member"], base["spending_pct_gdp"]))
    fielded = set(data.forces.index.get_level_values("member")) if len(data.forces) else set()
    discount = data.discount()
    plan_rows = spending[spending["year"] >= data.first_year].drop_duplicates(["member", "year"], keep="last")
    by_member = dict(tuple(plan_rows.groupby("member", sort=False)))
    bought = orders_bought(capabilities, deployment, data)
    rows = []
    for _, b in burden.iterrows():
        m = b["member"]
        row = b.copy()
        row["plan_cost_share_pct"] = 100 * b["plan_cost_musd"] / total if total > SMALL else np.nan
        buys_share = 100 * max(b["buys_musd"], 0.0) / buys_total if buys_total > SMALL else 0.0
        topup_reaches = b.get("topup_reaches")
        rows.append({
            "member": m,
            "plan_cost_musd": b["plan_cost_musd"],
            "plan_cost_share_pct": row["plan_cost_share_pct"],
            "fair_share_pct": b["fair_share_pct"],
            "burden_share_pct": b["burden_share_pct"],
            "topup_musd": b["topup_musd"],
            "buys_musd": b["buys_musd"],
            "buys": bought.get(m, ""),
            "topup_reaches": topup_reaches if isinstance(topup_reaches, str) else "",
            "reason": reason(row, base_pct.get(m, math.nan), _floor_range(data, m), m in fielded, buys_share,
                             floor_demand(by_member[m], float(data.members.at[m, "spending"]), discount)
                             if m in by_member else 0.0)
            if pd.notna(row["plan_cost_share_pct"]) else "",
        })
    frame = pd.DataFrame(rows, columns=list(BILL_COLUMNS))
    return frame.sort_values("plan_cost_musd", ascending=False, kind="stable", ignore_index=True)
