"""Every write to core tables. Keyword-only arguments; validate, run in a transaction, record history."""

from __future__ import annotations

import unicodedata
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import ProtectedError, RestrictedError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from . import provinces
from .auth import hash_token, new_token_secret
from .concurrency import claim_version
from .models import ApiToken, Organisation, Person, User
from .validation import ErrorCollector

if TYPE_CHECKING:
    from django.db.models import Model, QuerySet

    from citybridge.cities.models import City

    from .models import RoleMembership


ORGANISATION_FIELDS = (
    "name_en",
    "name_zh_hans",
    "short_name_en",
    "short_name_zh_hans",
    "type",
    "country",
    "province_en",
    "province_zh_hans",
    "city_en",
    "city_zh_hans",
    "website",
    "parent",
    "province_code",
)
#: what users scoped to an organisation (partners, solution providers, academy coordinators) may change on its
#: record: how it is written short and where to find it. Its name, type, country, place and parent organisation
#: are its identity and place in the hierarchy, and are program staff's to change.
ORGANISATION_SELF_SERVICE_FIELDS = ("short_name_en", "short_name_zh_hans", "website")
PERSON_FIELDS = (
    "family_name_en",
    "given_name_en",
    "family_name_zh_hans",
    "given_name_zh_hans",
    "title_en",
    "title_zh_hans",
    "organisation",
    "email",
    "phone",
    "preferred_language",
    "notes",
)


def require(actor: User, perm: str, obj: Model | None = None) -> None:
    """Every service's permission check: `PermissionDenied` (translated) unless `actor` has `perm` on `obj`."""
    if actor is None or not actor.has_perm(perm, obj):
        raise PermissionDenied(_("You do not have permission to do this."))


# --------------------------------------------------------------------------- refused deletes


class DeleteRefused(ValidationError):
    """A delete that would take records others depend on. `dependants` is [(label, count)]; the API answers 409."""

    def __init__(self, message: str, dependants: list[tuple[str, int]]):
        super().__init__(message, code="protected")
        self.dependants = dependants


_NOT_DEPENDING = (models.SET_NULL, models.SET_DEFAULT, models.DO_NOTHING)


def dependants(obj: Model, depth: int = 4) -> list[tuple[str, int]]:
    """What depends on `obj` and would be deleted with it or blocks its deletion: [(model's plural name, count)],
    following reverse relations (not those that only set null) `depth` levels down. Computed summaries, which the
    registry marks as derived, are left out."""
    from .privacy import registry

    derived = registry.derived_models()
    counts: dict[type, int] = {}

    def walk(model: type[Model], queryset: QuerySet, level: int) -> None:
        # hidden relations too (related_name="+", e.g. an event registration's organisation): they block a delete
        for rel in model._meta.get_fields(include_hidden=True):
            if not (rel.auto_created and not rel.concrete and (rel.one_to_many or rel.one_to_one)):
                continue
            if rel.on_delete in _NOT_DEPENDING:
                continue
            child_model = rel.related_model
            if child_model._meta.label in derived:
                continue
            children = child_model._base_manager.filter(**{f"{rel.field.name}__in": queryset.values("pk")})
            n = children.count()
            if n:
                counts[child_model] = counts.get(child_model, 0) + n
                if level < depth:
                    walk(child_model, children, level + 1)

    walk(type(obj), type(obj)._base_manager.filter(pk=obj.pk), 1)
    return [(str(m._meta.verbose_name_plural), n) for m, n in counts.items()]


def delete_or_refuse(obj: Model, message: str) -> None:
    """Delete `obj`, or raise DeleteRefused with `message` % {"records": "enrolments: 3, certificates: 1"} when
    records with history depend on it (on_delete=PROTECT, Django's ProtectedError / RestrictedError)."""
    try:
        with transaction.atomic():
            obj.delete()
    except (ProtectedError, RestrictedError):
        found = dependants(obj)
        sep = pgettext("list separator", ", ")
        records = sep.join(_("%(name)s: %(count)s") % {"name": name, "count": n} for name, n in found)
        raise DeleteRefused(message % {"records": records}, found) from None


