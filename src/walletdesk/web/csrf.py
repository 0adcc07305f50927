"""The pages' CSRF token: Django's masked token, its random characters read at once.

Django's ``get_token`` masks the CSRF secret with 32 characters that ``get_random_string``
draws one by one through ``secrets.choice``: 32 reads of the system's random source, each a
system call during which the thread lets go of the interpreter lock. In a server whose threads
share that lock, every one of those hand-offs is a switch between threads, so the mask of one
page cost far more CPU than its arithmetic (issue #16: a third of the server's samples on the
anonymous help page). Here the same token is made from one read: ``secrets.token_bytes``,
each byte kept only below the largest multiple of 62 (bytes above it would favour the first
letters) and mapped to ``CSRF_ALLOWED_CHARS``, so every character is still uniform and
unpredictable (ADR 0123).

The format is Django's: a 32-character mask, then the secret shifted by it, 64 characters,
which ``CsrfViewMiddleware`` unmasks and checks as before. ``get_token`` does what Django's
does besides (the new secret when the request has none, the flag that sends the cookie). The
context processor ``csrf`` overrides Django's built-in one (which runs first and whose lazy
value is then never evaluated); ``{% csrf_token %}`` and ``{{ csrf_token }}`` read it.
"""

from __future__ import annotations

import secrets
from typing import Any

from django.http import HttpRequest
from django.middleware.csrf import CSRF_ALLOWED_CHARS, CSRF_SECRET_LENGTH
from django.utils.functional import SimpleLazyObject

_CHARS = CSRF_ALLOWED_CHARS
_INDEX = {c: i for i, c in enumerate(_CHARS)}
# 248 = 4 × 62: a byte from 248 up is dropped, so each character has the same chance.
_KEEP_BELOW = 256 - 256 % len(_CHARS)


def random_chars(n: int) -> str:
    """``n`` characters of ``CSRF_ALLOWED_CHARS``, uniform, from the system's random source."""
    out: list[str] = []
    while len(out) < n:
        # A few bytes to spare: 3 % are dropped, so a second read is rare.
        for byte in secrets.token_bytes(n - len(out) + 8):
            if byte < _KEEP_BELOW:
                out.append(_CHARS[byte % len(_CHARS)])
                if len(out) == n:
                    break
    return "".join(out)


def mask(secret: str) -> str:
    """The secret masked as Django's ``_mask_cipher_secret`` does, with a new mask."""
    key = random_chars(CSRF_SECRET_LENGTH)
    size = len(_CHARS)
    return key + "".join(_CHARS[(_INDEX[s] + _INDEX[k]) % size] for s, k in zip(secret, key, strict=False))


def get_token(request: HttpRequest) -> str:
    """As ``django.middleware.csrf.get_token``: the request's secret (a new one when it has
    none), flagged so that the middleware sends the cookie, masked afresh."""
    if "CSRF_COOKIE" in request.META:
        secret = request.META["CSRF_COOKIE"]
        request.META["CSRF_COOKIE_NEEDS_UPDATE"] = True
    else:
        secret = random_chars(CSRF_SECRET_LENGTH)
        request.META.update({"CSRF_COOKIE": secret, "CSRF_COOKIE_NEEDS_UPDATE": True})
    return mask(secret)


def csrf(request: HttpRequest) -> dict[str, Any]:
    """Context processor: the token, made only when a template shows it."""
    return {"csrf_token": SimpleLazyObject(lambda: get_token(request))}
