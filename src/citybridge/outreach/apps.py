from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutreachConfig(AppConfig):
    name = "citybridge.outreach"
    label = "outreach"
    verbose_name = _("Outreach")

    def ready(self) -> None:
        from citybridge.core.tasks import register_daily

        from . import rules, translation  # noqa: F401  (register permissions and per-language columns)
        from .tasks import daily_followup_reminders

        # the worker sends the reminder e-mails once a day by itself (core's daily tick; no cron)
        register_daily("outreach_followup_reminders", daily_followup_reminders)
