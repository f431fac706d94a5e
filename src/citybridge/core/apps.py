from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "citybridge.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from django.utils.module_loading import autodiscover_modules

        from . import csrf, privacy, translated_querysets  # noqa: F401 - privacy: core's own part of the privacy registry
        from .ratelimit import prune
        from .tasks import register_daily

        # the API rate counts of windows that can no longer count (core/ratelimit.py), once a day by the worker
        register_daily("api_rate_counts_prune", lambda today: prune())

        csrf.install()  # Django's CSRF masks drawn with one os.urandom call (core/csrf.py)
        translated_querysets.install()  # modeltranslation's queryset class made once per class
        autodiscover_modules("privacy")  # each app's part: <app>/privacy.py
