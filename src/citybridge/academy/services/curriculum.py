"""Academies, topics and modules."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from citybridge.core.concurrency import claim_version
from citybridge.core.models import Organisation, User

from .. import course_rules as cr
from ..models import (
    Academy,
    Module,
    Motivation,
    SessionFormat,
    Topic,
)
from ._common import _bilingual_required, _clean_str, _raise_problems, course_rules, require


@transaction.atomic
def academy_save(
    *,
    actor: User,
    organisation: Organisation,
    official: bool = True,
    managed_by_program: bool = False,
    expected_version: int | None = None,
) -> Academy:
    """Creates the organisation's academy profile, or edits it (then `expected_version` is needed)."""
    require(actor, "academy.manage_curriculum")
    if organisation.type != "academy":
        raise ValidationError({"organisation": _("Only an organisation of type “training academy” can be an academy.")})
    existing = Academy.objects.filter(organisation=organisation).first()
    if existing is not None:
        claim_version(existing, expected_version)
    academy, _created = Academy.objects.update_or_create(
        organisation=organisation, defaults={"official": official, "managed_by_program": managed_by_program}
    )
    return academy


def _validate_motivations(values: Iterable[str]) -> list[str]:
    values = list(values or [])
    bad = [v for v in values if v not in Motivation.values]
    if bad:
        raise ValidationError({"motivations": _("Unknown motivation: %(value)s.") % {"value": ", ".join(bad)}})
    return list(dict.fromkeys(values))


@transaction.atomic
def topic_save(
    *,
    actor: User,
    topic: Topic | None = None,
    slug: str,
    name_en: str = "",
    name_zh_hans: str = "",
    description_en: str = "",
    description_zh_hans: str = "",
    motivations: Iterable[str] = (),
    order: int = 0,
    expected_version: int | None = None,
) -> Topic:
    require(actor, "academy.manage_curriculum")
    if topic is not None and topic.pk:
        claim_version(topic, expected_version)
    data = {"name_en": _clean_str(name_en), "name_zh_hans": _clean_str(name_zh_hans)}
    _bilingual_required(data, "name")
    topic = topic or Topic()
    topic.slug = (slug or "").strip()
    topic.name_en, topic.name_zh_hans = data["name_en"], data["name_zh_hans"]
    topic.description_en, topic.description_zh_hans = description_en or "", description_zh_hans or ""
    topic.motivations = _validate_motivations(motivations)
    topic.order = order
    topic.full_clean(exclude=["name", "description"])
    topic.save()
    return topic


@transaction.atomic
def module_save(
    *,
    actor: User,
    module: Module | None = None,
    title_en: str = "",
    title_zh_hans: str = "",
    objectives_en: str = "",
    objectives_zh_hans: str = "",
    days: int | None = None,
    formats: Iterable[str] = (),
    topics: Iterable[Topic] = (),
    expected_version: int | None = None,
) -> Module:
    require(actor, "academy.manage_curriculum")
    if module is not None and module.pk:
        claim_version(module, expected_version)
    data = {"title_en": _clean_str(title_en), "title_zh_hans": _clean_str(title_zh_hans)}
    _bilingual_required(data, "title")
    _raise_problems(cr.check_module_length(days, course_rules()), "days")
    formats = list(dict.fromkeys(formats or []))
    bad = [f for f in formats if f not in SessionFormat.values]
    if bad:
        raise ValidationError({"formats": _("Unknown format: %(value)s.") % {"value": ", ".join(bad)}})
    module = module or Module()
    module.title_en, module.title_zh_hans = data["title_en"], data["title_zh_hans"]
    module.objectives_en, module.objectives_zh_hans = objectives_en or "", objectives_zh_hans or ""
    module.days = days
    module.formats = formats
    module.full_clean(exclude=["title", "objectives"])
    module.save()
    module.topics.set(list(topics))
    return module
