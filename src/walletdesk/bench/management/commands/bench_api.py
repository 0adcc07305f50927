"""``walletdesk bench_api``: the main HTTP flows against a running server.

C client threads, each with its own keep-alive HTTP connection and its own
bench customer, loop over the flows for S seconds and the command prints one
JSON object: requests, ok, refused (typed 4xx), errors (5xx or no answer),
requests/s and p50/p99 latency per flow, and the machine.

Flows (``FLOWS``):

* ``login``     POST /api/v1/auth/login (password hashing included)
* ``balance``   GET  /api/v1/wallet
* ``transfer``  POST /api/v1/wallet/transfers with an Idempotency-Key
* ``history``   GET  /api/v1/wallet/transactions?limit=20
* ``help``      GET  /api/v1/help/search?q=...&lang=...
* ``chat_send`` POST /api/v1/support/conversations/{id}/messages (with a client_id)
* ``chat_read`` GET  /api/v1/support/conversations/{id}/messages?after_seq=... (the last 20)

Pages and the framework's floor (``--phases`` uses them; each client signs in on the login
page first, untimed, for the signed-in pages):

* ``healthz``      GET /healthz (no database: the framework's floor)
* ``help_page``    GET /help/search/?q=... (the help search page)
* ``wallet_home``  GET /wallet/ (signed in)
* ``history_page`` GET /wallet/history/ (signed in)

``--phases`` runs each named flow **alone** for S seconds, one after another against the
same server, ``healthz`` first and last, and reports each flow's rate as a share of
``/healthz`` (the mean of the two ``healthz`` phases) with the load average before and
after: on a shared machine the shares are the figures to compare (issue #16). ``--rounds R``
runs that sequence R times back to back (each round's last ``healthz`` phase is the next one's
first); a flow's share in a round is against the two ``healthz`` phases around that round, and
the report gives each flow's median share and rate over the rounds with every round's share
and rate (``shares``, ``rates``): the floor moves between phases too, so one round's share
can be off by a fifth.

Each run also reports ``cpu_ms_per_request`` (each phase its own, on Linux): the machine's
CPU per request divided between this load generator, PostgreSQL, Redis and the rest (the
server under test, the kernel's network work, anything else running), read from ``/proc``
(``walletdesk.bench.cpu``). Where a flow's time goes tells what it could reach at best: a
flow whose database part alone is as large as the whole of ``/healthz`` cannot pass half
of its rate, however lean its Python.

For the chat flows each client first (untimed) takes an open conversation of
its customer or opens one (``POST /api/v1/support/conversations``, topic
payments: opening is rate-limited to 30 an hour per customer, so reruns reuse
the conversation). Chat over websockets has its own benchmark, ``bench_chat``.

``--setup`` (or ``--setup-only``) first creates the bench customers in the
database of *these* settings, which must be the server's database: each is
funded through the real wallet services (a card top-up that the network
confirms). ``--relax-risk`` turns off the per-hour/per-day velocity rules
(which would rightly stop one customer sending thousands of transfers):
use it on a bench database only.
"""

from __future__ import annotations

import http.client
import json
import os
import random
import re
import statistics
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode, urlsplit

from django.core.management.base import BaseCommand, CommandError, CommandParser

from walletdesk.bench import cpu
from walletdesk.wallet.management.commands.bench_ledger import machine_info, percentile

EMAIL = "bench-{:04d}@bench-api.walletdesk.invalid"
PASSWORD = "bench-api-password-2026"
START_BALANCE = 1_000_000_00
VELOCITY_RULES = ("count_hour", "count_day", "amount_hour", "amount_day")
HELP_QUERIES = [("忘记密码", "zh-hans"), ("交易未完成", "zh-hans"), ("账户被锁定", "zh-hans"),
                ("手续费", "zh-hans"), ("forgot password", "en"), ("refund", "en"),
                ("account locked", "en"), ("fees", "en")]


