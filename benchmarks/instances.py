"""Synthetic, feasible, realistic plan workbooks for the benchmark.

An instance is an alliance of `members` states, `capabilities` capabilities (spread over
the six domains), `regions` theatres and a horizon of `years` years. The model's size is
dominated by the assignment variables assign[m, c, r, t], so the number of variables is
about  members × capabilities × regions × years × p_force × p_req  plus the orders
x_units[m, c, t], the shortfalls and the per-member spending variables.

What makes an instance realistic and feasible:

- GDP is log-normal (a few large economies, a long tail of small ones); baseline defence
  spending is 1.6–2.4 % of GDP, so every member starts within the fair-share band (±40 %
  of its GDP share) and the hard fair-share constraints can always be met by top-ups;
- a member fields most capabilities (large economies all of them, small ones fewer):
  existing inventory proportional to its economy, some retirements, an industrial
  capacity, acquisition and operating costs per unit with a national price factor,
  lead times of 1–4 years and service lives of 20–40 years;
- most capability–region pairs have a requirement, stated sparsely (a first row, and for
  some pairs a raised requirement from the middle of the horizon, carried forward);
  requirements start at 60–110 % of the existing inventory, so the plan must buy;
- spending targets: every member (ALL) at least 2 % of GDP and 20 % on equipment from the
  first year, a linear phase-in to 3.5 % by the last third, growth at most 12 % a year, a
  ceiling of 8 % of GDP; a few members carry their own floor;
- a few members join during the horizon and one leaves; a few are exempt from the fair
  share or have their own band; a few member–region pairs are excluded;
- elastic mode on, so a requirement that cannot be met is a penalised shortfall.

Everything is drawn from a seeded numpy Generator: the same arguments give the same
workbook.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

DOMAINS = ("land", "air", "maritime", "cyber", "space", "enablers")
FIRST_YEAR = 2026


@dataclass(frozen=True)
class Shape:
    """The dimensions of a synthetic alliance."""

    members: int
    capabilities: int
    regions: int
    years: int
    p_force: float = 0.85  # share of member–capability pairs with a Forces row
    p_req: float = 0.85  # share of capability–region pairs with a requirement
    seed: int = 2026


# Calibrated so that the built model has about the named number of variables
# (columns of the LP handed to HiGHS); see benchmarks/README.md for the counts.
SIZES: dict[str, Shape] = {
    "small": Shape(members=10, capabilities=12, regions=9, years=12),  # ~10 k
    "medium": Shape(members=24, capabilities=24, regions=16, years=16),  # ~100 k
    "large": Shape(members=36, capabilities=50, regions=28, years=27),  # ~1 M
    "3m": Shape(members=48, capabilities=64, regions=40, years=33),  # ~3 M
}
ALIASES = {"10k": "small", "100k": "medium", "1m": "large", "xl": "3m"}


def make_tables(shape: Shape) -> tuple[dict[str, pd.DataFrame], dict[str, object]]:
    """(tables, settings) of a synthetic plan, in the schema's sheet and column names."""
    rng = np.random.default_rng(shape.seed)
    first, last = FIRST_YEAR, FIRST_YEAR + shape.years - 1
    nm, nc, nr = shape.members, shape.capabilities, shape.regions

    # ------------------------------------------------------------------ members
    codes = [f"M{i:03d}" for i in range(nm)]
    gdp = np.sort(np.exp(rng.normal(np.log(400_000), 1.3, nm)))[::-1].clip(8_000, 30_000_000)
    ratio = rng.uniform(0.016, 0.024, nm)
    joined: list[float | None] = [None] * nm
    left: list[float | None] = [None] * nm
    if nm >= 8 and shape.years >= 6:
        # two small states join during the horizon, one leaves two thirds of the way in
        joined[-1] = first + shape.years // 3
        joined[-2] = first + shape.years // 2
        left[-3] = first + (2 * shape.years) // 3
    members = pd.DataFrame(
        {
            "code": codes,
            "name": [f"Member state {i}" for i in range(nm)],
            "gdp_musd": gdp.round(0),
            "gdp_growth_pct": rng.uniform(0.5, 3.0, nm).round(2),
            "defence_spending_musd": (gdp * ratio).round(1),
            "equipment_pct": rng.uniform(15, 35, nm).round(1),
            "population_m": (gdp / rng.uniform(20_000, 70_000, nm)).round(2),
            "obligation": rng.choice(
                ["automatic", "deems-necessary", "consultative", "consent"], nm, p=[0.3, 0.5, 0.1, 0.1]
            ),
            "year_joined": joined,
            "year_left": left,
        }
    )

    # ------------------------------------------------------------ capabilities
    cap_codes = [f"C{j:03d}" for j in range(nc)]
    domains = [DOMAINS[j % len(DOMAINS)] for j in range(nc)]
    unit_cost = np.exp(rng.uniform(np.log(20), np.log(3_000), nc))  # M per unit
    capabilities = pd.DataFrame(
        {
            "code": cap_codes,
            "name": [f"Capability {j} ({d})" for j, d in enumerate(domains)],
            "domain": domains,
            "unit": "unit",
            "integer": False,
        }
    )
    regions = pd.DataFrame(
        {
            "code": [f"R{k:02d}" for k in range(nr)],
            "name": [f"Region {k}" for k in range(nr)],
            "description": "synthetic theatre",
        }
    )

    # ------------------------------------------------------------------ forces
    # Larger economies field more capabilities: the probability of a Forces row falls
    # from 1 for the largest member to about 2·p_force − 1 for the smallest.
    rank = np.arange(nm) / max(nm - 1, 1)
    p_member = np.clip(1.0 - 2 * (1 - shape.p_force) * rank, 0.05, 1.0)
    has = rng.random((nm, nc)) < p_member[:, None]
    has[:, ~has.any(axis=0)] = True  # every capability has a provider
    mi, cj = np.nonzero(has)
    n = len(mi)
    # Existing units: a member's defence budget buys units of a capability in
    # proportion to its budget and inversely to the unit cost.
    budget_share = (gdp * ratio)[mi] / (gdp * ratio).sum()
    inventory = rng.uniform(3, 12, nc) * nr  # alliance inventory of each capability
    existing = (inventory[cj] * budget_share * nm / has.sum(axis=0)[cj] * rng.uniform(0.3, 1.7, n))
    price = unit_cost[cj] * rng.uniform(0.8, 1.3, n)
    forces = pd.DataFrame(
        {
            "member": [codes[i] for i in mi],
            "capability": [cap_codes[j] for j in cj],
            "existing_units": existing.round(2),
            "retirements_per_year": (existing * rng.uniform(0.0, 0.04, n)).round(3),
            "max_new_per_year": np.where(
                rng.random(n) < 0.1, None, (existing * rng.uniform(0.05, 0.3, n) + 1).round(1)
            ),
            "acquisition_cost_musd": price.round(2),
            "operating_cost_musd": (price * rng.uniform(0.03, 0.08, n)).round(3),
            "lead_time_years": rng.integers(1, 5, n),
            "service_life_years": rng.integers(20, 41, n),
        }
    )

    # ------------------------------------------------------------ requirements
    # Most capability–region pairs; the alliance inventory of each capability is
    # spread over its regions, scaled to 80–130 % of it, with a raised requirement
    # from the middle of the horizon for a third of the pairs.
    req = rng.random((nc, nr)) < shape.p_req
    req[~req.any(axis=1), 0] = True
    rows = []
    total_existing = forces.groupby("capability")["existing_units"].sum()
    for j, k in zip(*np.nonzero(req)):
        c = cap_codes[j]
        weight = rng.uniform(0.5, 1.5)
        units = total_existing[c] * rng.uniform(0.6, 1.1) * weight / req[j].sum()
        rows.append((c, f"R{k:02d}", first, round(units, 2)))
        if shape.years >= 6 and rng.random() < 1 / 3:
            rows.append((c, f"R{k:02d}", first + shape.years // 2, round(units * rng.uniform(1.1, 1.5), 2)))
    requirements = pd.DataFrame(rows, columns=["capability", "region", "year", "units"])

    # ---------------------------------------------------------- spending targets
    phase_end = first + (2 * shape.years) // 3
    targets = [
        {"member": "ALL", "from_year": first, "min_gdp_pct": 2.0, "max_gdp_pct": 8.0,
         "min_equipment_pct": 20.0, "max_real_growth_pct": 12.0, "phase_in": "step"},
    ]
    if phase_end > first:
        targets.append(
            {"member": "ALL", "from_year": phase_end, "min_gdp_pct": 3.5, "max_gdp_pct": 8.0,
             "min_equipment_pct": 20.0, "max_real_growth_pct": 12.0, "phase_in": "linear"}
        )
    for i in rng.choice(nm, size=min(3, nm), replace=False):
        targets.append(
            {"member": codes[i], "from_year": first, "min_gdp_pct": 2.5, "max_gdp_pct": None,
             "min_equipment_pct": 25.0, "max_real_growth_pct": 15.0, "phase_in": "step"}
        )
    spending_targets = pd.DataFrame(targets)

    # ------------------------------------------------- fair share and exclusions
    special = rng.choice(nm, size=min(4, nm), replace=False)
    fair = pd.DataFrame(
        {
            "member": [codes[i] for i in special],
            "custom_share": None,
            "band_pct": [None, None, 50.0, 60.0][: len(special)],
            "exempt": [True, True, False, False][: len(special)],
        }
    )
    n_excl = max(1, (nm * nr) // 40)
    pairs = {(int(rng.integers(nm)), int(rng.integers(nr))) for _ in range(n_excl)}
    exclusions = pd.DataFrame(
        [(codes[i], f"R{k:02d}", "national caveat") for i, k in sorted(pairs)],
        columns=["member", "region", "reason"],
    )

    settings = {
        "plan_name": f"Synthetic alliance {nm}x{nc}x{nr}x{shape.years}",
        "first_year": first,
        "last_year": last,
        "price_base_year": first - 1,
        "currency": "USD",
        "discount_rate_pct": 2.0,
        "elastic": True,
        "shortfall_penalty_musd": 10_000.0,
        "spending_gap_penalty": 10.0,
        "fair_share_key": "gdp",
        "fair_share_band_pct": 40.0,
        "solver": "highs",
        "time_limit_s": 600.0,  # the planner's default
        "mip_gap_pct": 0.01,
    }
    tables = {
        "Members": members,
        "Capabilities": capabilities,
        "Regions": regions,
        "Forces": forces,
        "Requirements": requirements,
        "SpendingTargets": spending_targets,
        "FairShare": fair,
        "Exclusions": exclusions,
    }
    return tables, settings


def write_instance(path, shape: Shape, time_limit_s: float | None = None) -> None:
    """Write the synthetic workbook of `shape` to `path` (planner.template.write_workbook)."""
    from planner.template import write_workbook

    tables, settings = make_tables(shape)
    if time_limit_s is not None:
        settings["time_limit_s"] = time_limit_s
    write_workbook(path, tables=tables, settings=settings)
