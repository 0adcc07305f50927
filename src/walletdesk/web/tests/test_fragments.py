"""The page chrome rendered once per process (core/templatetags/fragments.py, issue #16) never
carries one person's page to another: the navigation follows the role and the language, the
tab bar the path, and personal parts (name, bell, CSRF token) stay per request."""

from __future__ import annotations

from typing import Any

import pytest
from django.template import Context, Template
from django.test import Client, RequestFactory, override_settings

from walletdesk.accounts.models import User
from walletdesk.core.templatetags import fragments
from walletdesk.web.templatetags.tabbar import tab_of


@pytest.fixture(autouse=True)
def _empty_cache() -> Any:
    fragments.clear()
    yield
    fragments.clear()


def test_a_fragment_is_rendered_once_per_key() -> None:
    calls: list[str] = []

    class Counter:
        def __str__(self) -> str:
            calls.append("x")
            return "drawn"

    tpl = Template('{% load fragments %}{% fragment "t" kind %}{{ counter }} {{ kind }}{% endfragment %}')
    assert tpl.render(Context({"counter": Counter(), "kind": "a"})) == "drawn a"
    assert tpl.render(Context({"counter": Counter(), "kind": "a"})) == "drawn a"
    assert tpl.render(Context({"counter": Counter(), "kind": "b"})) == "drawn b"
    assert len(calls) == 2


def test_each_render_keys_its_fragments_by_its_own_language_and_prefix() -> None:
    """The language and script prefix are read once per render (core/templatetags/fragments.py
    ``_language_and_prefix``), for every fragment of that render and its includes: the next
    render in another language or under another prefix gets its own entries."""
    from django.urls import set_script_prefix
    from django.utils import translation

    tpl = Template('{% load fragments i18n %}{% fragment "a" %}{% translate "Wallet" %}'
                   '{% endfragment %}|{% fragment "b" %}{% url "healthz" %}{% endfragment %}')
    try:
        for lang, prefix, want in [("en", "/", "Wallet|/healthz"),
                                   ("zh-hans", "/", "钱包|/healthz"),
                                   ("zh-hans", "/app/", "钱包|/app/healthz"),
                                   ("en", "/app/", "Wallet|/app/healthz"),
                                   ("en", "/", "Wallet|/healthz")]:
            set_script_prefix(prefix)
            with translation.override(lang):
                assert tpl.render(Context({})) == want, (lang, prefix)
    finally:
        set_script_prefix("/")
    assert len(fragments._entries) == 8


def test_no_template_switches_the_language_inside_a_render() -> None:
    """What the per-render reading above relies on."""
    from pathlib import Path

    import walletdesk

    root = Path(walletdesk.__file__).parent
    switching = [str(p.relative_to(root)) for p in root.rglob("templates/**/*")
                 if p.is_file() and "{% language" in p.read_text(encoding="utf-8")]
    assert switching == []


@override_settings(DEBUG=True)
def test_nothing_is_cached_with_debug_on() -> None:
    tpl = Template('{% load fragments %}{% fragment "t" %}{{ n }}{% endfragment %}')
    assert tpl.render(Context({"n": 1})) == "1"
    assert tpl.render(Context({"n": 2})) == "2"


def test_the_cache_is_bounded() -> None:
    tpl = Template('{% load fragments %}{% fragment "t" n %}{{ n }}{% endfragment %}')
    for n in range(fragments.MAX_ENTRIES + 50):
        tpl.render(Context({"n": n}))
    assert len(fragments._entries) == fragments.MAX_ENTRIES


def test_pages_keep_the_person_the_role_and_the_language(customer: Any, make_customer: Any) -> None:
    other = make_customer("second@example.com")
    other.display_name = "Second Person"
    other.save()
    agent = make_customer("agent@example.com", role=User.Role.AGENT)
    first = Client(headers={"accept-language": "en"})
    first.force_login(customer)
    page = first.get("/wallet/").content.decode()
    assert 'data-testid="tab-wallet"' in page and "My wallet" in page
    assert 'aria-current="page" data-testid="tab-wallet"' in page

    second = Client(headers={"accept-language": "zh-hans"})
    second.force_login(other)
    page2 = second.get("/wallet/").content.decode()
    assert "Second Person" in page2 and "我的钱包" in page2 and "My wallet" not in page2
    history = second.get("/wallet/history/").content.decode()
    assert 'aria-current="page" data-testid="tab-history"' in history
    assert 'aria-current="page" data-testid="tab-wallet"' not in history
    tokens = {first.get("/wallet/").content.decode().split('csrfmiddlewaretoken" value="')[1][:20],
              page2.split('csrfmiddlewaretoken" value="')[1][:20]}
    assert len(tokens) == 2  # each person's own CSRF token

    staff = Client(headers={"accept-language": "en"})
    staff.force_login(agent)
    console_nav = staff.get("/help/").content.decode()
    assert 'data-testid="nav-console"' in console_nav and 'data-testid="tabbar"' not in console_nav
    anonymous = Client(headers={"accept-language": "en"}).get("/help/").content.decode()
    assert 'data-testid="nav-console"' not in anonymous and "Log in" in anonymous