def setup_customers(n: int, relax_risk: bool = False) -> list[str]:
    """Create (or reuse) n funded bench customers; returns their logins."""
    from walletdesk.accounts.models import User
    from walletdesk.wallet import services
    from walletdesk.wallet.models import PaymentMethod
    from walletdesk.wallet.services import cards

    logins = []
    for i in range(n):
        email = EMAIL.format(i)
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create_user(email, PASSWORD, display_name=f"bench {i}")
        if not PaymentMethod.objects.filter(owner=user, kind="bank_card").exists():
            cards.link_card(user, kind="bank_card", number="6222021234560200119")
            txn = services.top_up(user, amount=START_BALANCE, currency="CNY", method="bank_card")
            services.on_network_result(txn.public_id, "confirmed")
        logins.append(email)
    if relax_risk:
        from walletdesk.risk.models import RiskRule
        from walletdesk.risk.services import rules

        rules()  # make sure the default rules exist, then switch the velocity ones off
        RiskRule.objects.filter(code__in=VELOCITY_RULES).update(enabled=False)
    return logins


@dataclass
class FlowStats:
    ok: int = 0
    refused: int = 0
    errors: int = 0
    kinds: dict[str, int] = field(default_factory=dict)
    latencies: list[float] = field(default_factory=list)

    def add(self, seconds: float, status: int, code: str) -> None:
        self.latencies.append(seconds)
        if 200 <= status < 300:
            self.ok += 1
            return
        if 400 <= status < 500:
            self.refused += 1
        else:
            self.errors += 1
        self.kinds[code] = self.kinds.get(code, 0) + 1

    def merge(self, other: FlowStats) -> None:
        self.ok, self.refused, self.errors = (self.ok + other.ok, self.refused + other.refused,
                                              self.errors + other.errors)
        for k, v in other.kinds.items():
            self.kinds[k] = self.kinds.get(k, 0) + v
        self.latencies.extend(other.latencies)


