"""Demo merchants, fee schedule, promotions and a realistic history.

History is made through the real services with the clock moved back, so
every posting, fee and status change is exactly what production would write.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import timedelta
from typing import Any

from django.conf import settings

from walletdesk.accounts.demo import DEMO_PASSWORD, ensure_user
from walletdesk.accounts.models import User
from walletdesk.core import clock

from . import services
from .models import FeeAnnouncement, FeePolicy, Merchant, PaymentMethod, Promotion, Transaction
from .services import cards

MERCHANTS = [
    ("sample-coffee", "示例咖啡", "Sample Coffee", "coffee@merchant.example"),
    ("easymart", "易购商城", "EasyMart", "shop@merchant.example"),
    ("metro-card", "城市地铁", "City Metro", "metro@merchant.example"),
]

# operation, method, currency, bps, fixed, minimum, maximum
FEES = [
    ("topup", "bank_card", 0, 0, 0, None),
    ("topup", "credit_card", 100, 0, 100, None),
    ("payment", "balance", 0, 0, 0, None),
    ("payment", "bank_card", 0, 0, 0, None),
    ("payment", "credit_card", 60, 0, 10, None),
    ("transfer", "balance", 0, 0, 0, None),
    ("withdrawal", "bank_card", 10, 0, 10, 2500),
]


def demo_api_key(slug: str) -> str:
    """A stable demo key per merchant, so that running the seed again prints the same one."""
    mac = hmac.new(settings.SECRET_KEY.encode(), f"demo-merchant:{slug}".encode(), hashlib.sha256)
    return "mk_demo_" + mac.hexdigest()[:32]


def _merchants() -> list[dict[str, Any]]:
    out = []
    for slug, zh, en, login in MERCHANTS:
        user = ensure_user(login, User.Role.MERCHANT, display_name=zh)
        shop, _ = Merchant.objects.get_or_create(slug=slug, defaults={
            "name": zh, "name_en": en, "user": user})
        key = demo_api_key(slug)
        digest = hashlib.sha256(key.encode()).hexdigest()
        if shop.api_key_hash != digest:
            Merchant.objects.filter(pk=shop.pk).update(api_key_hash=digest, api_key_hint=key[-4:])
        out.append({"role": "merchant", "login": login, "password": DEMO_PASSWORD, "name": zh,
                    "merchant": slug, "api_key": key})
    return out


def _fees() -> None:
    start = clock.now() - timedelta(days=120)
    for currency in ("CNY", "HKD", "USD"):
        for op, method, bps, fixed, minimum, maximum in FEES:
            FeePolicy.objects.get_or_create(
                operation=op, method=method, currency=currency, version=1,
                defaults={"basis_points": bps, "fixed": fixed, "minimum": minimum,
                          "maximum": maximum, "effective_from": start})
    # An announced change: withdrawals get cheaper in 30 days.
    if not FeePolicy.objects.filter(operation="withdrawal", currency="CNY", version=2).exists():
        when = clock.now() + timedelta(days=30)
        FeePolicy.objects.filter(operation="withdrawal", currency="CNY", version=1).update(
            effective_to=when)
        v2 = FeePolicy.objects.create(operation="withdrawal", method="bank_card",
                                      currency="CNY", version=2, basis_points=8, minimum=10,
                                      maximum=2000, effective_from=when)
        FeeAnnouncement.objects.create(
            policy=v2, title_zh="提现手续费下调", title_en="Cheaper withdrawals",
            body_zh="提现到银行卡的费率将从 0.10% 降至 0.08%，单笔最高 20.00 元。",
            body_en="Withdrawals to a bank card go from 0.10% to 0.08%, at most ¥20.00 each.")
    if not Promotion.objects.exists():
        Promotion.objects.create(
            name_zh="新用户提现免手续费", name_en="Fee-free withdrawals for new users",
            operation="withdrawal", method="bank_card", currency="CNY",
            starts_at=clock.now() - timedelta(days=30), ends_at=clock.now() + timedelta(days=60),
            per_user_limit=3)
        Promotion.objects.create(
            name_zh="本月信用卡充值免手续费", name_en="Free credit-card top-ups this month",
            operation="topup", method="credit_card", starts_at=clock.now() - timedelta(days=3),
            ends_at=clock.now() + timedelta(days=27), per_user_limit=2)


def _card(user: User, kind: str, number: str) -> None:
    if not PaymentMethod.objects.filter(owner=user, kind=kind).exists():
        cards.link_card(user, kind=kind, number=number)


def _at(days_ago: float) -> Any:
    return clock.frozen(clock.now() - timedelta(days=days_ago))


def _history(people: dict[str, User], shops: dict[str, Merchant]) -> None:
    zhang, li, alice, bob = (people[k] for k in ("zhang", "li", "alice", "bob"))
    if Transaction.objects.filter(customer=zhang).exists():
        return
    base = clock.now()

    def topup(user: User, amount: int, currency: str, days: float, method: str = "bank_card",
              outcome: str = "confirmed") -> Transaction:
        with clock.frozen(base - timedelta(days=days)):
            txn = services.top_up(user, amount=amount, currency=currency, method=method)
        with clock.frozen(base - timedelta(days=days) + timedelta(seconds=4)):
            return services.on_network_result(txn.public_id, outcome) or txn

    def at(days: float) -> Any:
        return clock.frozen(base - timedelta(days=days))

    topup(zhang, 500_000, "CNY", 58)
    topup(li, 200_000, "CNY", 50)
    topup(alice, 300_000, "HKD", 45)
    topup(alice, 50_000, "USD", 44)
    topup(bob, 80_000, "USD", 40)
    with at(40):
        services.pay(zhang, merchant=shops["sample-coffee"], amount=3_200, currency="CNY",
                     method="balance")
    with at(35):
        order = services.pay(zhang, merchant=shops["easymart"], amount=45_900, currency="CNY",
                             method="balance")
    with at(33):
        services.refund(shops["easymart"], payment_id=order.public_id, amount=12_000)
    with at(30):
        services.transfer(zhang, to="li.na@example.cn", amount=20_000, currency="CNY",
                          note="午饭 AA")
    with at(28):
        gift = services.pay(li, merchant=shops["easymart"], amount=9_900, currency="CNY",
                            method="balance")
    with at(27):
        services.refund(shops["easymart"], payment_id=gift.public_id, amount=9_900)
    topup(zhang, 100_000, "CNY", 20, method="credit_card")
    topup(li, 50_000, "CNY", 12, outcome="failed")
    with at(10):
        services.withdraw(zhang, amount=80_000, currency="CNY", method="bank_card")
    with at(10 - 5 / 86400):
        last = Transaction.objects.filter(customer=zhang, type="withdrawal").latest("pk")
        services.on_network_result(last.public_id, "confirmed")
    with at(7):
        services.transfer(alice, to="bob@example.com", amount=10_000, currency="USD",
                          note="Dinner")
    with at(5):
        services.pay(alice, merchant=shops["metro-card"], amount=2_000, currency="HKD",
                     method="balance")
    # A top-up the network never answered: expired (shown as incomplete).
    with at(3):
        services.top_up(zhang, amount=30_000, currency="CNY", method="bank_card")
    with at(3 - 1 / 24):
        services.expire_stale()
    for _ in range(3):
        with at(2):
            services.pay(zhang, merchant=shops["sample-coffee"], amount=2_800, currency="CNY",
                         method="balance")
    # A card payment still waiting on the network right now (confirms within minutes).
    services.pay(zhang, merchant=shops["metro-card"], amount=600, currency="CNY",
                 method="bank_card")


def seed() -> list[dict[str, Any]]:
    logins = _merchants()
    _fees()
    people = {
        "zhang": User.objects.get(email="zhang.wei@example.cn"),
        "li": User.objects.get(email="li.na@example.cn"),
        "alice": User.objects.get(email="alice@example.com"),
        "bob": User.objects.get(email="bob@example.com"),
    }
    for user, n in zip(people.values(), ("6222021234567890128", "6217001234567890122",
                                         "4111111111111111", "5555555555554444"), strict=True):
        _card(user, "bank_card", n)
    _card(people["zhang"], "credit_card", "6258091234567890127")
    _history(people, {m.slug: m for m in Merchant.objects.all()})
    return logins
