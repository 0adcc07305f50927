"""The installable app: web manifest, service worker (served from the site root so its scope
is the whole site) and the offline page. None of these responses holds anything personal:
they are the same for every visitor and safe to cache (ADR 0095)."""

from __future__ import annotations

import json

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from walletdesk.notify.client import app_version

THEME = "#1f5ecc"
BACKGROUND = "#f6f7fb"
# What the worker caches: static files (the same for everyone) and the offline page.
# Everything else (pages, /api/, /wallet/, /account/, /support/ ...) is network-only.
SHELL = ("web/site.css", "web/favicon.svg", "web/pwa/pwa.css", "web/pwa/pwa.js",
         "web/pwa/icon-192.png", "web/pwa/icon-512.png")


def _language(request: HttpRequest) -> str:
    wanted = request.GET.get("lang", "")
    codes = [code for code, _name in settings.LANGUAGES]
    return wanted if wanted in codes else (translation.get_language() or settings.LANGUAGE_CODE)


def manifest_data(language: str) -> dict[str, object]:
    with translation.override(language):
        return {
            "id": "/",
            "name": _("walletdesk"),
            "short_name": _("walletdesk"),
            "description": _("Your wallet, with a real person when you need one."),
            "lang": language,
            "start_url": reverse("web:home") + "?source=installed",
            "scope": "/",
            "display": "standalone",
            "orientation": "portrait",
            "theme_color": THEME,
            "background_color": BACKGROUND,
            "icons": [
                {"src": static("web/pwa/icon-192.png"), "sizes": "192x192", "type": "image/png",
                 "purpose": "any"},
                {"src": static("web/pwa/icon-512.png"), "sizes": "512x512", "type": "image/png",
                 "purpose": "any"},
                {"src": static("web/pwa/icon-maskable-192.png"), "sizes": "192x192",
                 "type": "image/png", "purpose": "maskable"},
                {"src": static("web/pwa/icon-maskable-512.png"), "sizes": "512x512",
                 "type": "image/png", "purpose": "maskable"},
            ],
        }


@require_GET
@cache_control(public=True, max_age=3600)
def manifest(request: HttpRequest) -> HttpResponse:
    body = json.dumps(manifest_data(_language(request)), ensure_ascii=False, indent=1)
    return HttpResponse(body, content_type="application/manifest+json; charset=utf-8")


def shell_urls() -> list[str]:
    return [reverse("pwa:offline"), *(static(path) for path in SHELL)]


@require_GET
@cache_control(no_cache=True, max_age=0)
def service_worker(request: HttpRequest) -> HttpResponse:
    """The worker script; its cache name carries the app version, so a deploy is a new
    worker, which waits until the page's "reload" prompt lets it take over."""
    script = render_to_string("web/sw.js", {
        "version": json.dumps(app_version()),
        "shell": json.dumps(shell_urls()),
        "static_prefix": json.dumps(settings.STATIC_URL),
        "offline": json.dumps(reverse("pwa:offline")),
    })
    response = HttpResponse(script, content_type="text/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = "/"
    return response


@require_GET
@cache_control(public=True, max_age=0)
def offline(request: HttpRequest) -> HttpResponse:
    """Rendered without the signed-in user (it is cached): no name, no form, no token."""
    return render(request, "web/offline.html", {"version": app_version()})
