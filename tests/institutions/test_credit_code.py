"""The unified social credit code is checked with python-stdnum and refused with a message
that says which character is wrong or what the check character should be."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from institutions.validators import explain_credit_code, normalise_credit_code, validate_credit_code
from tests.institutions.factories import credit_code

pytestmark = pytest.mark.django_db

VALID = credit_code(123)


def test_valid_code_passes_and_is_normalised():
    assert explain_credit_code(VALID) is None
    assert explain_credit_code(" " + VALID.lower() + " ") is None
    assert explain_credit_code("91110000600037341L") is None  # python-stdnum's documented example


def test_full_width_characters_are_normalised():
    full_width = "".join(chr(ord(c) + 0xFEE0) for c in VALID)  # "５２３７…" as typed in Chinese IME
    assert full_width != VALID
    assert explain_credit_code(full_width) is None
    assert normalise_credit_code(f"\u3000{full_width[:6]}-{full_width[6:]}\u3000") == VALID


def test_wrong_length_says_how_many_characters():
    message = explain_credit_code(VALID[:-1])
    assert "18 位" in message and "17 位" in message


@pytest.mark.parametrize("bad, position", [("I", 10), ("O", 12), ("S", 9), ("V", 15), ("Z", 17)])
def test_illegal_letter_is_named_with_its_position(bad, position):
    code = VALID[: position - 1] + bad + VALID[position:]
    message = explain_credit_code(code)
    assert f"第 {position} 位" in message and f"“{bad}”" in message
    assert "I、O、S、V、Z" in message


def test_letter_in_first_eight_characters_is_refused():
    code = VALID[:2] + "A" + VALID[3:]
    message = explain_credit_code(code)
    assert "第 3 位" in message and "前 8 位" in message


def test_wrong_check_character_names_the_expected_one():
    expected = VALID[-1]
    wrong = "0" if expected != "0" else "1"
    message = explain_credit_code(VALID[:-1] + wrong)
    assert f"应为“{expected}”" in message and f"实际为“{wrong}”" in message
    with pytest.raises(ValidationError) as exc:
        validate_credit_code(VALID[:-1] + wrong)
    assert exc.value.code == "invalid_credit_code"


def test_model_full_clean_refuses_wrong_code(world):
    from tests.institutions.factories import InstitutionFactory

    inst = InstitutionFactory.build(region=world.yanggu_town, credit_code=VALID[:-1] + "Y")
    if VALID[-1] == "Y":
        inst.credit_code = VALID[:-1] + "X"
    with pytest.raises(ValidationError) as exc:
        inst.full_clean()
    assert "校验码错误" in str(exc.value.message_dict["credit_code"])


def test_api_refuses_wrong_code_with_the_message(world, api_for):
    payload = {
        "credit_code": VALID[:-1] + ("0" if VALID[-1] != "0" else "1"),
        "name": "阳谷县福寿养老院",
        "kind": "care_home",
        "nature": "non_profit",
        "registration_authority": "civil_affairs",
        "region": world.yanggu_town.code,
        "address": "阳谷县博济桥街道",
    }
    response = api_for(world.yanggu_mz).post("/api/v1/institutions/", payload, format="json")
    assert response.status_code == 400
    assert "校验码错误" in str(response.json()["credit_code"])
    payload["credit_code"] = VALID
    ok = api_for(world.yanggu_mz).post("/api/v1/institutions/", payload, format="json")
    assert ok.status_code == 201, ok.content
    assert ok.json()["credit_code"] == VALID