@pytest.mark.parametrize(("path", "tab"), [
    ("/wallet/", "wallet"), ("/wallet/cards/", "wallet"), ("/wallet/t/tx_abc/", "history"),
    ("/wallet/history/", "history"), ("/wallet/history/?page=2", "history"),
    ("/help/a/reset/", "help"), ("/troubleshoot/", "help"), ("/contact/", "contact"),
    ("/support/new/", "contact"), ("/phone/callback/", "contact"), ("/support/", "me"),
    ("/support/c/41/", "me"), ("/phone/callbacks/", "me"), ("/account/devices/", "me"),
    ("/security/", "me"), ("/", ""), ("/login/", ""),
])
def test_each_path_belongs_to_one_tab(path: str, tab: str) -> None:
    assert tab_of(path) == tab


def test_the_tab_bar_is_one_entry_per_tab_not_per_page() -> None:
    tpl = Template('{% include "web/_tabbar.html" %}')
    for n in range(40):  # forty conversations' pages
        html = tpl.render(Context({"request": RequestFactory().get(f"/support/c/{n}/")}))
        assert 'aria-current="page" data-testid="tab-me"' in html
    assert len(fragments._entries) == 1


@pytest.mark.parametrize("lang", ["en", "zh-hans", "zh-hant"])
def test_transaction_labels_are_the_display_values(lang: str) -> None:
    from django.utils import translation

    from walletdesk.wallet.models import Transaction

    with translation.override(lang):
        for kind, _label in Transaction.Type.choices:
            for status, _s in Transaction.Status.choices:
                t = Transaction(type=kind, status=status)
                assert str(t.type_label) == t.get_type_display()
                assert str(t.status_label) == t.get_status_display()


def test_the_bell_shows_each_persons_count_as_it_is_now(customer: Any, make_customer: Any) -> None:
    """The bell is a fragment keyed by the count, and the count is read on every page: a new
    notice shows at once, reading them all takes the count away, and two people with
    different counts each see their own, the same on every page."""
    from walletdesk.notify.services import inbox

    other = make_customer("second@example.com")
    first, second = Client(headers={"accept-language": "en"}), Client(headers={"accept-language": "en"})
    first.force_login(customer)
    second.force_login(other)

    def bell(client: Client) -> str:
        # read beside the page's own reads (the wallet home: core.reads) or by the tag
        bells = {path: client.get(path).content.decode().split('data-testid="nav-bell"')[1]
                 .split("</a>")[0] for path in ("/wallet/", "/wallet/history/", "/help/")}
        assert len(set(bells.values())) == 1, bells
        return bells["/wallet/"]

    assert "bell-count" not in bell(first) and 'aria-label="Notifications"' in bell(first)
    for n in range(2):
        inbox.add(customer, "payment", "Hello", source=f"bell-test-{n}")
    inbox.add(other, "payment", "Hello", source="bell-test-other")
    assert 'data-testid="bell-count">2<' in bell(first) and "2 unread" in bell(first)
    assert 'data-testid="bell-count">1<' in bell(second) and "1 unread" in bell(second)
    inbox.mark_all_read(customer)
    assert "bell-count" not in bell(first)
    assert 'data-testid="bell-count">1<' in bell(second)
    zh = Client(headers={"accept-language": "zh-hans"})
    zh.force_login(other)
    assert 'aria-label="通知，1 条未读"' in bell(zh)


def test_extends_renders_as_djangos_own() -> None:
    """``{% extends %}`` with the root's blocks found once (core/templatetags/extends_once.py)
    renders what Django's renders: overridden and inherited blocks, ``block.super`` through
    two levels, a parent named by a variable, and again after the first render."""
    from django.template import Engine

    sources = {
        "root.html": "<t>{% block title %}Root{% endblock %}</t>{% block body %}[{% block inner %}"
                     "in{% endblock %}]{% endblock %}{% block tail %}end{% endblock %}",
        "mid.html": "{% extends 'root.html' %}{% block inner %}mid+{{ block.super }}{% endblock %}"
                    "{% block tail %}{{ block.super }}-mid{% endblock %}",
        "page.html": "{% extends 'mid.html' %}{% block title %}{{ name }}{% endblock %}"
                     "{% block inner %}page+{{ block.super }}{% endblock %}",
        "direct.html": "{% extends parent %}{% block tail %}direct{% endblock %}",
    }
    loaders = [("django.template.loaders.cached.Loader",
                [("django.template.loaders.locmem.Loader", sources)])]
    ours = Engine(loaders=loaders, builtins=["walletdesk.core.templatetags.extends_once"])
    django = Engine(loaders=loaders)
    for name, context in [("page.html", {"name": "P<"}), ("mid.html", {}),
                          ("direct.html", {"parent": "root.html"}),
                          ("direct.html", {"parent": "mid.html"})]:
        want = django.get_template(name).render(Context(context))
        for _ in range(2):
            assert ours.get_template(name).render(Context(context)) == want
    assert ours.get_template("page.html").render(Context({"name": "x"})) == (
        "<t>x</t>[page+mid+in]end-mid")
