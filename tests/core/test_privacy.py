"""Privacy requests (PIPL / CCPA): export everything held about a person, erase it without losing records."""

from __future__ import annotations

import datetime
import io
import json
import re

import pytest
from openpyxl import load_workbook

from citybridge.academy.models import Attendance, Certificate, Enrolment, OfficialProfile, TrainingSummary
from citybridge.core.models import AuditEvent, Person, User

NAMES = ("Zhang", "Wei", "张", "伟")


@pytest.fixture
def account(training, make_user):
    return make_user("lecturer", person=training.person, email="zhang.wei@hangzhou.gov.cn")


def test_export_holds_the_training_record_and_no_password(training, account, api_for):
    r = api_for(training.staff).post(f"/api/v1/people/{training.person.pk}/export")
    assert r.status_code == 200, r.content
    sections = r.json()["sections"]
    assert sections["person"][0]["email"] == "zhang.wei@hangzhou.gov.cn"
    assert sections["person"][0]["family_name_zh_hans"] == "张"
    assert sections["user_account"][0]["email"] == account.email and "password" not in sections["user_account"][0]
    assert [m["role"] for m in sections["role_memberships"]] == ["lecturer"]
    assert sections["official_profile"][0]["position"] == "mayor"
    assert sections["enrolments"][0]["course"] == "Energy Smart Cities"
    assert len(sections["attendance"]) == 5
    assert sections["certificates"][0]["code"] == training.certificate.code
    assert sections["training_summaries"][0]["total_days"] == 5
    assert sections["person_history"], "history rows about the person are part of the export"
    assert "password" not in r.content.decode()
    event = AuditEvent.objects.get()
    assert (event.actor, event.action, event.target_type, event.target_id) == (
        training.staff,
        "privacy_export",
        "core.person",
        training.person.pk,
    )
    assert event.details["format"] == "json" and event.details["sections"]["attendance"] == 5


def test_xlsx_export_neutralises_formulas(training, api_for):
    Person.objects.filter(pk=training.person.pk).update(notes='=HYPERLINK("http://evil","x")')
    r = api_for(training.staff).post(f"/api/v1/people/{training.person.pk}/export?format=xlsx")
    assert r.status_code == 200 and r["Content-Type"].startswith("application/vnd.openxmlformats")
    wb = load_workbook(io.BytesIO(r.content))
    assert {"Person", "Enrolments", "Attendance", "Certificates"} <= set(wb.sheetnames)
    cells = [c for ws in wb for row_ in ws.iter_rows() for c in row_ if isinstance(c.value, str)]
    values = [c.value for c in cells]
    # written as typed, as quoted text (never a formula)
    assert [c.quotePrefix for c in cells if c.value == '=HYPERLINK("http://evil","x")'] == [True]
    assert not any(c.data_type == "f" for c in cells)
    # times and dates are date cells in the site's time zone, not ISO text with a UTC offset and microseconds
    assert not [v for v in values if re.fullmatch(r"\d{4}-\d{2}-\d{2}(T.*)?", v)]
    person_sheet = wb["Person"] if "Person" in wb.sheetnames else wb.worksheets[0]
    assert any(isinstance(c.value, datetime.datetime) for row_ in person_sheet.iter_rows(min_row=2) for c in row_)
    assert training.certificate.code in values


def test_xlsx_export_in_chinese(training, api_for):
    r = api_for(training.staff, language="zh-hans").post(f"/api/v1/people/{training.person.pk}/export?format=xlsx")
    wb = load_workbook(io.BytesIO(r.content))
    assert {"人员", "报名记录", "考勤", "证书", "修改记录"} <= set(wb.sheetnames)
    assert [c.value for c in wb["人员"][1]][:3] == ["编号", "姓（英文）", "名（英文）"]


