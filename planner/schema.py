"""The input schema: every sheet and column of a plan workbook, declared once.

The validator (`planner.validate`), the template generator (`planner.template`) and
`docs/inputs.md` (`planner.docgen`) are all generated from the declarations below.
Nothing else in the project may hold a list of sheet or column names.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

Kind = Literal["code", "text", "number", "integer", "year", "bool", "enum"]

YEAR_MIN, YEAR_MAX = 1900, 2200
ALL = "ALL"  # member code meaning "every member" in SpendingTargets
# Solvers the planner runs: HiGHS in-process (highspy, installed with the planner), the others
# through Pyomo's interfaces to the mixed-integer solvers of the same names, where installed.
SOLVERS = ("highs", "cbc", "glpk", "cplex", "gurobi", "scip", "xpress")


@dataclass(frozen=True)
class Column:
    """One column of a sheet (or one setting of the Settings sheet)."""

    name: str
    kind: Kind
    description: str
    unit: str = ""
    required: bool = False
    default: Any = None
    choices: tuple[str, ...] = ()
    ref: str | None = None  # codes must exist in this sheet's first column
    ref_extra: tuple[str, ...] = ()  # extra accepted codes, e.g. ALL
    minimum: float | None = None
    maximum: float | None = None
    min_exclusive: bool = False

    @property
    def in_percent(self) -> bool:
        """Whether the column's unit is a percentage (2 means 2 %)."""
        return self.unit.startswith("%")

    def expected(self) -> str:
        """What a valid cell holds, in words a planner reads."""
        words = {
            "code": "a short code (letters, digits, _ or -)",
            "text": "text",
            "number": "a number",
            "integer": "a whole number",
            "year": f"a year ({YEAR_MIN}–{YEAR_MAX})",
            "bool": "yes or no",
            "enum": "one of " + ", ".join(self.choices),
        }[self.kind]
        if self.ref:
            words = f"a code from sheet {self.ref}" + (
                f" or {', '.join(self.ref_extra)}" if self.ref_extra else ""
            )
        if self.minimum is not None and self.maximum is not None:
            words += f" between {_fmt(self.minimum)} and {_fmt(self.maximum)}"
        elif self.minimum is not None:
            words += f" {'>' if self.min_exclusive else '≥'} {_fmt(self.minimum)}"
        if self.unit:
            words += f" ({self.unit})"
        return words


@dataclass(frozen=True)
class Sheet:
    """One sheet of the workbook: a table with headers in row 1, one record per row."""

    name: str
    description: str
    columns: tuple[Column, ...]
    required: bool = True
    key: tuple[str, ...] = ()  # columns whose combination must be unique
    layout: Literal["table", "settings"] = "table"
    example: tuple[tuple[Any, ...], ...] = field(default=())

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


def _fmt(x: float) -> str:
    return f"{x:g}"


def _pct(name: str, description: str, **kw: Any) -> Column:
    return Column(name, "number", description, unit="%", minimum=0, maximum=100, **kw)


