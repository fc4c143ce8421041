"""Sparse index sets and derived parameters of the burden-sharing model.

Only the combinations that exist and are allowed are ever listed: a member–capability
pair without a Forces row, a requirement cell of zero, an excluded member–region pair,
a year outside a member's membership, a route that arrives after the warning time or a
site without basing rights never becomes a variable or a constraint.
Symbols follow docs/model.md.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from .common_funding import capped_shares
from .data import PlanData

Cell = tuple[str, str, int, str]  # (c, r, t, s)


@dataclass
class ModelIndex:
    years: list[int]  # T
    scenarios: list[str]  # S
    probability: dict[str, float]  # p_s
    active: list[tuple[str, int]]  # A ⊆ M × T
    orders: list[tuple[str, str, int]]  # O: (m, c, t) where an order is possible
    requirement: dict[Cell, float]  # Q: q[c, r, t, s] > 0, units
    assign: list[tuple[str, str, str, int, str]]  # W: (m, c, r, t, s), from home
    home_cost: dict[tuple[str, str, str, str], float]  # h[m, c, r, s]: M per unit, cheapest in time
    home_days: dict[tuple[str, str, str, str], float]  # days of that route
    sites: list[str]  # K
    holders: list[tuple[str, str, str]]  # H: (m, k, c), m may keep sets of c at site k
    max_sets: dict[tuple[str, str], float]  # cap on m's sets at k (basing rights)
    draws: list[tuple[str, str, str, str, int, str]]  # D: (m, k, c, r, t, s)
    site_cost: dict[tuple[str, str, str, str], float]  # v[k, c, r, s]: M per unit, cheapest in time
    site_days: dict[tuple[str, str, str, str], float]  # days of that route
    stock_rows: list[tuple[str, str, int, str]]  # (m, c, t, s) that assign or draw
    existing: dict[tuple[str, str, int], float]  # E[m, c, t], units
    deliveries: dict[tuple[str, str, int], list[int]]  # (m, c, t) -> order years τ in service at t
    payments: dict[tuple[str, int], list[tuple[str, int, float]]]  # (m, t) -> (c, τ, π): m pays π of its
    #                                                                 order (m, c, τ)'s cost in year t
    gdp: dict[tuple[str, int], float]  # G[m, t], M currency
    discount: dict[int, float]  # δ_t
    key_share: dict[tuple[str, int], float]  # w[m, t], fraction of the fair-share key
    cost_share: dict[tuple[str, int], float]  # σ[m, t], share of common-funded costs
    fair_members: list[str]  # members held to a band
    band: dict[str, float]  # b_m, fraction


def build_index(data: PlanData) -> ModelIndex:
    years = data.years
    active = data.active_pairs()
    active_set = set(active)
    existing = data.existing_units().to_dict()
    orders, deliveries = _orders(data, active_set)
    scenarios = data.scenarios
    probability = (scenarios["probability"] / scenarios["probability"].sum()).to_dict()
    warning = scenarios["warning_days"].astype(float).to_dict()
    requirement = scenario_requirements(data)

    def can_field(m: str, c: str, t: int) -> bool:
        return (m, t) in active_set and (existing.get((m, c, t), 0.0) > 0 or (m, c, t) in deliveries)

    providers: dict[str, list[str]] = defaultdict(list)
    for m, c in data.forces.index:
        providers[c].append(m)
    home = _reach(data, "from_member", list(data.forces.index), warning, missing_is_free=True)
    home_cost = {k: cost for k, (cost, _) in home.items()}
    assign = [
        (m, c, r, t, s)
        for (c, r, t, s) in requirement
        for m in providers.get(c, ())
        if (m, c, r, s) in home_cost and can_field(m, c, t) and data.serves(m, r, t, s)
    ]

    sites = list(data.sites.index)
    holders, max_sets = _holders(data)
    site = _reach(data, "from_site", sorted({(k, c) for _, k, c in holders}), warning, missing_is_free=False)
    site_cost = {k: cost for k, (cost, _) in site.items()}
    held_by: dict[tuple[str, str], list[str]] = defaultdict(list)  # (m, c) -> sites
    for m, k, c in holders:
        held_by[m, c].append(k)
    draws = [
        (m, k, c, r, t, s)
        for (c, r, t, s) in requirement
        for m in providers.get(c, ())
        if (m, c) in held_by and can_field(m, c, t) and data.serves(m, r, t, s)
        for k in held_by[m, c]
        if (k, c, r, s) in site_cost
    ]
    stock_rows = list(dict.fromkeys(
        [(m, c, t, s) for m, c, _, t, s in assign] + [(m, c, t, s) for m, _, c, _, t, s in draws]
    ))

    gdp = data.gdp().to_dict()
    band = data.fair_band.reindex(data.members.index)
    members_in = {m for m, _ in active}
    fair_members = [m for m in data.members.index if pd.notna(band[m]) and m in members_in]
    return ModelIndex(
        years=years,
        scenarios=list(scenarios.index),
        probability=probability,
        active=active,
        orders=orders,
        requirement=requirement,
        assign=assign,
        home_cost=home_cost,
        home_days={k: days for k, (_, days) in home.items()},
        sites=sites,
        holders=holders,
        max_sets=max_sets,
        draws=draws,
        site_cost=site_cost,
        site_days={k: days for k, (_, days) in site.items()},
        stock_rows=stock_rows,
        existing=existing,
        deliveries=deliveries,
        payments=payment_schedule(data, orders, active_set),
        gdp=gdp,
        discount=data.discount().to_dict(),
        key_share=key_shares(data, gdp, data.fair_share_key, active, data.fair_share_mix, data.fair_share_cap),
        cost_share=cost_shares(data, active, gdp),
        fair_members=fair_members,
        band={m: float(band[m]) for m in fair_members},
    )


def _orders(data: PlanData, active: set[tuple[str, int]]):
    """O: orders (m, c, τ) delivered within the horizon; the order years in service each year."""
    last = data.last_year
    orders: list[tuple[str, str, int]] = []
    deliveries: dict[tuple[str, str, int], list[int]] = defaultdict(list)
    for (m, c), row in zip(data.forces.index, data.forces.itertuples(index=False)):
        if not row.max_new > 0:
            continue
        lead, life = int(row.lead_time), int(row.service_life)
        for tau in data.years:
            if tau + lead > last or (m, tau) not in active:
                continue
            orders.append((m, c, tau))
            for t in range(tau + lead, min(tau + lead + life, last + 1)):
                deliveries[(m, c, t)].append(tau)
    return orders, dict(deliveries)


PAYMENT_PROFILES = ("even", "order", "delivery")


def payment_shares(profile: str, lead: int) -> list[tuple[int, float]]:
    """(k, π): the share π of an order's cost paid k years after its order year. even: 1 / L in
    each of the L years before delivery (k = 0 … L − 1; L ≤ 1: all in the order year); order: all
    in the order year; delivery: all in the delivery year (k = L)."""
    if profile == "order" or lead <= 1 and profile == "even":
        return [(0, 1.0)]
    if profile == "delivery":
        return [(lead, 1.0)]
    if profile != "even":
        raise ValueError(f"unknown payment profile {profile!r}: one of {', '.join(PAYMENT_PROFILES)}")
    return [(k, 1.0 / lead) for k in range(lead)]


def payment_schedule(data: PlanData, orders: list[tuple[str, str, int]], active: set[tuple[str, int]]
                     ) -> dict[tuple[str, int], list[tuple[str, int, float]]]:
    """(m, t) -> [(c, τ, π)]: what m pays in year t for its orders (m, c, τ) ∈ O, the payment
    profile's shares. Every payment year lies in the horizon (an order is delivered by the last
    year); a share falling in a year m is not a member is paid in its latest year as a member
    before it (at least τ), so every order is paid in full."""
    profiles = data.payment_profiles()
    lead = data.forces["lead_time"].to_dict()
    out: dict[tuple[str, int], list[tuple[str, int, float]]] = defaultdict(list)
    for m, c, tau in orders:
        for k, share in payment_shares(profiles.get(c, "even"), int(lead[m, c])):
            t = tau + k
            while (m, t) not in active and t > tau:
                t -= 1
            out[m, t].append((c, tau, share))
    return dict(out)


def scenario_requirements(data: PlanData) -> dict[Cell, float]:
    """q[c, r, t, s]: the scenario's own rows where given, else scale_s · q[c, r, t]."""
    own: dict[tuple[str, str, str], dict[int, float]] = defaultdict(dict)
    for (s, c, r, t), units in data.scenario_requirements.items():
        own[s, c, r][t] = float(units)
    out: dict[Cell, float] = {}
    for s, scale in data.scenarios["scale"].items():
        for (c, r, t), units in data.requirements.items():
            if (s, c, r) not in own:
                out[c, r, t, s] = float(units) * float(scale)
        for (_, c, r), by_year in ((k, v) for k, v in own.items() if k[0] == s):
            first_own = min(by_year)
            for t in data.years:
                if t in by_year:
                    out[c, r, t, s] = by_year[t]
                elif t < first_own and (c, r, t) in data.requirements.index:
                    out[c, r, t, s] = float(data.requirements[c, r, t]) * float(scale)
    return {k: v for k, v in out.items() if v > 0}


