"""Evaluation results close the "meets expectations" (style and acceptability) step of the lecturer's material:
at least 3 "expectations met" answers for a session and their mean at least 3.5 / 5 → the session's material gets a
history entry and leaves the "style" step for "ready"; a mean below 3.5 → a history entry flagging it for review,
with the figures; fewer than 3 answers → nothing yet. Through the worker's task after each evaluation (tasks run
inline in tests)."""

from __future__ import annotations

import pytest

from citybridge.outreach import services
from citybridge.outreach.expectations import SessionFigures, judge

from ._eval_fixtures import *  # noqa: F403
from ._eval_fixtures import answers, sessions

pytestmark = pytest.mark.django_db


def test_judge_hand_worked():
    assert judge(SessionFigures(1, answers=2, total=10)) is None  # two answers: no verdict yet
    v = judge(SessionFigures(1, answers=3, total=12))  # 4 + 3 + 5 = 12; 12 / 3 = 4.0 ≥ 3.5
    assert v.met and v.mean == 4.0
    v = judge(SessionFigures(1, answers=4, total=13))  # 3 + 3 + 4 + 3 = 13; 13 / 4 = 3.25 < 3.5
    assert not v.met and v.mean == 3.25
    assert judge(SessionFigures(1, answers=2, total=7)) is None
    v = judge(SessionFigures(1, answers=4, total=14))  # 14 / 4 = 3.5: the threshold itself is met
    assert v.met
    assert "3.25 / 5" in judge(SessionFigures(1, answers=4, total=13)).comment()
    assert "复核" in judge(SessionFigures(1, answers=4, total=13)).comment()


def _material(session, lecturer, state):
    from citybridge.materials.models import Material

    return Material.objects.create(title="Deck", lecturer=lecturer.person, session=session, state=state)


def _events(material):
    return list(material.events.order_by("id").values_list("action", "from_state", "to_state"))


def test_met_closes_the_style_step(staff, ecourse, lecturer, django_capture_on_commit_callbacks):
    s = sessions(ecourse)
    material = _material(s[0], lecturer, "style")
    for e in (4, 3):
        with django_capture_on_commit_callbacks(execute=True):
            services.evaluation_enter(actor=staff, course=ecourse, answers=answers(ecourse, {0: (4, 4, e)}))
    material.refresh_from_db()
    assert material.state == "style" and _events(material) == []  # two answers: no verdict yet
    with django_capture_on_commit_callbacks(execute=True):
        services.evaluation_enter(actor=staff, course=ecourse, answers=answers(ecourse, {0: (4, 4, 5)}))
    material.refresh_from_db()
    # 4 + 3 + 5 = 12 over 3 answers = 4.0 ≥ 3.5: met
    assert material.state == "ready" and material.version == 2
    assert _events(material) == [("evaluation_met", "style", "ready")]
    assert "3 answers" in material.events.get().comment and "4.00 / 5" in material.events.get().comment


def test_below_threshold_flags_with_figures(staff, ecourse, lecturer, django_capture_on_commit_callbacks):
    s = sessions(ecourse)
    material = _material(s[1], lecturer, "delivered")
    untouched = _material(s[2], lecturer, "style")  # another session: not concerned
    for e in (3, 3, 4, 3):  # each evaluation commits, then the worker judges the session
        with django_capture_on_commit_callbacks(execute=True):
            services.evaluation_enter(actor=staff, course=ecourse, answers=answers(ecourse, {1: (4, 4, e)}))
    material.refresh_from_db()
    # 3 + 3 + 4 = 10 over 3 = 3.33 < 3.5: flagged; the 4th answer (3) gives 13 / 4 = 3.25: flagged again with
    # the new figures
    assert material.state == "delivered"
    flags = list(material.events.order_by("id").values_list("action", "comment"))
    assert [a for a, _c in flags] == ["evaluation_flag", "evaluation_flag"]
    assert "3.33 / 5" in flags[0][1] and "3.25 / 5" in flags[1][1] and "review the material" in flags[1][1]
    assert _events(untouched) == []


def test_same_verdict_is_not_repeated(staff, ecourse, lecturer):
    from citybridge.materials.services import material_evaluation_verdict

    material = _material(sessions(ecourse)[0], lecturer, "delivered")
    assert material_evaluation_verdict(session_id=material.session_id, met=True, comment="x") == 1
    assert material_evaluation_verdict(session_id=material.session_id, met=True, comment="x") == 0
    assert material_evaluation_verdict(session_id=material.session_id, met=False, comment="y") == 1
