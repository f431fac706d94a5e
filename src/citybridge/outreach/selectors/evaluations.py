"""Evaluation reads: the form of a course, links, individual evaluations (staff and coordinators) and results
(aggregates; a lecturer gets their own only, groups under results.MIN_GROUP answers hidden)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import Avg, BooleanField, Count, ExpressionWrapper, Prefetch, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from citybridge.academy.models import Academy, Course, Module, Session, SessionFormat
from citybridge.core.models import Person
from citybridge.core.rows import date_text

from .. import results as engine
from ..models import CommentLanguage, Evaluation, EvaluationAnswer, EvaluationLink, ProgramYearTotals

if TYPE_CHECKING:
    from citybridge.core.models import User


__all__ = [
    "EVALUATED_FORMATS",
    "FormItem",
    "Results",
    "AWAITING_TRANSLATION",
    "answer_get",
    "awaiting_translation_by_course",
    "evaluation_get",
    "evaluation_link_get",
    "evaluation_link_list",
    "evaluation_list",
    "form_items",
    "link_by_key",
    "program_by_year",
    "results_for",
    "results_overview",
]

#: sessions an official is asked about (meals are not evaluated)
EVALUATED_FORMATS = (SessionFormat.LECTURE, SessionFormat.WORKSHOP, SessionFormat.SITE_VISIT, SessionFormat.EXHIBITION)
RESULT_KINDS = ("lecturer", "module", "course", "academy")


@dataclass(frozen=True)
class FormItem:
    """One block of the form: a session, a module taught without sessions, or the course overall (both None)."""

    session_id: int | None
    module_id: int | None
    lecturer_id: int | None
    label_en: str
    label_zh: str
    date: object = None

    @property
    def key(self) -> str:
        if self.session_id:
            return f"s{self.session_id}"
        if self.module_id:
            return f"m{self.module_id}"
        return "overall"


def form_items(course: Course) -> list[FormItem]:
    """The course's evaluation form: each evaluated session, each module with no session, then the course overall."""
    sessions = list(
        Session.objects.filter(course=course, format__in=EVALUATED_FORMATS)
        .select_related("module", "lecturer")
        .order_by("date", "start_time", "id")
    )
    items = []
    for s in sessions:
        lecturer = s.lecturer
        who_en = f" — {lecturer.display_name('en')}" if lecturer else ""
        who_zh = f"——{lecturer.display_name('zh-hans')}" if lecturer else ""
        items.append(
            FormItem(
                session_id=s.pk,
                module_id=s.module_id,
                lecturer_id=s.lecturer_id,
                # the start time tells a morning session from an afternoon one of the same day and title
                label_en=f"{date_text(s.date, 'en')} {s.start_time:%H:%M} {s.display_title('en')}{who_en}",
                label_zh=f"{s.date.month}月{s.date.day}日 {s.start_time:%H:%M} {s.display_title('zh-hans')}{who_zh}",
                date=s.date,
            )
        )
    covered = {s.module_id for s in sessions if s.module_id}
    for m in Module.objects.filter(course_modules__course=course).exclude(pk__in=covered).order_by("title_en", "id"):
        items.append(
            FormItem(
                session_id=None,
                module_id=m.pk,
                lecturer_id=None,
                label_en=m.display_name("en"),
                label_zh=m.display_name("zh-hans"),
            )
        )
    items.append(FormItem(None, None, None, "The course overall", "课程总体"))
    return items


def link_by_key(key: str) -> EvaluationLink:
    """The public link (no account): an open link of a course that is not cancelled; anything else is a 404."""
    if not key or len(key) > 64:
        raise Http404
    link = (
        EvaluationLink.objects.select_related("course__academy__organisation")
        .filter(key=key, active=True)
        .exclude(course__status="cancelled")
        .first()
    )
    if link is None:
        raise Http404
    return link


def evaluation_link_list(*, user: User, course: Course) -> QuerySet[EvaluationLink]:
    return EvaluationLink.objects.visible_to(user).filter(course=course)


def evaluation_link_get(*, user: User, pk: int) -> EvaluationLink:
    return get_object_or_404(EvaluationLink.objects.visible_to(user).select_related("course__academy"), pk=pk)


#: a comment its lecturer cannot read yet: written in Chinese, not translated, about a lecturer whose profile says
#: they need interpretation (the lecturers who do not speak Chinese); staff are asked to translate these first
AWAITING_TRANSLATION = Q(
    lecturer__lecturer_profile__needs_interpretation=True,
    comment_language=CommentLanguage.ZH_HANS,
    comment_translation="",
) & ~Q(comment="")


