"""API for organisations and people: /api/v1/organisations, /api/v1/people."""

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time
from types import TracebackType
from typing import Annotated, Any, ClassVar, Literal

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import PageNumberPagination, paginate
from ninja.schema import DjangoGetter
from pydantic import BeforeValidator, ConfigDict, ModelWrapValidatorHandler, ValidationInfo, model_validator
from pydantic_core import PydanticCustomError

from citybridge.api.errors import body_ref
from citybridge.api.versioning import etag, expected_version, stale_as

from . import privacy, selectors, services
from .converters import MAX_ID
from .countries import COUNTRIES
from .files import XLSX, file_response
from .listing import localized
from .models import Organisation, OrganisationType, Person, RoleMembership, User
from .paging import Kept, SeekRows
from .rows import row_class

router = Router(tags=["core"])

OrgType = Literal[tuple(OrganisationType.values)]  # type: ignore[valid-type]
Country = Literal[tuple(code for code, _ in COUNTRIES)]  # type: ignore[valid-type]
Language = Literal["en", "zh-hans"]


class Strict(Schema):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


def language_texts(data: dict, *fields: str) -> dict:
    """A request body's texts kept in both languages: `<field>_en` and `<field>_zh_hans` as sent; `<field>` alone
    (neither of the two sent, or both null) is the text in the request's language, the other language's left as
    it is. What clients written before a text became two send."""
    for field in fields:
        one, pair = data.pop(field, None), (f"{field}_en", f"{field}_zh_hans")
        if one is not None and all(data.get(name) is None for name in pair):
            for name in pair:
                data.pop(name, None)
            data[localized(field)[0]] = one
    return data


#: a database id in a query or body: bounded so no number can overflow the database's integer
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
_TIME_OF_DAY = re.compile(r"([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\.[0-9]{1,6})?)?")


def _time_of_day(value: object) -> object:
    """A time of day as the pages take it: "HH:MM" or "HH:MM:SS", local to the course or event. Pydantic's own
    `time` also takes a zone ("09:00+08:00", "09:00Z") and numbers of seconds (3600, 1.5) as times in UTC, which
    the services could not compare with the naive times they hold (a 500), nor SQLite store."""
    if isinstance(value, time) and value.tzinfo is None:
        return value
    if isinstance(value, str) and _TIME_OF_DAY.fullmatch(value.strip()):
        return value.strip()
    raise PydanticCustomError("time_of_day", "a time of day as HH:MM")


#: a time of day in a request body: "HH:MM" or "HH:MM:SS", no time zone (_time_of_day)
TimeOfDay = Annotated[time, BeforeValidator(_time_of_day)]
#: the version an edit started from (also accepted as `If-Match: "<version>"`); returned as `version` and `ETag`
Version = Annotated[int, Field(ge=1, le=2**31 - 1)]


class RowDict(dict):
    """A list item already shaped as its response schema (`RowSchema.row`): validated as plain data."""


class RowSchema(Schema):
    """A list endpoint's item schema that can also be filled from `.values()` rows (`ListRows`).

    Ninja validates each item of a response by wrapping it in a `DjangoGetter` and reading every field through
    Python (resolver lookup, Manager / callable / file checks): 17 fields × 50 cities was 855 getter calls, a third
    of the API list's CPU time (issue 9). A `RowDict` built by `row()` from the columns in `row_fields` (the
    resolved fields worked out there, by the same model methods) goes straight to pydantic's validator; any
    other object (a model instance: the detail, create and update answers) takes ninja's usual path."""

    row_fields: ClassVar[tuple[str, ...]] = ()

    @classmethod
    def row(cls, values: dict[str, Any]) -> RowDict:
        return RowDict(values)

    @model_validator(mode="wrap")
    @classmethod
    def _run_root_validator(cls, values: Any, handler: ModelWrapValidatorHandler, info: ValidationInfo) -> Any:  # noqa: ANN401
        if type(values) is RowDict:
            return handler(values)
        # as ninja.Schema does
        if cls.model_config.get("extra") == "forbid" or cls.model_config.get("validate_assignment", False):
            handler(values)
        return handler(DjangoGetter(values, cls, info.context))


@dataclass(frozen=True)
class ListRows:
    """What a paginated list endpoint returns to have its page read as `schema.row_fields` values and turned
    into items by `schema.row` (see RowSchema), instead of model instances validated field by field."""

    queryset: QuerySet | Kept  # as a Kept builder, its key queries are kept per shape (core.paging.SeekRows)
    schema: type[RowSchema]
    #: turns one row's values into the item; `schema.row` when not given (a closure when the item depends on the
    #: caller, e.g. which contact details they may read)
    row: Callable[[dict[str, Any]], RowDict] | None = None


