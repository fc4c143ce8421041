"""Members switched off and on in a solved plan, without rebuilding it: exit, suspension,
accession, and the coalitions of the cost game.

A member m is *out* of the pact from year y when it leaves (exit), has not joined yet
(accession), or is not in a coalition. On the persistent model (planner/persistent.py):

- its forces do nothing: assign, draw = 0 for t ≥ y; x_units[m, c, τ] = 0 for τ ≥ y;
  sets[m, ·, ·] = 0 when it is out from the first year;
- its spending leaves the plan: define_spend[m, t] off and spend[m, t] = D_m for t ≥ y,
  topup = spending_gap = equipment_gap = 0, its targets (floor, ceiling, equipment, growth) off;
- it leaves the alliance totals: the coefficient of spend[m, t] in define_total[t] is 0;
- the members of year t share what it paid: σ[·, t] (common funding, capped split) and
  w[·, t] (fair-share key) are recomputed over them and their coefficients changed in
  define_spend and the fair-share rows; its own fair-share band covers its years in.

This is, exactly, the model rebuilt with year_left = y − 1 (or year_joined = the year it
joins): tests/test_whatif.py checks it. A coalition too small for the common-funding
cap (cap × members < 1) shares common costs in proportion to the key.

A *suspended* member keeps its membership, spending targets and share of common funding,
but from year y its forces do nothing for the pact and it is held to no fair-share band.
A suspension *towards* a member (the United States' ANZUS obligations to New Zealand,
1986) only stops its units serving the regions that member hosts (Regions › host), from y.

`fairness=False` switches every fair-share band off (the cost game: a coalition that
meets the requirements alone is not held to shares of the whole pact).
"""

from __future__ import annotations

import difflib
import math
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np
import pyomo.environ as pyo

from models import PlanData
from models.sets import ModelIndex, cost_shares, key_shares, uncapped_years

from ..highs import HighsModel
from ..schema import year_runs


@dataclass(frozen=True)
class Membership:
    """Who is in, from the plan as built: first year out, first year suspended."""

    out_from: Mapping[str, int] = field(default_factory=dict)
    suspended_from: Mapping[str, int] = field(default_factory=dict)
    fairness: bool = True
    suspended_towards: Mapping[tuple[str, str], int] = field(default_factory=dict)  # (m, towards) -> year

    def in_pact(self, active: set[tuple[str, int]], m: str, t: int) -> bool:
        return (m, t) in active and t < self.out_from.get(m, math.inf)

    def contributes(self, active: set[tuple[str, int]], m: str, t: int) -> bool:
        return self.in_pact(active, m, t) and t < self.suspended_from.get(m, math.inf)


def unknown_member(code: str, members: Iterable[str]) -> str:
    """'no member 'X' in the plan (did you mean Y?)', or with every member listed when none
    is close (codes compared regardless of case)."""
    members = sorted(members)
    by_case = {m.upper(): m for m in members}
    close = [by_case[c] for c in difflib.get_close_matches(code.upper(), list(by_case), n=3, cutoff=0.6)]
    hint = f"did you mean {' or '.join(close)}?" if close else f"members: {', '.join(members)}"
    return f"no member {code!r} in the plan ({hint})"


def coalition(data: PlanData, members: frozenset[str]) -> Membership:
    """The cost game's coalition: only `members`, every year; no fair-share bands."""
    first = data.first_year
    return Membership(out_from={m: first for m in data.members.index if m not in members}, fairness=False)


def cap_fallbacks(data: PlanData, ix: ModelIndex, change: Membership) -> list[str]:
    """Warnings, one per cap, naming the years in which `change` leaves too few members for
    the cap (κ × members < 1): there the split follows the key, uncapped (docs/model.md)."""
    active = set(ix.active)
    inside = [(m, t) for m, t in ix.active if change.in_pact(active, m, t)]
    caps = {"fair-share cap": data.fair_share_cap, "common-funding cap": data.common_funding_cap}
    return [f"The {name} of {100 * caps[name]:g} % is dropped in {year_runs(years)}: too few members are left "
            f"for it (cap × members < 1), so those years' shares follow the key, uncapped."
            for name, years in uncapped_years(data, ix.gdp, inside, change.fairness).items()]


