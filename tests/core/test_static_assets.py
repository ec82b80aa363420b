"""Front-end assets are vendored with recorded versions; no template loads anything from the
internet (a government intranet has no way out)."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
VENDOR = ROOT / "static" / "vendor"


def recorded_versions() -> dict[str, str]:
    rows = [line.split() for line in (VENDOR / "VERSIONS.txt").read_text().splitlines()]
    return {row[0]: row[1] for row in rows if row and not row[0].startswith("#")}


def test_the_vendored_files_are_the_recorded_versions():
    versions = recorded_versions()
    assert set(versions) == {"bootstrap", "htmx.org", "echarts"}
    css = (VENDOR / "bootstrap" / "bootstrap.min.css").read_text()[:300]
    js = (VENDOR / "bootstrap" / "bootstrap.bundle.min.js").read_text()[:300]
    assert re.search(rf"Bootstrap\s+v{re.escape(versions['bootstrap'])}\b", css)
    assert re.search(rf"Bootstrap\s+v{re.escape(versions['bootstrap'])}\b", js)
    assert f'version:"{versions["htmx.org"]}"' in (VENDOR / "htmx" / "htmx.min.js").read_text()
    assert f'version="{versions["echarts"]}"' in (VENDOR / "echarts" / "echarts.min.js").read_text()


def test_no_template_loads_a_remote_resource():
    remote = re.compile(
        r"""<(?:script|link|img|iframe|source)\b[^>]*\b(?:src|href)=["']?(?:https?:)?//""", re.I
    )
    offenders = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "templates").rglob("*.html")
        if remote.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []
