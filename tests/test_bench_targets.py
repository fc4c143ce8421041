"""benchmarks/targets.py: every target read from the benchmarks' saved results, with its verdict."""

from __future__ import annotations

import importlib
import json
import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"


@pytest.fixture
def targets(tmp_path, monkeypatch):
    monkeypatch.syspath_prepend(str(BENCHMARKS))
    module = importlib.import_module("targets")
    monkeypatch.setattr(module, "OUT", tmp_path)
    return module


def test_nothing_measured_says_so(targets, capsys):
    targets.main()
    out = capsys.readouterr().out
    assert out.count("not measured") == 4


def test_verdicts_and_profiles(targets, tmp_path, capsys):
    (tmp_path / "examples.json").write_text(json.dumps({
        "nato": {"command s": 30.0, "planner run s": 28.0, "plan solve s": 12.0, "ratio": 2.5},
        "anzus": {"command s": 3.0, "planner run s": 1.5, "plan solve s": 0.5, "ratio": 6.0},
    }))
    base = {"kind": "LP", "columns": 1000, "rows": 100, "build s": 0.5, "hand-over s": 0.25,
            "HiGHS cold s": 2.0, "load, duals s": 0.25, "HiGHS warm s": 1.0,
            "HiGHS work": "iterations", "work cold": 2000, "work warm": 500}
    (tmp_path / "resolve.json").write_text(json.dumps([
        {**base, "case": "medium", "change": "member out", "rebuild s": 3.0, "re-solve s": 1.0, "speed-up": 3.0},
        {**base, "case": "small", "change": "requirements", "rebuild s": 3.0, "re-solve s": 0.2, "speed-up": 15.0},
    ]))
    (tmp_path / "sizes").mkdir()
    (tmp_path / "sizes" / "large.json").write_text(json.dumps({"row": {
        "size": "large", "vars": 1_000_000, "total": 240.0, "highs_in_planner": 200.0, "alone": {"seconds": 200.0},
        "stages": {"read+validate": 2.0, "build": 8.0, "hand-over": 6.0, "solve": 201.0, "extract": 3.0, "report": 20.0},
    }}))
    (tmp_path / "lp_methods.json").write_text(json.dumps({"small": {"fastest": "simplex", "rows": []}}))
    targets.main()
    lines = capsys.readouterr().out.splitlines()
    nato, = (line for line in lines if "nato:" in line)
    anzus, = (line for line in lines if "anzus:" in line)
    assert "2.5×" in nato and "(target ≤ 3×: met)" in nato and "profile" not in nato
    assert "NOT met" in anzus and "starting Python and importing 1.5 s" in anzus
    medium, = (line for line in lines if "medium LP" in line)
    assert "NOT met" in medium and "build 0.50 + hand-over 0.25 + HiGHS 2.00" in medium
    assert "10× needs it under 0.30 s" in medium
    small, = (line for line in lines if "small LP" in line)
    assert "met)" in small and "NOT" not in small
    large, = (line for line in lines if "large (" in line)
    assert "1.20×" in large and "NOT met" in large and "the target leaves it 30 s" in large
    assert any("small: fastest LP algorithm with a basis simplex, the planner's simplex (met)" in line for line in lines)


def teardown_module():
    for name in ("targets", "bench", "examples", "resolve"):  # benchmarks/ modules, off the import path again
        sys.modules.pop(name, None)
