"""Every form class of the project, for tests that check a rule on all of them."""

from __future__ import annotations

import importlib
import pkgutil

from django import forms

import citybridge


def project_forms() -> list[type[forms.BaseForm]]:
    """The form classes defined in the project's modules (forms and views modules imported first)."""
    for module in pkgutil.walk_packages(citybridge.__path__, "citybridge."):
        leaf = module.name.rsplit(".", 1)[-1]
        if leaf.startswith(("forms", "views")) or ".views." in module.name:
            importlib.import_module(module.name)
    found, todo = [], [forms.BaseForm]
    while todo:
        cls = todo.pop()
        todo.extend(cls.__subclasses__())
        if cls.__module__.startswith("citybridge."):
            found.append(cls)
    return found
