"""Excel reports of the analyses (what-if, cost game, …): their tables laid out, with charts.

Like the plan's report (planner/report.py, whose cell, table and chart helpers these reuse):
every number comes from the analysis's result tables; the writer only lays them out; the
file is written completely or not at all.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pandas as pd
from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference, ScatterChart, Series
from openpyxl.chart.marker import Marker
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

from . import printing
from .report import (
    MONEY,
    PROVENANCE_LABELS,
    SECTION_FONT,
    bar_chart,
    chart_anchor,
    colour_series,
    money_axis,
    printed_note,
    provenance_value,
    put_cell,
    set_text_categories,
    write_result_table,
    write_rows,
)
from .paths import REPORT_CATEGORY
from .xlsx import AUTHOR, TITLE_FONT, excel_text, safe_text, save_atomic, style_header

MAX_CHART_BARS = 40  # members or requirements in one chart

# result column -> (header text without unit, kind, meaning), for the analyses' tables
LABELS: dict[str, tuple[str, str, str]] = {
    "measure": ("Measure", "text", "What is compared."),
    "before": ("Before", "number", "The plan without the change."),
    "after": ("After", "number", "The plan with the change."),
    "change": ("Change", "text", "What changes for the member (blank: nothing)."),
    "cost_before_musd": ("Plan cost before, discounted", "money",
                         "The member's spending above its baseline over its years in the pact, discounted, "
                         "without the change."),
    "cost_after_musd": ("Plan cost after, discounted", "money", "The same with the change."),
    "cost_change_musd": ("Plan cost change", "money", "After minus before: above 0 the member pays more."),
    "share_before_pct": ("Share of plan cost before", "pct", "The member's share of all members' plan costs."),
    "share_after_pct": ("Share of plan cost after", "pct", "The same with the change."),
    "shortfall_before_units": ("Shortfall before", "units", "Units missing without the change."),
    "shortfall_after_units": ("Shortfall after", "units", "Units missing with the change."),
    "marginal_cost_before_musd": ("Marginal cost before", "money",
                                  "Real money one more unit required would cost, in that year's money, without "
                                  "the change (for a MIP: with its integer decisions fixed); blank where the "
                                  "requirement is short: its next unit is penalised, not bought (Coverage)."),
    "marginal_cost_after_musd": ("Marginal cost after", "money", "The same with the change."),
    "marginal_cost_change_musd": ("Marginal cost change", "money",
                                  "After minus before: above 0 the requirement became more expensive."),
    "requirement": ("Requirement", "text", "Scenario, capability, region and year, as one label (for the chart)."),
    "shapley_musd": ("Shapley cost share", "money",
                     "The member's mean marginal cost over all orders in which the pact could form, in real "
                     "money: what it adds to the cost of meeting the requirements, units it cannot field bought "
                     "outside (the values sum to c(N), the cost of the whole pact in this game: the plan's real "
                     "cost where the game is played with whole units)."),
    "shapley_low_musd": ("Shapley, 95 % low", "money", "Lower end of the 95 % interval (sampled; exact: the value)."),
    "shapley_high_musd": ("Shapley, 95 % high", "money", "Upper end of the 95 % interval."),
    "shapley_std_error_musd": ("Shapley standard error", "money", "Standard error of the sampled estimate (0: exact)."),
    "shapley_whole_units_musd": ("Shapley share of the plan's cost", "money",
                                 "The Shapley value plus the member's part of what the plan costs beyond c(N) of a "
                                 "divisible game, in proportion to its Shapley value (none if negative; the value "
                                 "itself with whole units): these sum to the plan's real cost."),
    "nucleolus_musd": ("Nucleolus", "money",
                       "The split that makes the unhappiest coalition as happy as possible (blank: "
                       "too many members to enumerate every coalition)."),
    "plan_allocation_musd": ("Plan allocation", "money",
                             "What the member bears in the plan: its spending added and expected transit; sums "
                             "to the plan's real cost. The allocation checked against the core."),
    "fair_share_cost_musd": ("Fair-share cost", "money", "Its fair share of c(N)."),
    "stand_alone_cost_musd": ("Stand-alone cost", "money",
                              "What meeting its share of the requirements alone would cost it, in money: "
                              "units it cannot field bought outside."),
    "shapley_share_pct": ("Shapley share", "pct", "Shapley cost share as a share of c(N)."),
    "point": ("Point", "count", "Point of the sweep, from the loosest band (0) to the tightest."),
    "band_pct": ("Band", "pct", "Every member's burden held within this % of its fair burden (point 0: the "
                 "largest deviation of the cheapest plan, where fairness costs nothing)."),
    "status": ("Status", "text", "Solver status of the point ('infeasible': no plan meets this band)."),
    "cost_of_fairness_musd": ("Cost of fairness", "money", "Cost of the plan (real money) minus the cost at point 0."),
    "cost_of_fairness_pct": ("Cost of fairness", "pct", "The same, as a share of the cost at point 0."),
    "largest_deviation_pct": ("Largest deviation", "pct", "The largest |burden / fair burden − 1| of any member."),
    "largest_deviation_pp": ("Largest deviation", "pp", "The largest |burden share − fair share| of any member."),
    "furthest_member": ("Furthest member", "code", "The member furthest from its fair burden (relative)."),
    "seconds": ("Solve time (s)", "number", "Seconds to re-solve this point."),
    "slack_pct": ("Cost slack", "pct", "Plans costing at most this much more than the optimum are considered."),
    "plan_cost_min_musd": ("Plan cost, lowest", "money", "The member's lowest plan cost within the slack."),
    "plan_cost_max_musd": ("Plan cost, highest", "money", "The member's highest plan cost within the slack."),
    "burden_share_pct": ("Burden share", "pct", "The member's share of the alliance's discounted spending in the optimal plan."),
    "burden_share_min_pct": ("Burden share, low", "pct", "Its burden share in the plan where its cost is lowest (or highest, whichever is lower)."),
    "burden_share_max_pct": ("Burden share, high", "pct", "Its burden share in the other extreme plan."),
    "ordered_units": ("Ordered", "units", "Units of the capability ordered over the horizon in the optimal plan."),
    "ordered_min_units": ("Ordered, fewest", "units", "Fewest units ordered within the slack."),
    "ordered_max_units": ("Ordered, most", "units", "Most units ordered within the slack."),
    "variant": ("Variant", "count", "Number of the variant (the Cartesian product of the --vary values)."),
    "label": ("Variant", "text", "The values of the varied parameters."),
    "requirements": ("Requirements ×", "number", "Every requirement multiplied by this."),
    "floor": ("Floor (% of GDP)", "number", "Every spending floor set to this share of GDP."),
    "without": ("Without", "code", "Member out of the pact for the whole horizon (none: nobody)."),
    "abstentions": ("Abstentions (k)", "count", "The plan holds against any k abstentions."),
    "expected_shortfall_unit_years": ("Expected shortfall", "unit_years", "Units missing, weighted by scenario probability."),
    "error": ("Error", "text", "Why the variant failed (blank: it did not)."),
}

Writer = Callable[[Worksheet, str], None]


def write_analysis_report(path: str | Path, title: str, figures: Sequence[tuple[str, Any, str, str | None]],
                          provenance: dict, sheets: Sequence[tuple[str, Writer]], currency: str,
                          notes: dict[str, str] | None = None) -> Path:
    """A report: Summary (title, key figures, provenance, how to read), then `sheets`."""
    wb = Workbook()
    wb.properties.creator = AUTHOR
    wb.properties.category = REPORT_CATEGORY  # marks it as a report the planner may replace
    wb.properties.title = excel_text(title)
    summary = wb.active
    summary.title = "Summary"
    write_summary(summary, title, figures, provenance, notes or {})
    for name, writer in sheets:
        writer(wb.create_sheet(name), currency)
    for ws in wb.worksheets:
        print_sheet(ws, title)
    path = Path(path)
    save_atomic(wb, path)
    return path


def print_sheet(ws: Worksheet, title: str | None = None) -> None:
    """How an analysis sheet prints (planner.printing): its tables, and each chart on a page of its own
    unless both fit a readable page together; the report's title in the footer."""
    plan = title or ws.parent.properties.title or ""
    areas = printing.merge_side_by_side(ws, printing.auto_areas(ws))
    printing.setup_page(ws, plan, areas=areas, title_rows=None if ws.title == "Summary" else "auto")