SETTINGS = Sheet(
    "Settings",
    "Plan-wide settings: one setting per row, its name in column A and its value in "
    "column B. Units and descriptions stand in columns C and D for the reader.",
    layout="settings",
    columns=(
        Column("plan_name", "text", "Name of the plan, shown on every report.", required=True),
        Column("first_year", "year", "First year of the planning horizon.", required=True),
        Column("last_year", "year", "Last year of the planning horizon.", required=True),
        Column(
            "price_base_year",
            "year",
            "Year of the Members sheet's GDP and baseline defence spending, and of "
            "the prices of every cost (constant prices of this year).",
            required=True,
        ),
        Column("currency", "text", "Currency of every cost and GDP figure.", default="USD"),
        Column(
            "discount_rate_pct",
            "number",
            "Real discount rate applied to costs of later years (year t is weighted "
            "1 / (1 + rate)^(t − first_year)).",
            unit="% per year",
            default=0.0,
            minimum=0,
            maximum=50,
        ),
        Column(
            "elastic",
            "bool",
            "Elastic mode: an unmet requirement, spending floor or equipment-share floor "
            "becomes a penalised shortfall or gap shown in the report instead of making the "
            "plan infeasible. Spending ceilings, growth limits and fair-share bands stay hard "
            "in either mode.",
            default=True,
        ),
        Column(
            "shortfall_penalty_musd",
            "number",
            "Penalty per unit of capability missing from a requirement for one year: a "
            "modelling weight, never reported as money. Blank (the default): ten times the "
            "dearest way the workbook offers to provide one unit for a year (the highest "
            "acquisition plus one year's operating cost of any member, plus the dearest "
            "transit route that capability may take from a member's home or a site (a route "
            "with a blank capability serves every capability) and its equipment set), rounded "
            "up to two significant figures. Only members count: Candidates' Forces and "
            "Transit rows do not, nor capabilities no member fields; a what-if in which a "
            "candidate joins keeps this value. Where no member's unit, route or set costs "
            "anything: 10,000. The report states the value used and whether the plan would "
            "change if it were ten times lower.",
            unit="million currency units per unit-year",
            default=None,
            minimum=0,
            min_exclusive=True,
        ),
        Column(
            "spending_gap_penalty",
            "number",
            "Penalty per million of defence spending below a member's floor (elastic "
            "mode); above 1 so that meeting the floor is always preferred. Equipment "
            "spending below an equipment-share floor is penalised at this divided by "
            "(1 − the floor), since a top-up of 1 closes only (1 − the floor) of that gap.",
            unit="per million currency units",
            default=10.0,
            minimum=1,
            min_exclusive=True,
        ),
        Column(
            "fair_share_key",
            "enum",
            "Burden-sharing key: each member's fair share of the alliance's total "
            "defence spending is its share of this quantity among the members of "
            "that year: GDP, gross national income (Members' gni_musd), GDP at "
            "purchasing-power parity (gdp_ppp_musd), population, equal shares, the "
            "FairShare sheet's custom_share, or a mix of these (fair_share_mix).",
            default="gdp",
            choices=("gdp", "gni", "gdp_ppp", "population", "equal", "custom", "mix"),
        ),
        Column(
            "fair_share_mix",
            "text",
            "The mix key's components and their weights, e.g. 'gdp 50, population 50' or "
            "'gni 80, equal 20': each component's shares are mixed in these proportions "
            "(weights need not sum to 100). Components: gdp, gni, gdp_ppp, population, "
            "equal, custom, in any case. Parts are separated by commas or semicolons; in "
            "each, the component and its weight by spaces, ':' or '=' ('gdp: 50', "
            "'gdp=50'); a '%' after the weight is allowed. Each weight is a number above 0; "
            "each component appears once. Used (and required) when fair_share_key is mix.",
        ),
        Column(
            "fair_share_cap_pct",
            "number",
            "Largest fair share of any one member; the excess is shared among the others "
            "in proportion to their key (a capped proportional key, as NATO's common "
            "funding caps the United States). In every year of the horizon the cap times "
            "the members of that year with a key above 0 must reach 100 %. Blank: no cap.",
            unit="% of the alliance's spending",
            minimum=0,
            maximum=100,
            min_exclusive=True,
        ),
        Column(
            "fair_share_band_pct",
            "number",
            "Tolerance band around each member's fair share, relative to that share "
            "(25 means between 0.75 and 1.25 times the fair share). A member held to a "
            "band needs a fair_share_key weight above 0 (a weight of 0 makes its fair "
            "share 0 and allows it no spending: refused; exempt it in FairShare). Blank: "
            "fair shares are reported but not enforced.",
            unit="% of the fair share",
            minimum=0,
            maximum=100,
        ),
        Column(
            "max_requirement_share_pct",
            "number",
            "Dependence limit: the largest share of any requirement (capability, region, "
            "year, scenario) one member may provide. Blank: no limit.",
            unit="% of the requirement",
            minimum=0,
            maximum=100,
            min_exclusive=True,
        ),
        Column(
            "max_capability_share_pct",
            "number",
            "Dependence limit: the largest share of the pact's requirement for a capability "
            "(all regions together, in a year and scenario) one member may provide. Blank: "
            "no limit.",
            unit="% of the capability's requirement",
            minimum=0,
            maximum=100,
            min_exclusive=True,
        ),
        Column(
            "abstentions",
            "integer",
            "Robust plan: every requirement is met (or its shortfall penalised) even if any "
            "this many members whose obligation is not automatic (deems-necessary, "
            "consultative, consent) abstain. 0: a plan that counts on every member.",
            default=0,
            minimum=0,
        ),
        Column(
            "robust_recourse",
            "bool",
            "With abstentions: yes, the other members redeploy after an abstention (a two-stage "
            "robust plan: the worst set abstains, the others move their units to cover); no, "
            "deployment is decided before the abstention is known and an abstaining member's "
            "units are lost (the static robust plan, cheaper to solve).",
            default=True,
        ),
        Column(
            "scenario_objective",
            "enum",
            "How scenario costs (deployment and shortfalls) enter the objective: their "
            "probability-weighted expectation, or the worst scenario's.",
            default="expected",
            choices=("expected", "worst-case"),
        ),
        Column(
            "common_funding_key",
            "enum",
            "Key by which common-funded costs (sites) are shared among members: GDP, "
            "gross national income (NATO's common budgets use GNI; Members' gni_musd), "
            "GDP at purchasing-power parity, population, equal shares, or the FairShare "
            "sheet's custom_share.",
            default="gdp",
            choices=("gdp", "gni", "gdp_ppp", "population", "equal", "custom"),
        ),
        Column(
            "common_funding_cap_pct",
            "number",
            "Largest share of common-funded costs any one member pays; the excess is "
            "redistributed among the others in proportion to their key (NATO caps the "
            "United States at Germany's share, about 16 %). In every year of the horizon "
            "the cap times the members of that year with a key above 0 must reach 100 %. "
            "Blank: no cap.",
            unit="%",
            minimum=0,
            maximum=100,
            min_exclusive=True,
        ),
        Column("solver", "enum", "Solver: HiGHS (installed with the planner) or a mixed-integer solver "
               "installed on the machine, run through Pyomo.", default="highs", choices=SOLVERS),
        Column(
            "time_limit_s",
            "number",
            "Solver time limit.",
            unit="seconds",
            default=600.0,
            minimum=0,
            min_exclusive=True,
        ),
        Column(
            "mip_gap_pct",
            "number",
            "Relative optimality gap at which a mixed-integer solve stops.",
            unit="%",
            default=0.01,
            minimum=0,
            maximum=100,
        ),
    ),
)

