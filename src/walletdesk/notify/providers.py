"""SMS providers. A real one sits behind the same interface; the development provider
records each message in the outbox and can fail the way a real gateway does."""

from __future__ import annotations

import random
import uuid
from typing import Protocol

from django.utils.module_loading import import_string

from . import conf


class SmsDeliveryFailed(Exception):
    pass


class SmsProvider(Protocol):
    def send(self, to: str, body: str) -> str:
        """Send one message; returns the provider's message id or raises SmsDeliveryFailed."""
        ...


class DevelopmentSmsProvider:
    """Writes each message to the outbox. Numbers listed in NOTIFY["SMS_FAIL_NUMBERS"] and a
    share NOTIFY["SMS_FAIL_RATE"] of the rest are refused, like an unreachable handset."""

    def send(self, to: str, body: str) -> str:
        from .models import OutboxMessage

        cfg = conf.get()
        if to in cfg.sms_fail_numbers or random.random() < cfg.sms_fail_rate:
            raise SmsDeliveryFailed("the development gateway refused the message")
        OutboxMessage.objects.create(channel="sms", to=to, body=body)
        return f"dev-{uuid.uuid4().hex[:12]}"


def sms_provider() -> SmsProvider:
    provider: SmsProvider = import_string(conf.get().sms_provider)()
    return provider
