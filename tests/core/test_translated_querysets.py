"""modeltranslation's queryset class made once per queryset class (core/translated_querysets.py, issue 9): the same
class every time, lookups still in the active language's columns, querysets still pickle."""

from __future__ import annotations

import gc
import pickle

import pytest
from django.utils import translation
from modeltranslation import manager
from modeltranslation.manager import MultilingualQuerySet

from citybridge.core import translated_querysets
from citybridge.core.models import Organisation, OrganisationQuerySet, Person, PersonQuerySet


def test_modeltranslation_uses_ours():
    assert manager.multilingual_queryset_factory is translated_querysets.multilingual_queryset_factory


def test_one_class_per_queryset_class():
    people = [Person.objects.all(), Person.objects.filter(pk=1), Person.objects.visible_to(None)]
    assert len({type(qs) for qs in people}) == 1
    cls = type(people[0])
    assert issubclass(cls, PersonQuerySet) and issubclass(cls, MultilingualQuerySet)
    assert cls.__name__ == "MultilingualPersonQuerySet"
    organisations = type(Organisation.objects.all())
    assert organisations is not cls and issubclass(organisations, OrganisationQuerySet)


def test_a_query_creates_no_class():
    Person.objects.all()
    gc.collect()
    gc.disable()  # a class made per query would be freed by a collection, and then not be counted
    try:
        before = sum(isinstance(o, type) for o in gc.get_objects())
        for _ in range(50):
            Person.objects.filter(pk=1).order_by("family_name")
        assert sum(isinstance(o, type) for o in gc.get_objects()) == before
    finally:
        gc.enable()


@pytest.mark.parametrize(("language", "column"), [("en", "family_name_en"), ("zh-hans", "family_name_zh_hans")])
def test_lookups_follow_the_active_language(language, column):
    with translation.override(language):
        sql = str(Person.objects.filter(family_name="x").order_by("family_name").query)
    where = sql.partition(" WHERE ")[2]
    # the filter and the order, both rewritten into this language's column
    assert where == f'"core_person"."{column}" = x ORDER BY "core_person"."{column}" ASC'


@pytest.mark.django_db
def test_querysets_pickle_and_read_the_same_rows():
    Person.objects.create(family_name_en="Hammer", given_name_en="Steve", family_name_zh_hans="海默")
    queryset = Person.objects.filter(family_name_en="Hammer")
    restored = pickle.loads(pickle.dumps(queryset))  # noqa: S301 - our own bytes
    assert type(restored) is type(queryset)
    assert list(restored.values_list("family_name_zh_hans", flat=True)) == ["海默"]
    empty = pickle.loads(pickle.dumps(Person.objects.none()))  # noqa: S301
    assert list(empty) == [] and type(empty) is type(queryset)
