"""WebAuthn passkeys as a second factor (py_webauthn). The challenge lives in the session
of the page that asked for it; the relying party is the site's host name."""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
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

from .models import Passkey, User

SESSION_KEY = "webauthn_challenge"


def rp(request: HttpRequest) -> tuple[str, str]:
    """(RP ID, origin): configured, or the host the browser used."""
    rp_id = settings.SECURITY.get("WEBAUTHN_RP_ID") or request.get_host().rsplit(":", 1)[0]
    origin = settings.SECURITY.get("WEBAUTHN_ORIGIN") or f"{request.scheme}://{request.get_host()}"
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
    request.session[SESSION_KEY] = bytes_to_base64url(options.challenge)
    return str(options_to_json(options))


def register(request: HttpRequest, user: User, credential: Any, name: str) -> Passkey | None:
    challenge = request.session.pop(SESSION_KEY, None)
    if not challenge:
        return None
    rp_id, origin = rp(request)
    try:
        verified = verify_registration_response(
            credential=_as_json(credential), expected_challenge=base64url_to_bytes(challenge),
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
    request.session[SESSION_KEY] = bytes_to_base64url(options.challenge)
    return str(options_to_json(options))


def verify(request: HttpRequest, user: User, credential: Any) -> bool:
    """Check an assertion against the session's challenge (used once) and the stored key."""
    challenge = request.session.pop(SESSION_KEY, None)
    try:
        data = _as_json(credential)
        cred_id = json.loads(data)["id"]
    except (ValueError, KeyError, TypeError):
        return False
    key = Passkey.objects.filter(user=user, credential_id=cred_id).first()
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


def _as_json(credential: Any) -> str:
    if isinstance(credential, str):
        if len(credential) > 20_000:
            raise ValueError("too long")
        return credential
    return json.dumps(credential)


def has_passkey(user: User) -> bool:
    return Passkey.objects.filter(user=user).exists()
