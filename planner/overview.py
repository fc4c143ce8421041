"""The Overview sheet: the plan on one printed page, in plain words and a few numbers.

What the plan asks of each member (spending as % of GDP and spending added, in billions, in
the first and the last year), what it costs in real money (never the penalties, which are
modelling weights), what is short and where, what changed against the baseline, and the
decisions that matter most. Every figure is read from `PlanResults` (no re-solve); the few
that combine rows (sums over members or years) are made by the named functions below.
"""

from __future__ import annotations

import textwrap
from typing import Any

import pandas as pd
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.worksheet import Worksheet

from .results import PlanResults
from .units import granularity, in_words, shortfall_text
from .xlsx import TITLE_FONT, excel_text, safe_text, style_header

SHORT = 1e-6
TOP = 3  # shortfalls and largest additions named
TEXT_WIDTH = 78  # characters per line of the right-hand column
SECTION = Font(bold=True, size=12, color="1F4E78")
BOLD = Font(bold=True)


def bn(musd: float) -> float:
    """Million → billion."""
    return musd / 1000.0


def money_text(musd: float, cur: str) -> str:
    """'12.3 bn USD' (or '450 M USD' below one billion)."""
    if abs(musd) >= 1000:
        return f"{bn(musd):,.1f} bn {cur}"
    return f"{musd:,.0f} M {cur}"


def member_asks(results: PlanResults) -> pd.DataFrame:
    """Per member: spending as % of GDP in the base, first and last year, and the spending
    added (spending − baseline) in the first and last year (M), with its burden and fair
    share; the members asked most in the last year first."""
    d, sp = results.data, results.spending
    first, last = d.first_year, d.last_year
    by = sp.drop_duplicates(["member", "year"], keep="last").set_index(["member", "year"])
    baseline = d.members["spending"]
    burden = results.burden.set_index("member")
    rows = []
    for m in d.members.index:
        def get(year: int, col: str) -> Any:
            return by.at[(m, year), col] if (m, year) in by.index else float("nan")
        rows.append({
            "member": m,
            "name": d.members.at[m, "name"],
            "pct_base": get(d.base_year, "spending_pct_gdp"),
            "pct_first": get(first, "spending_pct_gdp"),
            "pct_last": get(last, "spending_pct_gdp"),
            "added_first_musd": get(first, "spending_musd") - baseline[m],
            "added_last_musd": get(last, "spending_musd") - baseline[m],
            "burden_share_pct": burden.at[m, "burden_share_pct"] if m in burden.index else float("nan"),
            "fair_share_pct": burden.at[m, "fair_share_pct"] if m in burden.index else float("nan"),
        })
    frame = pd.DataFrame(rows)
    return frame.sort_values("added_last_musd", ascending=False, kind="stable", na_position="last",
                             ignore_index=True)


def alliance_spending(results: PlanResults) -> dict[int, tuple[float, float]]:
    """Year -> (alliance defence spending M, its share of the alliance's GDP %), for the base
    year and every plan year (members of the pact that year)."""
    sp = results.spending
    out = {}
    for year, rows in sp.groupby("year", sort=True):
        spend, gdp = float(rows["spending_musd"].sum()), float(rows["gdp_musd"].sum())
        out[int(year)] = (spend, 100 * spend / gdp if gdp else float("nan"))
    return out


def shortfalls(results: PlanResults, n: int = TOP) -> pd.DataFrame:
    """The `n` largest shortfalls: per scenario, capability and region, unit-years short
    (summed over years), the years, and the most units short in one year."""
    cov = results.coverage
    short = cov[cov["shortfall_units"] > SHORT]
    if short.empty:
        return pd.DataFrame(columns=["scenario", "capability", "region", "unit_years", "most_units", "first", "last"])
    grouped = short.groupby(["scenario", "capability", "region"], sort=False).agg(
        unit_years=("shortfall_units", "sum"), most_units=("shortfall_units", "max"),
        first=("year", "min"), last=("year", "max")).reset_index()
    return grouped.sort_values("unit_years", ascending=False, kind="stable").head(n).reset_index(drop=True)


