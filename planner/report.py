"""Excel report of a solved plan: the result tables of `planner.results`, laid out, with charts.

Sheets, in order: Summary, Burden, Spending, Capabilities, Coverage, Scenarios, Deployment,
Sites. Every number in the report comes from `PlanResults` (its tables, `totals`, `solve`,
`data`) or from the run's provenance; the report only selects and lays them out. The small
"chart data" tables below the Spending, Coverage, Scenarios and Deployment tables select
values from the table above them (Deployment: units summed per scenario and arrival day) so
that a chart can plot them per member / per requirement / per scenario / per day.

The report is written completely or not at all: to a temporary file in the target
directory, renamed onto the target only once saved (`planner.xlsx.save_atomic`).
"""

from __future__ import annotations

import math
import re
from copy import copy
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.chart import BarChart, LineChart, Reference, ScatterChart, Series
from openpyxl.chart.data_source import AxDataSource, StrRef
from openpyxl.chart.marker import Marker
from openpyxl.chart.shapes import GraphicalProperties
from openpyxl.drawing.line import LineProperties
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from models.build import TIE_BREAK

from . import money, printing
from .overview import write_overview
from .standing import TIE_SLACK
from .results import RISE_PP, TURN_PP, PlanChecks, PlanResults, arrivals, path_turns, rises_above_floor, spending_paths
from .paths import REPORT_CATEGORY
from .units import GRANULARITY_COLUMNS, granularity, number_format, shortfall_text, unit_label
from .xlsx import (
    AUTHOR,
    HEADER_FILL as HEADER_CELL_FILL,
    HEADER_FONT as HEADER_CELL_FONT,
    EXCEL_MAX_ROWS,
    TITLE_FONT,
    excel_text,
    freeze_and_filter,
    is_blank,
    safe_text,
    save_atomic,
    style_header,
    write_header,
)

SHEETS = ("Overview", "Summary", "Burden", "Spending", "Capabilities", "Coverage", "Provider changes", "Scenarios",
          "Deployment", "Sites", "Robustness", "Sensitivity")

MONEY = "#,##0.0"
SHARE = "0.00"
UNITS = "0.0"
DAYS = "0.0"
YEAR = "0"
COUNT = "0"
SECONDS = "0.00"
FRACTION_PCT = "0.00%"

SECTION_FONT = Font(bold=True, size=12, color="1F4E78")
BANNER_FONT = Font(bold=True, color="FFFFFF", size=12)
ALERT_FILL = PatternFill("solid", fgColor="C00000")  # not optimal
WARN_FILL = PatternFill("solid", fgColor="C65911")  # shortfalls, spending below floors
OK_FILL = PatternFill("solid", fgColor="548235")  # optimal
SERIES_COLOURS = ("1F4E78", "A5A5A5", "C65911")
SCENARIO_COLOURS = ("1F4E78", "C65911", "548235", "7030A0", "BF8F00", "2E75B6", "C00000", "7F7F7F")
# hollow markers of different shapes, each scenario's larger than the one before, so that
# scenarios with the same units on the same day stay visible (Excel draws the markers
# hollow; LibreOffice fills them, and draws the first series on top)
SCENARIO_MARKERS = ("circle", "square", "diamond", "triangle", "x", "plus", "star", "dash")
CHART_GAP_COLUMNS = 1  # empty columns between a table and the chart beside it
HEADER_HEIGHT = 58  # points: four lines of wrapped header text
MAX_CHART_REQUIREMENTS = 60  # bars in the Coverage chart
MAX_CHART_SCENARIOS = len(SCENARIO_COLOURS)  # scenarios in the Deployment chart
MAX_CHART_SITES = 60  # sites in the Sites chart
MAX_CHART_SCENARIO_BARS = 60  # bars in the Scenarios chart
LOG_SCALE_RATIO = 100  # the arrival chart's units axis is logarithmic when max / min exceeds this
NO_SITES = "No pre-positioning sites in this plan: the input workbook lists none."
NO_SETS = "None: no member keeps equipment sets at any site."
NO_DEPLOYMENT = "No units are deployed in any scenario."
NO_PROVIDER_CHANGES = "No requirement changes its providing members from one year to the next."
SHORT_UNITS = 1e-6  # a requirement is short when its shortfall exceeds this (as in results.totals)


@dataclass(frozen=True)
class Kind:
    unit: str  # shown in the header comment ("{cur}" is the plan's currency)
    suffix: str  # appended to the header text
    number_format: str | None  # None: text


KINDS = {
    "money": Kind("million {cur}, constant base-year prices", "(M {cur})", MONEY),
    "pct": Kind("percent (0–100)", "(%)", SHARE),
    "pct_gdp": Kind("percent of GDP", "(% of GDP)", SHARE),
    "pp": Kind("percentage points", "(pp)", SHARE),
    "units": Kind("units of the capability", "(units)", UNITS),
    "sets": Kind("equipment sets (one set equips one unit)", "(sets)", UNITS),
    "slots": Kind("capacity slots: room at a site (one set takes its set size in slots)", "(capacity slots)", UNITS),
    "unit_years": Kind("unit-years: units × years, summed over requirements", "(unit-years)", UNITS),
    "count": Kind("number of requirements", "", COUNT),
    "parts": Kind("whole parts of the capability's unit (battalions of a brigade)", "", COUNT),
    "days": Kind("days", "(days)", DAYS),
    "money_year": Kind("million {cur} per year, constant base-year prices", "(M {cur}/year)", MONEY),
    "year": Kind("calendar year", "", YEAR),
    "code": Kind("code from the input workbook", "", None),
    "text": Kind("text", "", None),
    "yesno": Kind("yes / no (blank: not applicable)", "", None),
    "number": Kind("", "", "0.00"),
    "amount": Kind("million currency units", "", "#,##0.0"),
    "rate": Kind("", "", "#,##0.00"),
    "weight": Kind("modelling weight in the objective, NOT money: what the model charges itself to avoid "
                   "a shortfall or a spending gap", "(model units, not money)", MONEY),
}

# result column -> (header text without unit, kind, what it means)
COLUMNS: dict[str, tuple[str, str, str]] = {
    "member": ("Member", "code", "Member code (Members sheet of the input)."),
    "name": ("Name", "text", "Member name (Members sheet of the input)."),
    "capability": ("Capability", "code", "Capability code (Capabilities sheet of the input)."),
    "region": ("Region", "code", "Region code (Regions sheet of the input)."),
    "year": ("Year", "year", "Year of the plan (the base year holds the baseline)."),
    "defence_spending_musd": ("Defence spending, discounted", "money",
                              "Defence spending over the horizon, discounted to the first year."),
    "plan_cost_musd": ("Plan cost, discounted", "money",
                       "Spending above the member's baseline over the horizon, discounted."),
    "burden_share_pct": ("Burden share", "pct", "The member's share of the alliance's discounted spending."),
    "fair_share_pct": ("Fair share", "pct", "The share the fair-share key assigns to the member."),
    "deviation_pp": ("Deviation from fair share", "pp",
                     "Burden share minus fair share: above 0 pays more than its fair share."),
    "band_low_pct": ("Fair band, low", "pct", "Lowest burden share the fairness band allows."),
    "band_high_pct": ("Fair band, high", "pct", "Highest burden share the fairness band allows."),
    "within_band": ("Within band", "yesno", "Is the burden share within the fairness band?"),
    "common_funding_share_pct": ("Common-funding share", "pct",
                                 ("The member's share of the common-funded site costs, in the first "
                                  "year of the horizon (common-funding key, capped; blank: none).")),
    "common_funded_cost_musd": ("Common-funded cost, discounted", "money",
                                ("The member's share of the common-funded site costs over the horizon, "
                                 "discounted (part of its plan cost).")),
    "money_cost_musd": ("Cost of the plan, discounted", "money",
                        "Real money: spending added + expected transit, discounted (no penalty in it)."),
    "spending_added_musd": ("Spending added, discounted", "money", "Spending above the members' baseline, discounted."),
    "penalty_weight": ("Penalty weight", "weight",
                       "The objective's charge for the expected shortfall and spending gaps: a modelling weight."),
    "objective": ("Objective", "weight", "The model's objective: money + penalty weights − tie-break; not a cost."),
    "buys_musd": ("Buys capabilities, discounted", "money",
                  "The part of the plan cost that buys modelled capabilities, sets and common funding."),
    "topup_reaches": ("Top-up reaches", "text",
                      "What the member's top-ups reach, and in which years: its spending floor, its "
                      "equipment floor, the change limit (a fall held up, or next year's rise), the "
                      "growth limit or the fair-share band. A top-up is money spent only for a target, "
                      "buying nothing the model's requirements need."),
    "buys": ("Buys", "text", "What the member's spending added buys: its orders over the horizon in the "
             "capability's own words, and the regions its units of that capability serve."),
    "reason": ("Why", "text", "Why the member pays more or less of the plan's cost than its fair share: its "
               "floor (the share of its plan cost its spending floor alone demands), the fair-share band, its "
               "baseline, its capacity, its position or an exemption."),
    "unit": ("Unit", "text", "The capability's unit and, where it is counted in parts, its parts "
             "(Capabilities sheet of the input; Summary: granularity). Unit figures of the row are in this unit, "
             "shown as fractions of it in its parts."),
    "ordered_parts": ("Ordered, parts", "parts", "Whole parts ordered (battalions of a brigade; blank: the "
                      "capability is not counted in parts)."),
    "provided_parts": ("Provided, parts", "parts", "Whole parts provided (blank: not counted in parts)."),
    "parts": ("Parts", "parts", "Whole parts deployed (blank: the capability is not counted in parts)."),
    "gdp_musd": ("GDP", "money", "Gross domestic product in the year."),
    "spending_musd": ("Defence spending", "money", "Defence spending in the year."),
    "spending_pct_gdp": ("Defence spending", "pct_gdp", "Defence spending as a share of GDP."),
    "change_pp": ("Change on the year before", "pp", "Spending share of GDP minus the year before's."),
    "target_min_pct_gdp": ("Floor target", "pct_gdp", "The pact's spending floor (blank: none)."),
    "target_max_pct_gdp": ("Ceiling target", "pct_gdp", "The pact's spending ceiling (blank: none)."),
    "distance_to_floor_pp": ("Distance to floor", "pp", "Spending share minus floor: below 0 misses it."),
    "equipment_musd": ("Equipment spending", "money", "Spending on equipment in the year."),
    "equipment_pct": ("Equipment share", "pct", "Equipment spending as a share of defence spending."),
    "target_equipment_pct": ("Equipment target", "pct", "The pact's equipment-share floor (blank: none)."),
    "topup_musd": ("Top-up", "money", "Spending added in the year only to meet a target, counted as equipment."),
    "below_floor_musd": ("Below floor", "money", "Spending missing below the floor (penalised)."),
    "equipment_below_floor_musd": ("Equipment below floor", "money",
                                   "Equipment spending missing below the equipment-share floor (penalised)."),
    "existing_units": ("Existing", "units", "Units in service from the base-year inventory."),
    "ordered_units": ("Ordered", "units", "New units ordered in the year."),
    "new_in_service_units": ("New in service", "units", "Newly acquired units in service in the year."),
    "stock_units": ("Stock", "units", "Existing plus new units in service."),
    "assigned_units": ("Assigned", "units",
                       "Units deployed to requirements (from home or drawing sets), the most in any one scenario."),
    "acquisition_cost_musd": ("Acquisition cost", "money",
                              "Cost of the units ordered in the year, paid in the payment years (next column)."),
    "payment_years": ("Paid in", "text",
                      "The years in which the units ordered in the year are paid: by the capability's "
                      "payment_profile (even: in equal parts over the years from order to delivery; "
                      "order: in the order year; delivery: in the delivery year)."),
    "acquisition_paid_musd": ("Acquisition paid", "money",
                              "Acquisition payments made in the year, on orders of this and earlier years "
                              "(each capability's payment_profile, docs/model.md): part of equipment spending."),
    "operating_cost_musd": ("Operating cost", "money", "Operating cost of the new units in service."),
    "scenario": ("Scenario", "code", "Scenario code (Scenarios sheet of the input; BASE: the requirements as given)."),
    "required_units": ("Required", "units", "Units the requirement asks for in the scenario."),
    "provided_units": ("Provided", "units", "Units reaching the region within the scenario's warning time."),
    "shortfall_units": ("Shortfall", "units", "Units missing (elastic mode: penalised, not infeasible)."),
    "marginal_cost_musd": ("Marginal cost", "money",
                           "Real money one more unit required would cost, in that year's money at base-year "
                           "prices (for a MIP, with its integer decisions fixed). Blank where the requirement "
                           "is short, or the next unit would be: there the next unit is not bought but "
                           "penalised (next column)."),
    "marginal_penalty_weight": ("Marginal shortfall penalty", "weight",
                                "Where the requirement is short (or the next unit would be): the penalty one more "
                                "unit required adds, the shortfall penalty × the scenario's probability. A "
                                "modelling weight, not money: no one pays it."),
    "marginal_cost_valid_from_units": ("Marginal cost holds from", "units",
                                       "The marginal cost (or penalty) stays the same while the requirement is at "
                                       "least this (HiGHS ranging; blank: no limit or not available)."),
    "marginal_cost_valid_to_units": ("Marginal cost holds to", "units",
                                     "… and at most this; beyond, the next unit costs more (or less)."),
    "floor_marginal_cost": ("Floor's marginal cost", "number",
                            "M of plan cost per M of spending the floor requires: what raising the floor by "
                            "1 M costs the plan (0: the member spends above the floor anyway; for a MIP, "
                            "with its integer decisions fixed)."),
    "floor_valid_from_musd": ("Floor's marginal cost holds from", "money",
                              "It holds while the floor (in M) is at least this (HiGHS ranging)."),
    "floor_valid_to_musd": ("Floor's marginal cost holds to", "money", "… and at most this."),
    "required_before_units": ("Required the year before", "units",
                              "Units the same requirement asked for in the scenario the year before."),
    "providers_before": ("Provided by, the year before", "text",
                         "Members providing the year before, with their units (home and drawn sets together)."),
    "providers": ("Provided by", "text", "Members providing this year, with their units (home and drawn sets together)."),
    "change_reason": ("Why the providers change", "text",
               "The first that applies: requirement changed; member joins or leaves; units retire or arrive (a "
               "provider's units of the capability change in number: retirements, or deliveries of the plan's orders); "
               "requirement elsewhere changed (the capability's requirement in another region); forced by costs "
               "(none of these: the tie rule found no plan as cheap that keeps them). docs/model.md, Standing commitments."),
    "provided_by": ("Provided by", "text",
                    "Members providing units, with their units (in parts where the capability is counted in "
                    "parts: '34 battalions'), largest first ('at' a site: drawing sets there)."),
    "source": ("Source", "code", "Where the units start: 'home', or the code of the site whose equipment sets they draw."),
    "units": ("Units", "units", "Units of the member reaching the region in the scenario and year."),
    "arrival_day": ("Arrival day", "days",
                    "Days from the decision to deploy to arrival in the region, on the route used."),
    "warning_days": ("Warning time", "days",
                     "The scenario's warning time: every arrival is within it ('inf': no limit)."),
    "transit_cost_musd": ("Transit cost", "money",
                          ("Cost of moving these units, in that year's money (not discounted, not weighted "
                           "by the scenario's probability).")),
    "site": ("Site", "code", "Site code (Sites sheet of the input)."),
    "host": ("Host", "code", "Host member, on whose territory the site lies."),
    "existing": ("Existing", "yesno", "The site exists today (its fixed cost is the cost to keep it)."),
    "open": ("Open", "yesno", "The plan opens (or keeps) the site for the whole horizon."),
    "fixed_cost_musd": ("Fixed cost", "money",
                        "Cost to open (or keep) the site, paid in the first year if open; common-funded."),
    "upkeep_musd_per_year": ("Upkeep", "money_year", "Cost of running the site for a year while open; common-funded."),
    "capacity_sets": ("Capacity", "slots",
                      ("Room at the site, all capabilities together: sets times their set size "
                       "(with every set size 1, the most sets the site can hold).")),
    "sets_held": ("Sets held", "text", "Equipment sets kept at the site, per capability (one set equips one "
                  "unit of it; sets of different capabilities are not added: their room is in Room used)."),
    "room_used": ("Room used", "slots",
                  ("Room the sets held take: each capability's set size (Prepositioning sheet of the "
                   "input) times its sets, summed; at most the capacity.")),
    "utilisation_pct": ("Utilisation", "pct", "Room used as a share of the site's capacity."),
    "users": ("Users", "text", "Members keeping equipment sets at the site."),
    "set_cost_musd": ("Set cost", "money", "Cost of these sets, paid by their owner in its first year in the horizon."),
    "storage_cost_musd_per_year": ("Storage cost", "money_year",
                                   "Cost of storing these sets for a year, paid by their owner."),
}

