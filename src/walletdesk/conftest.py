"""Shared pytest fixtures: users, merchants, API clients, the clock, a live server."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.contrib.auth.hashers import Argon2PasswordHasher
from django.db import connection
from django.test import Client

from walletdesk.core import clock

# pytest-timeout counts a test's fixtures: the first browser test also pays for migrating and
# seeding the live server's database (about a minute on a quiet machine, several on a loaded one).
BROWSER_TIMEOUT = 900


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if item.get_closest_marker("browser") and not item.get_closest_marker("timeout"):
            item.add_marker(pytest.mark.timeout(BROWSER_TIMEOUT))


@pytest.fixture(autouse=True)
def _reset_clock() -> Iterator[None]:
    clock.reset()
    yield
    clock.reset()


@pytest.fixture
def still_clock() -> Iterator[None]:
    """The project clock held still. A test that sends N requests against a fixed-window limit
    (N a minute, N an hour) puts them all in one window, however slowly a loaded machine sends
    them: on the real clock a window may turn mid-way and the N+1st passes (CI saw it)."""
    with clock.frozen(clock.now()):
        yield


@pytest.fixture(autouse=True)
def _forget_scheduled_jobs() -> None:
    # The periodic slots this process has queued: a test's rows are rolled back with it.
    from walletdesk.core.services import jobs

    jobs.forget_scheduled()


@pytest.fixture(autouse=True)
def _no_cached_fees() -> None:
    """Fee policies and promotions are cached per process (ADR 0005); a test's rolled-back rows
    must not outlive it."""
    from walletdesk.wallet import fees

    fees.forget_cached()


@pytest.fixture(autouse=True)
def _network_up(monkeypatch: pytest.MonkeyPatch) -> None:
    """The simulated network drops a share of submissions at random (2 % unless set, from an
    unseeded generator): tests that did not expect it failed now and then (a diagnosis, a
    support retry). Every test starts with the network up; one that wants it down (or a
    share of failures) says so itself."""
    from walletdesk.wallet.network.simulator import SimulatedNetwork

    monkeypatch.setattr(SimulatedNetwork, "unavailable_rate", 0.0)


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    """Rate limits and send limits live in the cache: each test starts with none used."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _no_chat_loop_connections() -> Iterator[None]:
    """The chat's event loops keep PostgreSQL connections of their own (support.pgasync): a
    test's loop is gone when it ends, its connections must go too (or the test database stays
    in use)."""
    yield
    from walletdesk.support import pgasync

    pgasync.close_all()


@pytest.fixture(autouse=True)
def _postgres_only(request: pytest.FixtureRequest) -> None:
    if request.node.get_closest_marker("postgres") and connection.vendor != "postgresql":
        pytest.skip("PostgreSQL suite only")


PASSWORD = "correct horse battery staple 9"


class FastArgon2(Argon2PasswordHasher):
    """Argon2id with small costs. The real parameters (100 MiB, 8 lanes) cost about 0.3 s of
    CPU a hash on the CI host, and the suites create and sign in thousands of users."""

    time_cost = 1
    memory_cost = 1024
    parallelism = 1


@pytest.fixture(autouse=True)
def _fast_hashing(settings: Any) -> list[str]:
    """Every test hashes with FastArgon2; ``real_hashing`` puts the configured hashers back."""
    real = list(settings.PASSWORD_HASHERS)
    settings.PASSWORD_HASHERS = ["walletdesk.conftest.FastArgon2"]
    return real


@pytest.fixture
def real_hashing(settings: Any, _fast_hashing: list[str]) -> None:
    settings.PASSWORD_HASHERS = _fast_hashing


@pytest.fixture
def make_customer(db: Any) -> Any:
    from walletdesk.accounts.models import User

    def make(email: str | None = None, **extra: Any) -> User:
        email = email or f"c{uuid.uuid4().hex[:10]}@example.com"
        return User.objects.create_user(email, PASSWORD, display_name=extra.pop(
            "display_name", email.split("@")[0]), **extra)

    return make


@pytest.fixture
def customer(make_customer: Any) -> Any:
    return make_customer("alice@example.com", display_name="Alice")


@pytest.fixture
def merchant(db: Any) -> Any:
    from walletdesk.wallet.models import Merchant
    from walletdesk.wallet.services.merchants import issue_api_key

    shop = Merchant.objects.create(name="示例咖啡", name_en="Sample Coffee", slug="sample-coffee")
    shop.api_key = issue_api_key(shop)  # type: ignore[attr-defined]
    return shop


class ApiClient:
    """Django's test client speaking JSON with a bearer token."""

    def __init__(self, token: str | None = None) -> None:
        self.client = Client()
        self.token = token

    def _headers(self, key: str | None) -> dict[str, str]:
        headers = {}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        if key is not None:
            headers["Idempotency-Key"] = key
        return headers

    def get(self, path: str, **params: Any) -> Any:
        return self.client.get(path, params, headers=self._headers(None))

    def post(self, path: str, body: Any = None, *, key: str | None = None,
             raw: str | None = None, content_type: str = "application/json") -> Any:
        data = raw if raw is not None else json.dumps(body if body is not None else {})
        return self.client.post(path, data, content_type=content_type,
                                headers=self._headers(key))


