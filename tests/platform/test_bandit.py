"""bandit (in ``make lint``) finds nothing unmarked: every false positive carries
``# nosec BXXX # reason`` where it occurs (``pyproject.toml`` [tool.bandit] skips only B101)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ["supervision", "institutions", "inspections", "credit", "funds"]


def test_make_lint_runs_bandit_over_every_package():
    lint = (ROOT / "Makefile").read_text().split("\nlint:", 1)[1].split("\n\n", 1)[0]
    assert "bandit -q -c pyproject.toml -r " + " ".join(PACKAGES) in lint


def test_bandit_reports_no_unmarked_finding():
    bandit = Path(sys.executable).with_name("bandit")
    result = subprocess.run(  # nosec B603 # fixed argv: the venv's bandit over the packages
        [str(bandit), "-q", "-c", "pyproject.toml", "-f", "json", "-r", *PACKAGES],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    report = json.loads(result.stdout)
    findings = [f"{r['filename']}:{r['line_number']} {r['test_id']}" for r in report["results"]]
    assert findings == [], "\n".join(findings)
    assert report["errors"] == []
