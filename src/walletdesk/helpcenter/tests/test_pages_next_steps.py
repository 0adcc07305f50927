"""Every help page ends in a next step that fits: the troubleshooters come before the long
list of articles, an article about a case the reader can check links to the troubleshooter
that checks it, and the search box's example fits a phone."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client


@pytest.mark.parametrize("lang", ["zh-hans", "en"])
def test_home_offers_the_troubleshooters_before_the_categories(help_content: None,
                                                               lang: str) -> None:
    html = Client(HTTP_ACCEPT_LANGUAGE=lang).get("/help/").content.decode()
    assert html.index('data-testid="ts-entry"') < html.index('data-testid="help-category"')
    # Two complementary regions, each named by its heading (axe: landmark-unique).
    assert 'aria-labelledby="ts-entry-title"' in html
    assert 'aria-labelledby="still-need-help-title"' in html
    example = "例如：付款一直待处理" if lang == "zh-hans" else "e.g. pending payment"
    assert f'placeholder="{example}"' in html


@pytest.mark.parametrize(("slug", "href"), [("account-locked", "/troubleshoot/lock/"),
                                            ("transaction-incomplete", "/troubleshoot/payment/"),
                                            ("request-refund", "/troubleshoot/refund/"),
                                            ("fees", "/troubleshoot/fee/")])
def test_an_article_links_to_the_troubleshooter_for_its_case(help_content: None, slug: str,
                                                             href: str) -> None:
    html = Client(HTTP_ACCEPT_LANGUAGE="zh-hans").get(f"/help/{slug}/").content.decode()
    box = html.split('data-testid="help-troubleshooter"', 1)[1].split("</section>", 1)[0]
    assert "查看您自己的账户" in box and f'href="{href}"' in box
    assert '<nav class="crumbs"' in html


def test_an_article_with_no_troubleshooter_shows_none(help_content: Any) -> None:
    html = Client(HTTP_ACCEPT_LANGUAGE="en").get("/help/service-hours/").content.decode()
    assert 'data-testid="help-troubleshooter"' not in html
