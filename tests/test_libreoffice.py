"""Reports and the template open in a real LibreOffice Calc (skipped where it is absent)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from planner import run_plan
from planner.run import run_analyses, run_whatif
from planner.template import write_workbook

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
pytestmark = pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")
TUTORIAL = Path(__file__).parents[1] / "inputs" / "tutorial.xlsx"


def to_pdf(path: Path) -> bytes:
    subprocess.run(
        [SOFFICE, "--headless", f"-env:UserInstallation=file://{path.parent}/lo-profile",
         "--convert-to", "pdf", "--outdir", str(path.parent), str(path)],
        check=True, capture_output=True, timeout=180,
    )
    return path.with_suffix(".pdf").read_bytes()


def test_report_and_template_convert_to_pdf(tmp_path):
    report = run_plan(TUTORIAL, tmp_path / "report.xlsx").report_path
    template = tmp_path / "template.xlsx"
    write_workbook(template)
    for path in (report, template):
        pdf = to_pdf(path)
        assert pdf.startswith(b"%PDF") and pdf.count(b"/Type /Page") + pdf.count(b"/Type/Page") > 1


def test_analysis_reports_convert_to_pdf(tmp_path):
    """The what-if report and the plan report with every analysis sheet open in Calc."""
    whatif = run_whatif(TUTORIAL, tmp_path / "whatif.xlsx", without={"BOR": None}).report_path
    run_analyses(TUTORIAL, tmp_path / "analysis.xlsx", shapley=True, frontier=True, alternatives=True)
    for path in (whatif, tmp_path / "analysis.xlsx"):
        pdf = to_pdf(path)
        assert pdf.startswith(b"%PDF") and pdf.count(b"/Type /Page") + pdf.count(b"/Type/Page") > 1