# per-table meanings where a column name means something else than in COLUMNS
SITE_LABELS: dict[str, tuple[str, str, str]] = {
    "name": ("Name", "text", "Site name (Sites sheet of the input)."),
    "region": ("Region", "code", "Region where the site lies."),
}
SCENARIO_LABELS: dict[str, tuple[str, str, str]] = {
    "name": ("Name", "text", "Scenario name (Scenarios sheet of the input)."),
    "probability_pct": ("Probability", "pct",
                        ("The scenario's probability: its weight as a share of all scenarios' weights "
                         "(the weights in the input, normalised).")),
    "warning_days": ("Warning time", "days",
                     "The scenario's warning time: a unit counts only if it arrives within it ('inf': no limit)."),
    "requirements": ("Requirements", "count",
                     "The scenario's requirements: one per capability, region and year (rows of Coverage)."),
    "requirements_short": ("Requirements short", "count",
                           "Requirements of the scenario not fully met (see Coverage)."),
    "shortfall": ("Shortfall per capability", "text",
                  "Units missing per capability, in its own unit, summed over the scenario's regions and years "
                  "(unit-years; different capabilities are never added: see the table below)."),
    "required_unit_years": ("Required", "unit_years",
                            "Units of this capability the scenario's requirements ask for, summed over regions and "
                            "years, in the capability's unit (column Unit)."),
    "provided_unit_years": ("Provided", "unit_years",
                            "Units of this capability provided within the warning time, summed over regions and years."),
    "shortfall_unit_years": ("Shortfall", "unit_years",
                             "Units of this capability missing, summed over regions and years (see Coverage)."),
    "transit_cost_musd": ("Transit cost, discounted", "money",
                          ("Cost of moving the scenario's units over the horizon, discounted (not weighted "
                           "by the scenario's probability).")),
    "shortfall_penalty_weight": ("Shortfall penalty", "weight",
                                 ("The objective's penalty for the scenario's shortfall, discounted: a modelling "
                                  "weight that makes the plan meet what it can, not money anyone pays.")),
}
BURDEN_LABELS: dict[str, tuple[str, str, str]] = {
    "topup_musd": ("Top-up, discounted", "money",
                   "Spending added over the horizon only to meet a target, counted as equipment, discounted "
                   "(part of the plan cost; the Spending sheet has it year by year, not discounted)."),
}
SITE_STOCK_LABELS: dict[str, tuple[str, str, str]] = {
    "member": ("Owner", "code", "Member that owns and keeps the sets."),
    "sets": ("Sets", "sets", "Equipment sets of the capability the member keeps at the site."),
}

HOW_TO_READ = {
    "Overview": "The plan on one printed page: what it asks of each member (spending as % of GDP, spending "
    "added in the first and last year), what it costs in real money, what is short and where, and the "
    "decisions that matter most.",
    "Summary": "Status and key figures of the plan, where it came from, and warnings about the input. "
    "Money is in million {cur} at constant {base} prices; 'discounted' sums are discounted to {first}.",
    "Burden": "One row per member: spending and plan cost over the horizon (discounted), its share of "
    "the alliance total, and its fair share by the {key} key. Deviation above 0: pays more than "
    "its fair share. The chart compares burden share and fair share, largest first (its data right of the "
    "table); a member that dwarfs all others is named in its title instead of drawn. Each member's bill "
    "explained: what its spending added buys, what its top-ups reach, and why it pays more or less of the "
    "plan's cost than its fair share (columns Buys and Why, on the sheet; the Overview prints the largest).",
    "Spending": "One row per member and year, the base year {base} first: spending against GDP and the "
    "pact's targets. 'Below floor' above 0: spending missing below the floor. Right of the table: "
    "spending as % of GDP per member and year (printed) and a chart of the largest spenders' paths.",
    "Capabilities": "One row per member, capability and year: units existing, ordered, newly in "
    "service, in stock and assigned to requirements, and their costs in that year (not discounted). "
    "Units are the capability's own (column Unit): a capability counted in parts shows its figures as "
    "fractions in its parts (3 2/3 brigades of 3 battalions) and the whole parts ordered beside them. "
    "Figures of different capabilities are never added.",
    "Coverage": "One row per scenario and requirement (capability, region, year): units required, "
    "provided within the warning time and short, who provides them, and the marginal cost of one "
    "more unit in real money; where a requirement is short, that next unit would be short too, so its "
    "marginal value is the shortfall penalty (a modelling weight, its own column) and the money column "
    "is blank. The chart's data are right of the table; a long table is charted by its requirements "
    "with a shortfall.",
    "Scenarios": "One row per scenario: its probability and warning time, its requirements (capability, "
    "region, year) and those not fully met, its transit cost "
    "in real money and, apart, its shortfall penalty (a modelling weight, not money), both discounted to "
    "{first} and not weighted by probability. Below: per scenario and capability, the unit-years required, "
    "provided and short (units × years, in the capability's unit: different capabilities are never added). "
    "The chart counts the requirements short per scenario; its data are below the tables.",
    "Deployment": "Who deploys what where in each scenario: one row per scenario, member, capability, "
    "region, year and source (home, or the site whose equipment sets the units draw), with the day "
    "the units arrive, the scenario's warning time and the transit cost. The chart counts the "
    "deployments (rows of the table) arriving on each day in the last year (units of different "
    "capabilities are never added; data right of the table), against each "
    "scenario's warning time, drawn as a dashed line: every point lies left of its line. When the "
    "counts differ widely, the axis is logarithmic.",
    "Sites": "Pre-positioning sites: one row per site, open or not, with its common-funded costs, "
    "the equipment sets held and the room they use against its capacity (in capacity slots: a set "
    "takes its set size); below, the sets per site, owner and capability with what they cost their "
    "owner. The chart compares room used and capacity.",
    "Sensitivity": "Marginal values of the spending and fairness constraints, largest first: what "
    "raising a floor, ceiling, equipment floor, growth limit or fair-share band by 1 M would cost the "
    "plan, and over which range that holds (HiGHS ranging). Constraints priced at about 1 M per M (their "
    "face value) are summarised below, one row per constraint and member; those that do not bind are "
    "counted. The marginal costs of requirements are in Coverage.",
    "Robustness": "What the plan is worth if members whose obligation is not automatic (Members › "
    "obligation) abstain: the plan re-solved to hold against any k abstentions, k = 0, 1, …, with its "
    "cost (chart); for each scenario the abstention set that would leave the most uncovered with the "
    "plan's deployment as it stands; and the members whose abstention alone hurts most.",
    "All tables": "Headers have filters; hover over a header to see the column's name in the "
    "results, its unit and its meaning. Blank cells: not applicable.",
    "Printing": "Every sheet prints A4 landscape, one page wide, headers repeated. Long tables (Spending, "
    "Capabilities, Coverage, Deployment) print only the selection right of them, as the note there says; "
    "the whole tables stay on the sheets.",
}


def write_report(results: PlanResults, path: str | Path, provenance: dict, warnings: list,
                 checks: PlanChecks | None = None) -> Path:
    """Write the Excel report of `results` (and of the analyses run on the plan, `checks`) to
    `path`, completely or not at all; return the path."""
    path = Path(path)
    wb = build_workbook(results, provenance or {}, warnings or [], checks)
    save_atomic(wb, path)
    return path


def build_workbook(results: PlanResults, provenance: dict, warnings: Sequence[Any],
                   checks: PlanChecks | None = None) -> Workbook:
    """The report as an openpyxl Workbook (not saved): the plan's sheets, with the Robustness
    sheet and the penalty check from `checks` (planner.analyses.plan_checks; None: not run)."""
    checks = checks if checks is not None else PlanChecks()
    wb = Workbook()
    wb.properties.creator = AUTHOR
    wb.properties.category = REPORT_CATEGORY  # marks it as a report the planner may replace
    wb.properties.title = excel_text(f"{results.data.name}: plan report")
    cur = results.data.currency
    overview = wb.active
    overview.title = "Overview"
    write_overview(overview, results, status_banner(results))
    set_print(overview, one_page=True, title_rows=None)

    summary = wb.create_sheet("Summary")
    write_summary(summary, results, provenance, warnings, checks)
    set_print(summary, title_rows=None)

    ws = wb.create_sheet("Burden")
    burden = burden_with_bills(results)
    write_result_table(ws, burden, cur, BURDEN_LABELS)
    _burden_chart(ws, burden, printed=len(results.burden.columns))

    ws = wb.create_sheet("Spending")
    write_result_table(ws, results.spending, cur)
    _spending_chart(ws, results)

    gran = granularity(results.data)
    ws = wb.create_sheet("Capabilities")
    capabilities = with_unit(results.capabilities, gran)
    write_result_table(ws, capabilities, cur)
    unit_formats(ws, capabilities, gran)
    _largest_orders(ws, capabilities, cur, gran)

    ws = wb.create_sheet("Coverage")
    coverage = with_unit(results.coverage, gran)
    write_result_table(ws, coverage, cur)
    unit_formats(ws, coverage, gran)
    _coverage_chart(ws, coverage, results.data.last_year, gran)

    ws = wb.create_sheet("Provider changes")
    write_result_table(ws, results.provider_changes, cur)
    if results.provider_changes.empty:
        safe_text(ws.cell(row=3, column=1), NO_PROVIDER_CHANGES)
    elif len(results.provider_changes) > MAX_PRINTED_CHANGES:
        set_print(ws, [printing.area(1, 1, len(results.provider_changes.columns), MAX_PRINTED_CHANGES + 1)],
                  note=f"printed: the first {MAX_PRINTED_CHANGES} of {len(results.provider_changes):,} changes, those "
                       "with an unchanged requirement first; all of them on the sheet")

    ws = wb.create_sheet("Scenarios")
    write_scenarios(ws, results.scenarios, results.scenario_capabilities, gran, cur)

    ws = wb.create_sheet("Deployment")
    deployment = with_unit(results.deployment, gran)
    write_result_table(ws, deployment, cur)
    unit_formats(ws, deployment, gran)
    if results.deployment.empty:
        safe_text(ws.cell(row=3, column=1), NO_DEPLOYMENT)
    _deployment_chart(ws, deployment)

    ws = wb.create_sheet("Sites")
    write_sites(ws, results.sites, results.site_stocks, cur)

    ws = wb.create_sheet("Robustness")
    write_robustness(ws, results, checks, cur)

    ws = wb.create_sheet("Sensitivity")
    write_sensitivity(ws, results.sensitivity, cur)
    assert tuple(wb.sheetnames) == SHEETS
    for sheet in wb.worksheets:
        if not getattr(sheet, "_print_done", False):
            set_print(sheet)
        options = dict(sheet._print_done)
        if options["areas"] is None:
            options["areas"] = printing.auto_areas(sheet)
        options["areas"] = printing.merge_side_by_side(sheet, options["areas"])
        printing.setup_page(sheet, results.data.name, **options)
    return wb