MEMBERS = Sheet(
    "Members",
    "The member states of the pact, with their economy and defence spending in the "
    "price base year.",
    key=("code",),
    columns=(
        Column("code", "code", "Member code (ISO 3166 alpha-3 recommended).", required=True),
        Column("name", "text", "Member name.", required=True),
        Column(
            "gdp_musd",
            "number",
            "Gross domestic product in the price base year.",
            unit="million currency units",
            required=True,
            minimum=0,
            min_exclusive=True,
        ),
        Column(
            "gdp_growth_pct",
            "number",
            "Real GDP growth per year over the horizon.",
            unit="% per year",
            default=0.0,
            minimum=-50,
            maximum=50,
        ),
        Column(
            "defence_spending_musd",
            "number",
            "Defence expenditure in the price base year (the baseline the plan adds to; "
            "it is never cut).",
            unit="million currency units",
            required=True,
            minimum=0,
        ),
        _pct(
            "equipment_pct",
            "Share of the baseline defence expenditure spent on major equipment "
            "(including related research and development).",
            default=0.0,
        ),
        Column(
            "population_m",
            "number",
            "Population (needed when the fair-share key is population).",
            unit="million people",
            minimum=0,
        ),
        Column(
            "gni_musd",
            "number",
            "Gross national income in the price base year (needed when a key is gni); "
            "grown like GDP over the horizon.",
            unit="million currency units",
            minimum=0,
        ),
        Column(
            "gdp_ppp_musd",
            "number",
            "GDP at purchasing-power parity in the price base year (needed when a key is "
            "gdp_ppp); grown like GDP over the horizon.",
            unit="million currency units (international dollars for USD plans)",
            minimum=0,
        ),
        Column(
            "max_abroad_pct",
            "number",
            "Largest share of the member's units of any capability that may be committed "
            "to regions it does not host (Regions › host), in any scenario and year. Blank: "
            "no limit.",
            unit="% of its units",
            minimum=0,
            maximum=100,
        ),
        Column(
            "participation_pct",
            "number",
            "Chance the member takes part when its obligation lets it abstain (the "
            "Robustness sheet's chance view samples abstentions with it). Blank: 100.",
            unit="%",
            minimum=0,
            maximum=100,
        ),
        Column(
            "obligation",
            "enum",
            "Kind of obligation to assist: automatic (Brussels Treaty Art. IV/V), "
            "deems-necessary (North Atlantic Treaty Art. 5), consultative (ANZUS Art. "
            "IV), consent (Rio Treaty Art. 20).",
            default="automatic",
            choices=("automatic", "deems-necessary", "consultative", "consent"),
        ),
        Column(
            "year_joined",
            "year",
            "Year the member joins (blank: a member throughout the horizon).",
        ),
        Column(
            "year_left",
            "year",
            "Last year of membership (blank: still a member). The member contributes "
            "nothing after this year.",
        ),
    ),
)