Routes = dict[tuple[str, str | None, str], list[tuple[float, float]]]  # (origin, capability or None, region) -> [(days, cost)]


def route_rows(data: PlanData, origin: str) -> Routes:
    """The Transit rows from `origin` ('from_member' or 'from_site'), by (origin, capability,
    region); a blank capability is None (a row for every capability)."""
    routes: Routes = defaultdict(list)
    transit = data.transit
    if len(transit):
        rows = transit[transit[origin].notna()]
        capability = rows["capability"] if "capability" in rows else [None] * len(rows)
        for o, c, r, days, cost in zip(rows[origin], capability, rows["region"], rows["days"], rows["cost"]):
            routes[o, None if pd.isna(c) else c, r].append((float(days), float(cost)))
    return routes


def routes_for(routes: Routes, o: str, c: str, r: str) -> list[tuple[float, float]] | None:
    """The (days, cost) routes capability c may take from o to r: its own rows, which
    override the rows for every capability, else those (None: no route)."""
    return routes.get((o, c, r)) or routes.get((o, None, r))


def _reach(data: PlanData, origin: str, pairs: list[tuple[str, str]], warning: dict[str, float],
           missing_is_free: bool) -> dict[tuple[str, str, str, str], tuple[float, float]]:
    """(origin, c, r, s) -> (cost per unit, days) of the cheapest route for capability c
    arriving within s's warning time (the fastest among equally cheap).

    A route row for capability c overrides rows for all capabilities (blank); an origin
    without any row to r reaches it at once at no cost when `missing_is_free` (homes),
    never otherwise (sites).
    """
    routes = route_rows(data, origin)
    out: dict[tuple[str, str, str, str], tuple[float, float]] = {}
    for o, c in pairs:
        for r in data.regions.index:
            options = routes_for(routes, o, c, r)
            for s, w in warning.items():
                if options is None:
                    if missing_is_free:
                        out[o, c, r, s] = (0.0, 0.0)
                    continue
                in_time = [(cost, days) for days, cost in options if days <= w]
                if in_time:
                    out[o, c, r, s] = min(in_time)
    return out


