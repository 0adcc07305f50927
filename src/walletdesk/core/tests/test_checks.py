"""Production refuses to start in an unsafe state (issue 15, finding 12): development
providers, demo accounts and merchant keys, a short or default secret key, DEBUG, the test
clock's offset (ADR 0112). Each problem is named; `WALLETDESK_ALLOW_DEMO_IN_PRODUCTION=1`
allows a staging demo."""

from __future__ import annotations

import os
import subprocess
import sys
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import CommandError

from walletdesk.core.checks import (
    production_problems,
    production_settings_are_safe,
    production_uses_real_providers,
    refuse_unsafe_production,
)

pytestmark = [pytest.mark.security]
GOOD_KEY = "k3J9-vQ2x_Lm8RtY4wZp6NcB1sDfGh0aUe7iOoPy5TqXrVbnMj"


def _real(settings: Any) -> None:
    settings.PRODUCTION = True
    settings.DEBUG = False
    settings.SECRET_KEY = GOOD_KEY
    settings.WALLET = {**settings.WALLET, "NETWORK_PROVIDER": "acme.cards.Network"}
    settings.NOTIFY = {**settings.NOTIFY, "SMS_PROVIDER": "acme.sms.Provider"}
    settings.PHONE = {**settings.PHONE, "TELEPHONY_PROVIDER": "acme.voice.Provider"}
    settings.SECURITY = {**settings.SECURITY, "GEO_PROVIDER": "acme.geo.Provider"}


def test_development_is_free_to_use_the_development_providers(settings: Any, db: Any) -> None:
    settings.PRODUCTION = False
    assert production_uses_real_providers(None) == []
    assert production_problems() == []


def test_production_names_every_development_provider_left(settings: Any) -> None:
    settings.PRODUCTION = True
    errors = production_uses_real_providers(None)
    assert [e.id for e in errors] == ["walletdesk.E002"] * 4
    text = " ".join(e.msg for e in errors)
    for name in ("WALLETDESK_NETWORK_PROVIDER", "WALLETDESK_SMS_PROVIDER",
                 "WALLETDESK_TELEPHONY_PROVIDER", "WALLETDESK_GEO_PROVIDER"):
        assert name in text


def test_production_with_real_providers_and_no_demo_starts(settings: Any, db: Any) -> None:
    _real(settings)
    assert production_uses_real_providers(None) == []
    refuse_unsafe_production("serve")  # no error


@pytest.mark.parametrize("key", ["dev-only-insecure-key-walletdesk",
                                 "change-me-to-50-random-characters", "a" * 80,
                                 GOOD_KEY[:40]])
def test_a_short_simple_or_default_secret_key_is_refused(settings: Any, db: Any,
                                                          key: str) -> None:
    _real(settings)
    settings.SECRET_KEY = key
    with pytest.raises(ImproperlyConfigured, match="WALLETDESK_SECRET_KEY"):
        refuse_unsafe_production("serve")


def test_every_problem_is_named_in_one_error(settings: Any, db: Any) -> None:
    from walletdesk.accounts.demo import DEMO_PASSWORD
    from walletdesk.accounts.models import User

    settings.PRODUCTION, settings.DEBUG, settings.SECRET_KEY = True, True, "short"
    User.objects.create_user("alice@example.com", DEMO_PASSWORD)
    with pytest.raises(ImproperlyConfigured) as info:
        refuse_unsafe_production("serve")
    text = str(info.value)
    for words in ("DEBUG", "WALLETDESK_SECRET_KEY", "WALLETDESK_NETWORK_PROVIDER",
                  "WALLETDESK_SMS_PROVIDER", "WALLETDESK_TELEPHONY_PROVIDER",
                  "WALLETDESK_GEO_PROVIDER", "demo accounts"):
        assert words in text


def test_demo_merchant_keys_are_refused(settings: Any, db: Any) -> None:
    import hashlib

    from walletdesk.accounts.models import User
    from walletdesk.wallet.demo import demo_api_key
    from walletdesk.wallet.models import Merchant

    _real(settings)
    owner = User.objects.create_user("shop@shop.example", "x-long-password-1")
    Merchant.objects.create(slug="easymart", name="易购", name_en="EasyMart", user=owner,
                            api_key_hash=hashlib.sha256(demo_api_key("easymart").encode()).hexdigest())
    with pytest.raises(ImproperlyConfigured, match="demo merchant API keys"):
        refuse_unsafe_production("serve")