def _with_awaiting(qs: QuerySet[EvaluationAnswer]) -> QuerySet[EvaluationAnswer]:
    """Each answer with `awaits_translation` (AWAITING_TRANSLATION), in the same query."""
    return qs.annotate(awaits_translation=ExpressionWrapper(AWAITING_TRANSLATION, output_field=BooleanField()))


def evaluation_list(*, user: User, course: Course | None = None) -> QuerySet[Evaluation]:
    qs = Evaluation.objects.visible_to(user).select_related("course", "official__person")
    if course is not None:
        qs = qs.filter(course=course)
    return qs.prefetch_related(
        Prefetch(
            "answers", _with_awaiting(EvaluationAnswer.objects.select_related("session__module", "module", "lecturer"))
        ),
        "followup_topics",
    )


def awaiting_translation_by_course(*, user: User) -> list[tuple[Course, int]]:
    """Courses with comments awaiting translation for their lecturer (AWAITING_TRANSLATION) among the evaluations
    the user may read, and how many, most first (one query; each course carries its titles only)."""
    rows = (
        EvaluationAnswer.objects.filter(evaluation__in=Evaluation.objects.visible_to(user))
        .filter(AWAITING_TRANSLATION)
        .values("course_id", "course__title_en", "course__title_zh_hans")
        .annotate(n=Count("id"))
        .order_by("-n", "course_id")
    )
    return [
        (Course(pk=r["course_id"], title_en=r["course__title_en"], title_zh_hans=r["course__title_zh_hans"]), r["n"])
        for r in rows
    ]


def evaluation_get(*, user: User, pk: int) -> Evaluation:
    return get_object_or_404(evaluation_list(user=user), pk=pk)


def answer_get(*, user: User, pk: int) -> EvaluationAnswer:
    """An individual answer (to translate its comment): staff and the academy's coordinators, never a lecturer."""
    return get_object_or_404(
        EvaluationAnswer.objects.filter(evaluation__in=Evaluation.objects.visible_to(user)).select_related(
            "evaluation__course"
        ),
        pk=pk,
    )


# --------------------------------------------------------------------------- results


_AGG = {
    "n": Count("id"),
    "avg_relevance": Avg("relevance"),
    "avg_delivery": Avg("delivery"),
    "avg_expectations": Avg("expectations"),
    "n_relevance": Count("relevance"),
    "n_delivery": Count("delivery"),
    "n_expectations": Count("expectations"),
}


def _groups(qs: QuerySet, key: str, labels: dict | None = None) -> list[engine.Group]:
    out = []
    for row in qs.values(key).annotate(**_AGG).order_by(key):
        k = row[key]
        out.append(
            engine.Group(
                key=k,
                label=str(labels.get(k, k)) if labels is not None else str(k),
                n=row["n"],
                relevance=_r(row["avg_relevance"]),
                delivery=_r(row["avg_delivery"]),
                expectations=_r(row["avg_expectations"]),
                counts={f: row[f"n_{f}"] for f in engine.SCALE_FIELDS},
            )
        )
    return out


def _r(value: float | None) -> float | None:
    return None if value is None else round(float(value), 2)


def program_by_year() -> dict[int, engine.Group]:
    """Every answer's means per year (the comparison line), from the totals the services keep."""
    out = {}
    for t in ProgramYearTotals.objects.all():
        means = {
            f: round(getattr(t, f"sum_{f}") / getattr(t, f"cnt_{f}"), 2) if getattr(t, f"cnt_{f}") else None
            for f in engine.SCALE_FIELDS
        }
        out[t.year] = engine.Group(
            key=t.year,
            label=str(t.year),
            n=t.n,
            counts={f: getattr(t, f"cnt_{f}") for f in engine.SCALE_FIELDS},
            **means,
        )
    return out


@dataclass
class Results:
    kind: str
    subject: object
    by_year: list[engine.Group]
    overall: engine.Group
    versus_program: list[engine.Delta]
    breakdown: list[engine.Group] = field(default_factory=list)  # per session (lecturer, course) or per course
    hidden_groups: int = 0
    comments: list[EvaluationAnswer] = field(default_factory=list)
    min_group: int = 0
    aggregated_only: bool = False