def _holders(data: PlanData) -> tuple[list[tuple[str, str, str]], dict[tuple[str, str], float]]:
    """H: (m, k, c) where m may keep sets of c at site k; caps per (m, k) from basing rights.

    A host has access to its own sites; another member needs a row allowing it. A row for
    one site overrides a row for all of a host's sites; allowed = no refuses.
    """
    sites = data.sites
    if sites.empty or data.prepositioning.empty:
        return [], {}
    general: dict[tuple[str, str], tuple[bool, float]] = {}
    specific: dict[tuple[str, str], tuple[bool, float]] = {}
    for row in data.basing.itertuples(index=False):
        rule = (bool(row.allowed), float(row.max_sets) if pd.notna(row.max_sets) else math.inf)
        if pd.isna(row.site) or row.site is None:
            general[row.user, row.host] = rule
        else:
            specific[row.user, row.site] = rule
    drawable = [c for c, ok in data.prepositioning["can_draw"].items() if ok]
    fielded: dict[str, list[str]] = defaultdict(list)
    for m, c in data.forces.index:
        fielded[m].append(c)
    holders: list[tuple[str, str, str]] = []
    max_sets: dict[tuple[str, str], float] = {}
    for k, host in sites["host"].items():
        for m in data.members.index:
            default = (True, math.inf) if m == host else (False, math.inf)
            allowed, cap = specific.get((m, k), general.get((m, host), default))
            if not allowed:
                continue
            if math.isfinite(cap):
                max_sets[m, k] = cap
            holders += [(m, k, c) for c in drawable if c in fielded[m]]
    return holders, max_sets


KEYS = ("gdp", "gni", "gdp_ppp", "population", "equal", "custom")  # simple keys; "mix" combines them
GROWN = ("gdp", "gni", "gdp_ppp")  # keys in money, grown with the member's real GDP growth


