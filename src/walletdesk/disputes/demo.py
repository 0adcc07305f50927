"""Demo refund requests, so that a fresh demo shows the whole flow without typing one:

* 张伟 paid 示例咖啡 ¥28 three times for one coffee and asked for one of them back this
  morning: the request waits for the merchant (its deadline counts in business days);
* Alice asked 城市地铁 for HK$20 that never reached her travel card, and the merchant
  declined: her request page offers to bring it to support.

Made through the services a customer and a merchant use, so the timeline, notices and
deadlines are the real ones. Runs once: a database that already has a request is left alone.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from walletdesk.accounts.models import User
from walletdesk.core import clock
from walletdesk.wallet.models import Merchant, Transaction

from . import services
from .models import Reason, RefundRequest


def _payment(customer: User, merchant_slug: str, amount: int) -> Transaction | None:
    return (Transaction.objects.filter(customer=customer, type=Transaction.Type.PAYMENT,
                                       merchant__slug=merchant_slug, amount=amount,
                                       status=Transaction.Status.COMPLETED)
            .order_by("pk").last())


def seed() -> list[dict[str, Any]]:
    zhang = User.objects.filter(email="zhang.wei@example.cn").first()
    alice = User.objects.filter(email="alice@example.com").first()
    if zhang is None or alice is None or RefundRequest.objects.exists():
        return []
    now = clock.now()
    coffee = _payment(zhang, "sample-coffee", 2_800)
    if coffee is not None:
        with clock.frozen(now - timedelta(hours=3)):
            services.ask(zhang, coffee.public_id, reason=Reason.CHARGED_TWICE,
                         text="只买了一杯咖啡，同一分钟扣了三次 ¥28，请退回多扣的一笔。")
    metro = _payment(alice, "metro-card", 2_000)
    if metro is not None:
        with clock.frozen(now - timedelta(days=2)):
            asked = services.ask(alice, metro.public_id, reason=Reason.NOT_RECEIVED,
                                 text="The HK$20 top-up never reached my travel card.")
        with clock.frozen(now - timedelta(days=1)):
            services.decline(Merchant.objects.get(slug="metro-card"), asked.public_id,
                             "Our gate records show the HK$20 was loaded onto the card at the "
                             "station kiosk the same afternoon.")
    return []
