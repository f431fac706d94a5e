"""The public record: press links (http/https only), testimonials (never published without consent), reference
documents (uploads bounded), and the public "Our impact" page: no sign-in, both languages, figures computed from
records by the worker (hand-worked below), a GET that writes nothing, query count pinned; API likewise."""

from __future__ import annotations

import json
from datetime import date, time, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.utils import timezone, translation

from citybridge.outreach import services
from tests.pdfs import real_pdf

from ._part_fixtures import *  # noqa: F401,F403
from ._part_fixtures import rows

pytestmark = pytest.mark.django_db


# --------------------------------------------------------------------------- press


@pytest.mark.parametrize(
    "url", ["javascript:alert(1)", "ftp://example.org/a", "http://", "data:text/html,hi", "//example.org", "http://a b"]
)
def test_press_link_http_https_only(staff, url):
    before = rows()
    with translation.override("zh-hans"), pytest.raises(ValidationError) as exc:
        services.press_create(
            actor=staff, title_en="Mayors learn", outlet="China Daily", published_on=date(2024, 5, 1), url=url
        )
    assert exc.value.message_dict["url"] == ["请填写以 http:// 或 https:// 开头的链接。"]
    assert rows() == before


def test_press_created_and_needs_title_and_past_date(staff):
    p = services.press_create(
        actor=staff,
        title_en="Mayors learn",
        title_zh_hans="市长们在学习",
        outlet="China Daily",
        published_on=date(2024, 5, 1),
        url="https://www.chinadaily.com.cn/a/1",
    )
    assert p.display_title("zh-hans") == "市长们在学习"
    with pytest.raises(ValidationError) as exc:
        services.press_create(actor=staff, outlet="", published_on=timezone.localdate() + timedelta(days=1))
    assert {"title_en", "outlet", "published_on"} <= set(exc.value.message_dict)


# --------------------------------------------------------------------------- testimonials


@pytest.fixture
def quoted(officials):
    return officials[0].person


def test_publish_without_consent_refused(staff, quoted):
    before = rows()
    with translation.override("zh-hans"), pytest.raises(ValidationError) as exc:
        services.testimonial_create(actor=staff, person=quoted, quote_en="Very useful.", published=True)
    assert exc.value.message_dict["consent"] == ["只有在本人同意后才能发布感言。"]
    assert rows() == before
    t = services.testimonial_create(actor=staff, person=quoted, quote_en="Very useful.")
    before = rows()
    with pytest.raises(ValidationError):
        services.testimonial_set_published(actor=staff, testimonial=t, published=True)
    assert rows() == before


def test_consent_then_publish_then_withdraw(staff, quoted):
    t = services.testimonial_create(actor=staff, person=quoted, quote_zh_hans="非常有用。", consent=True)
    assert t.consent_on == timezone.localdate() and not t.published
    t = services.testimonial_set_published(actor=staff, testimonial=t, published=True)
    assert t.published
    t = services.testimonial_set_published(actor=staff, testimonial=t, published=False, consent=False)
    assert not t.published and not t.consent  # withdrawn consent takes it off the page
    # the database refuses a published row without consent too
    from django.db import IntegrityError, transaction

    from citybridge.outreach.models import Testimonial

    with pytest.raises(IntegrityError), transaction.atomic():
        Testimonial.objects.filter(pk=t.pk).update(published=True)


def test_partner_cannot_publish(partner_user, quoted):
    with pytest.raises(PermissionDenied):
        services.testimonial_create(actor=partner_user, person=quoted, quote_en="x", consent=True, published=True)


def test_api_testimonials(api_for, staff, partner_user, quoted):
    c = api_for(staff, language="zh-hans")
    body = {"person_id": quoted.pk, "quote_en": "Useful", "published": True}
    r = c.post("/api/v1/outreach/testimonials", json.dumps(body), content_type="application/json")
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "consent"
    r = c.post("/api/v1/outreach/testimonials", json.dumps({**body, "consent": True}), content_type="application/json")
    assert r.status_code == 201
    hidden = services.testimonial_create(actor=staff, person=quoted, quote_en="Not yet public")
    p = api_for(partner_user)
    assert [t["quote_en"] for t in p.get("/api/v1/outreach/testimonials").json()["items"]] == ["Useful"]
    r = p.post(
        f"/api/v1/outreach/testimonials/{hidden.pk}/publish",
        json.dumps({"published": True}),
        content_type="application/json",
    )
    assert r.status_code == 404
    r = c.post(
        f"/api/v1/outreach/testimonials/{hidden.pk}/publish",
        json.dumps({"published": True}),
        content_type="application/json",
    )
    assert r.status_code == 422


