"""Help-article links stay on this site: `//host`, `/\\host` and schemes are not links
(issue 15, finding 13)."""

from __future__ import annotations

import pytest

from walletdesk.helpcenter.markup import inline

pytestmark = [pytest.mark.security]


@pytest.mark.parametrize("link", ["//evil.example/login", "/\\evil.example", "javascript:alert(1)",
                                  "https://evil.example/", "data:text/html,x"])
def test_links_to_other_sites_are_not_links(link: str) -> None:
    html = inline(f"[Log in here]({link})")
    assert "<a " not in html and "href" not in html


def test_site_paths_are_links() -> None:
    assert inline("[Fees](/help/fees/)") == '<a href="/help/fees/">Fees</a>'
