from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "citybridge.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from django.utils.module_loading import autodiscover_modules

        from . import privacy  # noqa: F401  (core's own part of the privacy registry)

        autodiscover_modules("privacy")  # each app's part: <app>/privacy.py