@pytest.fixture
def api(customer: Any) -> ApiClient:
    from walletdesk.accounts.services import issue_token

    return ApiClient(issue_token(customer))


@pytest.fixture
def anon_api(db: Any) -> ApiClient:
    return ApiClient()


@pytest.fixture
def fund(db: Any) -> Any:
    """Put money in a wallet through the real top-up path, confirmed by the network."""
    from walletdesk.wallet import services
    from walletdesk.wallet.models import PaymentMethod
    from walletdesk.wallet.services import cards

    def fund(user: Any, amount: int, currency: str = "CNY") -> Any:
        if not PaymentMethod.objects.filter(owner=user, kind="bank_card").exists():
            cards.link_card(user, kind="bank_card", number="6222021234567890128")
        txn = services.top_up(user, amount=amount, currency=currency, method="bank_card")
        return services.on_network_result(txn.public_id, "confirmed")

    return fund


# --- a real server for browser tests --------------------------------------------------

def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def live_server_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`walletdesk serve` in a subprocess on its own SQLite file, seeded with demo data."""
    var = tmp_path_factory.mktemp("live")
    env = {**os.environ, "WALLETDESK_VAR_DIR": str(var),
           "WALLETDESK_DATABASE_URL": f"sqlite:///{var / 'live.sqlite3'}",
           "WALLETDESK_NETWORK_DELAY_MIN": "1", "WALLETDESK_NETWORK_DELAY_MAX": "2",
           "WALLETDESK_NETWORK_CONFIRM_RATE": "1", "WALLETDESK_NETWORK_UNAVAILABLE_RATE": "0",
           "WALLETDESK_WORKER_POLL": "0.2", "WALLETDESK_LOG_LEVEL": "WARNING",
           "WALLETDESK_DEV_OUTBOX": "1"}
    env.pop("WALLETDESK_REDIS_URL", None)
    cli = [sys.executable, "-m", "walletdesk.cli"]
    subprocess.run([*cli, "migrate", "--noinput", "-v0"], env=env, check=True, timeout=600)
    secrets = seed_demo_site(cli, env)
    port = _free_port()
    log = open(var / "server.log", "w")  # noqa: SIM115
    proc = subprocess.Popen([*cli, "serve", "--port", str(port), "--log-level", "warning"],
                            env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    remember_demo_keys(url, secrets)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            break
        except OSError as exc:
            if proc.poll() is not None:
                raise RuntimeError((var / "server.log").read_text()) from exc
            time.sleep(0.2)
    yield url
    proc.terminate()
    proc.wait(timeout=10)
    log.close()


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--disable-quic"]


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI") == "true":
            pytest.fail("Debian's chromium is required in CI")
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture
def page_for(browser: Any) -> Iterator[Any]:
    """A fresh browser context per call, in the given language."""
    contexts = []

    def make(lang: str = "zh-hans", **options: Any) -> Any:
        """``options`` go to the context as Playwright names them (e.g. ``timezone_id``)."""
        ctx = browser.new_context(locale="zh-CN" if lang == "zh-hans" else "en-US",
                                  viewport={"width": 1280, "height": 900}, **options)
        contexts.append(ctx)
        return ctx.new_page()

    yield make
    for ctx in contexts:
        ctx.close()


DEMO_PASSWORD = "walletdesk-demo-2026"


def in_live_db(tmp_path_factory: pytest.TempPathFactory, code: str) -> str:
    """Run Python in the live server's database: what another part of the system did, or
    putting back a demo account that a browser test changed for the tests after it. Returns
    what the code printed."""
    db = next(tmp_path_factory.getbasetemp().glob("live*/live.sqlite3"))
    env = {**os.environ, "WALLETDESK_DATABASE_URL": f"sqlite:///{db}",
           "WALLETDESK_VAR_DIR": str(db.parent)}
    return subprocess.run([sys.executable, "-m", "walletdesk.cli", "shell", "-c", code], env=env,
                          check=True, stdout=subprocess.PIPE, text=True).stdout


# --- demo logins with a second factor (staff: ADR 0100) ------------------------------------

# (site URL, login) -> the authenticator key `seed_demo` drew for that site's database.
DEMO_TOTP: dict[tuple[str, str], str] = {}
_USED_STEPS: dict[str, int] = {}


def seed_demo_site(cli: list[str], env: dict[str, str]) -> dict[str, str]:
    """`seed_demo --json` for a live site's database; returns {login: totp_secret}."""
    out = subprocess.run([*cli, "seed_demo", "--json"], env=env, check=True,
                         capture_output=True, text=True, timeout=600).stdout
    logins = json.loads(out[out.index("["):])
    return {e["login"]: e["totp_secret"] for e in logins if e.get("totp_secret")}


def remember_demo_keys(url: str, secrets: dict[str, str]) -> None:
    for login, secret in secrets.items():
        DEMO_TOTP[(url.rstrip("/"), login)] = secret


