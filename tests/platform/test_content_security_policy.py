"""Content-Security-Policy: every page carries a policy that runs scripts only from the
portal's own files, and no page has an inline script or an ``on…=`` handler for it to block.

The crawl signs in as a county inspector on the demo data and visits every staff and public
page without URL arguments, then the pages they link to (one level, same site), so a template
that grows an inline script fails here whichever app it belongs to."""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

pytestmark = pytest.mark.django_db

# Routes whose GET changes state, streams a file or is not a page.
SKIP_PREFIXES = ("/accounts/logout", "/api/", "/i18n/", "/healthz", "/static/", "/admin/logout")
EXECUTABLE_TYPES = {"", "text/javascript", "application/javascript", "module"}


class InlineScriptFinder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.links: list[str] = []
        self._in_script: tuple[bool, str] | None = None
        self._script_text = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}={value!r}>")
            if name in ("href", "src", "action", "formaction") and (value or "").lower().startswith(
                "javascript:"
            ):
                self.problems.append(f"<{tag} {name}={value!r}>")
        if tag == "script":
            kind = (attributes.get("type") or "").strip().lower()
            self._in_script = ("src" in attributes, kind)
            self._script_text = ""
        if tag == "a" and attributes.get("href"):
            self.links.append(attributes["href"] or "")

    def handle_data(self, data: str) -> None:
        if self._in_script is not None:
            self._script_text += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._in_script is not None:
            has_src, kind = self._in_script
            if not has_src and kind in EXECUTABLE_TYPES:
                self.problems.append(f"inline <script>{self._script_text.strip()[:80]}</script>")
            self._in_script = None


def plain_routes(resolver: URLResolver | None = None, prefix: str = "") -> list[str]:
    out: list[str] = []
    for p in (resolver or get_resolver()).url_patterns:
        route = prefix + str(p.pattern)
        if isinstance(p, URLResolver):
            out += plain_routes(p, route)
        elif isinstance(p, URLPattern) and "<" not in route and "(?P" not in route and "\\" not in route:
            out.append("/" + route.lstrip("^").rstrip("$"))
    return out


def script_src(header: str) -> str:
    for directive in header.split(";"):
        parts = directive.split()
        if parts and parts[0] in ("script-src", "default-src") and parts[0] == "script-src":
            return directive
    return ""


def check_page(client, url: str, seen: dict[str, list[str]]) -> list[str]:
    response = client.get(url)
    if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
        return []
    policy = response.get("Content-Security-Policy", "")
    assert policy, f"{url} has no Content-Security-Policy header"
    scripts = script_src(policy)
    assert "'self'" in scripts and "unsafe-inline" not in scripts and "unsafe-eval" not in scripts, (
        url,
        policy,
    )
    assert "object-src 'none'" in policy and "frame-ancestors 'none'" in policy, policy
    finder = InlineScriptFinder()
    finder.feed(response.content.decode())
    if finder.problems:
        seen[url] = finder.problems
    return finder.links


@pytest.fixture
def demo(demo_module, db):
    """The demo, seeded once for the module (``demo_module``); each test rolls back its writes."""


def crawl(client, start: list[str], limit: int) -> tuple[int, dict[str, list[str]]]:
    problems: dict[str, list[str]] = {}
    visited: set[str] = set()
    queue = [u for u in start if not u.startswith(SKIP_PREFIXES)]
    next_level: list[str] = []
    for url in queue:
        if url in visited:
            continue
        visited.add(url)
        for link in check_page(client, url, problems):
            parts = urlsplit(link)
            if parts.netloc or not parts.path.startswith("/") or parts.path.startswith(SKIP_PREFIXES):
                continue
            if "export" in parts.query or parts.path.endswith((".pdf", ".xlsx", ".csv", ".json")):
                continue
            next_level.append(parts.path)
    for url in dict.fromkeys(next_level):
        if len(visited) >= limit:
            break
        if url not in visited:
            visited.add(url)
            check_page(client, url, problems)
    return len(visited), problems


def test_staff_pages_have_a_csp_and_no_inline_script(demo, client):
    from supervision.core.models import User

    client.force_login(User.objects.get(username="yanggu_mz"))
    staff = [u for u in plain_routes() if not u.startswith("/public/")]
    count, problems = crawl(client, staff, limit=160)
    assert count >= 25
    assert problems == {}, problems


def test_public_pages_and_login_have_a_csp_and_no_inline_script(demo, client):
    public = [u for u in plain_routes() if u.startswith("/public/")] + ["/accounts/login/"]
    count, problems = crawl(client, public, limit=120)
    assert count >= 10
    assert problems == {}, problems


def test_api_docs_load_swagger_ui_from_files(client, db):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    finder = InlineScriptFinder()
    finder.feed(response.content.decode())
    assert finder.problems == []
    assert "script-src 'self'" in response["Content-Security-Policy"]
    # The start-up script the page loads is served as JavaScript from the same view.
    script = client.get("/api/docs/?script=")
    assert script.status_code == 200 and "javascript" in script["Content-Type"]
