"""`walletdesk check --deploy`: production must name a real provider for each outside system."""

from __future__ import annotations

from typing import Any

from walletdesk.core.checks import production_uses_real_providers


def test_development_is_free_to_use_the_development_providers(settings: Any) -> None:
    settings.PRODUCTION = False
    assert production_uses_real_providers(None) == []


def test_production_names_every_development_provider_left(settings: Any) -> None:
    settings.PRODUCTION = True
    warnings = production_uses_real_providers(None)
    assert [w.id for w in warnings] == ["walletdesk.W002"] * 4
    text = " ".join(w.msg for w in warnings)
    for name in ("WALLETDESK_NETWORK_PROVIDER", "WALLETDESK_SMS_PROVIDER",
                 "WALLETDESK_TELEPHONY_PROVIDER", "WALLETDESK_GEO_PROVIDER"):
        assert name in text


def test_production_with_real_providers_is_quiet(settings: Any) -> None:
    settings.PRODUCTION = True
    settings.WALLET = {**settings.WALLET, "NETWORK_PROVIDER": "acme.cards.Network"}
    settings.NOTIFY = {**settings.NOTIFY, "SMS_PROVIDER": "acme.sms.Provider"}
    settings.PHONE = {**settings.PHONE, "TELEPHONY_PROVIDER": "acme.voice.Provider"}
    settings.SECURITY = {**settings.SECURITY, "GEO_PROVIDER": "acme.geo.Provider"}
    assert production_uses_real_providers(None) == []
