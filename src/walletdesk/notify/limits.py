"""Send limits for messages people can make us send (sign-up, reset and unlock requests):
per typed address and per client IP, in fixed windows kept in Django's cache (Redis when
configured, so every process shares them).

A request is counted *before* anyone looks the address up, so an address on file and one
that is not reach the limit at the same request and get the same typed 429. `send_to` keeps
a second, silent cap per address for every message, whatever asked for it.
"""

from __future__ import annotations

import hashlib
import logging
import math

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext_lazy as _

from walletdesk.core import clock
from walletdesk.core.errors import DomainError

from . import conf

log = logging.getLogger(__name__)
PREFIX = "walletdesk:send"
HOUR = 3600


class TooManySends(DomainError):
    status = 429
    code = "too_many_requests"
    default_message = _("We have sent enough messages for now. Wait a while, then try again.")


def _hit(scope: str, who: str, limit: int, seconds: int = HOUR) -> tuple[bool, int]:
    """Count one; (within the limit, seconds until the window ends)."""
    now = clock.now().timestamp()
    window = int(now // seconds)
    digest = hashlib.sha256(f"{settings.SECRET_KEY}:{who}".encode()).hexdigest()[:32]
    key = f"{PREFIX}:{scope}:{digest}:{window}"
    cache.add(key, 0, timeout=seconds + 5)
    try:
        used = cache.incr(key)
    except ValueError:  # evicted between add and incr
        cache.add(key, 1, timeout=seconds + 5)
        used = 1
    left = (window + 1) * seconds - now
    return used <= limit, max(60, math.ceil(left / 60) * 60)  # whole minutes: no clock detail


def request_message(address: str, ip: str | None) -> None:
    """A person asks for a message to `address` (typed, normalised): count it per address and
    per IP, or TooManySends. Call before looking the address up."""
    cfg = conf.limits()
    ok_ip, retry_ip = _hit("ip", ip or "none", cfg.send_requests_per_ip)
    ok_addr, retry_addr = _hit("address", address.lower(), cfg.send_requests_per_address)
    if not ok_ip:
        raise TooManySends(retry_after=retry_ip)
    if not ok_addr:
        raise TooManySends(retry_after=retry_addr)


def may_send(address: str) -> bool:
    """The last line for every message: at most MESSAGES_PER_ADDRESS_PER_HOUR to one address."""
    ok, _retry = _hit("out", address.lower(), conf.limits().messages_per_address)
    if not ok:
        log.warning("message to an address dropped: its hourly cap is reached")
    return ok
