"""Trust first (issue #7): the sign-in lock, the client address behind proxies, password-reset tokens and limits,
the shared count of API rate limits, and no caching of what a signed-in user sees."""

from __future__ import annotations

import json
import re

import pytest
from django.core import mail
from django.test import RequestFactory, override_settings

from citybridge.core.auth import _account_keys
from citybridge.core.middleware import client_ip

PASSWORD = "correct-horse-battery"
PROXY = "10.0.0.5"


def sign_in(client, email, password, **meta):
    return client.post("/accounts/login/", {"username": email, "password": password}, **meta)


def a_minute_later(email):
    """The per-account cool-off has passed (it is at most a minute)."""
    from django.core.cache import cache

    cache.delete(_account_keys(email)[1])


# --------------------------------------------------------------------------- 1. letter case of the e-mail


def test_changing_the_letter_case_of_the_email_gives_no_fresh_guesses(make_user, client_for):
    make_user(email="lecturer@example.org")
    client = client_for(None)
    for variant in (
        "Lecturer@example.org",
        "LECTURER@example.org",
        "lEcturer@example.org",
        " lecturer@EXAMPLE.org",
        "LeCtUrEr@Example.Org",
    ):
        assert sign_in(client, variant, "wrong").status_code == 200
    locked = sign_in(client, "LECTURER@EXAMPLE.ORG", PASSWORD)
    assert locked.status_code == 429 and "Too many attempts" in locked.content.decode()


def test_axes_records_one_normalised_account_for_every_case_variant(make_user, client_for):
    from axes.models import AccessAttempt

    make_user(email="lecturer@example.org")
    client = client_for(None)
    for variant in ("Lecturer@example.org", "LECTURER@example.org"):
        sign_in(client, variant, "wrong")
    assert set(AccessAttempt.objects.values_list("username", flat=True)) == {"lecturer@example.org"}


def test_the_cooloff_message_is_translated(make_user, client_for):
    make_user(email="lecturer@example.org")
    client = client_for(None, language="zh-hans")
    for _ in range(5):
        sign_in(client, "lecturer@example.org", "wrong")
    response = sign_in(client, "lecturer@example.org", PASSWORD)
    assert response.status_code == 429 and "该账户的尝试次数过多" in response.content.decode()


# --------------------------------------------------------------------------- 2. client address and lock-out


def _request(remote, forwarded=None):
    meta = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **meta)


def test_forwarded_for_is_ignored_without_trusted_proxies():
    assert client_ip(_request("203.0.113.9", "1.2.3.4")) == "203.0.113.9"


@override_settings(CITYBRIDGE_TRUSTED_PROXIES=["10.0.0.0/8", "2001:db8::1"])
@pytest.mark.parametrize(
    "remote,forwarded,expected",
    [
        (PROXY, "198.51.100.7", "198.51.100.7"),
        (PROXY, "6.6.6.6, 198.51.100.7", "198.51.100.7"),  # the client wrote 6.6.6.6 itself: never believed
        (PROXY, "6.6.6.6, 198.51.100.7, 10.1.1.1", "198.51.100.7"),  # two trusted proxies in a row
        (PROXY, "not-an-address", PROXY),
        (PROXY, "6.6.6.6, garbage, 10.1.1.1", "10.1.1.1"),
        (PROXY, None, PROXY),
        ("2001:db8::1", "198.51.100.7", "198.51.100.7"),
        ("203.0.113.9", "198.51.100.7", "203.0.113.9"),  # not a trusted proxy: its header is ignored
    ],
)
def test_forwarded_for_is_read_from_the_right_only_behind_a_trusted_proxy(remote, forwarded, expected):
    assert client_ip(_request(remote, forwarded)) == expected