def key_weights(data: PlanData, gdp: dict[tuple[str, int], float], key: str) -> dict[tuple[str, int], float]:
    """Raw weight of each member in a simple key in each year: GDP, GNI or GDP at PPP
    (base-year values grown like GDP, M), population, equal, or custom."""
    members = data.members
    out: dict[tuple[str, int], float] = {}
    for m in members.index:
        for t in data.years:
            if key == "gdp":
                out[m, t] = gdp[m, t]
            elif key in GROWN:
                out[m, t] = float(members.at[m, key]) * gdp[m, t] / float(members.at[m, "gdp"]) \
                    if members.at[m, "gdp"] else float(members.at[m, key])
            elif key == "population":
                out[m, t] = float(members.at[m, "population"])
            elif key == "equal":
                out[m, t] = 1.0
            elif key == "custom":
                out[m, t] = float(data.custom_share.get(m, 0.0))
            else:
                raise ValueError(f"unknown key {key!r}")
    return out


def key_shares(data: PlanData, gdp: dict[tuple[str, int], float], key: str,
               pairs: list[tuple[str, int]] | set[tuple[str, int]], mix: dict[str, float] | None = None,
               cap: float = math.nan) -> dict[tuple[str, int], float]:
    """w[m, t] for the (m, t) in `pairs`: each member's share of the key among the members
    of year t, summing to 1 each year.

    simple key k:  w[m, t] = k[m, t] / Σ_{m' in t} k[m', t]
    mix:           w[m, t] = Σ_k α_k · w_k[m, t] / Σ_k α_k      (each component normalised first)
    cap κ:         w[·, t] = capped_shares(w[·, t], κ): none above κ, the excess shared among
                   the others in proportion to their key (models/common_funding.py); no cap
                   in a year whose members are too few for it (κ · members < 1)
    """
    if key == "mix":
        total = sum(mix.values()) if mix else 0.0
        if total <= 0:
            raise ValueError("a mix key needs positive weights")
        parts = {k: key_shares(data, gdp, k, pairs) for k in mix}
        shares = {p: sum(mix[k] * parts[k][p] for k in mix) / total for p in pairs}
    else:
        shares = _normalised(key_weights(data, gdp, key), list(pairs))
    if math.isnan(cap):
        return shares
    by_year: dict[int, dict[str, float]] = defaultdict(dict)
    for (m, t), w in shares.items():
        by_year[t][m] = w
    out: dict[tuple[str, int], float] = {}
    for t, w in by_year.items():
        if _too_few(w, cap):
            out.update({(m, t): v for m, v in w.items()})
        else:
            out.update({(m, t): v for m, v in capped_shares(w, cap).items()})
    return out


def _too_few(w: Mapping[str, float], cap: float) -> bool:
    """Can cap κ not hold among these shares (κ × members with a positive share < 1)?"""
    return cap * sum(1 for v in w.values() if v > 0) < 1 or sum(w.values()) <= 0


def uncapped_years(data: PlanData, gdp: dict[tuple[str, int], float],
                   pairs: list[tuple[str, int]] | set[tuple[str, int]],
                   fairness: bool = True) -> dict[str, list[int]]:
    """{'fair-share cap', 'common-funding cap'} -> the years among `pairs` whose members are
    too few for that cap (κ × members < 1), where key_shares drops it; only caps that apply
    (the common-funding cap with sites, the fair-share cap with `fairness`), only years with any."""
    caps = []
    if fairness and not math.isnan(data.fair_share_cap):
        caps.append(("fair-share cap", data.fair_share_key, data.fair_share_mix, data.fair_share_cap))
    if not data.sites.empty and not math.isnan(data.common_funding_cap):
        caps.append(("common-funding cap", data.common_funding_key, None, data.common_funding_cap))
    out: dict[str, list[int]] = {}
    for name, key, mix, cap in caps:
        by_year: dict[int, dict[str, float]] = defaultdict(dict)
        for (m, t), w in key_shares(data, gdp, key, pairs, mix).items():
            by_year[t][m] = w
        years = sorted(t for t, w in by_year.items() if _too_few(w, cap))
        if years:
            out[name] = years
    return out


def _normalised(weights: dict[tuple[str, int], float], active: list[tuple[str, int]]) -> dict[tuple[str, int], float]:
    """w[m, t] = key[m, t] / Σ_{m' active in t} key[m', t]."""
    totals: dict[int, float] = defaultdict(float)
    for m, t in active:
        totals[t] += weights[m, t]
    return {(m, t): (weights[m, t] / totals[t] if totals[t] > 0 else 0.0) for m, t in active}


def cost_shares(data: PlanData, pairs: list[tuple[str, int]] | set[tuple[str, int]],
                gdp: dict[tuple[str, int], float]) -> dict[tuple[str, int], float]:
    """σ[m, t]: capped proportional split of common-funded costs among the members of year t."""
    if data.sites.empty:
        return {}
    return key_shares(data, gdp, data.common_funding_key, pairs, cap=data.common_funding_cap)
