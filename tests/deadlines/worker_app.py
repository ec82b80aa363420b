"""The project's Celery app for the real-worker tests: a short visibility timeout so that a
message whose worker was killed is redelivered within seconds (production keeps the default;
the next beat sweep would catch up anyway)."""

from supervision.celery import app

app.conf.broker_transport_options = {
    "visibility_timeout": 8,
    "unacked_restore_interval": 1,
    "unacked_restore_throttle": 1,
}
app.conf.worker_prefetch_multiplier = 1

__all__ = ["app"]
