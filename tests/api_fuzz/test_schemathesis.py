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

import contextlib
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


@contextlib.contextmanager
def keeping_the_test_connection():
    """While the portal's WSGI application serves, keep the test's database connection.

    The WSGI handler sends ``request_started``/``request_finished``, on which Django's
    ``close_old_connections`` closes a connection whose autocommit differs from the settings —
    as the test's connection, inside its transaction, always does. On SQLite's in-memory test
    database closing is a no-op; on PostgreSQL it closed the socket under the open transaction
    and every later request answered 500 ("the connection is closed"). Django's test client
    disconnects the receiver around each of its own requests and connects it again afterwards,
    so this must be entered after the last test-client request (the tokens), not before it."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield
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


def test_api_answers_without_server_errors_and_as_documented(world, client):
    """A low-privilege token (an account without a post: it signs in and sees nothing) and a
    county civil-affairs inspector's token (reads and writes within 阳谷县)."""
    tokens = {
        "low-privilege": obtain_token(client, "outsider", world.password),
        "inspector": obtain_token(client, "yanggu_mz", world.password),
    }
    with keeping_the_test_connection():
        operations, failures = fuzz(get_wsgi_application(), tokens)
    assert operations >= 30
    assert failures == [], "\n\n".join(failures)