def burden_with_bills(results: PlanResults) -> pd.DataFrame:
    """Burden with each member's bill explained (planner.bills.member_bills): what it buys, why."""
    bills = results.bills[["member", "buys", "reason"]]
    return results.burden.merge(bills, on="member", how="left", sort=False)


def with_unit(df: pd.DataFrame, gran: pd.DataFrame) -> pd.DataFrame:
    """`df` with, after its capability column, the capability's unit in words ('brigade of 3
    battalions') and, after each count of units ordered or deployed, the whole parts in it
    (planner.units): figures stay in units, so that Excel sums them per capability."""
    if df.empty or "capability" not in df:
        return df
    p = df["capability"].map(dict(zip(gran["capability"], gran["parts_per_unit"])))
    out = df.copy()
    out.insert(out.columns.get_loc("capability") + 1, "unit",
               df["capability"].map({c: unit_label(c, gran) for c in gran["capability"]}))
    for column in PARTS_OF:
        if column in out:
            parts = (df[column] * p + 0.5).apply(np.floor).astype("Int64")
            out.insert(out.columns.get_loc(column) + 1, PARTS_OF[column], parts.where(p.notna()))
    return out


PARTS_OF = {"ordered_units": "ordered_parts", "provided_units": "provided_parts", "units": "parts"}


def unit_formats(ws: Worksheet, df: pd.DataFrame, gran: pd.DataFrame, header_row: int = 1,
                 labels: dict[str, tuple[str, str, str]] | None = None) -> None:
    """Show each row's units (and unit-years) in its capability's parts: '3 2/3' for a brigade
    of three battalions, '4' for whole units (planner.units.number_format)."""
    if df.empty or "capability" not in df:
        return
    known = {**COLUMNS, **(labels or {})}
    columns = [j for j, c in enumerate(df.columns, start=1)
               if c in known and known[c][1] in ("units", "unit_years") and not c.startswith("marginal")]
    formats = {c: number_format(c, gran) for c in gran["capability"]}
    for i, c in enumerate(df["capability"], start=header_row + 1):
        fmt = formats.get(c, UNITS)
        if fmt == UNITS:
            continue
        for j in columns:
            cell = ws.cell(row=i, column=j)
            if cell.value is not None:
                cell.number_format = fmt


def set_print(ws: Worksheet, areas: Sequence[str] | None = None, note: str | None = None, **options: Any) -> None:
    """Remember how `ws` prints (planner.printing.setup_page, applied once the sheet is complete):
    its print areas (default: the table, and each chart on a page of its own) and a note."""
    ws._print_done = {"areas": areas, "note": note, **options}


def print_table_and_charts(ws: Worksheet) -> list[str] | None:
    """Print areas of a sheet whose charts sit right of its tables: the tables, then each chart."""
    return printing.auto_areas(ws)


def printed_note(ws: Worksheet, column: int, row: int, last_column: int, text: str) -> int:
    """A note (italic, wrapped over the columns `column`..`last_column`) in `row`; returns the row."""
    cell = safe_text(ws.cell(row=row, column=column), excel_text(text))
    cell.font = Font(italic=True)
    if last_column > column:
        ws.merge_cells(start_row=row, start_column=column, end_row=row, end_column=last_column)
    chars = sum((ws.column_dimensions[get_column_letter(c)].width or printing.DEFAULT_WIDTH)
                for c in range(column, last_column + 1))
    printing.wrap_rows(ws, [row], column, chars)
    return row


def side_block(ws: Worksheet, first_col: int, headers: Sequence[str], rows: Sequence[Sequence[Any]],
               formats: Sequence[str | None], widths: Sequence[float] | None = None) -> tuple[int, int]:
    """A small table right of the sheet's table, its header in row 1 (so that the header rows
    repeated on printed pages name its columns too); returns (last column, last row)."""
    for j, h in enumerate(headers):
        cell = safe_text(ws.cell(row=1, column=first_col + j), excel_text(h))
        cell.font, cell.fill = copy(HEADER_CELL_FONT), copy(HEADER_CELL_FILL)
        cell.alignment = Alignment(vertical="top", wrap_text=True)
    ws.row_dimensions[1].height = HEADER_HEIGHT
    for i, row in enumerate(rows, start=2):
        for j, (value, fmt) in enumerate(zip(row, formats)):
            put_cell(ws, i, first_col + j, value, fmt)
    for j, h in enumerate(headers):
        if widths is not None:
            width = widths[j]
        else:
            values = [len(str(r[j])) for r in rows if isinstance(r[j], str)]
            longest = max(values, default=0) if values else 9
            width = max(header_fit(h), longest) + 2
        ws.column_dimensions[get_column_letter(first_col + j)].width = min(max(width, 8), 50)
    return first_col + len(headers) - 1, 1 + len(rows)


CHART_PAGE_CM = 15.5  # a chart this tall fits a printed page under the header row
PRINT_ALL_ROWS = 40  # a detail table this short is printed whole, next to its chart


def printed_whole(df: pd.DataFrame, ws: Worksheet | None = None) -> bool:
    """Is the detail table `df` (on `ws`, from A1) printed whole: short, and readable once fitted?"""
    if len(df) > PRINT_ALL_ROWS:
        return False
    return ws is None or printing.print_scale(ws, printing.area(1, 1, len(df.columns), 1)) >= printing.MIN_READABLE_SCALE


def detail_areas(ws: Worksheet, df: pd.DataFrame, block_area: str) -> list[str]:
    """Print areas of a sheet with a detail table and a selection beside it: the table too when
    it is short and prints readably (planner.printing.MIN_READABLE_SCALE)."""
    table = printing.area(1, 1, len(df.columns), len(df) + 1)
    return ([table] if printed_whole(df, ws) else []) + [block_area]


def table_note(ws: Worksheet, sheet: str, df: pd.DataFrame, what: str) -> str:
    """What the printed pages hold of the detail table: all of it, or none (N rows)."""
    if printed_whole(df, ws):
        return f"The {sheet} table at the left ({len(df):,} rows) is printed too, on its own page."
    return (f"The full {sheet} table at the left ({len(df):,} rows: {what}) is not printed: "
            "filter it on the sheet.")


def side_column(df: pd.DataFrame) -> int:
    """The first column of a block right of the table `df` (one empty column between)."""
    return len(df.columns) + 1 + CHART_GAP_COLUMNS


MAX_PRINTED_ORDERS = 30
MAX_PRINTED_CHANGES = 40  # rows of the Provider changes table printed (all of them stay on the sheet)


def _largest_orders(ws: Worksheet, capabilities: pd.DataFrame, cur: str, gran: pd.DataFrame | None = None) -> None:
    """The largest orders (rows of the Capabilities table), right of it: what its printed page shows."""
    if printed_whole(capabilities, ws) or capabilities.empty:
        set_print(ws)
        return
    orders = capabilities[capabilities["ordered_units"] > SHORT_UNITS]
    top = orders.sort_values(["ordered_units", "acquisition_cost_musd"], ascending=False, kind="stable")
    top = top.head(MAX_PRINTED_ORDERS)
    cols = [c for c in ("member", "capability", "unit", "year", "ordered_units", "ordered_parts",
                        "new_in_service_units", "acquisition_cost_musd") if c in capabilities]
    col = side_column(capabilities)
    specs = [_column_spec(c, top[c], cur) for c in cols]
    rows = [tuple(None if v is pd.NA else v for v in r) for r in top[cols].itertuples(index=False, name=None)]
    last_col, last_row = side_block(ws, col, [h for h, _, _ in specs], rows, [f for _, _, f in specs])
    if gran is not None:
        for i, c in enumerate(top["capability"], start=2):
            for j, name in enumerate(cols):
                if name in ("ordered_units", "new_in_service_units"):
                    ws.cell(row=i, column=col + j).number_format = number_format(c, gran)
    for j, (_, note, _) in enumerate(specs):
        ws.cell(row=1, column=col + j).comment = comment_for(note)
    text = (f"Printed: the {len(top)} largest orders (units ordered in a year, largest first) of the "
            f"{len(orders):,} rows with an order. " + table_note(ws, "Capabilities", capabilities,
                                                                 "units existing, ordered, in service, assigned "
                                                                 "and their costs per member, capability and year"))
    if top.empty:
        text = "No member orders new units in this plan. " + table_note(ws, "Capabilities", capabilities, "units per "
                                                                         "member, capability and year")
    note = printed_note(ws, col, last_row + 2, last_col, excel_text(text))
    set_print(ws, [printing.area(col, 1, last_col, note)], note="printed: the largest orders; full table on the sheet")


def comment_for(text: str):
    from .xlsx import comment
    return comment(text)


# ---------------------------------------------------------------------------- cells


def put_cell(ws: Worksheet, row: int, column: int, value: Any, number_format: str | None = None) -> None:
    """Write one value: blanks (and empty text) stay empty, text stays text, booleans become yes/no."""
    if is_blank(value) or (isinstance(value, str) and not value):
        return
    cell = ws.cell(row=row, column=column)
    if isinstance(value, (bool, np.bool_)):
        safe_text(cell, "yes" if value else "no")
    elif isinstance(value, (int, np.integer)):
        cell.value = int(value)
        if number_format:
            cell.number_format = number_format
    elif isinstance(value, (float, np.floating)):
        v = float(value)
        if not math.isfinite(v):  # Excel has no infinity: say so in words, aligned as a number
            safe_text(cell, "inf" if v > 0 else "-inf").alignment = Alignment(horizontal="right")
        else:
            cell.value = v if v != 0 else 0.0  # no "-0.0"
            if number_format:
                cell.number_format = number_format
    else:
        safe_text(cell, excel_text(value))


def _column_spec(name: str, series: pd.Series | None, cur: str,
                 labels: dict[str, tuple[str, str, str]] | None = None) -> tuple[str, str, str | None]:
    """(header text, header comment, number format) of result column `name` (`labels` first)."""
    known = {**COLUMNS, **(labels or {})}
    if name in known:
        label, kind_name, meaning = known[name]
    else:
        kind_name = _infer_kind(name, series)
        label = re.sub(r"_(musd|pct_gdp|pct|pp|units)$", "", name).replace("_", " ").strip().capitalize()
        meaning = ""
    kind = KINDS[kind_name]
    header = f"{label} {kind.suffix}".strip().replace("{cur}", cur)
    unit = kind.unit.replace("{cur}", cur)
    note = "\n".join(p for p in (f"column: {name}", f"unit: {unit}" if unit else "", meaning) if p)
    return header, note, kind.number_format


def _infer_kind(name: str, series: pd.Series | None) -> str:
    """Kind of a column the report does not know yet, from its name and type."""
    for suffix, kind in (("_musd", "money"), ("_weight", "weight"), ("_pct_gdp", "pct_gdp"), ("_pct", "pct"),
                         ("_pp", "pp"), ("_units", "units")):
        if name.endswith(suffix):
            return kind
    if name == "year":
        return "year"
    if series is not None and pd.api.types.is_bool_dtype(series):
        return "yesno"
    if series is not None and pd.api.types.is_numeric_dtype(series):
        return "number"
    return "text"


# ---------------------------------------------------------------------------- tables


def write_result_table(ws: Worksheet, df: pd.DataFrame, cur: str,
                 labels: dict[str, tuple[str, str, str]] | None = None) -> None:
    """One tidy table from row 1: readable headers with comments, formats, freeze, filter, widths."""
    write_rows(ws, 1, df, cur, labels)
    freeze_and_filter(ws)


def write_rows(ws: Worksheet, header_row: int, df: pd.DataFrame, cur: str,
                labels: dict[str, tuple[str, str, str]] | None = None) -> int:
    """`df` with its header (readable, with comments) in `header_row`; returns the last row."""
    if header_row + len(df) > EXCEL_MAX_ROWS:
        raise ValueError(f"{ws.title}: {len(df):,} rows do not fit on one Excel sheet")
    specs = [_column_spec(str(c), df[c], cur, labels) for c in df.columns]
    write_header(ws, [h for h, _, _ in specs], [n for _, n, _ in specs], row=header_row)
    _wrap_header(ws, header_row)
    for j, (column, (_, _, fmt)) in enumerate(zip(df.columns, specs), start=1):
        _write_column(ws, j, header_row + 1, df[column], fmt)
    _set_widths(ws, df, [h for h, _, _ in specs])
    return header_row + len(df)


