"""Troubleshooters: run a diagnosis for a customer, tell an anonymous visitor's account
owner what is wrong, and open a support conversation with the diagnosis attached.

The diagnoses themselves only read (``diagnose/``). What writes here: the
message to the contact on file (a notification job, after commit) and the
conversation, both through their own apps' services.
"""

from __future__ import annotations

import hashlib
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from nacl.secret import SecretBox

from walletdesk.accounts import services as accounts
from walletdesk.accounts.models import User
from walletdesk.core.errors import DomainError
from walletdesk.core.services import jobs
from walletdesk.directory import ratelimit
from walletdesk.notify import services as notify
from walletdesk.support.services import conversations
from walletdesk.wallet import services as wallet
from walletdesk.wallet.models import Transaction

from . import texts
from .diagnose import fee, lock, payment, refund
from .errors import TransactionRequired, UnknownProblem
from .findings import PROBLEMS, TOPICS, Diagnosis

# An anonymous visitor may ask 10 times an hour from one address; each login is told at
# most 3 times an hour whatever the address (the visitor's answer never changes).
VISITOR_LIMIT = ratelimit.Limit("troubleshoot_lock", 10, 3600)
OWNER_LIMIT = ratelimit.Limit("troubleshoot_lock_owner", 3, 3600)


def transaction_for(user: User, transaction_id: object) -> Transaction:
    """One of the user's own transactions; anyone else's answers exactly like a missing one."""
    if not isinstance(transaction_id, str) or not transaction_id.strip():
        raise TransactionRequired()
    return wallet.get_transaction_for(user, transaction_id.strip()[:40])


def diagnose(user: User, problem: object, transaction_id: object = "") -> Diagnosis:
    if problem == "lock":
        return lock.diagnose(user)
    if problem not in PROBLEMS:
        raise UnknownProblem()
    txn = transaction_for(user, transaction_id)
    if problem == "payment":
        return payment.diagnose(txn)
    if problem == "refund":
        return refund.diagnose(txn, user)
    return fee.diagnose(txn, user)


def _zone(user: User) -> ZoneInfo | None:
    try:
        return ZoneInfo(user.time_zone)
    except (ValueError, KeyError):
        return None


def context_for(user: User, diagnosis: Diagnosis) -> dict[str, Any]:
    """What the agent sees: the typed findings and a summary in the customer's language."""
    with translation.override(user.language):
        summary = texts.summary(diagnosis, _zone(user))
        title = str(texts.TITLES[diagnosis.problem])
    return {**diagnosis.as_json(), "title": title, "summary": summary}


def talk_to_person(user: User, problem: object, *, transaction_id: object = "",
                   message: object = "") -> conversations.Opened:
    """Open a conversation from a troubleshooter. The diagnosis is run again now (never taken
    from the client), attached to the context and quoted under the customer's words."""
    diagnosis = diagnose(user, problem, transaction_id)
    ctx = context_for(user, diagnosis)
    words = message.strip() if isinstance(message, str) else ""
    text = f"{words}\n\n— {ctx['title']}\n{ctx['summary']}" if words else \
        f"{ctx['title']}\n{ctx['summary']}"
    topic = TOPICS[diagnosis.problem]
    if diagnosis.problem == "payment" and diagnosis.transaction_id:
        txn = transaction_for(user, diagnosis.transaction_id)
        if txn.status in (Transaction.Status.PENDING, Transaction.Status.EXPIRED,
                          Transaction.Status.REVERSED):
            topic = "missing_money"
    return conversations.open_conversation(
        user, topic=topic, message=text[:4000], transaction_id=diagnosis.transaction_id,
        use_triage=False, troubleshooter=ctx)


def _login_key(login: str) -> str:
    return hashlib.sha256(f"{settings.SECRET_KEY}:{login.lower()}".encode()).hexdigest()[:32]


def _box() -> SecretBox:
    return SecretBox(hashlib.sha256(f"{settings.SECRET_KEY}:troubleshoot".encode()).digest())


def explain_lock_to_owner(login: object, visitor: str) -> None:
    """A visitor who cannot sign in typed a login. Whatever it is, the request does the same
    work — check the form, count the visitor, queue one job — so neither the answer nor its
    time says whether an account exists; the job looks the login up and, if an active
    account has it, sends the diagnosis to that address (the contact on file)."""
    value = accounts.valid_login(login)
    ratelimit.hit(VISITOR_LIMIT, visitor)
    sealed = bytes(_box().encrypt(value.encode())).hex()  # typed logins stay out of job rows
    jobs.enqueue("troubleshoot.explain_lock", sealed=sealed)


def send_lock_diagnosis(sealed: str) -> None:
    """The job: at most OWNER_LIMIT messages an hour per login, only to active accounts."""
    value = _box().decrypt(bytes.fromhex(sealed)).decode()
    try:
        ratelimit.hit(OWNER_LIMIT, _login_key(value))
    except DomainError:
        return  # the owner was told enough this hour
    user = accounts.find_user_by_login(value)
    if user is None or not user.is_active:
        return
    diagnosis = lock.diagnose(user)
    site = settings.SITE_URL.rstrip("/")
    with transaction.atomic():
        notify.send_to("troubleshoot_lock", value, user=user,
                       findings=list(diagnosis.findings), step=diagnosis.next_step,
                       alternatives=list(diagnosis.alternatives), zone=user.time_zone,
                       unlock_url=site + reverse("accounts:unlock"),
                       contact_url=site + reverse("support:guest"))
