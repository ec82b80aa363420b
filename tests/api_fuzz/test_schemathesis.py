"""schemathesis against ``/api/schema/``: every operation of the staff API, fed generated
input by an account without a post (low privilege) and by a county inspector, answers without
a server error and with a response that matches the schema (content type, body).

It runs in-process through the WSGI application, inside the test's transaction (every write
is rolled back), with a handful of examples per operation and per generation mode (valid
input, and input that breaks the schema), so that it stays around a minute;
``FUZZ_EXAMPLES`` raises the count for a longer run (e.g. nightly). Every operation is
exercised and all failures are reported together, one per operation and mode.

(schemathesis' own pytest plugin does not run on pytest 9 yet — it reads a private
``_nodeid`` — so the operations are driven through its Python API and Hypothesis directly.)"""

from __future__ import annotations

import os

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance

pytestmark = pytest.mark.django_db

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "2"))
CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance]
# The sign-in endpoint is fuzzed by the lockout tests; generated passwords would lock accounts.
SKIP_PATHS = ("/api/v1/auth/",)


@pytest.fixture
def wsgi_app(db):
    """The portal's WSGI application, kept on the test's database connection (Django's test
    client does the same: a finished request must not close the connection of the test)."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield get_wsgi_application()
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


def obtain_token(client, username: str, password: str) -> str:
    """An API token of the persona, obtained the way a client obtains one."""
    response = client.post(
        "/api/v1/auth/token/", {"username": username, "password": password}, content_type="application/json"
    )
    assert response.status_code == 200, response.content
    return response.json()["token"]


def fuzz(app, tokens: dict[str, str]) -> tuple[int, list[str]]:
    """Each generated case is sent once with each persona's token (generating is the slow
    part, so the personas share the cases)."""
    schema = schemathesis.openapi.from_wsgi("/api/schema/", app)
    operations, failures = 0, []
    for result in schema.get_all_operations():
        operation = result.ok()
        if operation.path.startswith(SKIP_PATHS):
            continue
        operations += 1
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

            @given(case=operation.as_strategy(generation_mode=mode))
            @settings(
                max_examples=EXAMPLES,
                deadline=None,
                derandomize=True,
                database=None,
                phases=[Phase.explicit, Phase.generate],
                suppress_health_check=list(HealthCheck),
            )
            def run(case):
                for persona, token in tokens.items():
                    try:
                        case.call_and_validate(headers={"Authorization": f"Token {token}"}, checks=CHECKS)
                    except BaseException as exc:
                        exc.add_note(persona)
                        raise

            try:
                run()
            except Unsatisfiable:
                # Nothing schema-breaking can be built for this operation (a free-text path
                # parameter, no query or body): there is no negative case to send.
                assert mode is GenerationMode.NEGATIVE, operation.label
            except BaseException as exc:  # one report per operation and mode, then go on
                if isinstance(exc, (KeyboardInterrupt, SystemExit)):
                    raise
                who = ", ".join(getattr(exc, "__notes__", []))
                failures.append(f"{operation.label} [{mode.value}; {who}]: {str(exc)[:1500]}")
    return operations, failures


@pytest.mark.xfail(
    condition="postgres" in __import__("django.conf").conf.settings.DATABASES["default"]["ENGINE"],
    reason=(
        "Known defect: on PostgreSQL the in-process WSGI run finds the test's connection closed from "
        "its first request (psycopg 'the connection is closed'), so every answer is a 500; on SQLite "
        "the run is clean. To be found before schemathesis can gate CI."
    ),
    strict=True,
)
def test_api_answers_without_server_errors_and_as_documented(world, client, wsgi_app):
    """A low-privilege token (an account without a post: it signs in and sees nothing) and a
    county civil-affairs inspector's token (reads and writes within 阳谷县)."""
    tokens = {
        "low-privilege": obtain_token(client, "outsider", world.password),
        "inspector": obtain_token(client, "yanggu_mz", world.password),
    }
    operations, failures = fuzz(wsgi_app, tokens)
    assert operations >= 30
    assert failures == [], "\n\n".join(failures)