def _write_column(ws: Worksheet, column: int, first_row: int, series: pd.Series, fmt: str | None) -> None:
    """One column of a table, as `put_cell` would write it cell by cell, but in bulk where it can:
    a numeric column's finite numbers share one number-format style (set once, copied), and
    a text column's values are made Excel-safe once per distinct value."""
    numeric = pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series)
    if numeric and not pd.api.types.is_extension_array_dtype(series):
        integer = pd.api.types.is_integer_dtype(series)
        style = infinite = None
        for i, v in enumerate(series.tolist(), start=first_row):
            if v != v:  # NaN: blank
                continue
            if v in (math.inf, -math.inf):  # in words, aligned as a number (as put_cell writes it)
                cell = safe_text(ws.cell(row=i, column=column), "inf" if v > 0 else "-inf")
                if infinite is None:
                    cell.alignment = Alignment(horizontal="right")
                    infinite = cell._style
                else:
                    cell._style = copy(infinite)
                continue
            cell = ws.cell(row=i, column=column, value=int(v) if integer else (float(v) or 0.0))
            if fmt:
                if style is None:
                    cell.number_format = fmt
                    style = cell._style
                else:
                    cell._style = copy(style)
        return
    if pd.api.types.is_object_dtype(series) or pd.api.types.is_string_dtype(series):
        texts: dict[str, str] = {}
        for i, v in enumerate(series.tolist(), start=first_row):
            if isinstance(v, str):
                if v:
                    text = texts.get(v)
                    if text is None:
                        text = texts[v] = excel_text(v)
                    safe_text(ws.cell(row=i, column=column), text)
            else:
                put_cell(ws, i, column, v, fmt)
        return
    for i, v in enumerate(series.tolist(), start=first_row):
        put_cell(ws, i, column, v, fmt)


def _wrap_header(ws: Worksheet, row: int) -> None:
    for cell in ws[row]:
        if cell.value is not None:
            cell.alignment = Alignment(vertical="top", wrap_text=True)
    ws.row_dimensions[row].height = HEADER_HEIGHT


TEXT_WRAP_WIDTH = 30  # characters: a longer text column wraps (printed pages stay readable)
SENTENCES = {"buys": 60, "reason": 60, "topup_reaches": 80}  # columns of sentences: this wide, not wrapped (rows stay one line)


def _set_widths(ws: Worksheet, df: pd.DataFrame, headers: list[str], first_col: int = 1) -> None:
    """Width of each column: its longest value (numbers as their format shows them), or a third
    of its header (which wraps on up to three lines), whichever is wider; a text column longer
    than TEXT_WRAP_WIDTH wraps its long cells (SENTENCES: a fixed width, not wrapped).

    Columns only widen: a second table on the sheet keeps the first one readable."""
    for j, (column, header) in enumerate(zip(df.columns, headers), start=first_col):
        series = df[column]
        values = series.dropna()
        wrap = False
        limit = math.inf if column in SENTENCES else TEXT_WRAP_WIDTH
        if pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series):
            longest = _number_width(values)
        elif len(values):
            longest = int(values.astype(str).str.len().max())
            if longest > limit:
                longest, wrap = limit, True
        else:
            longest = 0
        width = SENTENCES.get(column) or max(min(max(longest, header_fit(header)) + 2, 50), 8)
        letter = get_column_letter(j)
        previous = ws.column_dimensions[letter].width if letter in ws.column_dimensions else 0
        ws.column_dimensions[letter].width = max(width, previous or 0)
        if wrap:
            aligned = Alignment(wrap_text=True)  # bottom, as the other cells of the row
            for (cell,) in ws.iter_rows(min_row=2, max_row=ws.max_row, min_col=j, max_col=j):
                if isinstance(cell.value, str) and len(cell.value) > limit:
                    cell.alignment = aligned
                    lines = math.ceil(len(cell.value) * 0.95 / (limit + 1))
                    dim = ws.row_dimensions[cell.row]
                    dim.height = max(dim.height or 15, 15 * lines)


def header_fit(header: str, lines: int = 4) -> int:
    """The narrowest width (characters) at which `header` wraps on at most `lines` lines."""
    import textwrap
    width = max((len(w) for w in header.split()), default=1)
    while len(textwrap.wrap(header, width)) > lines:
        width += 1
    return width + 1  # bold


def _number_width(values: pd.Series) -> int:
    """Characters the widest of `values` takes as the report formats it (thousands separators, a decimal)."""
    finite = values[np.isfinite(values.astype(float))] if len(values) else values
    if not len(finite):
        return 4
    largest = float(finite.abs().max())
    negative = bool((finite < 0).any())
    return len(f"{largest:,.1f}") + negative


def _write_block_at(ws: Worksheet, top: int, col: int, title: str, headers: Sequence[str],
                    rows: Iterable[Sequence[Any]], formats: Sequence[str | None]) -> tuple[int, int]:
    """A small table at row `top`, column `col`, with a title line; returns (header row, last row)."""
    safe_text(ws.cell(row=top, column=col), title).font = SECTION_FONT
    header_row = top + 1
    for j, h in enumerate(headers):
        cell = safe_text(ws.cell(row=header_row, column=col + j), h)
        cell.font, cell.fill = copy(HEADER_CELL_FONT), copy(HEADER_CELL_FILL)
        cell.alignment = Alignment(vertical="top", wrap_text=True)
    ws.row_dimensions[header_row].height = HEADER_HEIGHT
    last = header_row
    for i, row in enumerate(rows, start=header_row + 1):
        for j, (value, fmt) in enumerate(zip(row, formats)):
            put_cell(ws, i, col + j, value, fmt)
        last = i
    return header_row, last


def _write_block(ws: Worksheet, top: int, title: str, headers: Sequence[str],
                 rows: Iterable[Sequence[Any]], formats: Sequence[str | None]) -> tuple[int, int]:
    """A small table at row `top` with a title line; returns (header row, last row)."""
    safe_text(ws.cell(row=top, column=1), title).font = SECTION_FONT
    header_row = top + 1
    for j, h in enumerate(headers, start=1):
        safe_text(ws.cell(row=header_row, column=j), h)
    style_header(ws, header_row)
    _wrap_header(ws, header_row)
    last = header_row
    for i, row in enumerate(rows, start=header_row + 1):
        for j, (value, fmt) in enumerate(zip(row, formats), start=1):
            put_cell(ws, i, j, value, fmt)
        last = i
    return header_row, last


# ---------------------------------------------------------------------------- charts


def bar_chart(title: str, x_title: str, y_title: str, *, horizontal: bool = False) -> BarChart:
    chart = BarChart()
    chart.type = "bar" if horizontal else "col"
    chart.grouping = "clustered"
    chart.title = title
    chart.x_axis.title = x_title
    chart.y_axis.title = y_title
    # openpyxl ≥ 3.1 leaves <c:delete> unset, and Excel then hides the axes
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    chart.x_axis.tickLblPos = "low"  # category labels clear of negative bars
    chart.legend.position = "b"
    chart.width, chart.height = 18, 9  # cm
    return chart


def money_axis(axis: Any, largest_musd: float, cur: str) -> str:
    """Money values (M) read in billions on `axis` when they reach a billion (the number
    format's trailing comma divides by 1,000); returns the unit for the axis title."""
    if abs(largest_musd) >= 10_000:
        axis.number_format = '#,##0,'
        return f"bn {cur}"
    if abs(largest_musd) >= 1_000:
        axis.number_format = '#,##0.0,'
        return f"bn {cur}"
    axis.number_format = '#,##0'
    return f"M {cur}"


def set_text_categories(chart: BarChart, ref: Reference) -> None:
    """Categories from text cells, as a string reference (set_categories makes a numRef)."""
    for series in chart.series:
        series.cat = AxDataSource(strRef=StrRef(f=str(ref)))


def colour_series(chart: BarChart) -> None:
    """The planner's series colours, in order, on every series of `chart`."""
    for series, colour in zip(chart.series, SERIES_COLOURS):
        series.graphicalProperties.solidFill = colour
        series.graphicalProperties.line.solidFill = colour


def chart_anchor(df: pd.DataFrame, row: int = 2) -> str:
    """The cell where a chart goes: right of the table `df`, a few columns clear of it."""
    return f"{get_column_letter(len(df.columns) + 1 + CHART_GAP_COLUMNS)}{row}"


DOMINANT_RATIO = 2.5  # the largest member is drawn apart when its share exceeds the next one's this many times


def burden_chart_rows(burden: pd.DataFrame) -> tuple[str, list[tuple[str, float, float]]]:
    """The Burden chart's title and rows (member, burden share, fair share), largest burden
    share first. A member whose share dwarfs every other's (DOMINANT_RATIO times the next)
    is named in the title, not drawn, so that the other members' bars stay readable."""
    ranked = burden.sort_values("burden_share_pct", ascending=False, kind="stable")
    rows = [(m, b, f) for m, b, f in ranked[["member", "burden_share_pct", "fair_share_pct"]].itertuples(
        index=False, name=None)]
    title = "Burden and fair share, largest first"
    if len(rows) >= 3 and rows[1][1] > 0 and rows[0][1] > DOMINANT_RATIO * rows[1][1]:
        m, b, f = rows[0]
        title += f" ({m} not drawn: {b:.1f} %, fair {f:.1f} %)"
        rows = rows[1:]
    return excel_text(title), rows


def _burden_chart(ws: Worksheet, burden: pd.DataFrame, printed: int | None = None) -> None:
    """Burden share against fair share per member, largest first, from a selection right of the
    Burden table; the table (its first `printed` columns: the sentences of Buys and Why stay on
    the sheet, the Overview prints the largest bills) and the chart print on pages of their own."""
    if burden.empty:
        return
    title, rows = burden_chart_rows(burden)
    col = side_column(burden)
    last_col, last_row = side_block(ws, col, ["Member", "Burden share (%)", "Fair share (%)"], rows,
                                    [None, SHARE, SHARE])
    chart = bar_chart(title, "Member", "Share of alliance spending", horizontal=True)
    chart.add_data(Reference(ws, min_col=col + 1, max_col=col + 2, min_row=1, max_row=last_row),
                   titles_from_data=True)
    set_text_categories(chart, Reference(ws, min_col=col, min_row=2, max_row=last_row))
    chart.x_axis.scaling.orientation = "maxMin"  # largest at the top
    chart.y_axis.number_format = "0\" %\""
    chart.width, chart.height = 18, min(CHART_PAGE_CM, max(9, 3 + 0.4 * len(rows)))
    chart.gapWidth = 40
    colour_series(chart)
    ws.cell(row=1, column=col).comment = comment_for(
        "The chart's data, selected from the Burden table at the left, largest burden share first.")
    ws.add_chart(chart, f"{get_column_letter(last_col + 2)}2")
    _, _, c1, r1 = printing.chart_extent(ws, chart)
    c0 = printing.chart_extent(ws, chart)[0]  # the chart shows its data: the block itself is not printed
    set_print(ws, [printing.area(1, 1, printed or len(burden.columns), len(burden) + 1), printing.area(c0, 1, c1, r1)])


def spending_chart_rows(results: PlanResults) -> tuple[list[int], list[tuple]]:
    """The years and, per member, (member, % of GDP in each year, floor in the last year),
    members with the highest share in any year of the plan first (the last year's shares are
    often all the floor).

    Values are selected from results.spending, never computed; a member without a row for
    a year (not a member then) gets a blank.
    """
    data, sp = results.data, results.spending
    years = sorted(int(y) for y in sp["year"].unique())
    by = sp.drop_duplicates(["member", "year"], keep="last").set_index(["member", "year"])
    rows = []
    for m in data.members.index:
        shares = [by.at[(m, y), "spending_pct_gdp"] if (m, y) in by.index else None for y in years]
        floor = by.at[(m, data.last_year), "target_min_pct_gdp"] if (m, data.last_year) in by.index else None
        rows.append((m, *shares, floor))
    plan = [i + 1 for i, y in enumerate(years) if y >= data.first_year]
    rows.sort(key=lambda r: -max((r[i] for i in plan if r[i] is not None and r[i] == r[i]), default=-math.inf))
    return years, rows


MAX_SPENDING_LINES = 8  # members drawn in the spending chart


def spending_chart_members(results: PlanResults, n: int = MAX_SPENDING_LINES) -> list[str]:
    """The members drawn in the spending chart: the `n` largest spenders in the last year."""
    sp = results.spending
    last = sp[sp["year"] == results.data.last_year].sort_values("spending_musd", ascending=False, kind="stable")
    return list(dict.fromkeys(last["member"]))[:n]


def _spending_chart(ws: Worksheet, results: PlanResults) -> None:
    """Defence spending as % of GDP in every year, every member (a table right of the Spending
    table, printed), and a line per year for the largest spenders (chart below it)."""
    data = results.data
    years, rows = spending_chart_rows(results)
    if not rows:
        return
    col = side_column(results.spending)
    headers = ["Member (% of GDP)", *[str(y) for y in years], f"Floor {data.last_year}"]
    last_col, last_row = side_block(ws, col, headers, rows, [None, *[SHARE] * (len(years) + 1)],
                                    widths=[9, *[8] * (len(years) + 1)])
    drawn = spending_chart_members(results)
    chart = LineChart()
    chart.title = excel_text(f"Defence spending as % of GDP, {years[0]}–{years[-1]}: "
                             f"the {len(drawn)} largest spenders")
    chart.x_axis.title = "Year"
    chart.y_axis.title = "% of GDP"
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    chart.y_axis.number_format = "0.0"
    chart.legend.position = "r"
    position = {r[0]: i for i, r in enumerate(rows, start=2)}
    for m in drawn:
        r = position[m]
        chart.add_data(Reference(ws, min_col=col, max_col=col + len(years), min_row=r, max_row=r),
                       from_rows=True, titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=col + 1, max_col=col + len(years), min_row=1, max_row=1))
    for series in chart.series:
        series.smooth = False
    chart.width, chart.height = 24, 12
    note = printed_note(ws, col, last_row + 2, last_col, excel_text(
        f"Printed: this table (every member, every year, highest share in any year first) and the chart. "
        + table_note(ws, "Spending", results.spending, "GDP, spending, targets, top-ups per member and year")))
    ws.add_chart(chart, f"{get_column_letter(col)}{note + 2}")
    c0, _, c1, r1 = printing.chart_extent(ws, chart)
    set_print(ws, detail_areas(ws, results.spending, printing.area(col, 1, max(last_col, c1), r1)),
              note=None if printed_whole(results.spending, ws) else "printed: % of GDP per member and year; full table on the sheet")


