"""Sign-in by e-mail (case-insensitive), its per-account cool-off, password-reset request limits and API token
authentication. Counters live in Django's cache, which every worker shares (settings.CACHES)."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import TYPE_CHECKING, NamedTuple

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.core.cache import cache
from django.db import connection
from django.db.models.expressions import Col
from django.utils import timezone

if TYPE_CHECKING:
    from django.http import HttpRequest

    from .models import User


TOKEN_PREFIX = "cb_"


def normalise_email(value: str | None) -> str:
    """The one form of an e-mail every sign-in counter and lookup uses: stripped and lower-cased."""
    return str(value or "").strip().lower()


def axes_username(request: HttpRequest, credentials: dict | None = None) -> str:
    """AXES_USERNAME_CALLABLE: django-axes counts `Staff@X` and `staff@x ` as the same account."""
    field = settings.AXES_USERNAME_FORM_FIELD
    if credentials:
        value = credentials.get(field) or credentials.get("email")
    else:
        data = getattr(request, "data", None) or getattr(request, "POST", {})
        value = data.get(field)
    return normalise_email(value)


class _UserRead(NamedTuple):
    columns: str  # the user table's columns, qualified and quoted, as a SELECT list
    names: list[str]  # the fields' attribute names, in that order
    converters: list[tuple[int, Col, list]]  # (position, column, converters) of each column the database returns raw


_user_reads: dict[str, _UserRead] = {}


def _user_read() -> _UserRead:
    """How to read a user row on this database, worked out once per process and database: the converters are those
    Django's compiler applies (the backend's, then the field's: SQLite returns dates as text and booleans as 0/1)."""
    from .models import User

    read = _user_reads.get(connection.vendor)
    if read is None:
        table, quote = User._meta.db_table, connection.ops.quote_name
        fields = User._meta.concrete_fields
        converters = []
        for i, field in enumerate(fields):
            column = Col(table, field)
            found = connection.ops.get_db_converters(column) + column.get_db_converters(connection)
            if found:
                converters.append((i, column, found))
        columns = ", ".join(f"{quote(table)}.{quote(field.column)}" for field in fields)
        read = _user_reads[connection.vendor] = _UserRead(columns, [field.attname for field in fields], converters)
    return read


def _user_from_row(read: _UserRead, row: tuple) -> User:
    from .models import User

    values = list(row[: len(read.names)])
    for i, column, converters in read.converters:
        for convert in converters:
            values[i] = convert(values[i], column, connection)
    return User.from_db(connection.alias, read.names, values)


def user_by_pk(pk: int) -> User | None:
    """The user with this key, or None, in one parameterised statement read into the model (`Model.from_db`, as
    the ORM does): every signed-in request and every API call loads its user, and the ORM's `get(pk=…)` builds and
    compiles that query anew each time (issue 9: 0.39 ms of CPU, against 0.05 ms here; a third of a bare signed-in page)."""
    from .models import User

    read, quote = _user_read(), connection.ops.quote_name
    sql = f"SELECT {read.columns} FROM {quote(User._meta.db_table)} WHERE {quote(User._meta.pk.column)} = %s"  # noqa: S608 - the model's names
    with connection.cursor() as cursor:
        cursor.execute(sql, [pk])
        row = cursor.fetchone()
    return None if row is None else _user_from_row(read, row)


