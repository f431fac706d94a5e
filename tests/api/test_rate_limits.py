"""API rate limits (issue #9): one statement per request on core.RateCount, a sliding window over two fixed windows,
refused requests not counted, 429 with Retry-After in the user's language, counted per user / per client address,
atomic under concurrency, old rows pruned by the daily tick."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections, router
from django.test import RequestFactory, override_settings
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from citybridge.api.auth import ClientAnonRateThrottle, ClientAuthRateThrottle
from citybridge.core import ratelimit
from citybridge.core.models import RateCount
from citybridge.core.ratelimit import Count, allowed, count_request, prune, rate_key, retry_after, window_of

PROXY = "10.0.0.5"
#: the start of window 1000 of one minute (60,000 s after the epoch): the fake clock's zero
T0 = 60_000.0


#: the database the counts live in: on SQLite one of their own (core/routers.py), else the one database
COUNTS_DB = router.db_for_write(RateCount)


def hit(now: float, *, key: str = "k", limit: int = 10, duration: int = 60) -> Count:
    return count_request(key=key, limit=limit, duration=duration, now=now)


# --------------------------------------------------------------------------- the rule, in plain Python


def test_window_of_gives_the_window_and_the_milliseconds_into_it():
    assert window_of(T0, 60) == (1000, 0)
    assert window_of(T0 + 90.25, 60) == (1001, 30_250)  # 60,090.25 s = window 1001 (60,060 s) + 30.25 s
    assert window_of(T0 + 59.9995, 60) == (1000, 59_999)


def test_retry_after_by_hand():
    # 10 a minute; window 1001 (starts at T0 + 60) holds 6 served, window 1000 held 8. Served again when
    # 8 × (1 − f) + 6 + 1 ≤ 10  ⇔  f ≥ 5/8, i.e. 37.5 s into window 1001 = T0 + 97.5; asked at T0 + 90: 7.5 s.
    assert retry_after(Count(1001, 6, 8, True), limit=10, duration=60, now=T0 + 90) == pytest.approx(7.5)
    # 10 served in window 1001 already: only in window 1002, once 10 × (1 − f) + 1 ≤ 10 ⇔ f ≥ 1/10 (6 s in),
    # i.e. T0 + 126; asked at T0 + 100: 26 s.
    assert retry_after(Count(1001, 10, 3, True), limit=10, duration=60, now=T0 + 100) == pytest.approx(26)
    # a limit of 1 and 1 served: the next window's estimate is 1 × (1 − f) + 1 ≤ 1 only at its very end (f = 1)
    assert retry_after(Count(1000, 1, 0, True), limit=1, duration=60, now=T0 + 10) == pytest.approx(110)
    assert retry_after(Count(1000, 0, 0, True), limit=0, duration=60, now=T0) is None


# --------------------------------------------------------------------------- the statement, with a fake clock


@pytest.mark.django_db
def test_first_request_creates_the_row_and_each_served_request_counts_one():
    assert hit(T0 + 1) == Count(1000, 1, 0, False)
    assert hit(T0 + 2) == Count(1000, 2, 0, False)
    row = RateCount.objects.get(key="k")
    assert (row.duration, row.period, row.count, row.previous, row.refused) == (60, 1000, 2, 0, False)


@pytest.mark.django_db
def test_sliding_window_by_hand_and_refusals_are_not_counted():
    # 10 a minute. 8 served in window 1000.
    for second in range(8):
        assert not hit(T0 + 5 + second).refused
    # 30 s into window 1001 the previous window still weighs 8 × (60 − 30) / 60 = 4, so with n served in this
    # window a request is served while 4 + n + 1 ≤ 10: n = 0 … 5 → 6 served, the 7th refused.
    served = [not hit(T0 + 90).refused for _ in range(7)]
    assert served == [True] * 6 + [False]
    assert hit(T0 + 90) == Count(1001, 6, 8, True)  # refused again: still 6, not 7 or 8
    # 37 s in: 8 × 23 / 60 = 3.07 + 6 + 1 = 10.07 > 10, refused; 37.5 s in: 8 × 22.5 / 60 = 3 + 6 + 1 = 10, served
    assert hit(T0 + 97).refused
    assert hit(T0 + 97.5) == Count(1001, 7, 8, False)
    assert hit(T0 + 97.5).refused


@pytest.mark.django_db
def test_no_double_allowance_at_a_window_boundary():
    # 10 a minute, all 10 served in the last second of window 1000. A fixed window would serve 10 more at once;
    # 1 s into window 1001 the estimate is 10 × 59 / 60 = 9.83, + 1 > 10: refused.
    for _ in range(10):
        assert not hit(T0 + 59.5).refused
    assert hit(T0 + 59.9).refused
    assert hit(T0 + 61).refused
    # 6 s in: 10 × 54 / 60 = 9, + 0 + 1 = 10 ≤ 10: served; then 10 × 54 / 60 + 1 + 1 = 11: refused
    assert not hit(T0 + 66).refused
    assert hit(T0 + 66).refused


@pytest.mark.django_db
def test_a_silent_window_forgets_everything():
    for _ in range(10):
        hit(T0 + 30)
    assert hit(T0 + 30).refused
    # window 1002: window 1001 had nothing, window 1000 no longer counts
    assert hit(T0 + 120) == Count(1002, 1, 0, False)


@pytest.mark.django_db
def test_a_row_a_node_with_a_clock_ahead_moved_on_is_not_rolled_back():
    hit(T0 + 61)  # window 1001, by a node whose clock is ahead
    assert hit(T0 + 59) == Count(1001, 2, 0, False)  # counted in 1001, the row stays in 1001


@pytest.mark.django_db
def test_keys_and_rates_are_counted_apart():
    for _ in range(3):
        hit(T0, key="a", limit=3)
    assert hit(T0, key="a", limit=3).refused
    assert not hit(T0, key="b", limit=3).refused
    assert rate_key("auth", 60, "user:1") != rate_key("auth", 3600, "user:1") != rate_key("anon", 60, "user:1")
    assert len(rate_key("anon", 60, "2001:db8:ffff:ffff:ffff:ffff:ffff:ffff")) == 32


@pytest.mark.django_db
def test_one_statement_per_request(django_assert_num_queries):
    with django_assert_num_queries(1, using=COUNTS_DB):
        hit(T0)
    with django_assert_num_queries(1, using=COUNTS_DB):
        hit(T0 + 61)  # rolling the window over is the same statement
    for _ in range(9):
        hit(T0 + 61)
    with django_assert_num_queries(1, using=COUNTS_DB):
        assert hit(T0 + 61).refused  # a refusal too


class Model:
    """The counter in plain Python, from `window_of` and `allowed` alone: what the statement must agree with."""

    def __init__(self) -> None:
        self.period, self.count, self.previous = None, 0, 0

    def hit(self, now: float, limit: int, duration: int) -> Count:
        period, elapsed_ms = window_of(now, duration)
        if self.period is None or self.period < period - 1:
            self.period, self.count, self.previous = period, 0, 0
        elif self.period == period - 1:
            self.period, self.count, self.previous = period, 0, self.count
        served = allowed(
            previous=self.previous, count=self.count, limit=limit, duration=duration, elapsed_ms=elapsed_ms
        )
        self.count += served
        return Count(self.period, self.count, self.previous, not served)


_keys = iter(range(10**9))


@pytest.mark.django_db
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    limit=st.integers(min_value=0, max_value=6),
    steps=st.lists(st.integers(min_value=0, max_value=100_000), min_size=1, max_size=40),  # ms between requests
)
def test_the_statement_agrees_with_the_rule_in_python(limit, steps):
    """Any sequence of requests (0 to 100 s apart, to the millisecond) gives the same rows in the database as the
    rule computed in Python: window roll-over, the weighted previous window, refusals not counted."""
    key, model, now = f"model-{next(_keys)}", Model(), T0
    for step in steps:
        now += step / 1000
        assert hit(now, key=key, limit=limit) == model.hit(now, limit, 60)


# --------------------------------------------------------------------------- the API: 429, Retry-After, languages


@pytest.fixture
def limits(monkeypatch):
    """limits(anon, auth, now) sets the API's throttles (the instances the operations use) to these limits a
    minute and the fake clock to T0 + now; call again to move the clock."""
    from citybridge.api.router import api

    throttles = {type(t): t for t in api.throttle}

    def _set(anon: int = 60, auth: int = 1200, now: float = 0.0) -> None:
        for cls, limit in ((ClientAnonRateThrottle, anon), (ClientAuthRateThrottle, auth)):
            monkeypatch.setattr(throttles[cls], "num_requests", limit)
            monkeypatch.setattr(throttles[cls], "duration", 60)
            monkeypatch.setattr(throttles[cls], "timer", lambda now=now: T0 + now)

    return _set


@pytest.mark.django_db
@pytest.mark.parametrize(
    "language,detail",
    [("en", "Too many requests. Try again in 60 seconds."), ("zh-hans", "请求过多，请在 60 秒后重试。")],
)
def test_over_the_limit_the_api_answers_429_with_retry_after(language, detail, limits, staff, api_for):
    limits(auth=3, now=0)
    client = api_for(staff, language=language)
    assert [client.get("/api/v1/people").status_code for _ in range(4)] == [200, 200, 200, 429]
    refused = client.get("/api/v1/people")
    # 3 served at T0, in window 1000, which can serve no more: in window 1001 the estimate is 3 × (1 − f) + 0 + 1,
    # ≤ 3 once f ≥ 1/3, i.e. 20 s into it: T0 + 80. Asked at T0: 80 s; asked at T0 + 20: 60 s.
    assert refused.status_code == 429 and refused["Retry-After"] == "80"
    limits(auth=3, now=20)
    refused = client.get("/api/v1/people")
    assert refused["Retry-After"] == "60"
    assert refused.json() == {"detail": detail, "errors": []}
    limits(auth=3, now=80)
    assert client.get("/api/v1/people").status_code == 200


@pytest.mark.django_db
def test_one_second_is_singular(limits, staff, api_for):
    limits(auth=1, now=119.5)  # 1 served at T0 + 119.5 (window 1001): next only at the end of window 1002
    client = api_for(staff)
    assert client.get("/api/v1/people").status_code == 200
    limits(auth=1, now=179.5)  # 1 × (1 − 59.5/60) + 1 > 1; served at T0 + 180: 0.5 s → "1"
    refused = client.get("/api/v1/people")
    assert refused["Retry-After"] == "1"
    assert refused.json()["detail"] == "Too many requests. Try again in 1 second."


@pytest.mark.django_db
def test_users_are_counted_apart_and_a_new_token_gives_no_fresh_allowance(limits, staff, make_user, api_for):
    limits(auth=2)
    other = make_user("program_staff")
    first_token = api_for(staff)
    assert [first_token.get("/api/v1/people").status_code for _ in range(2)] == [200, 200]
    assert first_token.get("/api/v1/people").status_code == 429
    assert api_for(staff).get("/api/v1/people").status_code == 429  # another token of the same user
    assert api_for(other).get("/api/v1/people").status_code == 200  # another user


@pytest.mark.django_db
def test_the_browser_session_and_the_token_share_the_users_allowance(limits, staff, api_for, client_for):
    limits(auth=2)
    assert client_for(staff).get("/api/v1/people").status_code == 200
    assert api_for(staff).get("/api/v1/people").status_code == 200
    assert client_for(staff).get("/api/v1/people").status_code == 429


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_anonymous_requests_are_counted_per_address(language, limits, client_for):
    limits(anon=2)
    client = client_for(None, language=language)
    url = "/api/v1/outreach/impact"  # an operation with auth=None
    assert [client.get(url, REMOTE_ADDR="198.51.100.7").status_code for _ in range(3)] == [200, 200, 429]
    refused = client.get(url, REMOTE_ADDR="198.51.100.7")
    # 2 served at T0: next in window 1001 once 2 × (1 − f) + 1 ≤ 2, f ≥ 1/2: T0 + 90
    assert refused.status_code == 429 and refused["Retry-After"] == "90"
    expected = {"en": "Too many requests. Try again in 90 seconds.", "zh-hans": "请求过多，请在 90 秒后重试。"}
    assert refused.json()["detail"] == expected[language]
    # a forged X-Forwarded-For from a client that is no trusted proxy gives no fresh allowance
    forged = client.get(url, REMOTE_ADDR="198.51.100.7", HTTP_X_FORWARDED_FOR="1.2.3.4")
    assert forged.status_code == 429
    assert client.get(url, REMOTE_ADDR="198.51.100.8").status_code == 200  # another address


@pytest.mark.django_db
@override_settings(CITYBRIDGE_TRUSTED_PROXIES=[PROXY])
def test_behind_a_trusted_proxy_clients_are_told_apart_and_cannot_forge(limits, client_for):
    limits(anon=1)
    client, url = client_for(None), "/api/v1/outreach/impact"
    assert client.get(url, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.7").status_code == 200
    assert client.get(url, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="6.6.6.6, 198.51.100.7").status_code == 429
    assert client.get(url, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.20").status_code == 200


@pytest.mark.django_db
def test_signed_in_requests_are_not_counted_against_the_address(limits, staff, api_for, client_for):
    """Signed-in requests count per user only; anonymous ones per address only (one statement each)."""
    limits(anon=1, auth=5)
    url = "/api/v1/outreach/impact"
    assert client_for(None).get(url).status_code == 200
    assert client_for(None).get(url).status_code == 429
    assert api_for(staff).get("/api/v1/people").status_code == 200  # same address (127.0.0.1), signed in
    assert RateCount.objects.count() == 2


# --------------------------------------------------------------------------- query count


@pytest.mark.django_db
def test_a_signed_in_api_list_request_costs_one_query_for_its_rate_limit(limits, staff, api_for):
    """Under the real settings' database cache (which the throttle no longer uses): the token, the rate count's one
    statement, the user's roles, the page, the count. Before, ninja's throttle on that cache cost 5 (read the
    entry, COUNT(*) of the cache table for culling, then SELECT and UPDATE between BEGIN and COMMIT); on
    bench/load.py's /api/v1/people (its user has no roles to read) the request went from 8 queries to 4. On SQLite
    the count's statement goes to the counts' own database and the page's four to the main one."""
    import citybridge.settings as real

    limits(anon=60, auth=1200)  # the production rates (tests/settings.py counts nothing)
    client = api_for(staff)
    with override_settings(CACHES=real.CACHES):
        client.get("/api/v1/people")
        with (
            CaptureQueriesContext(connections["default"]) as main,
            CaptureQueriesContext(connections[COUNTS_DB]) as counts,
        ):
            assert client.get("/api/v1/people").status_code == 200
    page = [q["sql"] for q in main.captured_queries if '"core_ratecount"' not in q["sql"]]
    counted = [q["sql"] for q in counts.captured_queries if '"core_ratecount"' in q["sql"]]
    assert len(page) == 4 and not any("citybridge_cache" in s for s in page)
    assert len(counted) == 1 and counted[0].startswith('INSERT INTO "core_ratecount"')
    if COUNTS_DB != "default":  # nothing else goes to the counts' database, and they leave the main one alone
        assert len(counts.captured_queries) == 1 and len(main.captured_queries) == 4
        assert RateCount.objects.using(COUNTS_DB).get().count == 2
        assert "core_ratecount" not in connections["default"].introspection.table_names()


