"""Outreach pages, one module per entity. Each module defines its own `urlpatterns`; urls.py includes every module
listed in MODULES, so a new module is one import + one list entry here."""

from . import activities, evaluations, events, home, partners, public

MODULES = [home, evaluations, activities]
MODULES += [partners, events, public]
