"""The project's Celery app for the real-worker tests: a short visibility timeout so that a
message whose worker was killed is redelivered within seconds (production keeps the default;
the next beat sweep would catch up anyway)."""

import os

from supervision.celery import app

app.conf.broker_transport_options = {
    "visibility_timeout": 8,
    "unacked_restore_interval": 1,
    "unacked_restore_throttle": 1,
}
app.conf.worker_prefetch_multiplier = 1

__all__ = ["app"]

if os.environ.get("TEST_NOW"):  # the worker runs on the suite's pinned day, like the test itself
    from tests.clock import pin_clock

    pin_clock()
