"""Reads shaped for screens and the API: scoped by visible_to(user), related rows loaded in one pass."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import Organisation, Person


def organisation_list(*, user, q: str = "", type: str = "", country: str = "",
                      province: str = "") -> QuerySet[Organisation]:
    qs = Organisation.objects.visible_to(user).search(q).select_related("parent")
    if province:
        qs = qs.filter(province_code=province)
    if type:
        qs = qs.filter(type=type)
    if country:
        qs = qs.filter(country=country)
    return qs


def person_list(*, user, q: str = "", organisation: int | None = None) -> QuerySet[Person]:
    qs = Person.objects.visible_to(user).search(q).select_related("organisation").with_personal_data_access(user)
    if organisation:
        qs = qs.filter(organisation_id=organisation)
    return qs


def organisation_get(*, user, pk: int) -> Organisation:
    return Organisation.objects.visible_to(user).select_related("parent").get(pk=pk)


def person_get(*, user, pk: int) -> Person:
    return Person.objects.visible_to(user).select_related("organisation").with_personal_data_access(user).get(pk=pk)
