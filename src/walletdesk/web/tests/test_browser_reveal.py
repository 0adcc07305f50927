"""Show / hide a password (site.js): a 44 px button inside each password field, named in the
page's language, that turns the field to text and back; the field is a password again when
its form is sent, and signing in still works."""

from __future__ import annotations

from typing import Any

import pytest

from walletdesk.conftest import DEMO_PASSWORD

pytestmark = pytest.mark.browser


@pytest.mark.parametrize(("lang", "show", "hide"), [("zh-hans", "显示密码", "隐藏密码"),
                                                    ("en", "Show password", "Hide password")])
def test_a_password_can_be_shown_before_it_is_sent(live_server_url: str, page_for: Any,
                                                   lang: str, show: str, hide: str) -> None:
    from axe_playwright_python.sync_playwright import Axe

    page = page_for(lang)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server_url}/login/")
    field = page.locator("input[name=password]")
    button = page.get_by_test_id("reveal-password")
    assert button.get_attribute("aria-label") == show
    assert button.get_attribute("aria-pressed") == "false"
    box, input_box = button.bounding_box(), field.bounding_box()
    assert box["width"] >= 44 and box["height"] >= 44
    assert input_box["x"] < box["x"] and box["x"] + box["width"] <= input_box["x"] + input_box["width"]

    page.fill("input[name=username]", "zhang.wei@example.cn")
    field.fill(DEMO_PASSWORD)
    button.click()
    assert field.get_attribute("type") == "text" and field.input_value() == DEMO_PASSWORD
    assert (button.get_attribute("aria-pressed"), button.get_attribute("aria-label")) == ("true", hide)
    found = Axe().run(page, options={"resultTypes": ["violations"]}).response["violations"]
    assert not [v["id"] for v in found if v["impact"] in {"serious", "critical"}]
    button.click()
    assert field.get_attribute("type") == "password"

    button.click()  # shown when sent: the form turns it back first, and the sign-in works
    with page.expect_navigation():
        page.get_by_role("button", name={"zh-hans": "登录", "en": "Log in"}[lang], exact=True).click()
    assert "/login/" not in page.url or "verify" in page.url
