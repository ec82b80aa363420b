"""Reading the directory page the way a visitor sees it."""

from __future__ import annotations

import re

ROW = re.compile(r'data-credit-code="([0-9A-Z]{18})"')


def codes_on_page(response) -> list[str]:
    assert response.status_code == 200, response.status_code
    return ROW.findall(response.content.decode())


def codes_of(*institutions) -> list[str]:
    return [i.credit_code for i in institutions]
