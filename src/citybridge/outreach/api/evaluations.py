"""Evaluation endpoints: a course's form, staff entry of paper forms, the evaluations of a course (staff and the
academy's coordinators; the official only for staff), translating a comment, results per lecturer, module,
course and academy (a lecturer: their own, aggregated)."""

from datetime import datetime
from typing import Literal

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from citybridge.academy import selectors as academy_selectors
from citybridge.academy.models import Course, EnrolmentStatus, OfficialProfile
from citybridge.api.errors import body_ref
from citybridge.api.versioning import etag, expected_version
from citybridge.core.api import Id, Pagination, Strict, Version
from citybridge.core.models import is_chinese

from .. import selectors, services
from ..models import SCALE_MAX, SCALE_MIN, SCALES, Evaluation, EvaluationAnswer

router = Router()

Kind = Literal["lecturer", "module", "course", "academy"]
Score = int | None


def _course(request: HttpRequest, pk: int, perm: str) -> Course:
    course = academy_selectors.course_get(user=request.auth, pk=pk)
    if not request.auth.has_perm(perm, course):
        raise PermissionDenied
    return course


class ItemOut(Schema):
    key: str
    session_id: int | None
    module_id: int | None
    label: str


class QuestionOut(Schema):
    name: str
    label: str


class FormOut(Schema):
    course_id: int
    scale_min: int
    scale_max: int
    questions: list[QuestionOut]
    items: list[ItemOut]


@router.get("/evaluations/courses/{id:pk}/form", response=FormOut)
def evaluation_form(request: HttpRequest, pk: int) -> dict:
    """The questions and the items (sessions, modules, the course overall) of a course's evaluation form."""
    course = _course(request, pk, "outreach.view_evaluations")
    zh = is_chinese()
    return {
        "course_id": course.pk,
        "scale_min": SCALE_MIN,
        "scale_max": SCALE_MAX,
        "questions": [{"name": n, "label": str(label)} for n, label in SCALES],
        "items": [
            {
                "key": i.key,
                "session_id": i.session_id,
                "module_id": i.module_id,
                "label": i.label_zh if zh else i.label_en,
            }
            for i in selectors.form_items(course)
        ],
    }


class AnswerIn(Strict):
    session_id: Id | None = None
    module_id: Id | None = None
    relevance: Score = Field(None, ge=SCALE_MIN, le=SCALE_MAX)
    delivery: Score = Field(None, ge=SCALE_MIN, le=SCALE_MAX)
    expectations: Score = Field(None, ge=SCALE_MIN, le=SCALE_MAX)
    comment: str = Field("", max_length=4000)


class SubmissionIn(Strict):
    answers: list[AnswerIn] = Field(..., max_length=200)
    official_id: Id | None = None
    followup_topic_ids: list[Id] = Field([], max_length=20)
    followup_note: str = Field("", max_length=2000)
    contact: str = Field("", max_length=200)


class AnswerOut(Schema):
    id: int
    session_id: int | None
    module_id: int | None
    relevance: int | None
    delivery: int | None
    expectations: int | None
    comment: str
    comment_language: str
    comment_translation: str
    version: int


class EvaluationOut(Schema):
    id: int
    course_id: int
    source: str
    created_at: datetime
    official_id: int | None = None
    contact: str = ""
    followup_topic_ids: list[int]
    followup_note: str
    answers: list[AnswerOut]

    @staticmethod
    def resolve_followup_topic_ids(obj: Evaluation) -> list[int]:
        return [t.pk for t in obj.followup_topics.all()]

    @staticmethod
    def resolve_answers(obj: Evaluation) -> list[EvaluationAnswer]:
        return list(obj.answers.all())

    @staticmethod
    def resolve_official_id(obj: Evaluation, context: dict) -> int | None:
        return obj.official_id if context["request"].auth.has_perm("outreach.view_official_data") else None

    @staticmethod
    def resolve_contact(obj: Evaluation, context: dict) -> str:
        return obj.contact if context["request"].auth.has_perm("outreach.view_official_data") else ""