def coverage_chart_rows(coverage: pd.DataFrame, last_year: int) -> tuple[str, list[tuple]]:
    """The chart's title and its rows (requirement label, required, provided, shortfall), from
    coverage_chart_pick. With several scenarios each label starts with its scenario ("S1: BDE EAST 2030")."""
    title, pick = coverage_chart_pick(coverage, last_year)
    labels = [f"{c} {r} {t}" for c, r, t in pick[["capability", "region", "year"]].itertuples(index=False)]
    if "scenario" in coverage and coverage["scenario"].nunique() > 1:
        labels = [f"{s}: {label}" for s, label in zip(pick["scenario"], labels)]
    rows = [
        (label, q, p, s)
        for label, (q, p, s) in zip(labels, pick[
            ["required_units", "provided_units", "shortfall_units"]
        ].itertuples(index=False, name=None))
    ]
    return excel_text(title), rows


def coverage_chart_pick(coverage: pd.DataFrame, last_year: int) -> tuple[str, pd.DataFrame]:
    """The chart's title and the rows of the Coverage table it charts.

    Rows are selected from the Coverage table, never computed. A chart of more than
    MAX_CHART_REQUIREMENTS bars is unreadable, so a long table is charted by its
    requirements with a shortfall (in any scenario) or, when none is short, by those of
    the last year. With one scenario the title names it.
    """
    n = len(coverage)
    scenarios = list(dict.fromkeys(coverage["scenario"])) if "scenario" in coverage else []
    several = len(scenarios) > 1
    pick, title = coverage, "Required and provided units per requirement"
    if n > MAX_CHART_REQUIREMENTS:
        short = coverage[coverage["shortfall_units"] > SHORT_UNITS]
        if len(short):
            pick = short
            title = f"Requirements with a shortfall ({len(short)} of {n}): required and provided units"
        else:
            pick = coverage[coverage["year"] == last_year]
            title = f"Required and provided units per requirement in {last_year} (none is short)"
        if len(pick) > MAX_CHART_REQUIREMENTS:
            pick = pick.head(MAX_CHART_REQUIREMENTS)
            title += f", first {MAX_CHART_REQUIREMENTS}"
    if several:
        charted = list(dict.fromkeys(pick["scenario"]))
        if len(charted) == len(scenarios):
            title += f", all {len(scenarios)} scenarios"
        elif len(charted) == 1:
            title += f", scenario {charted[0]} only (of {len(scenarios)})"
        else:
            title += f", {len(charted)} of {len(scenarios)} scenarios"
    elif scenarios:
        title += f", scenario {scenarios[0]}"
    return title, pick


def _coverage_chart(ws: Worksheet, coverage: pd.DataFrame, last_year: int, gran: pd.DataFrame) -> None:
    """Required against provided units per requirement (horizontal bars, first at the top),
    from a selection right of the Coverage table; the selection and the chart are printed."""
    title, rows = coverage_chart_rows(coverage, last_year)
    if not rows:
        return
    col = side_column(coverage)
    last_col, last_row = side_block(ws, col, ["Requirement", "Required (units)", "Provided (units)",
                                              "Shortfall (units)"], rows, [None, UNITS, UNITS, UNITS])
    _, pick = coverage_chart_pick(coverage, last_year)
    for i, c in enumerate(pick["capability"], start=2):  # each row in its capability's parts: '# ?/3'
        for j in range(col + 1, col + 4):
            ws.cell(row=i, column=j).number_format = number_format(c, gran)
    chart = bar_chart(title, "Requirement", "Units", horizontal=True)
    chart.add_data(Reference(ws, min_col=col + 1, max_col=col + 2, min_row=1, max_row=last_row),
                   titles_from_data=True)
    set_text_categories(chart, Reference(ws, min_col=col, min_row=2, max_row=last_row))
    chart.x_axis.scaling.orientation = "maxMin"  # first requirement at the top
    chart.width, chart.height = 18, min(CHART_PAGE_CM, max(9, 3 + 0.4 * len(rows)))
    colour_series(chart)
    note = printed_note(ws, col, last_row + 2, last_col, excel_text(
        f"Printed: this selection ({title[0].lower()}{title[1:]}) and its chart. "
        + table_note(ws, "Coverage", coverage, "one per scenario and requirement, with who provides what")))
    ws.add_chart(chart, f"{get_column_letter(last_col + 2)}2")
    c0, _, c1, r1 = printing.chart_extent(ws, chart)
    set_print(ws, detail_areas(ws, coverage, printing.area(col, 1, c1, max(r1, note))),
              note=None if printed_whole(coverage, ws) else "printed: the requirements charted; full table on the sheet")


def deployment_chart_year(deployment: pd.DataFrame) -> int | None:
    """The year the arrival chart shows: the last year with units deployed (the plan's end state)."""
    return None if deployment.empty else int(deployment["year"].max())


def deployment_chart_rows(deployment: pd.DataFrame) -> tuple[str, list[tuple[str, float]], list[tuple]]:
    """The arrival chart's title, its scenarios (code, warning days) and its rows
    (scenario, warning days, arrival day, deployments arriving that day, their capabilities).

    One year is charted (deployment_chart_year: the plan's end state), its deployments counted
    per scenario and arrival day (planner.results.arrivals: units of different capabilities are
    never added). A chart of more than MAX_CHART_SCENARIOS scenarios is unreadable: those with
    the shortest warning time are charted, as the ones where arriving in time is hardest.
    """
    if deployment.empty:
        return "", [], []
    year = deployment_chart_year(deployment)
    order = list(dict.fromkeys(deployment["scenario"]))
    warning = deployment.groupby("scenario", sort=False)["warning_days"].first()
    ranked = sorted(order, key=lambda sc: (float(warning[sc]), order.index(sc)))
    table = arrivals(deployment, year)
    present = set(table["scenario"])
    charted = [sc for sc in ranked[:MAX_CHART_SCENARIOS] if sc in present]
    rows = [(sc, float(w), float(day), int(n), caps)
            for sc in charted
            for _, w, _, day, n, caps in table[table["scenario"] == sc].itertuples(index=False, name=None)]
    title = f"Deployments arriving by day in {year} against each scenario's warning time (dashed)"
    if len(ranked) > MAX_CHART_SCENARIOS:
        title += f": the {min(len(ranked), MAX_CHART_SCENARIOS)} of {len(order)} scenarios with the shortest warning"
    if all(math.isinf(warning[sc]) for sc in charted):
        title = f"Deployments arriving by day in {year} (no scenario limits the warning time)"
    return excel_text(title), [(sc, float(warning[sc])) for sc in charted], rows


def arrival_log_scale(rows: Sequence[tuple]) -> bool:
    """Whether the arrival chart plots deployments on a logarithmic axis: when the most arriving
    on one day exceed the fewest more than LOG_SCALE_RATIO times, a linear axis would flatten
    the small scenarios onto the day axis."""
    counts = [r[3] for r in rows if r[3] > 0]
    return bool(counts) and max(counts) > LOG_SCALE_RATIO * min(counts)


def warning_line_rows(scenarios: Sequence[tuple[str, float]], rows: Sequence[tuple]) -> list[tuple]:
    """(scenario, warning days, height) pairs drawing each finite warning time as a vertical line
    from 0 (log scale: the fewest deployments arriving on one day) to the most arriving on one
    day in the chart (chart layout, not a result)."""
    counts = [r[3] for r in rows]
    top = max(counts, default=0)
    bottom = min(counts) if arrival_log_scale(rows) else 0
    return [(sc, w, h) for sc, w in scenarios if math.isfinite(w) for h in (bottom, top)]


def _scenario_label(scenario: str, warning: float) -> str:
    if math.isinf(warning):
        return excel_text(f"{scenario} (no warning limit)")
    return excel_text(f"{scenario} (warning {warning:g} days)")


def _deployment_chart(ws: Worksheet, deployment: pd.DataFrame) -> None:
    """Units arriving on each day per scenario (markers) against the warning time (dashed lines),
    in one year, from a selection right of the Deployment table; the selection and the chart print."""
    title, scenarios, rows = deployment_chart_rows(deployment)
    if not rows:
        return
    year = deployment_chart_year(deployment)
    col = side_column(deployment)
    last_col, last_row = side_block(
        ws, col, ["Scenario", "Warning time (days)", "Arrival day (days)", f"Deployments arriving in {year}"],
        [r[:4] for r in rows], [None, DAYS, DAYS, COUNT])
    header_row = 1
    lines = warning_line_rows(scenarios, rows)
    log = arrival_log_scale(rows)
    line_header = None
    if lines:
        line_header, line_last = _write_block_at(
            ws, last_row + 3, col,
            "Chart lines: each scenario's warning time, drawn from "
            + ("the fewest" if log else "0") + " to the most deployments arriving on one day",
            ["Scenario", "Warning time (days)", "Line height (deployments)"], lines, [None, DAYS, COUNT],
        )
        last_row = line_last
    chart = ScatterChart()
    chart.title = title
    chart.style = 2
    chart.x_axis.title = "Arrival day (days from the decision to deploy)"
    chart.y_axis.title = f"Deployments arriving in {year}" + (" (log scale)" if log else "")
    for axis in (chart.x_axis, chart.y_axis):
        axis.delete = False
        axis.number_format = "#,##0"
    chart.x_axis.scaling.min = 0
    if log:
        chart.y_axis.scaling.logBase = 10
    else:
        chart.y_axis.scaling.min = 0
    chart.x_axis.axPos = "b"
    chart.legend.position = "b"
    first = header_row + 1
    for i, (sc, w) in enumerate(scenarios):
        colour = SCENARIO_COLOURS[i % len(SCENARIO_COLOURS)]
        n = sum(1 for r in rows if r[0] == sc)
        series = Series(Reference(ws, min_col=col + 3, min_row=first, max_row=first + n - 1),
                        Reference(ws, min_col=col + 2, min_row=first, max_row=first + n - 1),
                        title=_scenario_label(sc, w))
        series.marker = Marker(symbol=SCENARIO_MARKERS[i % len(SCENARIO_MARKERS)], size=min(6 + 2 * i, 20))
        series.marker.graphicalProperties = GraphicalProperties(
            noFill=True, ln=LineProperties(solidFill=colour, w=19050))
        series.graphicalProperties = GraphicalProperties(ln=LineProperties(noFill=True))
        series.smooth = False
        chart.series.append(series)
        first += n
    if line_header is not None:
        first = line_header + 1
        for i, (sc, w) in enumerate(scenarios):
            if not math.isfinite(w):
                continue
            colour = SCENARIO_COLOURS[i % len(SCENARIO_COLOURS)]
            series = Series(Reference(ws, min_col=col + 2, min_row=first, max_row=first + 1),
                            Reference(ws, min_col=col + 1, min_row=first, max_row=first + 1),
                            title=excel_text(f"{sc} warning time"))
            series.marker = Marker(symbol="none")
            series.graphicalProperties = GraphicalProperties(
                ln=LineProperties(solidFill=colour, prstDash="dash", w=22225))
            series.smooth = False
            chart.series.append(series)
            first += 2
    chart.width, chart.height = 18, 13
    note = printed_note(ws, col, last_row + 2, last_col, excel_text(
        f"Printed: the deployments arriving per scenario and day in {year} (a deployment: one member's units "
        "of one capability, to one region, from home or a site; counted, as units of different capabilities "
        "are never added) and the chart. " + table_note(ws, "Deployment", deployment, "who deploys what where, in every "
                                                    "year and scenario")))
    ws.add_chart(chart, f"{get_column_letter(last_col + 2)}2")
    c0, _, c1, r1 = printing.chart_extent(ws, chart)
    set_print(ws, detail_areas(ws, deployment, printing.area(col, 1, c1, max(r1, note))),
              note=None if printed_whole(deployment, ws) else f"printed: arrivals in {year}; full table on the sheet")


def scenario_chart_label(scenario: str, warning: float) -> str:
    """A scenario's category in the Scenarios chart: its code and warning time."""
    if is_blank(warning) or math.isinf(warning):
        return excel_text(f"{scenario} (no limit)")
    return excel_text(f"{scenario} ({warning:g} days)")


def scenarios_chart_rows(scenarios: pd.DataFrame) -> tuple[str, list[tuple[str, int, int]]]:
    """The Scenarios chart's title and its rows (scenario label, requirements short, requirements).

    Rows are selected from the Scenarios table, never computed: requirements are counted, so
    scenarios compare without adding units of different capabilities. A chart of more than
    MAX_CHART_SCENARIO_BARS bars is unreadable: a long table is charted by its scenarios with a
    requirement short (the first MAX_CHART_SCENARIO_BARS of them)."""
    n = len(scenarios)
    short = scenarios[scenarios["requirements_short"] > 0]
    title, pick = "Requirements not fully met per scenario", scenarios
    if n > MAX_CHART_SCENARIO_BARS and len(short):
        pick = short
        title = f"Scenarios with a requirement not fully met ({len(short)} of {n})"
    if len(pick) > MAX_CHART_SCENARIO_BARS:
        pick = pick.head(MAX_CHART_SCENARIO_BARS)
        title += f", first {MAX_CHART_SCENARIO_BARS}"
    if n and short.empty:
        title += " (no scenario is short)"
    rows = [
        (scenario_chart_label(sc, w), int(k), int(q))
        for sc, w, k, q in pick[["scenario", "warning_days", "requirements_short", "requirements"]].itertuples(
            index=False, name=None)
    ]
    return excel_text(title), rows


