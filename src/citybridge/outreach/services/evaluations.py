"""Evaluation writes: links, the one-time tickets a link issues, online submissions (anonymous), staff entry of
paper forms, staff translations of comments. Every write validates everything first and saves in one transaction;
an evaluation asking for follow-up creates a follow-up once the transaction commits."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from functools import partial

from django.core import signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Sum
from django.utils.translation import gettext as _

from citybridge.academy.models import Course, CourseStatus, OfficialProfile, Topic
from citybridge.core.concurrency import claim_version
from citybridge.core.han import han_count
from citybridge.core.models import User
from citybridge.core.services import require
from citybridge.core.validation import ErrorCollector

from .. import results as engine
from ..expectations import SessionFigures, Verdict, judge
from ..models import (
    SCALE_MAX,
    SCALE_MIN,
    SCALES,
    CommentLanguage,
    Evaluation,
    EvaluationAnswer,
    EvaluationLink,
    EvaluationSource,
    ProgramYearTotals,
)
from ..selectors.evaluations import form_items

__all__ = [
    "program_totals_rebuild",
    "AnswerIn",
    "TICKET_MAX_AGE",
    "answer_translate",
    "session_expectations_apply",
    "evaluation_enter",
    "evaluation_link_close",
    "evaluation_link_create",
    "evaluation_submit_online",
    "ticket_issue",
]

TICKET_SALT = "citybridge.outreach.evaluation-ticket"
#: a ticket (one visit of the form) is good for two days: a form left open overnight can still be sent
TICKET_MAX_AGE = 2 * 24 * 3600
MAX_TOPICS = 20


@dataclass(frozen=True)
class AnswerIn:
    """The answers about one form item. `session_id` / `module_id` both None: the course overall."""

    session_id: int | None = None
    module_id: int | None = None
    relevance: int | None = None
    delivery: int | None = None
    expectations: int | None = None
    comment: str = ""


# --------------------------------------------------------------------------- links and tickets


@transaction.atomic
def evaluation_link_create(*, actor: User, course: Course) -> EvaluationLink:
    require(actor, "outreach.manage_links", course)
    if course.status in (CourseStatus.CANCELLED, CourseStatus.PLANNING):
        raise ValidationError(_("Evaluation links are for courses that are open, running or completed."))
    return EvaluationLink.objects.create(course=course, key=secrets.token_urlsafe(32), created_by=actor)


@transaction.atomic
def evaluation_link_close(*, actor: User, link: EvaluationLink) -> EvaluationLink:
    require(actor, "outreach.manage_links", link.course)
    link.active = False
    link.save(update_fields=["active"])
    return link


def ticket_issue(link: EvaluationLink) -> str:
    """A signed one-time ticket for one visit of the form. Nothing is written: the ticket's nonce is stored with the
    evaluation it brings, and a second evaluation with it is refused."""
    return signing.dumps({"l": link.pk, "n": secrets.token_urlsafe(16)}, salt=TICKET_SALT, compress=False)


def _ticket_nonce(link: EvaluationLink, ticket: str) -> str:
    try:
        data = signing.loads(ticket or "", salt=TICKET_SALT, max_age=TICKET_MAX_AGE)
    except signing.SignatureExpired:
        raise ValidationError(
            {"ticket": _("This form was opened too long ago. Open the link again to fill in a fresh form.")}
        ) from None
    except signing.BadSignature:
        raise ValidationError({"ticket": _("This form is not valid. Open the link again.")}) from None
    if not isinstance(data, dict) or data.get("l") != link.pk or not isinstance(data.get("n"), str):
        raise ValidationError({"ticket": _("This form is not valid. Open the link again.")})
    return data["n"]


# --------------------------------------------------------------------------- evaluations


def _comment_language(text: str) -> str:
    if not text:
        return ""
    cjk = han_count(text)
    return CommentLanguage.ZH_HANS if cjk * 4 >= len(text.strip()) or cjk >= 10 else CommentLanguage.EN


def _validated_answers(course: Course, answers: list[AnswerIn], errors: ErrorCollector) -> list[EvaluationAnswer]:
    """Each answer names an item of this course's form, once; scales are whole numbers 1–5."""
    items = {(i.session_id, i.module_id if not i.session_id else None): i for i in form_items(course)}
    by_session = {i.session_id: i for i in items.values() if i.session_id}
    seen: set = set()
    rows = []
    if not answers:
        errors.add("answers", _("Answer at least one question."))
    for index, a in enumerate(answers):
        prefix = f"answers.{index}"
        if a.session_id is not None:
            item = by_session.get(a.session_id)
            if item is None:
                errors.add(f"{prefix}.session_id", _("This session is not part of this course's evaluation."))
                continue
        else:
            item = items.get((None, a.module_id))
            if item is None:
                errors.add(f"{prefix}.module_id", _("This module is not part of this course's evaluation."))
                continue
        if item.key in seen:
            errors.add(prefix, _("This session or module is answered twice."))
            continue
        seen.add(item.key)
        values = {}
        for name, label in SCALES:
            v = getattr(a, name)
            if v is None or v == "":
                values[name] = None
                continue
            if isinstance(v, bool) or not isinstance(v, int) or not SCALE_MIN <= v <= SCALE_MAX:
                errors.add(
                    f"{prefix}.{name}",
                    _("%(question)s: answer with a whole number from %(min)s to %(max)s.")
                    % {"question": label, "min": SCALE_MIN, "max": SCALE_MAX},
                )
                continue
            values[name] = v
        comment = (a.comment or "").strip()
        if len(comment) > 4000:
            errors.add(f"{prefix}.comment", _("Keep the comment under 4,000 characters."))
            comment = ""
        if all(v is None for v in values.values()) and not comment:
            continue  # a block left blank on the paper form
        session_module = item.module_id if item.session_id else a.module_id
        rows.append(
            EvaluationAnswer(
                session_id=item.session_id,
                module_id=session_module,
                lecturer_id=item.lecturer_id,
                course=course,
                academy_id=course.academy_id,
                year=(item.date or course.start_date).year,
                comment=comment,
                comment_language=_comment_language(comment),
                **values,
            )
        )
    if answers and not rows and not errors.errors:
        errors.add("answers", _("Answer at least one question."))
    return rows


