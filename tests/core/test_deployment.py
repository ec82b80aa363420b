"""The production shape declared in docker-compose.yml (Docker cannot run on the CI machine)."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]


def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_services_of_the_production_shape_exist_with_health_checks():
    services = compose()["services"]
    for name in ("db", "redis", "web", "worker", "beat"):
        assert name in services, name
    for name in ("db", "redis", "web", "worker"):
        assert "healthcheck" in services[name] or "healthcheck" in services[name].get("<<", {}), name


def test_exactly_one_celery_beat():
    services = compose()["services"]
    beats = [n for n, s in services.items() if "beat" in " ".join(map(str, s.get("command", [])))]
    assert beats == ["beat"]
    assert services["beat"].get("deploy", {}).get("replicas", 1) == 1


def test_env_example_names_every_secret():
    text = (ROOT / ".env.example").read_text()
    for key in ("DJANGO_SECRET_KEY", "PERSONAL_DATA_KEY", "DJANGO_ALLOWED_HOSTS", "POSTGRES_PASSWORD"):
        assert f"{key}=" in text


def test_healthz_reports_database(client, db):
    response = client.get("/healthz/")
    assert response.status_code == 200
    assert response.json()["checks"]["database"] == "ok"


def test_beat_health_check_is_the_beat_health_command():
    beat = compose()["services"]["beat"]
    check = " ".join(beat["healthcheck"]["test"])
    assert "manage.py beat_health" in check
    assert "start_period" in beat["healthcheck"]


@pytest.mark.django_db
def test_beat_health_follows_the_schedulers_stamps():
    import datetime as dt

    from django.core.management import CommandError, call_command
    from django.utils import timezone
    from django_celery_beat.models import IntervalSchedule, PeriodicTask

    with pytest.raises(CommandError, match="尚无周期任务被调度"):
        call_command("beat_health")
    every = IntervalSchedule.objects.create(every=300, period=IntervalSchedule.SECONDS)
    task = PeriodicTask.objects.create(name="deadlines-sweep", task="deadlines.sweep", interval=every)
    task.last_run_at = timezone.now() - dt.timedelta(minutes=20)
    task.save()
    with pytest.raises(CommandError, match="超过 15 分钟"):
        call_command("beat_health")
    call_command("beat_health", "--max-age", "30", stdout=StringIO())
    task.last_run_at = timezone.now() - dt.timedelta(minutes=4)
    task.save()
    out = StringIO()
    call_command("beat_health", stdout=out)
    assert "Celery beat 正常" in out.getvalue()


def test_env_example_lists_every_setting_read_from_the_environment():
    import re

    names = set(
        re.findall(r'(?:environ\.get|env_bool)\("([A-Z_]+)"', (ROOT / "supervision/settings.py").read_text())
    )
    example = (ROOT / ".env.example").read_text()
    assert names and [n for n in sorted(names) if f"{n}=" not in example] == []