CAPABILITIES = Sheet(
    "Capabilities",
    "The capabilities that requirements ask for and members field.",
    key=("code",),
    columns=(
        Column("code", "code", "Capability code.", required=True),
        Column("name", "text", "Capability name.", required=True),
        Column(
            "domain",
            "enum",
            "Capability domain.",
            required=True,
            choices=("land", "air", "maritime", "cyber", "space", "enablers"),
        ),
        Column("unit", "text", "Unit of account (brigade, squadron, battery…).", default="unit"),
        Column(
            "integer",
            "bool",
            "Whole units only: orders, deployments and equipment sets in whole units (the "
            "same as parts_per_unit 1; makes the plan a mixed-integer programme).",
            default=False,
        ),
        Column(
            "parts_per_unit",
            "integer",
            "Smallest contribution, as a part of a unit: orders, deployments and equipment "
            "sets come in multiples of 1 / parts_per_unit units (3: a battalion of a "
            "three-battalion brigade; 1: whole units), and units in service count whole "
            "parts (the stock left by retirements is rounded to the nearest part). Blank: whole "
            "units if integer, else any fraction.",
            unit="parts",
            minimum=1,
            maximum=100,
        ),
        Column(
            "part_name",
            "text",
            "Name of one part of a unit counted in parts (battalion), used by the report to "
            "state orders and deployments in the capability's own words ('2 battalions'). "
            "Blank: 'part'.",
        ),
        Column(
            "payment_profile",
            "enum",
            "How a unit's acquisition cost (Forces acquisition_cost_musd) is paid, as procurement "
            "budgets fund it. even: in equal parts over the years from order to delivery (a lead "
            "time of L years: 1/L in the order year and each of the L − 1 years after; a lead time "
            "of 0 or 1: all in the order year); order: all in the order year; delivery: all in the "
            "year the unit enters service. Orders are delivered within the horizon, so every order "
            "is paid in full within it.",
            default="even",
            choices=("even", "order", "delivery"),
        ),
    ),
)

REGIONS = Sheet(
    "Regions",
    "The theatres where collective-defence requirements arise.",
    key=("code",),
    columns=(
        Column("code", "code", "Region code.", required=True),
        Column("name", "text", "Region name.", required=True),
        Column("description", "text", "Notes on the region."),
        Column(
            "host",
            "code",
            "Member on whose territory the region lies (blank: international waters or "
            "several members). Units serving a region not hosted by their member are "
            "committed abroad; Suspensions act on the regions of the member they name.",
            ref="Members",
        ),
    ),
)

