from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MaterialsConfig(AppConfig):
    name = "citybridge.materials"
    label = "materials"
    verbose_name = _("Lecture materials")

    def ready(self) -> None:
        from citybridge.core.tasks import register_daily

        from .tasks import send_overdue_reminders

        # the worker's daily tick queues the overdue reminders once a day (core.tasks.run_daily); the task records
        # what it sent (OverdueNotice), so a re-run the same day sends nothing twice
        register_daily("materials_overdue_reminders", lambda today: send_overdue_reminders.enqueue().id)