def _topics(topic_ids: list[int], errors: ErrorCollector) -> list[Topic]:
    ids = list(dict.fromkeys(topic_ids or []))
    if len(ids) > MAX_TOPICS:
        errors.add("followup_topics", _("Choose at most %(n)s topics.") % {"n": MAX_TOPICS})
        return []
    topics = list(Topic.objects.filter(pk__in=ids))
    if len(topics) != len(ids):
        errors.add("followup_topics", _("Select a valid choice. That choice is not one of the available choices."))
    return topics


def _save(evaluation: Evaluation, rows: list[EvaluationAnswer], topics: list[Topic]) -> Evaluation:
    evaluation.save()
    for r in rows:
        r.evaluation = evaluation
    EvaluationAnswer.objects.bulk_create(rows)
    if topics:
        evaluation.followup_topics.set(topics)
    _totals_add(rows)
    session_ids = sorted({r.session_id for r in rows if r.session_id and r.expectations is not None})
    if session_ids:
        from ..tasks import apply_session_expectations

        transaction.on_commit(partial(apply_session_expectations.enqueue, session_ids=session_ids))
    if topics or evaluation.followup_note:
        from .activities import activity_from_evaluation

        transaction.on_commit(partial(activity_from_evaluation, evaluation_id=evaluation.pk))
    return evaluation


def _totals_add(rows: list[EvaluationAnswer]) -> None:
    """Add the new answers to the per-year program totals (same transaction)."""
    per_year: dict[int, dict[str, int]] = {}
    for r in rows:
        t = per_year.setdefault(r.year, {"n": 0})
        t["n"] += 1
        for name, _label in SCALES:
            v = getattr(r, name)
            if v is not None:
                t[f"sum_{name}"] = t.get(f"sum_{name}", 0) + v
                t[f"cnt_{name}"] = t.get(f"cnt_{name}", 0) + 1
    for year, t in per_year.items():
        if not ProgramYearTotals.objects.filter(year=year).exists():
            try:
                with transaction.atomic():
                    ProgramYearTotals.objects.create(year=year)
            except IntegrityError:
                pass  # created by a concurrent evaluation: add to it
        ProgramYearTotals.objects.filter(year=year).update(**{k: F(k) + v for k, v in t.items()})


def _followup(followup_note: str, contact: str, errors: ErrorCollector) -> tuple[str, str]:
    note, contact = (followup_note or "").strip(), (contact or "").strip()
    if len(note) > 2000:
        errors.add("followup_note", _("Keep the follow-up request under 2,000 characters."))
    if len(contact) > 200:
        errors.add("contact", _("Keep this under 200 characters."))
    return note, contact


