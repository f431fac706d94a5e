"""modeltranslation's queryset class built once per queryset class, not once per query (issue 9, "Fast at any depth").

Every `Person.objects…` (any manager whose queryset class is a project subclass, `PersonQuerySet`,
`OrganisationQuerySet` …) has django-modeltranslation mix its `MultilingualQuerySet` into that class, and it does so
by creating a new class each time (`multilingual_queryset_factory`): about 10 µs per query, and a class is a knot of
reference cycles that only the garbage collector frees (a list page left one or two behind per request). The class
it builds depends only on the queryset class, so here it is built once per queryset class and reused: the same
bases, the same name, the same behaviour; the lookups are still rewritten per request into the active language's
columns, which happens on the queryset, not in its class.

`install()` (CoreConfig.ready) puts `multilingual_queryset_factory` in place of modeltranslation's function of that
name, which its manager looks up on each call; `tests/core/test_translated_querysets.py` checks that the function it
replaces is still there, that lookups follow the active language and that querysets still pickle.
"""

from __future__ import annotations

import functools
from typing import Any

from modeltranslation import manager

_build = manager.multilingual_queryset_factory


@functools.cache
def _multilingual_class(queryset_class: type) -> type:
    return _build(queryset_class, instantiate=False)


def multilingual_queryset_factory(old_cls: type, instantiate: bool = True) -> Any:  # noqa: ANN401, FBT001, FBT002 - modeltranslation's signature
    """modeltranslation's function of the same name (the class, or with `instantiate` an empty queryset of it),
    with the class made once per `old_cls`."""
    cls = _multilingual_class(old_cls)
    return cls() if instantiate else cls


def install() -> None:
    """Have modeltranslation's managers use multilingual_queryset_factory."""
    if not callable(getattr(manager, "multilingual_queryset_factory", None)):
        raise RuntimeError("django-modeltranslation no longer has multilingual_queryset_factory: see this module")
    manager.multilingual_queryset_factory = multilingual_queryset_factory