def _apply(instance: Model, fields: dict, allowed: tuple[str, ...]) -> None:
    unknown = set(fields) - set(allowed)
    if unknown:
        raise ValidationError({name: _("This field cannot be set.") for name in sorted(unknown)})
    for name, value in fields.items():
        if isinstance(value, str):
            value = value.strip()
        setattr(instance, name, "" if value is None and name not in ("parent", "organisation") else value)


def apply_province_code(
    obj: Model, code: str | None, *, text_fields: tuple[str, ...] = ("province_en", "province_zh_hans")
) -> None:
    """A code from the controlled list (`core.provinces`) writes the province in both languages; no code clears a
    province the list knows and keeps a text it does not know (nothing written before the list existed is lost).
    `obj.country`, when the model has one, must be the province's country."""
    code = (code or "").strip().upper()
    if code:
        province = provinces.BY_CODE.get(code)
        if province is None:
            raise ValidationError({"province_code": _("Choose a province or state from the list.")})
        if getattr(obj, "country", "") and province.country != obj.country:
            raise ValidationError({"province_code": _("This province or state is not in the chosen country.")})
        obj.province_code = code
        for name in text_fields:
            setattr(obj, name, province.name_zh_hans if name.endswith("_zh_hans") else province.name_en)
    elif obj.province_code:
        obj.province_code = ""
        for name in text_fields:
            setattr(obj, name, "")


#: characters that show as nothing: zero-width space, joiners, word joiner, byte-order mark
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"))


def tidy_name(text: str | None) -> str:
    """A name as typed, without invisible characters and with each run of spaces (full-width, no-break …) one
    space: "Alliance  to Save Energy\u200b" is "Alliance to Save Energy"."""
    return " ".join((text or "").translate(_INVISIBLE).split())


def _name_key(text: str) -> str:
    """What two names that read alike share: full-width letters as ASCII (NFKC), case folded."""
    return unicodedata.normalize("NFKC", text).casefold()


def _validate_organisation(org: Organisation) -> None:
    errors = ErrorCollector()  # every problem at once, each on its field
    org.name_en, org.name_zh_hans = tidy_name(org.name_en), tidy_name(org.name_zh_hans)
    if not (org.name_en or org.name_zh_hans):
        errors.add("name_en", _("Give the name in at least one language."))
    with errors.check():
        org.full_clean(exclude=["name"])
    errors.raise_if_any()
    keys = {_name_key(n) for n in (org.name_en, org.name_zh_hans) if n}
    others = (
        Organisation.objects.filter(country=org.country).exclude(pk=org.pk).values_list("pk", "name_en", "name_zh_hans")
    )
    clash_pk = next(
        (pk for pk, *names in others.iterator() if keys & {_name_key(tidy_name(n)) for n in names if n}), None
    )
    if clash_pk is not None:
        clash = Organisation.objects.get(pk=clash_pk)
        raise ValidationError(
            {
                "name_en": _("An organisation with this name already exists in this country: %(name)s.")
                % {"name": clash.display_name()}
            }
        )
    ancestor, seen = org.parent, set()
    while ancestor is not None:
        if ancestor.pk == org.pk or ancestor.pk in seen:
            raise ValidationError({"parent": _("An organisation cannot be its own parent.")})
        seen.add(ancestor.pk)
        ancestor = ancestor.parent


@transaction.atomic
def organisation_create(*, actor: User, **fields) -> Organisation:
    require(actor, "core.add_organisation")
    org = Organisation()
    code = fields.pop("province_code", None)
    _apply(org, fields, ORGANISATION_FIELDS)
    if code is not None:
        apply_province_code(org, code)
    _validate_organisation(org)
    org.save()
    return org


def organisation_fields_for(actor: User) -> tuple[str, ...]:
    """The fields of an organisation's record this user may change (forms and API show the same set)."""
    return ORGANISATION_FIELDS if actor.is_program_staff else ORGANISATION_SELF_SERVICE_FIELDS


