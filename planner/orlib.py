"""OR-Library capacitated warehouse location instances as plan workbooks.

J. E. Beasley's instances (OR-Library, `cap41` … `cap134`, `capa`, `capb`, `capc`;
Beasley, "An algorithm for solving large capacitated warehouse location problems",
EJOR 33 (1988) 314-325) are read by `read_orlib` and written by `orlib_to_workbook` as
an ordinary plan workbook whose plan is exactly the capacitated facility location
problem with splittable demand:

    minimise  Σ_i f_i · y_i + Σ_{i,j} (c_ij / d_j) · x_ij
    s.t.      Σ_i x_ij = d_j            every customer j with d_j > 0
              Σ_j x_ij ≤ s_i · y_i       every warehouse i,   y_i ∈ {0, 1},  x ≥ 0

where c_ij is the cost of allocating ALL of customer j's demand d_j to warehouse i and
x_ij the units of it that i serves. The mapping (one year, one scenario, one member,
one capability; see `instance_tables`):

    warehouse i  → site W…  (host OWN, capacity_sets s_i, fixed_cost_musd f_i, upkeep 0)
    customer j   → region C…, requirement d_j units of capability SET
    x_ij         → units of OWN drawing sets at W… to reach C… (Transit: 0 days,
                   cost_musd c_ij / d_j per unit)
    home forces  → too slow (Transit from OWN: warning + 1 days), so every unit must
                   draw a set; OWN fields Σ_j d_j existing units and cannot buy more

Sets cost nothing, store at no cost, and OWN's defence spending starts at 0 with no
target, so the plan cost is the common-funded site cost Σ f_i y_i and the deployment
cost Σ (c_ij / d_j) x_ij. The shortfall penalty is set above any solution that meets
every requirement (see `shortfall_penalty`), so the optimum has no shortfall.

File format (whitespace-separated): `m n`; m pairs `capacity fixed_cost`; then per
customer its demand followed by m allocation costs. In capa, capb and capc every
capacity is the word `capacity`: the capacity is given separately (optimal.csv names
such a problem `capa_8000`).
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

CAPACITY_WORD = "capacity"
MEMBER, CAPABILITY, SCENARIO, DEPOTS = "OWN", "SET", "BASE", "DEPOTS"
BASE_YEAR = 2024
YEAR = BASE_YEAR + 1  # first = last year; the price base year is the year before
WARNING_DAYS = 1.0
HOME_DAYS = WARNING_DAYS + 1.0  # home forces arrive too late: only drawn sets count
MIP_GAP_PCT = 1e-6  # % : 1e-8 relative, well inside a 1e-6 relative check
TIME_LIMIT_S = 3600.0
SOURCE = (
    "J. E. Beasley, OR-Library (people.brunel.ac.uk/~mastjjb/jeb/orlib/capinfo.html); "
    "Beasley, 'An algorithm for solving large capacitated warehouse location problems', "
    "European Journal of Operational Research 33 (1988) 314-325."
)
PROBLEM = (
    "Capacitated warehouse location with splittable demand: open warehouses (fixed cost) and "
    "serve every customer's demand from open warehouses within their capacity, at the "
    "allocation cost per unit (the cost of ALL of a customer's demand divided by the demand). "
    "The plan's objective is the instance's optimal value."
)
MAPPING = (
    "Warehouses are Sites (host OWN, common-funded fixed cost); customers are Regions with a "
    "Requirement equal to their demand; a unit served by a warehouse is a unit of OWN drawing "
    "a set at that site (Transit from_site: 0 days, the cost per unit). OWN's home forces "
    "arrive after the warning time, so only drawn sets count. Sets, storage and units cost "
    "nothing; the region DEPOTS holds every site."
)


class OrlibFormatError(ValueError):
    """The file is not an OR-Library capacitated warehouse location instance (or needs
    a capacity it was not given)."""


@dataclass(frozen=True)
class Instance:
    """One capacitated warehouse location problem.

    capacity[i], fixed_cost[i]: warehouse i (i < m); demand[j]: customer j (j < n);
    cost[j, i]: cost of allocating ALL of customer j's demand to warehouse i.
    """

    name: str
    capacity: np.ndarray  # (m,)
    fixed_cost: np.ndarray  # (m,)
    demand: np.ndarray  # (n,)
    cost: np.ndarray  # (n, m)

    @property
    def m(self) -> int:
        return len(self.capacity)

    @property
    def n(self) -> int:
        return len(self.demand)

    @property
    def served(self) -> np.ndarray:
        """Indices of the customers with demand (the others need no warehouse)."""
        return np.flatnonzero(self.demand > 0)

    def unit_cost(self) -> np.ndarray:
        """cost[j, i] / demand[j] for the served customers, (len(served), m)."""
        j = self.served
        return self.cost[j] / self.demand[j, None]


def read_orlib(path: str | os.PathLike[str], capacity: float | None = None) -> Instance:
    """Read an OR-Library `cap*` file. `capacity` stands for the word `capacity` (capa,
    capb, capc) and is required there; it is refused for a file that gives its own
    capacities. Raises OrlibFormatError with the reason on a malformed file."""
    path = Path(path)
    try:
        text = path.read_text(encoding="ascii")
    except (OSError, UnicodeDecodeError) as exc:
        raise OrlibFormatError(f"{path}: cannot read the file ({exc})") from None
    tokens = text.split()
    name = path.stem
    if len(tokens) < 2:
        raise OrlibFormatError(f"{path}: empty, expected 'm n' (warehouses, customers) first")
    m, n = (_count(path, tokens[k], what) for k, what in ((0, "m (warehouses)"), (1, "n (customers)")))
    expected = 2 + 2 * m + n * (1 + m)
    if len(tokens) != expected:
        raise OrlibFormatError(
            f"{path}: {len(tokens)} numbers, expected {expected} for m = {m} warehouses and "
            f"n = {n} customers (2 + 2·m + n·(1 + m))"
        )
    words = [tokens[2 + 2 * i].lower() == CAPACITY_WORD for i in range(m)]
    if any(words):
        if capacity is None:
            raise OrlibFormatError(
                f"{path}: a capacity is required: every capacity in this file is the word "
                f"'{CAPACITY_WORD}', so give it (--capacity N on the command line; e.g. N = 8000 "
                f"for {name}_8000 in OR-Library's optimal values)"
            )
        if not (math.isfinite(capacity) and capacity >= 0):
            raise OrlibFormatError(f"{path}: capacity {capacity!r}: expected a number ≥ 0")
        name = f"{name}_{capacity:g}"
    elif capacity is not None:
        raise OrlibFormatError(
            f"{path}: the file gives its own capacities; a capacity is only taken for files "
            f"whose capacities are the word '{CAPACITY_WORD}' (capa, capb, capc)"
        )
    caps = np.array([
        float(capacity) if words[i] else _number(path, tokens, 2 + 2 * i, f"capacity of warehouse {i + 1}")
        for i in range(m)
    ])
    fixed = np.array([_number(path, tokens, 3 + 2 * i, f"fixed cost of warehouse {i + 1}") for i in range(m)])
    demand = np.empty(n)
    cost = np.empty((n, m))
    for j in range(n):
        start = 2 + 2 * m + j * (1 + m)
        demand[j] = _number(path, tokens, start, f"demand of customer {j + 1}")
        for i in range(m):
            cost[j, i] = _number(path, tokens, start + 1 + i, f"cost of customer {j + 1} at warehouse {i + 1}")
    return Instance(name, caps, fixed, demand, cost)


def _count(path: Path, token: str, what: str) -> int:
    try:
        value = float(token)
    except ValueError:
        value = math.nan
    if not (value.is_integer() and value >= 1):
        raise OrlibFormatError(f"{path}: {token!r} — expected {what}, a whole number ≥ 1")
    return int(value)


def _number(path: Path, tokens: list[str], k: int, what: str) -> float:
    token = tokens[k]
    try:
        value = float(token)
    except ValueError:
        value = math.nan
    if not (math.isfinite(value) and value >= 0):
        raise OrlibFormatError(f"{path}: number {k + 1} is {token!r} — expected the {what}, a number ≥ 0")
    return value


def shortfall_penalty(inst: Instance) -> float:
    """A shortfall penalty P per unit at which the elastic optimum has no shortfall.

    Opening every warehouse and serving each customer from its dearest one costs at most
    U = Σ_i f_i + Σ_j max_i c_ij, so the optimum costs ≤ U. A solution with shortfall
    either has spare capacity at its open sites (then moving a short unit there costs
    at most the dearest unit cost max c_ij / d_j < P, so it was not optimal) or its
    open capacity is short of total demand by some δ > 0, where δ is a multiple of the
    grain g of the data (1 for integer capacities and demands): its cost ≥ P·g > U.
    P = 10 · max(U / g, max unit cost) rounded up to a power of ten.
    """
    served = inst.served
    if not len(served):
        return 1.0
    worst = float(inst.fixed_cost.sum() + inst.cost[served].max(axis=1).sum())
    need = max(worst / _grain(np.concatenate([inst.capacity, inst.demand[served]])),
               float(inst.unit_cost().max()), 1.0)
    return float(10 ** math.ceil(math.log10(10 * need)))


def _grain(values: np.ndarray) -> float:
    """The largest 10^-k (k ≤ 9) of which every value is a whole multiple."""
    for k in range(10):
        scaled = values * 10**k
        if np.all(np.abs(scaled - np.round(scaled)) <= 1e-9 * np.maximum(1.0, np.abs(scaled))):
            return 10.0**-k
    return 1e-9


def instance_tables(inst: Instance, *, time_limit_s: float = TIME_LIMIT_S):
    """(tables, settings, about) of the plan workbook that is `inst`, for write_workbook."""
    served = inst.served
    wh = [f"W{i + 1:0{len(str(inst.m))}d}" for i in range(inst.m)]
    cu = [f"C{j + 1:0{len(str(inst.n))}d}" for j in range(inst.n)]
    regions = [cu[j] for j in served]
    total = float(inst.demand[served].sum())
    unit = inst.unit_cost()  # (len(served), m)
    transit_home = pd.DataFrame({
        "from_member": MEMBER, "region": regions, "mode": "any", "days": HOME_DAYS, "cost_musd": 0.0,
    })
    transit_sites = pd.DataFrame({
        "from_site": np.repeat(wh, len(served)),
        "region": np.tile(regions, inst.m),
        "mode": "any",
        "days": 0.0,
        "cost_musd": unit.T.ravel(),  # site-major, as the repeat/tile above
    })
    tables = {
        "Members": pd.DataFrame([{
            "code": MEMBER, "name": "Owner of every warehouse and unit", "gdp_musd": 1e9,
            "defence_spending_musd": 0.0, "equipment_pct": 0.0,
        }]),
        "Capabilities": pd.DataFrame([{
            "code": CAPABILITY, "name": "Unit of demand", "domain": "enablers", "unit": "unit",
            "integer": False,
        }]),
        "Regions": pd.DataFrame(
            [{"code": cu[j], "name": f"Customer {j + 1}"} for j in served]
            + [{"code": DEPOTS, "name": "Warehouses", "description": "Where every site lies."}]
        ),
        "Forces": pd.DataFrame([{
            "member": MEMBER, "capability": CAPABILITY, "existing_units": total,
            "retirements_per_year": 0.0, "max_new_per_year": 0.0, "acquisition_cost_musd": 0.0,
            "operating_cost_musd": 0.0,
        }]),
        "Requirements": pd.DataFrame({
            "capability": CAPABILITY, "region": regions, "year": YEAR, "units": inst.demand[served],
        }),
        "SpendingTargets": pd.DataFrame([{"member": "ALL", "from_year": YEAR}]),
        "Sites": pd.DataFrame({
            "code": wh, "name": [f"Warehouse {i + 1}" for i in range(inst.m)], "host": MEMBER,
            "region": DEPOTS, "fixed_cost_musd": inst.fixed_cost, "upkeep_musd": 0.0,
            "capacity_sets": inst.capacity, "existing": False,
        }),
        "Prepositioning": pd.DataFrame([{
            "capability": CAPABILITY, "set_cost_musd": 0.0, "storage_cost_musd": 0.0, "can_draw": True,
        }]),
        "Transit": pd.concat([transit_home, transit_sites], ignore_index=True),
        "Scenarios": pd.DataFrame([{
            "code": SCENARIO, "name": "Demand as given", "probability": 1.0,
            "warning_days": WARNING_DAYS, "requirement_scale": 1.0,
        }]),
    }
    settings = {
        "plan_name": f"OR-Library {inst.name}",
        "first_year": YEAR,
        "last_year": YEAR,
        "price_base_year": BASE_YEAR,
        "currency": "cost units",
        "discount_rate_pct": 0.0,
        "elastic": True,
        "shortfall_penalty_musd": shortfall_penalty(inst),
        "fair_share_band_pct": None,
        "scenario_objective": "expected",
        "solver": "highs",
        "time_limit_s": time_limit_s,
        "mip_gap_pct": MIP_GAP_PCT,
    }
    skipped = inst.n - len(served)
    about = [
        ("Instance", f"{inst.name}: {inst.m} warehouses, {inst.n} customers"
         + (f" ({skipped} without demand, left out)" if skipped else "")
         + f", total demand {total:g}, total capacity {inst.capacity.sum():g}."),
        ("Source", SOURCE),
        ("Problem", PROBLEM),
        ("Mapping", MAPPING),
        ("Written by", "planner import-orlib (planner/orlib.py)."),
    ]
    return tables, settings, about


def orlib_to_workbook(
    path: str | os.PathLike[str],
    out: str | os.PathLike[str],
    capacity: float | None = None,
    *,
    time_limit_s: float = TIME_LIMIT_S,
) -> Instance:
    """Read the OR-Library file at `path` and write its plan workbook to `out`."""
    from .template import write_workbook

    inst = read_orlib(path, capacity)
    tables, settings, about = instance_tables(inst, time_limit_s=time_limit_s)
    write_workbook(out, tables=tables, settings=settings, about=about)
    return inst


def read_optimal(path: str | os.PathLike[str]) -> dict[str, float]:
    """optimal.csv: instance name (cap41, capa_8000 …) -> published optimal value."""
    frame = pd.read_csv(path)
    return dict(zip(frame["instance"], frame["optimal_value"].astype(float)))