def _scenarios_chart(ws: Worksheet, scenarios: pd.DataFrame, top: int) -> None:
    """Requirements short per scenario, from a selection at row `top`, below the Scenarios tables."""
    title, rows = scenarios_chart_rows(scenarios)
    if not rows:
        return
    header_row, last_row = _write_block(
        ws, top, f"Chart data ({title[0].lower()}{title[1:]}), selected from the table above",
        ["Scenario (warning time)", "Requirements short", "Requirements"], rows, [None, COUNT, COUNT],
    )
    chart = bar_chart(title, "Scenario (warning time)", "Requirements short (capability, region, year)")
    chart.add_data(Reference(ws, min_col=2, min_row=header_row, max_row=last_row), titles_from_data=True)
    set_text_categories(chart, Reference(ws, min_col=1, min_row=header_row + 1, max_row=last_row))
    chart.y_axis.number_format = "0"
    chart.y_axis.majorUnit = max(1, math.ceil(max((k for _, k, _ in rows), default=0) / 8))
    chart.legend = None  # one series, named by the axis title
    chart.width = max(18, min(60, 6 + 1.5 * len(rows)))
    colour_series(chart)
    ws.add_chart(chart, chart_anchor(scenarios))
    longest = max(len(label) for label, *_ in rows) + 3
    ws.column_dimensions["A"].width = max(ws.column_dimensions["A"].width or 0, min(longest, 50))


def write_scenarios(ws: Worksheet, scenarios: pd.DataFrame, by_capability: pd.DataFrame,
                    gran: pd.DataFrame, cur: str) -> None:
    """The Scenarios table from row 1 (its shortfall per capability in words is for the terminal:
    the table below has it in figures); below it, the unit-years per scenario and capability (in
    the capability's unit and parts), then the data of the chart of requirements short."""
    write_result_table(ws, scenarios.drop(columns="shortfall"), cur, SCENARIO_LABELS)
    top = len(scenarios) + 3
    if not by_capability.empty:
        safe_text(ws.cell(row=top, column=1), "Per scenario and capability, in the capability's unit "
                  "(unit-years: units × years, summed over regions and years; shown in its parts)").font = SECTION_FONT
        table = by_capability.copy()
        table.insert(2, "unit", table["capability"].map(dict(zip(gran["capability"], gran["unit"]))))
        last = write_rows(ws, top + 1, table, cur, SCENARIO_LABELS)
        unit_formats(ws, table, gran, header_row=top + 1, labels=SCENARIO_LABELS)
        top = last + 3
    _scenarios_chart(ws, scenarios, top)


def sites_chart_rows(sites: pd.DataFrame) -> tuple[str, pd.DataFrame]:
    """The Sites chart's title and the rows of the Sites table it plots.

    A chart of more than MAX_CHART_SITES sites is unreadable: a long table is charted by
    its open sites (the first MAX_CHART_SITES of them)."""
    title = "Room used by equipment sets against capacity per site"
    pick = sites
    if len(sites) > MAX_CHART_SITES:
        pick = sites[sites["open"].astype(bool)]
        title = f"Open sites ({len(pick)} of {len(sites)}): room used by equipment sets against capacity"
        if len(pick) > MAX_CHART_SITES:
            pick = pick.head(MAX_CHART_SITES)
            title += f", first {MAX_CHART_SITES}"
    return title, pick


def _sites_chart(ws: Worksheet, sites: pd.DataFrame) -> None:
    """Room used against capacity per site (capacity slots): from the Sites table, or from a
    selection below it."""
    title, pick = sites_chart_rows(sites)
    if pick.empty:
        return
    chart = bar_chart(title, "Site", "Capacity slots")
    if len(pick) == len(sites):  # the table itself
        cols = list(sites.columns)
        first, last = 1, len(sites) + 1
        for name in ("room_used", "capacity_sets"):
            chart.add_data(Reference(ws, min_col=cols.index(name) + 1, min_row=first, max_row=last),
                           titles_from_data=True)
        categories = Reference(ws, min_col=cols.index("site") + 1, min_row=first + 1, max_row=last)
    else:
        rows = list(pick[["site", "room_used", "capacity_sets"]].itertuples(index=False, name=None))
        header_row, last_row = _write_block(
            ws, ws.max_row + 3, f"Chart data ({title[0].lower()}{title[1:]}), selected from the table above",
            ["Site", "Room used (capacity slots)", "Capacity (capacity slots)"], rows, [None, UNITS, UNITS],
        )
        chart.add_data(Reference(ws, min_col=2, max_col=3, min_row=header_row, max_row=last_row),
                       titles_from_data=True)
        categories = Reference(ws, min_col=1, min_row=header_row + 1, max_row=last_row)
    set_text_categories(chart, categories)
    chart.width = max(18, min(60, 6 + 1.5 * len(pick)))
    colour_series(chart)
    ws.add_chart(chart, chart_anchor(sites))


def write_sites(ws: Worksheet, sites: pd.DataFrame, stocks: pd.DataFrame, cur: str) -> None:
    """The Sites table from row 1, the equipment sets per site below it, and the chart; or,
    without sites, one line saying so."""
    if sites.empty:
        safe_text(ws.cell(row=1, column=1), NO_SITES)
        return
    write_result_table(ws, sites, cur, SITE_LABELS)
    top = len(sites) + 4
    safe_text(ws.cell(row=top, column=1), "Equipment sets per site, owner and capability").font = SECTION_FONT
    if stocks.empty:
        safe_text(ws.cell(row=top + 1, column=1), NO_SETS)
    else:
        write_rows(ws, top + 1, stocks, cur, SITE_STOCK_LABELS)
    _sites_chart(ws, sites)


# ---------------------------------------------------------------------------- robustness

SENSITIVITY_LABELS: dict[str, tuple[str, str, str]] = {
    "constraint": ("Constraint", "code", "The model's constraint (docs/model.md): spending floors and ceilings, "
                   "equipment floors, growth limits, fair-share bands. Requirements: see Coverage."),
    "member": ("Member", "code", "Member code."),
    "year": ("Year", "year", "Year of the constraint (blank: the whole horizon)."),
    "binding": ("Binding", "yesno", "Does the constraint bind (a marginal value above 0)?"),
    "marginal_value": ("Marginal value", "rate",
                       "What one more unit of the right-hand side would cost (or save) the plan, in "
                       "discounted M (for a MIP: with its integer decisions fixed)."),
    "unit": ("Unit", "text", "Unit of the marginal value."),
    "valid_from": ("Holds from (M)", "amount", "The marginal value holds while the right-hand side (in M) is at least "
                   "this (HiGHS ranging; blank: no limit or not available)."),
    "valid_to": ("Holds to (M)", "amount", "… and at most this."),
    "meaning": ("Meaning", "text", "What the marginal value prices."),
}
NO_ABSTAINERS = ("Every member's obligation is automatic (Members › obligation): no member may abstain, "
                 "so the plan needs no robustness against abstentions.")
NOT_ANALYSED = "Robustness was not analysed (it needs the HiGHS solver)."
ROBUSTNESS_LABELS: dict[str, tuple[str, str, str]] = {
    "k": ("Abstaining members (k)", "count", "How many members whose obligation is not automatic may abstain, in every scenario."),
    "status": ("Status", "text", "Solver status of the plan re-solved with this k."),
    "money_cost_musd": ("Cost without redeployment", "money",
                        "Real money of the plan that holds against any k abstentions, deployment decided before "
                        "the abstention (static): spending added + expected transit."),
    "cost_of_robustness_musd": ("Cost of robustness", "money", "Cost of the plan minus the nominal plan's (k = 0), in money."),
    "cost_of_robustness_pct": ("Cost of robustness", "pct", "The same, as a share of the nominal plan's cost."),
    "expected_shortfall_unit_years": ("Expected worst-case shortfall", "unit_years",
                                      "Shortfall if the worst k abstain, weighted by scenario probability."),
    "worst_set": ("Worst abstention set", "text",
                  "The members whose abstention would leave the most uncovered, with the plan's deployment as it stands."),
    "search": ("How found", "text", "Every set of that size tried, or a greedy search when there are too many."),
    "uncovered_unit_years": ("Uncovered if they abstain", "unit_years",
                             "Units missing, summed over the scenario's requirements and years, if they abstain."),
    "uncovered_nominal_unit_years": ("Uncovered if all take part", "unit_years",
                                     "Units missing with every member taking part."),
    "most_uncovered": ("Requirement short most", "text", "Capability, region and year left shortest."),
    "obligation": ("Obligation", "text", "The member's obligation (Members sheet)."),
    "expected_uncovered_unit_years": ("Uncovered if it alone abstains", "unit_years",
                                      "Units missing if this member alone abstains, weighted by scenario probability."),
    "worst_scenario": ("Worst scenario", "code", "The scenario its abstention hurts most."),
    "worst_scenario_uncovered_unit_years": ("Uncovered there", "unit_years", "Units missing in that scenario."),
    "recourse_money_cost_musd": ("Cost with redeployment", "money",
                                 "The plan that holds against any k abstentions when the others redeploy after "
                                 "the abstention (two-stage robust: docs/model.md), real money: spending added + "
                                 "transit of each scenario's worst abstention set, weighted as the objective weighs "
                                 "scenarios (by probability; worst-case objective: the worst scenario alone)."),
    "recourse_cost_of_robustness_musd": ("Cost of robustness with redeployment", "money",
                                         "Cost with redeployment minus the nominal plan's (k = 0)."),
    "recourse_expected_shortfall_unit_years": ("Worst-case shortfall with redeployment", "unit_years",
                                               "Shortfall when the worst k abstain and the others redeploy, "
                                               "weighted as the objective weighs scenarios (by probability; "
                                               "worst-case objective: the worst scenario alone)."),
    "static_worst_sets": ("Worst abstention set without redeployment", "text",
                          "Per scenario, the k members whose abstention leaves the static plan's deployment "
                          "shortest (its robust reserve covers it)."),
    "recourse_worst_sets": ("Worst abstention set with redeployment", "text",
                            "Per scenario, the k members whose abstention costs the recourse plan most."),
    "recourse_method": ("How solved", "text", "Every abstention set written out (enumeration) or "
                        "column-and-constraint generation, with the sets used."),
    "static_units": ("Ordered without redeployment", "units", "Units the static robust plan orders (largest k)."),
    "recourse_units": ("Ordered with redeployment", "units", "Units the recourse plan orders (largest k)."),
    "unneeded_units": ("Made unnecessary by redeployment", "units",
                       "Units the static plan buys that redeployment makes unnecessary."),
    "draws": ("Draws", "count", "Participation patterns sampled (each member of U takes part with its participation_pct)."),
    "p95_uncovered_unit_years": ("Uncovered, 95th percentile", "unit_years",
                                 "Units missing in all but the worst 5 % of the sampled patterns."),
    "chance_of_shortfall_pct": ("Chance of a shortfall", "pct", "Share of the patterns that leave anything uncovered."),
}
CHANCE_LABELS = {**ROBUSTNESS_LABELS, "expected_uncovered_unit_years": (
    "Expected uncovered", "unit_years", "Units missing on average over the sampled participation patterns.")}


def write_recourse_plan(ws: Worksheet, r: Any, cur: str) -> None:
    """The Robustness sheet of a plan solved with redeployment (`r`, its
    planner.analyses.recourse.RecourseResult): what it guards against, how it was solved, and
    each scenario's worst abstention set."""
    safe_text(ws.cell(row=1, column=1), excel_text(
        f"This plan holds against any {r.k} abstention{'s' if r.k != 1 else ''} per scenario among the members "
        "whose obligation is not automatic, the others redeploying after the abstention (Settings › "
        "robust_recourse; docs/model.md). Its Scenarios, Coverage and Deployment sheets show each scenario "
        "under each abstention set it guards against: 'CRISIS|USA' is scenario CRISIS with the United States "
        f"abstaining. Solved by {r.method}, {r.copies:,} abstention sets"
        + (f", gap {100 * r.gap:.2g} %" if r.gap else "") + ".")).font = SECTION_FONT
    table = pd.DataFrame(
        [(s, ", ".join(sorted(a)) or "none") for s, a in r.worst.items()], columns=["scenario", "worst_set"])
    last = write_rows(ws, 3, table, cur, {**ROBUSTNESS_LABELS, "worst_set": (
        "Worst abstention set", "text", "The members whose abstention costs the plan most in this scenario.")})
    summary = pd.DataFrame([(r.money_musd, r.spending_added_musd, r.transit_musd, r.shortfall_unit_years,
                             r.penalty_weight, r.objective)],
                           columns=["money_cost_musd", "spending_added_musd", "transit_cost_musd",
                                    "expected_shortfall_unit_years", "penalty_weight", "objective"])
    safe_text(ws.cell(row=last + 2, column=1), excel_text(
        f"The plan's figures, {r.basis} (as on the Summary): money + penalty weight − tie-break = objective."))
    write_rows(ws, last + 3, summary, cur, {**ROBUSTNESS_LABELS, "money_cost_musd": (
        "Cost of the plan, worst sets", "money", f"Spending added + transit, {r.basis}."),
        "transit_cost_musd": ("Transit, worst sets", "money", f"Transit, {r.basis}."),
        "expected_shortfall_unit_years": ("Shortfall, worst sets", "unit_years", f"Shortfall, {r.basis}."),
        "penalty_weight": ("Penalty weight, worst sets", "weight",
                           f"NOT money: shortfall penalty {r.basis}, + spending and equipment gap penalties.")})