def write_summary(ws: Worksheet, title: str, figures: Sequence[tuple[str, Any, str, str | None]],
                  provenance: dict, notes: dict[str, str]) -> None:
    safe_text(ws.cell(row=1, column=1), excel_text(title)).font = TITLE_FONT
    row = 3
    for j, h in enumerate(("Item", "Value", "Unit"), start=1):
        safe_text(ws.cell(row=row, column=j), h)
    style_header(ws, row)
    ws.freeze_panes = ws.cell(row=row + 1, column=1).coordinate
    for item, value, unit, fmt in figures:
        row += 1
        safe_text(ws.cell(row=row, column=1), excel_text(item))
        put_cell(ws, row, 2, value, fmt)
        if unit:
            safe_text(ws.cell(row=row, column=3), excel_text(unit))
            printing.wrap_rows(ws, [row], 3, 60)
        if isinstance(value, str) and len(value) > 24:
            printing.wrap_rows(ws, [row], 2, 24)
    row += 2
    safe_text(ws.cell(row=row, column=1), "Provenance").font = SECTION_FONT
    keys = [k for k in PROVENANCE_LABELS if k in provenance] + [k for k in provenance if k not in PROVENANCE_LABELS]
    for key in keys:
        row += 1
        safe_text(ws.cell(row=row, column=1), PROVENANCE_LABELS.get(key, key.replace("_", " ").capitalize()))
        put_cell(ws, row, 2, provenance_value(provenance[key]))
        _wrap_across(ws, row, 2, 3)
    if notes:
        row += 2
        safe_text(ws.cell(row=row, column=1), "How to read this report").font = SECTION_FONT
        for sheet, note in notes.items():
            row += 1
            safe_text(ws.cell(row=row, column=1), sheet).font = Font(bold=True)
            safe_text(ws.cell(row=row, column=2), excel_text(note))
            _wrap_across(ws, row, 2, 3)
    for letter, width in zip("ABC", (44, 24, 60)):
        ws.column_dimensions[letter].width = width