@transaction.atomic
def organisation_update(
    *, actor: User, organisation: Organisation, expected_version: int | None = None, **fields
) -> Organisation:
    require(actor, "core.change_organisation", organisation)
    claim_version(organisation, expected_version)
    allowed = organisation_fields_for(actor)
    if allowed != ORGANISATION_FIELDS:
        current = Organisation.objects.get(pk=organisation.pk)
        changed = {
            name
            for name in set(fields) - set(allowed)
            if name in ORGANISATION_FIELDS and _differs(getattr(current, name), fields[name])
        }
        if changed:
            raise ValidationError({name: _("Only program staff can change this field.") for name in sorted(changed)})
        fields = {k: v for k, v in fields.items() if k in allowed or k not in ORGANISATION_FIELDS}
    code = fields.pop("province_code", None)
    _apply(organisation, fields, ORGANISATION_FIELDS)
    if code is not None:
        apply_province_code(organisation, code)
    _validate_organisation(organisation)
    organisation.save()
    return organisation


def _differs(old: object, new: object) -> bool:
    if isinstance(new, str):
        new = new.strip()
    if old is None or new is None:
        return (old or None) != (new or None)
    return old != new


@transaction.atomic
def organisation_delete(*, actor: User, organisation: Organisation) -> None:
    require(actor, "core.delete_organisation", organisation)
    delete_or_refuse(organisation, _("This organisation cannot be deleted: %(records)s depend on it."))


def _validate_person(person: Person) -> None:
    if not (person.family_name_en or person.family_name_zh_hans):
        raise ValidationError({"family_name_en": _("Give the family name in at least one language.")})
    person.full_clean(exclude=["family_name"])


@transaction.atomic
def person_create(*, actor: User, **fields) -> Person:
    require(actor, "core.add_person")
    person = Person()
    _apply(person, fields, PERSON_FIELDS)
    _validate_person(person)
    person.save()
    return person


@transaction.atomic
def refuse_if_erased(person: Person) -> None:
    """A person whose personal data was erased (privacy.person_erase) keeps only a placeholder: entering names or
    contact details again would undo the erasure, so their record is not edited (a new person is added instead)."""
    if person.erased_at:
        raise ValidationError(_("The personal data of this person was erased: their record cannot be edited."))


def person_update(*, actor: User, person: Person, expected_version: int | None = None, **fields) -> Person:
    require(actor, "core.change_person", person)
    refuse_if_erased(person)
    claim_version(person, expected_version)
    if not actor.is_program_staff:
        fields.pop("organisation", None)  # only staff move people between organisations
    _apply(person, fields, PERSON_FIELDS)
    _validate_person(person)
    person.save()
    return person


@transaction.atomic
def person_delete(*, actor: User, person: Person) -> None:
    require(actor, "core.delete_person", person)
    delete_or_refuse(
        person, _("This person cannot be deleted: %(records)s. Use a privacy erase to remove their personal data.")
    )


@transaction.atomic
def api_token_create(*, actor: User, name: str) -> tuple[ApiToken, str]:
    """Create a personal access token; returns it and the secret, which is never stored or shown again."""
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Give the token a name.")})
    if len(name) > 100:
        raise ValidationError({"name": _("Ensure this value has at most 100 characters.")})
    if actor.api_tokens.filter(revoked_at__isnull=True).count() >= 20:
        raise ValidationError({"name": _("You already have 20 active tokens; revoke one first.")})
    secret = new_token_secret()
    token = ApiToken.objects.create(user=actor, name=name, prefix=secret[:10], key_hash=hash_token(secret))
    return token, secret


@transaction.atomic
def api_token_revoke(*, actor: User, token: ApiToken) -> None:
    if token.user_id != actor.pk:
        raise PermissionDenied(_("You do not have permission to do this."))
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])


def user_set_language(*, actor: User, language: str) -> None:
    if language not in ("en", "zh-hans"):
        raise ValidationError({"language": _("Unknown language.")})
    if actor.is_authenticated and actor.preferred_language != language:
        actor.preferred_language = language
        actor.save(update_fields=["preferred_language"])


# --------------------------------------------------------------------------- roles and sign-ins (program staff)


