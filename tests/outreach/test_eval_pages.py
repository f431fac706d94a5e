"""Evaluation pages and endpoints as every role: the anonymous link flow end to end, staff entry, printout (PDF opened
and read), QR code, translation of comments, results; the wrong user on each; bad input answered in the user's
language with nothing saved."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from citybridge.outreach import services
from citybridge.outreach.models import Activity, Evaluation, EvaluationLink

from ._eval_fixtures import *  # noqa: F403
from ._eval_fixtures import answers, enrol, sessions, snapshot

pytestmark = pytest.mark.django_db


def _ticket(html: str) -> str:
    return re.search(r'name="ticket" value="([^"]+)"', html).group(1)


def _csrf(client, url):
    r = client.get(url)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', r.content.decode()).group(1)
    return r, token


def test_anonymous_link_flow_end_to_end(staff, ecourse, topics, client_for, django_capture_on_commit_callbacks):
    from django.test import Client

    # staff make the link on the course's page
    c = client_for(staff)
    assert c.post(f"/outreach/courses/{ecourse.pk}/evaluations/links/new/").status_code == 302
    link = EvaluationLink.objects.get(course=ecourse)
    page = c.get(f"/outreach/courses/{ecourse.pk}/evaluations/").content.decode()
    assert f"/outreach/e/{link.key}/" in page
    qr = c.get(f"/outreach/evaluation-links/{link.pk}/qr.svg")
    assert qr.status_code == 200 and qr["Content-Type"] == "image/svg+xml" and b"<svg" in qr.content

    # an official with no account, CSRF enforced, in Chinese
    anon = Client(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE="zh-hans")
    url = f"/outreach/e/{link.key}/"
    n_before = Evaluation.objects.count()
    r, csrf = _csrf(anon, url)
    assert r.status_code == 200 and "课程评价" in r.content.decode()
    assert Evaluation.objects.count() == n_before  # GET writes nothing
    ticket = _ticket(r.content.decode())
    s = sessions(ecourse)
    data = {
        "csrfmiddlewaretoken": csrf,
        "ticket": ticket,
        f"s{s[0].pk}-relevance": "5",
        f"s{s[0].pk}-delivery": "4",
        f"s{s[0].pk}-expectations": "5",
        f"s{s[0].pk}-comment": "案例很实用",
        "followup_topics": [str(topics[1].pk)],
        "contact": "wang@example.cn",
    }
    assert anon.post(url, {k: v for k, v in data.items() if k != "csrfmiddlewaretoken"}).status_code == 403  # no CSRF
    with django_capture_on_commit_callbacks(execute=True):
        done = anon.post(url, data)
    assert done.status_code == 200 and "谢谢您" in done.content.decode()
    ev = Evaluation.objects.get(course=ecourse)
    assert ev.source == "online" and ev.official is None and ev.contact == "wang@example.cn"
    a = ev.answers.get()
    assert (a.relevance, a.delivery, a.expectations, a.comment_language) == (5, 4, 5, "zh-hans")
    act = Activity.objects.get(evaluation=ev)
    assert act.assignee is None and "太阳能" in act.subject  # online: unassigned, staff triage
    # the same form again: refused in Chinese, nothing saved
    before = snapshot()
    again = anon.post(url, data)
    assert again.status_code == 422 and "此表已提交" in again.content.decode()
    assert snapshot() == before


def test_public_form_bad_input_in_user_language(staff, ecourse, other_course):
    from django.test import Client

    link = services.evaluation_link_create(actor=staff, course=ecourse)
    anon = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    url = f"/outreach/e/{link.key}/"
    ticket = _ticket(anon.get(url).content.decode())
    s = sessions(ecourse)
    r = anon.post(url, {"ticket": ticket, f"s{s[0].pk}-relevance": "9", f"s{s[1].pk}-delivery": "abc"})
    body = r.content.decode()
    assert r.status_code == 422 and "请填写 1 至 5 之间的整数" in body and body.count("请填写 1 至 5") == 2
    assert not Evaluation.objects.exists()
    # a forged ticket
    r = anon.post(url, {"ticket": "x" * 40, f"s{s[0].pk}-relevance": "3"})
    assert r.status_code == 422 and "此表无效" in r.content.decode()
    assert not Evaluation.objects.exists()


def test_public_form_unknown_closed_or_cancelled_link_is_404(staff, ecourse, client_for):
    from django.test import Client

    anon = Client()
    assert anon.get("/outreach/e/not-a-key/").status_code == 404
    assert anon.get("/outreach/e/" + "a" * 200 + "/").status_code == 404
    link = services.evaluation_link_create(actor=staff, course=ecourse)
    services.evaluation_link_close(actor=staff, link=link)
    assert anon.get(f"/outreach/e/{link.key}/").status_code == 404


def test_public_form_rate_limited(staff, ecourse, settings, monkeypatch):
    from django.test import Client

    from citybridge.outreach.views import evaluations as views

    monkeypatch.setattr(views, "PUBLIC_RATE", (2, 3600))
    link = services.evaluation_link_create(actor=staff, course=ecourse)
    anon = Client()
    url = f"/outreach/e/{link.key}/"
    s = sessions(ecourse)
    codes = []
    for _ in range(3):
        ticket = _ticket(anon.get(url).content.decode())
        codes.append(anon.post(url, {"ticket": ticket, f"s{s[0].pk}-relevance": "4"}).status_code)
    assert codes == [200, 200, 429]
    assert Evaluation.objects.count() == 2


def test_staff_entry_page_and_errors(staff, ecourse, make_official, client_for):
    o = make_official()
    enrol(ecourse, o)
    c = client_for(staff, "zh-hans")
    url = f"/outreach/courses/{ecourse.pk}/evaluations/new/"
    page = c.get(url).content.decode()
    assert "录入" in page or "课程评价" in page
    assert o.person.display_name("zh-hans") in page  # staff choose the official who wrote their name
    s = sessions(ecourse)
    bad = c.post(url, {f"s{s[0].pk}-relevance": "0", "official": "99999"})
    assert bad.status_code == 422 and not Evaluation.objects.exists()
    ok = c.post(url, {f"s{s[0].pk}-relevance": "3", f"s{s[2].pk}-delivery": "2", "official": str(o.pk)})
    assert ok.status_code == 302
    ev = Evaluation.objects.get()
    assert ev.official == o and ev.answers.count() == 2


def test_coordinator_entry_cannot_name_officials(coordinator, ecourse, make_official, client_for):
    o = make_official()
    enrol(ecourse, o)
    c = client_for(coordinator)
    url = f"/outreach/courses/{ecourse.pk}/evaluations/new/"
    assert o.person.display_name() not in c.get(url).content.decode()
    s = sessions(ecourse)
    r = c.post(url, {f"s{s[0].pk}-relevance": "3", "official": str(o.pk)})
    assert r.status_code == 422 and not Evaluation.objects.exists()


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils")
def test_printout_pdf_is_bilingual(staff, ecourse, topics, client_for, tmp_path):
    services.evaluation_link_create(actor=staff, course=ecourse)
    r = client_for(staff).get(f"/outreach/courses/{ecourse.pk}/evaluations/form.pdf")
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    pdf = tmp_path / "form.pdf"
    pdf.write_bytes(r.content)
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    for needle in ("能源智慧城市", "Lecture 1", "讲座 2", "与中国的相关性", "Relevance to China", "热泵", "Solar"):
        assert needle in text, needle
    assert "Dinner" not in text  # meals are not evaluated


@pytest.mark.parametrize(
    "path,method",
    [
        ("/outreach/courses/{c}/evaluations/", "get"),
        ("/outreach/courses/{c}/evaluations/new/", "get"),
        ("/outreach/courses/{c}/evaluations/form.pdf", "get"),
        ("/outreach/courses/{c}/evaluations/links/new/", "post"),
        ("/outreach/evaluation-links/{l}/qr.svg", "get"),
        ("/outreach/evaluation-links/{l}/close/", "post"),
        ("/outreach/answers/{a}/translate/", "get"),
        ("/outreach/results/course/{c}/", "get"),
        ("/outreach/results/academy/{ac}/", "get"),
    ],
)
def test_wrong_users_are_refused(path, method, staff, ecourse, other_coordinator, other_lecturer, lecturer, client_for):
    link = services.evaluation_link_create(actor=staff, course=ecourse)
    ev = services.evaluation_enter(actor=staff, course=ecourse, answers=answers(ecourse, {0: (5, 5, 5)}, comment="ok"))
    url = path.format(c=ecourse.pk, l=link.pk, a=ev.answers.get().pk, ac=ecourse.academy_id)
    before = snapshot()
    # another academy's coordinator: 404 (they do not learn it exists); a lecturer of the course: 404 / 403
    assert getattr(client_for(other_coordinator), method)(url).status_code == 404
    assert getattr(client_for(lecturer), method)(url).status_code in (403, 404)
    anon = getattr(client_for(None), method)(url)
    assert anon.status_code == 302 and "/accounts/login/" in anon["Location"] or anon.status_code == 403
    assert snapshot() == before


def test_lecturer_results_page_shows_aggregates_only(staff, ecourse, lecturer, make_official, client_for):
    o = make_official()
    enrol(ecourse, o)
    for i, score in enumerate((5, 4, 3)):
        services.evaluation_enter(
            actor=staff,
            course=ecourse,
            answers=answers(
                ecourse,
                {0: (score, score, score), 1: (1, 1, 1)} if i == 0 else {0: (score, score, score)},
                comment=f"note {i}",
            ),
            official=o if i == 0 else None,
            contact="secret-contact@example.cn" if i == 0 else "",
        )
    c = client_for(lecturer)
    r = c.get("/outreach/results/")
    assert r.status_code == 302 and r["Location"] == f"/outreach/results/lecturer/{lecturer.person_id}/"
    body = c.get(r["Location"]).content.decode()
    # session 0: (5+4+3)/3 = 4.0 shown; session 1 has one answer: hidden
    assert "4.0" in body and "Lecture 1" in body and "Lecture 2" not in body
    assert "1 group with too few answers is hidden" in body
    assert o.person.display_name() not in body and "secret-contact" not in body
    assert "/translate/" not in body
    # the course is visible to its lecturer (academy rule), its individual evaluations are not: 403
    assert c.get(f"/outreach/courses/{ecourse.pk}/evaluations/").status_code == 403


def test_coordinator_sees_answers_without_official_staff_sees_official(
    staff, coordinator, ecourse, make_official, client_for
):
    o = make_official()
    enrol(ecourse, o)
    services.evaluation_enter(
        actor=staff, course=ecourse, answers=answers(ecourse, {0: (5, 5, 5)}, comment="Great"), official=o
    )
    url = f"/outreach/courses/{ecourse.pk}/evaluations/"
    coord_page = client_for(coordinator).get(url).content.decode()
    assert "Great" in coord_page and o.person.display_name() not in coord_page
    assert o.person.display_name() in client_for(staff).get(url).content.decode()


def test_translate_comment_page(staff, coordinator, ecourse, client_for):
    ev = services.evaluation_enter(
        actor=staff, course=ecourse, answers=answers(ecourse, {0: (5, 5, 5)}, comment="讲得很好")
    )
    a = ev.answers.get()
    c = client_for(coordinator)
    url = f"/outreach/answers/{a.pk}/translate/"
    assert c.post(url, {"comment_translation": "Well taught", "version": "1"}).status_code == 302
    stale = c.post(url, {"comment_translation": "Other", "version": "1"})
    assert stale.status_code == 409
    a.refresh_from_db()
    assert a.comment_translation == "Well taught"
    page = client_for(staff).get(f"/outreach/results/course/{ecourse.pk}/").content.decode()
    assert "讲得很好" in page and "Well taught" in page


def test_results_index_for_staff_and_coordinator(staff, coordinator, other_coordinator, ecourse, client_for):
    services.evaluation_enter(actor=staff, course=ecourse, answers=answers(ecourse, {0: (5, 5, 5), 2: (3, 3, 3)}))
    for user in (staff, coordinator):
        body = client_for(user).get("/outreach/results/").content.decode()
        assert "Hammer" in body and "Energy Smart Cities" in body
    body = client_for(other_coordinator).get("/outreach/results/").content.decode()
    assert "Hammer" not in body


def test_index_and_navigation(staff, client_for, ecourse):
    body = client_for(staff, "zh-hans").get("/outreach/").content.decode()
    assert "对外联络" in body and "我的跟进" in body and "评价结果" in body and "能源智慧城市" in body


def _two_evaluations(staff, ecourse):
    """Lecture 1 (the lecturer): (5, 4, 4) and (4, 4, 4); Lecture 3 (the other lecturer): (3, 4, 5) and (4, 4, 5).
    The lecturer's 2025 means 4.5 / 4.0 / 4.0 against the program's 4.0 / 4.0 / 4.5: +0.5, 0, −0.5."""
    for first, third in (((5, 4, 4), (3, 4, 5)), ((4, 4, 4), (4, 4, 5))):
        services.evaluation_enter(actor=staff, course=ecourse, answers=answers(ecourse, {0: first, 2: third}))


def test_results_means_two_decimals_and_differences_signed(staff, ecourse, lecturer, client_for):
    _two_evaluations(staff, ecourse)
    url = f"/outreach/results/lecturer/{lecturer.person_id}/"
    for language in ("en", "zh-hans"):
        page = client_for(staff, language).get(url).content.decode()
        assert "<td>2</td><td>4.50</td><td>4.00</td><td>4.00</td>" in page  # overall, the year, the session
        assert "<td>+0.50 / 0.00 / \u22120.50</td>" in page  # the minus sign, not a hyphen
        assert "-0.5" not in page and ">4.5<" not in page
    index = client_for(staff).get("/outreach/results/").content.decode()
    assert "<td>4.50</td><td>4.00</td><td>4.00</td>" in index and ">4.5<" not in index


def test_results_sentences_read_right_in_both_languages(staff, ecourse, lecturer, client_for):
    _two_evaluations(staff, ecourse)
    url = f"/outreach/results/lecturer/{lecturer.person_id}/"
    en = client_for(lecturer).get(url).content.decode()
    assert "blank answers are not counted. Groups with fewer than 3 answers are not shown" in en
    zh = client_for(lecturer, "zh-hans").get(url).content.decode()
    assert "空白答案不计入。少于 3 个答案的分组不予显示" in zh