FORCES = Sheet(
    "Forces",
    "What each member fields or can acquire, one row per member and capability. A "
    "member without a row for a capability cannot provide it.",
    key=("member", "capability"),
    columns=(
        Column("member", "code", "Member.", required=True, ref="Members"),
        Column("capability", "code", "Capability.", required=True, ref="Capabilities"),
        Column(
            "existing_units",
            "number",
            "Units in service in the price base year.",
            unit="units",
            default=0.0,
            minimum=0,
        ),
        Column(
            "retirements_per_year",
            "number",
            "Existing units retired each year after the price base year.",
            unit="units per year",
            default=0.0,
            minimum=0,
        ),
        Column(
            "max_new_per_year",
            "number",
            "Most new units that can be ordered in one year (industrial capacity). "
            "Blank: no limit; 0: no new units.",
            unit="units per year",
            minimum=0,
        ),
        Column(
            "acquisition_cost_musd",
            "number",
            "Cost of acquiring one new unit, paid from order to delivery by the capability's "
            "payment_profile (Capabilities).",
            unit="million currency units per unit",
            required=True,
            minimum=0,
        ),
        Column(
            "operating_cost_musd",
            "number",
            "Cost of operating one new unit for a year (existing units are funded by "
            "the baseline).",
            unit="million currency units per unit-year",
            default=0.0,
            minimum=0,
        ),
        Column(
            "lead_time_years",
            "integer",
            "Years from order to service: a unit ordered in year t serves from t + lead time.",
            unit="years",
            default=0,
            minimum=0,
            maximum=30,
        ),
        Column(
            "service_life_years",
            "integer",
            "Years a new unit stays in service.",
            unit="years",
            default=30,
            minimum=1,
            maximum=100,
        ),
    ),
)

REQUIREMENTS = Sheet(
    "Requirements",
    "Units of a capability the pact needs in a region in a year. Years may be sparse: "
    "a row holds from its year until the next row for the same capability and region "
    "(carried forward to the last year); before the first row nothing is required, and "
    "units 0 ends a requirement. Every year must lie in the horizon (first_year to "
    "last_year).",
    key=("capability", "region", "year"),
    columns=(
        Column("capability", "code", "Capability.", required=True, ref="Capabilities"),
        Column("region", "code", "Region.", required=True, ref="Regions"),
        Column("year", "year", "First year the requirement holds, within the horizon.", required=True),
        Column("units", "number", "Units required.", unit="units", required=True, minimum=0),
    ),
)

SPENDING_TARGETS = Sheet(
    "SpendingTargets",
    "Spending benchmarks, for every member (member ALL) or one member. Each column is "
    "read on its own: a target holds from its row's from_year until the next row that "
    "fills the same column; a blank cell says nothing for its column, so the previous "
    "row's value carries on (blank in every row: no limit). With phase_in linear a row's "
    "target is reached along a straight line from the previous row's value and year; a "
    "linear row with no earlier row for its column acts as a step (no target before its "
    "year). For each member and column, the ALL rows hold until the member's first own "
    "row that fills the column and the member's own rows from that year on: ALL rows from "
    "that year on no longer reach it, nor does an ALL line towards one of them (the member "
    "keeps the last ALL value before its own row until then), and a linear own row starts "
    "from that last ALL value and year. Columns the member's rows leave blank still follow ALL.",
    key=("member", "from_year"),
    columns=(
        Column("member", "code", "Member, or ALL.", required=True, ref="Members", ref_extra=(ALL,)),
        Column("from_year", "year", "Year from which the target holds.", required=True),
        _pct("min_gdp_pct", "Floor on defence spending as a share of GDP."),
        _pct("max_gdp_pct", "Ceiling on defence spending as a share of GDP."),
        _pct("min_equipment_pct", "Floor on the share of defence spending on major equipment."),
        Column(
            "max_real_growth_pct",
            "number",
            "Largest real increase of defence spending on the year before.",
            unit="% per year",
            minimum=0,
        ),
        Column(
            "max_change_pp",
            "number",
            "Largest change of defence spending from one year to the next, up or down, in "
            "percentage points of GDP, top-ups included. A floor's own step goes through: in a "
            "year where the least share the member's floors allow (spending floor, equipment "
            "floor, or its baseline) rises by more, spending may rise by as much, and where it "
            "falls by more and no floor is left to hold spending up, spending may fall as much. "
            "The first year is measured from the base year's share, allowing this change per "
            "year between.",
            unit="pp of GDP per year",
            minimum=0,
            maximum=100,
        ),
        Column(
            "one_way_path",
            "bool",
            "yes: a credible, incremental path. From this row's year on, the member's spending as a "
            "share of GDP moves one way from its base-year share: a member whose base-year share is "
            "at or below its final floor (min_gdp_pct in its last year) never falls from one year to "
            "the next; one above it glides down without rising again (where its GDP grows and no floor "
            "on the way asks for more than its base-year share; else, and for a member with no final "
            "floor, the plan chooses whichever direction costs less). "
            "Together with max_change_pp, this paces a member's climb to its floor. The Summary "
            "states what the rule costs. Blank: as the previous row (no: no such rule).",
        ),
        Column(
            "phase_in",
            "enum",
            "step: the target holds from from_year; linear: it is approached along a "
            "straight line from the previous row's value and year (the first row for a "
            "column has none: it acts as a step).",
            default="step",
            choices=("step", "linear"),
        ),
    ),
)