class Pagination(PageNumberPagination):
    """?page=N&page_size=M (at most 200); answers {"items": [...], "count": N}."""

    class Input(Schema):
        page: int = Field(1, ge=1, le=100_000)
        page_size: int | None = Field(None, ge=1, le=200)

    def __init__(self, **kwargs):
        super().__init__(page_size=50, max_page_size=200, **kwargs)

    def paginate_queryset(self, queryset: QuerySet, pagination: Schema, request: HttpRequest, **params) -> dict:
        # a deep page costs what the first one does: the page's keys through the ordering's index (core.paging)
        page_size = self._get_page_size(pagination.page_size)
        offset = (pagination.page - 1) * page_size
        if not isinstance(queryset, ListRows):
            rows = SeekRows(queryset)
            return {self.items_attribute: rows.page(offset, page_size), "count": rows.count}
        schema = queryset.schema
        rows = SeekRows(queryset.queryset, schema.row_fields)
        row = queryset.row or schema.row
        return {self.items_attribute: [row(v) for v in rows.page(offset, page_size)], "count": rows.count}


# --------------------------------------------------------------------------- the caller


class MembershipOut(Schema):
    role: str
    organisation_id: int | None
    city_id: int | None


class MeOut(Schema):
    id: int
    email: str
    preferred_language: str
    person_id: int | None
    is_program_staff: bool
    roles: list[MembershipOut]

    @staticmethod
    def resolve_roles(obj: User) -> list:
        return obj.memberships


@router.get("/me", response=MeOut)
def me(request: HttpRequest) -> User:
    """The signed-in user (or the token's owner) and their roles with scope."""
    return request.auth


# --------------------------------------------------------------------------- organisations


class OrganisationOut(Schema):
    """Per-language columns are null where that language's text is not known."""

    id: int
    name: str
    name_en: str | None
    name_zh_hans: str | None
    short_name_en: str | None
    short_name_zh_hans: str | None
    type: str
    country: str
    province_en: str | None
    province_zh_hans: str | None
    province_code: str
    city_en: str | None
    city_zh_hans: str | None
    website: str
    parent_id: int | None
    version: int

    @staticmethod
    def resolve_name(obj: Organisation) -> str:
        return obj.display_name()


class OrganisationPatch(Strict):
    name_en: str | None = Field(None, max_length=200)
    name_zh_hans: str | None = Field(None, max_length=200)
    short_name_en: str | None = Field(None, max_length=50)
    short_name_zh_hans: str | None = Field(None, max_length=50)
    type: OrgType | None = None
    country: Country | None = None
    province_en: str | None = Field(None, max_length=100)
    province_zh_hans: str | None = Field(None, max_length=100)
    province_code: str | None = Field(None, max_length=5, description="core.provinces code, e.g. CN-HE, US-CA")
    city_en: str | None = Field(None, max_length=100)
    city_zh_hans: str | None = Field(None, max_length=100)
    website: str | None = Field(None, max_length=300)
    parent_id: Id | None = None
    version: Version | None = None


class OrganisationIn(OrganisationPatch):
    type: OrgType
    country: Country


def _org_fields(payload: OrganisationPatch, user: User) -> dict:
    data = payload.model_dump(exclude_unset=True)
    data.pop("version", None)
    if "parent_id" in data:
        parent_id = data.pop("parent_id")
        data["parent"] = body_ref(selectors.organisation_get, "parent_id", parent_id, user=user)
    return {k: ("" if v is None and k != "parent" else v) for k, v in data.items()}


@router.get("/organisations", response=list[OrganisationOut])
@paginate(Pagination)
def list_organisations(
    request: HttpRequest,
    q: str = Query("", max_length=100),
    type: OrgType | None = None,
    country: Country | None = None,
) -> QuerySet[Organisation]:
    """Search by name in either language (`q`), filter by `type` and `country`."""
    return selectors.organisation_list(user=request.auth, q=q, type=type or "", country=country or "")


@router.post("/organisations", response={201: OrganisationOut})
def create_organisation(request: HttpRequest, payload: OrganisationIn) -> Status[Organisation]:
    return Status(201, services.organisation_create(actor=request.auth, **_org_fields(payload, request.auth)))


@router.get("/organisations/{id:pk}", response=OrganisationOut)
def get_organisation(request: HttpRequest, pk: int, response: HttpResponse) -> Organisation:
    org = selectors.organisation_get(user=request.auth, pk=pk)
    etag(response, org)
    return org