def _free_step(secret: str, t: float) -> int | None:
    """The step a code for this key may use at ``t`` (current or the next, one this test run
    has not used: the server takes each step once), or None when both are used."""
    step = max(int(t) // 30, _USED_STEPS.get(secret, -1) + 1)
    return step if step <= int(t) // 30 + 1 else None


def fresh_totp(secret: str, now: float | None = None) -> str:
    """A code the server will take: current (±1 step) and of a step this test run has not
    used for that key yet (the server takes each step once). Waits for the next step when
    the three of this moment are used up (a demo login signing in again and again)."""
    while True:
        step = _free_step(secret, time.time() if now is None else now)
        if step is not None:
            _USED_STEPS[secret] = step
            import pyotp

            return str(pyotp.TOTP(secret).at(step * 30))
        if now is not None:
            raise RuntimeError("every step of this moment is used: advance the clock")
        time.sleep(0.5)


def browser_second_step(page: Any, url: str, who: str) -> None:
    """After the password: the authenticator code, for a demo login that has one."""
    secret = DEMO_TOTP.get((url.rstrip("/"), who))
    if secret is None:
        return
    page.wait_for_url(re.compile(r".*/login/verify/.*"))
    page.fill("input[name=code]", fresh_totp(secret))
    page.locator("form button[type=submit].primary").click()


# (site URL, login) -> the cookies of a browser signed in with the second factor (the session
# and the device; not the language) and the page it landed on.
_SIGNED_IN: dict[tuple[str, str], tuple[list[Any], str]] = {}


def browser_login(page: Any, url: str, who: str, *,
                  lands: str = r".*/(wallet|support/console)/$") -> None:
    """Sign a demo user in on the live server's login page (with the second factor when they
    have one: every staff member); they land on their start page.

    The server takes each authenticator step once, so a staff login that signs in a fourth
    time within 30 s would wait for the next step (half a minute, again and again over the
    browser tests). Then, and only then, the browser takes the cookies of this login's last
    real sign-in, if its session is still live (it lands on its start page); otherwise it signs
    in as above. Each test still starts in a browser context of its own."""
    from django.conf import settings

    from walletdesk.accounts.services import devices

    key = (url.rstrip("/"), who)
    secret, saved = DEMO_TOTP.get(key), _SIGNED_IN.get(key)
    if secret is not None and saved is not None and _free_step(secret, time.time()) is None:
        page.context.add_cookies(saved[0])
        page.goto(saved[1])
        # Its path, not the whole address: a sign-in page's ?next= can end like a start page.
        if re.search(lands, urlsplit(page.url).path):
            return
    page.goto(f"{url}/login/")
    page.fill("input[name=username]", who)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.locator("form button[type=submit].primary").click()
    browser_second_step(page, url, who)
    page.wait_for_url(re.compile(lands))
    if secret is not None:
        keep = (settings.SESSION_COOKIE_NAME, devices.COOKIE)
        _SIGNED_IN[key] = ([c for c in page.context.cookies() if c["name"] in keep], page.url)


def staff_login(client: Any, user: Any, secret: str, password: str = PASSWORD, *,
                api: bool = True) -> Any:
    """Sign a staff member in through both steps, in-process: the API (returns the second
    step's response, with the token) or the pages (the client then holds the session)."""
    from walletdesk.core import clock

    code = fresh_totp(secret, clock.now().timestamp())
    if api:
        first = client.post("/api/v1/auth/login", json.dumps(
            {"login": user.login, "password": password}), content_type="application/json")
        assert first.status_code == 200 and first.json().get("mfa_token"), first.content
        return client.post("/api/v1/auth/login/mfa", json.dumps(
            {"mfa_token": first.json()["mfa_token"], "code": code}),
            content_type="application/json")
    first = client.post("/login/", {"username": user.login, "password": password})
    assert first.status_code == 302 and "/login/verify/" in first["Location"], first
    return client.post(first["Location"], {"code": code})


@pytest.fixture(autouse=True)
def _no_leaked_auth_context() -> Iterator[None]:
    """Start every test outside any request's auth context.

    The bearer-token auth sets ``accounts.auth_context.current`` without resetting it,
    so a test-client request leaves it set in this thread; a later direct service
    call for a user with the same id (ids are reused after a rollback on SQLite)
    would then be judged as an interactive call by the risk rules.
    """
    from walletdesk.accounts import auth_context

    token = auth_context.current.set(None)
    yield
    auth_context.current.reset(token)


@pytest.fixture
def make_staff_user(make_customer: Any) -> Any:
    """A desk staff member with an authenticator; returns (user, secret)."""
    from walletdesk.accounts.services import mfa

    def make(role: str = "agent", email: str | None = None, **extra: Any) -> tuple[Any, str]:
        user = make_customer(email, role=role, **extra)
        return user, mfa.enroll_now(user)

    return make
# Browser tests write their screenshots to a scratch folder, so a test run leaves the work tree
# as it was; `make screenshots` points this at docs/screenshots to refresh the committed ones.
SCREENSHOTS = Path(
    os.environ.get("WALLETDESK_SCREENSHOTS_DIR")
    or Path(os.environ.get("WALLETDESK_VAR_DIR") or tempfile.gettempdir()) / "screenshots"
).resolve()