def evaluation_submit_online(
    *,
    link: EvaluationLink,
    ticket: str,
    answers: list[AnswerIn],
    followup_topics: list[int] | None = None,
    followup_note: str = "",
    contact: str = "",
) -> Evaluation:
    """An official's anonymous evaluation through a course's link: one per ticket, nothing saved on any error."""
    errors = ErrorCollector()
    nonce = None
    with errors.check():
        nonce = _ticket_nonce(link, ticket)
    if nonce and Evaluation.objects.filter(ticket=nonce).exists():
        errors.add("ticket", _("This form has already been sent. Thank you: one evaluation per form."))
    if not link.active:
        errors.add("ticket", _("This evaluation link is closed."))
    rows = _validated_answers(link.course, answers, errors)
    topics = _topics(followup_topics or [], errors)
    note, contact = _followup(followup_note, contact, errors)
    errors.raise_if_any()
    try:
        with transaction.atomic():
            return _save(
                Evaluation(
                    course=link.course,
                    source=EvaluationSource.ONLINE,
                    link=link,
                    ticket=nonce,
                    contact=contact,
                    followup_note=note,
                ),
                rows,
                topics,
            )
    except IntegrityError:  # the same ticket sent twice at once: the unique ticket lets one through
        raise ValidationError(
            {"ticket": _("This form has already been sent. Thank you: one evaluation per form.")}
        ) from None


@transaction.atomic
def evaluation_enter(
    *,
    actor: User,
    course: Course,
    answers: list[AnswerIn],
    official: OfficialProfile | None = None,
    followup_topics: list[int] | None = None,
    followup_note: str = "",
    contact: str = "",
) -> Evaluation:
    """A paper form typed in by staff or the academy's coordinator. `official`: only when the official wrote their
    name (must be enrolled in the course)."""
    require(actor, "outreach.enter_evaluation", course)
    errors = ErrorCollector()
    if official is not None and not official.enrolments.filter(course=course).exclude(status="withdrawn").exists():
        errors.add("official", _("This official is not enrolled in this course."))
    rows = _validated_answers(course, answers, errors)
    topics = _topics(followup_topics or [], errors)
    note, contact = _followup(followup_note, contact, errors)
    errors.raise_if_any()
    return _save(
        Evaluation(
            course=course,
            source=EvaluationSource.PAPER,
            official=official,
            contact=contact,
            followup_note=note,
            entered_by=actor,
        ),
        rows,
        topics,
    )


@transaction.atomic
def answer_translate(*, actor: User, answer: EvaluationAnswer, text: str, expected_version: int | None) -> None:
    """The comment in the other language, typed by staff (no machine translation)."""
    require(actor, "outreach.translate_comment", answer.evaluation)
    text = (text or "").strip()
    if not answer.comment:
        raise ValidationError({"comment_translation": _("This answer has no comment to translate.")})
    if len(text) > 4000:
        raise ValidationError({"comment_translation": _("Keep the comment under 4,000 characters.")})
    claim_version(answer, expected_version)
    answer.comment_translation = text
    answer.save(update_fields=["comment_translation", "version"])


def session_expectations_apply(*, session_id: int) -> Verdict | None:
    """The "meets expectations" step of the lecturer's material for this session (materials app, when installed):
    the session's "expectations met" answers are judged by outreach.expectations (at least 3 answers; mean at
    least 3.5 / 5 → met) and the verdict is handed to materials.services.material_evaluation_verdict, which writes
    the history entry and closes the "style and acceptability" step or flags the material for review. No verdict
    yet (too few answers): nothing is written. Run by the worker after each evaluation (tasks.py)."""
    agg = EvaluationAnswer.objects.filter(session_id=session_id, expectations__isnull=False).aggregate(
        n=Count("id"), total=Sum("expectations")
    )
    verdict = judge(SessionFigures(session_id=session_id, answers=agg["n"] or 0, total=agg["total"] or 0))
    if verdict is None:
        return None
    from django.apps import apps

    if apps.is_installed("citybridge.materials"):
        from citybridge.materials.services import material_evaluation_verdict

        material_evaluation_verdict(session_id=session_id, met=verdict.met, comment=verdict.comment())
    return verdict


@transaction.atomic
def program_totals_rebuild() -> int:
    """Recompute ProgramYearTotals from every answer (after bulk loads that bypass the services)."""
    agg = {"n": Count("id")}
    for f in engine.SCALE_FIELDS:
        agg[f"s_{f}"] = Sum(f)
        agg[f"c_{f}"] = Count(f)
    rows = list(EvaluationAnswer.objects.values("year").annotate(**agg).order_by("year"))
    ProgramYearTotals.objects.all().delete()
    ProgramYearTotals.objects.bulk_create(
        [
            ProgramYearTotals(
                year=r["year"],
                n=r["n"],
                **{f"sum_{f}": r[f"s_{f}"] or 0 for f in engine.SCALE_FIELDS},
                **{f"cnt_{f}": r[f"c_{f}"] for f in engine.SCALE_FIELDS},
            )
            for r in rows
        ]
    )
    return len(rows)
