"""Deployment checks (`walletdesk check --deploy`) and the production start refusal.

With `WALLETDESK_PRODUCTION=1`, `walletdesk serve`, `walletdesk worker` and
`walletdesk seed_demo` refuse to start (`refuse_unsafe_production`) while any of these holds,
naming each problem in one error. The application objects themselves (`walletdesk.asgi`,
`walletdesk.wsgi`) refuse too (`refuse_unsafe_application`), so a server that imports them
directly (`uvicorn walletdesk.asgi:application`, gunicorn, daphne) cannot skip the check:

* DEBUG is on;
* the secret key is short (under 50 characters), has few distinct characters, or is a known
  default (the development key, the example file's placeholder);
* an outside system (payment network, SMS, telephony, IP-to-place lookup) still uses its
  development provider;
* demo accounts or demo merchant keys are in the database.

`WALLETDESK_ALLOW_DEMO_IN_PRODUCTION=1` (a staging demo) allows the last two, never the
first two (ADR 0091).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.checks import Error, Warning, register
from django.core.exceptions import ImproperlyConfigured

ALLOW_DEMO_ENV = "WALLETDESK_ALLOW_DEMO_IN_PRODUCTION"
MIN_SECRET_LENGTH = 50
KNOWN_SECRETS = {"dev-only-insecure-key-walletdesk", "change-me-to-50-random-characters",
                 "change-me", "changeme", "secret", "walletdesk"}


@register(deploy=True)
def production_needs_redis(app_configs: Any, **kwargs: Any) -> list[Warning]:
    if settings.PRODUCTION and not settings.REDIS_URL:
        return [Warning(
            "WALLETDESK_REDIS_URL is not set: rate limits, cached counters and chat events "
            "then stay inside one process, which is wrong with several processes.",
            id="walletdesk.W001")]
    return []


@dataclass(frozen=True)
class OutsideSystem:
    """An outside system reached through a provider that a setting names."""

    what: str  # in words: "the payment network"
    variable: str  # the environment variable that names the provider
    provider: Callable[[], str]  # the provider named now, read through the app's typed settings


# Filled by the apps that reach outside systems, each from its AppConfig.ready (core sits
# below them and does not read their settings): accounts (IP-to-place lookup), notify (SMS),
# wallet (the payment network), phone (telephony).
OUTSIDE_SYSTEMS: list[OutsideSystem] = []


def outside_system(what: str, variable: str, provider: Callable[[], str]) -> None:
    """Name an outside system whose development provider production refuses."""
    if all(s.variable != variable for s in OUTSIDE_SYSTEMS):
        OUTSIDE_SYSTEMS.append(OutsideSystem(what, variable, provider))


def demo_allowed() -> bool:
    return bool(settings.ALLOW_DEMO_IN_PRODUCTION)


def _development_providers() -> list[str]:
    named = [(s, s.provider()) for s in OUTSIDE_SYSTEMS]
    return [f"{s.what} still uses the development provider ({provider}); set {s.variable}."
            for s, provider in named if provider == "simulator" or ".Development" in provider]


def _weak_secret() -> list[str]:
    key = settings.SECRET_KEY or ""
    if (len(key) < MIN_SECRET_LENGTH or len(set(key)) < 10 or key in KNOWN_SECRETS
            or key.startswith("django-insecure")):
        return [f"WALLETDESK_SECRET_KEY is short, simple or a known default: use at least "
                f"{MIN_SECRET_LENGTH} random characters."]
    return []


def _clock_offset() -> list[str]:
    """The test clock's offset moves every deadline, expiry and audit time: never in
    production, not even in a staging demo (ADR 0112)."""
    if settings.CLOCK_OFFSET_SECONDS:
        return ["WALLETDESK_CLOCK_OFFSET_SECONDS is set: the test clock's offset is never "
                "allowed in production; unset it."]
    return []


def _demo_data() -> list[str]:
    """Demo logins and merchant keys that `seed_demo` writes (their password and keys are
    published in the repository). A database without tables holds no demo data."""
    from django.db import DatabaseError

    try:
        return _demo_rows()
    except DatabaseError:
        return []


def _demo_rows() -> list[str]:
    import hashlib

    from walletdesk.accounts import demo as accounts_demo
    from walletdesk.accounts.models import User
    from walletdesk.wallet import demo as wallet_demo
    from walletdesk.wallet.models import Merchant

    emails = [c["email"] for c in accounts_demo.CUSTOMERS]
    emails += [accounts_demo.TOTP_CUSTOMER["email"], "admin@walletdesk.example"]
    found = []
    if User.objects.filter(email__in=emails).exists() or User.objects.filter(
            email__iendswith="@walletdesk.example").exists():
        found.append("demo accounts are in the database (walletdesk seed_demo): remove them.")
    digests = [hashlib.sha256(wallet_demo.demo_api_key(slug).encode()).hexdigest()
               for slug, *_rest in wallet_demo.MERCHANTS]
    if Merchant.objects.filter(api_key_hash__in=digests).exists():
        found.append("demo merchant API keys are in the database: give those merchants new "
                     "keys or remove them.")
    return found


def production_problems(*, database: bool = True) -> list[str]:
    """Everything that makes this production start unsafe (empty outside production)."""
    if not settings.PRODUCTION:
        return []
    problems = []
    if settings.DEBUG:
        problems.append("DEBUG is on: unset WALLETDESK_DEBUG.")
    problems += _clock_offset()
    problems += _weak_secret()
    if not demo_allowed():
        problems += _development_providers()
        if database:
            problems += _demo_data()
    return problems


def refuse_unsafe_production(what: str) -> None:
    """Raise ImproperlyConfigured naming every problem, or return."""
    problems = production_problems()
    if problems:
        lines = "\n".join(f"  - {p}" for p in problems)
        raise ImproperlyConfigured(
            f"walletdesk {what} refuses to start in production (WALLETDESK_PRODUCTION=1):\n"
            f"{lines}\n(For a staging demo only: {ALLOW_DEMO_ENV}=1 allows demo data and "
            f"development providers; never DEBUG, a weak secret key or a clock offset.)")


def refuse_unsafe_application(what: str) -> None:
    """`refuse_unsafe_production` for an application object being built (asgi.py, wsgi.py).

    A server may import the module inside its event loop (uvicorn does), where Django refuses
    database queries: the check then runs in a thread of its own, which closes its connection.
    Outside production nothing is checked and nothing touches the database."""
    if not settings.PRODUCTION:
        return
    import threading

    from django.db import connections

    failed: list[BaseException] = []

    def check() -> None:
        try:
            refuse_unsafe_production(what)
        except BaseException as exc:  # handed to the importing thread below
            failed.append(exc)
        finally:
            connections.close_all()

    thread = threading.Thread(target=check, name="walletdesk-production-check")
    thread.start()
    thread.join()
    if failed:
        raise failed[0]


@register(deploy=True)
def production_uses_real_providers(app_configs: Any, **kwargs: Any) -> list[Error]:
    """The development providers behave like real ones, failures included, but reach nobody:
    in production each outside system must be named (the start refuses otherwise)."""
    if not settings.PRODUCTION or demo_allowed():
        return []
    return [Error(text, id="walletdesk.E002") for text in _development_providers()]


@register(deploy=True)
def production_settings_are_safe(app_configs: Any, **kwargs: Any) -> list[Error]:
    if not settings.PRODUCTION:
        return []
    problems = _weak_secret() + _clock_offset() + (
        ["DEBUG is on: unset WALLETDESK_DEBUG."] if settings.DEBUG else [])
    return [Error(text, id="walletdesk.E003") for text in problems]
