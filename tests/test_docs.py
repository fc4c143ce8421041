"""docs/inputs.md is generated from the schema and must not go stale."""

from __future__ import annotations

from pathlib import Path

from planner.docgen import render_inputs_md
from planner.schema import SHEETS

DOC = Path(__file__).resolve().parents[1] / "docs" / "inputs.md"


def test_inputs_md_is_up_to_date():
    assert DOC.exists(), "docs/inputs.md is missing: run `make docs`"
    assert DOC.read_text(encoding="utf-8") == render_inputs_md(), (
        "docs/inputs.md is stale (the schema changed): run `make docs` and commit it"
    )


def test_inputs_md_names_every_sheet_and_column():
    text = render_inputs_md()
    for sheet in SHEETS:
        assert f"## {sheet.name}\n" in text
        for col in sheet.columns:
            assert f"| `{col.name}` |" in text, (sheet.name, col.name)
