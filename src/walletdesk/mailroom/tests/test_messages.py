"""Support mail through the one renderer: the acknowledgement's subject, text and HTML in the
customer's language, with their anti-phishing phrase in both parts."""

from __future__ import annotations

from typing import Any

import pytest

from walletdesk.core import clock
from walletdesk.notify.tests.wording import LANGUAGES, assert_reads_well

from .conftest import mail
from .test_outbound import run_jobs, take  # noqa: F401 (fixtures)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_acknowledgement_in_each_language(take: Any, sink: Any, make_customer: Any,  # noqa: F811
                                              run_jobs: Any, lang: str) -> None:  # noqa: F811
    address = f"mr-{lang}@example.net"
    make_customer(address, verified_at=clock.now(), language=lang, time_zone="Asia/Hong_Kong",
                  anti_phishing_phrase="plum 9")
    conv = take(mail("Card", "Where?", sender=address), address)
    run_jobs()
    [ack] = sink.mails
    text = ack.get_body(preferencelist=("plain",)).get_content()
    html = ack.get_body(preferencelist=("html",)).get_content()
    assert ack["Subject"].endswith(f"Card [{conv.reference}]")
    assert ack["Content-Language"] == lang
    for body in (text, html):
        assert "plum 9" in body and conv.reference in body
    assert_reads_well(ack["Subject"] + "\n" + text, lang)
