"""Schemathesis against /api/v1/openapi.json of a real server, as a logged-in customer.

No 5xx, every status documented, every body matching its schema. Bounded for
CI: ``WALLETDESK_FUZZ_EXAMPLES`` (default 20) cases per operation per phase, a
fixed seed (``WALLETDESK_FUZZ_SEED``) so that a failure reproduces.

Left out: ``/auth/logout`` and ``/auth/sign-out-everywhere`` (they revoke the
token the run uses) and ``/dev/*`` (the development outbox, off unless
WALLETDESK_DEV_OUTBOX). ``/support/*`` and ``/triage/*`` are in.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from walletdesk.bench.management.commands.bench_api import EMAIL
from walletdesk.conftest import DEMO_PASSWORD, fresh_totp

from . import faultkit as fk

EXCLUDED = r"/(auth/logout|auth/sign-out-everywhere|dev/.*)$"
CHECKS = ("not_a_server_error,status_code_conformance,response_schema_conformance,"
          "content_type_conformance")

# Servers of their own, for minutes: beside the browser tests when the whole suite runs.
pytestmark = pytest.mark.slow


STAFF_TOTP: dict[str, str] = {}  # demo staff login -> authenticator key (seed_demo --json)


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[fk.Server, dict[str, str]]]:
    var = tmp_path_factory.mktemp("fuzz")
    env = fk.child_env(var, f"sqlite:///{var / 'fuzz.sqlite3'}")
    fk.cli(env, "migrate", "--noinput", "-v0")
    seeded = fk.cli(env, "seed_demo", "--json")  # regions, channels, help articles to find
    STAFF_TOTP.update({e["login"]: e["totp_secret"] for e in json.loads(
        seeded[seeded.index("["):]) if e.get("totp_secret")})
    fk.cli(env, "bench_api", "--setup-only", "--users", "2", "--relax-risk")
    server = fk.Server(env, var)
    try:
        server.wait_ready()
        yield server, env
    finally:
        server.stop()


@pytest.mark.timeout(240)  # includes the module's migrate + seed_demo on a busy machine
def test_bench_api_drives_every_flow(live: tuple[fk.Server, dict[str, str]]) -> None:
    server, env = live
    out = fk.cli(env, "bench_api", "--url", server.url, "--concurrency", "2", "--seconds", "3",
                 "--users", "2")
    report = json.loads(out)
    assert set(report["flows"]) == {"login", "balance", "transfer", "history", "help", "chat_send",
                                    "chat_read"}
    for name, flow in report["flows"].items():
        assert flow["errors"] == 0 and flow["ok"] > 0, (name, flow)
        # A bench client posts chat messages faster than a person types: past the budget of 30
        # a person per 30 s (support.chatrate) the server answers the typed 429, as it should;
        # every other flow is answered in full.
        allowed = {"chat_rate_limited"} if name == "chat_send" else set()
        assert set(flow["kinds"]) <= allowed, (name, flow["kinds"])
        assert flow["refused"] == sum(flow["kinds"].values()), (name, flow)
    assert report["requests"] == sum(f["requests"] for f in report["flows"].values()) > 0
    # Where the CPU went (Linux /proc): every part counted, none negative, and the load
    # generator itself (this command, sending every request) did measurable work.
    split = report["cpu_ms_per_request"]
    assert set(split) == {"machine", "load_generator", "database", "redis", "server_and_rest"}
    assert all(v >= 0 for v in split.values()), split
    assert split["load_generator"] > 0 and split["machine"] > 0, split


@pytest.mark.timeout(240)
def test_bench_api_phases_in_rounds_give_each_rounds_share_and_their_median(
        live: tuple[fk.Server, dict[str, str]]) -> None:
    server, env = live
    out = fk.cli(env, "bench_api", "--url", server.url, "--phases", "--rounds", "3",
                 "--flows", "balance,wallet_home", "--concurrency", "2", "--seconds", "0.5",
                 "--users", "2")
    report = json.loads(out)
    floor = report["healthz_per_second"]
    assert report["rounds"] == 3 and len(floor["phases"]) == 4  # rounds share their floors
    assert floor["first"] == floor["phases"][0] and floor["last"] == floor["phases"][-1]
    assert all(rate > 0 for rate in floor["phases"]), floor
    for name in ("balance", "wallet_home"):
        flow = report["flows"][name]
        assert flow["errors"] == 0 and flow["refused"] == 0 and flow["ok"] == flow["requests"]
        assert len(flow["shares"]) == 3 and all(s > 0 for s in flow["shares"]), flow
        assert flow["share_of_healthz"] == sorted(flow["shares"])[1]
        assert flow["per_second"] == sorted(flow["rates"])[1]
        for k, (share, rate) in enumerate(zip(flow["shares"], flow["rates"], strict=True)):
            around = (floor["phases"][k] + floor["phases"][k + 1]) / 2  # this round's floor
            assert share == pytest.approx(rate / around, abs=0.001), (k, flow, floor)
        assert set(flow["cpu_ms_per_request"]) == {"machine", "load_generator", "database",
                                                   "redis", "server_and_rest"}
    # One round keeps the report as it was: the round's own figures, no list of shares.
    one = json.loads(fk.cli(env, "bench_api", "--url", server.url, "--phases", "--flows",
                            "balance", "--concurrency", "2", "--seconds", "0.5", "--users", "2"))
    assert "shares" not in one["flows"]["balance"] and "rates" not in one["flows"]["balance"]
    assert len(one["healthz_per_second"]["phases"]) == 2
    assert one["flows"]["balance"]["share_of_healthz"] == pytest.approx(
        one["flows"]["balance"]["per_second"] / one["healthz_per_second"]["mean"], abs=0.002)
    with pytest.raises(RuntimeError, match="--rounds must be at least 1"):
        fk.cli(env, "bench_api", "--url", server.url, "--phases", "--rounds", "0")


def schemathesis(url: str, token: str, cwd: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    st = Path(sys.executable).with_name("schemathesis")
    return subprocess.run(
        [str(st), "run", f"{url}/api/v1/openapi.json",
         "--header", f"Authorization: Bearer {token}", "--checks", CHECKS,
         "--exclude-path-regex", EXCLUDED,
         "--max-examples", os.environ.get("WALLETDESK_FUZZ_EXAMPLES", "20"),
         "--seed", os.environ.get("WALLETDESK_FUZZ_SEED", "2026"),
         "--phases", "examples,coverage,fuzzing", "--workers", "1", "--no-shrink",
         "--request-timeout", "30", "--no-color", *extra],
        capture_output=True, text=True, timeout=400, cwd=cwd)


# Runs after the bench: its random logins count against 127.0.0.1's failure budget.
@pytest.mark.timeout(420)
def test_schemathesis_finds_no_server_error_and_no_schema_mismatch(
        live: tuple[fk.Server, dict[str, str]], tmp_path: Path) -> None:
    server, _env = live
    token = fk.login(server.url, EMAIL.format(0)).token
    done = schemathesis(server.url, token, tmp_path)
    report = done.stdout[-12000:]
    assert done.returncode == 0, report
    assert " passed" in report and "Tested:" in report, report


@pytest.mark.timeout(420)
def test_schemathesis_as_an_agent_on_support_and_triage(
        live: tuple[fk.Server, dict[str, str]], tmp_path: Path) -> None:
    """The agent side of /support (accept, transfer, resolve, status...) and /triage, which a
    customer's token mostly meets with 403: a supervisor of the demo desk."""
    server, _env = live
    client = fk.Client(server.url, timeout=10)
    who = "chen.jing@walletdesk.example"
    status, body = client.call("POST", "/api/v1/auth/login",
                               {"login": who, "password": DEMO_PASSWORD},
                               {"X-Device-Id": client.device})
    assert status == 200 and body["mfa_required"], body  # staff: the authenticator code next
    status, body = client.call("POST", "/api/v1/auth/login/mfa",
                               {"mfa_token": body["mfa_token"],
                                "code": fresh_totp(STAFF_TOTP[who])},
                               {"X-Device-Id": client.device})
    assert status == 200, body
    done = schemathesis(server.url, body["token"], tmp_path, "--include-path-regex", "/(support|triage)/")
    report = done.stdout[-12000:]
    assert done.returncode == 0, report
    assert " passed" in report and "Tested:" in report, report
