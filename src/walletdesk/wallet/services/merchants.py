"""Merchant API keys: shown once, stored as SHA-256."""

from __future__ import annotations

import hashlib
import secrets

from ..models import Merchant

PREFIX = "mk_"


def issue_api_key(merchant: Merchant) -> str:
    raw = PREFIX + secrets.token_urlsafe(32)
    Merchant.objects.filter(pk=merchant.pk).update(
        api_key_hash=hashlib.sha256(raw.encode()).hexdigest(), api_key_hint=raw[-4:])
    return raw


def merchant_for_key(raw: str) -> Merchant | None:
    if not raw.startswith(PREFIX) or len(raw) > 100:
        return None
    digest = hashlib.sha256(raw.encode()).hexdigest()
    return Merchant.objects.filter(api_key_hash=digest, is_active=True).first()


def revoke_api_key(merchant: Merchant) -> bool:
    """The merchant's key stops working at once; returns whether there was one."""
    return bool(Merchant.objects.filter(pk=merchant.pk, api_key_hash__isnull=False).update(
        api_key_hash=None, api_key_hint=""))
