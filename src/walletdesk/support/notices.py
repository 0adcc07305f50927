"""Messages that support sends by email or SMS, through the notify app's delivery job.

The notify app renders its own kinds; support renders its own templates here
(same anti-phishing phrase head, same sealed after-commit delivery job).
"""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from walletdesk.core.services import jobs
from walletdesk.notify import services as notify

SUBJECTS = {
    "support_code": _("Your walletdesk support verification code"),
    "support_transcript": _("Your walletdesk support transcript"),
}


def send(kind: str, address: str, user: Any, **context: Any) -> None:
    channel = notify.channel_of(address)
    phrase = mark_safe(getattr(user, "anti_phishing_phrase", "") or "")  # noqa: S308
    context = {k: mark_safe(v) if isinstance(v, str) else v for k, v in context.items()}  # noqa: S308
    with translation.override(getattr(user, "language", None) or "zh-hans"):
        subject = str(SUBJECTS[kind])
        body = render_to_string(f"support/messages/{kind}.txt", {**context, "channel": channel}).strip()
        head = render_to_string("notify/messages/_phrase.txt", {"phrase": phrase}).strip()
    text = f"{head}\n\n{body}\n" if channel == "email" else f"{head} {' '.join(body.split())}"
    msg = notify.Rendered(kind, channel, address, subject, text, getattr(user, "pk", None))
    jobs.enqueue("notify.deliver", sealed=notify.seal(msg))
