"""The customer's context, snapshotted when a conversation opens (and when a guest is verified).

A snapshot, not a live view: the record shows what the agent saw. Amounts stay
in integer minor units.
"""

from __future__ import annotations

from typing import Any

from walletdesk.accounts.models import User
from walletdesk.accounts.services import holds, lockout, mfa
from walletdesk.wallet import queries as wallet_queries
from walletdesk.wallet.models import Transaction
from walletdesk.wallet.serializers import desk_dict

RECENT = 5




def picked_transaction(user: User, public_id: str) -> Transaction | None:
    if not public_id:
        return None
    return wallet_queries.transactions_of(user).filter(public_id=public_id[:40]).first()


def snapshot(user: User, transaction_id: str = "") -> dict[str, Any]:
    qs = wallet_queries.transactions_of(user).order_by("-created_at", "-pk")
    picked = picked_transaction(user, transaction_id)
    active_holds = list(holds.active(user).order_by("pk"))
    return {
        "customer": {"name": user.display_name or str(user), "region": user.region,
                     "language": user.language, "time_zone": user.time_zone},
        "account": {"locked": lockout.is_locked(user),
                    "holds": sorted({h.kind for h in active_holds}),
                    "hold_details": [{"kind": h.kind, "until": h.until.isoformat() if h.until else None}
                                     for h in active_holds],
                    "two_factor": mfa.has_mfa(user), "active": user.is_active},
        "recent_transactions": [desk_dict(t, user) for t in qs[:RECENT]],
        "pending_transactions": [desk_dict(t, user)
                                 for t in qs.filter(status=Transaction.Status.PENDING)[:RECENT]],
        "picked_transaction": desk_dict(picked, user) if picked else None,
    }


def guest_snapshot(contact: str, region: str, language: str) -> dict[str, Any]:
    """Before the contact is proven nothing about the account may show."""
    return {"customer": {"name": "", "region": region, "language": language, "guest": True},
            "account": None, "recent_transactions": [], "pending_transactions": [],
            "picked_transaction": None}