def sites_opened(results: PlanResults) -> tuple[list[str], int]:
    """(sites the plan opens that did not exist, existing sites kept open)."""
    s = results.sites
    if s.empty:
        return [], 0
    opened = s[s["open"].astype(bool)]
    new = opened[~opened["existing"].astype(bool)]
    return [f"{r.site} ({r.host})" for r in new.itertuples(index=False)], int(opened["existing"].astype(bool).sum())


def largest_orders(results: PlanResults, n: int = TOP) -> pd.DataFrame:
    """The `n` largest orders by their acquisition cost: units of a capability a member
    orders over the horizon, and what they cost (M, undiscounted)."""
    cap = results.capabilities
    if cap.empty:
        return cap
    orders = cap.groupby(["member", "capability"], sort=False)[["ordered_units", "acquisition_cost_musd"]].sum()
    orders = orders[orders["ordered_units"] > SHORT].reset_index()
    return orders.sort_values("acquisition_cost_musd", ascending=False, kind="stable").head(n).reset_index(drop=True)


def facts(results: PlanResults) -> list[tuple[str, str]]:
    """(heading, text) of the right-hand column: cost, baseline, shortfalls, decisions."""
    d, t = results.data, results.totals
    cur = d.currency
    out: list[tuple[str, str]] = []
    out.append(("What it costs", (
        f"{money_text(t.get('money_cost_musd', 0.0), cur)} of real money over {d.first_year}–{d.last_year} "
        f"(discounted to {d.first_year}, {d.base_year} prices): spending added "
        f"{money_text(t.get('plan_cost_musd', 0.0), cur)} and expected transit "
        f"{money_text(t.get('deployment_cost_musd', 0.0), cur)}. Penalties for shortfalls are modelling "
        "weights, not money, and are not counted here.")))
    spend = alliance_spending(results)
    if d.base_year in spend and d.last_year in spend:
        (b, bp), (e, ep) = spend[d.base_year], spend[d.last_year]
        out.append(("Against the baseline", (
            f"Alliance defence spending goes from {money_text(b, cur)} ({bp:.2f} % of GDP) in {d.base_year} "
            f"to {money_text(e, cur)} ({ep:.2f} % of GDP) in {d.last_year}: "
            f"{money_text(e - b, cur)} a year more.")))
    short = shortfalls(results)
    n_short, n_req = t.get("requirements_short", 0) or 0, t.get("requirements", 0) or 0
    if n_short:
        gran = granularity(d)
        by_cap = results.shortfall_by_capability()
        lines = [f"{n_short} of {n_req} requirements are not fully met, short: {shortfall_text(by_cap)}. Largest:"]
        units = dict(zip(gran["capability"], gran["unit"]))
        for r in short.itertuples(index=False):
            years = str(r.first) if r.first == r.last else f"{r.first}–{r.last}"
            unit = units.get(r.capability, "unit")
            lines.append(f"• {r.capability} in {r.region}, scenario {r.scenario}: {r.unit_years:,.1f} {unit}-years "
                         f"({years}, at most {r.most_units:,.2f} {unit}s in a year)")
        out.append(("What is short", "\n".join(lines)))
    else:
        out.append(("What is short", f"Nothing: all {n_req} requirements are met in every scenario."))
    out.append(("Each member's bill (discounted; largest first)", bills_text(results)))
    decisions = []
    topup, total = t.get("topup_musd") or 0.0, t.get("plan_cost_musd") or 0.0
    if total > SHORT:
        decisions.append(f"1. Floors: {money_text(topup, cur)} of the {money_text(total, cur)} added "
                         f"({100 * topup / total:.0f} %) is top-up that only reaches a spending target and buys "
                         "nothing modelled; the rest buys capabilities.")
    else:
        decisions.append("1. No member spends more than its baseline.")
    new, kept = sites_opened(results)
    if results.sites.empty:
        decisions.append("2. Sites: the plan has no pre-positioning sites.")
    elif new:
        decisions.append(f"2. Opens {len(new)} new site{'s' if len(new) != 1 else ''}: {', '.join(new[:6])}"
                         f"{', …' if len(new) > 6 else ''}; keeps {kept} existing site{'s' if kept != 1 else ''}.")
    else:
        decisions.append(f"2. Opens no new site; keeps {kept} existing site{'s' if kept != 1 else ''}.")
    orders = largest_orders(results)
    if len(orders):
        gran = granularity(d)
        decisions.append("3. Largest orders: " + ", ".join(
            f"{r.capability} {in_words(r.ordered_units, r.capability, gran)} by {r.member} "
            f"({money_text(r.acquisition_cost_musd, cur)})" for r in orders.itertuples(index=False)) + ".")
    if n_short and len(short):
        r = short.iloc[0]
        decisions.append(f"{len(decisions) + 1}. Accept or fund the largest shortfall: {r.capability} in {r.region} "
                         f"(scenario {r.scenario}), {r.unit_years:,.1f} unit-years.")
    out.append(("Decisions that matter most", "\n".join(decisions)))
    out.append(("Where to look", "Summary: every key figure, each capability's granularity and the provenance. "
                "Burden: each member's bill, what it buys and why. Spending: per member and year. "
                "Coverage, Scenarios, Deployment: what is met, when and by whom. Printed pages show the "
                "informative part of long tables; the whole tables are on the sheets."))
    return out