def _subject(kind: str, pk: int) -> object:
    model = {"lecturer": Person, "module": Module, "course": Course, "academy": Academy}[kind]
    related = {"course": ["academy__organisation"], "academy": ["organisation"]}.get(kind, [])
    return get_object_or_404(model.objects.select_related(*related), pk=pk)


def results_for(*, user: User, kind: str, pk: int, comments: int = 50) -> Results:
    """Results of a lecturer, module, course or academy from the answers the user may aggregate. A lecturer gets
    only their own (anything else: 404), with groups of fewer than MIN_GROUP answers hidden and comments only from
    the sessions shown. Nothing in scope about the subject: 404."""
    if kind not in RESULT_KINDS:
        raise Http404
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        raise Http404
    coordinated = user.scoped_organisation_ids("academy_coordinator")
    if user.is_program_staff:
        base, aggregated_only = EvaluationAnswer.objects.all(), False
    elif kind == "lecturer" and pk == user.person_id and user.has_role("lecturer"):
        base, aggregated_only = EvaluationAnswer.objects.filter(lecturer_id=pk), True
    elif coordinated:
        base, aggregated_only = EvaluationAnswer.objects.filter(academy__organisation_id__in=coordinated), False
    else:
        raise Http404
    qs = base.filter(**{f"{kind}_id": pk})
    if not qs.exists():
        raise Http404
    subject = _subject(kind, pk)
    min_n = engine.MIN_GROUP if aggregated_only else 1
    by_year, hidden_years = engine.suppress(_groups(qs, "year"), min_n)
    if kind in ("lecturer", "course"):
        raw = _groups(qs.exclude(session=None), "session_id")
        shown, hidden = engine.suppress(raw, min_n)
        labels = {
            s.pk: f"{date_text(s.date)} {s.display_title()}"
            for s in Session.objects.filter(pk__in=[g.key for g in shown]).select_related("module")
        }
        breakdown = [engine.Group(**{**g.__dict__, "label": labels.get(g.key, "")}) for g in shown]
    else:
        raw = _groups(qs, "course_id")
        shown, hidden = engine.suppress(raw, min_n)
        labels = {c.pk: c.display_name() for c in Course.objects.filter(pk__in=[g.key for g in shown])}
        breakdown = [engine.Group(**{**g.__dict__, "label": labels.get(g.key, "")}) for g in shown]
    overall = engine.combine(by_year, key="all")
    text = qs.exclude(comment="")
    if aggregated_only:
        text = text.filter(session_id__in=[g.key for g in shown]).order_by("comment")
    else:
        text = text.order_by("-id")
    return Results(
        kind=kind,
        subject=subject,
        by_year=by_year,
        overall=overall,
        versus_program=engine.compare(by_year, program_by_year()),
        breakdown=breakdown,
        hidden_groups=hidden + hidden_years,
        comments=list(
            _with_awaiting(text.only("id", "comment", "comment_language", "comment_translation", "version"))[:comments]
        ),
        min_group=min_n,
        aggregated_only=aggregated_only,
    )


def results_overview(*, user: User, limit: int = 100) -> dict[str, list[engine.Group]] | None:
    """Staff and coordinators: per kind (lecturer, academy, course, module) the subjects in scope with their answer
    count and means, most answered first. None for a user who is only a lecturer (they see their own page)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    if user.is_program_staff:
        base = EvaluationAnswer.objects.all()
    else:
        coordinated = user.scoped_organisation_ids("academy_coordinator")
        if not coordinated:
            return None
        base = EvaluationAnswer.objects.filter(academy__organisation_id__in=coordinated)
    out: dict[str, list[engine.Group]] = {}
    models_for = {
        "lecturer": (Person.objects.all(), "lecturer_id"),
        "academy": (Academy.objects.select_related("organisation"), "academy_id"),
        "course": (Course.objects.all(), "course_id"),
        "module": (Module.objects.all(), "module_id"),
    }
    for kind, (qs, key) in models_for.items():
        rows = list(base.exclude(**{key: None}).values(key).annotate(**_AGG).order_by("-n", key)[:limit])
        names = {o.pk: o.display_name() for o in qs.filter(pk__in=[r[key] for r in rows])}
        out[kind] = [
            engine.Group(
                key=r[key],
                label=names.get(r[key], ""),
                n=r["n"],
                relevance=_r(r["avg_relevance"]),
                delivery=_r(r["avg_delivery"]),
                expectations=_r(r["avg_expectations"]),
            )
            for r in rows
        ]
    return out