def _course_official(course: Course, user: object) -> object:
    def get(*, user: object, pk: int) -> OfficialProfile:
        if not user.has_perm("outreach.view_official_data"):
            raise OfficialProfile.DoesNotExist
        return (
            OfficialProfile.objects.filter(enrolments__course=course)
            .exclude(enrolments__status=EnrolmentStatus.WITHDRAWN)
            .distinct()
            .get(pk=pk)
        )

    return get


@router.post("/evaluations/courses/{id:pk}/submissions", response={201: EvaluationOut})
def enter_evaluation(request: HttpRequest, pk: int, payload: SubmissionIn) -> Status[Evaluation]:
    """A paper form typed in by staff or the academy's coordinator (`official_id`: staff only, an official enrolled
    in the course who wrote their name). Scores are whole numbers 1–5; every item once; nothing saved on an error."""
    course = _course(request, pk, "outreach.enter_evaluation")
    official = body_ref(_course_official(course, request.auth), "official_id", payload.official_id, user=request.auth)
    evaluation = services.evaluation_enter(
        actor=request.auth,
        course=course,
        answers=[services.AnswerIn(**a.model_dump()) for a in payload.answers],
        official=official,
        followup_topics=payload.followup_topic_ids,
        followup_note=payload.followup_note,
        contact=payload.contact,
    )
    return Status(201, selectors.evaluation_get(user=request.auth, pk=evaluation.pk))


@router.get("/evaluations/courses/{id:pk}/submissions", response=list[EvaluationOut])
@paginate(Pagination)
def list_evaluations(request: HttpRequest, pk: int) -> QuerySet[Evaluation]:
    course = _course(request, pk, "outreach.view_evaluations")
    return selectors.evaluation_list(user=request.auth, course=course).order_by("-id")


class TranslationIn(Strict):
    comment_translation: str = Field(..., max_length=4000)
    version: Version | None = None


@router.put("/evaluations/answers/{id:pk}/translation", response=AnswerOut)
def translate_answer(request: HttpRequest, pk: int, payload: TranslationIn, response: HttpResponse) -> EvaluationAnswer:
    """The comment in the other language, typed by staff (send the answer's `version`)."""
    answer = selectors.answer_get(user=request.auth, pk=pk)
    services.answer_translate(
        actor=request.auth,
        answer=answer,
        text=payload.comment_translation,
        expected_version=expected_version(request, payload.version),
    )
    etag(response, answer)
    return answer


class GroupOut(Schema):
    key: str
    label: str
    n: int
    relevance: float | None
    delivery: float | None
    expectations: float | None


class DeltaOut(Schema):
    key: str
    relevance: float | None
    delivery: float | None
    expectations: float | None


class CommentOut(Schema):
    comment: str
    comment_language: str
    comment_translation: str


class ResultsOut(Schema):
    kind: str
    id: int
    name: str
    overall: GroupOut
    by_year: list[GroupOut]
    versus_program: list[DeltaOut]
    breakdown: list[GroupOut]
    hidden_groups: int
    min_group: int
    comments: list[CommentOut]


def _g(g: object) -> dict:
    return {**g.__dict__, "key": str(g.key)}


@router.get("/evaluations/results/{kind}/{id:pk}", response=ResultsOut)
def evaluation_results(request: HttpRequest, kind: Kind, pk: int) -> dict:
    """Means (1–5) and answer counts per year, against the program's mean per year, and a breakdown (per session
    for a lecturer or a course, per course otherwise). A lecturer: their own only, groups under 3 answers hidden."""
    if not request.auth.has_perm("outreach.view_results"):
        raise PermissionDenied
    res = selectors.results_for(user=request.auth, kind=kind, pk=pk)
    return {
        "kind": kind,
        "id": pk,
        "name": res.subject.display_name(),
        "overall": _g(res.overall),
        "by_year": [_g(g) for g in res.by_year],
        "versus_program": [{**d.__dict__, "key": str(d.key)} for d in res.versus_program],
        "breakdown": [_g(g) for g in res.breakdown],
        "hidden_groups": res.hidden_groups,
        "min_group": res.min_group,
        "comments": [
            {"comment": a.comment, "comment_language": a.comment_language, "comment_translation": a.comment_translation}
            for a in res.comments
        ],
    }
