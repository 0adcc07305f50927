"""Verification of every kind of value against the demo directory."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from walletdesk.core import clock
from walletdesk.directory import verify
from walletdesk.directory.errors import EmptyInput, InputTooLong, UnrecognizedInput

pytestmark = pytest.mark.usefixtures("demo_directory")


@pytest.mark.parametrize("written", [
    "400-820-1024", "4008201024", "400 820 1024", "(400) 820-1024", "+86 400 820 1024",
    "0086 400 820 1024", "+86-400-820-1024", "４００８２０１０２４",
])
def test_official_number_in_many_formats(written: str) -> None:
    r = verify.check(written)
    assert r.official and r.kind == "phone" and r.normalized == "+864008201024"
    assert r.match and r.match["region"] == "CN"


@pytest.mark.parametrize("written,region", [
    ("+852 3008 1024", "HK"), ("3008 1024", "HK"), ("+65 6100 1024", "SG"),
    ("6100 1024", "SG"), ("+44 20 7946 0958", "INTL"), ("021 6010 1024", "CN"),
])
def test_numbers_of_other_regions(written: str, region: str) -> None:
    r = verify.check(written, "CN")
    assert r.official and r.match and r.match["region"] == region


def test_an_unknown_number_is_not_official() -> None:
    r = verify.check("+86 138 0013 8000")
    assert not r.official and r.warning_code == "not_in_directory" and r.as_dict()["can_report"]


def test_a_number_one_digit_away_is_flagged() -> None:
    r = verify.check("400-820-1025")
    assert not r.official and r.warning_code == "lookalike_number"
    assert r.similar_to and r.similar_to["normalized"] == "+864008201024"


def test_an_invalid_number() -> None:
    assert verify.check("12345").warning_code == "invalid_number"


@pytest.mark.parametrize("address", ["support@walletdesk.example", "Support@WalletDesk.Example",
                                     " hk.support@walletdesk.example "])
def test_official_emails(address: str) -> None:
    r = verify.check(address)
    assert r.official and r.kind == "email"


def test_email_on_our_domain_but_not_listed() -> None:
    r = verify.check("refunds-team@walletdesk.example")
    assert not r.official and r.warning_code == "unlisted_address"


@pytest.mark.security
@pytest.mark.parametrize("address,code", [
    ("support@walletdesk-help.com", "lookalike_extra_words"),
    ("support@wallетdesk.example", "lookalike_homoglyph"),
    ("support@walletdesk.com", "lookalike_other_tld"),
    ("support@gmail.com", "not_in_directory"),
])
def test_scam_emails(address: str, code: str) -> None:
    r = verify.check(address)
    assert not r.official and r.warning_code == code


@pytest.mark.parametrize("url", ["walletdesk.example", "https://walletdesk.example/help",
                                 "HTTPS://WALLETDESK.EXAMPLE", "www.walletdesk.example",
                                 "https://app.walletdesk.example/download?x=1",
                                 "ｗａｌｌｅｔｄｅｓｋ.example"])
def test_official_sites(url: str) -> None:
    r = verify.check(url)
    assert r.official and r.kind == "website", url


@pytest.mark.security
@pytest.mark.parametrize("url,code", [
    ("https://xn--wlletdesk-0yh.example/login", "lookalike_punycode"),   # Cyrillic а, in punycode
    ("https://wаlletdesk.example/login", "lookalike_homoglyph"),          # Cyrillic а, as typed
    ("walletdеsk.example", "lookalike_homoglyph"),                        # Cyrillic е
    ("https://wa11etdesk.example", "lookalike_lookalike"),                # digits for letters
    ("https://walletdesk-support.com", "lookalike_extra_words"),
    ("https://secure-walletdesk.example.net/verify", "lookalike_extra_words"),
    ("https://walletdesk.example.refund-center.cc", "lookalike_extra_words"),
    ("https://walletdesk.com", "lookalike_other_tld"),
    ("https://walletdesk.cn", "lookalike_other_tld"),
    ("https://walletdeks.example", "lookalike_typo"),
    ("https://walletdesk.example@evil.example/pay", "disguised_url"),
    ("https://news.example.org", "not_in_directory"),
])
def test_lookalike_sites(url: str, code: str) -> None:
    r = verify.check(url)
    assert not r.official and r.kind == "website" and r.warning_code == code, (url, r)
    if code.startswith("lookalike"):
        assert r.similar_to and r.similar_to["normalized"] == "walletdesk.example"


def test_punycode_result_says_how_it_reads() -> None:
    r = verify.check("xn--wlletdesk-0yh.example")
    assert r.extra["shown_as"] == "wаlletdesk.example"


@pytest.mark.parametrize("handle", ["weibo:@walletdesk", "微博: walletdesk", "@walletdesk",
                                   "https://weibo.com/walletdesk", "wechat: walletdesk_cs",
                                   "facebook:walletdesk.hk"])
def test_official_social_accounts(handle: str) -> None:
    r = verify.check(handle)
    assert r.official and r.kind == "social", handle


@pytest.mark.security
@pytest.mark.parametrize("handle", ["@walletdesk_refund", "weibo:walletdesk客服中心", "@wa1letdesk"])
def test_lookalike_social_accounts(handle: str) -> None:
    r = verify.check(handle)
    assert not r.official and r.warning_code == "lookalike_handle", handle


def test_unknown_social_account() -> None:
    assert verify.check("@someone_else").warning_code == "not_in_directory"


@pytest.mark.parametrize("written", ["WD1024", "wd1024", "工号：WD1024", "WD-1024", "工号 wd 1024"])
def test_employee_id_answers_name_and_duty_only(demo_agents: Any, written: str) -> None:
    r = verify.check(written)
    assert r.official and r.kind == "employee_id"
    assert r.match == {"employee_id": "WD1024", "display_name": "王磊", "latin_name": "Wang Lei",
                       "name": "王磊", "on_duty": True}


@pytest.mark.parametrize(("lang", "shown", "hidden"), [("zh-hans", "王磊", "Wang Lei"),
                                                       ("en", "Wang Lei", "王磊"),
                                                       ("zh-hant", "王磊", "Wang Lei")])
def test_verify_page_names_the_agent_in_the_readers_language(
        demo_agents: Any, lang: str, shown: str, hidden: str) -> None:
    from django.test import Client

    page = Client(headers={"Accept-Language": lang}).get("/contact/verify/", {"value": "WD1024"})
    assert page.status_code == 200
    result = page.content.decode().split('data-testid="verify-result"')[1].split("</section>")[0]
    assert shown in result and "WD1024" in result and hidden not in result
    api = Client(headers={"Accept-Language": lang}).get("/api/v1/contact/verify", {"value": "WD1024"})
    assert api.json()["match"]["name"] == shown


def test_employee_goes_off_duty_without_heartbeat(demo_agents: Any) -> None:
    with clock.frozen(clock.now() + timedelta(minutes=10)):
        assert verify.check("WD1024").match["on_duty"] is False  # type: ignore[index]
    assert verify.check("WD3007").match["on_duty"] is False  # type: ignore[index]


@pytest.mark.security
def test_unknown_employee_id(demo_agents: Any) -> None:
    r = verify.check("WD9999")
    assert not r.official and r.warning_code == "unknown_employee_id" and r.match is None


@pytest.mark.parametrize("garbage,error", [
    ("", EmptyInput), ("   ", EmptyInput), ("x" * 301, InputTooLong),
    ("hello world", UnrecognizedInput), ("<script>alert(1)</script>", UnrecognizedInput),
    ("DROP TABLE directory_channel;", UnrecognizedInput), ("\x00\x01", UnrecognizedInput),
    ("@", UnrecognizedInput), ("a@b", UnrecognizedInput), (None, EmptyInput),
])
def test_garbage_is_a_typed_error(garbage: Any, error: type) -> None:
    with pytest.raises(error) as exc:
        verify.check(garbage)
    assert exc.value.status == 422 and exc.value.code  # type: ignore[attr-defined]