def _require_program_staff(actor: User) -> None:
    if not (getattr(actor, "is_authenticated", False) and actor.is_program_staff):
        raise PermissionDenied(_("You do not have permission to do this."))


@transaction.atomic
def role_membership_add(
    *, actor: User, user: User, role: str, organisation: Organisation | None = None, city: City | None = None
) -> RoleMembership:
    """Give `user` a role with the scope that role takes (models.ROLE_SCOPE): an organisation for academy
    coordinators, partners and solution providers, a city for city coordinators, none for the others."""
    from .models import ROLE_SCOPE, Role, RoleMembership

    _require_program_staff(actor)
    if role not in Role.values:
        raise ValidationError({"role": _("Choose a role from the list.")})
    scope = ROLE_SCOPE[Role(role)]
    label = Role(role).label
    if scope == "organisation":
        if organisation is None:
            raise ValidationError({"organisation": _("The role “%(role)s” needs an organisation.") % {"role": label}})
        if city is not None:
            raise ValidationError(
                {"city": _("The role “%(role)s” takes an organisation, not a city.") % {"role": label}}
            )
    elif scope == "city":
        if city is None:
            raise ValidationError({"city": _("The role “%(role)s” needs a city.") % {"role": label}})
        if organisation is not None:
            raise ValidationError(
                {"organisation": _("The role “%(role)s” takes a city, not an organisation.") % {"role": label}}
            )
    elif organisation is not None or city is not None:
        raise ValidationError(
            {
                "role": _("The role “%(role)s” applies everywhere; do not choose an organisation or a city.")
                % {"role": label}
            }
        )
    existing = RoleMembership.objects.filter(user=user, role=role, organisation=organisation, city=city)
    if existing.exists():
        raise ValidationError({"role": _("This user already has this role with this scope.")})
    membership = RoleMembership.objects.create(user=user, role=role, organisation=organisation, city=city)
    user.__dict__.pop("_memberships_cache", None)
    return membership


@transaction.atomic
def role_membership_remove(*, actor: User, membership: RoleMembership) -> None:
    """Remove a role. Program staff may not remove their own last program-staff role (no one would be left to
    give it back)."""
    from .models import Role, RoleMembership

    _require_program_staff(actor)
    if membership.user_id == actor.pk and membership.role == Role.PROGRAM_STAFF and not actor.is_superuser:
        others = RoleMembership.objects.filter(user=actor, role=Role.PROGRAM_STAFF).exclude(pk=membership.pk)
        if not others.exists():
            raise ValidationError(
                _("You cannot remove your own last program-staff role. Ask another member of program staff to do it.")
            )
    membership.delete()
    membership.user.__dict__.pop("_memberships_cache", None)


@transaction.atomic
def user_create_for_person(
    *, actor: User, person: Person, email: str = "", language: str = "", site_url: str = ""
) -> User:
    """Create a sign-in for a person who has none. The account starts with a random password nobody knows; the
    person receives an e-mail with a link to choose one (the password-reset flow). The task takes the user's id,
    never a token."""
    from django.core.validators import validate_email

    from .tasks import send_account_created_email

    _require_program_staff(actor)
    if User.objects.filter(person=person).exists():
        raise ValidationError({"email": _("This person already has a sign-in.")})
    if person.erased_at:
        raise ValidationError({"email": _("The personal data of this person was erased; a sign-in cannot be created.")})
    email = (email or person.email or "").strip().lower()
    if not email:
        raise ValidationError({"email": _("Give an e-mail address.")})
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError({"email": _("Enter a valid e-mail address.")}) from None
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError({"email": _("Another sign-in already uses this e-mail address.")})
    language = language if language in ("en", "zh-hans") else (person.preferred_language or "en")
    # a random password nobody knows (not an unusable one): "Forgot your password?" then works for them too
    import secrets

    user = User.objects.create_user(email, secrets.token_urlsafe(32), person=person, preferred_language=language)
    transaction.on_commit(lambda: send_account_created_email.enqueue(user_id=user.pk, site_url=site_url))
    return user
