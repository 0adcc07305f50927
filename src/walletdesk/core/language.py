"""Languages a browser asks for that Django's LocaleMiddleware does not map by itself.

Django already maps ``zh-HK``, ``zh-TW``, ``zh-MO`` and ``zh-Hant*`` to zh-hant and ``zh``,
``zh-CN``, ``zh-SG`` and ``zh-Hans*`` to zh-hans (its LANG_INFO fallbacks). Cantonese
(``yue``, ``yue-HK``), which Hong Kong phones send, would fall through to the default
(Simplified Chinese): a Cantonese reader in Hong Kong reads Traditional Chinese.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

_CANTONESE = re.compile(r"(?<![A-Za-z-])yue(?:-[A-Za-z0-9]+)*", re.IGNORECASE)


def rewrite_accept_language(header: str) -> str:
    """``yue`` and ``yue-*`` tags become ``zh-hant`` (their q-values are kept)."""
    return _CANTONESE.sub("zh-hant", header)


class CantoneseMiddleware:
    """Runs before LocaleMiddleware: reads a Cantonese Accept-Language as zh-hant."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        header = request.META.get("HTTP_ACCEPT_LANGUAGE", "")
        if "yue" in header.lower():
            request.META["HTTP_ACCEPT_LANGUAGE"] = rewrite_accept_language(header)
        return self.get_response(request)