@pytest.mark.django_db
def test_a_rate_of_none_limits_nothing_and_counts_nothing(staff, api_for, client_for):
    """tests/settings.py sets both rates to None, so the query counts other tests pin are the views' own."""
    assert ClientAnonRateThrottle(None).allow_request(_request("198.51.100.7"))
    assert api_for(staff).get("/api/v1/people").status_code == 200
    assert client_for(None).get("/api/v1/outreach/impact").status_code == 200
    assert not RateCount.objects.exists()


# --------------------------------------------------------------------------- bounded: the daily prune


@pytest.mark.django_db
def test_the_daily_prune_deletes_only_rows_that_can_no_longer_count():
    now = T0 + 150  # window 1002 of one minute (60,120 s … 60,180 s), window 60 of one hour
    RateCount.objects.bulk_create(
        [
            RateCount(key="current", duration=60, period=1002, count=1),
            RateCount(key="previous", duration=60, period=1001, count=1),  # still weighs on window 1002
            RateCount(key="old", duration=60, period=1000, count=1),  # (1000 + 2) × 60 = 60,120 ≤ now: gone
            RateCount(key="ahead", duration=60, period=1003, count=1),  # a node's clock ahead: kept
            RateCount(key="hour-previous", duration=3600, period=15, count=1),  # (15 + 2) × 3600 = 61,200 > now
            RateCount(key="hour-old", duration=3600, period=14, count=1),  # 16 × 3600 = 57,600 ≤ now: gone
        ]
    )
    assert prune(now) == 2
    assert set(RateCount.objects.values_list("key", flat=True)) == {"current", "previous", "ahead", "hour-previous"}


