"""Fixtures shared by every app's tests: users per role, clients (browser session and API token), Playwright."""

from __future__ import annotations

import os

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop in this thread

CHROMIUM = "/usr/bin/chromium"

#: the fixtures through which a test reaches the database (pytest-django's)
_DATABASE_FIXTURES = frozenset(
    {"db", "transactional_db", "live_server", "django_db_reset_sequences", "django_db_serialized_rollback"}
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """A test that uses the database may use every database: on SQLite the API rate counts have one of their own
    (core/routers.py), which any API request writes. pytest-django otherwise allows `default` only, and creates
    test databases only for the aliases tests ask for."""
    from pytest_django.fixtures import validate_django_db

    for item in items:
        marker = item.get_closest_marker("django_db")
        if marker is not None:
            transaction, reset_sequences, databases, serialized_rollback, available_apps = validate_django_db(marker)
            if databases is not None:
                continue
        elif _DATABASE_FIXTURES & set(getattr(item, "fixturenames", ())):
            transaction = reset_sequences = serialized_rollback = False  # the fixtures still decide
            available_apps = None
        else:
            continue
        item.add_marker(
            pytest.mark.django_db(
                transaction=transaction,
                reset_sequences=reset_sequences,
                databases="__all__",
                serialized_rollback=serialized_rollback,
                available_apps=available_apps,
            ),
            append=False,
        )


@pytest.fixture(autouse=True)
def _empty_cache():
    """Rate limits and sign-in cool-offs count in the cache: every test starts from none."""
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture(autouse=True)
def _english_after_each_test():
    """A request in Chinese activates Chinese for the thread; every test starts (and leaves) in English, so no test
    passes or fails because of the one run before it."""
    from django.utils import translation

    translation.activate("en")
    yield
    translation.activate("en")


@pytest.fixture
def make_user(db):
    """make_user(role=None, organisation=None, city=None, email=None, person=None) -> User with that membership."""
    from citybridge.core.models import RoleMembership, User

    counter = {"n": 0}

    def _make(
        role: str | None = None,
        *,
        organisation=None,
        city=None,
        email: str | None = None,
        person=None,
        password: str = "correct-horse-battery",
        **extra,
    ):
        counter["n"] += 1
        email = email or f"{role or 'user'}{counter['n']}@example.org"
        user = User.objects.create_user(email, password, person=person, **extra)
        if role:
            RoleMembership.objects.create(user=user, role=role, organisation=organisation, city=city)
        return user

    return _make


@pytest.fixture
def organisation(db):
    from citybridge.core.models import Organisation

    return Organisation.objects.create(
        name="Test Academy", name_en="Test Academy", name_zh_hans="测试学院", type="academy", country="CN"
    )


@pytest.fixture
def staff(make_user):
    return make_user("program_staff", email="staff@example.org")


@pytest.fixture
def client_for():
    """client_for(user) -> django.test.Client signed in as that user (None = anonymous)."""
    from django.test import Client

    def _client(user=None, language: str = "en"):
        client = Client(HTTP_ACCEPT_LANGUAGE=language)
        if user is not None:
            client.force_login(user, backend="citybridge.core.auth.EmailBackend")
        return client

    return _client


@pytest.fixture
def api_for(db):
    """api_for(user, language="en") -> a client whose requests carry a fresh personal access token (or none)."""
    from django.test import Client

    from citybridge.core.services import api_token_create

    def _api(user=None, language: str = "en"):
        headers = {"HTTP_ACCEPT_LANGUAGE": language}
        if user is not None:
            _token, secret = api_token_create(actor=user, name="test")
            headers["HTTP_AUTHORIZATION"] = f"Bearer {secret}"
        return Client(**headers)

    return _api


# --------------------------------------------------------------------------- browser (Playwright + Debian's Chromium)


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs Debian's chromium package")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        instance = pw.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield instance
        instance.close()


@pytest.fixture
def page(browser, live_server):
    """A fresh page; its requests are recorded in page.requested_urls (to check nothing leaves 127.0.0.1)
    and its failed responses in page.failed_responses."""
    context = browser.new_context(locale="en-GB", viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    pg.set_default_timeout(10_000)
    pg.requested_urls = []
    pg.failed_responses = []  # (status, url) of every response >= 400: a missing stylesheet fails a test
    pg.on("request", lambda request: pg.requested_urls.append(request.url))
    pg.on("response", lambda r: r.status >= 400 and pg.failed_responses.append((r.status, r.url)))
    pg.base_url = live_server.url
    yield pg
    context.close()


@pytest.fixture
def login():
    """login(page, user, password="correct-horse-battery") signs in through the real form."""

    def _login(pg, user, password: str = "correct-horse-battery"):
        pg.goto(pg.base_url + "/accounts/login/")
        pg.fill("#id_username", user.email)
        pg.fill("#id_password", password)
        pg.click("main form button[type=submit]")
        pg.wait_for_load_state("networkidle")

    return _login
