"""The API side of "no lost updates": the version a PUT/PATCH started from (body `version` or `If-Match`),
the `ETag` on detail and write responses, and the current representation in a 409 answer."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from django.http import HttpRequest, HttpResponse

from citybridge.core.concurrency import StaleEdit

if TYPE_CHECKING:
    from ninja import Schema

    from citybridge.core.concurrency import Versioned

_ETAG = re.compile(r'^\s*(?:W/)?"?(\d{1,10})"?\s*$')


def expected_version(request: HttpRequest, body_version: int | None) -> int | None:
    """The body's `version` if sent, else the `If-Match: "<version>"` header; None (refused by the service)."""
    if body_version is not None:
        return body_version
    match = _ETAG.match(request.headers.get("If-Match", ""))
    return int(match.group(1)) if match else None


def etag(response: HttpResponse, obj: Versioned) -> None:
    response["ETag"] = f'"{obj.version}"'


@contextmanager
def stale_as(schema: type[Schema], request: HttpRequest) -> Iterator[None]:
    """A StaleEdit raised inside leaves with the record's current representation in `schema` (409 `current`)."""
    try:
        yield
    except StaleEdit as exc:
        exc.representation = schema.from_orm(exc.instance, context={"request": request}).model_dump(mode="json")
        raise