def write_robustness(ws: Worksheet, results: PlanResults, checks: PlanChecks, cur: str) -> None:
    """Cost against k (table and chart), the worst abstention set per scenario, and the
    members whose abstention hurts most."""
    if checks.recourse is not None:
        write_recourse_plan(ws, checks.recourse, cur)
        return
    rob = checks.robustness
    if rob is None or rob.empty:
        safe_text(ws.cell(row=1, column=1), NOT_ANALYSED if rob is None and results.data.may_abstain() else NO_ABSTAINERS)
        return
    write_result_table(ws, rob.cost, cur, ROBUSTNESS_LABELS)
    if len(rob.cost) <= 1:
        why = ("a whole-unit plan with this many members that may abstain: each k is a new MIP"
               if results.solve.is_mip else "each k is a new model this large")
        printed_note(ws, 1, len(rob.cost) + 2, len(rob.cost.columns),
                     f"Cost against other k not re-solved here ({why}): planner run <workbook> --robustness 2 "
                     "plans k = 0, 1, 2 with and without redeployment (NATO with --time-limit 270: 18 minutes).")
    top = len(rob.cost) + 4
    safe_text(ws.cell(row=top, column=1), excel_text(
        f"Worst abstention set per scenario, with the plan's deployment as it stands (the plan holds against "
        f"any {rob.plan_k} abstention{'s' if rob.plan_k != 1 else ''}; where that is 0, one member abstaining)")).font = SECTION_FONT
    last = write_rows(ws, top + 1, rob.worst, cur, {**ROBUSTNESS_LABELS, "k": ("Abstaining members (k)", "count", "k of the scenario.")})
    top = last + 3
    safe_text(ws.cell(row=top, column=1), "Members whose abstention hurts most").font = SECTION_FONT
    last = write_rows(ws, top + 1, rob.members, cur, ROBUSTNESS_LABELS)
    if rob.unneeded is not None:
        top = last + 3
        safe_text(ws.cell(row=top, column=1), excel_text(
            f"Forces redeployment makes unnecessary (k = {int(rob.cost['k'].max())}): ordered by the static "
            "robust plan, not by the plan whose other members redeploy" + ("" if len(rob.unneeded) else ": none"))
                  ).font = SECTION_FONT
        if len(rob.unneeded):
            last = write_rows(ws, top + 1, rob.unneeded, cur, ROBUSTNESS_LABELS)
        else:
            last = top
    if rob.chance is not None:
        top = last + 3
        safe_text(ws.cell(row=top, column=1), "Chance view: members take part with their participation_pct "
                  "(the plan's deployment as it stands)").font = SECTION_FONT
        write_rows(ws, top + 1, rob.chance, cur, CHANCE_LABELS)
    ok = rob.cost[rob.cost["money_cost_musd"].notna()]
    if len(ok) >= 2:
        cols = list(rob.cost.columns)
        chart = bar_chart("Cost of a plan that holds against any k abstentions", "k (members abstaining)", "")
        unit = money_axis(chart.y_axis, float(ok["money_cost_musd"].abs().max()), cur)
        chart.y_axis.title = f"Cost of the plan ({unit}, discounted)"
        both = "recourse_money_cost_musd" in cols and ok["recourse_money_cost_musd"].notna().any()
        for name in ("money_cost_musd", "recourse_money_cost_musd") if both else ("money_cost_musd",):
            j = cols.index(name) + 1
            chart.add_data(Reference(ws, min_col=j, min_row=1, max_row=len(ok) + 1), titles_from_data=True)
        chart.set_categories(Reference(ws, min_col=cols.index("k") + 1, min_row=2, max_row=len(ok) + 1))
        colour_series(chart)
        if not both:
            chart.legend = None
        ws.add_chart(chart, chart_anchor(rob.cost))


TRIVIAL_TOLERANCE = 0.1  # a marginal value within 10 % of 1 M per M (discounting moves it below 1) is the constraint's face value


def sensitivity_parts(sensitivity: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame, int]:
    """(informative rows, largest |value| first; constraints priced at about 1 M per M, one row
    per constraint and member; number of constraints that do not bind).

    A floor met by spending just that much costs about 1 M of plan per M of floor (its face
    value, discounted): true, and the same for every such row, so the rows are summarised."""
    if sensitivity.empty:
        return sensitivity, pd.DataFrame(columns=["constraint", "member", "years", "low", "high", "count"]), 0
    value = sensitivity["marginal_value"].astype(float)
    binding = value.abs() > 1e-9
    trivial = binding & ((value - 1).abs() <= TRIVIAL_TOLERANCE)
    informative = sensitivity[binding & ~trivial]
    informative = informative.assign(_size=informative["marginal_value"].abs()).sort_values(
        "_size", ascending=False, kind="stable").drop(columns="_size").reset_index(drop=True)
    face = sensitivity[trivial]
    summary = []
    for (constraint, member), rows in face.groupby(["constraint", "member"], sort=False, dropna=False):
        years = [int(y) for y in rows["year"].dropna()]
        summary.append({"constraint": constraint, "member": member,
                        "years": _year_runs(years) if years else "whole horizon",
                        "low": float(rows["marginal_value"].min()), "high": float(rows["marginal_value"].max()),
                        "count": len(rows)})
    return informative, pd.DataFrame(summary, columns=["constraint", "member", "years", "low", "high", "count"]), \
        int((~binding).sum())


def _year_runs(years: list[int]) -> str:
    runs: list[list[int]] = []
    for y in sorted(set(years)):
        if runs and y == runs[-1][-1] + 1:
            runs[-1].append(y)
        else:
            runs.append([y])
    return ", ".join(str(r[0]) if len(r) == 1 else f"{r[0]}–{r[-1]}" for r in runs)


def write_sensitivity(ws: Worksheet, sensitivity: pd.DataFrame, cur: str) -> None:
    """The informative marginal values (largest first), then the constraints priced at their face
    value (about 1 M per M) in one row per constraint and member, then how many do not bind."""
    informative, face, slack = sensitivity_parts(sensitivity)
    write_result_table(ws, informative, cur, SENSITIVITY_LABELS)
    if sensitivity.empty:
        safe_text(ws.cell(row=2, column=1), "No spending targets or fair-share bands in this plan.")
        set_print(ws)
        return
    row = len(informative) + 2
    if informative.empty:
        safe_text(ws.cell(row=2, column=1), "No constraint is priced other than at its face value.")
        row = 3
    row += 1
    safe_text(ws.cell(row=row, column=1), excel_text(
        f"{len(sensitivity):,} constraints in all: {len(informative):,} above, "
        f"{int(face['count'].sum()) if len(face) else 0:,} priced at about 1 M per M (below, one row per "
        f"constraint and member), {slack:,} not binding (marginal value 0, not listed)")).font = SECTION_FONT
    if len(face):
        _write_block(ws, row + 1, "Priced at about 1 M per M: the constraint costs its face value, nothing more",
                     ["Constraint", "Member", "Years", "Lowest marginal value", "Highest marginal value",
                      "Constraints"],
                     face.itertuples(index=False, name=None), [None, None, None, "#,##0.00", "#,##0.00", COUNT])
    set_print(ws)


# ---------------------------------------------------------------------------- summary

PROVENANCE_LABELS = {
    "input_file": "Input file",
    "input_sha256": "Input SHA-256",
    "planner_version": "Planner version",
    "solver": "Solver and version",
    "options": "Options",
    "run_at": "Run at",
}


def status_banner(results: PlanResults) -> tuple[str, PatternFill]:
    """The line at the top of the Summary: optimal, or what else and how far from proven."""
    solve = results.solve
    gap = "gap unknown" if solve.gap is None else f"gap {solve.gap:.2%}".replace("%", " %")
    if solve.status == "optimal":
        extra = f" (MIP, {gap})" if solve.is_mip and solve.gap else ""
        return f"OPTIMAL: the cheapest plan found and proven{extra}", OK_FILL
    return (f"{solve.status.upper()}: best plan found, {gap}; not proven optimal, "
            "read the figures with that in mind"), ALERT_FILL


def _alerts(results: PlanResults) -> list[str]:
    t, cur = results.totals, results.data.currency
    out = []
    short = t.get("requirements_short") or 0
    if short:
        out.append(f"SHORTFALL: {short} of {t.get('requirements', '?')} requirements not fully met, short: "
                   f"{shortfall_text(results.shortfall_by_capability())} (see Coverage)")
    below = t.get("below_floor_musd") or 0
    if below > 1e-9:
        out.append(f"SPENDING BELOW FLOORS: {below:,.1f} M {cur} in total (see Spending)")
    return out


def penalty_note(check: Any) -> tuple[str, str]:
    """(verdict, sentence): would a penalty ten times lower change the plan (`check`: its
    planner.analyses.penalty_check.PenaltyCheck, None when not run)?"""
    if check is None:
        return "not checked", "the model was solved by another solver than HiGHS, or is too large to re-solve"
    if not check.checked:
        return "not checked", check.note
    return ("plan changes" if check.changes else "no change"), check.note


def money_gap_rows(results: PlanResults) -> list[tuple[str, Any, str, str | None]]:
    """The MIP's proven gap stated on real money: objective − bound, in M."""
    s, t, cur = results.solve, results.totals, results.data.currency
    gap = t.get("money_gap_musd")
    if gap is None:
        return []
    share = gap / t["money_cost_musd"] if t.get("money_cost_musd") else math.nan
    proven = "proven optimal within the MIP gap" if s.status == "optimal" else (
        f"the solver stopped ({s.status}) before proving more")
    return [("Gap on real money", gap,
             f"M {cur}: no plan that leaves no more short costs more than this less "
             f"({100 * share:.3g} % of the cost of the plan; objective {s.objective:,.0f}, proven bound "
             f"{s.bound:,.0f}; {proven})", MONEY)]


RISES_SHOWN = 3  # member-years named on the Summary
ORDERS_SHOWN = 4  # capabilities named per member-year


def shortfall_rows(results: PlanResults, recourse: Any) -> list[tuple[str, Any, str, str | None]]:
    """The Summary's shortfall rows, per capability in its own unit where more than one is
    short (different capabilities are never added)."""
    t, d = results.totals, results.data
    over = " and every abstention set the plan guards against (the Coverage sheet's rows)" if recourse else ""
    basis = recourse.basis if recourse is not None else "weighted by scenario probability"
    by_cap = results.shortfall_by_capability()
    if len(by_cap) > 1:
        return [("Shortfall", shortfall_text(by_cap), f"per capability, in its unit, summed over scenarios{over}", None),
                ("Expected shortfall", shortfall_text(by_cap, "expected_unit_years"), f"per capability, {basis}",
                 None)]
    unit = f"{by_cap.at[0, 'capability']} {by_cap.at[0, 'unit']}-years" if len(by_cap) else "unit-years"
    return [("Shortfall", t.get("shortfall_unit_years"), f"{unit}, summed over scenarios{over}", UNITS),
            ("Expected shortfall", t.get("expected_shortfall_unit_years"), f"{unit}, {basis}", UNITS)]


def rises_row(results: PlanResults) -> tuple[str, Any, str, str | None]:
    """The Summary row saying what drives spending above a floor: the units bought that year."""
    d = results.data
    cur = d.currency
    rises = rises_above_floor(results.spending, results.capabilities, d)
    if rises.empty:
        return ("Rises above a floor", 0, f"member-years: no member's spending rises by more than {RISE_PP:g} pp "
                "of GDP to above its floor", COUNT)
    named = []
    for r in rises.head(RISES_SHOWN).itertuples(index=False):
        items = r.orders.split(", ") if r.orders else []
        orders = ", ".join(items[:ORDERS_SHOWN]) + (", …" if len(items) > ORDERS_SHOWN else "")
        floor = f"floor {r.floor_pct_gdp:.2f} %" if r.floor_pct_gdp == r.floor_pct_gdp else "no floor"
        bought = (f"orders {orders}" if orders else "orders no units") + (
            f", pays {r.acquisition_musd:,.0f} M {cur} for units" if r.acquisition_musd > 1e-6 else "")
        named.append(f"{r.member} {r.year} +{r.change_pp:.2f} pp to {r.spending_pct_gdp:.2f} % ({floor}): {bought}")
    return ("Rises above a floor", len(rises),
            f"member-years whose spending rises to above its floor, with the acquisition payments made that "
            f"year (orders are paid from order to delivery by each capability's payment_profile, docs/model.md) "
            f"and the orders placed. Largest: {'; '.join(named)}", COUNT)


TURNS_SHOWN = 4  # turns named on the Summary


def turns_row(results: PlanResults) -> tuple[str, Any, str, str | None]:
    """The Summary row counting the turns of the members' spending paths (`path_turns`)."""
    turns = path_turns(results.spending)
    what = (f"times a member's spending path (% of GDP, {results.data.base_year} then the plan's years) turns: "
            f"rises and then falls, or falls and then rises, by more than {TURN_PP:g} pp each way")
    if turns.empty:
        return ("Turns in spending paths", 0, what, COUNT)
    largest = turns.assign(size=turns[["before_pp", "after_pp"]].abs().min(axis=1)).sort_values(
        "size", ascending=False, kind="stable").head(TURNS_SHOWN)
    named = "; ".join(f"{r.member} {r.turn} {r.spending_pct_gdp:.2f} % in {r.year} ({r.before_pp:+.2f} pp, "
                      f"then {r.after_pp:+.2f} pp)" for r in largest.itertuples(index=False))
    return ("Turns in spending paths", len(turns), f"{what}. Largest: {named}", COUNT)


