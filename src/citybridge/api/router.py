"""Assembles the API at /api/v1/ from the routers each app defines in its own api.py."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils.translation import gettext_lazy
from ninja import NinjaAPI
from ninja.operation import Operation

from citybridge.academy.api import router as academy_router
from citybridge.cities.api import router as cities_router
from citybridge.climate.api import router as climate_router
from citybridge.core.api import router as core_router
from citybridge.materials.api import router as materials_router
from citybridge.outreach.api import router as outreach_router

from .auth import API_AUTH, ClientAnonRateThrottle, ClientAuthRateThrottle
from .docs import LocalisedSwagger, localise_schema, with_error_responses
from .errors import install


class CityBridgeAPI(NinjaAPI):
    def get_openapi_schema(self, *args: Any, **kwargs: Any) -> dict:
        """The schema with its groups and operation summaries in the request's language, and every operation's error
        answers (api/docs.py)."""
        return with_error_responses(localise_schema(super().get_openapi_schema(*args, **kwargs)))

    def get_openapi_operation_id(self, operation: Operation) -> str:
        """`citybridge_<app>_api_<function>`, whether the app's api is one module or a package of modules:
        splitting an api.py into files must not rename the operations clients were generated from."""
        module = operation.view_func.__module__.split(".")
        if len(module) > 3 and module[2] == "api":
            module = module[:3]
        return "_".join([*module, operation.view_func.__name__])


api = CityBridgeAPI(
    title=gettext_lazy("CityBridge API"),  # lazy: the docs page and schema speak the request's language
    version="1.0.0",
    description=gettext_lazy(
        "Organisations, people and both programs' records. Authenticate with a personal access "
        "token (`Authorization: Bearer cb_…`, created on your profile page) or the browser "
        "session."
    ),
    auth=API_AUTH,
    urls_namespace="api-1.0.0",
    docs_url="/docs",
    docs=LocalisedSwagger(),
    throttle=[
        ClientAnonRateThrottle(settings.CITYBRIDGE_API_RATES[0]),
        ClientAuthRateThrottle(settings.CITYBRIDGE_API_RATES[1]),
    ],
)
install(api)
api.add_router("/", core_router)
api.add_router("/academy/", academy_router)
api.add_router("/cities/", cities_router)
api.add_router("/climate/", climate_router)
api.add_router("/materials/", materials_router)
api.add_router("/outreach/", outreach_router)
