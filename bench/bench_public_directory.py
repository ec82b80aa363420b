"""The public directory on PostgreSQL with 400,000 institutions, over HTTP on loopback.

Server: gunicorn (sync workers) with the project's settings pointed at the database
``bench_public`` (created with the project's migrations and ``seed_scale`` on first use,
reused afterwards), public page cache OFF and throttle out of reach (bench/public_directory_site.py).
Load: Debian's ``wrk`` (a Lua ``done`` hook reports p95), or a threaded Python client if wrk is
missing. Measured in the same run, alternating, twice each:

* page: ``/public/institutions/?region=<county>&kind=care_home&beds_min=50&beds_max=250&o=name``
  (filters, count, 20 rows, region picker, template);
* baseline: ``/bench/raw-directory/`` with the same parameters: the same SQL, the rows returned
  as JSON tuples, unrendered.

The ratio (baseline rps / page rps, and page p95 / baseline p95) is printed; goal ≤ 2×.
Then the server is restarted with the page cache on and the cached page is measured alone.
On SQLite the benchmark is skipped with a message."""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path
from typing import Any

BENCH_DB = "bench_public"
INSTITUTIONS = int(os.environ.get("BENCH_PUBLIC_INSTITUTIONS", "400000"))
DURATION = int(os.environ.get("BENCH_PUBLIC_SECONDS", "10"))
CONNECTIONS = 16
ROOT = Path(__file__).resolve().parent.parent

WRK_LUA = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("BENCH requests=%d errors=%d p95_us=%d p50_us=%d\\n", summary.requests,
    e.connect + e.read + e.write + e.status + e.timeout, latency:percentile(95), latency:percentile(50)))
