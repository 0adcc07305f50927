"""``{% tab_here as here %}``: which tab bar a page shows and which of its tabs is current.

Customers and merchants have their own tabs: a merchant's pages are its payments and its
customers' refund requests, not a wallet. The tab bar is cached as page chrome
(``{% fragment %}``) keyed by this one word, so the cache holds a handful of entries per
language, not one per conversation or transaction page.
"""

from __future__ import annotations

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from walletdesk.accounts.models import STAFF_ROLES

register = template.Library()

# First match wins: history and a transaction live under /wallet/, so they come before the
# wallet tab, and starting a chat or booking a call before "My conversations" and "My
# callbacks", which sit under Me. A page is under the tab its way back ({% back %}) leads to.
TABS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("history", ("/wallet/history/", "/wallet/t/")),
    ("wallet", ("/wallet/",)),
    ("help", ("/help/", "/troubleshoot/")),
    ("contact", ("/contact/", "/support/new/", "/support/guest/", "/phone/callback/")),
    ("me", ("/me/", "/account/", "/security/", "/refunds/", "/notify/", "/support/",
            "/phone/callbacks/")),
)

MERCHANT_TABS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("payments", ("/wallet/merchant/",)),
    ("requests", ("/refunds/merchant/",)),
    ("help", ("/help/",)),
    ("contact", ("/contact/", "/support/", "/phone/")),
)


@register.filter
def tab_of(path: str, role: str = "") -> str:
    """The tab a path sits under for this role, or "" when none is current."""
    for tab, prefixes in MERCHANT_TABS if role == "merchant" else TABS:
        if path.startswith(prefixes):
            return tab
    return ""


@register.simple_tag(takes_context=True)
def tab_here(context: template.Context) -> dict[str, object]:
    """``{"merchant": …, "tab": …}``: whether the page shows a merchant's tabs, and the tab
    of ``request.path`` (``tab_of``) for that role. One tag instead of two ``{% with %}``
    look-ups through the lazy user and a filter on every customer page (issue #16)."""
    user = context.get("user")
    role = (getattr(user, "role", "") or "") if user is not None else ""
    request = context.get("request")
    return {"merchant": role == "merchant",
            "tab": tab_of(request.path, role) if request is not None else ""}


@register.simple_tag(takes_context=True)
def customer_chrome(context: template.Context) -> bool:
    """Whether the page shows a customer's chrome (the bell and the tab bar): someone is
    signed in and is not staff. Read once per page into a variable (``{% customer_chrome as
    CUSTOMER_CHROME %}``) instead of resolving the lazy user three times."""
    user = context.get("user")
    return bool(user is not None and user.is_authenticated and user.role not in STAFF_ROLES)


# Where a page's "back" link leads, and its words: the page one level up, named as its title or
# tab names it. Merchants share the contact pages but not a customer's "Me" or wallet.
BACK: dict[str, object] = {
    "wallet:home": _("Wallet"),
    "wallet:history": _("History"),
    "wallet:cards": _("Cards"),
    "web:me": pgettext_lazy("tab", "Me"),
    "support:home": _("My conversations"),
    "directory:hub": _("Contact us"),
}
MERCHANT_BACK = frozenset({"support:home", "directory:hub"})


@register.simple_tag(takes_context=True)
def back(context: template.Context, name: str) -> SafeString:
    """``{% back "wallet:history" %}``: the way up from a page below a tab, as a messenger or a
    banking app shows it ("← History"), for a signed-in customer; nothing for a visitor or
    staff, nor for a merchant sent to a customer's page. Pages put it in ``{% block back %}``
    (web/base.html, above the content)."""
    user = context.get("user")
    role = getattr(user, "role", "") or ""
    if (not getattr(user, "is_authenticated", False) or role in STAFF_ROLES
            or (role == "merchant" and name not in MERCHANT_BACK)):
        return SafeString("")
    return format_html('<p class="crumbs"><a href="{}" data-testid="back">← {}</a></p>',
                       reverse(name), BACK[name])