class Client:
    """One keep-alive HTTP/1.1 connection; reconnects after a failure."""

    def __init__(self, url: str, timeout: float = 30) -> None:
        self.cookies: dict[str, str] = {}
        parts = urlsplit(url)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self.timeout = timeout
        self.conn: http.client.HTTPConnection | None = None
        self.token = ""
        self.device = uuid.uuid4().hex
        self.chat: tuple[int, int] = (0, 0)  # conversation id, last seq seen (chat flows)

    def call(self, method: str, path: str, body: Any = None,
             headers: dict[str, str] | None = None, page: bool = False) -> tuple[int, Any]:
        """An API call with the bearer token, or (``page``) a page request with the cookies."""
        hdrs = {"Accept": "application/json", **(headers or {})}
        if self.token and not page:
            hdrs["Authorization"] = f"Bearer {self.token}"
        if page and self.cookies:
            hdrs["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        data = None
        raw_form = hdrs.pop("_raw", None)
        if raw_form is not None:
            data = raw_form.encode()
        if body is not None:
            data = json.dumps(body).encode()
            hdrs["Content-Type"] = "application/json"
        try:
            if self.conn is None:
                self.conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
            self.conn.request(method, path, body=data, headers=hdrs)
            resp = self.conn.getresponse()
            raw = resp.read()
        except (OSError, http.client.HTTPException) as exc:
            self.close()
            return 0, {"code": type(exc).__name__}
        for header in resp.headers.get_all("Set-Cookie") or []:
            name, _eq, rest = header.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        if page:
            return resp.status, raw
        try:
            return resp.status, json.loads(raw) if raw else None
        except ValueError:
            return resp.status, {"code": f"http_{resp.status}"}

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None


def _code(status: int, body: Any) -> str:
    if isinstance(body, dict) and "code" in body:
        return str(body["code"])
    return f"http_{status}"


# --- the flows: each returns (status, body) -------------------------------------------

def flow_login(c: Client, me: str, peer: str, rng: random.Random) -> tuple[int, Any]:
    status, body = c.call("POST", "/api/v1/auth/login", {"login": me, "password": PASSWORD},
                          {"X-Device-Id": c.device})
    if status == 200 and isinstance(body, dict) and body.get("token"):
        c.token = body["token"]
    return status, body


def flow_balance(c: Client, me: str, peer: str, rng: random.Random) -> tuple[int, Any]:
    return c.call("GET", "/api/v1/wallet")


def flow_transfer(c: Client, me: str, peer: str, rng: random.Random) -> tuple[int, Any]:
    return c.call("POST", "/api/v1/wallet/transfers",
                  {"to": peer, "amount": rng.randint(1, 500), "currency": "CNY"},
                  {"Idempotency-Key": uuid.uuid4().hex})


def flow_history(c: Client, me: str, peer: str, rng: random.Random) -> tuple[int, Any]:
    return c.call("GET", "/api/v1/wallet/transactions?limit=20")


def flow_help(c: Client, me: str, peer: str, rng: random.Random) -> tuple[int, Any]:
    q, lang = rng.choice(HELP_QUERIES)
    return c.call("GET", "/api/v1/help/search?" + urlencode({"q": q, "lang": lang}))


CHAT_LIVE = ("queued", "active", "waiting")


def open_chat(c: Client) -> None:
    """The customer's open conversation, or a new one; kept on the client (untimed)."""
    status, body = c.call("GET", "/api/v1/support/conversations?channel=chat")
    live = [conv for conv in body if conv.get("status") in CHAT_LIVE] if status == 200 else []
    if live:
        conv_id = live[0]["id"]
    else:
        status, body = c.call("POST", "/api/v1/support/conversations", {
            "channel": "chat", "topic": "payments", "message": "压测：一笔付款一直在处理中"})
        if status != 201:
            raise CommandError(f"could not open a conversation: {status} {body}")
        conv_id = body["id"]
    status, body = c.call("GET", f"/api/v1/support/conversations/{conv_id}")
    c.chat = (conv_id, body.get("last_seq", 0) if isinstance(body, dict) else 0)


def flow_chat_send(c: Client, me: str, peer: str, rng: random.Random) -> tuple[int, Any]:
    conv_id, _seq = c.chat
    status, body = c.call("POST", f"/api/v1/support/conversations/{conv_id}/messages",
                          {"text": f"压测消息 {rng.randint(1, 10**6)}", "client_id": uuid.uuid4().hex})
    if status == 201 and isinstance(body, dict) and isinstance(body.get("seq"), int):
        c.chat = (conv_id, body["seq"])
    return status, body


def flow_chat_read(c: Client, me: str, peer: str, rng: random.Random) -> tuple[int, Any]:
    conv_id, seq = c.chat
    return c.call("GET", f"/api/v1/support/conversations/{conv_id}/messages?after_seq={max(0, seq - 20)}")


def flow_healthz(c: Client, me: str, peer: str, rng: random.Random) -> tuple[int, Any]:
    return c.call("GET", "/healthz")


def flow_help_page(c: Client, me: str, peer: str, rng: random.Random) -> tuple[int, Any]:
    q, lang = rng.choice(HELP_QUERIES)
    return c.call("GET", "/help/search/?" + urlencode({"q": q}), None,
                  {"Accept": "text/html", "Accept-Language": lang}, page=True)


def flow_wallet_home(c: Client, me: str, peer: str, rng: random.Random) -> tuple[int, Any]:
    return c.call("GET", "/wallet/", None, {"Accept": "text/html"}, page=True)


def flow_history_page(c: Client, me: str, peer: str, rng: random.Random) -> tuple[int, Any]:
    return c.call("GET", "/wallet/history/", None, {"Accept": "text/html"}, page=True)


def page_login(url: str, me: str) -> Client:
    """A second client signed in on the login page (session cookie), for the pages."""
    c = Client(url)
    status, body = c.call("GET", "/login/", None, {"Accept": "text/html"}, page=True)
    match = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body or b"")
    if status != 200 or match is None:
        raise CommandError(f"login page: {status}")
    form = urlencode({"csrfmiddlewaretoken": match.group(1).decode(), "username": me,
                      "password": PASSWORD}).encode()
    c.call("POST", "/login/", None, {"Content-Type": "application/x-www-form-urlencoded",
                                     "Accept": "text/html", "_raw": form.decode()}, page=True)
    if "sessionid" not in c.cookies:
        raise CommandError(f"could not sign {me} in on the login page")
    return c


PAGE_FLOWS = ("wallet_home", "history_page")
Flow = Callable[[Client, str, str, random.Random], tuple[int, Any]]
# name -> (function, share of the loop). Login is expensive on purpose (argon2),
# so it runs once in ten rounds.
FLOWS: dict[str, tuple[Flow, int]] = {
    "login": (flow_login, 1), "balance": (flow_balance, 10), "transfer": (flow_transfer, 10),
    "history": (flow_history, 10), "help": (flow_help, 10), "chat_send": (flow_chat_send, 10),
    "chat_read": (flow_chat_read, 10), "healthz": (flow_healthz, 10),
    "help_page": (flow_help_page, 10), "wallet_home": (flow_wallet_home, 10),
    "history_page": (flow_history_page, 10)}
