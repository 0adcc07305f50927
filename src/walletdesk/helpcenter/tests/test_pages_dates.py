"""An article says when it last changed in words, in the reader's language: no ISO date and
no version number (those are for the editors, in the admin)."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from django.test import Client
from django.utils import translation

from walletdesk.helpcenter.present import updated_words

NOW = datetime(2026, 12, 7, 4, 0, tzinfo=UTC)


@pytest.mark.parametrize(("lang", "moment", "words"), [
    ("en", datetime(2026, 12, 7, 1, 0, tzinfo=UTC), "Updated today"),
    ("en", datetime(2026, 12, 6, 1, 0, tzinfo=UTC), "Updated yesterday"),
    ("en", datetime(2026, 3, 5, 1, 0, tzinfo=UTC), "Updated Mar 5"),
    ("en", datetime(2025, 3, 5, 1, 0, tzinfo=UTC), "Updated Mar 5, 2025"),
    ("zh-hans", datetime(2026, 12, 7, 1, 0, tzinfo=UTC), "今天更新"),
    ("zh-hans", datetime(2026, 3, 5, 1, 0, tzinfo=UTC), "更新于 3月5日"),
    ("zh-hans", datetime(2025, 3, 5, 1, 0, tzinfo=UTC), "更新于 2025年3月5日"),
    ("zh-hant", datetime(2026, 12, 6, 1, 0, tzinfo=UTC), "昨天更新"),
])
def test_updated_in_words(lang: str, moment: datetime, words: str) -> None:
    with translation.override(lang):
        assert updated_words(moment, NOW) == words


@pytest.mark.parametrize("lang", ["zh-hans", "en", "zh-hant"])
def test_article_page_has_no_iso_date_and_no_version(help_content: None, lang: str) -> None:
    html = Client(HTTP_ACCEPT_LANGUAGE=lang).get("/help/payment-methods/").content.decode()
    shown = html.split('data-testid="help-updated">', 1)[1].split("</p>", 1)[0]
    assert shown in ("今天更新", "Updated today"), shown
    assert not re.search(r"\d{4}-\d{2}-\d{2}", html)
    assert "version" not in shown and "版" not in shown
    assert 'class="me-list help-rows" data-testid="help-related"' in html
