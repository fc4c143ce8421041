"""Dependence and sovereignty limits on what members provide.

    a[m, c, r, t, s] = Σ assign[m, c, r, t, s] + Σ_k draw[m, k, c, r, t, s]        units

    dependence_cap[m, c, r, t, s]:  a[m, c, r, t, s] ≤ φ_dep · q[c, r, t, s]
        no requirement depends on one member for more than φ_dep of it (Settings
        max_requirement_share_pct), for every member providing to it;

    capability_cap[m, c, t, s]:  Σ_r a[m, c, r, t, s] ≤ φ_cap · Σ_r q[c, r, t, s]
        no member provides more than φ_cap of the pact's requirement for a capability in a
        year and scenario, all regions together (Settings max_capability_share_pct);

    abroad_limit[m, c, t, s]:  Σ_{r : host(r) ≠ m} a[m, c, r, t, s] ≤ φ_abroad[m] · (E[m, c, t] + new_units[m, c, t])
        at most φ_abroad[m] of a member's units of a capability serve regions it does not
        host (Members max_abroad_pct; Regions host; a region without a host is abroad for all).

Opt-outs (Exclusions, Participation 'no') and suspensions towards a member (Suspensions)
act on the index sets instead: the variables they forbid never exist (models/sets.py).
"""

from __future__ import annotations

import math
from collections import defaultdict

import pyomo.environ as pyo

from .data import PlanData
from .sets import ModelIndex


def add_sovereignty(model: pyo.ConcreteModel, data: PlanData, ix: ModelIndex) -> None:
    limit = data.members["max_abroad"].to_dict() if "max_abroad" in data.members else {}
    used = (not math.isnan(data.max_requirement_share) or not math.isnan(data.max_capability_share)
            or any(not math.isnan(v) for v in limit.values()))
    provided: dict[tuple, list] = defaultdict(list)  # (m, c, r, t, s) -> variables (only if a limit is set)
    for m, c, r, t, s in ix.assign if used else ():
        provided[m, c, r, t, s].append(model.assign[m, c, r, t, s])
    for m, k, c, r, t, s in ix.draws if used else ():
        provided[m, c, r, t, s].append(model.draw[m, k, c, r, t, s])

    share = data.max_requirement_share
    capped = list(provided) if not math.isnan(share) else []
    model.dependence_cap = pyo.Constraint(
        pyo.Set(initialize=capped, dimen=5, ordered=True),
        rule=lambda mdl, m, c, r, t, s: sum(provided[m, c, r, t, s]) <= share * ix.requirement[c, r, t, s],
    )

    by_capability: dict[tuple, list] = defaultdict(list)  # (m, c, t, s) -> variables
    for (m, c, r, t, s), variables in provided.items():
        by_capability[m, c, t, s] += variables
    required: dict[tuple, float] = defaultdict(float)  # (c, t, s) -> Σ_r q
    for (c, r, t, s), q in ix.requirement.items():
        required[c, t, s] += q
    cap = data.max_capability_share
    model.capability_cap = pyo.Constraint(
        pyo.Set(initialize=list(by_capability) if not math.isnan(cap) else [], dimen=4, ordered=True),
        rule=lambda mdl, m, c, t, s: sum(by_capability[m, c, t, s]) <= cap * required[c, t, s],
    )

    hosts = data.regions["host"].to_dict() if "host" in data.regions else {}
    abroad: dict[tuple, list] = defaultdict(list)  # (m, c, t, s) -> variables
    for (m, c, r, t, s), variables in provided.items():
        if not math.isnan(limit.get(m, math.nan)) and hosts.get(r) != m:
            abroad[m, c, t, s] += variables

    def abroad_limit(mdl, m, c, t, s):
        """Σ_{r abroad} a ≤ φ_abroad[m] · (E + new_units)."""
        return sum(abroad[m, c, t, s]) - limit[m] * mdl.new_units(mdl, m, c, t) <= limit[m] * ix.existing.get((m, c, t), 0.0)

    model.abroad_limit = pyo.Constraint(
        pyo.Set(initialize=list(abroad), dimen=4, ordered=True), rule=abroad_limit
    )
