"""A local Web Push service on the loopback, for tests: it receives what the server pushes,
checks the VAPID token (ES256 over the claims, audience, expiry) and decrypts the
aes128gcm body with the browser side's private key, as a browser would."""

from __future__ import annotations

import base64
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import http_ece
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature


def b64d(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def b64e(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


@dataclass
class Browser:
    """One subscribed browser: its key pair and auth secret (what pushManager makes)."""

    key: ec.EllipticCurvePrivateKey = field(
        default_factory=lambda: ec.generate_private_key(ec.SECP256R1()))
    auth: bytes = field(default_factory=lambda: __import__("os").urandom(16))

    def keys(self) -> dict[str, str]:
        pub = self.key.public_key().public_bytes(serialization.Encoding.X962,
                                                 serialization.PublicFormat.UncompressedPoint)
        return {"p256dh": b64e(pub), "auth": b64e(self.auth)}


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    claims: dict[str, Any]
    vapid_key: str
    payload: dict[str, Any]


def verify_vapid(header: str, audience: str) -> tuple[dict[str, Any], str]:
    """Check "vapid t=<jwt>, k=<key>": the ES256 signature by k, aud, exp, sub."""
    parts = dict(p.strip().split("=", 1) for p in header.removeprefix("vapid ").split(","))
    token, key_b64 = parts["t"], parts["k"]
    head_b64, claims_b64, sig_b64 = token.split(".")
    head = json.loads(b64d(head_b64))
    assert head["alg"] == "ES256"
    pub = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), b64d(key_b64))
    sig = b64d(sig_b64)
    der = encode_dss_signature(int.from_bytes(sig[:32], "big"), int.from_bytes(sig[32:], "big"))
    try:
        pub.verify(der, f"{head_b64}.{claims_b64}".encode(), ec.ECDSA(hashes.SHA256()))
    except InvalidSignature as exc:
        raise AssertionError("bad VAPID signature") from exc
    claims = json.loads(b64d(claims_b64))
    assert claims["aud"] == audience, claims
    assert time.time() < claims["exp"] <= time.time() + 24 * 3600, claims
    assert claims["sub"].startswith(("mailto:", "https:")), claims
    return claims, key_b64


class PushService:
    """Serves on 127.0.0.1; ``/gone/...`` endpoints answer 410 like an expired subscription."""

    def __init__(self) -> None:
        self.browsers: dict[str, Browser] = {}
        self.received: list[Received] = []
        self.errors: list[str] = []
        service = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                if self.path.startswith("/gone/"):
                    self.send_response(410)
                    self.end_headers()
                    return
                try:
                    service.accept(self.path, {k.lower(): v for k, v in self.headers.items()}, body)
                except Exception as exc:
                    service.errors.append(repr(exc))
                    self.send_response(400)
                else:
                    self.send_response(201)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.origin = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def subscription(self, name: str, *, gone: bool = False) -> dict[str, Any]:
        browser = self.browsers.setdefault(name, Browser())
        path = f"/{'gone' if gone else 'push'}/{name}"
        return {"endpoint": f"{self.origin}{path}", "keys": browser.keys()}

    def accept(self, path: str, headers: dict[str, str], body: bytes) -> None:
        assert headers.get("content-encoding") == "aes128gcm", headers
        assert int(headers["ttl"]) > 0
        claims, key = verify_vapid(headers["authorization"], self.origin)
        browser = self.browsers[path.rsplit("/", 1)[1]]
        plain = http_ece.decrypt(body, private_key=browser.key, auth_secret=browser.auth,
                                 version="aes128gcm")
        self.received.append(Received(path, headers, claims, key, json.loads(plain)))

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