BILL_LINES = (6, 4)  # members explained one by one on the Overview: all up to 6, else the 4 largest bills
BILL_BUYS = 3  # capabilities named per member on the Overview (all on the Burden sheet)


def bills_text(results: PlanResults, n: int | None = None) -> str:
    """One bullet per member with a plan cost, the `n` largest (the rest named for the Burden
    sheet): its plan cost and share of it against its fair share, what it buys, what only
    reaches a floor, and why (planner.bills.member_bills)."""
    cur = results.data.currency
    bills = results.bills
    paying = bills[bills["plan_cost_musd"].abs() > SHORT]
    if paying.empty:
        return "No member spends more than its baseline."
    if n is None:
        n = len(paying) if len(paying) <= BILL_LINES[0] else BILL_LINES[1]
    lines = []
    for r in paying.head(n).itertuples(index=False):
        items = [part.split(" for ")[0].split(", not deployed")[0] for part in r.buys.split("; ")] if r.buys else []
        buys = ", ".join(items[:BILL_BUYS]) + (", …" if len(items) > BILL_BUYS else "")
        text = (f"• {r.member} {money_text(r.plan_cost_musd, cur)} ({r.plan_cost_share_pct:.0f} % of the cost; fair "
                f"share {r.fair_share_pct:.{1 if r.fair_share_pct >= 1 else 2}f} %): ")
        spent = []
        if r.buys_musd > SHORT:
            spent.append(f"{money_text(r.buys_musd, cur)} buys " + (buys if buys else "common funding and upkeep"))
        if r.topup_musd > SHORT:
            spent.append(f"{money_text(r.topup_musd, cur)} only reaches its {r.topup_reaches}")
        text += "; ".join(spent) + f". {r.reason[0].upper()}{r.reason[1:]}."
        lines.append(text)
    rest = paying.iloc[n:]
    if len(rest):
        lines.append(f"The other {len(rest)} members ({', '.join(rest['member'])}): Burden sheet, columns "
                     "'Buys' and 'Why'.")
    return "\n".join(lines)


def _lines(text: str) -> list[str]:
    out = []
    for part in text.split("\n"):
        indent = "   " if part.startswith(("•", "1.", "2.", "3.", "4.", "5.")) else ""
        out += textwrap.wrap(part, TEXT_WIDTH, subsequent_indent=indent) or [""]
    return out