class EmailBackend(ModelBackend):
    def get_user(self, user_id: int) -> User | None:
        """As Django's ModelBackend: the active user of a session (user_by_pk)."""
        user = user_by_pk(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None

    def authenticate(
        self, request: HttpRequest, username: str | None = None, password: str | None = None, **kwargs
    ) -> User | None:
        from .models import User

        email = normalise_email(username or kwargs.get("email"))
        if not email or password is None:
            return None
        try:
            user = User.objects.get(email=email)
        except User.DoesNotExist:
            User().set_password(password)  # same time whether or not the user exists
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None


def hash_token(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def new_token_secret() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def user_for_token(secret: str) -> User | None:
    """The active user owning this token, or None. Records when the token was last used (at most once a minute).
    One parameterised statement reads the user with its token's key and whether that record is a minute old, as a
    session's user is read (user_by_pk): the ORM's join, compiled anew on every API call, cost 0.7 ms of CPU more."""
    from .models import ApiToken, User

    if not secret or not secret.startswith(TOKEN_PREFIX) or len(secret) > 100:
        return None
    read, quote = _user_read(), connection.ops.quote_name
    user_table, token = quote(User._meta.db_table), quote(ApiToken._meta.db_table)
    sql = (
        f"SELECT {read.columns}, {token}.{quote('id')}, ({token}.{quote('last_used_at')} IS NULL "  # noqa: S608 - the models' names; the values are parameters
        f"OR {token}.{quote('last_used_at')} < %s) FROM {token} INNER JOIN {user_table} "
        f"ON {token}.{quote('user_id')} = {user_table}.{quote(User._meta.pk.column)} "
        f"WHERE {token}.{quote('key_hash')} = %s AND {token}.{quote('revoked_at')} IS NULL"
    )
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(sql, [connection.ops.adapt_datetimefield_value(now - timedelta(seconds=60)), hash_token(secret)])
        row = cursor.fetchone()
    if row is None:
        return None
    user, (token_id, stale) = _user_from_row(read, row), row[-2:]
    if not user.is_active:
        return None
    if stale:
        ApiToken.objects.filter(pk=token_id).update(last_used_at=now)
    return user


# --------------------------------------------------------------------------- per-account sign-in cool-off


def _account_keys(email: str) -> tuple[str, str]:
    digest = hashlib.sha256(normalise_email(email).encode()).hexdigest()
    return f"signin:failures:{digest}", f"signin:gate:{digest}"


def _cooloff_seconds(failures: int) -> int:
    free, first, longest = settings.CITYBRIDGE_LOGIN_ACCOUNT_COOLOFF
    return min(first * 2 ** max(failures - free, 0), longest)


def account_attempt_allowed(email: str) -> bool:
    """Whether a sign-in attempt for this account may be checked now, from any address.

    After the allowed failures the account is behind a gate: one attempt per cool-off (15 s doubling to 1 min).
    `cache.add` is atomic, so parallel guesses cannot all pass when a cool-off ends. A refused attempt checks no
    password, counts nothing and does not extend the cool-off. A browser that signed in to the account before
    skips the gate (is_known_device), so the real user is not kept out even by a guesser who keeps it busy.
    """
    failures_key, gate_key = _account_keys(email)
    failures = cache.get(failures_key, 0)
    if failures < settings.CITYBRIDGE_LOGIN_ACCOUNT_COOLOFF[0]:
        return True
    return cache.add(gate_key, 1, timeout=_cooloff_seconds(failures))


def account_failure(email: str) -> None:
    """Record a failed sign-in for the account; failures are forgotten 15 minutes after the last one."""
    failures_key, gate_key = _account_keys(email)
    failures = cache.get(failures_key, 0) + 1
    cache.set(failures_key, failures, timeout=int(settings.AXES_COOLOFF_TIME * 3600))
    if failures >= settings.CITYBRIDGE_LOGIN_ACCOUNT_COOLOFF[0]:
        cache.set(gate_key, 1, timeout=_cooloff_seconds(failures))


def account_success(email: str) -> None:
    cache.delete_many(list(_account_keys(email)))


#: a browser that signed in to an account before skips that account's cool-off ("device cookie", OWASP), so a
#: guesser keeping the cool-off busy cannot keep the real user out; the per-address lock still applies to it.
DEVICE_COOKIE = "citybridge_device"
DEVICE_COOKIE_AGE = 180 * 24 * 3600
_DEVICE_SALT = "citybridge.core.auth.device"


def device_cookie_value(email: str) -> str:
    from django.core import signing

    return signing.dumps(hashlib.sha256(normalise_email(email).encode()).hexdigest()[:32], salt=_DEVICE_SALT)


def is_known_device(request: HttpRequest, email: str) -> bool:
    from django.core import signing

    value = getattr(request, "COOKIES", {}).get(DEVICE_COOKIE, "")
    if not value or len(value) > 200:
        return False
    try:
        digest = signing.loads(value, salt=_DEVICE_SALT, max_age=DEVICE_COOKIE_AGE)
    except signing.BadSignature:
        return False
    return secrets.compare_digest(str(digest), hashlib.sha256(normalise_email(email).encode()).hexdigest()[:32])


# --------------------------------------------------------------------------- password-reset request limits


def _count(key: str, limit: int, seconds: int) -> bool:
    """One more request under `key` in a fixed window; True while within `limit`."""
    cache.add(key, 0, timeout=seconds)
    try:
        n = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=seconds)
        n = 1
    return n <= limit


def password_reset_allowed(*, address: str, email: str) -> bool:
    """Counts a password-reset request per client address and per e-mail asked for (whether or not an account
    has it, so the answer reveals nothing); False when either is over settings.CITYBRIDGE_PASSWORD_RESET_LIMITS."""
    limits = settings.CITYBRIDGE_PASSWORD_RESET_LIMITS
    digest = hashlib.sha256(normalise_email(email).encode()).hexdigest()
    by_address = _count(f"reset:address:{address}", *limits["address"])
    by_email = _count(f"reset:email:{digest}", *limits["email"])
    return by_address and by_email
