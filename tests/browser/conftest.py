"""Browser tests: Playwright driving Debian's chromium (no downloaded browsers).

Skipped, with the reason, when /usr/bin/chromium is missing (``make sysdeps`` installs it)."""

from __future__ import annotations

import os
import shutil

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")

pytestmark = pytest.mark.browser


def pytest_collection_modifyitems(config, items):
    if not shutil.which(CHROMIUM):
        skip = pytest.mark.skip(
            reason=f"{CHROMIUM} not found: run `make sysdeps` to install Debian's chromium"
        )
        for item in items:
            if "tests/browser" in str(item.fspath):
                item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "headless": True,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.fixture
def login_page(page, live_server):
    """Log in through the real login form and return the page on the workbench."""

    def login(username: str, password: str):
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", password)
        page.click("button[type=submit]")
        return page

    return login
