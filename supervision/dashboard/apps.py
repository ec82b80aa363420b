from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardConfig(AppConfig):
    """The leaders' dashboard: figures from the indicator registry, cached per region."""

    name = "supervision.dashboard"
    label = "dashboard"
    verbose_name = _("领导驾驶舱")
