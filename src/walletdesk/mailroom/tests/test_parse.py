"""Pure parts of reading mail: quoted history, HTML, vouching headers, subjects, listen addresses."""

from __future__ import annotations

import pytest

from walletdesk.mailroom.conf import parse_listen
from walletdesk.mailroom.parse import Malformed, new_part, parse
from walletdesk.mailroom.services.outbound import clean_subject


@pytest.mark.parametrize(("text", "kept"), [
    ("新的问题\n\n在 2026年11月25日 客服 写道：\n> 旧的回复", "新的问题"),
    ("Thanks!\n\nOn Tue, 25 Nov 2026 at 10:00, walletdesk support wrote:\n> old", "Thanks!"),
    ("ok\n-----Original Message-----\nFrom: support\nold text", "ok"),
    ("line one\n> quoted\nline two", "line one\nline two"),
    ("On Monday I paid 50 yuan and it wrote: failed", "On Monday I paid 50 yuan and it wrote: failed"),
])
def test_new_part_cuts_quoted_history(text: str, kept: str) -> None:
    assert new_part(text) == kept


def _raw(headers: str, body: str = "hello") -> bytes:
    return f"From: Li <li@example.net>\r\nSubject: s\r\n{headers}\r\n{body}\r\n".encode()


def test_only_our_mx_vouches_for_a_from() -> None:
    ours = "Authentication-Results: mx.walletdesk.example; dkim=pass; dmarc=pass header.from=example.net\r\n"
    theirs = "Authentication-Results: mx.walletdesk.example.evil; dmarc=pass header.from=example.net\r\n"
    assert parse(_raw(ours), "li@example.net", "mx.walletdesk.example").authenticated_domains == [
        "example.net"]
    assert parse(_raw(theirs), "li@example.net", "mx.walletdesk.example").authenticated_domains == []
    assert parse(_raw(ours), "li@example.net", "").authenticated_domains == []


def test_a_forged_pass_with_our_id_loses_to_our_mxs_own_result() -> None:
    forged = "Authentication-Results: mx.walletdesk.example; dmarc=pass header.from=example.net\r\n"
    real = "Authentication-Results: mx.walletdesk.example; dmarc=fail (p=reject) header.from=example.net\r\n"
    none = "Authentication-Results: mx.walletdesk.example; dmarc=none header.from=example.net\r\n"
    for headers in (real + forged, forged + real, none + forged):
        assert parse(_raw(headers), "li@example.net", "mx.walletdesk.example").authenticated_domains == []


def test_threading_headers_and_language() -> None:
    raw = _raw("Message-ID: <a@x>\r\nIn-Reply-To: <wd.1@walletdesk.example>\r\n"
               "References: <a0@x>\r\n <wd.1@walletdesk.example>\r\nContent-Language: zh-CN\r\n")
    got = parse(raw, "li@example.net")
    assert (got.message_id, got.in_reply_to, got.references) == (
        "a@x", "wd.1@walletdesk.example", ["a0@x", "wd.1@walletdesk.example"])
    assert got.language_hint == "zh-hans" and got.from_name == "Li"
    assert parse(_raw(""), "li@example.net").language_hint == "en"
    utf8 = "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n"
    assert parse(_raw(utf8, "你好"), "li@example.net").language_hint == "zh-hans"


def test_a_mail_without_message_id_gets_a_stable_one() -> None:
    assert parse(_raw(""), "li@example.net").message_id == parse(_raw(""), "x@y.z").message_id


def test_nul_bytes_are_refused() -> None:
    with pytest.raises(Malformed) as refused:
        parse(_raw("", "a\x00b"), "li@example.net")
    assert refused.value.reply.startswith("554 5.6.0")


@pytest.mark.parametrize(("subject", "clean"), [
    ("Re: RE: 回复：我的转账 [CS-20261125-000001]", "我的转账"),
    ("Fwd: [CS-20261125-000001] Re: refund", "refund"),
    ("  refund   please ", "refund please"),
])
def test_clean_subject(subject: str, clean: str) -> None:
    assert clean_subject(subject) == clean


@pytest.mark.parametrize(("value", "parsed"), [
    ("127.0.0.1:2525", ("127.0.0.1", 2525)), ("[::1]:2525", ("::1", 2525)), ("off", None), ("", None),
    (":2526", ("127.0.0.1", 2526)),
])
def test_listen_addresses(value: str, parsed: object) -> None:
    assert parse_listen(value) == parsed


@pytest.mark.parametrize("value", ["2525", "host:", "host:99999", "host:abc"])
def test_bad_listen_addresses(value: str) -> None:
    with pytest.raises(ValueError, match="WALLETDESK_SMTP_LISTEN"):
        parse_listen(value)


@pytest.mark.parametrize("declared", ["zh-HK", "zh-TW", "zh-Hant", "zh-Hant-HK", "yue-HK"])
def test_traditional_chinese_is_kept_as_such(declared: str) -> None:
    assert parse(_raw(f"Content-Language: {declared}\r\n"), "li@example.net").language_hint == "zh-hant"
