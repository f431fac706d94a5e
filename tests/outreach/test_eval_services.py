"""Evaluation services: staff entry, online submission by ticket, refusals that write nothing, results arithmetic
with suppression of small groups, follow-ups created on commit."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from citybridge.outreach import results as engine
from citybridge.outreach import selectors, services
from citybridge.outreach.models import Activity, Evaluation, EvaluationAnswer

from ._eval_fixtures import *  # noqa: F403
from ._eval_fixtures import answers, enrol, sessions, snapshot

pytestmark = pytest.mark.django_db


def test_staff_entry_saves_answers_with_denormalised_lecturer_and_year(staff, ecourse, lecturer):
    ev = services.evaluation_enter(
        actor=staff, course=ecourse, answers=answers(ecourse, {0: (5, 4, 3), 2: (2, 2, None)})
    )
    rows = list(ev.answers.order_by("session__date"))
    assert [(r.relevance, r.delivery, r.expectations) for r in rows] == [(5, 4, 3), (2, 2, None)]
    assert rows[0].lecturer_id == lecturer.person_id and rows[0].year == 2025
    assert rows[0].academy_id == ecourse.academy_id and ev.source == "paper" and ev.entered_by == staff


def test_coordinator_of_the_academy_enters_other_coordinator_refused(coordinator, other_coordinator, ecourse):
    services.evaluation_enter(actor=coordinator, course=ecourse, answers=answers(ecourse, {0: (4, 4, 4)}))
    before = snapshot()
    with pytest.raises(PermissionDenied):
        services.evaluation_enter(actor=other_coordinator, course=ecourse, answers=answers(ecourse, {0: (4, 4, 4)}))
    assert snapshot() == before


@pytest.mark.parametrize("bad", [0, 6, -1, "5", 4.5, True])
def test_answer_outside_the_scale_is_refused_and_nothing_saved(staff, ecourse, bad):
    s = sessions(ecourse)
    before = snapshot()
    with pytest.raises(ValidationError) as exc:
        services.evaluation_enter(
            actor=staff,
            course=ecourse,
            answers=[
                services.AnswerIn(session_id=s[0].pk, relevance=5, delivery=5, expectations=5),
                services.AnswerIn(session_id=s[1].pk, relevance=bad),
            ],
        )
    assert "answers.1.relevance" in exc.value.message_dict
    assert "from 1 to 5" in exc.value.message_dict["answers.1.relevance"][0]
    assert snapshot() == before


def test_session_of_another_course_is_refused(staff, ecourse, other_course):
    foreign = other_course.sessions.first()
    before = snapshot()
    with pytest.raises(ValidationError) as exc:
        services.evaluation_enter(
            actor=staff, course=ecourse, answers=[services.AnswerIn(session_id=foreign.pk, relevance=3)]
        )
    assert exc.value.message_dict["answers.0.session_id"] == ["This session is not part of this course's evaluation."]
    assert snapshot() == before


def test_dinner_is_not_evaluated_and_a_session_twice_is_refused(staff, ecourse):
    dinner = ecourse.sessions.get(format="dinner")
    s = sessions(ecourse)
    with pytest.raises(ValidationError) as exc:
        services.evaluation_enter(
            actor=staff,
            course=ecourse,
            answers=[
                services.AnswerIn(session_id=dinner.pk, relevance=3),
                services.AnswerIn(session_id=s[0].pk, relevance=3),
                services.AnswerIn(session_id=s[0].pk, relevance=4),
            ],
        )
    assert set(exc.value.message_dict) == {"answers.0.session_id", "answers.2"}
    assert not Evaluation.objects.exists()


def test_an_empty_form_is_refused(staff, ecourse):
    with pytest.raises(ValidationError) as exc:
        services.evaluation_enter(
            actor=staff, course=ecourse, answers=[services.AnswerIn(session_id=sessions(ecourse)[0].pk)]
        )
    assert exc.value.message_dict["answers"] == ["Answer at least one question."]


def test_official_must_be_enrolled(staff, ecourse, make_official):
    stranger = make_official()
    with pytest.raises(ValidationError) as exc:
        services.evaluation_enter(
            actor=staff, course=ecourse, answers=answers(ecourse, {0: (3, 3, 3)}), official=stranger
        )
    assert "official" in exc.value.message_dict
    o = make_official()
    enrol(ecourse, o)
    ev = services.evaluation_enter(actor=staff, course=ecourse, answers=answers(ecourse, {0: (3, 3, 3)}), official=o)
    assert ev.official == o


def test_online_one_evaluation_per_ticket(staff, ecourse):
    link = services.evaluation_link_create(actor=staff, course=ecourse)
    t1, t2 = services.ticket_issue(link), services.ticket_issue(link)
    assert t1 != t2
    services.evaluation_submit_online(link=link, ticket=t1, answers=answers(ecourse, {0: (5, 5, 5)}))
    before = snapshot()
    with pytest.raises(ValidationError) as exc:
        services.evaluation_submit_online(link=link, ticket=t1, answers=answers(ecourse, {0: (1, 1, 1)}))
    assert exc.value.message_dict["ticket"] == ["This form has already been sent. Thank you: one evaluation per form."]
    assert snapshot() == before
    services.evaluation_submit_online(link=link, ticket=t2, answers=answers(ecourse, {0: (4, 4, 4)}))
    assert Evaluation.objects.filter(source="online").count() == 2
    assert not Evaluation.objects.exclude(official=None).exists()  # anonymous


def test_ticket_of_another_link_or_forged_is_refused(staff, ecourse):
    a = services.evaluation_link_create(actor=staff, course=ecourse)
    b = services.evaluation_link_create(actor=staff, course=ecourse)
    for ticket in (services.ticket_issue(b), "forged", services.ticket_issue(a)[:-3] + "xyz"):
        with pytest.raises(ValidationError) as exc:
            services.evaluation_submit_online(link=a, ticket=ticket, answers=answers(ecourse, {0: (5, 5, 5)}))
        assert exc.value.message_dict["ticket"] == ["This form is not valid. Open the link again."]
    assert not Evaluation.objects.exists()


def test_closed_link_refuses(staff, ecourse):
    link = services.evaluation_link_create(actor=staff, course=ecourse)
    ticket = services.ticket_issue(link)
    services.evaluation_link_close(actor=staff, link=link)
    with pytest.raises(ValidationError):
        services.evaluation_submit_online(link=link, ticket=ticket, answers=answers(ecourse, {0: (5, 5, 5)}))
    assert not Evaluation.objects.exists()


def test_link_for_a_planned_course_is_refused(staff, ecourse):
    ecourse.status = "planning"
    ecourse.save()
    with pytest.raises(ValidationError):
        services.evaluation_link_create(actor=staff, course=ecourse)


def test_followup_request_creates_an_activity_on_commit(
    staff, ecourse, topics, make_official, django_capture_on_commit_callbacks
):
    o = make_official()
    enrol(ecourse, o)
    with django_capture_on_commit_callbacks(execute=True):
        ev = services.evaluation_enter(
            actor=staff,
            course=ecourse,
            answers=answers(ecourse, {0: (5, 5, 5)}),
            official=o,
            followup_topics=[topics[0].pk],
        )
    act = Activity.objects.get(evaluation=ev)
    assert act.assignee == staff and act.course == ecourse and list(act.officials.all()) == [o]
    assert "Heat pumps" in act.subject and "热泵" in act.subject and act.status == "open"
    # the reader sees the subject in their language: Chinese alone on a Chinese page, English alone on an English one
    with translation.override("zh-hans"):
        assert act.shown_subject == "跟进请求：热泵"
    with translation.override("en"):
        assert act.shown_subject == "Follow-up requested: Heat pumps"
    Activity.objects.filter(pk=act.pk).update(subject="Call about heat pumps / 热泵")  # typed by a person: as typed
    with translation.override("zh-hans"):
        assert Activity.objects.get(pk=act.pk).shown_subject == "Call about heat pumps / 热泵"
    # running it again (a retried task) does not duplicate
    assert services.activity_from_evaluation(evaluation_id=ev.pk) is None
    assert Activity.objects.count() == 1


def test_no_followup_request_no_activity(staff, ecourse, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.evaluation_enter(actor=staff, course=ecourse, answers=answers(ecourse, {0: (5, 5, 5)}))
    assert not Activity.objects.exists()


def test_unknown_topic_refused(staff, ecourse):
    with pytest.raises(ValidationError) as exc:
        services.evaluation_enter(
            actor=staff, course=ecourse, answers=answers(ecourse, {0: (5, 5, 5)}), followup_topics=[999999]
        )
    assert "followup_topics" in exc.value.message_dict
    assert not Evaluation.objects.exists()


def test_comment_language_detected_and_translation_versioned(staff, ecourse, coordinator, lecturer):
    ev = services.evaluation_enter(
        actor=staff,
        course=ecourse,
        answers=[
            services.AnswerIn(session_id=sessions(ecourse)[0].pk, relevance=4, comment="讲得很好，案例很有用"),
            services.AnswerIn(session_id=sessions(ecourse)[1].pk, relevance=4, comment="Very useful examples"),
        ],
    )
    zh, en = ev.answers.order_by("session__date")
    assert (zh.comment_language, en.comment_language) == ("zh-hans", "en")
    services.answer_translate(actor=coordinator, answer=zh, text="Well taught, useful cases", expected_version=1)
    zh.refresh_from_db()
    assert zh.comment_translation == "Well taught, useful cases" and zh.version == 2
    from citybridge.core.concurrency import StaleEdit

    with pytest.raises(StaleEdit):
        services.answer_translate(actor=staff, answer=zh, text="other", expected_version=1)
    with pytest.raises(PermissionDenied):
        services.answer_translate(actor=lecturer, answer=zh, text="x", expected_version=2)
    zh.refresh_from_db()
    assert zh.comment_translation == "Well taught, useful cases"


def test_engine_combine_and_compare():
    # 2024: n=2, relevance mean 4.0; 2025: n=3 (2 answered relevance), relevance mean 3.0
    # combined relevance = (4.0*2 + 3.0*2) / 4 = 3.5 ; delivery only 2025: 2.0 ; n = 5
    a = engine.Group(key=2024, label="", n=2, relevance=4.0, delivery=None, counts={"relevance": 2, "delivery": 0})
    b = engine.Group(key=2025, label="", n=3, relevance=3.0, delivery=2.0, counts={"relevance": 2, "delivery": 3})
    c = engine.combine([a, b])
    assert (c.n, c.relevance, c.delivery, c.expectations) == (5, 3.5, 2.0, None)
    ref = {2025: engine.Group(key=2025, label="", n=10, relevance=3.5, delivery=2.5)}
    d = engine.compare([a, b], ref)
    assert (d[0].relevance, d[1].relevance, d[1].delivery) == (None, -0.5, -0.5)
    shown, hidden = engine.suppress([a, b], 3)
    assert shown == [b] and hidden == 1


def _fill(staff, course, scores_list):
    for scores in scores_list:
        services.evaluation_enter(actor=staff, course=course, answers=answers(course, scores))


def test_lecturer_results_hide_sessions_under_three_answers(staff, ecourse, lecturer):
    # session 0: answers 5,4,3 (n=3) -> relevance mean 4.0 ; session 1: one answer of 1 (n=1) -> hidden for the lecturer
    _fill(staff, ecourse, [{0: (5, 5, 5)}, {0: (4, 4, 4)}, {0: (3, 3, 3), 1: (1, 1, 1)}])
    res = selectors.results_for(user=lecturer, kind="lecturer", pk=lecturer.person_id)
    assert res.aggregated_only and res.min_group == 3
    assert [(g.n, g.relevance) for g in res.breakdown] == [(3, 4.0)]
    assert res.hidden_groups == 1
    # 2025 covers both sessions: (5+4+3+1)/4 = 3.25
    assert [(g.key, g.n, g.relevance) for g in res.by_year] == [(2025, 4, 3.25)]
    staff_view = selectors.results_for(user=staff, kind="lecturer", pk=lecturer.person_id)
    assert [(g.n, g.relevance) for g in staff_view.breakdown] == [(3, 4.0), (1, 1.0)]


def test_lecturer_sees_only_own_results(staff, ecourse, lecturer, other_lecturer):
    from django.http import Http404

    _fill(staff, ecourse, [{2: (5, 5, 5)}] * 3)
    for kind, pk in (("lecturer", other_lecturer.person_id), ("course", ecourse.pk), ("academy", ecourse.academy_id)):
        with pytest.raises(Http404):
            selectors.results_for(user=lecturer, kind=kind, pk=pk)


def test_coordinator_sees_own_academy_only(staff, ecourse, other_course, coordinator, other_coordinator, lecturer):
    from django.http import Http404

    _fill(staff, ecourse, [{0: (5, 5, 5)}])
    services.evaluation_enter(actor=staff, course=other_course, answers=answers(other_course, {0: (1, 1, 1)}))
    res = selectors.results_for(user=coordinator, kind="lecturer", pk=lecturer.person_id)
    assert [(g.key, g.n, g.relevance) for g in res.by_year] == [
        (2025, 1, 5.0)
    ]  # the 2024 answer elsewhere is not theirs
    with pytest.raises(Http404):
        selectors.results_for(user=other_coordinator, kind="course", pk=ecourse.pk)
    # the lecturer's own view spans both academies: 2024 n=1 and 2025 n=1 are both under 3 -> hidden
    own = selectors.results_for(user=lecturer, kind="lecturer", pk=lecturer.person_id)
    # hidden: 2 sessions (one per course) + 2 years (2024, 2025), each with 1 answer
    assert own.by_year == [] and own.hidden_groups == 4 and own.overall.n == 0


def test_program_comparison(staff, ecourse, lecturer, other_lecturer):
    # program 2025 relevance: lecturer's 5,5,5 and other's 2,2,2 -> mean 3.5; lecturer 5.0 -> +1.5
    _fill(staff, ecourse, [{0: (5, 5, 5), 2: (2, 2, 2)}] * 3)
    res = selectors.results_for(user=lecturer, kind="lecturer", pk=lecturer.person_id)
    assert [(d.key, d.relevance) for d in res.versus_program] == [(2025, 1.5)]
    assert EvaluationAnswer.objects.count() == 6


def test_program_totals_kept_by_services_equal_a_rebuild(staff, ecourse, other_course):
    # 2025: relevance 5, 4 and (blank); delivery 1, 2, 3 -> n=3, relevance 9/2 = 4.5, delivery 6/3 = 2.0
    services.evaluation_enter(actor=staff, course=ecourse, answers=answers(ecourse, {0: (5, 1, None), 1: (4, 2, None)}))
    services.evaluation_enter(actor=staff, course=ecourse, answers=answers(ecourse, {2: (None, 3, None)}))
    services.evaluation_enter(actor=staff, course=other_course, answers=answers(other_course, {0: (1, 1, 1)}))
    kept = selectors.program_by_year()
    assert (kept[2025].n, kept[2025].relevance, kept[2025].delivery, kept[2025].expectations) == (3, 4.5, 2.0, None)
    assert (kept[2024].n, kept[2024].relevance) == (1, 1.0)
    services.program_totals_rebuild()
    assert selectors.program_by_year() == kept
