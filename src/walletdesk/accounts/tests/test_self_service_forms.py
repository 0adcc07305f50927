"""Sign-up, recovery and two-step pages as a customer meets them: a refusal shows under the
field it is about (and the field says so to a screen reader), a lost authenticator is never a
dead end, and nothing English is left on a Chinese page."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from .test_codes import RIGHT, _enroll

pytestmark = pytest.mark.django_db


def _field_error(html: str, name: str) -> str:
    """The message under field ``name`` (empty when there is none)."""
    found = re.search(rf'<p class="error field-error" id="id_{name}_error"[^>]*>(.*?)</p>', html,
                      re.S)
    return found.group(1).strip() if found else ""


@pytest.mark.parametrize(("lang", "words"), [("zh-hans", "10 个字符"), ("en", "10 characters")])
def test_a_weak_password_is_refused_under_the_password_field(lang: str, words: str) -> None:
    c = Client(headers={"accept-language": lang})
    r = c.post("/account/register/", {"login": "new.person@example.com", "password": "short"})
    html = r.content.decode()
    assert words in _field_error(html, "password")
    assert 'data-testid="form-error"' not in html  # not above the form, away from the field
    field = re.search(r'<input[^>]*name="password"[^>]*>', html).group(0)
    assert 'aria-invalid="true"' in field and 'aria-describedby="id_password_error"' in field


def test_a_wrong_emailed_code_is_refused_under_the_code_field(customer: Any) -> None:
    c = Client(headers={"accept-language": "en"})
    r = c.post("/account/password-reset/confirm/",
               {"login": customer.email, "code": "123456",
                "new_password": "violet kettle harbour 42 lantern"})
    html = r.content.decode()
    assert "The code is not correct" in _field_error(html, "code")
    assert 'data-testid="form-error"' not in html


@pytest.mark.parametrize(("lang", "says", "lost"), [
    ("zh-hans", "当前显示的验证码", "手机或恢复码丢失了？"),
    ("en", "shows now", "Lost your phone or your recovery codes?"),
])
def test_a_wrong_authenticator_code_says_what_to_do_and_offers_a_way_out(
        customer: Any, lang: str, says: str, lost: str) -> None:
    _enroll(customer)
    c = Client(headers={"accept-language": lang})
    first = c.post("/login/", {"username": customer.email, "password": RIGHT})
    assert first.status_code == 302 and "/login/verify/" in first["Location"]
    page = c.get(first["Location"]).content.decode()
    assert lost in page and 'href="/troubleshoot/lock/"' in page
    html = c.post(first["Location"], {"code": "000000"}).content.decode()
    message = _field_error(html, "code")
    assert says in message
    # An authenticator's code cannot be asked for again: the emailed code's advice is wrong here.
    assert "Ask for a new one" not in message and "请重新获取" not in message


def test_the_recovery_pages_lead_back_to_log_in() -> None:
    c = Client(headers={"accept-language": "en"})
    for path in ("/account/password-reset/", "/account/unlock/"):
        html = c.get(path).content.decode()
        links = html.split('data-testid="form-links"', 1)[1].split("</ul>", 1)[0]
        assert 'href="/login/"' in links and "Back to log in" in links, path


def test_security_pages_in_chinese_have_no_english_default(customer: Any) -> None:
    c = Client(headers={"accept-language": "zh-hans"})
    assert c.post("/login/", {"username": customer.email, "password": RIGHT}).status_code == 302
    passkeys = c.get("/account/passkeys/").content.decode()
    assert 'value="我的通行密钥"' in passkeys and 'value="passkey"' not in passkeys
    # The page that sets the phrase does not also nag, above its own form, to set it.
    assert 'data-testid="phrase-banner"' not in c.get("/account/phrase/").content.decode()
    # The check-up's own row says the phrase is not set; the other account pages nudge.
    assert 'data-testid="phrase-banner"' not in c.get("/account/checkup/").content.decode()
    assert 'data-testid="phrase-banner"' in c.get("/account/devices/").content.decode()
    checkup = c.get("/account/checkup/").content.decode()
    action = re.search(r'data-testid="mfa-action">([^<]*)<', checkup).group(1)
    assert action == "开启"  # off: the link turns it on, it does not "manage" it
    assert "至少 10 个字符" in c.get("/account/password/").content.decode()