DEFAULT_FLOWS = ("login", "balance", "transfer", "history", "help", "chat_send", "chat_read")
PHASE_FLOWS = ("balance", "help_page", "transfer", "wallet_home", "history", "history_page",
               "help")


class Command(BaseCommand):
    help = "Drive the main HTTP flows of a running server; print JSON throughput and latency."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--url", default="http://127.0.0.1:8000")
        parser.add_argument("--concurrency", type=int, default=4)
        parser.add_argument("--seconds", type=float, default=10)
        parser.add_argument("--users", type=int, default=0, help="bench customers (default C)")
        parser.add_argument("--flows", default="",
                            help=f"default {','.join(DEFAULT_FLOWS)}; "
                                 f"with --phases {','.join(PHASE_FLOWS)}")
        parser.add_argument("--phases", action="store_true",
                            help="each flow alone, healthz first and last; shares of healthz")
        parser.add_argument("--rounds", type=int, default=1,
                            help="with --phases: repeat the phases; median share per flow")
        parser.add_argument("--setup", action="store_true",
                            help="create the funded bench customers first (server's database)")
        parser.add_argument("--setup-only", action="store_true")
        parser.add_argument("--relax-risk", action="store_true",
                            help="turn off the velocity risk rules (bench databases only)")
        parser.add_argument("--label", default="", help="free text copied into the report")

    def handle(self, *args: Any, **opts: Any) -> None:
        users = opts["users"] or max(opts["concurrency"], 2)
        flows = [f for f in opts["flows"].split(",") if f] or list(
            PHASE_FLOWS if opts["phases"] else DEFAULT_FLOWS)
        unknown = set(flows) - set(FLOWS)
        if unknown:
            raise CommandError(f"unknown flows: {', '.join(sorted(unknown))}")
        if opts["setup"] or opts["setup_only"]:
            logins = setup_customers(users, opts["relax_risk"])
            if opts["setup_only"]:
                self.stdout.write(json.dumps({"customers": len(logins), "password": PASSWORD}))
                return
        from django.db import connections

        connections.close_all()  # the clients talk HTTP only
        if opts["phases"]:
            if opts["rounds"] < 1:
                raise CommandError("--rounds must be at least 1")
            report = run_phases(opts["url"], opts["concurrency"], opts["seconds"], users, flows,
                                opts["rounds"])
        else:
            report = run(opts["url"], opts["concurrency"], opts["seconds"], users, flows)
        report["label"] = opts["label"]
        self.stdout.write(json.dumps(report, ensure_ascii=False))


def run(url: str, concurrency: int, seconds: float, users: int,
        flows: list[str]) -> dict[str, Any]:
    results = [{f: FlowStats() for f in flows} for _ in range(concurrency)]
    stop_at = [0.0]
    cpu_before: list[cpu.Snapshot | None] = [None]

    def release() -> None:
        # The deadline is set by the barrier itself, before any client is released.
        cpu_before[0] = cpu.snapshot()
        stop_at[0] = time.perf_counter() + seconds

    barrier = threading.Barrier(concurrency + 1, action=release)
    threads = [threading.Thread(target=_client, args=(url, i, users, flows, results[i], barrier,
                                                      stop_at), daemon=True)
               for i in range(concurrency)]
    for t in threads:
        t.start()
    try:
        barrier.wait()
    except threading.BrokenBarrierError:
        raise CommandError("a client could not get ready (see its error above)") from None
    started = stop_at[0] - seconds
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    cpu_after = cpu.snapshot()
    per_flow: dict[str, Any] = {}
    total = 0
    for name in flows:
        merged = FlowStats()
        for r in results:
            merged.merge(r[name])
        lat = sorted(merged.latencies)
        total += len(lat)
        per_flow[name] = {"requests": len(lat), "ok": merged.ok, "refused": merged.refused,
                          "errors": merged.errors, "kinds": merged.kinds,
                          "per_second": round(len(lat) / elapsed, 1) if elapsed else 0.0,
                          "p50_ms": percentile(lat, 50), "p99_ms": percentile(lat, 99)}
    return {"benchmark": "bench_api", "url": url, "concurrency": concurrency,
            "seconds": seconds, "elapsed_seconds": round(elapsed, 2), "users": users,
            "requests": total, "requests_per_second": round(total / elapsed, 1) if elapsed else 0,
            "flows": per_flow,
            "cpu_ms_per_request": cpu.per_request(cpu_before[0], cpu_after, total),
            "machine": machine_info()}


