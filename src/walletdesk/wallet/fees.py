"""Fee policies and promotions: what an operation costs and why."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, TypeVar

from walletdesk.core import clock

from .models import OPERATION_METHODS, FeePolicy, Promotion, Transaction

BPS = 10_000
# A policy or promotion change takes effect no sooner than NOTICE after it is
# written; every process re-reads them after CACHE_FOR, which is shorter, so a
# cached copy is exact (ADR 0005). Writes in this process clear it at once.
NOTICE = timedelta(minutes=1)
CACHE_FOR = timedelta(seconds=30)

_cache: dict[tuple[str, ...], tuple[datetime, list[Any]]] = {}
_cache_lock = threading.Lock()


def forget_cached(**_signal: object) -> None:
    """Drop the cached policies and promotions (connected to their save and delete)."""
    with _cache_lock:
        _cache.clear()


Row = TypeVar("Row")


def _cached(key: tuple[str, ...], load: Callable[[], Iterable[Row]]) -> list[Row]:
    now = clock.now()
    entry = _cache.get(key)
    if entry is not None and entry[0] <= now < entry[0] + CACHE_FOR:
        return entry[1]
    rows = list(load())
    with _cache_lock:
        _cache[key] = (now, rows)
    return rows


@dataclass(frozen=True)
class FeeQuote:
    operation: str
    method: str
    currency: str
    amount: int
    fee_before_promotion: int
    fee: int
    policy: FeePolicy | None
    promotion: Promotion | None

    @property
    def discount(self) -> int:
        return self.fee_before_promotion - self.fee


def policy_at(operation: str, method: str, currency: str, at: datetime) -> FeePolicy | None:
    versions = _cached(("policy", operation, method, currency), lambda: FeePolicy.objects.filter(
        operation=operation, method=method, currency=currency).order_by("-version"))
    return next((p for p in versions if p.effective_from <= at
                 and (p.effective_to is None or p.effective_to > at)), None)


def fee_for(policy: FeePolicy | None, amount: int) -> int:
    """Basis points rounded half up to the minor unit, plus the fixed part, clamped."""
    if policy is None:
        return 0
    fee = (amount * policy.basis_points + BPS // 2) // BPS + policy.fixed
    fee = max(fee, policy.minimum)
    if policy.maximum is not None:
        fee = min(fee, policy.maximum)
    return fee


def promotion_for(operation: str, method: str, currency: str, user_id: int | None,
                  at: datetime) -> Promotion | None:
    offers = _cached(("promotion", operation), lambda: Promotion.objects.filter(
        is_active=True, operation=operation).order_by("-discount_bps", "pk"))
    for promo in offers:
        if not (promo.starts_at <= at < promo.ends_at and promo.method in ("", method)
                and promo.currency in ("", currency)):
            continue
        if promo.per_user_limit is None:
            return promo
        if user_id is None:
            continue
        used = (
            Transaction.objects.filter(customer_id=user_id, promotion=promo)
            .exclude(status__in=[Transaction.Status.FAILED, Transaction.Status.EXPIRED])
            .count()
        )
        if used < promo.per_user_limit:
            return promo
    return None


def quote(operation: str, method: str, amount: int, currency: str, *,
          user_id: int | None = None, at: datetime | None = None) -> FeeQuote:
    at = at or clock.now()
    policy = policy_at(operation, method, currency, at)
    gross = fee_for(policy, amount)
    promo = promotion_for(operation, method, currency, user_id, at) if gross else None
    fee = gross
    if promo is not None:
        fee = gross - (gross * promo.discount_bps) // BPS
    return FeeQuote(operation, method, currency, amount, gross, fee, policy,
                    promo if fee != gross else None)


def all_quotes(operation: str, amount: int, currency: str, *,
               user_id: int | None = None) -> list[FeeQuote]:
    """A quote for every method of the operation, cheapest first."""
    at = clock.now()
    quotes = [quote(operation, m, amount, currency, user_id=user_id, at=at)
              for m in OPERATION_METHODS.get(operation, ())]
    return sorted(quotes, key=lambda q: (q.fee, q.method))


def upcoming_changes(at: datetime | None = None) -> list[FeePolicy]:
    """Policies announced but not yet in force, soonest first.

    From the per-process cache (read on every wallet home page): a change written with the
    minute's notice shows here within CACHE_FOR, so still before it applies."""
    at = at or clock.now()
    announced = _cached(("upcoming",), lambda: FeePolicy.objects.filter(
        effective_from__gt=clock.now(), announcement__isnull=False)
        .select_related("announcement").order_by("effective_from"))
    return [p for p in announced if p.effective_from > at]
