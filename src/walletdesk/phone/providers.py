"""Telephony providers. A real one (a SIP trunk or a cloud voice API) sits behind the same
interface: ``place_call(number, agent) -> call id`` and ``hang_up(call id)``; it reports
status events (ringing, answered, no_answer, failed, completed) by calling
``phone.services.on_call_event`` (from its webhook handler).

The development provider behaves like one: the request itself can be refused (a
provider outage), calls ring for a while, then are answered, go unanswered or fail,
at configurable rates and for configured numbers; events arrive later, through the
job queue, never inside the request that placed the call.
"""

from __future__ import annotations

import random
import uuid
from typing import Any, Protocol

from django.utils.module_loading import import_string

from walletdesk.core.services import jobs

from . import conf


class TelephonyError(Exception):
    """The provider refused the request (outage, invalid number)."""


class TelephonyProvider(Protocol):
    name: str

    def place_call(self, number: str, agent: Any) -> str:
        """Start ringing ``number`` (E.164) and bridge it to ``agent``; returns the call id."""
        ...

    def hang_up(self, call_id: str) -> None:
        ...


def _event(call_id: str, status: str, delay: float) -> None:
    jobs.enqueue("phone.provider_event", delay=delay, call_id=call_id, status=status)


class DevelopmentTelephonyProvider:
    name = "development"

    def place_call(self, number: str, agent: Any) -> str:
        cfg = conf.get()
        if not number.startswith("+") or not number[1:].isdigit():
            raise TelephonyError("the number is not in E.164 form")
        if random.random() < cfg.dev_unavailable_rate:
            raise TelephonyError("the development provider is unavailable")
        call_id = f"devcall-{uuid.uuid4().hex[:16]}"
        ring = cfg.dev_ring_seconds
        _event(call_id, "ringing", min(0.5, ring / 2))
        if number in cfg.dev_fail_numbers or random.random() < cfg.dev_fail_rate:
            _event(call_id, "failed", ring)
        elif number in cfg.dev_no_answer_numbers or random.random() < cfg.dev_no_answer_rate:
            _event(call_id, "no_answer", ring)
        else:
            _event(call_id, "answered", ring)
        return call_id

    def hang_up(self, call_id: str) -> None:
        _event(call_id, "completed", 0)


def provider() -> TelephonyProvider:
    found: TelephonyProvider = import_string(conf.get().telephony_provider)()
    return found