def path_rule_row(results: PlanResults, checks: PlanChecks | None) -> list[tuple[str, Any, str, str | None]]:
    """The Summary row stating what the path rule costs: the plan's real cost with the rule and
    without it (planner.analyses.path_check); none where no member is held to it."""
    check = (checks or PlanChecks()).path_check
    if check is None:
        return []
    cur = results.data.currency
    rule = ("SpendingTargets one_way_path: each member's spending share of GDP moves one way from its "
            "base-year share (at or below its final floor it never falls; above it, it glides down without "
            "rising again)")
    if check.without_rule_musd is None:
        return [("Path rule costs", None, f"M {cur}: not measured, the re-solve without the rule ended "
                 f"'{check.status}'; {rule}", MONEY)]
    gap = (f"; the re-solve's MIP gap {100 * check.gap:.2g} % of its objective" if check.gap else "")
    return [("Path rule costs", check.cost_musd,
             f"M {cur}, discounted: the plan costs {check.with_rule_musd:,.0f} M with the rule and "
             f"{check.without_rule_musd:,.0f} M without it (re-solved with its rows relaxed{gap}); {rule}", MONEY)]


def paths_rows(results: PlanResults) -> list[tuple[str, Any, str, str | None]]:
    """Summary rows on how spending moves: the largest change in a year against the limit,
    and who falls below its base-year share of GDP (and why)."""
    d = results.data
    paths = spending_paths(results.spending, d)
    where = f"{paths.largest_change_at[0]} {paths.largest_change_at[1]}" if paths.largest_change_at else ""
    limit = (f"limit {paths.limit_pp:g} pp a year (SpendingTargets max_change_pp), money added only "
             "to reach a floor exempt" if paths.limit_pp is not None else
             "no single limit (SpendingTargets max_change_pp)")
    rows = [("Largest change in a year", paths.largest_change_pp, f"pp of GDP ({where}); {limit}", "0.00"),
            turns_row(results),
            rises_row(results),
            ("Among equally cheap plans", "tie-break",
             "money a member must add only to reach a floor is shown as a top-up, not as units no "
             f"requirement uses (ε = {TIE_BREAK:g} per M of top-up; it moves the cost by less than "
             "ε × the top-ups: docs/model.md, Objective)", None)]
    if paths.below_base:
        shown = "; ".join(f"{m} {b:.2f} → {low:.2f} % ({year})" for m, b, low, year in paths.below_base[:6])
        more = f" and {len(paths.below_base) - 6} more" if len(paths.below_base) > 6 else ""
        rows.append((f"Below their {d.base_year} share of GDP", len(paths.below_base),
                     f"members: {shown}{more}. The plan never cuts a baseline in real money, but GDP "
                     "grows and no floor asks more; a member's own SpendingTargets floor holds its share.",
                     COUNT))
    return rows


def standing_rows(results: PlanResults) -> list[tuple[str, Any, str, str | None]]:
    """Summary rows on standing commitments: how often providers change with an unchanged
    requirement, and what the tie rule's second solve did and cost in real money."""
    t, cur = results.totals, results.data.currency
    rows = [("Provider changes", t.get("provider_changes_steady"),
             f"of {t.get('steady_pairs', 0):,} pairs of consecutive years of a requirement that does not change "
             f"({t.get('provider_changes_steady_pct', 0.0):.1f} %): the members providing change; "
             f"{t.get('provider_changes', 0):,} changes in all, each with its reason on the Provider changes sheet", COUNT)]
    if "tie_rule_money_musd" in t:
        done = ("applied" if t.get("tie_rule_applied") else "no provider changes to remove"
                if t.get("tie_rule_status") == "not needed" else "the first plan kept: the second solves found none better")
        moved = []
        if t.get("tie_rule_set_changes_before"):
            moved.append(f"requirement cells whose providers change {t['tie_rule_set_changes_before']:,} → "
                         f"{t.get('tie_rule_set_changes_after', 0):,}")
        if t.get("tie_rule_changes_before_units", 0.0) > 0:
            moved.append(f"units moved between years {t['tie_rule_changes_before_units']:,.0f} → "
                         f"{t.get('tie_rule_changes_after_units', 0.0):,.0f}")
        rows.append(("Tie rule: cost in real money", t["tie_rule_money_musd"],
                     f"M {cur}: among plans within the solver's tolerance ({100 * t.get('tie_rule_slack', TIE_SLACK):.2g} % "
                     f"of the objective) of the plan found, the one whose providers change least, orders kept "
                     f"(second solves, {t.get('tie_rule_status')}; {done}){': ' if moved else ''}{'; '.join(moved)}. "
                     "docs/model.md, Standing commitments", MONEY))
    return rows


def summary_rows(results: PlanResults, provenance: dict,
                 checks: PlanChecks | None = None) -> list[tuple[str, Any, str, str | None]]:
    """(item, value, unit, number format) of the key figures."""
    d, s, t = results.data, results.solve, results.totals
    cur = d.currency
    recourse = (checks or PlanChecks()).recourse
    if d.scenario_objective == "worst-case":
        objective = "model units: plan cost + the worst scenario's transit and shortfall penalty + gap penalty"
        if recourse is not None:
            objective = ("model units: plan cost + the worst scenario's transit and shortfall penalty under its worst "
                         "abstention set + gap penalty − tie-break")
    else:
        objective = "model units: real money + penalty weights − tie-break; not a cost"
    worst = f" ({recourse.basis})" if recourse is not None else ""
    return [
        ("Status", s.status, "", None),
        ("Cost of the plan", t.get("money_cost_musd"),
         f"M {cur}, discounted to {d.first_year}: real money, spending added + expected transit{worst}", MONEY),
        ("  Spending added", t.get("plan_cost_musd"), f"M {cur}, discounted: spending above the baseline", MONEY),
        ("  Expected transit", t.get("deployment_cost_musd"),
         f"M {cur}, discounted; transit costs " + (recourse.basis if recourse is not None
                                                   else "weighted by scenario probability"), MONEY),
        ("  Common-funded site cost", t.get("site_cost_musd"),
         f"M {cur}, discounted; shared by the common-funding key (part of spending added)", MONEY),
        ("Penalty weight", t.get("penalty_weight"),
         f"NOT money: the objective's charge for expected shortfalls and spending gaps{worst}", MONEY),
        ("Shortfall penalty", t.get("shortfall_penalty_per_unit_year"),
         f"{money.PENALTY_UNIT} (a modelling weight; "
         + ("derived: 10 × the dearest unit-year in the data)" if d.shortfall_penalty_derived else "from Settings)"),
         MONEY),
        ("Penalty ten times lower", *penalty_note((checks or PlanChecks()).penalty_check), None),
        ("Objective", t.get("objective"), objective, MONEY),
        ("Scenarios", t.get("scenarios"), f"objective: {d.scenario_objective} over scenarios", COUNT),
        ("Sites open", t.get("sites_open"), f"of {len(d.sites)} sites in the input", COUNT),
        ("Requirements", t.get("requirements"), "scenario × capability × region × year", COUNT),
        ("Requirements short", t.get("requirements_short"), "requirements not fully met", COUNT),
        *shortfall_rows(results, recourse),
        ("Spending below floors", t.get("below_floor_musd"),
         f"M {cur}, summed over {d.first_year}–{d.last_year}", MONEY),
        ("Equipment below floors", t.get("equipment_below_floor_musd"),
         f"M {cur}, summed over {d.first_year}–{d.last_year}: equipment spending missing below the equipment-share floors",
         MONEY),
        ("Top-ups, discounted", t.get("topup_musd"),
         f"M {cur}, {d.first_year}–{d.last_year} discounted to {d.first_year}: Burden's top-ups summed", MONEY),
        *standing_rows(results),
        *paths_rows(results),
        *path_rule_row(results, checks),
        ("Solver", f"{s.solver} {s.solver_version}", f"{'MIP' if s.is_mip else 'LP'} problem", None),
        ("MIP gap", t.get("mip_gap"), "relative gap between the objective and its proven bound", FRACTION_PCT),
        *money_gap_rows(results),
        ("Solve time", s.seconds, "s", SECONDS),
        ("Run time", provenance.get("run_seconds"), "s, workbook to report", SECONDS),
        ("Horizon", f"{d.first_year}–{d.last_year}", "years", None),
        ("Base year", d.base_year, "baseline and constant prices", YEAR),
        ("Currency", cur, "money in millions at base-year prices", None),
        ("Discount rate", d.discount_rate, "per year", FRACTION_PCT),
        ("Members", len(d.members), "", COUNT),
        ("Capabilities", len(d.capabilities), "", COUNT),
        ("Regions", len(d.regions), "", COUNT),
    ]


def write_summary(ws: Worksheet, results: PlanResults, provenance: dict, warnings: Sequence[Any],
                  checks: PlanChecks | None = None) -> None:
    d = results.data
    safe_text(ws.cell(row=1, column=1), excel_text(f"{d.name}: plan report")).font = TITLE_FONT
    ws.row_dimensions[1].height = 22
    banners = [status_banner(results), *((a, WARN_FILL) for a in _alerts(results))]
    row = 2
    for text, fill in banners:
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=3)
        cell = safe_text(ws.cell(row=row, column=1), excel_text(text))
        cell.font, cell.fill = BANNER_FONT, fill
        row += 1
    if results.solve.status != "optimal":
        ws.sheet_properties.tabColor = "C00000"

    row += 1
    for j, h in enumerate(("Item", "Value", "Unit"), start=1):
        safe_text(ws.cell(row=row, column=j), h)
    style_header(ws, row)
    ws.freeze_panes = ws.cell(row=row + 1, column=1).coordinate
    for letter, width in zip("ABC", SUMMARY_WIDTHS):
        ws.column_dimensions[letter].width = width
    for item, value, unit, fmt in summary_rows(results, provenance, checks):
        row += 1
        safe_text(ws.cell(row=row, column=1), item)
        put_cell(ws, row, 2, value, fmt)
        if unit:
            safe_text(ws.cell(row=row, column=3), excel_text(unit))
            printing.wrap_rows(ws, [row], 3, SUMMARY_WIDTHS[2])
        if isinstance(value, str) and len(value) > SUMMARY_WIDTHS[1]:
            printing.wrap_rows(ws, [row], 2, SUMMARY_WIDTHS[1])

    row += 2
    row = write_granularity(ws, row, granularity(d))

    row += 2
    safe_text(ws.cell(row=row, column=1), "Provenance").font = SECTION_FONT
    keys = [k for k in PROVENANCE_LABELS if k in provenance]
    keys += [k for k in provenance if k not in PROVENANCE_LABELS and k != "run_seconds"]
    for key in keys:
        row += 1
        label = PROVENANCE_LABELS.get(key, str(key).replace("_", " ").capitalize())
        safe_text(ws.cell(row=row, column=1), excel_text(label))
        put_cell(ws, row, 2, provenance_value(provenance[key]))
        _wrap_across(ws, row, 2, 3)

    row += 2
    warnings = list(warnings or [])
    heading = safe_text(ws.cell(row=row, column=1), f"Warnings about the input workbook ({len(warnings)})")
    heading.font = SECTION_FONT
    if not warnings:
        row += 1
        safe_text(ws.cell(row=row, column=1), "none")
    for w in warnings:
        row += 1
        safe_text(ws.cell(row=row, column=1), excel_text(w))
        _wrap_across(ws, row, 1, 3)

    row += 2
    safe_text(ws.cell(row=row, column=1), "How to read this report").font = SECTION_FONT
    fill = {"cur": d.currency, "base": d.base_year, "first": d.first_year, "last": d.last_year,
            "key": d.fair_share_key}
    for sheet, note in HOW_TO_READ.items():
        row += 1
        safe_text(ws.cell(row=row, column=1), sheet).font = Font(bold=True)
        ws.cell(row=row, column=1).alignment = Alignment(vertical="top")
        safe_text(ws.cell(row=row, column=2), excel_text(note.format(**fill)))
        _wrap_across(ws, row, 2, 3)


SUMMARY_WIDTHS = (26, 24, 70)


def write_granularity(ws: Worksheet, row: int, gran: pd.DataFrame) -> int:
    """The capabilities' granularity (planner.units.granularity) from `row`: capability, unit,
    how it is counted; returns the last row written."""
    safe_text(ws.cell(row=row, column=1), "Capabilities: how each is counted").font = SECTION_FONT
    row += 1
    for j, h in enumerate(("Capability", "Unit", "Counted in"), start=1):
        safe_text(ws.cell(row=row, column=j), h)
    style_header(ws, row)
    for r in gran.itertuples(index=False):
        row += 1
        safe_text(ws.cell(row=row, column=1), excel_text(r.capability))
        safe_text(ws.cell(row=row, column=2), excel_text(r.unit))
        safe_text(ws.cell(row=row, column=3), excel_text(f"{r.counted_in} ({r.name})"))
    return row


def _wrap_across(ws: Worksheet, row: int, first: int, last: int) -> None:
    """Merge `first`..`last` in `row` and wrap the text there, the row tall enough for it."""
    cell = ws.cell(row=row, column=first)
    if cell.value is None or (not isinstance(cell.value, str)):
        return
    chars = sum(ws.column_dimensions[get_column_letter(c)].width or printing.DEFAULT_WIDTH
                for c in range(first, last + 1))
    if len(cell.value) <= chars - 2 and "\n" not in cell.value:
        return
    ws.merge_cells(start_row=row, start_column=first, end_row=row, end_column=last)
    printing.wrap_rows(ws, [row], first, chars)


def provenance_value(value: Any) -> Any:
    """Numbers stay numbers; anything else (paths, dates, dicts) becomes text."""
    if isinstance(value, (bool, np.bool_)) or is_blank(value):
        return value
    if isinstance(value, (int, float, np.integer, np.floating)):
        return value
    return excel_text(value)