def _wrap_across(ws: Worksheet, row: int, first: int, last: int) -> None:
    """Merge `first`..`last` in `row` when its text is longer than the first column holds."""
    cell = ws.cell(row=row, column=first)
    if isinstance(cell.value, str) and len(cell.value) > 22:
        ws.merge_cells(start_row=row, start_column=first, end_row=row, end_column=last)
        printing.wrap_rows(ws, [row], first, 84)


def table_writer(df: pd.DataFrame, chart: Callable[[Worksheet, pd.DataFrame], None] | None = None,
                 empty: str | None = None) -> Writer:
    """A sheet holding `df` (headers with units and meanings, filters, frozen header) and a chart."""
    def write(ws: Worksheet, currency: str) -> None:
        write_result_table(ws, df, currency, LABELS)
        if df.empty and empty:
            safe_text(ws.cell(row=2, column=1), empty)
        elif chart is not None:
            chart(ws, df)
    return write


def summary_block_writer(df: pd.DataFrame) -> Writer:
    """The comparison of key figures, each with its own number format."""
    def write(ws: Worksheet, currency: str) -> None:
        write_rows(ws, 1, df, currency, LABELS)
        for i in range(len(df)):
            for j in (2, 3, 4):
                ws.cell(row=i + 2, column=j).number_format = MONEY
        ws.column_dimensions["A"].width = 70
    return write


def before_after_chart(title: str, category: str, before: str, after: str, y_title: str,
                       currency: str | None = None) -> Callable[[Worksheet, pd.DataFrame], None]:
    """Clustered bars of two columns of the sheet's table (see `columns_chart`)."""
    return columns_chart(title, category, (before, after), y_title, currency)


def change_chart(title: str, category: str, column: str, y_title: str,
                 currency: str | None = None) -> Callable[[Worksheet, pd.DataFrame], None]:
    """Bars of the change (after − before) of the sheet's table: what moves, instead of two
    bars of nearly the same height (see `columns_chart`)."""
    return columns_chart(title, category, (column,), y_title, currency)


