"""Two-step setup on the page: a QR code that passes the CSP, the key in groups of four,
and recovery codes that stay on screen until the person says they saved them."""

from __future__ import annotations

import re
from typing import Any

import pyotp
import pytest
from django.test import Client

from walletdesk.accounts.models import TotpDevice
from walletdesk.accounts.services import mfa

from .test_mfa import RIGHT

pytestmark = pytest.mark.security

URL = "/account/two-factor/"


@pytest.fixture
def signed_in(customer: Any) -> Client:
    c = Client(headers={"accept-language": "en"})
    assert c.post("/login/", {"username": customer.email, "password": RIGHT}).status_code == 302
    return c


def test_setup_shows_a_qr_code_and_the_key_in_groups(signed_in: Client, customer: Any) -> None:
    signed_in.post(URL, {"action": "begin"})
    r = signed_in.get(URL)
    page = r.content.decode()
    secret = mfa.pending_secret(customer)
    assert secret is not None
    qr = re.search(r'<div class="qr" data-testid="totp-qr">(.*?)</div>', page, re.S).group(1)
    assert qr.startswith("<svg") and "viewBox" in qr and "<path" in qr
    assert "style=" not in qr and "<script" not in qr  # the CSP allows no inline style or script
    groups = re.findall(r"<span>([A-Z2-7]{1,4})</span>", page)
    assert "".join(groups) == secret and all(len(g) == 4 for g in groups[:-1])
    assert 'data-copy="totp-secret"' in page
    assert f"secret={secret}" in page  # the otpauth link, behind a button, not printed out
    assert ">otpauth://" not in page
    csp = r["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "'unsafe-inline'" not in csp


def test_recovery_codes_stay_until_the_person_says_they_saved_them(signed_in: Client,
                                                                   customer: Any) -> None:
    signed_in.post(URL, {"action": "begin"})
    secret = mfa.pending_secret(customer)
    assert secret is not None
    r = signed_in.post(URL, {"code": pyotp.TOTP(secret).now()})
    page = r.content.decode()
    codes = re.findall(r"<li><code>([^<]+)</code></li>", page)
    assert len(codes) == 10
    assert TotpDevice.objects.get(user=customer).confirmed_at is not None
    assert 'download="walletdesk-recovery-codes.txt"' in page and codes[0] in page.split(
        'download=')[0].rsplit('href="', 1)[1]
    # Leaving and coming back: the codes are still there, the step is not done.
    assert all(code in signed_in.get(URL).content.decode() for code in codes)
    # "Finish" without ticking the box: told to tick it, the codes stay.
    r = signed_in.post(URL, {"action": "saved"})
    assert b'data-testid="saved-error"' in r.content and codes[0].encode() in r.content
    r = signed_in.post(URL, {"action": "saved", "saved": "yes"})
    assert r.status_code == 302
    page = signed_in.get(URL).content.decode()
    assert not any(code in page for code in codes)
    assert "10 recovery codes left." in page
