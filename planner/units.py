"""Units in the capability's own words: its granularity, and a figure in its parts.

A capability counted in parts (p_c parts per unit, Capabilities.parts_per_unit) has every
order, deployment and set in whole parts: 2/3 of an armoured brigade of three battalions is
"2 battalions". The report keeps its numeric columns in units (so that Excel users can
filter and sum per capability), shows them as fractions of the unit with the capability's
denominator (`number_format`), and writes the parts in words where a text says what is
bought or deployed (`in_words`). Figures of different capabilities are never added.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping

import pandas as pd

from models import PlanData

GRANULARITY_COLUMNS = ("capability", "name", "unit", "part", "parts_per_unit", "counted_in")
DEFAULT_PART = "part"


def plural(word: str, n: float = 2) -> str:
    """'brigade' → 'brigades', 'battery' → 'batteries', 'task group' → 'task groups' (n ≠ 1)."""
    if abs(n - 1) < 1e-9 or not word:
        return word
    if re.search(r"[^aeiou]y$", word):
        return word[:-1] + "ies"
    if re.search(r"(s|x|z|ch|sh)$", word):
        return word + "es"
    return word + "s"


def granularity(data: PlanData) -> pd.DataFrame:
    """Per capability: its unit, the name of its part and parts per unit (p_c; blank where
    any fraction of a unit may be ordered), and in words how it is counted."""
    caps = data.capabilities
    parts = data.parts_per_unit()
    rows = []
    for c in caps.index:
        unit = str(caps.at[c, "unit"]) if "unit" in caps and pd.notna(caps.at[c, "unit"]) else "unit"
        p = parts.get(c)
        part = caps.at[c, "part"] if "part" in caps else None
        part = str(part) if isinstance(part, str) and part.strip() else (DEFAULT_PART if p and p > 1 else "")
        if p and p > 1:
            counted = f"in {plural(part)}: {p} {plural(part, p)} per {unit}"
        elif p == 1:
            counted = f"in whole {plural(unit)}"
        else:
            counted = f"in any fraction of a {unit}"
        rows.append((c, caps.at[c, "name"], unit, part, p if p else math.nan, counted))
    return pd.DataFrame(rows, columns=list(GRANULARITY_COLUMNS))


def _table(gran: pd.DataFrame) -> Mapping[str, tuple[str, str, float]]:
    return {r.capability: (r.unit, r.part, r.parts_per_unit) for r in gran.itertuples(index=False)}


def whole_parts(units: float, p: float) -> int:
    """The whole number of parts in `units` of a capability with p parts per unit."""
    return int(math.floor(units * p + 0.5))


def in_words(units: float, capability: str, gran: pd.DataFrame) -> str:
    """`units` of `capability` in its own words: '2 battalions' (2/3 of a brigade of three),
    '7 battalions (2 1/3 brigades)', '3 ships' (whole units), '1.25 brigades' (any fraction)."""
    unit, part, p = _table(gran).get(capability, ("unit", "", math.nan))
    if pd.notna(p) and p > 1:
        n = whole_parts(units, p)
        whole, rest = divmod(n, int(p))
        if whole == 0:
            return f"{n} {plural(part, n)}"
        amount = f"{whole}" + (f" {rest}/{int(p)}" if rest else "")
        return f"{n} {plural(part, n)} ({amount} {plural(unit, n / p)})"
    if pd.notna(p):
        n = whole_parts(units, 1)
        return f"{n} {plural(unit, n)}"
    return f"{units:.0f} {plural(unit)}" if units >= 1000 else f"{units:.3g} {plural(unit, units)}"


def provider_words(units: float, capability: str, gran: pd.DataFrame) -> str:
    """A provider's units, short: '34 battalions' in parts, '5' whole units, '1.25' else."""
    unit, part, p = _table(gran).get(capability, ("unit", "", math.nan))
    if pd.notna(p) and p > 1:
        n = whole_parts(units, p)
        return f"{n} {plural(part, n)}"
    return f"{whole_parts(units, 1)}" if pd.notna(p) else f"{units:.4g}"


def unit_label(capability: str, gran: pd.DataFrame) -> str:
    """What one unit of `capability` is, in words: 'brigade of 3 battalions', 'ship'."""
    unit, part, p = _table(gran).get(capability, ("unit", "", math.nan))
    if pd.notna(p) and p > 1:
        return f"{unit} of {int(p)} {plural(part, p)}"
    return unit


def number_format(capability: str, gran: pd.DataFrame) -> str:
    """Number format showing units of `capability` in its parts: '# ?/3' (3 2/3) for a unit
    of three parts, '0' for whole units, '0.0' for any fraction."""
    _, _, p = _table(gran).get(capability, ("unit", "", math.nan))
    if pd.notna(p) and p > 1:
        return f"# ?/{int(p)}"
    return "0" if pd.notna(p) else "0.0"


def per_capability(coverage: pd.DataFrame, probability: Mapping[str, float], gran: pd.DataFrame) -> pd.DataFrame:
    """Shortfall per capability (never added across capabilities): unit-years short summed
    over scenarios, regions and years, and weighted by scenario probability, with the unit."""
    cols = ["capability", "unit", "shortfall_unit_years", "expected_unit_years"]
    short = coverage[coverage["shortfall_units"] > 1e-6]
    if short.empty:
        return pd.DataFrame(columns=cols)
    weighted = short["shortfall_units"] * short["scenario"].map(probability)
    frame = pd.DataFrame({"capability": short["capability"], "s": short["shortfall_units"], "e": weighted})
    sums = frame.groupby("capability", sort=False)[["s", "e"]].sum().reset_index()
    units = dict(zip(gran["capability"], gran["unit"]))
    out = pd.DataFrame({"capability": sums["capability"], "unit": sums["capability"].map(units).fillna("unit"),
                        "shortfall_unit_years": sums["s"], "expected_unit_years": sums["e"]})
    return out.sort_values("shortfall_unit_years", ascending=False, kind="stable", ignore_index=True)


def shortfall_text(table: pd.DataFrame, column: str = "shortfall_unit_years") -> str:
    """'ARM_BDE 2.0 brigade-years; FTR_SQN 1.0 squadron-years' ('none' if nothing is short)."""
    if table.empty:
        return "none"
    return "; ".join(f"{r.capability} {getattr(r, column):,.1f} {r.unit}-years" for r in table.itertuples(index=False))