def test_staging_demo_may_keep_demo_data_but_never_debug(settings: Any, db: Any) -> None:
    from walletdesk.accounts.models import User

    settings.PRODUCTION, settings.DEBUG, settings.SECRET_KEY = True, False, GOOD_KEY
    User.objects.create_user("admin@walletdesk.example", "x-long-password-1")
    settings.ALLOW_DEMO_IN_PRODUCTION = True
    refuse_unsafe_production("serve")  # development providers and demo data: allowed
    settings.DEBUG = True
    with pytest.raises(ImproperlyConfigured, match="DEBUG"):
        refuse_unsafe_production("serve")


def test_seed_demo_refuses_in_production(settings: Any, db: Any) -> None:
    from walletdesk.accounts.models import User

    settings.PRODUCTION = True
    settings.ALLOW_DEMO_IN_PRODUCTION = False
    with pytest.raises(CommandError, match="seed_demo refuses"):
        call_command("seed_demo", "--quiet")
    assert not User.objects.exists()  # nothing written


def test_walletdesk_serve_refuses_to_start(tmp_path: Any) -> None:
    """The real command line, as a deployment runs it: an error naming the problems, exit 1,
    no server."""
    env = {**os.environ, "WALLETDESK_PRODUCTION": "1", "WALLETDESK_SECRET_KEY": "short",
           "WALLETDESK_VAR_DIR": str(tmp_path), "WALLETDESK_DEBUG": "0"}
    env.pop("WALLETDESK_DATABASE_URL", None)
    env.pop("WALLETDESK_ALLOW_DEMO_IN_PRODUCTION", None)
    done = subprocess.run([sys.executable, "-m", "walletdesk.cli", "serve", "--port", "1",
                           "--no-collectstatic"], env=env, capture_output=True, text=True,
                          timeout=120, check=False)
    assert done.returncode != 0
    assert "refuses to start in production" in done.stderr
    assert "WALLETDESK_SECRET_KEY" in done.stderr and "WALLETDESK_SMS_PROVIDER" in done.stderr


def _production_env(tmp_path: Any, **extra: str) -> dict[str, str]:
    env = {**os.environ, "WALLETDESK_PRODUCTION": "1", "WALLETDESK_VAR_DIR": str(tmp_path),
           "WALLETDESK_DEBUG": "0", "PYTHONPATH": os.pathsep.join(sys.path), **extra}
    env.pop("WALLETDESK_DATABASE_URL", None)
    env.pop("WALLETDESK_ALLOW_DEMO_IN_PRODUCTION", None)
    return env


def test_uvicorn_importing_the_asgi_application_directly_refuses_to_start(tmp_path: Any) -> None:
    """`uvicorn walletdesk.asgi:application` skips `walletdesk serve`: the application object
    itself refuses, naming the problems, and no server starts."""
    env = _production_env(tmp_path, WALLETDESK_SECRET_KEY="short")
    done = subprocess.run([sys.executable, "-m", "uvicorn", "walletdesk.asgi:application",
                           "--port", "1"], env=env, capture_output=True, text=True, timeout=120,
                          check=False)
    assert done.returncode != 0
    assert "walletdesk asgi refuses to start in production" in done.stderr
    assert "WALLETDESK_SECRET_KEY" in done.stderr and "WALLETDESK_SMS_PROVIDER" in done.stderr
    assert "Uvicorn running" not in done.stderr