def test_export_shows_stored_codes_as_words_in_the_readers_language(training, account, api_for):
    """The JSON keeps each stored code (for machines) and adds its words; the XLSX shows only the words."""
    url = f"/api/v1/people/{training.person.pk}/export"
    en = api_for(training.staff).post(url).json()["sections"]
    assert (en["enrolments"][0]["status"], en["enrolments"][0]["status_label"]) == ("confirmed", "Confirmed")
    assert en["enrolments"][0]["position_label"] == "Mayor"
    assert {a["status_label"] for a in en["attendance"]} == {"Present"}
    assert en["official_profile"][0]["position_label"] == "Mayor"
    assert en["role_memberships"][0]["role_label"] == "Lecturer"
    assert en["person_history"][0]["history_type"] == "+" and en["person_history"][0]["history_type_label"] == "created"
    zh = api_for(training.staff, language="zh-hans").post(url).json()["sections"]
    assert zh["enrolments"][0]["status_label"] == "已确认"
    assert {a["status_label"] for a in zh["attendance"]} == {"出席"}
    assert zh["official_profile"][0]["position_label"] == "市长"
    assert zh["role_memberships"][0]["role_label"] == "讲师"
    assert zh["person_history"][0]["history_type_label"] == "创建"

    r = api_for(training.staff, language="zh-hans").post(f"{url}?format=xlsx")
    wb = load_workbook(io.BytesIO(r.content))
    values = {c.value for ws in wb for row_ in ws.iter_rows() for c in row_}
    assert {"已确认", "出席", "市长", "讲师", "创建"} <= values
    # no stored code, no "…_label" column, no "+" history type (which would also have been quoted as a formula)
    assert not values & {"confirmed", "present", "mayor", "lecturer", "+", "'+", "status_label", "position_label"}


def test_api_export_is_a_post_and_a_get_is_told_so_without_writing(training, api_for):
    """Each export writes an audit row (the access log PIPL and CCPA expect), and a GET never writes: the export is
    a POST, as on the person page; a GET answers 405 with the way to ask, and leaves no audit row."""
    url = f"/api/v1/people/{training.person.pk}/export"
    r = api_for(training.staff).get(url)
    assert r.status_code == 405 and r["Allow"] == "POST"
    assert f"POST /api/v1/people/{training.person.pk}/export" in r.json()["detail"] and r.json()["errors"] == []
    assert "审计日志" in api_for(training.staff, language="zh-hans").get(url).json()["detail"]
    assert not AuditEvent.objects.exists()
    assert api_for(training.staff).post(url).status_code == 200
    assert AuditEvent.objects.get().action == "privacy_export"


def test_page_export_is_a_post_for_staff(training, client_for):
    client = client_for(training.staff)
    page = client.get(f"/people/{training.person.pk}/").content.decode()
    assert f"/people/{training.person.pk}/export/" in page and f"/people/{training.person.pk}/erase/" in page
    assert client.get(f"/people/{training.person.pk}/export/").status_code == 405
    r = client.post(f"/people/{training.person.pk}/export/", {"format": "json"})
    assert r.status_code == 200 and json.loads(r.content)["sections"]["enrolments"]
    assert AuditEvent.objects.filter(action="privacy_export").count() == 1


def _summaries():
    return list(
        TrainingSummary.objects.order_by("official_id", "year").values_list(
            "official_id", "year", "academy_days", "external_days", "total_days", "shortfall"
        )
    )


def test_erase_keeps_records_and_figures_and_removes_the_name_everywhere(training, account, api_for, client_for):
    person = training.person
    Person.objects.get(pk=person.pk).save()  # a second history row
    before = _summaries()
    assert before and before[0][4] == 5
    r = api_for(training.staff).post(f"/api/v1/people/{person.pk}/erase")
    assert r.status_code == 200, r.content
    assert r.json()["name"] == f"Erased person #{person.pk}" and r.json()["erased_at"]

    fresh = Person.objects.get(pk=person.pk)
    assert (
        fresh.family_name_en == f"Erased person #{person.pk}"
        and fresh.family_name_zh_hans == f"已删除的个人 #{person.pk}"
    )
    assert (fresh.given_name_en, fresh.given_name_zh_hans, fresh.email, fresh.phone, fresh.notes) == ("",) * 5
    assert fresh.erased_at is not None and fresh.display_name("zh-hans") == f"已删除的个人 #{person.pk}"
    # nothing of the name or the contact left in the table, its history or the search column
    for hist in Person.history.filter(id=person.pk):
        text = json.dumps({f.attname: str(getattr(hist, f.attname)) for f in hist._meta.fields}, ensure_ascii=False)
        assert not any(n in text for n in NAMES) and "hangzhou.gov.cn" not in text and "morning" not in text
    raw = json.dumps(list(Person.objects.filter(pk=person.pk).values()), default=str, ensure_ascii=False)
    assert not any(n in raw for n in NAMES) and "hangzhou.gov.cn" not in raw
    assert not Person.objects.search("Zhang").exists() and not Person.objects.search("张伟").exists()
    # records and figures kept
    assert Enrolment.objects.count() == 1 and Attendance.objects.count() == 5 and Certificate.objects.count() == 1
    assert _summaries() == before
    # the certificate still verifies, without the name
    verify = client_for(None).get(f"/academy/verify/{training.certificate.code}/").content.decode()
    assert "This certificate is valid." in verify and "Erased person" not in verify
    assert not any(n in verify for n in ("Zhang", "张伟"))
    # the sign-in is closed
    account.refresh_from_db()
    assert not account.is_active and not account.has_usable_password() and "hangzhou" not in account.email
    # audited, without the erased values
    event = AuditEvent.objects.get(action="privacy_erase")
    assert event.actor == training.staff and event.target_id == person.pk
    assert event.details["enrolments_kept"] == 1 and event.details["user_deactivated"] == 1
    assert not any(n in json.dumps(event.details, ensure_ascii=False) for n in NAMES)