def columns_chart(title: str, category: str, columns: tuple[str, ...], y_title: str,
                  currency: str | None = None) -> Callable[[Worksheet, pd.DataFrame], None]:
    """Bars of `columns` of the sheet's table, the first MAX_CHART_BARS rows (with
    `currency`: money, read in billions once it reaches a billion; `y_title` then holds
    '{unit}'). One column: no legend, category labels below the bars, negative ones too."""
    def chart(ws: Worksheet, df: pd.DataFrame) -> None:
        n = min(len(df), MAX_CHART_BARS)
        if n == 0:
            return
        cols = list(df.columns)
        bars: BarChart = bar_chart(title, category.capitalize(), y_title)
        if currency is not None:
            largest = float(df[list(columns)].head(n).abs().max().max())
            bars.y_axis.title = y_title.format(unit=money_axis(bars.y_axis, largest, currency))
        for name in columns:
            bars.add_data(Reference(ws, min_col=cols.index(name) + 1, min_row=1, max_row=n + 1), titles_from_data=True)
        set_text_categories(bars, Reference(ws, min_col=cols.index(category) + 1, min_row=2, max_row=n + 1))
        colour_series(bars)
        if len(columns) == 1:
            bars.legend = None
            bars.x_axis.tickLblPos = "low"
        bars.width = max(18, min(40, 6 + (1.5 if len(columns) > 1 else 1.2) * n))
        ws.add_chart(bars, chart_anchor(df))
    return chart


# ---------------------------------------------------------------------------- what-if

WHATIF_NOTES = {
    "WhatIf": "Each member's plan cost (spending above its baseline over its years in the pact, "
    "discounted) without and with the change, largest change first; the chart shows the change "
    f"(after minus before) of the first {MAX_CHART_BARS}.",
    "Requirements": "The requirement cells whose shortfall or marginal cost changed: shortfalls that "
    "appear first, then those that became more expensive. Marginal costs of a MIP come from the LP "
    "with its integer decisions (sites) fixed.",
    "Comparison": "The key figures of both plans and their difference.",
}


def write_whatif_report(results: Any, path: str | Path, provenance: dict) -> Path:
    """The what-if report: Summary, WhatIf (members), Requirements, Comparison."""
    data, ch = results.data, results.changes
    cur = data.currency
    describe = "; ".join(
        [f"{m} leaves (out from {y})" for m, y in ch.without.items()]
        + [f"{m} suspended from {y}" for m, y in ch.suspend.items()]
        + [f"{m}'s obligations to {t} suspended from {y}" for (m, t), y in ch.suspend_towards.items()]
        + [f"{m} joins in {y}" for m, y in ch.join.items()]
    )
    before, after = results.before.totals, results.after.totals
    figures = [
        ("Change", describe or "none", "", None),
        ("Cost of the plan before", before["money_cost_musd"],
         f"M {cur}, discounted: real money, spending added + expected transit", MONEY),
        ("Cost of the plan after", after["money_cost_musd"], f"M {cur}, discounted", MONEY),
        ("Change in cost", after["money_cost_musd"] - before["money_cost_musd"], f"M {cur}, discounted", MONEY),
        ("Expected shortfall before", before["expected_shortfall_unit_years"], "unit-years", "#,##0.0"),
        ("Expected shortfall after", after["expected_shortfall_unit_years"], "unit-years", "#,##0.0"),
        ("Requirement cells short before", before["requirements_short"], "all scenarios", "0"),
        ("Requirement cells short after", after["requirements_short"], "all scenarios", "0"),
        ("Penalty weight before / after", f"{before['penalty_weight']:,.1f} / {after['penalty_weight']:,.1f}",
         "model units, NOT money: the objective's charge for shortfalls and gaps", None),
        ("Status before / after", f"{results.before.outcome.status} / {results.after.outcome.status}", "", None),
    ]
    figures += [("Warning", w, "", None) for w in getattr(results, "warnings", [])]
    if getattr(results, "robust", ""):
        figures.insert(1, ("Abstentions (k)", f"{results.abstentions}: {results.robust}",
                           "both plans hold against this many abstentions per scenario", None))
    figures += [(f"Time: {k}", v, "s", "0.00") for k, v in results.seconds.items()]
    members_chart = change_chart("Change in plan cost by member (after minus before)", "member",
                                 "cost_change_musd", "Change ({unit}, discounted)", cur)
    needs_chart = before_after_chart("Shortfall before and after", "requirement",
                                     "shortfall_before_units", "shortfall_after_units", "units")
    sheets = [
        ("WhatIf", table_writer(results.members, members_chart)),
        ("Requirements", table_writer(results.requirements, needs_chart,
                                      empty="No requirement's shortfall or marginal cost changes.")),
        ("Comparison", summary_block_writer(results.summary)),
    ]
    return write_analysis_report(path, f"{data.name}: what-if — {describe or 'no change'}", figures,
                                 provenance, sheets, cur, WHATIF_NOTES)