# --------------------------------------------------------------------------- reference documents


def test_document_upload_bounded(staff, tmp_path, settings):
    settings.MEDIA_ROOT = str(tmp_path)
    doc = services.document_upload(
        actor=staff,
        file=SimpleUploadedFile("plan.pdf", real_pdf()),
        title_en="Baoding plan",
        language="en",
        public=True,
    )
    with doc.file.open("rb") as f:
        assert f.read(5) == b"%PDF-"
    before = rows()
    with pytest.raises(ValidationError) as exc:  # a text file named .pdf
        services.document_upload(actor=staff, file=SimpleUploadedFile("x.pdf", b"hello"), title_en="x", language="en")
    assert "file" in exc.value.message_dict
    with override_settings(CITYBRIDGE_MAX_UPLOAD_BYTES=100), pytest.raises(ValidationError) as exc:
        services.document_upload(actor=staff, file=SimpleUploadedFile("p.pdf", real_pdf()), title_en="x", language="en")
    assert "file" in exc.value.message_dict
    assert rows() == before


def test_document_download_public_or_staff(client_for, staff, partner_user, tmp_path, settings):
    settings.MEDIA_ROOT = str(tmp_path)
    pub = services.document_upload(
        actor=staff, file=SimpleUploadedFile("a.pdf", real_pdf()), title_en="A", language="en", public=True
    )
    private = services.document_upload(
        actor=staff, file=SimpleUploadedFile("b.pdf", real_pdf()), title_en="B", language="en"
    )
    r = client_for(None).get(f"/outreach/documents/{pub.pk}/")
    assert r.status_code == 200 and r.content.startswith(b"%PDF")
    assert client_for(None).get(f"/outreach/documents/{private.pk}/").status_code == 404
    assert client_for(partner_user).get(f"/outreach/documents/{private.pk}/").status_code == 404
    assert client_for(staff).get(f"/outreach/documents/{private.pk}/").status_code == 200


def test_record_pages_staff_only(client_for, staff, partner_user, quoted):
    assert client_for(partner_user).get("/outreach/record/").status_code == 403
    assert client_for(partner_user).get("/outreach/record/press/new/").status_code == 403
    assert client_for(None).get("/outreach/record/").status_code == 302
    assert client_for(staff).get("/outreach/record/").status_code == 200
    r = client_for(staff).post(
        "/outreach/record/testimonials/new/", {"person": quoted.pk, "quote_en": "Great", "published": "on"}
    )
    assert r.status_code == 422 and "consent" in r.content.decode()
    r = client_for(staff).post(
        "/outreach/record/press/new/",
        {"title_en": "T", "outlet": "O", "published_on": "2024-01-01", "url": "javascript:x"},
    )
    assert r.status_code == 422


# --------------------------------------------------------------------------- the public impact page


