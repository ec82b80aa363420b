"""Run the benchmarks: ``make bench`` or ``python -m bench [name ...]``.

Each ``bench/bench_<name>.py`` defines ``run() -> dict``; the result (with the machine,
the time and the database used) is written to ``bench/results/<name>.json`` and printed.
Benchmarks compare against a baseline measured in the same run, so the ratio is what counts.
"""

from __future__ import annotations

import datetime as dt
import importlib
import json
import os
import pkgutil
import platform
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"


def main(argv: list[str]) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "supervision.settings")
    sys.path.insert(0, str(HERE.parent))
    import django

    django.setup()
    from django.db import connection

    names = argv or sorted(
        m.name[len("bench_") :] for m in pkgutil.iter_modules([str(HERE)]) if m.name.startswith("bench_")
    )
    RESULTS.mkdir(exist_ok=True)
    failed = 0
    for name in names:
        module = importlib.import_module(f"bench.bench_{name}")
        print(f"== {name}", flush=True)
        try:
            result = module.run()
        except Exception as exc:  # a benchmark that cannot run says why and the others go on
            failed += 1
            result = {"error": repr(exc)}
        result["_meta"] = {
            "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "python": platform.python_version(),
            "machine": platform.machine(),
            "cpus": os.cpu_count(),
            "database": connection.vendor,
        }
        (RESULTS / f"{name}.json").write_text(
            json.dumps(result, ensure_ascii=False, indent=2, default=str) + "\n"
        )
        print(json.dumps(result, ensure_ascii=False, indent=2, default=str), flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
