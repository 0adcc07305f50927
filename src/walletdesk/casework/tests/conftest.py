"""Factories for casework tests: agents of each role, a live conversation, a verified one."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

import pytest

from walletdesk.accounts.models import User
from walletdesk.accounts.services import issue_token
from walletdesk.accounts.tests.fixtures import _commit_now  # noqa: F401
from walletdesk.casework.services import verification
from walletdesk.conftest import ApiClient
from walletdesk.support import services
from walletdesk.support.models import Agent, Conversation
from walletdesk.support.services import conversations
from walletdesk.wallet.tests.conftest import ledger_db  # noqa: F401

_n = itertools.count(8000)


@pytest.fixture
def make_staff(db: Any) -> Any:
    def make(role: str = "agent") -> Agent:
        n = next(_n)
        user = User.objects.create_user(f"staff{n}@walletdesk.example", "pw-agent-123456", role=role,
                                        display_name=f"Staff {n}")
        agent = Agent(user=user, display_name=f"坐席{n}", employee_id=f"WD{n}",
                      skills=["general", "payments", "account_security"],
                      languages=["zh-hans", "en"], max_concurrent_chats=5)
        # Support lets only agent/senior_agent/supervisor hold a console; an admin's profile is
        # written directly (casework treats admin as a staff role: approvals, and every action).
        if role == "admin":
            agent.save()
        else:
            agent = services.save_agent(agent)
        services.heartbeat(agent, Agent.Status.ONLINE)
        return agent

    return make


def client_for(user: User) -> ApiClient:
    return ApiClient(issue_token(user))


@dataclass
class Case:
    conv: Conversation
    agent: Agent
    customer: User
    agent_api: ApiClient
    customer_api: ApiClient

    def act(self, action: str, reason: str = "customer asked in chat", **params: Any) -> Any:
        return self.agent_api.post(f"/api/v1/support/conversations/{self.conv.pk}/actions",
                                   {"action": action, "reason": reason, **params})

    def verify(self) -> None:
        v = verification.start(self.agent, self.conv.pk, "in_app")
        verification.confirm(v.pk, self.customer)


@pytest.fixture
def make_case(make_staff: Any, make_customer: Any) -> Any:
    def make(role: str = "agent", *, verified: bool = True, customer: User | None = None,
             agent: Agent | None = None) -> Case:
        who = customer or make_customer()
        staff = agent or make_staff(role)
        conv = conversations.open_conversation(who, topic="general", message="需要帮助",
                                               use_triage=False).conversation
        conversations.accept(staff, conv)
        conv.refresh_from_db()
        case = Case(conv, staff, who, client_for(staff.user), client_for(who))
        if verified:
            case.verify()
        return case

    return make


@pytest.fixture
def transfer_fee(db: Any) -> Any:
    """Transfers cost 1% (at least 1.00, at most 50.00) from yesterday on."""
    from datetime import timedelta

    from walletdesk.core import clock
    from walletdesk.wallet.models import FeePolicy

    return FeePolicy.objects.create(operation="transfer", method="balance", currency="CNY",
                                    basis_points=100, minimum=100, maximum=5000,
                                    effective_from=clock.now() - timedelta(days=1))


@pytest.fixture
def paid_fee(make_customer: Any, fund: Any, transfer_fee: Any) -> Any:
    """A completed transfer that charged a fee: returns (sender, transaction)."""
    from walletdesk.wallet import services as wallet

    def make(sender: User, amount: int = 50_000) -> Any:
        fund(sender, amount + 10_000)
        friend = make_customer()
        return wallet.transfer(sender, to=friend.email, amount=amount, currency="CNY")

    return make


@pytest.fixture
def pending_topup(db: Any) -> Any:
    from walletdesk.wallet import services as wallet
    from walletdesk.wallet.services import cards

    def make(user: User, amount: int = 20_000) -> Any:
        cards.link_card(user, kind="bank_card", number="6222021234567890128")
        return wallet.top_up(user, amount=amount, currency="CNY", method="bank_card")

    return make


@pytest.fixture
def prepare(fund: Any, merchant: Any, paid_fee: Any, pending_topup: Any) -> Any:
    """Put the customer in the state the action is for; returns its parameters."""

    def make(action: str, user: Any) -> dict[str, Any]:
        from walletdesk.accounts.models import AccountHold, TotpDevice
        from walletdesk.accounts.services import holds, mfa
        from walletdesk.core import clock
        from walletdesk.wallet import services as wallet

        if action == "start_unlock":
            holds.place(user, AccountHold.Kind.SECURITY, "too many wrong passwords")
        elif action == "release_hold":
            holds.place(user, AccountHold.Kind.RISK, "risk rules")
        elif action == "reset_2fa":
            TotpDevice.objects.create(user=user, sealed_secret=mfa.seal("JBSWY3DPEHPK3PXP"),
                                      confirmed_at=clock.now())
        elif action == "trace_transaction":
            return {"transaction_id": fund(user, 5_000).public_id}
        elif action in ("retry_transaction", "expire_transaction"):
            return {"transaction_id": pending_topup(user).public_id}
        elif action == "request_merchant_refund":
            fund(user, 10_000)
            pay = wallet.pay(user, merchant=merchant, amount=3_000, currency="CNY", method="balance")
            return {"transaction_id": pay.public_id}
        elif action == "refund_fee":
            return {"transaction_id": paid_fee(user).public_id}
        elif action in ("refund_from_merchant", "close_refund_request"):
            # a refund request the merchant declined and the customer passed to support
            from walletdesk.disputes import services as disputes

            fund(user, 10_000)
            pay = wallet.pay(user, merchant=merchant, amount=1_500, currency="CNY", method="balance")
            req = disputes.ask(user, pay.public_id, reason="not_received")
            disputes.decline(merchant, req.public_id, "delivered on time")
            disputes.escalate(user, req.public_id)
            return {"transaction_id": pay.public_id}
        return {}

    return make