def test_erase_page_asks_for_confirmation(training, client_for):
    client = client_for(training.staff)
    url = f"/people/{training.person.pk}/erase/"
    assert client.get(url).status_code == 200
    r = client.post(url, {})
    assert r.status_code == 200 and Person.objects.get(pk=training.person.pk).erased_at is None
    r = client.post(url, {"confirm": "on"})
    assert r.status_code == 302 and Person.objects.get(pk=training.person.pk).erased_at is not None
    assert AuditEvent.objects.filter(action="privacy_erase").count() == 1


@pytest.mark.parametrize("who", ["coordinator_a", "coordinator_b", "partner", "provider"])
def test_non_staff_cannot_export_or_erase(training, api_for, client_for, who):
    user = getattr(training, who)
    pk = training.person.pk
    # coordinator B does not see the person (404); the others see them but may not export or erase (403)
    refused = 404 if who == "coordinator_b" else 403
    api = api_for(user)
    assert api.post(f"/api/v1/people/{pk}/export").status_code == refused
    assert api.post(f"/api/v1/people/{pk}/erase").status_code == refused
    client = client_for(user)
    assert client.post(f"/people/{pk}/export/", {"format": "json"}).status_code == refused
    assert client.get(f"/people/{pk}/erase/").status_code == refused
    assert client.post(f"/people/{pk}/erase/", {"confirm": "on"}).status_code == refused
    assert "/erase/" not in client.get(f"/people/{pk}/").content.decode()
    assert Person.objects.get(pk=pk).erased_at is None and not AuditEvent.objects.exists()


def test_anonymous_cannot_export(training, api_for):
    assert api_for(None).post(f"/api/v1/people/{training.person.pk}/export").status_code == 401
    assert User.objects.filter(is_active=False).count() == 0


def test_an_erased_person_cannot_be_given_a_name_and_contact_again(training, api_for, client_for):
    """Found by a hostile-input walk: after an erase, PATCH /api/v1/people/{id} wrote a real name and e-mail back."""
    person = training.person
    assert api_for(training.staff).post(f"/api/v1/people/{person.pk}/erase").status_code == 200
    fresh = Person.objects.get(pk=person.pk)
    r = api_for(training.staff, "zh-hans").patch(
        f"/api/v1/people/{person.pk}",
        {"family_name_en": "Zhang", "email": "zhang.wei@hangzhou.gov.cn", "version": fresh.version},
        content_type="application/json",
    )
    assert r.status_code == 422, r.content
    assert "此人员的个人数据已被删除，其记录不能再编辑。" in json.dumps(r.json(), ensure_ascii=False)
    after = Person.objects.get(pk=person.pk)
    assert (after.family_name_en, after.email, after.version) == (fresh.family_name_en, "", fresh.version)
    # nor through the official's page form (names and contact on the person)
    from django.core.exceptions import ValidationError

    from citybridge.academy.services import official_update_with_person

    official = OfficialProfile.objects.get(pk=training.official.pk)
    with pytest.raises(ValidationError):
        official_update_with_person(
            actor=training.staff, official=official, family_name_en="Zhang", position=official.position
        )
    assert Person.objects.get(pk=person.pk).family_name_en == fresh.family_name_en
