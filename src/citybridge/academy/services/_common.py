"""Configuration and helpers every service module shares."""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from citybridge.core.services import require  # noqa: F401  (the one permission check; modules import it from here)

from .. import course_rules as cr
from ..compliance_data import compliance_rules  # noqa: F401  (re-exported: services import it from here)
from ..messages import problem_message


def course_rules() -> cr.CourseRules:
    return cr.CourseRules.from_mapping(settings.CITYBRIDGE_ACADEMY_COURSE_RULES)


def _raise_problems(problems: Iterable[cr.Problem], field_name: str = "__all__") -> None:
    errs = [problem_message(p) for p in problems if p.is_error]
    if errs:
        raise ValidationError({field_name: errs})


def _bilingual_required(data: dict, base: str, label_field: str | None = None) -> None:
    if not (data.get(f"{base}_en") or data.get(f"{base}_zh_hans")):
        raise ValidationError({label_field or f"{base}_en": _("Give it in at least one language.")})


def _clean_str(v: object) -> object:
    return v.strip() if isinstance(v, str) else v
