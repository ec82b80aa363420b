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
