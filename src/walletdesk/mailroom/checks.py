"""Deployment checks of support by email (`walletdesk check --deploy`)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, Warning, register

from . import conf


@register(deploy=True)
def mail_settings(app_configs: Any, **kwargs: Any) -> list[Warning | Error]:
    out: list[Warning | Error] = []
    try:
        cfg = conf.get()
    except ValueError as exc:
        return [Error(str(exc), id="walletdesk.mailroom.E001")]
    if settings.PRODUCTION and not cfg.authserv_id:
        out.append(Warning(
            "WALLETDESK_SMTP_AUTHSERV_ID is not set: no inbound From is ever vouched for, so every "
            "email conversation stays a guest conversation without account context (ADR 0080).",
            id="walletdesk.mailroom.W001"))
    if cfg.listen is not None and cfg.listen[0] not in ("127.0.0.1", "::1", "localhost"):
        out.append(Warning(
            "WALLETDESK_SMTP_LISTEN is not a loopback address: put the listener behind your MX on a "
            "private network, never directly on the internet (docs/email-support.md).",
            id="walletdesk.mailroom.W002"))
    return out
