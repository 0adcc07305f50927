"""Ed25519 signatures over the official directory.

The signed bytes are the canonical JSON of the ``directory`` member (sorted
keys, no spaces, UTF-8), so a copy can be checked offline with nothing but
the public key: ``walletdesk verify_directory FILE``. The private key comes
from ``WALLETDESK_DIRECTORY_SIGNING_KEY`` (base64 of the 32-byte seed); in
development one is generated once and kept in ``VAR_DIR`` (mode 0600). In
production a missing key is an error, never a fresh key.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import os
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from nacl.exceptions import BadSignatureError
from nacl.signing import SigningKey, VerifyKey

ENV_VAR = "WALLETDESK_DIRECTORY_SIGNING_KEY"
FORMAT = "walletdesk-directory/1"
ALG = "Ed25519"
KEY_FILE = "directory-signing.key"


class SignatureInvalid(Exception):
    """The copy was changed, signed by another key, or is not a signed directory."""


def canonical(data: Any) -> bytes:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def _decode_seed(text: str) -> SigningKey:
    try:
        raw = base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError):
        raise ImproperlyConfigured(f"{ENV_VAR} is not base64") from None
    if len(raw) != 32:
        raise ImproperlyConfigured(f"{ENV_VAR} must be the base64 of a 32-byte Ed25519 seed")
    return SigningKey(raw)


def _create_key_file(path: Path) -> None:
    """Write a new seed next to ``path`` and link it into place (atomic; first one wins)."""
    seed = base64.b64encode(bytes(SigningKey.generate()))
    tmp = path.with_name(f".{path.name}.{os.getpid()}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.write(fd, seed)
    finally:
        os.close(fd)
    try:
        os.link(tmp, path)
    except FileExistsError:
        pass
    finally:
        tmp.unlink(missing_ok=True)


def signing_key() -> SigningKey:
    configured = settings.DIRECTORY_SIGNING_KEY
    if configured:
        return _decode_seed(configured)
    if settings.PRODUCTION:
        raise ImproperlyConfigured(f"{ENV_VAR} must be set in production")
    path = Path(settings.VAR_DIR) / KEY_FILE
    if not path.exists():
        _create_key_file(path)
    return _decode_seed(path.read_text())


def key_id(verify_key: VerifyKey) -> str:
    return hashlib.sha256(bytes(verify_key)).hexdigest()[:16]


def public_key_info(key: SigningKey | None = None) -> dict[str, str]:
    vk = (key or signing_key()).verify_key
    return {"alg": ALG, "key_id": key_id(vk),
            "public_key": base64.b64encode(bytes(vk)).decode()}


def sign(directory: dict[str, Any], key: SigningKey | None = None) -> dict[str, Any]:
    key = key or signing_key()
    signature = key.sign(canonical(directory)).signature
    return {"directory": directory,
            "signature": {**public_key_info(key), "value": base64.b64encode(signature).decode()}}


def parse_public_key(text: str) -> VerifyKey:
    try:
        raw = base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError):
        raise SignatureInvalid("the public key is not base64") from None
    if len(raw) != 32:
        raise SignatureInvalid("the public key must be 32 bytes")
    return VerifyKey(raw)


def verify(envelope: Any, public_key: VerifyKey) -> dict[str, Any]:
    """The directory of a signed envelope, or SignatureInvalid."""
    if not isinstance(envelope, dict) or not isinstance(envelope.get("directory"), dict):
        raise SignatureInvalid("not a signed directory")
    sig = envelope.get("signature")
    if not isinstance(sig, dict) or sig.get("alg") != ALG or not isinstance(sig.get("value"), str):
        raise SignatureInvalid("no Ed25519 signature")
    if envelope["directory"].get("format") != FORMAT:
        raise SignatureInvalid("unknown directory format")
    try:
        raw_sig = base64.b64decode(sig["value"], validate=True)
        public_key.verify(canonical(envelope["directory"]), raw_sig)
    except (binascii.Error, ValueError, BadSignatureError):
        raise SignatureInvalid("the signature does not match this public key") from None
    return dict(envelope["directory"])
