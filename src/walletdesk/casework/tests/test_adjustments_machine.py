"""A hypothesis state machine over support's money adjustments (``wallet/services/adjustments.py``)
mixed with the wallet's own operations, against a small model: after every step the
ledger invariants hold, balances are exactly what the model says, and a refused
adjustment changed nothing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from hypothesis.internal.conjecture import providers
from hypothesis.internal.constants_ast import Constants
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from walletdesk.accounts.models import User
from walletdesk.core import clock
from walletdesk.core.errors import DomainError
from walletdesk.wallet import services
from walletdesk.wallet.invariants import problems
from walletdesk.wallet.models import FeePolicy, LedgerAccount, Transaction
from walletdesk.wallet.services import adjustments, cards, ledger
from walletdesk.wallet.tests.helpers import snapshot

pytestmark = pytest.mark.money
START = 1_000_000
SEEN: set[str] = set()  # what the examples reached


@dataclass
class Txn:
    public_id: str
    pk: int
    user: int
    amount: int
    fee: int
    status: str
    fee_refunded: bool = False


class AdjustmentMachine(RuleBasedStateMachine):
    @initialize()
    def setup(self) -> None:
        self.users: list[User] = []
        self.balance: list[int] = []
        self.incoming: list[int] = []
        self.txns: list[Txn] = []
        for i in range(2):
            user = User.objects.create(email=f"adj{i}-{clock.now().timestamp()}-{id(self)}@example.com",
                                       password="!", display_name=f"adj{i}")
            cards.link_card(user, kind="bank_card", number="6222021234567890128")
            top = services.top_up(user, amount=START, currency="CNY", method="bank_card")
            services.on_network_result(top.public_id, "confirmed")
            self.users.append(user)
            self.balance.append(START)
            self.incoming.append(0)
        self.revenue = self._revenue()

    def _revenue(self) -> int:
        return ledger.system_account(LedgerAccount.Kind.FEE_REVENUE, "CNY").balance

    def _account(self, i: int) -> LedgerAccount:
        return ledger.customer_account(self.users[i], "CNY")

    @rule(user=st.integers(0, 1), amount=st.integers(100, 50_000))
    def transfer(self, user: int, amount: int) -> None:
        txn = services.transfer(self.users[user], to=self.users[1 - user].email, amount=amount,
                                currency="CNY")
        self.balance[user] -= amount + txn.fee
        self.balance[1 - user] += amount
        self.revenue += txn.fee
        self.txns.append(Txn(txn.public_id, txn.pk, user, amount, txn.fee, "completed"))

    @rule(user=st.integers(0, 1), amount=st.integers(1, 30_000))
    def pending_top_up(self, user: int, amount: int) -> None:
        txn = services.top_up(self.users[user], amount=amount, currency="CNY", method="bank_card")
        self.incoming[user] += amount
        self.txns.append(Txn(txn.public_id, txn.pk, user, amount, txn.fee, "pending"))

    @rule(data=st.data(), amount=st.one_of(st.none(), st.integers(-5, 700)))
    def refund_fee(self, data: Any, amount: int | None) -> None:
        if not self.txns:
            return
        t = data.draw(st.sampled_from(self.txns))
        ok = (t.status == "completed" and t.fee > 0 and not t.fee_refunded
              and (amount is None or 0 < amount <= t.fee))
        before = snapshot()
        try:
            refund = adjustments.refund_fee(t.pk, amount)
        except DomainError:
            assert not ok, t
            assert snapshot() == before
            SEEN.add("fee_refund_refused")
            return
        assert ok, t
        SEEN.add("fee_refunded")
        value = t.fee if amount is None else amount
        assert refund.amount == value and refund.parent_id == t.pk
        t.fee_refunded = True
        self.balance[t.user] += value
        self.revenue -= value

    @rule(data=st.data())
    def expire(self, data: Any) -> None:
        if not self.txns:
            return
        # Mostly a pending one (the case it is for); sometimes any, to see it refused.
        pending = [t for t in self.txns if t.status == "pending"]
        t = data.draw(st.sampled_from(pending if pending and data.draw(st.booleans())
                                      else self.txns))
        before = snapshot()
        try:
            adjustments.expire_pending(t.pk)
        except adjustments.NotPending:
            assert t.status != "pending"
            assert snapshot() == before
            return
        assert t.status == "pending"
        SEEN.add("expired")
        t.status = "expired"
        self.incoming[t.user] -= t.amount

    @rule(data=st.data())
    def network_confirms(self, data: Any) -> None:
        open_ones = [t for t in self.txns if t.status in ("pending", "expired")]
        if not self.txns:
            return
        t = data.draw(st.sampled_from(open_ones or self.txns))
        services.on_network_result(t.public_id, "confirmed")
        if t.status == "pending":
            t.status = "completed"
            self.incoming[t.user] -= t.amount
            self.balance[t.user] += t.amount
            self.revenue += t.fee
        elif t.status == "expired":
            t.status = "reversed"  # sent back at the network; nothing credited
            SEEN.add("reversed")

    @invariant()
    def ledger_agrees(self) -> None:
        if not self.users:
            return
        assert problems() == []
        for i in range(len(self.users)):
            a = self._account(i)
            assert (a.balance, a.pending_in) == (self.balance[i], self.incoming[i])
        assert self._revenue() == self.revenue
        for t in self.txns:
            assert Transaction.objects.get(pk=t.pk).status == t.status


def test_adjustments_state_machine(db: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    # Hypothesis also draws literals found in every loaded project module, so the path of
    # this derandomized machine would change with any edit elsewhere or the tests run
    # before it (and sometimes miss a state asserted below); it draws from its strategies.
    monkeypatch.setattr(providers, "_get_local_constants", Constants)
    long_ago = clock.now() - timedelta(days=30)
    FeePolicy.objects.create(operation="transfer", method="balance", currency="CNY",
                             basis_points=100, minimum=100, maximum=600, effective_from=long_ago)
    FeePolicy.objects.create(operation="topup", method="bank_card", currency="CNY",
                             basis_points=50, effective_from=long_ago)
    run = AdjustmentMachine.TestCase
    run.settings = settings(max_examples=12, stateful_step_count=25, deadline=None,
                            derandomize=True, phases=[Phase.explicit, Phase.reuse, Phase.generate],
                            suppress_health_check=list(HealthCheck))
    run().runTest()
    assert {"fee_refunded", "fee_refund_refused", "expired", "reversed"} <= SEEN, SEEN
