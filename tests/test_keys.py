"""Fair-share keys: GNI, GDP at PPP, mixes and capped proportional keys, by hand."""

from __future__ import annotations


import pandas as pd
import pytest

from models.sets import key_shares
from planner import run_plan
from test_validate import column, edited, problems
from tutorial_data import tutorial_data

# tutorial GDPs 1000, 500, 250: GDP shares 4/7, 2/7, 1/7
GDP = {"ARL": 4 / 7, "BOR": 2 / 7, "CAR": 1 / 7}


def shares(data, key, **kw):
    gdp = data.gdp().to_dict()
    out = key_shares(data, gdp, key, data.active_pairs(), **kw)
    return {m: out[m, 2025] for m in data.members.index}


def test_simple_and_grown_keys():
    members = tutorial_data().members.assign(gni=[900.0, 600.0, 300.0], gdp_ppp=[1.0, 1.0, 2.0],
                                             gdp_growth=[0.1, 0.0, 0.0])
    data = tutorial_data(members=members)
    # GNI grown like GDP: ARL 900 · 1.1, BOR 600, CAR 300 (2025 is one year after the base year)
    total = 990 + 600 + 300
    assert shares(data, "gni") == pytest.approx({"ARL": 990 / total, "BOR": 600 / total, "CAR": 300 / total})
    assert shares(data, "equal") == pytest.approx(dict.fromkeys(GDP, 1 / 3))


def test_mix_of_gdp_and_equal():
    data = tutorial_data()
    mixed = shares(data, "mix", mix={"gdp": 50, "equal": 50})
    assert mixed == pytest.approx({m: (GDP[m] + 1 / 3) / 2 for m in GDP})


def test_capped_key_redistributes_the_excess():
    """ARL's 4/7 is capped at 50 %; BOR and CAR share the other 50 % 2:1."""
    data = tutorial_data()
    capped = shares(data, "gdp", cap=0.5)
    assert capped == pytest.approx({"ARL": 0.5, "BOR": 1 / 3, "CAR": 1 / 6})
    assert sum(capped.values()) == pytest.approx(1.0)


def settings(**values):
    def edit(wb):
        ws = wb["Settings"]
        rows = {c.value: c.row for c in ws["A"]}
        for name, value in values.items():
            if name in rows:
                ws.cell(row=rows[name], column=2).value = value
            else:
                ws.append([name, value])
    return edit


def test_workbook_mix_and_cap_reach_the_burden_table(tmp_path):
    path = edited(tmp_path, settings(fair_share_key="mix", fair_share_mix="gdp 50, equal 50", fair_share_cap_pct=45))
    burden = run_plan(path, write=False).results.burden.set_index("member")["fair_share_pct"]
    mix = {m: (GDP[m] + 1 / 3) / 2 for m in GDP}  # ARL 45.24 % → capped at 45 %
    rest = 1 - 0.45
    expected = {"ARL": 0.45, "BOR": rest * mix["BOR"] / (mix["BOR"] + mix["CAR"]),
                "CAR": rest * mix["CAR"] / (mix["BOR"] + mix["CAR"])}
    for m, value in expected.items():
        assert burden[m] == pytest.approx(100 * value, rel=1e-9)


def test_bad_mix_and_missing_gni_are_located(tmp_path):
    path = edited(tmp_path, settings(fair_share_key="mix", fair_share_mix="gdp 50, wealth 50"))
    [msg] = problems(path)
    assert "Settings" in msg and "fair_share_mix" in msg and "unknown component 'wealth'" in msg

    def gni_key(wb):
        settings(common_funding_key="gni")(wb)
        members = wb["Members"]
        col = column(members, "gni_musd")
        for row in (2, 3):
            members.cell(row=row, column=col).value = 1000.0
    msgs = problems(edited(tmp_path, gni_key))
    assert len(msgs) == 1 and "Members › row 4" in msgs[0] and "required when common_funding_key is gni" in msgs[0]


def test_cap_too_small_for_the_members(tmp_path):
    [msg] = problems(edited(tmp_path, settings(fair_share_cap_pct=30)))
    assert "fair_share_cap_pct" in msg and "cannot share all the spending" in msg
