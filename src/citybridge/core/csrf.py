"""Django's CSRF strings drawn from one `os.urandom` call instead of 32 (issue 9, "Fast at any depth").

Every signed-in page carries a CSRF token (the header's sign-out and language forms, htmx's header). Django masks
the cookie's secret with a fresh random string on each response (BREACH protection; kept), and draws that string as
`get_random_string(32)`: 32 `secrets.choice` calls, each its own `os.urandom` read, 25 µs per string, one or two per
page, about 2 % of a list page. `random_csrf_string` gives the same thing: 32 characters of the same 62
(CSRF_ALLOWED_CHARS), each uniform and independent, from the same source (`os.urandom`), in under 1 µs. A byte
below 248 (= 4 × 62) is taken modulo 62, so every character is equally likely; a byte of 248-255 is dropped.

`install()` (CoreConfig.ready) puts it in place of `django.middleware.csrf._get_new_csrf_string`, the one function
Django calls for both the mask and a new secret; `tests/core/test_csrf_strings.py` checks that the function it
replaces is still there and that forms still verify.
"""

from __future__ import annotations

import os

from django.middleware import csrf

LENGTH = csrf.CSRF_SECRET_LENGTH
_ALPHABET = csrf.CSRF_ALLOWED_CHARS.encode()
_KEEP = 4 * len(_ALPHABET)  # 248: the bytes below it map evenly onto the alphabet
#: byte -> character (the bytes from _KEEP on are deleted, so their table entries are never used)
_TABLE = bytes(_ALPHABET[b % len(_ALPHABET)] if b < _KEEP else 0 for b in range(256))
_DROP = bytes(range(_KEEP, 256))


def random_csrf_string() -> str:
    """LENGTH characters of CSRF_ALLOWED_CHARS, uniform and independent, from os.urandom."""
    while True:
        # 48 bytes leave fewer than 32 after dropping (each is dropped with probability 8/256) about once in 10^13
        kept = os.urandom(48).translate(_TABLE, _DROP)
        if len(kept) >= LENGTH:
            return kept[:LENGTH].decode("ascii")


def install() -> None:
    """Draw Django's CSRF masks and secrets with random_csrf_string."""
    if not callable(getattr(csrf, "_get_new_csrf_string", None)):  # a Django without it would draw its own: say so
        raise RuntimeError("django.middleware.csrf._get_new_csrf_string is gone: review core/csrf.py")
    csrf._get_new_csrf_string = random_csrf_string