# ---------------------------------------------------------------------------- cost game

NOTE_COLUMNS = 9  # the Shapley sheet's notes span its first nine columns


def add_cost_game_sheet(wb: Workbook, game: Any, currency: str, cut_short: Sequence[str] = ()) -> None:
    """The Shapley sheet: one row per member, a chart, and below them the game in words:
    what c(S) is, the outside prices, c(N) against the plan's real cost, the method and its
    accuracy, the core check and what the time budget cut short."""
    ws = wb.create_sheet("Shapley")
    df = game.table
    write_result_table(ws, df, currency, LABELS)
    chart = before_after_chart("Shapley cost share against the plan's allocation", "member",
                               "shapley_musd", "plan_allocation_musd", "{unit}, discounted", currency)
    chart(ws, df)
    row = len(df) + 3
    m = f"M {currency}"
    n = len(df)
    basis = ("its members' fair share of every requirement (the Burden sheet's fair shares)"
             if game.basis == "share" else "every requirement in full")
    prices = ", ".join(f"{c} {v:,.4g}" for c, v in game.prices.items())
    if game.exact:
        method = (f"exact, from all {game.coalitions:,} coalitions"
                  + (", each solved with whole units" if game.whole_units else ", units divisible")
                  + (f", on {game.workers} workers{' (' + game.scheduler + ')' if game.scheduler else ''}"
                     if game.workers > 1 else ""))
    else:
        est = game.estimate
        scale = abs(game.grand_cost) / n
        method = (f"estimated (stratified by coalition size: sizes 0, 1, n−2 and n−1 exact, the others sampled in "
                  f"antithetic pairs of a coalition and its complement, Neyman allocation, control variates): "
                  f"{est.blocks} blocks of {n} orders, {game.coalitions:,} coalitions re-solved, on "
                  f"{game.workers} worker{'s' if game.workers != 1 else ''}"
                  f"{' (' + game.scheduler + ')' if game.scheduler else ''}; stopped: {game.stopped}")
        accuracy = (f"largest 95 % half-width ±{game.max_half_width:,.1f} {m} = "
                    f"{100 * game.max_half_width / max(scale, 1e-12):.2f} % of c(N)/n = {scale:,.1f} {m} "
                    f"(asked: {100 * game.target_half_width / max(scale, 1e-12):.2g} %); intervals in the table")
    if game.in_core:
        core = f"yes: no coalition pays more in the plan than it would alone (checked over {game.core_scope})"
    else:
        coalition, excess = game.violation
        members = set(df["member"])
        who = (", ".join(sorted(coalition)) if len(coalition) <= len(members) / 2 else
               "every member but " + ", ".join(sorted(members - set(coalition))))
        core = (f"no: {who} would pay {excess:,.1f} {m} less alone than in that allocation "
                f"(checked over {game.core_scope})")
    lines = [
        ("The game", f"c(S) is the money (spending added + expected transit + units bought outside, discounted, "
                     f"{m}) that coalition S would spend to meet {basis} alone, under the pact's rules "
                     f"(spending floors, fair-share bands among S), solved as the plan is (its own objective and "
                     f"penalty weights) and counted in money only. "
                     + ("Every coalition is solved with whole units, as the plan is." if game.whole_units else
                        "The cost game values coalitions with units divisible: an allocation of cost, not a plan.")),
        ("Outside price", f"A unit-year S leaves short beyond its share of the plan's own shortfall is bought outside "
                          f"at {game.premium:g} × the dearest member's cost of a unit-year (acquisition cost / "
                          f"service life + operating cost), {m} per unit-year: {prices}. Never the shortfall penalty."),
        ("Spending gaps", "A gap below a spending or equipment floor is money not spent: it counts 0 money "
                          "(it stays penalised in the re-solve, so S still tries to reach its floors)."),
        ("c(N) of the game", f"{game.grand_cost:,.1f} {m}: the whole pact"
                             + ((", the plan itself; the Shapley values, the nucleolus and the plan allocation sum "
                                 "to it." if game.exact else ", the plan itself; the Shapley estimate (shifted to sum "
                                 "to it) and the plan allocation sum to it.") if game.whole_units else
                                " with units divisible; the Shapley values sum to it.")),
        ("The plan's real cost", f"{game.plan_money:,.1f} {m} (whole units; spending added + expected transit); "
                                 f"its objective with penalty weights {game.plan_objective:,.1f}."),
        ("How the values sum to the plan's cost", game.premium_rule),
        ("A negative value", "The member lowers the others' cost by more than it adds: its forces, stocks or sites "
                             "cover more than its own share of the requirements, so the rest would pay it to join."),
        ("Method", method),
        *([("Small coalitions", game.cap_note)] if getattr(game, "cap_note", "") else []),
    ]
    if not game.exact:
        lines.append(("Accuracy", accuracy))
    lines += [
        ("Plan's allocation in the core", core),
        ("Coalitions without fair-share bands", f"{game.relaxed}: infeasible with the bands, solved without them"),
        ("Mean re-solve time", f"{game.resolve_seconds:.3f} s per coalition ({game.seconds:,.0f} s in all)"),
    ]
    lines += [("Cut short by the time budget", text) for text in cut_short]
    last = min(len(df.columns), NOTE_COLUMNS)  # the notes wrap within the table's first printed page
    for i, (label, text) in enumerate(lines):
        printed_note(ws, 1, row + i, last, f"{label}: {text}")
    print_sheet(ws)


