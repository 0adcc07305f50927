"""``{% fragment "name" value ... %}…{% endfragment %}``: the page chrome rendered once per process.

The navigation, footer, tab bar and service-worker tags of every page depend only on the
active language, the URL prefix and the few values named in the tag (whether someone is
signed in, their role, whether the development outbox is on), never on the person: each such
combination is rendered once and then copied (issue #16: about a fifth of a signed-in page's
CPU was this chrome, re-rendered with some twenty URL reversals and fifty translations per
request). Anything personal (the name, CSRF tokens, the current path's query) stays outside
a fragment; the bell is a fragment keyed by its count, which is read on every request.

Only values named in the tag, the language and the script prefix make the key: a fragment
must never contain a variable that is not in its key. Entries are bounded (least recently
used go first) and the cache is cleared whenever a setting changes (tests). With ``DEBUG``
on nothing is cached, so edits to templates show at once.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any, cast

from django import template
from django.conf import settings
from django.core.signals import setting_changed
from django.template.base import FilterExpression, Parser, Token
from django.urls import get_script_prefix
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

register = template.Library()

MAX_ENTRIES = 1024
_entries: OrderedDict[tuple[Any, ...], SafeString] = OrderedDict()
_lock = threading.Lock()


def clear() -> None:
    with _lock:
        _entries.clear()


def _on_setting_changed(**kwargs: Any) -> None:
    clear()


setting_changed.connect(_on_setting_changed, dispatch_uid="walletdesk.fragments.clear")


class FragmentNode(template.Node):
    def __init__(self, nodelist: template.NodeList, name: str, vary: list[FilterExpression]) -> None:
        self.nodelist = nodelist
        self.name = name
        self.vary = vary

    def render(self, context: template.Context) -> str:
        if settings.DEBUG:
            return self.nodelist.render(context)
        values = tuple(v.resolve(context) for v in self.vary)
        origin = getattr(self.origin, "name", "")
        key = (origin, self.name, *_language_and_prefix(context), values)
        try:
            with _lock:
                hit = _entries.get(key)
                if hit is not None:
                    _entries.move_to_end(key)
                    return hit
        except TypeError:  # an unhashable value: render as usual
            return self.nodelist.render(context)
        out = mark_safe(self.nodelist.render(context))  # noqa: S308 (rendered by the engine)
        with _lock:
            _entries[key] = out
            while len(_entries) > MAX_ENTRIES:
                _entries.popitem(last=False)
        return out


def _language_and_prefix(context: template.Context) -> tuple[str | None, str]:
    """The active language and script prefix, read once per render: both live in asgiref's
    ``Local`` (about 1.4 µs a read) and a page has a dozen fragments. The bottom dict of the
    render context is the render's own, shared by its includes and parents; nothing in a
    template switches the language (no ``{% language %}``: a test keeps it so)."""
    scope = cast(dict[str, Any], context.render_context.dicts[0])
    found: tuple[str | None, str] | None = scope.get(_WHERE)
    if found is None:
        found = scope[_WHERE] = (get_language(), get_script_prefix())
    return found


_WHERE = "_walletdesk_fragment_where"


@register.tag("fragment")
def do_fragment(parser: Parser, token: Token) -> FragmentNode:
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError("'fragment' needs a name")
    name = bits[1].strip("'\"")
    vary = [parser.compile_filter(b) for b in bits[2:]]
    nodelist = parser.parse(("endfragment",))
    parser.delete_first_token()
    return FragmentNode(nodelist, name, vary)