@router.patch("/organisations/{id:pk}", response=OrganisationOut)
def update_organisation(
    request: HttpRequest, pk: int, payload: OrganisationPatch, response: HttpResponse
) -> Organisation:
    """Program staff change every field. Users scoped to the organisation (partners, solution providers, academy
    coordinators) change only `short_name_en`, `short_name_zh_hans` and `website`; another field with a new value is
    a 422 naming it. Send the `version` you read (body or `If-Match`); a stale one is answered 409 with the current
    values."""
    org = selectors.organisation_get(user=request.auth, pk=pk)
    with stale_as(OrganisationOut, request):
        org = services.organisation_update(
            actor=request.auth,
            organisation=org,
            expected_version=expected_version(request, payload.version),
            **_org_fields(payload, request.auth),
        )
    etag(response, org)
    return org


@router.delete("/organisations/{id:pk}", response={204: None})
def delete_organisation(request: HttpRequest, pk: int) -> Status[None]:
    org = selectors.organisation_get(user=request.auth, pk=pk)
    with _refused_as_409():
        services.organisation_delete(actor=request.auth, organisation=org)
    return Status(204, None)


class _refused_as_409:
    """A delete refused because records depend on the target: 409 Conflict, the account in `detail`."""

    def __enter__(self):
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None):
        if isinstance(exc, services.DeleteRefused):
            raise HttpError(409, exc.messages[0]) from exc
        return False


# --------------------------------------------------------------------------- people


class PersonOut(RowSchema):
    id: int
    name: str
    family_name_en: str | None
    given_name_en: str | None
    family_name_zh_hans: str | None
    given_name_zh_hans: str | None
    title_en: str | None
    title_zh_hans: str | None
    organisation_id: int | None
    organisation_name: str | None
    preferred_language: str
    #: set when a privacy erase anonymised the person
    erased_at: datetime | None
    #: contact details: only for staff, the person, and coordinators of their organisation; null otherwise
    email: str | None
    phone: str | None
    notes: str | None
    version: int

    @staticmethod
    def resolve_name(obj: Person) -> str:
        return obj.display_name()

    @staticmethod
    def resolve_organisation_name(obj: Person) -> str | None:
        return obj.organisation.display_name() if obj.organisation_id else None

    @staticmethod
    def _contact(obj: Person, context: dict, field: str) -> str | None:
        request = context["request"]
        return getattr(obj, field) if request.auth.has_perm("core.view_person_contact", obj) else None

    @staticmethod
    def resolve_email(obj: Person, context: dict) -> str | None:
        return PersonOut._contact(obj, context, "email")

    @staticmethod
    def resolve_phone(obj: Person, context: dict) -> str | None:
        return PersonOut._contact(obj, context, "phone")

    @staticmethod
    def resolve_notes(obj: Person, context: dict) -> str | None:
        return PersonOut._contact(obj, context, "notes")

    row_fields: ClassVar[tuple[str, ...]] = (
        "id",
        "family_name_en",
        "given_name_en",
        "family_name_zh_hans",
        "given_name_zh_hans",
        "title_en",
        "title_zh_hans",
        "organisation_id",
        "preferred_language",
        "erased_at",
        "email",
        "phone",
        "notes",
        "version",
        "personal_data_visible",  # selectors.person_list annotates it: the contact rule reads it (core/rules.py)
        "organisation__id",
        "organisation__name_en",
        "organisation__name_zh_hans",
    )

    @classmethod
    def row_for(cls, values: dict[str, Any], has_perm: Callable[..., bool], language: str) -> RowDict:
        """The item of a list row, as the resolvers above make it of a Person: the same model methods and the same
        permission check (the rule reads the row's `personal_data_visible` and its key). `has_perm`: the caller's
        `user.has_perm`, and `language`: the request's, both read once per page (`request.auth` is a lazy object: each
        `user.has_perm` went through its proxy, 4 % of the request's CPU time; the language is read through the
        translation's context-local).

        The item is a copy of the row less the columns only the name and the rule read, and the organisation's row
        is built from its three columns: picking the item's columns one by one and the organisation's by prefix
        (`Row.related`) for each of 50 rows was 7 % of the request's CPU time (issue 9)."""
        person = _PersonRow(values)
        organisation_id = values["organisation__id"]
        organisation = (
            _OrganisationRow(
                {
                    "id": organisation_id,
                    "name_en": values["organisation__name_en"],
                    "name_zh_hans": values["organisation__name_zh_hans"],
                }
            )
            if organisation_id is not None
            else None
        )
        contact = has_perm("core.view_person_contact", person)
        item = RowDict(values)
        for name in _PERSON_ROW_ONLY:
            del item[name]
        item["name"] = person.display_name(language)
        item["organisation_name"] = organisation.display_name(language) if organisation else None
        if not contact:
            item["email"] = item["phone"] = item["notes"] = None
        return item


