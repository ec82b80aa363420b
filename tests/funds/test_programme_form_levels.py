"""Care-level amounts are typed in one labelled field per care level, stored as before."""

from __future__ import annotations

import pytest

from funds.forms import ProgrammeForm
from funds.models import SubsidyProgramme

pytestmark = pytest.mark.django_db


def test_amounts_per_care_level_are_labelled_fields_stored_as_the_level_mapping():
    form = ProgrammeForm(data={"rate_moderate": "300", "rate_total": "500"})
    form.is_valid()
    assert form.fields["rate_moderate"].label == "中度失能每人每月补贴（元）"
    assert "care_level_rates" not in form.fields
    assert form.instance.care_level_rates == {"moderate": "300", "total": "500"}


def test_the_stored_amounts_are_shown_in_their_fields():
    form = ProgrammeForm(instance=SubsidyProgramme(care_level_rates={"severe": "400.00"}))
    assert form["rate_severe"].value() == "400.00"
    assert form["rate_mild"].value() is None