MEMBER_HEADERS = (
    ("Member", None, 8), ("Name", None, 16), ("% of GDP {base}", "0.00", 8), ("% of GDP {first}", "0.00", 8),
    ("% of GDP {last}", "0.00", 8), ("Added {first} ({unit})", None, 9), ("Added {last} ({unit})", None, 9),
    ("Burden share (%)", "0.0", 8), ("Fair share (%)", "0.0", 8),
)


def write_overview(ws: Worksheet, results: PlanResults, status: tuple[str, Any]) -> None:
    """The Overview sheet: title and status, the members table at the left, the facts at the right."""
    d = results.data
    cur = d.currency
    safe_text(ws.cell(row=1, column=1), excel_text(f"{d.name}: overview of the plan")).font = TITLE_FONT
    ws.row_dimensions[1].height = 22
    text, fill = status
    cell = safe_text(ws.cell(row=2, column=1), excel_text(text))
    cell.font, cell.fill = Font(bold=True, color="FFFFFF"), fill
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=len(MEMBER_HEADERS))

    safe_text(ws.cell(row=4, column=1), "What the plan asks of each member").font = SECTION
    asks = member_asks(results)
    big = asks[["added_first_musd", "added_last_musd"]].abs().max().max() if len(asks) else 0
    in_bn = bool(big >= 1_000)
    scale = 1000.0 if in_bn else 1.0
    bn_fmt = "#,##0.0" if big >= 10_000 or not in_bn else "#,##0.00"
    fill_in = {"base": d.base_year, "first": d.first_year, "last": d.last_year,
               "unit": f"bn {cur}" if in_bn else f"M {cur}"}
    for j, (header, _, width) in enumerate(MEMBER_HEADERS, start=1):
        safe_text(ws.cell(row=5, column=j), header.format(**fill_in))
        ws.column_dimensions[ws.cell(row=5, column=j).column_letter].width = width
    style_header(ws, 5)
    for c in ws[5]:
        c.alignment = Alignment(wrap_text=True, vertical="top")
    ws.row_dimensions[5].height = 45
    cols = ("member", "name", "pct_base", "pct_first", "pct_last", "added_first_musd", "added_last_musd",
            "burden_share_pct", "fair_share_pct")
    for i, row in enumerate(asks[list(cols)].itertuples(index=False, name=None), start=6):
        for j, (value, (_, fmt, _)) in enumerate(zip(row, MEMBER_HEADERS), start=1):
            c = ws.cell(row=i, column=j)
            if isinstance(value, str):
                safe_text(c, excel_text(value))
            elif pd.notna(value):
                if cols[j - 1].endswith("_musd"):
                    c.value, c.number_format = float(value) / scale, bn_fmt
                else:
                    c.value, c.number_format = float(value), fmt
    last_member_row = 5 + len(asks)
    safe_text(ws.cell(row=last_member_row + 1, column=1), excel_text(
        f"Added: spending above the member's {d.base_year} baseline that year, in {'billions' if in_bn else 'millions'} "
        f"at {d.base_year} prices. Largest in the last year first.")).font = Font(italic=True, size=9)

    gap = len(MEMBER_HEADERS) + 1
    ws.column_dimensions[ws.cell(row=1, column=gap).column_letter].width = 3
    body = gap + 1
    ws.column_dimensions[ws.cell(row=1, column=body).column_letter].width = TEXT_WIDTH + 2
    safe_text(ws.cell(row=4, column=body), "The plan in brief").font = SECTION
    row = 5
    for heading, text in facts(results):
        safe_text(ws.cell(row=row, column=body), heading).font = BOLD
        row += 1
        for line in _lines(text):
            safe_text(ws.cell(row=row, column=body), excel_text(line))
            row += 1
    ws.sheet_view.showGridLines = False
