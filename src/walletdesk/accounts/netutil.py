"""The client's address. X-Forwarded-For is believed only from a configured proxy."""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def _valid(raw: str) -> str | None:
    try:
        return str(ipaddress.ip_address(raw.strip()))
    except ValueError:
        return None


def client_ip(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    remote = _valid(request.META.get("REMOTE_ADDR", "") or "")
    trusted = set(settings.TRUSTED_PROXIES)
    if remote is None or remote not in trusted:
        return remote
    # Walk the chain from the right: the first hop that is not one of our proxies.
    hops = [h for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if h.strip()]
    for hop in reversed(hops):
        ip = _valid(hop)
        if ip is None:
            return remote
        if ip not in trusted:
            return ip
    return remote


def user_agent(request: HttpRequest | None) -> str:
    if request is None:
        return ""
    return (request.META.get("HTTP_USER_AGENT", "") or "")[:300]