FAIR_SHARE = Sheet(
    "FairShare",
    "Per-member adjustments to the burden-sharing key of Settings (optional).",
    required=False,
    key=("member",),
    columns=(
        Column("member", "code", "Member.", required=True, ref="Members"),
        Column(
            "custom_share",
            "number",
            "Weight of the member in a custom key (normalised among the members of each "
            "year). 0 only for a member held to no band.",
            minimum=0,
        ),
        Column(
            "band_pct",
            "number",
            "This member's tolerance band, overriding Settings' fair_share_band_pct (the "
            "member then needs a fair_share_key weight above 0).",
            unit="% of the fair share",
            minimum=0,
            maximum=100,
        ),
        Column(
            "exempt",
            "bool",
            "Not held to its fair share (still reported).",
            default=False,
        ),
    ),
)

PARTICIPATION = Sheet(
    "Participation",
    "A member's participation in one scenario, overriding its obligation (optional): "
    "'yes' counts it as automatic there (it never abstains: its own territory is attacked, "
    "say), 'maybe' lets it abstain although its obligation is automatic, 'no' keeps it out "
    "of the scenario altogether (it provides nothing: a member × scenario opt-out).",
    required=False,
    key=("member", "scenario"),
    columns=(
        Column("member", "code", "Member.", required=True, ref="Members"),
        Column("scenario", "code", "Scenario.", required=True, ref="Scenarios"),
        Column("participation", "enum", "yes, maybe or no.", required=True, choices=("yes", "maybe", "no")),
        Column("reason", "text", "Why (shown in the report)."),
    ),
)

SUSPENSIONS = Sheet(
    "Suspensions",
    "A member's obligations towards another member suspended over some years (optional): "
    "its units do not serve the regions the other member hosts (Regions › host), as the "
    "United States suspended its ANZUS obligations to New Zealand in 1986.",
    required=False,
    key=("member", "towards", "from_year"),
    columns=(
        Column("member", "code", "Member whose obligations are suspended.", required=True, ref="Members"),
        Column("towards", "code", "Member they were owed to.", required=True, ref="Members"),
        Column("from_year", "year", "First year of the suspension.", required=True),
        Column("to_year", "year", "Last year of the suspension (blank: still suspended)."),
        Column("reason", "text", "Why (shown in the report)."),
    ),
)

EXCLUSIONS = Sheet(
    "Exclusions",
    "Member–region pairs a member will not serve (sovereignty, entrapment) (optional).",
    required=False,
    key=("member", "region"),
    columns=(
        Column("member", "code", "Member.", required=True, ref="Members"),
        Column("region", "code", "Region it will not serve.", required=True, ref="Regions"),
        Column("reason", "text", "Why (shown in the report)."),
    ),
)

SITES = Sheet(
    "Sites",
    "Sites where equipment sets can be pre-positioned (optional; with Prepositioning). A "
    "site is opened or kept for the whole horizon, or not at all; its costs are common-funded.",
    required=False,
    key=("code",),
    columns=(
        Column("code", "code", "Site code.", required=True),
        Column("name", "text", "Site name.", required=True),
        Column("host", "code", "Host member, on whose territory the site lies.", required=True, ref="Members"),
        Column("region", "code", "Region where the site lies.", required=True, ref="Regions"),
        Column(
            "fixed_cost_musd",
            "number",
            "Cost to open the site (or to keep an existing one), paid in the first year.",
            unit="million currency units",
            default=0.0,
            minimum=0,
        ),
        Column(
            "upkeep_musd",
            "number",
            "Cost of running the site for a year while it is open.",
            unit="million currency units per year",
            default=0.0,
            minimum=0,
        ),
        Column(
            "capacity_sets",
            "number",
            "Room at the site, all capabilities together: sets times their set_size "
            "(with every set_size 1, the number of sets).",
            unit="capacity slots",
            required=True,
            minimum=0,
        ),
        Column("existing", "bool", "The site exists today (its fixed cost is the cost to keep it).", default=False),
    ),
)

