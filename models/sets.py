"""Sparse index sets and derived parameters of the burden-sharing model.

Only the combinations that exist and are allowed are ever listed: a member–capability
pair without a Forces row, a requirement cell of zero, an excluded member–region pair
or a year outside a member's membership never becomes a variable or a constraint.
Symbols follow docs/model.md.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import pandas as pd

from .data import PlanData


@dataclass
class ModelIndex:
    years: list[int]  # T
    active: list[tuple[str, int]]  # A ⊆ M × T
    orders: list[tuple[str, str, int]]  # O: (m, c, t) where an order is possible
    assign: list[tuple[str, str, str, int]]  # W: (m, c, r, t)
    requirement: dict[tuple[str, str, int], float]  # Q: q[c, r, t] > 0, units
    stock_rows: list[tuple[str, str, int]]  # (m, c, t) with at least one assignment
    existing: dict[tuple[str, str, int], float]  # E[m, c, t], units
    deliveries: dict[tuple[str, str, int], list[int]]  # (m, c, t) -> order years τ in service at t
    gdp: dict[tuple[str, int], float]  # G[m, t], M currency
    discount: dict[int, float]  # δ_t
    key_share: dict[tuple[str, int], float]  # w[m, t], fraction of the fair-share key
    fair_members: list[str]  # members held to a band
    band: dict[str, float]  # b_m, fraction


def build_index(data: PlanData) -> ModelIndex:
    years = data.years
    last = data.last_year
    active = data.active_pairs()
    active_set = set(active)

    forces = data.forces
    existing = data.existing_units().to_dict()

    # O: orders (m, c, τ) whose delivery year τ + L falls within the horizon and membership.
    orders: list[tuple[str, str, int]] = []
    deliveries: dict[tuple[str, str, int], list[int]] = defaultdict(list)
    for (m, c), row in zip(forces.index, forces.itertuples(index=False)):
        if not row.max_new > 0:
            continue
        lead, life = int(row.lead_time), int(row.service_life)
        for tau in years:
            if tau + lead > last or (m, tau) not in active_set:
                continue
            orders.append((m, c, tau))
            for t in range(tau + lead, min(tau + lead + life, last + 1)):
                deliveries[(m, c, t)].append(tau)

    req = data.requirements
    requirement = {k: float(v) for k, v in req.items() if v > 0}

    providers: dict[str, list[str]] = defaultdict(list)  # capability -> members with Forces
    for m, c in forces.index:
        providers[c].append(m)
    assign = [
        (m, c, r, t)
        for (c, r, t) in requirement
        for m in providers.get(c, ())
        if (m, t) in active_set
        and (m, r) not in data.exclusions
        and (existing.get((m, c, t), 0.0) > 0 or (m, c, t) in deliveries)
    ]
    stock_rows = list(dict.fromkeys((m, c, t) for m, c, _, t in assign))

    gdp = data.gdp().to_dict()
    discount = data.discount().to_dict()
    key_share = _key_shares(data, active, gdp)

    band = data.fair_band.reindex(data.members.index)
    fair_members = [m for m in data.members.index if pd.notna(band[m])]
    return ModelIndex(
        years=years,
        active=active,
        orders=orders,
        assign=assign,
        requirement=requirement,
        stock_rows=stock_rows,
        existing=existing,
        deliveries=dict(deliveries),
        gdp=gdp,
        discount=discount,
        key_share=key_share,
        fair_members=fair_members,
        band={m: float(band[m]) for m in fair_members},
    )


def key_weights(data: PlanData, gdp: dict[tuple[str, int], float]) -> dict[tuple[str, int], float]:
    """Raw weight of each member in the fair-share key in each year (before normalising)."""
    key = data.fair_share_key
    members = data.members
    out: dict[tuple[str, int], float] = {}
    for m in members.index:
        for t in data.years:
            if key == "gdp":
                out[m, t] = gdp[m, t]
            elif key == "population":
                out[m, t] = float(members.at[m, "population"])
            elif key == "equal":
                out[m, t] = 1.0
            elif key == "custom":
                out[m, t] = float(data.custom_share.get(m, 0.0))
            else:
                raise ValueError(f"unknown fair-share key {key!r}")
    return out


def _key_shares(
    data: PlanData, active: list[tuple[str, int]], gdp: dict[tuple[str, int], float]
) -> dict[tuple[str, int], float]:
    """w[m, t] = key[m, t] / Σ_{m' active in t} key[m', t]."""
    weights = key_weights(data, gdp)
    totals: dict[int, float] = defaultdict(float)
    for m, t in active:
        totals[t] += weights[m, t]
    return {
        (m, t): (weights[m, t] / totals[t] if totals[t] > 0 else 0.0) for m, t in active
    }