@pytest.fixture
def trained(academy, make_official, staff, django_capture_on_commit_callbacks):  # noqa: F811
    """Hand-worked records for the impact figures.

    Course A (completed, 2024): mayor M1 and vice mayor V1 of Baoding (population 11,000,000 from 2020), mayor M2 of
    Handan (9,000,000), SOE executive E1 of company C1; lecturer L1 teaches two sessions on 2024-05-06 and one on
    05-07, lecturer L2 one session on 05-07.
    Course B (completed, 2024, other academy): M1 again (counted once), executive E2 of company C1 (same company);
    lecturer L1 on 2024-09-02.
    Course C (running): mayor M3 of Tangshan (7,000,000) is confirmed but the course is not completed: not counted;
    its lecturer L3 is not counted either.

    officials = M1, V1, M2, E1, E2 = 5
    population = Baoding 11,000,000 (once, though two officials) + Handan 9,000,000 = 20,000,000
    companies = C1 = 1
    courses = A, B = 2; academies = 2
    lecturers = L1, L2 = 2; donated days = L1 on 05-06, 05-07, 09-02 + L2 on 05-07 = 4
    """
    from citybridge.academy.models import Academy, Course, Enrolment, Jurisdiction, JurisdictionPopulation, Session
    from citybridge.core.models import Organisation, Person

    org2 = Organisation.objects.create(name="CELAP", name_en="CELAP", type="academy", country="CN")
    academy2 = Academy.objects.create(organisation=org2, official=True)
    company = Organisation.objects.create(name="State Grid", name_en="State Grid", type="soe", country="CN")
    juris = {}
    for name, pop in (("Baoding", 11_000_000), ("Handan", 9_000_000), ("Tangshan", 7_000_000)):
        j = Jurisdiction.objects.create(name=name, name_en=name, province="Hebei")
        JurisdictionPopulation.objects.create(jurisdiction=j, population=pop, valid_from=date(2020, 1, 1))
        juris[name] = j
    L1, L2, L3 = (Person.objects.create(family_name=n, family_name_en=n) for n in ("L1", "L2", "L3"))
    A = Course.objects.create(
        academy=academy,
        title="A",
        title_en="A",
        start_date=date(2024, 5, 6),
        end_date=date(2024, 5, 8),
        status="completed",
    )
    B = Course.objects.create(
        academy=academy2,
        title="B",
        title_en="B",
        start_date=date(2024, 9, 2),
        end_date=date(2024, 9, 3),
        status="completed",
    )
    C = Course.objects.create(
        academy=academy,
        title="C",
        title_en="C",
        start_date=date(2025, 3, 3),
        end_date=date(2025, 3, 7),
        status="running",
    )
    for course, d, h, who in (
        (A, date(2024, 5, 6), 9, L1),
        (A, date(2024, 5, 6), 14, L1),
        (A, date(2024, 5, 7), 9, L1),
        (A, date(2024, 5, 7), 14, L2),
        (B, date(2024, 9, 2), 9, L1),
        (C, date(2025, 3, 3), 9, L3),
    ):
        Session.objects.create(course=course, date=d, start_time=time(h), end_time=time(h + 2), lecturer=who)
    M1 = make_official("mayor", jurisdiction=juris["Baoding"])
    V1 = make_official("vice_mayor", jurisdiction=juris["Baoding"])
    M2 = make_official("mayor", jurisdiction=juris["Handan"])
    M3 = make_official("mayor", jurisdiction=juris["Tangshan"])
    E1 = make_official("soe_executive", company=company)
    E2 = make_official("soe_executive", company=company)

    def enrol(course, o):
        Enrolment.objects.create(
            course=course,
            official=o,
            status="confirmed",
            position=o.position,
            jurisdiction=o.jurisdiction,
            company=o.company,
        )

    for o in (M1, V1, M2, E1):
        enrol(A, o)
    enrol(B, M1)
    enrol(B, E2)
    enrol(C, M3)
    from citybridge.academy.services.impact import impact_refresh

    with django_capture_on_commit_callbacks(execute=True):
        impact_refresh()  # the worker's job; its save queues refresh_public_impact after the commit


EXPECTED = {
    "officials": 5,
    "population": 20_000_000,
    "companies": 1,
    "courses": 2,
    "academies": 2,
    "lecturers": 2,
    "donated_days": 4,
}


def test_public_figures_computed_from_records(trained):
    from citybridge.outreach import selectors

    assert selectors.public_impact().figures == EXPECTED


def test_impact_page_public_in_both_languages_and_writes_nothing(trained, client_for, django_assert_max_num_queries):
    from citybridge.academy.models import ImpactSnapshot

    before = list(ImpactSnapshot.objects.values_list("key", "data", "computed_at", "stale"))
    client = client_for(None)
    with django_assert_max_num_queries(6):
        r = client.get("/outreach/impact/")
    assert r.status_code == 200
    html = r.content.decode()
    assert 'data-figure="population">20,000,000<' in html
    assert 'data-figure="donated_days">4<' in html
    assert "How this is counted" in html and "each jurisdiction counted once" in html
    zh = client_for(None, language="zh-hans").get("/outreach/impact/").content.decode()
    assert "我们的成效" in zh and "统计方法" in zh and "每个辖区只计一次" in zh and "受训官员" in zh
    assert list(ImpactSnapshot.objects.values_list("key", "data", "computed_at", "stale")) == before


def test_impact_page_before_any_computation(client_for, db):
    r = client_for(None).get("/outreach/impact/")
    assert r.status_code == 200 and "have not been computed yet" in r.content.decode()


def test_impact_page_shows_published_testimonials_only(trained, staff, client_for, officials):
    services.testimonial_create(
        actor=staff, person=officials[0].person, quote_en="Published quote", consent=True, published=True
    )
    services.testimonial_create(actor=staff, person=officials[1].person, quote_en="Private quote", consent=True)
    html = client_for(None).get("/outreach/impact/").content.decode()
    assert "Published quote" in html and "Private quote" not in html


