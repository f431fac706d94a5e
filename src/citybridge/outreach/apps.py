from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutreachConfig(AppConfig):
    name = "citybridge.outreach"
    label = "outreach"
    verbose_name = _("Outreach")

    def ready(self) -> None:
        from . import rules, translation  # noqa: F401  (register permissions and per-language columns)
