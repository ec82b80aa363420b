"""The Celery application. Imported by ``supervision/__init__`` so that tasks bind to it."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "supervision.settings")

app = Celery("supervision")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
