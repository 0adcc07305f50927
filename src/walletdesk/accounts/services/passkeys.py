"""WebAuthn passkeys as a second factor (py_webauthn), for the pages and the API alike.

Each ceremony's challenge is stored (keyed hash, 5 minutes, used once) for the user it was
made for; the answer names it in its signed client data, so a browser session is not
needed. The relying party is the configured one, or the site's host name."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from django.http import HttpRequest
from webauthn import (
    generate_authentication_options,
    generate_registration_options,
    options_to_json,
    verify_authentication_response,
    verify_registration_response,
)
from webauthn.helpers import base64url_to_bytes, bytes_to_base64url
from webauthn.helpers.exceptions import WebAuthnException
from webauthn.helpers.structs import (
    AuthenticatorSelectionCriteria,
    PublicKeyCredentialDescriptor,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

from walletdesk.core import clock

from .. import conf
from ..models import Passkey, PasskeyChallenge, User, keyed_digest

CHALLENGE_MINUTES = 5


def rp(request: HttpRequest) -> tuple[str, str]:
    """(RP ID, origin): configured, or the host the browser used."""
    rp_id = conf.get().webauthn_rp_id or request.get_host().rsplit(":", 1)[0]
    origin = conf.get().webauthn_origin or f"{request.scheme}://{request.get_host()}"
    return str(rp_id), str(origin)


def registration_options(request: HttpRequest, user: User) -> str:
    rp_id, _origin = rp(request)
    options = generate_registration_options(
        rp_id=rp_id, rp_name="walletdesk", user_name=user.login,
        user_id=str(user.pk).encode(), user_display_name=str(user),
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.PREFERRED,
            user_verification=UserVerificationRequirement.PREFERRED),
        exclude_credentials=[PublicKeyCredentialDescriptor(id=base64url_to_bytes(p.credential_id))
                             for p in Passkey.objects.filter(user=user)])
    _keep(user, "register", options.challenge)
    return str(options_to_json(options))


def register(request: HttpRequest, user: User, credential: Any, name: str) -> Passkey | None:
    try:
        data = _as_json(credential)
    except ValueError:
        return None
    challenge = _take(user, "register", data)
    if challenge is None:
        return None
    rp_id, origin = rp(request)
    try:
        verified = verify_registration_response(
            credential=data, expected_challenge=base64url_to_bytes(challenge),
            expected_rp_id=rp_id, expected_origin=origin)
    except (WebAuthnException, ValueError, KeyError, TypeError):
        return None
    return Passkey.objects.create(
        user=user, credential_id=bytes_to_base64url(verified.credential_id),
        public_key=bytes_to_base64url(verified.credential_public_key),
        sign_count=verified.sign_count, name=(name or "passkey")[:60])


def authentication_options(request: HttpRequest, user: User) -> str:
    rp_id, _origin = rp(request)
    options = generate_authentication_options(
        rp_id=rp_id, user_verification=UserVerificationRequirement.PREFERRED,
        allow_credentials=[PublicKeyCredentialDescriptor(id=base64url_to_bytes(p.credential_id))
                           for p in Passkey.objects.filter(user=user)])
    _keep(user, "login", options.challenge)
    return str(options_to_json(options))


def verify(request: HttpRequest, user: User, credential: Any) -> bool:
    """Check an assertion against its challenge (used once) and the stored key."""
    try:
        data = _as_json(credential)
        cred_id = json.loads(data)["id"]
    except (ValueError, KeyError, TypeError):
        return False
    challenge = _take(user, "login", data)
    key = Passkey.objects.filter(user=user, credential_id=str(cred_id)[:400]).first()
    if not challenge or key is None:
        return False
    rp_id, origin = rp(request)
    try:
        verified = verify_authentication_response(
            credential=data, expected_challenge=base64url_to_bytes(challenge),
            expected_rp_id=rp_id, expected_origin=origin,
            credential_public_key=base64url_to_bytes(key.public_key),
            credential_current_sign_count=key.sign_count)
    except (WebAuthnException, ValueError, KeyError, TypeError):
        return False
    # A counter that does not move forward (when the authenticator keeps one) means a clone.
    updated = Passkey.objects.filter(pk=key.pk, sign_count=key.sign_count).update(
        sign_count=verified.new_sign_count, last_used_at=clock.now())
    return bool(updated)


def _keep(user: User, purpose: str, challenge: bytes) -> None:
    now = clock.now()
    PasskeyChallenge.objects.filter(user=user, expires_at__lt=now).delete()
    PasskeyChallenge.objects.create(
        user=user, purpose=purpose, created_at=now,
        challenge_hash=keyed_digest("webauthn", bytes_to_base64url(challenge)),
        expires_at=now + timedelta(minutes=CHALLENGE_MINUTES))


def _take(user: User, purpose: str, data: str) -> str | None:
    """The challenge the answer signed, if it was made for this user and purpose and is unused."""
    try:
        client = json.loads(base64url_to_bytes(json.loads(data)["response"]["clientDataJSON"]))
        challenge = client["challenge"]
    except (ValueError, KeyError, TypeError, AttributeError):
        return None
    if not isinstance(challenge, str) or not challenge or len(challenge) > 200:
        return None
    now = clock.now()
    used = PasskeyChallenge.objects.filter(
        user=user, purpose=purpose, challenge_hash=keyed_digest("webauthn", challenge),
        used_at__isnull=True, expires_at__gt=now).update(used_at=now)
    return challenge if used else None


def _as_json(credential: Any) -> str:
    if isinstance(credential, str):
        if len(credential) > 20_000:
            raise ValueError("too long")
        return credential
    return json.dumps(credential)


def has_passkey(user: User) -> bool:
    return Passkey.objects.filter(user=user).exists()


def remove_all(user: User) -> int:
    """Every passkey of the user goes (a two-step reset by support); how many there were."""
    return Passkey.objects.filter(user=user).delete()[0]