BASING_RIGHTS = Sheet(
    "BasingRights",
    "Which member may store and draw equipment at a host's sites (optional). Without a "
    "row allowing it, a member has no access to another member's sites; a host always "
    "has access to its own sites unless a row says allowed = no.",
    required=False,
    key=("user", "host", "site"),
    columns=(
        Column("user", "code", "Member that stores equipment.", required=True, ref="Members"),
        Column("host", "code", "Host member.", required=True, ref="Members"),
        Column("site", "code", "One of the host's sites (blank: all of them).", ref="Sites"),
        Column("allowed", "bool", "no: the host refuses.", default=True),
        Column(
            "max_sets",
            "number",
            "Most equipment sets the user may keep at each such site (blank: the site's capacity).",
            unit="equipment sets",
            minimum=0,
        ),
    ),
)

PREPOSITIONING = Sheet(
    "Prepositioning",
    "Capabilities whose units can draw a pre-positioned equipment set instead of bringing "
    "their own (optional). A unit that draws a set flies its people in and travels from "
    "the site. A member's units draw its sets only in the years it is a member of the pact "
    "(Members › year_joined, year_left); it buys its sets in its first year in the horizon "
    "and stores them in every year of membership.",
    required=False,
    key=("capability",),
    columns=(
        Column("capability", "code", "Capability.", required=True, ref="Capabilities"),
        Column(
            "set_cost_musd",
            "number",
            "Cost of one equipment set for one unit, paid by its owner in the owner's first "
            "year in the horizon (the first year, or the year it joins).",
            unit="million currency units per set",
            required=True,
            minimum=0,
        ),
        Column(
            "storage_cost_musd",
            "number",
            "Cost of storing one set for a year, paid by the member that owns it.",
            unit="million currency units per set-year",
            default=0.0,
            minimum=0,
        ),
        Column(
            "set_size",
            "number",
            "Room one set takes at a site, in the units of the sites' capacity_sets "
            "(1: capacity counts sets; larger for bulky sets).",
            unit="capacity slots per set",
            default=1.0,
            minimum=0,
            min_exclusive=True,
        ),
        Column("can_draw", "bool", "no: the capability is listed but cannot use sets.", default=True),
    ),
)

TRANSIT = Sheet(
    "Transit",
    "Days and cost to move one unit to a region, from a member's home (from_member) or "
    "from a site (from_site): fill exactly one of the two. Several modes may be given; "
    "the cheapest that arrives in time is used. From home, a missing row means the "
    "region is reached at once at no cost; from a site, a missing row means no route.",
    required=False,
    key=("from_member", "from_site", "capability", "region", "mode"),
    columns=(
        Column("from_member", "code", "Member whose home forces move.", ref="Members"),
        Column("from_site", "code", "Site whose equipment sets move.", ref="Sites"),
        Column(
            "capability",
            "code",
            "Capability this route is for (blank: every capability). A capability's own "
            "rows replace the blank rows for the same origin and region.",
            ref="Capabilities",
        ),
        Column("region", "code", "Destination region.", required=True, ref="Regions"),
        Column("mode", "enum", "Mode of transport.", default="any", choices=("any", "air", "sea", "land", "rail", "road")),
        Column("days", "number", "Days from decision to arrival.", unit="days", required=True, minimum=0),
        Column(
            "cost_musd",
            "number",
            "Cost of moving one unit.",
            unit="million currency units per unit",
            default=0.0,
            minimum=0,
        ),
    ),
)

