"""Why a plan is infeasible, in words a planner understands.

When HiGHS proves the model infeasible (strict mode: no shortfall and no spending or
equipment gap allowed; in elastic mode, hard limits that conflict), its irreducible infeasible subset (IIS) names a smallest set of constraints and
variable bounds that cannot all hold together; drop any one and the rest can. Each is
turned into a sentence from its family (the names of docs/model.md) and its index.
"""

from __future__ import annotations

from typing import Any

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .model import HighsModel

IIS_TRUE = 4  # HiGHS iis_strategy: find a true IIS (the default, a light test, often finds none)
IIS_MIP_RELAXATION = 16  # … of the LP relaxation, for a MIP
IIS_TIME_LIMIT_S = 60.0

# constraint family -> sentence, filled with its index
ROWS: dict[str, str] = {
    "meet_requirement": "the requirement for {0} in {1} in {2} (scenario {3}) must be met",
    "stock_limit": "{0} can deploy no more {1} in {2} (scenario {3}) than it has in service",
    "spending_floor": "{0}'s spending floor in {1}",
    "spending_ceiling": "{0}'s spending ceiling in {1}",
    "equipment_floor": "{0}'s equipment-share floor in {1}",
    "growth_limit": "{0}'s limit on spending growth in {1}",
    "rise_limit": "{0}'s limit on the rise of its spending in {1} (SpendingTargets › max_change_pp)",
    "fall_limit": "{0}'s limit on the fall of its spending in {1} (SpendingTargets › max_change_pp)",
    "define_spend": "{0}'s spending in {1} is its baseline plus what the plan adds (never cut)",
    "define_total": "the alliance's spending in {0} is the sum of its members'",
    "fair_share_floor": "{0}'s fair-share band (its burden at least the band's floor)",
    "fair_share_ceiling": "{0}'s fair-share band (its burden at most the band's ceiling)",
    "site_capacity": "site {0}'s capacity",
    "basing_limit": "the basing rights' cap on {0}'s sets at site {1}",
    "draw_limit": "{0}'s units draw only the {2} sets it keeps at site {1} ({3}, scenario {4})",
    "draw_open": "draws at site {0} only if it is open",
    "dependence_cap": "the dependence cap on {0}'s share of the requirement for {1} in {2} in {3} (scenario {4})",
    "capability_cap": "the dependence cap on {0}'s share of the pact's {1} in {2} (scenario {3})",
    "abroad_limit": "{0}'s limit on {1} committed abroad in {2} (scenario {3})",
    "robust_loss": "the requirement for {1} in {2} in {3} must survive {0} abstaining (scenario {4})",
    "worst_case": "the worst scenario's cost covers scenario {0}",
}
# variable family -> sentence for its bound in the IIS
COLUMNS: dict[str, str] = {
    "x_units": "{0} can order at most {ub:g} {1} in {2} (Forces › max_new_per_year)",
    "shortfall": "strict mode: no shortfall allowed for {0} in {1} in {2} (scenario {3}) (Settings › elastic)",
    "spending_gap": "strict mode: {0} must reach its spending floor in {1} (Settings › elastic)",
    "equipment_gap": "strict mode: {0} must reach its equipment-share floor in {1} (Settings › elastic)",
    "sets": "{0}'s sets of {2} at site {1} within their bounds",
    "open_site": "site {0} open or not",
    "assign": "{0} sends no negative number of {1} to {2} in {3} (scenario {4})",
    "draw": "{0} draws no negative number of {2} sets at site {1} for {3} in {4} (scenario {5})",
    "spend": "{0}'s spending in {1} cannot be negative",
    "topup": "{0}'s top-up in {1} cannot be negative",
}


def _index(key: Any) -> tuple:
    return key if isinstance(key, tuple) else (key,)


def describe_row(con: Any) -> str:
    family = con.parent_component().local_name
    template = ROWS.get(family)
    return template.format(*_index(con.index())) if template else con.name


def describe_column(var: Any) -> str:
    family = var.parent_component().local_name
    template = COLUMNS.get(family)
    return template.format(*_index(var.index()), ub=var.ub if var.ub is not None else float("inf")) \
        if template else f"the bounds of {var.name}"


def explain(pm: HighsModel, limit: int = 30) -> list[str]:
    """Sentences for HiGHS's IIS of the (infeasible) model; empty when HiGHS finds none."""
    try:
        pm.highs.setOptionValue("iis_strategy", IIS_TRUE + (IIS_MIP_RELAXATION if pm.is_mip else 0))
        pm.highs.setOptionValue("iis_time_limit", IIS_TIME_LIMIT_S)
        status, iis = pm.highs.getIis()
    except Exception:  # noqa: BLE001 - an older HiGHS without IIS: no explanation
        return []
    if not getattr(iis, "valid_", False):
        return []
    rows = {index: con for con, index in pm._row.items()}
    columns = pm.instance.variables
    out = [describe_row(rows[i]) for i in iis.row_index_ if i in rows]
    out += [describe_column(columns[j]) for j in iis.col_index_ if 0 <= j < len(columns)]
    unique = list(dict.fromkeys(out))
    return unique[:limit] + ([f"… and {len(unique) - limit} more"] if len(unique) > limit else [])
