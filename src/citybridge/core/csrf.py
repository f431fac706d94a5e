"""Django's CSRF strings drawn from one `os.urandom` call instead of 32 (issue 9, "Fast at any depth").

Every signed-in page carries a CSRF token (the header's sign-out and language forms, htmx's header). Django masks
the cookie's secret with a fresh random string on each response (BREACH protection; kept), and draws that string as
`get_random_string(32)`: 32 `secrets.choice` calls, each its own `os.urandom` read, 25 µs per string, one or two per
page, about 2 % of a list page. `random_csrf_string` gives the same thing: 32 characters of the same 62
(CSRF_ALLOWED_CHARS), each uniform and independent, from the same source (`os.urandom`), in under 1 µs. A byte
below 248 (= 4 × 62) is taken modulo 62, so every character is equally likely; a byte of 248-255 is dropped.

`install()` (CoreConfig.ready) puts it in place of `django.middleware.csrf._get_new_csrf_string`, the one function
Django calls for both the mask and a new secret, and `mask_cipher_secret` in place of `_mask_cipher_secret`: the same
cipher (each character of the secret shifted by the mask's, modulo 62) with the characters' positions looked up in a
table instead of `str.index` twice per character (10 µs a page; a page with a form or htmx masks once).
`tests/core/test_csrf_strings.py` checks that the functions it replaces are still there, that Django unmasks our tokens
and that forms still verify.
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


_CHARS = csrf.CSRF_ALLOWED_CHARS
_POSITION = {char: i for i, char in enumerate(_CHARS)}


def mask_cipher_secret(secret: str) -> str:
    """Django's `_mask_cipher_secret`: a fresh mask, then the secret ciphered by it (`_unmask_cipher_token` reverses
    it). A character outside the alphabet raises KeyError where Django's raised ValueError: a secret is checked
    before it is masked, so neither is ever raised."""
    mask = random_csrf_string()
    size = len(_CHARS)
    return mask + "".join(_CHARS[(_POSITION[x] + _POSITION[y]) % size] for x, y in zip(secret, mask, strict=False))


def install() -> None:
    """Draw Django's CSRF masks and secrets with random_csrf_string, and mask with mask_cipher_secret."""
    for name in ("_get_new_csrf_string", "_mask_cipher_secret"):
        if not callable(getattr(csrf, name, None)):  # a Django without it would do its own: say so
            raise RuntimeError(f"django.middleware.csrf.{name} is gone: review core/csrf.py")
    csrf._get_new_csrf_string = random_csrf_string
    csrf._mask_cipher_secret = mask_cipher_secret
