"""The production shape declared in docker-compose.yml (Docker cannot run on the CI machine)."""

from __future__ import annotations

from pathlib import Path

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