def small_coalition_note(data: PlanData) -> str:
    """The cost game in words, where its coalitions can be too small for the common-funding
    cap (its coalitions have no fair-share bands, so only that cap applies); '' if none can."""
    cap = data.common_funding_cap
    if data.sites.empty or math.isnan(cap) or cap <= 0:
        return ""
    fewest = math.ceil(1 / cap - 1e-9)
    if fewest <= 1:
        return ""
    return (f"A coalition of fewer than {fewest} members cannot hold the common-funding cap of {100 * cap:g} % "
            f"(cap × members < 1): it shares its common-funded site costs in proportion to the key, uncapped.")


def apply(pm: HighsModel, data: PlanData, change: Membership) -> None:
    """Make `change` in the persistent model (inside a `with pm.changes():` block)."""
    board = getattr(pm, "_membership_board", None)
    if board is None or board.data is not data:
        board = pm._membership_board = _Board(pm, data)
    board.apply(change)


class _Board:
    """HiGHS columns, rows and coefficients of each member and year, found once per model,
    so that a change of membership is a few array operations (the cost game makes
    thousands)."""

    def __init__(self, pm: HighsModel, data: PlanData):
        self.pm, self.data = pm, data
        model = pm.model
        ix = self.ix = model.index
        self.active = set(ix.active)
        forces: dict[tuple[str, int], list] = defaultdict(list)
        for (m, c, r, t, s), v in model.assign.items():
            forces[m, t].append(v)
        for (m, k, c, r, t, s), v in model.draw.items():
            forces[m, t].append(v)
        for (m, c, t), v in model.x_units.items():
            forces[m, t].append(v)
        self.forces = {k: pm.columns(v) for k, v in forces.items()}
        sets: dict[str, list] = defaultdict(list)
        for (m, k, c), v in model.sets.items():
            sets[m].append(v)
        self.sets = {m: pm.columns(v) for m, v in sets.items()}
        one = lambda var, key: pm.columns([var[key]]) if key in var else np.empty(0, np.int32)  # noqa: E731
        self.spend = {k: one(model.spend, k) for k in ix.active}
        self.idle_cols = {k: np.concatenate([one(model.topup, k), one(model.spending_gap, k),
                                             one(model.equipment_gap, k)]) for k in ix.active}
        targets = ("define_spend", "spending_floor", "spending_ceiling", "equipment_floor", "growth_limit",
                   "rise_limit", "fall_limit", "path_no_fall", "path_no_rise")  # the path rule's rows: where it holds
        rows: dict[tuple[str, int], list] = defaultdict(list)
        for name in targets:
            for k, con in getattr(model, name, {}).items():
                rows[k].append(con)
        self.rows = {k: pm.rows(v) for k, v in rows.items()}
        self.total_entry = {(m, t): (pm.rows([model.define_total[t]])[0], pm.columns([model.spend[m, t]])[0])
                            for m, t in ix.active}
        self.baseline = data.members["spending"].astype(float).to_dict()
        self.site_entries = self._site_entries()
        self.fair_rows = {m: (pm.rows([model.fair_share_floor[m]])[0], pm.rows([model.fair_share_ceiling[m]])[0])
                          for m in ix.fair_members}
        self.total_cols = {t: pm.columns([model.total_spend[t]])[0] for t in ix.years}

    def _towards(self, change: Membership) -> np.ndarray:
        """Columns of the units of m serving regions hosted by `towards` from the year on."""
        if not change.suspended_towards:
            return np.empty(0, np.int32)
        model = self.pm.model
        hosts = self.data.regions["host"].to_dict() if "host" in self.data.regions else {}
        stopped = [v for (m, c, r, t, s), v in model.assign.items()
                   if t >= change.suspended_towards.get((m, hosts.get(r)), math.inf)]
        stopped += [v for (m, k, c, r, t, s), v in model.draw.items()
                    if t >= change.suspended_towards.get((m, hosts.get(r)), math.inf)]
        return self.pm.columns(stopped)

    def _site_entries(self) -> dict[tuple[str, int], list[tuple[int, int, float]]]:
        """(m, t) → (row of define_spend[m, t], column of open_site[k], f_k·[t = first] + u_k)."""
        model, ix, data = self.pm.model, self.ix, self.data
        if not ix.cost_share:
            return {}
        fixed, upkeep = data.sites["fixed_cost"].to_dict(), data.sites["upkeep"].to_dict()
        site_cols = {k: self.pm.columns([model.open_site[k]])[0] for k in ix.sites}
        out: dict[tuple[str, int], list[tuple[int, int, float]]] = {}
        for m, t in ix.active:
            row = self.pm.rows([model.define_spend[m, t]])
            cost = {k: fixed[k] * (t == data.first_year) + upkeep[k] for k in ix.sites}
            out[m, t] = [(row[0], site_cols[k], c) for k, c in cost.items() if c and len(row)]
        return out

    def apply(self, change: Membership) -> None:
        pm, ix, active = self.pm, self.ix, self.active
        inside = {(m, t) for m, t in ix.active if change.in_pact(active, m, t)}
        working = {(m, t) for m, t in inside if change.contributes(active, m, t)}
        gone = [(m, t) for m, t in ix.active if (m, t) not in inside]
        empty = np.empty(0, np.int32)
        idle_members = {m for m in self.data.members.index if not any((m, t) in working for t in ix.years)}
        towards = self._towards(change)
        pm.fix_columns(np.concatenate(
            [towards] + [self.forces.get(k, empty) for k in ix.active if k not in working]
            + [self.sets.get(m, empty) for m in idle_members]
            + [self.idle_cols[k] for k in gone] + [empty]
        ))
        if gone:
            pm.fix_columns(np.concatenate([self.spend[k] for k in gone]),
                           np.array([self.baseline[m] for m, _ in gone if len(self.spend[m, _])]))
            pm.relax_row_indices(np.concatenate([self.rows.get(k, empty) for k in gone]))
            entries = [self.total_entry[k] for k in gone]
            pm.set_coefficient_arrays([r for r, _ in entries], [c for _, c in entries],
                                      [0.0] * len(entries), [-1.0] * len(entries))
        self._share_common_funding(inside)
        self._share_fairly(change, inside, working)

    def _share_common_funding(self, inside: set[tuple[str, int]]) -> None:
        """σ[m, t] over the members in year t; the coefficient of open_site[k] in
        define_spend[m, t] is −σ[m, t] · (f_k · [t = first_year] + u_k)."""
        if not self.site_entries:
            return
        rows, cols, new, old = [], [], [], []
        for (m, t), share in cost_shares(self.data, inside, self.ix.gdp).items():
            before = self.ix.cost_share.get((m, t), 0.0)
            if abs(share - before) < 1e-15:
                continue
            for row, col, cost in self.site_entries[m, t]:
                rows.append(row), cols.append(col), new.append(-share * cost), old.append(-before * cost)
        self.pm.set_coefficient_arrays(rows, cols, new, old)

    def _share_fairly(self, change: Membership, inside: set[tuple[str, int]],
                      working: set[tuple[str, int]]) -> None:
        """Fair-share rows over each member's years in, with w[m, t] over the members of
        year t; off for members out or suspended, and for all without `fairness`."""
        ix, pm = self.ix, self.pm
        if not ix.fair_members:
            return
        if not change.fairness:
            pm.relax_row_indices(np.array([r for pair in self.fair_rows.values() for r in pair], dtype=np.int32))
            return
        years_of: dict[str, list[int]] = defaultdict(list)
        for m, t in ix.active:
            years_of[m].append(t)
        off = {m for m in ix.fair_members
               if not any((m, t) in inside for t in years_of[m])
               or any((m, t) in inside and (m, t) not in working for t in years_of[m])}
        pm.relax_row_indices(np.array([r for m in off for r in self.fair_rows[m]], dtype=np.int32))
        data = self.data
        w = key_shares(data, ix.gdp, data.fair_share_key, inside, data.fair_share_mix, data.fair_share_cap)
        d = ix.discount
        rows, cols, new, old = [], [], [], []
        for m in ix.fair_members:
            if m in off:
                continue
            b = ix.band[m]
            for t in years_of[m]:
                share = w.get((m, t), 0.0)
                base = ix.key_share[m, t]
                spend_col = self.spend[m, t][0]
                for row, factor in zip(self.fair_rows[m], (1 - b, 1 + b)):
                    if share != base:
                        rows.append(row), cols.append(self.total_cols[t])
                        new.append(-factor * d[t] * share), old.append(-factor * d[t] * base)
                    if (m, t) not in inside:
                        rows.append(row), cols.append(spend_col), new.append(0.0), old.append(d[t])
        pm.set_coefficient_arrays(rows, cols, new, old)


def member_costs(model: pyo.ConcreteModel, data: PlanData, change: Membership) -> dict[str, float]:
    """Plan cost of each member in the loaded solution, discounted M: Σ_{t in} δ_t (spend − D)."""
    ix = model.index
    active = set(ix.active)
    baseline = data.members["spending"]
    out = dict.fromkeys(data.members.index, 0.0)
    for m, t in ix.active:
        if change.in_pact(active, m, t):
            out[m] += ix.discount[t] * ((model.spend[m, t].value or 0.0) - baseline[m])
    return out
