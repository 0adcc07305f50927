"""The card/bank payment network, behind one small interface.

The wallet submits charges (card → wallet) and payouts (wallet → card) and
learns their outcome later through :func:`walletdesk.wallet.services.on_network_result`,
as a real network's notifications would arrive. ``get_network()`` returns the
configured provider; the development provider is :mod:`.simulator`.
"""

from __future__ import annotations

from functools import cache

from .. import conf
from .base import NetworkStatus, NetworkUnavailable, PaymentNetwork


@cache
def get_network() -> PaymentNetwork:
    name = conf.get().network_provider
    if name == "simulator":
        from .simulator import SimulatedNetwork

        return SimulatedNetwork()
    raise RuntimeError(f"unknown payment network provider {name!r}")


__all__ = ["NetworkStatus", "NetworkUnavailable", "PaymentNetwork", "get_network"]
