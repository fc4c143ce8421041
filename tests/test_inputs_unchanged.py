"""No command ever modifies its input workbook (SHA-256 before and after each)."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from planner.cli import app

TUTORIAL = Path(__file__).parents[1] / "inputs" / "tutorial.xlsx"

COMMANDS = [
    ["validate", "{input}"],
    ["run", "{input}", "--out", "{out}"],
    ["whatif", "{input}", "--without", "BOR", "--out", "{out}"],
    ["analyse", "{input}", "--shapley", "--frontier", "--alternatives", "--out", "{out}"],
    ["sweep", "{input}", "--vary", "requirements=1,1.1", "--workers", "2", "--out", "{out}"],
]


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: c[0])
def test_input_is_never_modified(tmp_path, command):
    path = tmp_path / "plan.xlsx"
    shutil.copy(TUTORIAL, path)
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    args = [a.format(input=path, out=tmp_path / "report.xlsx") for a in command]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before
