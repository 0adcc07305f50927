"""The signed directory: round trip, tamper detection, offline check, key handling."""

from __future__ import annotations

import base64
import copy
import json
import os
import stat
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import CommandError
from nacl.signing import SigningKey

from walletdesk.core import clock
from walletdesk.directory import queries, signing

pytestmark = [pytest.mark.security, pytest.mark.usefixtures("demo_directory")]


@pytest.fixture
def key(settings: Any) -> SigningKey:
    k = SigningKey.generate()
    settings.DIRECTORY_SIGNING_KEY = base64.b64encode(bytes(k)).decode()  # WALLETDESK_DIRECTORY_SIGNING_KEY
    return k


def test_round_trip(key: SigningKey) -> None:
    envelope = signing.sign(queries.directory_document())
    directory = signing.verify(json.loads(json.dumps(envelope)), key.verify_key)
    assert {r["code"] for r in directory["regions"]} == {"CN", "HK", "SG", "INTL"}
    assert envelope["signature"]["key_id"] == signing.key_id(key.verify_key)


@pytest.mark.parametrize("tamper", [
    lambda d: d["regions"][0]["channels"][0].update(value="400-000-0000"),
    lambda d: d["regions"][0]["channels"].append({"kind": "phone", "value": "+1 555 0100"}),
    lambda d: d.update(issued_at="2099-01-01T00:00:00+00:00"),
    lambda d: d["regions"].pop(),
])
def test_any_change_breaks_the_signature(key: SigningKey, tamper: Any) -> None:
    envelope = signing.sign(queries.directory_document())
    forged = copy.deepcopy(envelope)
    tamper(forged["directory"])
    with pytest.raises(signing.SignatureInvalid):
        signing.verify(forged, key.verify_key)


def test_another_key_is_refused(key: SigningKey) -> None:
    envelope = signing.sign(queries.directory_document())
    with pytest.raises(signing.SignatureInvalid):
        signing.verify(envelope, SigningKey.generate().verify_key)
    resigned = signing.sign(envelope["directory"], SigningKey.generate())
    with pytest.raises(signing.SignatureInvalid):
        signing.verify(resigned, key.verify_key)


@pytest.mark.parametrize("junk", [None, [], {}, {"directory": {}}, {"directory": {"format": "x"}},
                                  {"directory": {"format": signing.FORMAT},
                                   "signature": {"alg": "Ed25519", "value": "!!"}}])
def test_junk_is_refused(key: SigningKey, junk: Any) -> None:
    with pytest.raises(signing.SignatureInvalid):
        signing.verify(junk, key.verify_key)


def test_api_serves_a_verifiable_directory_and_its_key(key: SigningKey, anon_api: Any) -> None:
    body = anon_api.get("/api/v1/contact/directory.json").json()
    published = anon_api.get("/api/v1/contact/public-key").json()
    assert published["alg"] == "Ed25519"
    public = signing.parse_public_key(published["public_key"])
    assert signing.verify(body, public)["format"] == signing.FORMAT


def test_verify_directory_command(key: SigningKey, tmp_path: Path, anon_api: Any,
                                  capsys: pytest.CaptureFixture[str]) -> None:
    copy_file = tmp_path / "directory.json"
    copy_file.write_bytes(anon_api.get("/api/v1/contact/directory.json").content)
    public = base64.b64encode(bytes(key.verify_key)).decode()
    call_command("verify_directory", str(copy_file), "--public-key", public)
    assert "OK" in capsys.readouterr().out
    call_command("verify_directory", str(copy_file))  # this installation's own key

    data = json.loads(copy_file.read_text())
    data["directory"]["regions"][0]["channels"][0]["value"] = "+86 170 0000 0000"
    copy_file.write_text(json.dumps(data, ensure_ascii=False))
    with pytest.raises(CommandError, match="INVALID"):
        call_command("verify_directory", str(copy_file), "--public-key", public)
    with pytest.raises(CommandError):
        call_command("verify_directory", str(tmp_path / "missing.json"))


def test_an_old_copy_is_reported_as_expired(key: SigningKey, tmp_path: Path, anon_api: Any) -> None:
    copy_file = tmp_path / "directory.json"
    copy_file.write_bytes(anon_api.get("/api/v1/contact/directory.json").content)
    clock.advance(days=31)
    with pytest.raises(CommandError, match="EXPIRED"):
        call_command("verify_directory", str(copy_file))
    call_command("verify_directory", str(copy_file), "--allow-expired")


def test_development_key_is_generated_once_and_private(settings: Any, tmp_path: Path) -> None:
    settings.DIRECTORY_SIGNING_KEY = ""
    settings.VAR_DIR = tmp_path
    first = signing.signing_key()
    assert bytes(signing.signing_key()) == bytes(first)
    mode = stat.S_IMODE(os.stat(tmp_path / signing.KEY_FILE).st_mode)
    assert mode == 0o600


def test_production_needs_the_key(settings: Any) -> None:
    settings.DIRECTORY_SIGNING_KEY = ""
    settings.PRODUCTION = True
    with pytest.raises(ImproperlyConfigured, match="must be set in production"):
        signing.signing_key()
    settings.DIRECTORY_SIGNING_KEY = "not base64!"
    with pytest.raises(ImproperlyConfigured, match="is not base64"):
        signing.signing_key()


def test_the_signed_copy_lists_every_coming_holiday(key: SigningKey) -> None:
    from datetime import UTC, datetime

    with clock.frozen(datetime(2026, 11, 25, 3, 0, tzinfo=UTC)):
        directory = signing.verify(signing.sign(queries.directory_document()), key.verify_key)
    spring = [d["date"] for d in directory["hours"]["cn-hotline"]["special_days"]]
    assert "2027-02-06" in spring  # beyond the hub's 60-day window
    assert directory["valid_until"].startswith("2026-12-25")
