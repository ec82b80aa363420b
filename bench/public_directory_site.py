"""Settings of the server that ``bench_public_directory`` starts (not a benchmark itself).

The project's settings, pointed at the benchmark database, with the public page cache off
unless ``PUBLIC_PAGE_CACHE_SECONDS`` says otherwise, a throttle no load generator reaches,
and a URLconf that adds the bare baseline view."""

from __future__ import annotations

import os

from supervision.settings import *  # noqa: F403
from supervision.settings import DATABASES, REST_FRAMEWORK

DATABASES["default"]["NAME"] = os.environ.get("BENCH_PUBLIC_DB", "bench_public")
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
ROOT_URLCONF = "bench.public_directory_urls"
PUBLIC_PAGE_CACHE_SECONDS = int(os.environ.get("PUBLIC_PAGE_CACHE_SECONDS", "0"))
REST_FRAMEWORK = {
    **REST_FRAMEWORK,
    "DEFAULT_THROTTLE_RATES": {**REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "public": "1000000000/min"},
}