# ---------------------------------------------------------------------------- frontier


def add_frontier_sheet(wb: Workbook, frontier: Any, currency: str) -> None:
    """The Frontier sheet: cost against the band, one row per point, and its curve."""
    ws = wb.create_sheet("Frontier")
    df = frontier.table
    write_result_table(ws, df, currency, LABELS)
    ok = df[df["money_cost_musd"].notna()]
    if len(ok) >= 2:
        cols = list(df.columns)
        chart = ScatterChart()
        chart.title = "What fairness costs: the plan's cost against the fair-share band"
        chart.style = 2
        chart.x_axis.title = "Band: largest allowed deviation from the fair burden (%)"
        chart.y_axis.title = f"Cost of the plan ({money_axis(chart.y_axis, float(ok['money_cost_musd'].abs().max()), currency)}, discounted)"
        for axis in (chart.x_axis, chart.y_axis):
            axis.delete = False
        chart.x_axis.axPos = "b"
        x = Reference(ws, min_col=cols.index("band_pct") + 1, min_row=2, max_row=len(ok) + 1)
        y = Reference(ws, min_col=cols.index("money_cost_musd") + 1, min_row=2, max_row=len(ok) + 1)
        series = Series(y, x, title="Cost of the plan")
        series.marker = Marker(symbol="circle", size=7)
        series.smooth = False
        chart.series.append(series)
        chart.legend = None
        chart.width, chart.height = 20, 11
        ws.add_chart(chart, chart_anchor(df))
    row = len(df) + 3
    safe_text(ws.cell(row=row, column=1), excel_text(
        f"Point 0 is the cheapest plan without fair-share bands: its largest deviation is "
        f"{frontier.unconstrained_band_pct:,.2f} % of a member's fair burden. Each further point holds every "
        f"member with a positive key share within the band and re-solves the plan."))
    print_sheet(ws)


# ---------------------------------------------------------------------------- alternatives


def add_alternatives_sheet(wb: Workbook, alternatives: Any, currency: str) -> None:
    """The Alternatives sheet: members' and capabilities' ranges within each cost slack."""
    ws = wb.create_sheet("Alternatives")
    members, caps = alternatives.members, alternatives.capabilities
    write_result_table(ws, members, currency, LABELS)
    first = members[members["slack_pct"] == members["slack_pct"].min()] if len(members) else members
    n = min(len(first), MAX_CHART_BARS)
    if n:
        cols = list(members.columns)
        bars = bar_chart(f"Plan cost range within {first['slack_pct'].iloc[0]:g} % of the optimum",
                          "Member", "")
        largest = float(first[["plan_cost_min_musd", "plan_cost_musd", "plan_cost_max_musd"]].head(n).abs().max().max())
        bars.y_axis.title = f"{money_axis(bars.y_axis, largest, currency)}, discounted"
        for name in ("plan_cost_min_musd", "plan_cost_musd", "plan_cost_max_musd"):
            j = cols.index(name) + 1
            bars.add_data(Reference(ws, min_col=j, min_row=1, max_row=n + 1), titles_from_data=True)
        set_text_categories(bars, Reference(ws, min_col=cols.index("member") + 1, min_row=2, max_row=n + 1))
        colour_series(bars)
        bars.width = max(18, min(60, 6 + 1.5 * n))
        ws.add_chart(bars, chart_anchor(members))
    top = len(members) + 3
    safe_text(ws.cell(row=top, column=1), "Capabilities: units ordered over the horizon").font = SECTION_FONT
    write_rows(ws, top + 1, caps, currency, LABELS)
    safe_text(ws.cell(row=top + len(caps) + 3, column=1), excel_text(
        f"{alternatives.solves} re-solves in {alternatives.seconds:,.0f} s. Each range is the lowest and highest "
        "value any plan within the slack allows; the extremes of different rows come from different plans."))
    print_sheet(ws)


