"""The one renderer of the messages people receive (email, SMS, the notification centre).

A message is one Django template, ``<app>/templates/<app>/messages/<kind>.txt``, named
``"<app>/<kind>"`` (``"notify/login_code"``, ``"disputes/asked"``). The template holds up to
three blocks:

* ``subject``: the email subject, also the notification centre's title;
* ``text``: the body as plain text (email, SMS, the notification centre);
* ``html``: the body as HTML, only for messages whose email has an HTML part (support mail);
  it gets the phrase header as ``phrase_line`` and places it itself;
* ``app``: the body in the notification centre when it must differ from ``text``: an email or
  SMS may carry a link written out, the app never shows a URL or a token as text;
* ``action`` and ``action_url``: a button the notification centre shows with it (the label,
  and the link it opens, kept as a path of this site), for a message whose link is a step to
  take ("Freeze my account").

``render`` takes the kind, the recipient (language, time zone, anti-phishing phrase) and the
context, and gives back a ``Message``: subject, text, html and the phrase header, all in the
recipient's language. Context values may be lazy texts or ``(text, {name: value})`` pairs
(translated in that language), datetimes (or the older "YYYY-MM-DD HH:MM" UTC strings under
the time keys of ``localtime``), shown in the recipient's zone with its offset. Amounts come
formatted (``core.money.format_minor``): a message never shows minor units or codes.

Text blocks render without HTML escaping (they are not HTML); the html block escapes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.template import Context
from django.template.base import NodeList
from django.template.base import Template as DjangoTemplate
from django.template.loader import get_template
from django.template.loader_tags import BlockNode
from django.utils import translation
from django.utils.functional import Promise

from walletdesk.core.cjkspace import space_latin

from .localtime import local_values

PHRASE_TEMPLATE = "notify/messages/_phrase.txt"
LANGUAGES = ("zh-hans", "zh-hant", "en")


@dataclass(frozen=True)
class Recipient:
    """Who reads the message: their language, time zone and anti-phishing phrase."""

    language: str
    time_zone: str | None = None
    phrase: str = ""

    @classmethod
    def of(cls, user: Any, *, language: str | None = None) -> Recipient:
        """The recipient for a user (or for nobody: the site's language and zone, no phrase)."""
        return cls(language=language or getattr(user, "language", None) or settings.LANGUAGE_CODE,
                   time_zone=getattr(user, "time_zone", None) or None,
                   phrase=getattr(user, "anti_phishing_phrase", "") or "")


@dataclass(frozen=True)
class Message:
    kind: str
    language: str
    subject: str
    text: str
    html: str
    phrase_line: str
    app: str = ""
    action: str = ""
    action_url: str = ""

    def body_for(self, channel: str) -> str:
        """The body as a channel sends it: email and SMS open with the phrase header."""
        if channel == "email":
            return f"{self.phrase_line}\n\n{self.text}\n"
        if channel == "sms":
            return f"{self.phrase_line} {' '.join(self.text.split())}"
        # the notification centre: the app itself is the proof, no header; its own body when
        # the message has one (no link written out: the action is a button)
        return " ".join((self.app or self.text).split())


def template_name(kind: str) -> str:
    app, _sep, name = kind.partition("/")
    if not name or "/" in name or not app.isidentifier() or not name.isidentifier():
        raise ValueError(f"a message kind is '<app>/<kind>', not {kind!r}")
    return f"{app}/messages/{name}.txt"


def _blocks(name: str) -> tuple[DjangoTemplate, dict[str, NodeList]]:
    # The cached template loader keeps the parsed template (and reloads it in development).
    tpl = get_template(name).template  # type: ignore[attr-defined]
    blocks = {node.name: node.nodelist for node in tpl.nodelist.get_nodes_by_type(BlockNode)}
    if "subject" not in blocks or "text" not in blocks:
        raise ValueError(f"{name} must have a subject and a text block")
    return tpl, blocks


def _render_block(tpl: DjangoTemplate, nodes: NodeList, values: dict[str, Any], *,
                  escape: bool) -> str:
    context = Context(values, autoescape=escape)
    with context.render_context.push_state(tpl), context.bind_template(tpl):
        return str(nodes.render(context)).strip()


def plain(value: Any) -> Any:
    """Lazy texts and ``(text, {name: value})`` pairs as text in the active language."""
    if isinstance(value, tuple):
        text, values = value
        return str(text) % {k: str(v) for k, v in values.items()}
    if isinstance(value, Promise):
        return str(value)
    return value


def phrase_line(phrase: str, language: str) -> str:
    """The anti-phishing header: the phrase, or the advice to set one."""
    tpl = get_template(PHRASE_TEMPLATE).template  # type: ignore[attr-defined]
    with translation.override(language):
        return str(tpl.render(Context({"phrase": phrase}, autoescape=False))).strip()


def render(kind: str, recipient: Recipient, context: dict[str, Any] | None = None) -> Message:
    """One message in the recipient's language and time zone."""
    tpl, blocks = _blocks(template_name(kind))
    with translation.override(recipient.language):
        values = local_values({k: plain(v) for k, v in (context or {}).items()},
                              recipient.time_zone)
        head = phrase_line(recipient.phrase, recipient.language)
        subject = " ".join(_render_block(tpl, blocks["subject"], values, escape=False).split())
        text = _render_block(tpl, blocks["text"], values, escape=False)
        html = ""
        if "html" in blocks:
            html = _render_block(tpl, blocks["html"], {**values, "phrase_line": head}, escape=True)
            html += "\n"
        app, action, action_url = (
            " ".join(_render_block(tpl, blocks[name], values, escape=False).split())
            if name in blocks else "" for name in ("app", "action", "action_url"))
    if recipient.language.startswith("zh"):
        # A Latin name filled into a Chinese sentence gets its spaces ("向 Sample Coffee 申请").
        subject, text, html, app, action = (space_latin(part) for part in (subject, text, html,
                                                                           app, action))
    return Message(kind, recipient.language, subject, text, html, head, app, action, action_url)
