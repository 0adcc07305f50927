"""Troubleshooter pages under /troubleshoot/: thin edges over ``services``."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from walletdesk.accounts import conf as accounts_conf
from walletdesk.accounts.models import User
from walletdesk.core.errors import DomainError
from walletdesk.directory import ratelimit
from walletdesk.support.services import conversations
from walletdesk.wallet import queries as wallet_queries

from . import services, texts
from .findings import PROBLEMS

TXN_PROBLEMS = ("payment", "refund", "fee")
# Which transactions each picker offers first.
PICK: dict[str, dict[str, Any]] = {"payment": {"status__in": ["pending", "expired", "failed", "reversed"]},
        "refund": {"type__in": ["payment", "transfer"]},
        "fee": {"fee_before_promotion__gt": 0}}


def _customer(request: HttpRequest) -> User | None:
    user = request.user
    return user if user.is_authenticated and user.role == User.Role.CUSTOMER else None


def index(request: HttpRequest) -> HttpResponse:
    return render(request, "troubleshoot/index.html", {
        "titles": texts.TITLES, "customer": _customer(request)})


def _result(request: HttpRequest, user: User, problem: str, txn_id: str = "",
            status: int = 200, error: str = "") -> HttpResponse:
    diagnosis = services.diagnose(user, problem, txn_id)
    return render(request, "troubleshoot/result.html", {
        "problem": problem, "title": texts.TITLES[problem], "d": diagnosis,
        "txn": services.transaction_for(user, txn_id) if txn_id else None,
        "error": error}, status=status)


def _lock_rules() -> dict[str, str]:
    cfg = accounts_conf.get()
    tiers = cfg.lockout_tiers
    return {"counts": " / ".join(str(n) for n, _s in tiers),
            "minutes": " / ".join(str(s // 60) for _n, s in tiers),
            "hold": str(cfg.lockout_hold_failures), "reset_hours": str(cfg.hold_after_reset_hours)}


def lock(request: HttpRequest) -> HttpResponse:
    """Logged in: the full diagnosis. Not logged in: the same answer for every login typed."""
    user = request.user
    if user.is_authenticated:
        return _result(request, user, "lock")
    ctx: dict[str, Any] = {"login": "", "asked": False, "rules": _lock_rules()}
    if request.method == "POST":
        ctx["login"] = request.POST.get("login", "")[:254]
        try:
            services.explain_lock_to_owner(ctx["login"], ratelimit.client_key(request))
        except DomainError as exc:
            ctx["error"] = str(exc.message)
            return render(request, "troubleshoot/lock_public.html", ctx, status=exc.status)
        ctx["asked"] = True
    return render(request, "troubleshoot/lock_public.html", ctx)


@login_required
def transaction_problem(request: HttpRequest, problem: str) -> HttpResponse:
    user = _customer(request)
    if problem not in TXN_PROBLEMS or user is None:
        raise Http404
    txn_id = request.GET.get("transaction", "").strip()[:40]
    if txn_id:
        try:
            return _result(request, user, problem, txn_id)
        except DomainError as exc:
            return _picker(request, user, problem, str(exc.message), exc.status)
    return _picker(request, user, problem)


def _picker(request: HttpRequest, user: User, problem: str, error: str = "",
            status: int = 200) -> HttpResponse:
    mine = wallet_queries.transactions_of(user).order_by("-created_at", "-pk")
    first = list(mine.filter(**PICK[problem])[:10])
    rest = [t for t in mine[:20] if t not in first]
    return render(request, "troubleshoot/pick.html", {
        "problem": problem, "title": texts.TITLES[problem], "first": first, "rest": rest,
        "error": error}, status=status)


@login_required
@require_POST
def talk(request: HttpRequest, problem: str) -> HttpResponse:
    user = _customer(request)
    if problem not in PROBLEMS or user is None:
        raise Http404
    txn_id = request.POST.get("transaction", "")
    try:
        ratelimit.hit(conversations.OPEN_LIMIT, ratelimit.client_key(request))
        opened = services.talk_to_person(user, problem, transaction_id=txn_id,
                                         message=request.POST.get("message", ""))
    except DomainError as exc:
        if problem == "lock":
            return _result(request, user, "lock", status=exc.status, error=str(exc.message))
        return _picker(request, user, problem, str(exc.message), exc.status)
    return redirect("support:chat", opened.conversation.pk)