_PersonRow = row_class(Person, "display_name", "full_name_en", "full_name_zh")
_OrganisationRow = row_class(Organisation, "display_name")
#: columns of a list row that are not fields of the item: what the rule and the organisation's name read
_PERSON_ROW_ONLY = ("personal_data_visible", "organisation__id", "organisation__name_en", "organisation__name_zh_hans")


class PersonPatch(Strict):
    family_name_en: str | None = Field(None, max_length=100)
    given_name_en: str | None = Field(None, max_length=100)
    family_name_zh_hans: str | None = Field(None, max_length=100)
    given_name_zh_hans: str | None = Field(None, max_length=100)
    title_en: str | None = Field(None, max_length=200)
    title_zh_hans: str | None = Field(None, max_length=200)
    organisation_id: Id | None = None
    email: str | None = Field(None, max_length=254)
    phone: str | None = Field(None, max_length=40)
    preferred_language: Language | None = None
    notes: str | None = Field(None, max_length=5000)
    version: Version | None = None


def _person_fields(payload: PersonPatch, user: User) -> dict:
    data = payload.model_dump(exclude_unset=True)
    data.pop("version", None)
    if "organisation_id" in data:
        org_id = data.pop("organisation_id")
        data["organisation"] = body_ref(selectors.organisation_get, "organisation_id", org_id, user=user)
    return {k: ("" if v is None and k != "organisation" else v) for k, v in data.items()}


@router.get("/people", response=list[PersonOut])
@paginate(Pagination)
def list_people(request: HttpRequest, q: str = Query("", max_length=100), organisation: Id | None = None) -> ListRows:
    """Search by name in either language (`q`); filter by `organisation` id."""
    user = request.auth
    people = Kept(selectors.person_list, {"q": q, "organisation": organisation}, user)
    has_perm, language = user.has_perm, get_language()
    return ListRows(people, PersonOut, row=lambda values: PersonOut.row_for(values, has_perm, language))


@router.post("/people", response={201: PersonOut})
def create_person(request: HttpRequest, payload: PersonPatch) -> Status[Person]:
    return Status(201, services.person_create(actor=request.auth, **_person_fields(payload, request.auth)))


@router.get("/people/{id:pk}", response=PersonOut)
def get_person(request: HttpRequest, pk: int, response: HttpResponse) -> Person:
    person = selectors.person_get(user=request.auth, pk=pk)
    etag(response, person)
    return person


@router.patch("/people/{id:pk}", response=PersonOut)
def update_person(request: HttpRequest, pk: int, payload: PersonPatch, response: HttpResponse) -> Person:
    """Send the `version` you read (body or `If-Match`); a stale one is answered 409 with the current values."""
    person = selectors.person_get(user=request.auth, pk=pk)
    with stale_as(PersonOut, request):
        person = services.person_update(
            actor=request.auth,
            person=person,
            expected_version=expected_version(request, payload.version),
            **_person_fields(payload, request.auth),
        )
    etag(response, person)
    return person


@router.delete("/people/{id:pk}", response={204: None})
def delete_person(request: HttpRequest, pk: int) -> Status[None]:
    person = selectors.person_get(user=request.auth, pk=pk)
    with _refused_as_409():
        services.person_delete(actor=request.auth, person=person)
    return Status(204, None)


def _privacy_person(request: HttpRequest, pk: int) -> Person:
    person = selectors.person_get(user=request.auth, pk=pk)  # outside scope: 404
    if not request.auth.has_perm("core.privacy_person"):
        raise PermissionDenied
    return person


@router.post("/people/{id:pk}/export", response=dict)
def export_person(request: HttpRequest, pk: int, format: Literal["json", "xlsx"] = "json") -> dict | HttpResponse:
    """Privacy export (program staff): everything held about the person — person, user account (no password), role
    memberships, official profile, enrolments, attendance, external training, certificates, history.
    `?format=xlsx` answers a workbook. Each export is recorded in the audit log (an access log of personal data,
    as PIPL and CCPA expect), which is a write: so it is a POST, as on the person page; a GET answers 405."""
    person = _privacy_person(request, pk)
    if format == "xlsx":
        return file_response(
            privacy.person_export_xlsx(actor=request.auth, person=person), f"person-{person.pk}-export.xlsx", XLSX
        )
    return privacy.person_export(actor=request.auth, person=person, format="json")


