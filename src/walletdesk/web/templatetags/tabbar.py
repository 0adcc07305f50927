"""``{{ request.path|tab_of }}``: which tab of the phone's tab bar a path belongs to.

The tab bar is cached as page chrome (``{% fragment %}``) keyed by this one word, so the
cache holds six entries per language, not one per conversation or transaction page.
"""

from __future__ import annotations

from django import template

from walletdesk.accounts.models import STAFF_ROLES

register = template.Library()

# First match wins: history lives under /wallet/, so it comes before the wallet tab.
TABS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("history", ("/wallet/history/",)),
    ("wallet", ("/wallet/",)),
    ("help", ("/help/", "/troubleshoot/")),
    ("contact", ("/contact/", "/support/", "/phone/")),
    ("me", ("/account/", "/security/")),
)


@register.filter
def tab_of(path: str) -> str:
    """The tab a path sits under, or "" when none is current."""
    for tab, prefixes in TABS:
        if path.startswith(prefixes):
            return tab
    return ""


@register.simple_tag(takes_context=True)
def customer_chrome(context: template.Context) -> bool:
    """Whether the page shows a customer's chrome (the bell and the tab bar): someone is
    signed in and is not staff. Read once per page into a variable (``{% customer_chrome as
    CUSTOMER_CHROME %}``) instead of resolving the lazy user three times."""
    user = context.get("user")
    return bool(user is not None and user.is_authenticated and user.role not in STAFF_ROLES)
