"""Request bodies' texts kept in both languages (core.api.language_texts): `<field>_en` and `<field>_zh_hans`, or
`<field>` alone, the text in the request's language, as clients written before the text became two send it. Such a
client hears of a refused text on `<field>`, the name it sent, not on a column it does not know."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.core.exceptions import ValidationError

from citybridge.core.api import language_texts

__all__ = ["errors_as_sent", "pair_names", "texts_in_languages"]


def pair_names(*fields: str) -> set[str]:
    """Every name a body may give the texts by: `<field>`, `<field>_en`, `<field>_zh_hans`."""
    return {name for field in fields for name in (field, f"{field}_en", f"{field}_zh_hans")}


def texts_in_languages(data: dict, *fields: str, null_empties: bool = False) -> dict:
    """`data` with each of `fields` as its two columns (language_texts). `null_empties` (a PATCH's body, unset
    fields left out): `<field>` sent as null empties the text in the request's language, what an update did with null
    before the text became two (`<field>_en` or `<field>_zh_hans` sent as null empties that language's)."""
    if null_empties:
        for name in fields:
            if name in data and data[name] is None:
                data[name] = ""
    return language_texts(data, *fields)


@contextmanager
def errors_as_sent(sent: dict, *fields: str) -> Iterator[None]:
    """Errors on `<field>_en` or `<field>_zh_hans` reported on `<field>` when the body gave neither of the two
    (it sent `<field>` alone, or nothing)."""
    try:
        yield
    except ValidationError as exc:
        one = {f for f in fields if sent.get(f"{f}_en") is None and sent.get(f"{f}_zh_hans") is None}
        if not hasattr(exc, "error_dict") or not one:
            raise
        names = {f"{f}_{suffix}": f for f in one for suffix in ("en", "zh_hans")}
        if not names.keys() & exc.error_dict.keys():
            raise
        renamed: dict[str, list] = {}
        for key, errors in exc.error_dict.items():
            renamed.setdefault(names.get(key, key), []).extend(errors)
        raise ValidationError(renamed) from exc