@router.get("/people/{id:pk}/export", include_in_schema=False)
def export_person_get(request: HttpRequest, pk: int) -> HttpResponse:
    """The export was a GET until it became a POST (a GET never writes, and each export writes an audit row):
    405 with the way to ask, in the API's error format, for clients written against the old method."""
    detail = _(
        "The privacy export is recorded in the audit log, so it is asked for with POST, not GET: "
        "POST /api/v1/people/%(id)s/export (add ?format=xlsx for a workbook)."
    ) % {"id": pk}
    return JsonResponse({"detail": detail, "errors": []}, status=405, headers={"Allow": "POST"})


@router.post("/people/{id:pk}/erase", response=PersonOut)
def erase_person(request: HttpRequest, pk: int) -> Person:
    """Privacy erase (program staff): names replaced by a placeholder, e-mail, phone, notes and title cleared, also
    in the change history; the user account deactivated. Training records and figures are kept."""
    return privacy.person_erase(actor=request.auth, person=_privacy_person(request, pk))


# --------------------------------------------------------------------------- a person's roles (program staff)


class RoleMembershipOut(Schema):
    id: int
    role: str
    role_label: str
    organisation_id: int | None
    organisation_name: str | None
    city_id: int | None
    city_name: str | None
    created_at: datetime

    @staticmethod
    def resolve_role_label(obj: RoleMembership) -> str:
        return str(obj.get_role_display())

    @staticmethod
    def resolve_organisation_name(obj: RoleMembership) -> str | None:
        return obj.organisation.display_name() if obj.organisation_id else None

    @staticmethod
    def resolve_city_name(obj: RoleMembership) -> str | None:
        return obj.city.display_name() if obj.city_id else None


class RoleMembershipIn(Strict):
    """`organisation_id` for academy coordinators, partners and solution providers; `city_id` for city
    coordinators; neither for the other roles."""

    #: one of: program_staff, academy_coordinator, lecturer, translator, city_coordinator, expert,
    #: solution_provider, partner (an unknown role is a 422 naming `role`)
    role: str = Field(max_length=30)
    organisation_id: Id | None = None
    city_id: Id | None = None


def _roles_person(request: HttpRequest, pk: int) -> Person:
    person = selectors.person_get(user=request.auth, pk=pk)  # outside scope: 404
    if not request.auth.is_program_staff:
        raise PermissionDenied
    return person


@router.get("/people/{id:pk}/roles", response=list[RoleMembershipOut])
def list_person_roles(request: HttpRequest, pk: int) -> list[RoleMembership]:
    """The role memberships of the person's sign-in (program staff); empty when they have no sign-in."""
    person = _roles_person(request, pk)
    return list(selectors.role_memberships_for_person(user=request.auth, person=person))


@router.post("/people/{id:pk}/roles", response={201: RoleMembershipOut})
def add_person_role(request: HttpRequest, pk: int, payload: RoleMembershipIn) -> Status[RoleMembership]:
    """Give the person's sign-in a role with the scope it takes (program staff). A wrong kind of scope is a 422."""
    from django.core.exceptions import ValidationError

    from citybridge.cities.selectors import city_get

    person = _roles_person(request, pk)
    account = getattr(person, "user", None)
    if account is None:
        raise ValidationError({"role": _("This person has no sign-in yet; create one first.")})
    organisation = body_ref(selectors.organisation_get, "organisation_id", payload.organisation_id, user=request.auth)
    city = body_ref(city_get, "city_id", payload.city_id, user=request.auth)
    membership = services.role_membership_add(
        actor=request.auth, user=account, role=payload.role, organisation=organisation, city=city
    )
    return Status(201, selectors.role_membership_get(user=request.auth, person=person, pk=membership.pk))


@router.delete("/people/{id:pk}/roles/{id:membership_id}", response={204: None})
def remove_person_role(request: HttpRequest, pk: int, membership_id: int) -> Status[None]:
    """Remove one of the person's roles (program staff). Removing your own last program-staff role is a 422."""

    from .models import RoleMembership

    person = _roles_person(request, pk)
    try:
        membership = selectors.role_membership_get(user=request.auth, person=person, pk=membership_id)
    except RoleMembership.DoesNotExist:
        raise HttpError(404, _("Not found.")) from None
    services.role_membership_remove(actor=request.auth, membership=membership)
    return Status(204, None)
