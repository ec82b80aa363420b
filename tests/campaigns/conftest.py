"""Campaign fixtures: a 阳谷县 campaign organised by civil affairs, with a task led by civil affairs
for fire rescue and every township, and the personas that see parts of it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest

from supervision.campaigns import services
from supervision.campaigns.models import Campaign, CampaignTask
from supervision.core.models import Role, User
from tests.factories import AssignmentFactory, UserFactory

D = dt.date


@dataclass
class CampaignWorld:
    campaign: Campaign
    task: CampaignTask
    township_user: User
    township_liaison: User
    sj_user: User


def person(username, department, region, role=Role.INSPECTOR):
    user = UserFactory(username=username, display_name=username)
    AssignmentFactory(user=user, department=department, region=region, role=role)
    return user


@pytest.fixture
def cw(world) -> CampaignWorld:
    campaign = services.campaign_create(
        actor=world.yanggu_mz,
        region=world.yanggu,
        department=world.mz,
        title="2026年“养老服务监管效能提升年”活动",
        kind="efficiency_year",
        starts_on=D(2026, 11, 2),
        ends_on=D(2026, 12, 30),
    )
    services.phase_add(
        campaign,
        actor=world.yanggu_mz,
        name="部署排查阶段",
        starts_on=D(2026, 11, 2),
        ends_on=D(2026, 11, 30),
    )
    task = services.task_add(
        campaign,
        actor=world.yanggu_mz,
        title="报送消防审验问题专题报告",
        lead_department=world.mz,
        responsible_departments=[world.xf],
        townships_report=True,
        report_by=D(2026, 12, 10),
    )
    return CampaignWorld(
        campaign=campaign,
        task=task,
        township_user=person("town_mz", world.mz, world.yanggu_town),
        township_liaison=person("town_liaison", world.mz, world.yanggu_town, Role.LIAISON),
        sj_user=person("yanggu_sj", world.sj, world.yanggu),
    )