def test_stale_after_a_write_and_refreshed_by_the_worker(trained, staff, django_capture_on_commit_callbacks):
    """A course completed later: the academy marks the snapshots stale and its worker refresh queues ours."""
    from citybridge.academy.models import Course
    from citybridge.academy.services.impact import impact_mark_stale, impact_refresh_if_stale
    from citybridge.outreach import selectors

    Course.objects.filter(title_en="C").update(status="completed")
    impact_mark_stale()
    assert selectors.public_impact().updating
    with django_capture_on_commit_callbacks(execute=True):
        impact_refresh_if_stale()
    figures = selectors.public_impact().figures
    # + M3 of Tangshan (7,000,000), + course C, + lecturer L3 teaching one day
    assert figures == {
        **EXPECTED,
        "officials": 6,
        "population": 27_000_000,
        "courses": 3,
        "lecturers": 3,
        "donated_days": 5,
    }


def test_api_public_impact(trained, api_for):
    r = api_for(None, language="zh-hans").get("/api/v1/outreach/impact")
    assert r.status_code == 200
    figures = {f["key"]: f["value"] for f in r.json()["figures"]}
    assert figures == EXPECTED
    assert all(f["how_counted"] for f in r.json()["figures"])
    assert r.json()["figures"][0]["label"] == "受训官员"


def test_supporter_thanked_on_the_public_page(staff, client_for, partner):
    services.supporter_create(
        actor=staff,
        organisation=partner.organisation,
        thanks_en="For the LED retrofit dinners.",
        thanks_zh_hans="感谢您支持 LED 改造晚宴。",
    )
    html = client_for(None).get("/outreach/impact/").content.decode()
    assert "Philips Lighting" in html and "For the LED retrofit dinners." in html
    zh = client_for(None, language="zh-hans").get("/outreach/impact/").content.decode()
    assert "飞利浦照明" in zh and "感谢您支持 LED 改造晚宴。" in zh
    with pytest.raises(ValidationError):
        services.supporter_create(actor=staff)  # no name at all


def _computed(at, *, stale: bool):
    from citybridge.academy.models import ImpactSnapshot
    from citybridge.outreach.services.public import PUBLIC_KEY

    ImpactSnapshot.objects.create(key=PUBLIC_KEY, data={}, computed_at=at, stale=stale)


def _intro(html: str) -> str:
    return html.split("<h1>", 1)[1].split("<p>", 1)[1].split("</p>", 1)[0]


def test_impact_page_sentences_read_right_in_both_languages(client_for, db):
    """English: a space between sentences and one full stop after a time written "3:27 a.m." (never "a.m.."); Chinese:
    nothing after "。" (the stray space a template line break or a space-join leaves)."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    _computed(datetime(2026, 11, 30, 3, 27, tzinfo=ZoneInfo("Asia/Shanghai")), stale=True)
    en = _intro(client_for(None).get("/outreach/impact/").content.decode())
    assert en == (
        "Every figure below is counted from our training records, never typed in. Last computed at 3:27 a.m. on "
        "Nov. 30, 2026. Recent changes are being counted."
    )
    zh = _intro(client_for(None, language="zh-hans").get("/outreach/impact/").content.decode())
    assert zh == "以下每个数字均根据培训记录统计，从不手工填写。最近计算：2026年11月30日 03:27。最近的更改正在统计中。"


def test_impact_page_before_computation_reads_right_in_chinese(client_for, db):
    zh = _intro(client_for(None, language="zh-hans").get("/outreach/impact/").content.decode())
    assert zh == "以下每个数字均根据培训记录统计，从不手工填写。数字尚未计算。"


def test_supporters_thanked_with_the_colon_of_each_language(staff, client_for, partner):
    services.supporter_create(
        actor=staff,
        organisation=partner.organisation,
        thanks_en="Thank you for sponsoring the China Energy Forum.",
        thanks_zh_hans="感谢您赞助中国能源论坛。",
    )
    en = client_for(None).get("/outreach/impact/").content.decode()
    assert "<strong>Philips Lighting</strong>: Thank you for sponsoring" in en
    zh = client_for(None, language="zh-hans").get("/outreach/impact/").content.decode()
    assert "<strong>飞利浦照明</strong>：感谢您赞助中国能源论坛。" in zh