def run_phases(url: str, concurrency: int, seconds: float, users: int,
               flows: list[str], rounds: int = 1) -> dict[str, Any]:
    """Each flow alone, healthz before and after, ``rounds`` times; every rate also as a share
    of the healthz phases around its round, and the median over the rounds."""
    load_before = [round(x, 2) for x in os.getloadavg()]
    names = [f for f in flows if f != "healthz"]

    def phase(name: str) -> dict[str, Any]:
        report = run(url, concurrency, seconds, users, [name])
        return {**report["flows"][name], "cpu_ms_per_request": report["cpu_ms_per_request"]}

    floors = [phase("healthz")]
    per_round: list[dict[str, dict[str, Any]]] = []
    for _ in range(rounds):
        done = {name: phase(name) for name in names}
        floors.append(phase("healthz"))
        healthz = (floors[-2]["per_second"] + floors[-1]["per_second"]) / 2
        for stats in done.values():
            stats["share_of_healthz"] = round(stats["per_second"] / healthz, 3) if healthz else None
        per_round.append(done)
    floor = [p["per_second"] for p in floors]
    return {"benchmark": "bench_api --phases", "url": url, "concurrency": concurrency,
            "seconds_per_phase": seconds, "users": users, "rounds": rounds,
            "healthz_per_second": {"first": floor[0], "last": floor[-1],
                                   "mean": round(statistics.fmean(floor), 1), "phases": floor},
            "healthz_cpu_ms_per_request": {"first": floors[0]["cpu_ms_per_request"],
                                           "last": floors[-1]["cpu_ms_per_request"]},
            "flows": {name: merge_rounds([r[name] for r in per_round]) for name in names},
            "load_average_before": load_before,
            "load_average_after": [round(x, 2) for x in os.getloadavg()],
            "machine": machine_info()}


def merge_rounds(rounds: list[dict[str, Any]]) -> dict[str, Any]:
    """One flow's phases of every round as one entry: counts summed, rates, latencies and
    shares the median of the rounds (with each round's share and rate), CPU per request the median of
    each part. With one round, that round as it was."""
    if len(rounds) == 1:
        return rounds[0]
    kinds: dict[str, int] = {}
    for r in rounds:
        for kind, n in r["kinds"].items():
            kinds[kind] = kinds.get(kind, 0) + n
    cpus = [r["cpu_ms_per_request"] for r in rounds if r["cpu_ms_per_request"]]
    shares = [r["share_of_healthz"] for r in rounds]
    return {**{key: sum(r[key] for r in rounds) for key in ("requests", "ok", "refused", "errors")},
            "kinds": kinds,
            **{key: statistics.median(r[key] for r in rounds)
               for key in ("per_second", "p50_ms", "p99_ms")},
            "cpu_ms_per_request": {part: round(statistics.median(c[part] for c in cpus), 3)
                                   for part in cpus[0]} if cpus else None,
            "share_of_healthz": None if None in shares else statistics.median(shares),
            "shares": shares, "rates": [r["per_second"] for r in rounds]}


def _client(url: str, i: int, users: int, flows: list[str], stats: dict[str, FlowStats],
            barrier: threading.Barrier, stop_at: list[float]) -> None:
    rng = random.Random(i)
    me, peer = EMAIL.format(i % users), EMAIL.format((i + 1) % users)
    client = Client(url)
    plan = [name for name in flows for _ in range(FLOWS[name][1])]
    try:
        flow_login(client, me, peer, rng)  # every client starts logged in (not timed)
        if any(f in PAGE_FLOWS for f in flows):
            signed_in = page_login(url, me)
            client.cookies = signed_in.cookies
            signed_in.close()
        for name in flows:  # untimed warm-up: a process's first help search loads its index
            FLOWS[name][0](client, me, peer, rng)
        if "chat_send" in flows or "chat_read" in flows:
            open_chat(client)
    except Exception:
        barrier.abort()  # the others and the command stop instead of waiting for this client
        raise
    barrier.wait()
    client.close()  # a fresh connection: the server may have dropped an idle keep-alive one
    try:
        while time.perf_counter() < stop_at[0]:
            rng.shuffle(plan)
            for name in plan:
                if time.perf_counter() >= stop_at[0]:
                    break
                t0 = time.perf_counter()
                status, body = FLOWS[name][0](client, me, peer, rng)
                stats[name].add(time.perf_counter() - t0, status, _code(status, body))
    finally:
        client.close()
