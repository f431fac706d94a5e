"""Django's CSRF strings drawn by core/csrf.py (one os.urandom read instead of 32): same alphabet, same length, every
character equally likely, and the tokens pages carry still verify (issue 9)."""

from __future__ import annotations

import re
from collections import Counter

from django.middleware import csrf as django_csrf
from django.test import Client, RequestFactory

from citybridge.core import csrf


def test_django_draws_its_csrf_strings_and_masks_with_ours():
    assert django_csrf._get_new_csrf_string is csrf.random_csrf_string
    assert django_csrf._mask_cipher_secret is csrf.mask_cipher_secret


def test_our_mask_is_django_s_cipher():
    """Django's own unmasking gives the secret back, and with the same mask our cipher is Django's, character for
    character (Django's function as it reads: each position shifted by the mask's, modulo 62)."""
    chars = django_csrf.CSRF_ALLOWED_CHARS
    for _ in range(500):
        secret = csrf.random_csrf_string()
        token = csrf.mask_cipher_secret(secret)
        assert len(token) == 2 * django_csrf.CSRF_SECRET_LENGTH and set(token) <= set(chars)
        assert django_csrf._unmask_cipher_token(token) == secret
        mask = token[: django_csrf.CSRF_SECRET_LENGTH]
        expected = "".join(
            chars[(chars.index(x) + chars.index(y)) % len(chars)] for x, y in zip(secret, mask, strict=False)
        )
        assert token[django_csrf.CSRF_SECRET_LENGTH :] == expected
    edge = chars[-1] * django_csrf.CSRF_SECRET_LENGTH  # the largest shift wraps round
    assert django_csrf._unmask_cipher_token(csrf.mask_cipher_secret(edge)) == edge


def test_every_character_is_equally_likely():
    """Each of the 62 characters stands for exactly 4 of the 248 bytes kept; the other 8 bytes are dropped."""
    kept = Counter(chr(csrf._TABLE[b]) for b in range(256) if b < csrf._KEEP)
    assert set(kept) == set(django_csrf.CSRF_ALLOWED_CHARS) and set(kept.values()) == {4}
    assert bytes(range(256)).translate(csrf._TABLE, csrf._DROP) == bytes(csrf._TABLE[:248])


def test_strings_have_the_length_and_alphabet_django_checks():
    strings = {csrf.random_csrf_string() for _ in range(2000)}
    assert len(strings) == 2000  # never repeated
    allowed = set(django_csrf.CSRF_ALLOWED_CHARS)
    assert all(len(s) == django_csrf.CSRF_SECRET_LENGTH and set(s) <= allowed for s in strings)
    # all 62 characters turn up in every position's column over 2,000 draws (a stuck or skewed position would not)
    assert all(len({s[i] for s in strings}) == 62 for i in range(django_csrf.CSRF_SECRET_LENGTH))


def test_a_masked_token_unmasks_to_the_cookie_secret():
    request = RequestFactory().get("/")
    first, second = django_csrf.get_token(request), django_csrf.get_token(request)
    secret = request.META["CSRF_COOKIE"]
    assert first != second  # a fresh mask each time (BREACH)
    assert django_csrf._unmask_cipher_token(first) == django_csrf._unmask_cipher_token(second) == secret


def test_the_token_a_page_carries_is_accepted_and_a_forged_one_refused(staff):
    client = Client(enforce_csrf_checks=True)
    client.force_login(staff, backend="citybridge.core.auth.EmailBackend")
    page = client.get("/").content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([A-Za-z0-9]{64})"', page).group(1)
    ok = client.post("/i18n/setlang/", {"csrfmiddlewaretoken": token, "language": "zh-hans", "next": "/"})
    assert ok.status_code == 302
    forged = token[:32] + csrf.random_csrf_string()
    refused = client.post("/i18n/setlang/", {"csrfmiddlewaretoken": forged, "language": "en", "next": "/"})
    assert refused.status_code == 403