SCENARIOS = Sheet(
    "Scenarios",
    "Armed-attack scenarios (optional; without it one scenario with unlimited warning). In "
    "each, every requirement is scaled by requirement_scale (or replaced by the "
    "ScenarioRequirements sheet), and a unit counts only if it arrives within the warning time.",
    required=False,
    key=("code",),
    columns=(
        Column("code", "code", "Scenario code.", required=True),
        Column("name", "text", "Scenario name.", required=True),
        Column(
            "probability",
            "number",
            "Probability weight (weights are normalised to sum to 1).",
            required=True,
            minimum=0,
        ),
        Column("warning_days", "number", "Warning time: days from decision to need.", unit="days", required=True, minimum=0),
        Column(
            "requirement_scale",
            "number",
            "Multiplier of every requirement in this scenario.",
            default=1.0,
            minimum=0,
        ),
        Column(
            "abstentions",
            "integer",
            "How many members whose obligation is not automatic may abstain in this "
            "scenario (overrides Settings' abstentions).",
            minimum=0,
        ),
    ),
)

SCENARIO_REQUIREMENTS = Sheet(
    "ScenarioRequirements",
    "Requirements of one scenario, replacing the scaled Requirements for that capability "
    "and region (optional). A row holds from its year until the next row for the same "
    "scenario, capability and region, up to the last year of the horizon (units 0 ends "
    "it); before the scenario's first row for a capability and region, the Requirements "
    "scaled by requirement_scale hold. Every year must lie in the horizon.",
    required=False,
    key=("scenario", "capability", "region", "year"),
    columns=(
        Column("scenario", "code", "Scenario.", required=True, ref="Scenarios"),
        Column("capability", "code", "Capability.", required=True, ref="Capabilities"),
        Column("region", "code", "Region.", required=True, ref="Regions"),
        Column("year", "year", "First year the requirement holds, within the horizon.", required=True),
        Column("units", "number", "Units required.", unit="units", required=True, minimum=0),
    ),
)

CANDIDATES = Sheet(
    "Candidates",
    "States that may join the pact (optional): the same columns as Members, with "
    "year_joined the year they would join. They are not in the plan; `planner whatif "
    "FILE --join Candidates` (or --join CODE[:YEAR]) re-plans with them. Their Forces, "
    "SpendingTargets, FairShare and BasingRights rows may be given like a member's.",
    required=False,
    key=("code",),
    columns=MEMBERS.columns,
)

SHEETS: tuple[Sheet, ...] = (
    SETTINGS,
    MEMBERS,
    CANDIDATES,
    CAPABILITIES,
    REGIONS,
    FORCES,
    REQUIREMENTS,
    SPENDING_TARGETS,
    FAIR_SHARE,
    EXCLUSIONS,
    PARTICIPATION,
    SUSPENSIONS,
    SITES,
    BASING_RIGHTS,
    PREPOSITIONING,
    TRANSIT,
    SCENARIOS,
    SCENARIO_REQUIREMENTS,
)
SHEET_BY_NAME = {s.name: s for s in SHEETS}
FREE_SHEETS = ("About",)  # known sheets of free text, never read


def parse_mix(text: str | None) -> dict[str, float]:
    """'gdp 50, population 50' → {'gdp': 50.0, 'population': 50.0}; ValueError naming what is wrong."""
    from models.sets import KEYS

    out: dict[str, float] = {}
    for part in (p.strip() for p in str(text or "").replace(";", ",").split(",")):
        if not part:
            continue
        words = part.replace(":", " ").replace("=", " ").replace("%", " ").split()
        if len(words) != 2:
            raise ValueError(f"'{part}': expected a component and a weight, e.g. 'gdp 50'")
        name, weight = words[0].lower(), words[1]
        if name not in KEYS:
            raise ValueError(f"'{part}': unknown component '{name}' (expected one of {', '.join(KEYS)})")
        try:
            value = float(weight)
        except ValueError:
            raise ValueError(f"'{part}': the weight '{weight}' is not a number") from None
        if not value > 0 or name in out:
            raise ValueError(f"'{part}': " + ("weights must be above 0" if name not in out else f"'{name}' given twice"))
        out[name] = value
    if not out:
        raise ValueError("empty: expected components and weights, e.g. 'gdp 50, population 50'")
    return out


def year_runs(years: list[int]) -> str:
    """[2025, 2026, 2027, 2030] → '2025–2027, 2030': runs of consecutive years."""
    runs: list[list[int]] = []
    for t in sorted(years):
        if runs and t == runs[-1][-1] + 1:
            runs[-1].append(t)
        else:
            runs.append([t])
    return ", ".join(f"{r[0]}–{r[-1]}" if len(r) > 1 else str(r[0]) for r in runs)
