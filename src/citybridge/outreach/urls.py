"""Outreach URLs: every view module listed in views.MODULES contributes its own `urlpatterns`."""

from . import views

app_name = "outreach"
urlpatterns = [pattern for module in views.MODULES for pattern in module.urlpatterns]