# ---------------------------------------------------------------------------- sweep


def write_sweep_report(results: Any, path: str | Path, provenance: dict, title: str, currency: str) -> Path:
    """The sweep report: Summary, Sweep (one row per variant, chart of the objective), Shares
    (each member's burden share per variant, chart of the largest members' shares)."""
    v = results.variants
    ok = v[v["status"] == "optimal"]
    figures = [
        ("Variants", len(v), "", "0"),
        ("Solved to optimality", len(ok), "", "0"),
        ("Failed", int((v["status"] == "failed").sum()), "see the Error column", "0"),
        ("Not run (time budget)", int(v["status"].astype(str).str.startswith("not run").sum()), "", "0"),
        ("Workers", results.workers, results.scheduler, "0"),
        ("Run time", results.seconds, "s, cluster start included", "0.00"),
        ("Mean solve time per variant", float(v["seconds"].mean()) if len(ok) else None, "s, on a worker", "0.000"),
    ]
    shares = results.shares
    wide = shares.pivot_table(index="member", columns="variant", values="burden_share_pct") if len(shares) else None
    if wide is not None:
        top = wide.mean(axis=1).sort_values(ascending=False).index[:8]
        table = wide.loc[top].T.reset_index()
        table.columns = ["variant", *[f"{m}_share_pct" for m in top]]
    else:
        table = pd.DataFrame()

    def objective_chart(ws: Worksheet, df: pd.DataFrame) -> None:
        n = min(len(df), MAX_CHART_BARS)
        if not n:
            return
        cols = list(df.columns)
        bars = bar_chart("Cost of the plan by variant (real money)", "Variant", "")
        largest = float(df["money_cost_musd"].head(n).abs().max())
        bars.y_axis.title = f"{money_axis(bars.y_axis, largest, currency)}, discounted"
        bars.add_data(Reference(ws, min_col=cols.index("money_cost_musd") + 1, min_row=1, max_row=n + 1),
                      titles_from_data=True)
        set_text_categories(bars, Reference(ws, min_col=cols.index("label") + 1, min_row=2, max_row=n + 1))
        colour_series(bars)
        bars.legend = None
        bars.width = max(18, min(60, 6 + 1.5 * n))
        ws.add_chart(bars, chart_anchor(df))

    def shares_chart(ws: Worksheet, df: pd.DataFrame) -> None:
        n = min(len(df), MAX_CHART_BARS)
        if not n or df.shape[1] < 2:
            return
        bars = bar_chart("Burden share of the largest members, by variant", "Variant", "Burden share (%)")
        for j in range(2, df.shape[1] + 1):
            bars.add_data(Reference(ws, min_col=j, min_row=1, max_row=n + 1), titles_from_data=True)
        bars.set_categories(Reference(ws, min_col=1, min_row=2, max_row=n + 1))
        bars.width = max(18, min(60, 6 + 2 * n))
        ws.add_chart(bars, chart_anchor(df))

    sheets = [
        ("Sweep", table_writer(v, objective_chart)),
        ("Shares", table_writer(table, shares_chart, empty="No variant was solved.")),
        ("MemberCosts", table_writer(shares)),
    ]
    notes = {
        "Sweep": "One row per variant: the varied values, solver status, the cost of the plan in real money "
        "(spending added + expected transit), the expected shortfall in unit-years, then apart the penalty "
        "weight and objective (modelling figures, not money), and solve time; a failed variant names its "
        "error, the others are unaffected.",
        "Shares": "Each of the largest members' burden share (% of the alliance's discounted spending) "
        "in each variant, and a chart of how they move.",
        "MemberCosts": "Every member's plan cost and burden share in every variant (tidy table).",
    }
    return write_analysis_report(path, title, figures, provenance, sheets, currency, notes)
