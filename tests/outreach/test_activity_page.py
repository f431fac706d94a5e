"""One follow-up's page as its assignee sees it (a lecturer staff assigned after a partner's dinner): the due date
and what it concerns, in both languages; one outcome field, "Mark as done" from the same form; a "Back" link that
cannot be read as cancelling the follow-up (its "Cancelled" status). The wrong user still gets nothing."""

from __future__ import annotations

from datetime import date

import pytest

from citybridge.outreach import services
from citybridge.outreach.models import Activity

from ._eval_fixtures import lecturer, other_lecturer, snapshot  # noqa: F401  (fixtures)
from ._part_fixtures import *  # noqa: F403

pytestmark = pytest.mark.django_db


@pytest.fixture
def assigned(staff, engagement, lecturer):  # noqa: F811
    for status in ("proposed", "confirmed", "held"):
        engagement = services.engagement_transition(
            actor=staff, engagement=engagement, expected_version=engagement.version, status=status
        )
    return services.engagement_followup(
        actor=staff,
        engagement=engagement,
        subject="Send the LED retrofit case study",
        due_date=date(2099, 1, 15),
        assignee=lecturer,
    )


def test_the_assignee_sees_the_due_date_and_what_it_concerns(assigned, lecturer, client_for):  # noqa: F811
    url = f"/outreach/follow-ups/{assigned.pk}/"
    en = client_for(lecturer).get(url).content.decode()
    assert "Due date: Jan. 15, 2099" in en
    # the engagement by name and day; no link, the lecturer cannot open a partner's engagement
    assert "Engagement: Dinner with Philips (March 4, 2025)" in en and "/outreach/engagements/" not in en
    assert "Partner or solution provider concerned: Philips Lighting" in en
    zh = client_for(lecturer, "zh-hans").get(url).content.decode()
    assert "截止日期：2099年1月15日" in zh
    assert "合作活动：Dinner with Philips（2025年3月4日）" in zh and "相关合作伙伴或解决方案提供方：飞利浦照明" in zh


def test_staff_open_the_engagement_from_the_follow_up(assigned, staff, client_for):
    engagement = assigned.engagements.get()
    page = client_for(staff).get(f"/outreach/follow-ups/{assigned.pk}/").content.decode()
    assert f'<a href="/outreach/engagements/{engagement.pk}/">Dinner with Philips</a>' in page


def test_one_outcome_field_and_a_back_link(assigned, lecturer, client_for):  # noqa: F811
    url = f"/outreach/follow-ups/{assigned.pk}/"
    en = client_for(lecturer).get(url).content.decode()
    assert en.count('name="outcome"') == 1
    assert ">Back</a>" in en and ">Cancel</a>" not in en
    assert 'name="done"' in en and "Mark as done" in en
    zh = client_for(lecturer, "zh-hans").get(url).content.decode()
    assert zh.count("结果") == 1 and ">返回</a>" in zh and ">取消</a>" not in zh
    assert "已取消" in zh  # the status option keeps its word


def test_mark_as_done_from_the_one_form(assigned, lecturer, client_for):  # noqa: F811
    c = client_for(lecturer, "zh-hans")
    url = f"/outreach/follow-ups/{assigned.pk}/"
    refused = c.post(url, {"status": "open", "outcome": " ", "version": "1", "done": "1"})
    assert refused.status_code == 422 and "标记为已完成前，请填写结果。" in refused.content.decode()
    assigned.refresh_from_db()
    assert (assigned.status, assigned.version) == ("open", 1)
    r = c.post(url, {"status": "open", "outcome": "Sent the case study", "version": "1", "done": "1"})
    assert r.status_code == 302
    assigned.refresh_from_db()
    assert (assigned.status, assigned.outcome) == ("done", "Sent the case study")
    assert assigned.completed_at is not None
    # done: no second button
    assert 'name="done"' not in c.get(url).content.decode()


def test_staff_mark_as_done_keeps_their_other_edits(assigned, staff, client_for):
    r = client_for(staff).post(
        f"/outreach/follow-ups/{assigned.pk}/",
        {
            "type": "email",
            "subject": "Sent the case study by e-mail",
            "status": "open",
            "outcome": "Sent",
            "version": "1",
            "done": "1",
        },
    )
    assert r.status_code == 302
    assigned.refresh_from_db()
    assert (assigned.type, assigned.subject, assigned.status) == ("email", "Sent the case study by e-mail", "done")


def test_the_wrong_user_gets_nothing(assigned, other_lecturer, partner_user, client_for):  # noqa: F811
    url = f"/outreach/follow-ups/{assigned.pk}/"
    before = snapshot()
    for user in (other_lecturer, partner_user):
        c = client_for(user)
        assert c.get(url).status_code == 404
        assert c.post(url, {"status": "done", "outcome": "x", "version": "1", "done": "1"}).status_code == 404
        assert c.post(f"{url}complete/", {"outcome": "x", "version": "1"}).status_code == 404
    assert client_for(None).get(url).status_code == 302
    assert snapshot() == before
    assert Activity.objects.get().status == "open"