end
"""


def _admin_connect():
    import psycopg
    from django.db import connection

    s = connection.settings_dict
    return psycopg.connect(
        host=s["HOST"] or "127.0.0.1",
        port=s["PORT"] or 5432,
        user=s["USER"],
        password=s["PASSWORD"] or None,
        dbname="postgres",
        autocommit=True,
    )


def _prepare_database() -> dict[str, Any]:
    """Reuse ``bench_public`` if it already holds the institutions, else build it."""
    from django.core.management import call_command
    from django.db import connection, connections

    with _admin_connect() as admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [BENCH_DB]).fetchone()
        if not exists:
            admin.execute(f"CREATE DATABASE {BENCH_DB}")
    connection.close()
    connections.databases["default"]["NAME"] = BENCH_DB
    connection.settings_dict["NAME"] = BENCH_DB
    call_command("migrate", verbosity=0)
    from institutions.models import Institution

    have = Institution.objects.count()
    seeded = 0.0
    if have < INSTITUTIONS:
        started = time.perf_counter()
        call_command("seed_scale", institutions=INSTITUTIONS - have, stdout=sys.stderr)
        seeded = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("SELECT EXISTS (SELECT 1 FROM institutions_graderating)")
        if not cursor.fetchone()[0]:
            # a quarter of the institutions hold a valid grade rating, so the grade lookup
            # of the shown rows does real work (seed_scale creates institutions only)
            cursor.execute(
                "INSERT INTO institutions_graderating (institution_id, level, score_environment, "
                "score_facilities, score_management, score_service, total, rated_on, valid_until, rated_by) "
                "SELECT id, 1 + id % 5, 100, 100, 120, 480, 800, DATE '2026-01-10', DATE '2099-01-10', '' "
                "FROM institutions_institution WHERE id % 4 = 0"
            )
            cursor.execute("ANALYZE")
    from institutions.models import GradeRating

    return {
        "institutions": Institution.objects.count(),
        "grade_ratings": GradeRating.objects.count(),
        "seed_seconds": round(seeded, 1),
        "reused": have >= INSTITUTIONS,
    }


def _query() -> tuple[str, int]:
    """A county with many institutions, and how many rows the filters match."""
    from django.http import QueryDict

    from institutions.models import Institution
    from institutions.public import directory_queryset
    from supervision.core.models import Region

    county_prefix = (
        Institution.objects.values_list("region__code", flat=True).order_by("region__code").first() or ""
    )[:6]
    county = Region.objects.get(code=county_prefix + "000000")
    query = f"region={county.code}&kind=care_home&beds_min=50&beds_max=250&o=name"
    qs, _fs, _path = directory_queryset(QueryDict(query))
    return query, qs.count()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start_server(cache_seconds: int) -> tuple[subprocess.Popen, str]:
    port = _free_port()
    workers = max(2, min(4, os.cpu_count() or 2))
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.public_directory_site",
        "BENCH_PUBLIC_DB": BENCH_DB,
        "PUBLIC_PAGE_CACHE_SECONDS": str(cache_seconds),
        "DB_CONN_MAX_AGE": "600",
    }
    proc = subprocess.Popen(
        [str(Path(sys.executable).with_name("gunicorn")), "supervision.wsgi:application",
         "-b", f"127.0.0.1:{port}", "-w", str(workers), "--log-level", "warning"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(f"{base}/healthz/", timeout=1).read()
            return proc, base
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError("gunicorn did not start: " + (proc.stderr.read().decode() if proc.stderr else ""))


def _stop(proc: subprocess.Popen) -> None:
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()


def _wrk(url: str, seconds: int) -> dict[str, Any]:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write(WRK_LUA)
    out = subprocess.run(
        ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{seconds}s", "--timeout", "10s", "-s", f.name, url],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    os.unlink(f.name)
    m = re.search(r"BENCH requests=(\d+) errors=(\d+) p95_us=(\d+) p50_us=(\d+)", out)
    rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    assert m and rps, out
    return {
        "rps": round(float(rps.group(1)), 1),
        "p95_ms": round(int(m.group(3)) / 1000, 2),
        "p50_ms": round(int(m.group(4)) / 1000, 2),
        "requests": int(m.group(1)),
        "errors": int(m.group(2)),
    }


def _threaded(url: str, seconds: int) -> dict[str, Any]:
    """Fallback load generator: CONNECTIONS threads with keep-alive connections."""
    import http.client
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    target = parts.path + ("?" + parts.query if parts.query else "")
    latencies: list[float] = []
    errors = [0]
    stop = time.perf_counter() + seconds

    def worker() -> None:
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
        while time.perf_counter() < stop:
            t = time.perf_counter()
            conn.request("GET", target)
            response = conn.getresponse()
            response.read()
            latencies.append(time.perf_counter() - t)
            if response.status != 200:
                errors[0] += 1

    threads = [threading.Thread(target=worker) for _ in range(CONNECTIONS)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    q = statistics.quantiles(latencies, n=100)
    return {
        "rps": round(len(latencies) / elapsed, 1),
        "p95_ms": round(q[94] * 1000, 2),
        "p50_ms": round(q[49] * 1000, 2),
        "requests": len(latencies),
        "errors": errors[0],
    }


def run() -> dict[str, Any]:
    from django.db import connection

    if connection.vendor != "postgresql":
        msg = (
            "skipped: PostgreSQL only (set DATABASE_URL=postgres://…); SQLite says nothing about 400,000 rows"
        )
        print(msg)
        return {"skipped": msg}
    load = _wrk if shutil.which("wrk") else _threaded
    result: dict[str, Any] = _prepare_database()
    query, matching = _query()
    result.update(
        {
            "query": query,
            "matching_rows": matching,
            "load_generator": "wrk" if load is _wrk else "python threads",
            "connections": CONNECTIONS,
            "seconds_per_run": DURATION,
        }
    )

    proc, base = _start_server(cache_seconds=0)
    try:
        page_url, bare_url = f"{base}/public/institutions/?{query}", f"{base}/bench/raw-directory/?{query}"
        page_html = urllib.request.urlopen(page_url).read().decode()
        bare = urllib.request.urlopen(bare_url).read().decode()
        codes = re.findall(r'data-credit-code="([0-9A-Z]{18})"', page_html)
        assert codes and all(c in bare for c in codes), "the baseline must return the page's rows"
        for url in (page_url, bare_url):  # warm up workers, connections and caches
            load(url, 2)
        runs: dict[str, list[dict[str, Any]]] = {"page": [], "bare": []}
        for _ in range(2):
            runs["page"].append(load(page_url, DURATION))
            runs["bare"].append(load(bare_url, DURATION))
    finally:
        _stop(proc)

    def best(rs: list[dict[str, Any]]) -> dict[str, Any]:
        return max(rs, key=lambda r: r["rps"])

    page, bare_r = best(runs["page"]), best(runs["bare"])
    result["page_uncached"] = page
    result["bare_view"] = bare_r
    result["all_runs"] = runs
    result["ratio_rps"] = round(bare_r["rps"] / page["rps"], 2)
    result["ratio_p95"] = round(page["p95_ms"] / bare_r["p95_ms"], 2)
    result["goal"] = "page within 2× of the bare view (ratio ≤ 2)"

    proc, base = _start_server(cache_seconds=300)
    try:
        cached_url = f"{base}/public/institutions/?{query}"
        load(cached_url, 2)
        result["page_cached"] = load(cached_url, DURATION)
    finally:
        _stop(proc)
    print(
        f"page {page['rps']} rps p95 {page['p95_ms']} ms · "
        f"bare {bare_r['rps']} rps p95 {bare_r['p95_ms']} ms · "
        f"ratio rps {result['ratio_rps']}× p95 {result['ratio_p95']}× (goal ≤ 2×) · "
        f"cached page {result['page_cached']['rps']} rps p95 {result['page_cached']['p95_ms']} ms"
    )
    return result
