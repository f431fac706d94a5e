"""Reads shaped for screens and the API: scoped by visible_to(user), related rows loaded in one pass.

Every object is fetched through an ``<entity>_get(*, user, pk)`` here, which raises Http404 when the object is
missing or outside the user's scope (404, never 403)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet
from django.http import Http404

from .listing import name_order
from .models import ApiToken, Organisation, Person

if TYPE_CHECKING:
    from django.db.models import Model

    from .models import RoleMembership, User


def organisation_list(
    *, user: User, q: str = "", type: str = "", country: str = "", province: str = ""
) -> QuerySet[Organisation]:
    qs = Organisation.objects.visible_to(user).search(q).select_related("parent")
    if province:
        qs = qs.filter(province_code=province)
    if type:
        qs = qs.filter(type=type)
    if country:
        qs = qs.filter(country=country)
    return qs


def person_list(*, user: User, q: str = "", organisation: int | None = None) -> QuerySet[Person]:
    qs = Person.objects.visible_to(user).search(q).select_related("organisation").with_personal_data_access(user)
    if organisation:
        qs = qs.filter(organisation_id=organisation)
    return qs


def _get(queryset: QuerySet, pk: int) -> Model:
    try:
        obj = queryset.filter(pk=pk).first()
    except (TypeError, ValueError):  # not an id at all (a form's or a body's value): not found either
        obj = None
    if obj is None:
        raise Http404
    return obj


def organisation_get(*, user: User, pk: int) -> Organisation:
    return _get(Organisation.objects.visible_to(user).select_related("parent"), pk)


def person_get(*, user: User, pk: int) -> Person:
    return _get(Person.objects.visible_to(user).select_related("organisation").with_personal_data_access(user), pk)


def api_token_get(*, user: User, pk: int) -> ApiToken:
    """One of the user's own API tokens; another user's token is not found."""
    if not getattr(user, "is_authenticated", False):
        raise Http404
    return _get(ApiToken.objects.filter(user=user), pk)


def role_memberships_for_person(*, user: User, person: Person) -> QuerySet[RoleMembership]:
    """The role memberships of the person's sign-in (empty when they have none), scope loaded in one pass."""
    from .models import RoleMembership

    return (
        RoleMembership.objects.filter(user__person=person).select_related("organisation", "city").order_by("role", "id")
    )


def role_membership_get(*, user: User, person: Person, pk: int) -> RoleMembership:
    """One membership of this person's sign-in; another person's membership is not found (404)."""
    from .models import RoleMembership

    return RoleMembership.objects.select_related("user", "organisation", "city").get(pk=pk, user__person=person)


def organisation_search(*, user: User, q: str, limit: int = 20) -> list[Organisation]:
    """Organisations whose name (either language, or short name) contains `q`, for choosing a scope."""
    q = (q or "").strip()[:100]
    if not q:
        return []
    return list(
        Organisation.objects.visible_to(user)
        .search(q)
        .only("id", "name_en", "name_zh_hans", "country")
        .order_by(*name_order("name"), "id")[:limit]
    )


def person_search(*, user: User, q: str, limit: int = 20) -> list[Person]:
    """People the user may see whose name (either language) contains `q`, with their organisation, for picking a
    person by name instead of by number (e.g. registering someone for an event)."""
    q = (q or "").strip()[:100]
    if not q:
        return []
    return list(
        Person.objects.visible_to(user)
        .search(q)
        .select_related("organisation")
        .order_by(*name_order("family_name", "given_name"), "id")[:limit]
    )


def city_search(*, user: User, q: str, limit: int = 20) -> list:
    """Cities whose name contains `q` in either language, those whose name starts with it first ("hang": Hangzhou
    before Changchun), for picking a city by name (a city coordinator's scope, a selection's cities)."""
    from django.db.models import Case, IntegerField, Q, Value, When

    from citybridge.cities.models import City

    q = (q or "").strip()[:100]
    if not q:
        return []
    starts = Q(name_en__istartswith=q) | Q(name_zh_hans__startswith=q)
    return list(
        City.objects.visible_to(user)
        .listed()  # a place folded into its prefecture city is not a city to pick
        .filter(Q(name_en__icontains=q) | Q(name_zh_hans__icontains=q))
        .annotate(starts=Case(When(starts, then=Value(0)), default=Value(1), output_field=IntegerField()))
        .only("id", "name_en", "name_zh_hans", "country", "province_en", "province_zh_hans")
        .order_by("starts", *name_order("name"), "id")[:limit]
    )
