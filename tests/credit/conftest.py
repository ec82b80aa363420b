import pytest

from tests.credit import factories


@pytest.fixture
def home(world):
    """A care home in 阳谷县 (yanggu)."""
    return factories.institution(world.yanggu_town, "阳谷县博济桥街道敬老院")


@pytest.fixture
def other_home(world):
    return factories.institution(world.yanggu_town, "阳谷县第二养老院")


@pytest.fixture
def far_home(world):
    """A care home in the sibling county 东昌府区."""
    return factories.institution(world.dongchangfu_town, "东昌府区古楼街道养老院", area="371502")


@pytest.fixture
def anle(world):
    """安乐镇: a 阳谷县 township other than 博济桥街道 (where the township post sits)."""
    from tests.factories import RegionFactory

    return RegionFactory(code="371521101000", name="安乐镇", level=4, parent=world.yanggu)


@pytest.fixture
def people(world):
    """The personas of the write policy (issue 13), by name. ``township`` is a 民政 post at
    博济桥街道; ``sj`` a market-regulation inspector (its remit: food and registration)."""
    from django.contrib.auth.models import AnonymousUser

    from supervision.core.policy import SYSTEM
    from tests.factories import AssignmentFactory, UserFactory

    def post(username, department, region, role="inspector"):
        user = UserFactory(username=username)
        AssignmentFactory(user=user, department=department, region=region, role=role)
        return user

    return {
        "lead": world.yanggu_mz,
        "leader": world.yanggu_leader,
        "admin": post("yanggu_admin", world.mz, world.yanggu, "admin"),
        "auditor": post("yanggu_auditor", world.mz, world.yanggu, "auditor"),
        "liaison": post("yanggu_liaison", world.mz, world.yanggu, "liaison"),
        "xf": world.yanggu_xf,
        "sj": post("yanggu_sj", world.sj, world.yanggu),
        "township": post("bojiqiao_mz", world.mz, world.yanggu_town),
        "sibling": world.dongchangfu_mz,
        "superuser": world.sysadmin,
        "none": None,
        "anonymous": AnonymousUser(),
        "system": SYSTEM,
    }