@pytest.mark.django_db
def test_the_prune_is_a_daily_job_of_the_worker(monkeypatch):
    from datetime import UTC, datetime

    from citybridge.core import tasks

    assert "api_rate_counts_prune" in tasks.DAILY
    RateCount.objects.create(key="old", duration=60, period=1, count=1)
    hit(T0)  # a row of window 1000 of 1970: also long gone by today
    monkeypatch.setattr(tasks, "DAILY", {"api_rate_counts_prune": tasks.DAILY["api_rate_counts_prune"]})
    assert tasks.run_daily(datetime(2026, 11, 28, 12, tzinfo=UTC)) == {"api_rate_counts_prune": 2}
    assert not RateCount.objects.exists()


# --------------------------------------------------------------------------- concurrency


def _separate_connections(tmp_path):
    """A factory of connections to one database that several threads can write at once: on SQLite a file database
    (the test database lives in memory) with the project's options (WAL, IMMEDIATE, busy timeout); on PostgreSQL
    the test database itself (the test runs outside a transaction, so the threads see each other's rows)."""
    settings_dict = dict(connection.settings_dict)
    if connection.vendor == "sqlite":
        settings_dict["NAME"] = str(tmp_path / "rates.sqlite3")
    wrapper_class = type(connections[connection.alias])  # `connection` itself is a proxy
    make = lambda alias: wrapper_class(dict(settings_dict), alias=alias)  # noqa: E731
    if connection.vendor == "sqlite":
        setup = make("rates-setup")
        with setup.schema_editor(atomic=False) as editor:
            editor.create_model(RateCount)
        setup.close()
    return make


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("limit,served", [(10_000, 160), (100, 100)])
def test_concurrent_requests_on_one_key_are_each_counted_exactly_once(tmp_path, limit, served):
    """8 threads, each on its own connection, 20 requests each at once on one key: all 160 counted (no lost
    update); with a limit of 100, exactly 100 served and 60 refused."""
    make = _separate_connections(tmp_path)
    barrier = threading.Barrier(8)
    results: list[bool] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def worker(n: int) -> None:
        conn = make(f"rates-{n}")
        try:
            barrier.wait()
            mine = [
                not count_request(key="shared", limit=limit, duration=60, now=T0 + 1, connection=conn).refused
                for _ in range(20)
            ]
            with lock:
                results.extend(mine)
        except BaseException as exc:  # noqa: BLE001  (reported below, in the test's thread)
            errors.append(exc)
        finally:
            conn.close()

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(results) == 160 and sum(results) == served
    check = make("rates-check")
    with check.cursor() as cursor:
        cursor.execute('SELECT "count", "previous", "period" FROM "core_ratecount" WHERE "key" = %s', ["shared"])
        assert cursor.fetchall() == [(served, 0, 1000)]
    check.close()


