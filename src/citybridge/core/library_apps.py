"""The libraries' apps under names in the reader's language (INSTALLED_APPS names these configs): the admin's
index lists apps by their `verbose_name`, which django-axes leaves as "Axes" and django-tasks-db writes as the
untranslatable "Tasks Database Backend". Their models' own labels are translated in core/django_wording.py."""

from axes.apps import AppConfig as AxesAppConfig
from django.utils.translation import gettext_lazy as _
from django_tasks_db.apps import TasksAppConfig


class AxesConfig(AxesAppConfig):
    verbose_name = _("Sign-in lock")


class TasksDatabaseConfig(TasksAppConfig):
    verbose_name = _("Background tasks")
