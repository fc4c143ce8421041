"""PlanData: the validated, unit-consistent input of every model.

Shares and rates are fractions (0.02, not 2 %); money is in million currency units
at constant prices of `base_year`; quantities of capability are in units. A PlanData
can be built in code (a notebook, a test) without any workbook.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import pandas as pd

MEMBER_COLUMNS = (
    "name",  # text
    "gdp",  # GDP in the base year, M currency
    "gdp_growth",  # real growth, fraction per year
    "spending",  # baseline defence spending in the base year, M currency
    "equipment_share",  # baseline equipment share of spending, fraction
    "population",  # million people (NaN where unknown)
    "gni",  # gross national income in the base year, M currency (optional; NaN where unknown)
    "gdp_ppp",  # GDP at purchasing-power parity in the base year, M (optional; NaN where unknown)
    "max_abroad",  # largest share of its units committed to regions it does not host (NaN: none)
    "participation",  # chance it takes part when it may abstain (NaN: 1), for the chance view
    "obligation",  # automatic | deems-necessary | consultative | consent
    "year_joined",  # first year of membership (NaN: always)
    "year_left",  # last year of membership (NaN: still a member)
)
FORCE_COLUMNS = (
    "existing",  # units in service in the base year
    "retirements",  # existing units retired per year after the base year
    "max_new",  # most units ordered per year (inf: no limit)
    "acquisition_cost",  # M currency per unit, paid from order to delivery (payment_profiles)
    "operating_cost",  # M currency per unit-year of a new unit in service
    "lead_time",  # years from order to service
    "service_life",  # years a new unit serves
)
TARGET_COLUMNS = ("min_gdp", "max_gdp", "min_equipment", "max_growth", "max_change",  # fractions, NaN: none
                  "one_way")  # 1: the path rule holds (models/spending.py), 0 or NaN: it does not
SITE_COLUMNS = ("name", "host", "region", "fixed_cost", "upkeep", "capacity", "existing")
BASING_COLUMNS = ("user", "host", "site", "allowed", "max_sets")  # site None: all the host's
PREPOSITIONING_COLUMNS = ("set_cost", "storage_cost", "set_size", "can_draw")
TRANSIT_COLUMNS = ("from_member", "from_site", "capability", "region", "mode", "days", "cost")
SCENARIO_COLUMNS = ("name", "probability", "warning_days", "scale", "abstentions")  # abstentions NaN: Settings'
AUTOMATIC = "automatic"  # the obligation that never abstains; the others may


def _empty(columns: tuple[str, ...], index: str | None = None) -> pd.DataFrame:
    frame = pd.DataFrame(columns=list(columns))
    if index:
        frame.index.name = index
    return frame


def one_scenario() -> pd.DataFrame:
    """The default: one scenario, certain, with unlimited warning and the requirements as given."""
    return pd.DataFrame(
        {"name": ["Requirements as given"], "probability": [1.0], "warning_days": [math.inf], "scale": [1.0],
         "abstentions": [math.nan]},
        index=pd.Index(["BASE"], name="scenario"),
    )


@dataclass
class PlanData:
    """Everything a model needs, indexed by codes.

    members:      index member code, columns MEMBER_COLUMNS
    capabilities: index capability code, columns name, domain, unit, integer (bool), parts
                  (parts per unit, NaN: none; see `parts_per_unit`), part (name of one
                  part, e.g. battalion; missing or blank: 'part'), payment_profile
                  (optional: even | order | delivery, NaN: even; see `payment_profiles`)
    regions:      index region code, column name
    forces:       MultiIndex (member, capability), columns FORCE_COLUMNS
    requirements: Series, MultiIndex (capability, region, year) -> units (> 0), one
                  entry per year in which the requirement holds
    targets:      MultiIndex (member, year) over the horizon, columns TARGET_COLUMNS
    fair_share_key: gdp | gni | gdp_ppp | population | equal | custom | mix
    fair_share_mix: component key -> weight (mix key only; weights of the components' shares)
    fair_share_cap: largest fair share of any member (NaN: none); the excess is shared
                  among the others in proportion to their key (capped proportional key)
    custom_share: Series member -> weight (custom key only)
    fair_band:    Series member -> relative band (NaN: not enforced)
    exclusions:   (member, region) pairs the member will not serve
    participation: (member, scenario) -> yes | maybe | no, overriding the obligation there
    suspensions:  (member, towards, first year, last year or None): member's units do not
                  serve the regions hosted by `towards` in those years
    max_requirement_share: largest share of any requirement one member may provide (NaN: none)
    max_capability_share: largest share of a capability's requirement, all regions together, one
                  member may provide (NaN: none)
    sites:        index site code, columns SITE_COLUMNS (money M, capacity in sets)
    basing:       columns BASING_COLUMNS: who may store sets at which host's sites
    prepositioning: index capability, columns PREPOSITIONING_COLUMNS
    transit:      columns TRANSIT_COLUMNS, one of from_member / from_site set per row
    scenarios:    index scenario, columns SCENARIO_COLUMNS (probability weights, normalised by the model;
                  abstentions: that scenario's k, NaN for the plan's `abstentions`)
    scenario_requirements: Series (scenario, capability, region, year) -> units, filled;
                  replaces the scaled requirement of that cell
    common_funding_cap: largest share of common-funded costs of any member (NaN: none)
    candidates:   states that may join, columns MEMBER_COLUMNS (not in the plan: a what-if
                  moves them into members); their forces and targets rows may be present
    """

    name: str
    first_year: int
    last_year: int
    base_year: int
    members: pd.DataFrame
    capabilities: pd.DataFrame
    regions: pd.DataFrame
    forces: pd.DataFrame
    requirements: pd.Series
    targets: pd.DataFrame
    currency: str = "USD"
    discount_rate: float = 0.0
    elastic: bool = True
    shortfall_penalty: float = 10_000.0  # M per unit-year (a modelling weight); workbooks: models/penalty.py
    shortfall_penalty_derived: bool = False  # derived from the data (Settings left blank)
    spending_gap_penalty: float = 10.0
    fair_share_key: str = "gdp"
    fair_share_mix: dict[str, float] = field(default_factory=dict)
    fair_share_cap: float = math.nan
    custom_share: pd.Series = field(default_factory=lambda: pd.Series(dtype=float))
    fair_band: pd.Series = field(default_factory=lambda: pd.Series(dtype=float))
    exclusions: frozenset[tuple[str, str]] = frozenset()
    participation: dict[tuple[str, str], str] = field(default_factory=dict)
    suspensions: tuple[tuple[str, str, int, int | None], ...] = ()
    max_requirement_share: float = math.nan
    max_capability_share: float = math.nan
    sites: pd.DataFrame = field(default_factory=lambda: _empty(SITE_COLUMNS, "site"))
    basing: pd.DataFrame = field(default_factory=lambda: _empty(BASING_COLUMNS))
    prepositioning: pd.DataFrame = field(default_factory=lambda: _empty(PREPOSITIONING_COLUMNS, "capability"))
    transit: pd.DataFrame = field(default_factory=lambda: _empty(TRANSIT_COLUMNS))
    scenarios: pd.DataFrame = field(default_factory=one_scenario)
    scenario_requirements: pd.Series = field(default_factory=lambda: pd.Series(dtype=float))
    scenario_objective: str = "expected"  # expected | worst-case
    scenario_groups: dict[str, str] = field(default_factory=dict)  # scenario -> group: expected over groups of the worst in each
    abstentions: int = 0  # k: members with a non-automatic obligation that may abstain (robust plan)
    robust_recourse: bool = False  # planner.run_plan: the others redeploy after an abstention (planner/analyses/recourse.py)
    candidates: pd.DataFrame = field(default_factory=lambda: _empty(MEMBER_COLUMNS, "member"))
    common_funding_key: str = "gdp"  # gdp | gni | gdp_ppp | population | equal | custom
    common_funding_cap: float = math.nan
    solver: str = "highs"
    time_limit_s: float = 600.0
    mip_gap: float = 1e-4  # relative

    def __post_init__(self) -> None:
        missing = [c for c in TARGET_COLUMNS if c not in self.targets.columns]
        if missing:  # a PlanData built in code may leave out targets it does not use
            self.targets = self.targets.assign(**{c: np.nan for c in missing})

    def member_forces(self) -> pd.DataFrame:
        """The Forces rows of members: F, without the candidates' rows."""
        return self.forces[self.forces.index.get_level_values("member").isin(self.members.index)]

    def parts_per_unit(self) -> dict[str, int]:
        """p_c of the capabilities counted in parts: orders, deployments and sets come in
        multiples of 1 / p_c units; the column `parts` where given, else 1 where `integer`.
        Capabilities left out may come in any fraction."""
        caps = self.capabilities
        parts = caps["parts"] if "parts" in caps else pd.Series(np.nan, index=caps.index)
        out = {}
        for c in caps.index:
            if pd.notna(parts[c]):
                out[c] = int(parts[c])
            elif bool(caps.at[c, "integer"]):
                out[c] = 1
        return out

    def payment_profiles(self) -> dict[str, str]:
        """The payment profile of each capability (models/forces.py, PAYMENT_PROFILES): the
        column `payment_profile` where given, else "even"."""
        caps = self.capabilities
        given = caps["payment_profile"] if "payment_profile" in caps else pd.Series(np.nan, index=caps.index)
        return {c: "even" if pd.isna(given[c]) else str(given[c]) for c in caps.index}

    def abstention_budget(self) -> dict[str, int]:
        """k_s: how many non-automatic members may abstain in each scenario."""
        column = self.scenarios["abstentions"] if "abstentions" in self.scenarios else None
        return {s: int(self.abstentions if column is None or pd.isna(column[s]) else column[s])
                for s in self.scenarios.index}

    def may_abstain(self, scenario: str | None = None) -> list[str]:
        """U_s, the members that may abstain in `scenario`, in the Members sheet's order: those
        whose obligation is not automatic and that have no Participation row for s, and those
        Participation says 'maybe' for in s; never those it says 'yes' (they take part) or
        'no' (they are out of s) for. Without a scenario: the union of U_s over the scenarios."""
        scenarios = list(self.scenarios.index) if scenario is None else [scenario]
        return [m for m, o in self.members["obligation"].items()
                if any(self.participation.get((m, s), "maybe" if o != AUTOMATIC else None) == "maybe"
                       for s in scenarios)]

    def serves(self, member: str, region: str, year: int, scenario: str) -> bool:
        """May `member`'s units serve `region` in `year` and `scenario`? Not where it excludes the
        region, opts out of the scenario, or has suspended its obligations to the region's host."""
        hosts, out, suspended = self._serving
        if (member, region) in self.exclusions or (member, scenario) in out:
            return False
        host = hosts.get(region)
        return host is None or not any(first <= year and (last is None or year <= last)
                                       for first, last in suspended.get((member, host), ()))

    @cached_property
    def _serving(self) -> tuple[dict[str, str], set[tuple[str, str]], dict[tuple[str, str], list]]:
        """Region hosts, (member, scenario) opt-outs, (member, towards) → suspended years."""
        hosts = ({r: h for r, h in self.regions["host"].items() if isinstance(h, str)}
                 if "host" in self.regions else {})
        out = {key for key, p in self.participation.items() if p == "no"}
        suspended: dict[tuple[str, str], list] = {}
        for m, towards, first, last in self.suspensions:
            suspended.setdefault((m, towards), []).append((first, last))
        return hosts, out, suspended

    @property
    def years(self) -> list[int]:
        return list(range(self.first_year, self.last_year + 1))

    def is_active(self, member: str, year: int) -> bool:
        """Is `member` a member of the pact in `year`?"""
        row = self.members.loc[member]
        joined, left = row["year_joined"], row["year_left"]
        return not (pd.notna(joined) and year < joined) and not (pd.notna(left) and year > left)

    def active_pairs(self) -> list[tuple[str, int]]:
        """(member, year) pairs of membership within the horizon."""
        return [(m, t) for m in self.members.index for t in self.years if self.is_active(m, t)]

    def gdp(self) -> pd.Series:
        """GDP[m, t] = gdp_m · (1 + g_m)^(t − base_year), M currency, over the horizon."""
        m = self.members
        years = np.array(self.years)
        values = m["gdp"].to_numpy()[:, None] * (1 + m["gdp_growth"].to_numpy()[:, None]) ** (
            years[None, :] - self.base_year
        )
        idx = pd.MultiIndex.from_product([m.index, years], names=["member", "year"])
        return pd.Series(values.ravel(), index=idx, name="gdp")

    def discount(self) -> pd.Series:
        """δ_t = (1 + rate)^−(t − first_year)."""
        years = np.array(self.years)
        return pd.Series((1 + self.discount_rate) ** -(years - self.first_year), index=years)

    def existing_units(self) -> pd.Series:
        """E[m, c, t] = max(0, existing − retirements · (t − base_year)), units; for a
        capability counted in parts, rounded to the nearest whole part, ⌊p_c · E + ½⌋ / p_c
        (retirements are an average rate; a unit retires whole)."""
        f = self.forces
        years = np.array(self.years)
        values = np.maximum(
            0.0,
            f["existing"].to_numpy()[:, None]
            - f["retirements"].to_numpy()[:, None] * (years[None, :] - self.base_year),
        )
        parts = self.parts_per_unit()
        p = np.array([parts.get(c, 0) for c in f.index.get_level_values("capability")], dtype=float)[:, None]
        values = np.where(p > 0, np.floor(values * np.where(p > 0, p, 1.0) + 0.5) / np.where(p > 0, p, 1.0),
                          values)
        idx = pd.MultiIndex.from_tuples(
            [(m, c, t) for m, c in f.index for t in years], names=["member", "capability", "year"]
        )
        return pd.Series(values.ravel(), index=idx, name="existing")
