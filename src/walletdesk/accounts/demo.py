"""Demo people. The password is the same for every demo login.

Staff (agents, supervisors, the admin) sign in with two-step verification (ADR 0100): each
gets an authenticator key drawn at random when it is first seeded, printed by `seed_demo`
(`totp_secret`) and kept (sealed) in the database, so running `seed_demo` again prints the same
keys. `walletdesk demo_code LOGIN` prints a demo staff member's current code."""

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
ADMIN_EMAIL = "admin@walletdesk.example"


def _seed_totp_customer() -> dict[str, Any]:
    from walletdesk.core import clock

    from .models import TotpDevice
    from .services import mfa

    c = TOTP_CUSTOMER
    user = ensure_user(c["email"], User.Role.CUSTOMER, **{k: v for k, v in c.items() if k != "email"})
    if not TotpDevice.objects.filter(user=user).exists():
        TotpDevice.objects.create(user=user, sealed_secret=mfa.seal(TOTP_SECRET),
                                  confirmed_at=clock.now())
    return {"role": "customer", "login": user.email, "password": DEMO_PASSWORD,
            "name": user.display_name, "phone": user.phone, "totp_secret": TOTP_SECRET}


def staff_totp(user: User) -> str:
    """The demo staff member's authenticator key: the one on file, else a new random one."""
    from .models import TotpDevice
    from .services import mfa

    device = TotpDevice.objects.filter(user=user, confirmed_at__isnull=False).first()
    return mfa.unseal(device.sealed_secret) if device else mfa.enroll_now(user)


def seed() -> list[dict[str, Any]]:
    out = []
    for c in CUSTOMERS:
        user = ensure_user(c["email"], User.Role.CUSTOMER,
                           **{k: v for k, v in c.items() if k != "email"})
        out.append({"role": "customer", "login": user.email, "password": DEMO_PASSWORD,
                    "name": user.display_name, "phone": user.phone})
    out.append(_seed_totp_customer())
    admin = User.objects.filter(email=ADMIN_EMAIL).first()
    if admin is None:
        admin = User.objects.create_superuser(ADMIN_EMAIL, DEMO_PASSWORD, display_name="Admin")
    out.append({"role": "admin", "login": ADMIN_EMAIL, "password": DEMO_PASSWORD,
                "name": "Admin", "totp_secret": staff_totp(admin)})
    return out
