import pytest
from django.core import mail

from citybridge.core.models import Organisation, WorkerHeartbeat

ORG = {"name_en": "World Bank", "type": "international", "country": "ZZ"}


def test_home_explains_both_programs_in_both_languages(db, client_for):
    en = client_for(None).get("/").content.decode()
    assert "Government Training" in en and "Climate collaborative" in en
    zh = client_for(None, language="zh-hans").get("/").content.decode()
    assert "政府官员培训" in zh and "气候合作" in zh


def test_language_switch_persists_for_the_user(client_for, staff):
    client = client_for(staff)
    response = client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/organisations/"})
    assert response.status_code == 302
    staff.refresh_from_db()
    assert staff.preferred_language == "zh-hans"
    assert "新建机构" in client.get("/organisations/", HTTP_ACCEPT_LANGUAGE="en").content.decode()


def test_create_organisation_form_and_duplicate_error_in_chinese(client_for, staff):
    client = client_for(staff, language="zh-hans")
    assert client.post("/organisations/new/", ORG).status_code == 302
    response = client.post("/organisations/new/", {**ORG, "name_en": "world bank"})
    assert response.status_code == 200
    assert "该国家已有同名机构" in response.content.decode()
    assert Organisation.objects.count() == 1


def test_script_in_names_is_escaped(client_for, staff):
    client = client_for(staff)
    client.post("/organisations/new/", {**ORG, "name_en": "<script>alert(1)</script>"})
    org = Organisation.objects.get()
    for url in ("/organisations/", f"/organisations/{org.pk}/"):
        html = client.get(url).content.decode()
        assert "<script>alert(1)</script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_invalid_email_and_over_long_name_on_person_form(client_for, staff):
    response = client_for(staff).post(
        "/people/new/", {"family_name_en": "x" * 101, "email": "nope", "preferred_language": "en"}
    )
    html = response.content.decode()
    assert response.status_code == 200 and "Enter a valid email address." in html and "at most 100" in html


def test_security_headers(db, client_for):
    response = client_for(None).get("/")
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_login_by_email_then_throttled_after_five_failures(make_user, client_for):
    user = make_user("lecturer", email="lecturer@example.org")
    client = client_for(None)
    ok = client.post("/accounts/login/", {"username": "LECTURER@example.org", "password": "correct-horse-battery"})
    assert ok.status_code == 302
    client = client_for(None)
    for _ in range(5):
        client.post("/accounts/login/", {"username": user.email, "password": "wrong"})
    locked = client.post("/accounts/login/", {"username": user.email, "password": "correct-horse-battery"})
    assert locked.status_code == 429 and "Too many attempts" in locked.content.decode()


def test_password_reset_mail_is_sent_by_a_task_in_the_users_language(make_user, client_for):
    make_user(email="someone@example.org")
    response = client_for(None, language="zh-hans").post("/accounts/password-reset/", {"email": "someone@example.org"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.subject == "重置您的 CityBridge 密码" and "/accounts/reset/" in message.body


def test_tokens_on_profile_page(client_for, staff):
    client = client_for(staff)
    html = client.post("/accounts/profile/", {"name": "my script"}).content.decode()
    assert 'id="new-token"' in html and "cb_" in html
    token = staff.api_tokens.get()
    assert client.post(f"/accounts/tokens/{token.pk}/revoke/").status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_healthz_reports_database_and_worker(db, client_for):
    response = client_for(None).get("/healthz")
    assert response.status_code == 503 and response.json()["database"]["ok"] and not response.json()["worker"]["ok"]
    WorkerHeartbeat.objects.create(name="test-worker")
    body = client_for(None).get("/healthz").json()
    assert body["ok"] and body["worker"]["ok"]


def test_check_deploy_is_clean_with_production_variables(tmp_path):
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {
        **env,
        "DJANGO_SETTINGS_MODULE": "citybridge.settings",
        "CITYBRIDGE_SECURE": "1",
        "CITYBRIDGE_SECRET_KEY": "k" * 60 + "-Zq9!vX",
        "CITYBRIDGE_DEBUG": "0",
        "CITYBRIDGE_ALLOWED_HOSTS": "citybridge.example.org",
        "CITYBRIDGE_VAR_DIR": str(tmp_path),
    }
    result = subprocess.run(
        [sys.executable, "-m", "citybridge.cli", "manage", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("rows", [5, 60])
def test_list_pages_and_endpoints_use_a_constant_number_of_queries(
    staff, client_for, api_for, django_assert_max_num_queries, rows
):
    from citybridge.core.models import Person

    parent = Organisation.objects.create(name="P", name_en="Parent", type="ministry", country="CN")
    for i in range(rows):
        org = Organisation.objects.create(name=f"O{i}", name_en=f"Org {i}", type="company", country="CN", parent=parent)
        Person.objects.create(family_name=f"F{i}", family_name_en=f"F{i}", organisation=org)
    client, api = client_for(staff), api_for(staff)
    for url, limit in (("/organisations/", 8), ("/people/", 8), ("/api/v1/organisations", 6), ("/api/v1/people", 6)):
        with django_assert_max_num_queries(limit):
            assert (client if url.startswith("/o") or url.startswith("/p") else api).get(url).status_code == 200


def test_staff_see_who_changed_an_organisation(client_for, staff, make_user):
    client = client_for(staff)
    client.post("/organisations/new/", ORG)
    org = Organisation.objects.get()
    client.post(
        f"/organisations/{org.pk}/edit/", {**ORG, "website": "https://www.worldbank.org", "version": org.version}
    )
    html = client.get(f"/organisations/{org.pk}/").content.decode()
    assert "Change history" in html and html.count(staff.email) >= 2
    lecturer_html = client_for(make_user("lecturer")).get(f"/organisations/{org.pk}/").content.decode()
    assert "Change history" not in lecturer_html