@override_settings(CITYBRIDGE_TRUSTED_PROXIES=[PROXY])
def test_behind_the_proxy_a_guesser_cannot_lock_staff_out(staff, make_user, client_for):
    """Everyone reaches the site through the proxy; the guesser is told apart by the address the proxy adds."""
    make_user(email="other@example.org")
    attacker, office = client_for(None), client_for(None)
    guesser = {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": "198.51.100.66"}
    for email in ("staff@example.org", "other@example.org"):
        for _ in range(5):
            sign_in(attacker, email, "wrong", **guesser)
        a_minute_later(email)
    assert sign_in(attacker, "staff@example.org", PASSWORD, **guesser).status_code == 429  # its address is locked
    response = sign_in(office, "staff@example.org", PASSWORD, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.20")
    assert response.status_code == 302  # the real user, at another address behind the same proxy, signs in


def test_one_address_guessing_many_accounts_is_locked(make_user, client_for):
    for i in range(10):
        make_user(email=f"user{i}@example.org")
    client = client_for(None)
    for i in range(10):  # a forged X-Forwarded-For changes nothing: there is no trusted proxy
        sign_in(client, f"user{i}@example.org", "wrong", REMOTE_ADDR="198.51.100.66", HTTP_X_FORWARDED_FOR=f"1.1.1.{i}")
    make_user(email="fresh@example.org")
    locked = sign_in(client, "fresh@example.org", PASSWORD, REMOTE_ADDR="198.51.100.66", HTTP_X_FORWARDED_FOR="9.9.9.9")
    assert locked.status_code == 429


def test_per_account_cooloff_grows_and_success_clears_it(make_user, client_for):
    from citybridge.core.auth import _cooloff_seconds

    assert [_cooloff_seconds(n) for n in (5, 6, 7, 8, 20)] == [15, 30, 60, 60, 60]
    make_user(email="someone@example.org")
    for i in range(5):  # five guessers at five addresses
        sign_in(client_for(None), "someone@example.org", "wrong", REMOTE_ADDR=f"198.51.100.{i}")
    assert sign_in(client_for(None), "someone@example.org", PASSWORD, REMOTE_ADDR="203.0.113.1").status_code == 429
    a_minute_later("someone@example.org")
    assert sign_in(client_for(None), "someone@example.org", PASSWORD, REMOTE_ADDR="203.0.113.1").status_code == 302
    from django.core.cache import cache

    assert cache.get(_account_keys("someone@example.org")[0]) is None


def test_a_browser_that_signed_in_before_skips_the_account_cooloff(make_user, client_for):
    """A guesser who keeps the account's cool-off busy does not keep the real user out of their own browser."""
    make_user(email="someone@example.org")
    make_user(email="other@example.org")
    own_browser, other_browser = client_for(None), client_for(None)
    assert sign_in(own_browser, "someone@example.org", PASSWORD).status_code == 302
    own_browser.post("/accounts/logout/")
    assert sign_in(other_browser, "other@example.org", PASSWORD).status_code == 302  # a cookie for another account
    other_browser.post("/accounts/logout/")
    for i in range(5):
        sign_in(client_for(None), "someone@example.org", "wrong", REMOTE_ADDR=f"198.51.100.{i}")
    assert sign_in(client_for(None), "someone@example.org", PASSWORD).status_code == 429
    assert sign_in(other_browser, "someone@example.org", PASSWORD).status_code == 429
    own_browser.cookies["citybridge_device"] = own_browser.cookies["citybridge_device"].value + "x"  # forged
    assert sign_in(own_browser, "someone@example.org", PASSWORD).status_code == 429
    from citybridge.core.auth import device_cookie_value

    own_browser.cookies["citybridge_device"] = device_cookie_value("Someone@example.org")
    assert sign_in(own_browser, "someone@example.org", PASSWORD).status_code == 302


def test_axes_uses_the_project_client_address():
    from django.conf import settings

    assert settings.AXES_CLIENT_IP_CALLABLE == "citybridge.core.middleware.client_ip"
    assert settings.AXES_USERNAME_CALLABLE == "citybridge.core.auth.axes_username"


# --------------------------------------------------------------------------- 3. password reset


def _reset_link(body: str) -> str:
    return re.search(r"https?://[^/\s]+(/accounts/reset/\S+)", body).group(1)


def test_reset_task_arguments_carry_no_token(make_user, client_for):
    from django_tasks_db.models import DBTaskResult

    make_user(email="someone@example.org")
    tasks = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    with override_settings(TASKS=tasks):
        response = client_for(None).post("/accounts/password-reset/", {"email": "Someone@Example.org"})
    assert response.status_code == 302
    stored = DBTaskResult.objects.get()
    arguments = stored.args_kwargs
    assert set(arguments["kwargs"]) == {"user_id", "domain", "use_https", "language"}
    assert "token" not in json.dumps(arguments) and "/reset/" not in json.dumps(arguments)


def test_reset_email_carries_a_working_link_made_by_the_task(make_user, client_for):
    user = make_user(email="someone@example.org")
    client_for(None).post("/accounts/password-reset/", {"email": "someone@example.org"})
    link = _reset_link(mail.outbox[0].body)
    client = client_for(None)
    form = client.get(link, follow=True)
    assert form.status_code == 200 and form.context["validlink"]
    done = client.post(
        form.redirect_chain[-1][0], {"new_password1": "a-brand-new-secret-9", "new_password2": "a-brand-new-secret-9"}
    )
    assert done.status_code == 302
    user.refresh_from_db()
    assert user.check_password("a-brand-new-secret-9")
    again = client_for(None).get(link, follow=True)  # the same link after the successful reset
    assert not again.context["validlink"]


def test_a_token_made_before_a_password_change_fails_after_it(make_user):
    from django.contrib.auth.tokens import default_token_generator

    user = make_user(email="someone@example.org")
    token = default_token_generator.make_token(user)
    assert default_token_generator.check_token(user, token)
    user.set_password("changed-by-the-user-7")
    user.save()
    assert not default_token_generator.check_token(user, token)


def test_links_sent_before_a_reset_are_dead_after_it(make_user, client_for):
    user = make_user(email="someone@example.org")
    client_for(None).post("/accounts/password-reset/", {"email": "someone@example.org"})
    first = _reset_link(mail.outbox[0].body)
    user.set_password("set-another-way-42")  # e.g. the user changed it on the password page
    user.save()
    assert not client_for(None).get(first, follow=True).context["validlink"]


@override_settings(CITYBRIDGE_PASSWORD_RESET_LIMITS={"address": (100, 3600), "email": (2, 3600)})
def test_reset_requests_are_limited_per_email_with_the_same_answer(make_user, client_for):
    make_user(email="someone@example.org")
    answers = [
        client_for(None).post("/accounts/password-reset/", {"email": e}, REMOTE_ADDR=f"198.51.100.{i}")
        for i, e in enumerate(["someone@example.org", "SOMEONE@example.org", "someone@example.org"])
    ]
    assert len(mail.outbox) == 2
    assert {(r.status_code, r["Location"]) for r in answers} == {(302, "/accounts/password-reset/done/")}
    unknown = client_for(None).post("/accounts/password-reset/", {"email": "nobody@example.org"})
    assert (unknown.status_code, unknown["Location"]) == (302, "/accounts/password-reset/done/")


@override_settings(
    CITYBRIDGE_PASSWORD_RESET_LIMITS={"address": (3, 3600), "email": (100, 3600)}, CITYBRIDGE_TRUSTED_PROXIES=[PROXY]
)
def test_reset_requests_are_limited_per_client_address(make_user, client_for):
    for i in range(5):
        make_user(email=f"user{i}@example.org")
    for i in range(5):
        client_for(None).post(
            "/accounts/password-reset/",
            {"email": f"user{i}@example.org"},
            REMOTE_ADDR=PROXY,
            HTTP_X_FORWARDED_FOR=f"7.7.7.{i}, 198.51.100.66",
        )
    assert len(mail.outbox) == 3
    client_for(None).post(
        "/accounts/password-reset/",
        {"email": "user4@example.org"},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR="203.0.113.20",
    )
    assert len(mail.outbox) == 4  # another client behind the same proxy is not affected


# --------------------------------------------------------------------------- 4. a cache every worker shares


def test_the_real_settings_share_a_database_cache_whose_table_the_migrations_create(db):
    from django.db import connection

    import citybridge.settings as real

    backend = real.CACHES["default"]
    assert backend["BACKEND"] == "django.core.cache.backends.db.DatabaseCache"
    assert backend["LOCATION"] in connection.introspection.table_names()


def test_two_processes_see_the_same_api_rate_count(db):
    """Two throttle objects stand for two workers: the count is a row in the database (core.RateCount), not in a
    process's memory (tests/api/test_rate_limits.py has the rest: windows, 429, concurrency)."""
    from citybridge.api.auth import ClientAnonRateThrottle

    assert ClientAnonRateThrottle("2/m").allow_request(_request("198.51.100.7"))
    assert ClientAnonRateThrottle("2/m").allow_request(_request("198.51.100.7"))
    assert not ClientAnonRateThrottle("2/m").allow_request(_request("198.51.100.7"))
    assert ClientAnonRateThrottle("2/m").allow_request(_request("198.51.100.8"))


def test_a_forged_forwarded_for_does_not_change_the_throttle_key(settings):
    from citybridge.api.auth import ClientAnonRateThrottle

    throttle = ClientAnonRateThrottle("5/m")
    plain = throttle.get_cache_key(_request("198.51.100.7"))
    assert throttle.get_cache_key(_request("198.51.100.7", "1.2.3.4")) == plain
    settings.CITYBRIDGE_TRUSTED_PROXIES = [PROXY]
    assert throttle.get_cache_key(_request(PROXY, "1.2.3.4, 198.51.100.7")) == plain
    settings.CITYBRIDGE_TRUSTED_PROXIES = []


def test_the_api_counts_with_the_client_address_throttles_in_the_database():
    from citybridge.api.auth import ClientAnonRateThrottle, ClientAuthRateThrottle
    from citybridge.api.router import api

    assert {type(t) for t in api.throttle} == {ClientAnonRateThrottle, ClientAuthRateThrottle}


# --------------------------------------------------------------------------- 5. no-store for personal data


def test_pages_for_signed_in_users_are_not_stored(client_for, staff):
    response = client_for(staff).get("/people/")
    assert response.status_code == 200 and response["Cache-Control"] == "no-store, private"


def test_exports_are_not_stored(client_for, staff):
    response = client_for(staff).get("/academy/roster-template.xlsx")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxml")
    assert response["Cache-Control"] == "no-store, private"


def test_api_responses_are_not_stored(api_for, client_for, staff):
    by_token = api_for(staff).get("/api/v1/organisations")
    assert by_token.status_code == 200 and by_token["Cache-Control"] == "no-store, private"
    by_session = client_for(staff).get("/api/v1/organisations")
    assert by_session.status_code == 200 and by_session["Cache-Control"] == "no-store, private"


def test_public_caching_set_by_a_view_is_kept_and_anonymous_pages_are_untouched(db, client_for, staff):
    from django.http import HttpResponse

    from citybridge.core.middleware import SecurityHeadersMiddleware

    def public_view(request):
        response = HttpResponse("logo")
        response["Cache-Control"] = "public, max-age=3600"
        return response

    request = RequestFactory().get("/")
    request.user = staff
    assert SecurityHeadersMiddleware(public_view)(request)["Cache-Control"] == "public, max-age=3600"
    assert "no-store" not in client_for(None).get("/").get("Cache-Control", "")


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("en", "This password is too short. It must contain at least 10 characters."),
        ("zh-hans", "密码太短，至少要包含 10 个字符。"),
    ],
)
def test_a_short_new_password_is_refused_in_the_user_s_language(make_user, client_for, language, message):
    """Django 5.2's own catalogue has no Chinese for the length rule: core's catalogue gives it (core/django_wording.py)."""
    user = make_user(email="someone@example.org")
    response = client_for(user, language=language).post(
        "/accounts/password-change/",
        {"old_password": "whatever", "new_password1": "short1", "new_password2": "short1"},
    )
    assert response.status_code == 200
    assert message in response.content.decode()


def test_the_reset_e_mail_reads_as_chinese_text(make_user, client_for):
    """The reset e-mail is plain text in the reader's language: the address inside the sentence, in full-width
    parentheses, ending with 。 (it read "…账户密码 (someone@example.org).")."""
    make_user(email="o'brien&co@example.org")
    client_for(None, language="zh-hans").post("/accounts/password-reset/", {"email": "o'brien&co@example.org"})
    body = mail.outbox[-1].body
    assert "有人申请重置您的 CityBridge 账户（o'brien&co@example.org）的密码。" in body
    assert "&#x27;" not in body and "&amp;" not in body