def test_wsgi_application_refuses_too(tmp_path: Any) -> None:
    env = _production_env(tmp_path, WALLETDESK_SECRET_KEY="short")
    done = subprocess.run([sys.executable, "-c", "import walletdesk.wsgi"], env=env,
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode != 0 and "walletdesk wsgi refuses to start" in done.stderr


def test_a_safe_production_builds_the_asgi_application_inside_an_event_loop(tmp_path: Any) -> None:
    """The check reads the database (demo rows) even when the server imports the module in its
    event loop, where Django forbids queries: it runs in a thread of its own."""
    env = _production_env(
        tmp_path, WALLETDESK_SECRET_KEY=GOOD_KEY, WALLETDESK_NETWORK_PROVIDER="acme.cards.Network",
        WALLETDESK_SMS_PROVIDER="acme.sms.Provider",
        WALLETDESK_TELEPHONY_PROVIDER="acme.voice.Provider",
        WALLETDESK_GEO_PROVIDER="acme.geo.Provider")
    code = ("import asyncio\n"
            "async def main():\n"
            "    import walletdesk.asgi\n"
            "    print('built', type(walletdesk.asgi.application).__name__)\n"
            "asyncio.run(main())\n")
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                          timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert "built ProtocolTypeRouter" in done.stdout


# --- the test clock's offset (ADR 0112) --------------------------------------------------

def test_a_clock_offset_is_refused_in_production_even_for_a_staging_demo(settings: Any,
                                                                          db: Any) -> None:
    _real(settings)
    refuse_unsafe_production("serve")  # a safe production starts
    settings.CLOCK_OFFSET_SECONDS = 3600.0
    with pytest.raises(ImproperlyConfigured, match="WALLETDESK_CLOCK_OFFSET_SECONDS"):
        refuse_unsafe_production("serve")
    settings.ALLOW_DEMO_IN_PRODUCTION = True  # a staging demo does not allow it either
    assert any("WALLETDESK_CLOCK_OFFSET_SECONDS" in p for p in production_problems())
    errors = production_settings_are_safe(None)
    assert [e.id for e in errors] == ["walletdesk.E003"]
    assert "WALLETDESK_CLOCK_OFFSET_SECONDS" in errors[0].msg


def test_development_keeps_the_clock_offset(settings: Any, db: Any) -> None:
    settings.PRODUCTION = False
    settings.CLOCK_OFFSET_SECONDS = 3600.0
    assert production_problems() == []
    assert production_settings_are_safe(None) == []


def _clock_offset_code() -> str:
    return ("import django; django.setup()\n"
            "from django.utils import timezone\n"
            "from walletdesk.core import clock\n"
            "print(round((clock.now() - timezone.now()).total_seconds()))\n")


def test_the_clock_takes_its_offset_from_the_environment_outside_production(tmp_path: Any) -> None:
    """A browser test's server starts with the offset: every reading of the clock is moved."""
    env = {**os.environ, "WALLETDESK_VAR_DIR": str(tmp_path), "WALLETDESK_CLOCK_OFFSET_SECONDS": "7200",
           "DJANGO_SETTINGS_MODULE": "walletdesk.settings", "PYTHONPATH": os.pathsep.join(sys.path)}
    env.pop("WALLETDESK_PRODUCTION", None)
    env.pop("WALLETDESK_DATABASE_URL", None)
    done = subprocess.run([sys.executable, "-c", _clock_offset_code()], env=env,
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "7200"


def test_the_asgi_application_refuses_a_clock_offset_in_production(tmp_path: Any) -> None:
    """An otherwise safe production (the one that builds above) with the test clock's offset
    set: the application object refuses, naming it, and no application is built."""
    env = _production_env(
        tmp_path, WALLETDESK_SECRET_KEY=GOOD_KEY, WALLETDESK_NETWORK_PROVIDER="acme.cards.Network",
        WALLETDESK_SMS_PROVIDER="acme.sms.Provider",
        WALLETDESK_TELEPHONY_PROVIDER="acme.voice.Provider",
        WALLETDESK_GEO_PROVIDER="acme.geo.Provider", WALLETDESK_CLOCK_OFFSET_SECONDS="86400")
    done = subprocess.run([sys.executable, "-c", "import walletdesk.asgi; print('built')"], env=env,
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode != 0
    assert "walletdesk asgi refuses to start in production" in done.stderr
    assert "WALLETDESK_CLOCK_OFFSET_SECONDS" in done.stderr
    assert "built" not in done.stdout