# --------------------------------------------------------------------------- the throttle objects


def _request(remote, forwarded=None, auth=None):
    meta = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    request = RequestFactory().get("/", **meta)
    if auth is not None:
        request.auth = auth
    return request


def test_keys_anonymous_by_address_signed_in_by_user_id(staff):
    anon, auth = ClientAnonRateThrottle("5/m"), ClientAuthRateThrottle("5/m")
    assert anon.get_cache_key(_request("198.51.100.7")) == rate_key("anon", 60, "198.51.100.7")
    assert anon.get_cache_key(_request("198.51.100.7", auth=staff)) is None  # signed in: counted per user
    assert auth.get_cache_key(_request("198.51.100.7", auth=staff)) == rate_key("auth", 60, f"user:{staff.pk}")
    assert auth.get_cache_key(_request("198.51.100.8", auth=staff)) == auth.get_cache_key(
        _request("1.1.1.1", auth=staff)
    )
    assert auth.get_cache_key(_request("198.51.100.7")) is None  # anonymous: the anonymous throttle's


@pytest.mark.django_db
def test_two_processes_share_one_count():
    """Two throttle objects stand for two workers (or two web nodes): the count is in the database."""
    first, second = ClientAnonRateThrottle("2/m"), ClientAnonRateThrottle("2/m")
    assert first.allow_request(_request("198.51.100.7"))
    assert second.allow_request(_request("198.51.100.7"))
    assert not first.allow_request(_request("198.51.100.7"))
    assert first.wait() is not None and 0 < first.wait() <= 120
    assert second.allow_request(_request("198.51.100.8"))


@pytest.mark.django_db
def test_what_wait_needs_is_kept_per_thread():
    throttle = ClientAnonRateThrottle("1/m")
    throttle.timer = lambda: T0 + 30
    assert throttle.allow_request(_request("198.51.100.7"))
    assert not throttle.allow_request(_request("198.51.100.7"))
    seen = []
    thread = threading.Thread(target=lambda: seen.append(throttle.wait()))
    thread.start()
    thread.join()
    assert seen == [None]  # another thread's request has not asked anything
    assert throttle.wait() == pytest.approx(90)  # 1 served at T0 + 30: next at the end of window 1001, T0 + 120


@pytest.mark.django_db
def test_the_statement_is_built_once_per_database_vendor():
    ratelimit._STATEMENTS.clear()
    hit(T0)
    built = ratelimit._STATEMENTS[connection.vendor]
    hit(T0)
    assert ratelimit._STATEMENTS[connection.vendor] is built
    assert "ON CONFLICT" in built and "RETURNING" in built and built.count("%s") == 22
