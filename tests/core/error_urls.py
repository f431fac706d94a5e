"""The site's URLs plus views that fail on purpose, for the error-page tests."""

from django.core.exceptions import BadRequest, PermissionDenied
from django.urls import path

from citybridge.urls import handler400, handler403, handler404, handler500  # noqa: F401
from citybridge.urls import urlpatterns as site_urlpatterns


def boom(request):
    raise RuntimeError("failing on purpose")


def bad(request):
    raise BadRequest("bad on purpose")


def forbidden(request):
    raise PermissionDenied


urlpatterns = [
    path("test-errors/boom/", boom),
    path("test-errors/bad/", bad),
    path("test-errors/forbidden/", forbidden),
    *site_urlpatterns,
]
