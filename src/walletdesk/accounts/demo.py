"""Demo people. The password is the same for every demo login."""

from __future__ import annotations

from typing import Any

from .models import User

DEMO_PASSWORD = "walletdesk-demo-2026"

CUSTOMERS = [
    {"email": "zhang.wei@example.cn", "phone": "+8613800138000", "display_name": "张伟",
     "language": "zh-hans", "time_zone": "Asia/Shanghai", "region": "CN"},
    {"email": "li.na@example.cn", "phone": "+8613900139000", "display_name": "李娜",
     "language": "zh-hans", "time_zone": "Asia/Shanghai", "region": "CN"},
    {"email": "alice@example.com", "phone": "+85291234567", "display_name": "Alice Chen",
     "language": "en", "time_zone": "Asia/Hong_Kong", "region": "HK"},
    {"email": "bob@example.com", "phone": "+6581234567", "display_name": "Bob Tan",
     "language": "en", "time_zone": "Asia/Singapore", "region": "SG"},
]


def ensure_user(email: str, role: str, **fields: Any) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(email, DEMO_PASSWORD, role=role, **fields)
    return user


# A demo customer with two-step verification on (an authenticator app with this key).
TOTP_CUSTOMER = {"email": "wang.fang@example.cn", "phone": "+8613700137777", "display_name": "王芳",
                 "language": "zh-hans", "time_zone": "Asia/Shanghai", "region": "CN"}
TOTP_SECRET = "JBSWY3DPEHPK3PXPWALLETDESKDEMO22"


def _seed_totp_customer() -> dict[str, Any]:
    from walletdesk.core import clock

    from . import mfa
    from .models import TotpDevice

    c = TOTP_CUSTOMER
    user = ensure_user(c["email"], User.Role.CUSTOMER, **{k: v for k, v in c.items() if k != "email"})
    if not TotpDevice.objects.filter(user=user).exists():
        TotpDevice.objects.create(user=user, sealed_secret=mfa.seal(TOTP_SECRET),
                                  confirmed_at=clock.now())
    return {"role": "customer", "login": user.email, "password": DEMO_PASSWORD,
            "name": user.display_name, "phone": user.phone, "totp_secret": TOTP_SECRET}


def seed() -> list[dict[str, Any]]:
    out = []
    for c in CUSTOMERS:
        user = ensure_user(c["email"], User.Role.CUSTOMER,
                           **{k: v for k, v in c.items() if k != "email"})
        out.append({"role": "customer", "login": user.email, "password": DEMO_PASSWORD,
                    "name": user.display_name, "phone": user.phone})
    out.append(_seed_totp_customer())
    admin = User.objects.filter(email="admin@walletdesk.example").first()
    if admin is None:
        User.objects.create_superuser("admin@walletdesk.example", DEMO_PASSWORD,
                                      display_name="Admin")
    out.append({"role": "admin", "login": "admin@walletdesk.example", "password": DEMO_PASSWORD,
                "name": "Admin"})
    return out
