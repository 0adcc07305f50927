"""Reading one inbound mail with the standard library (``email``, policy=default).

Pure functions, no database: what the mail says (addresses, threading headers,
text, attachments), whether it was sent by a machine, and whether it is too
broken to take. ``Malformed`` carries the SMTP reply that refuses it.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from email import errors as email_errors
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.parser import BytesParser
from html.parser import HTMLParser

REFERENCE_RE = re.compile(r"\[(CS-\d{8}-\d{6})\]")
MSGID_RE = re.compile(r"<([^<>\s]{1,250})>")
# Structure so broken that what we would store is a guess.
FATAL_DEFECTS = (
    email_errors.MissingHeaderBodySeparatorDefect,
    email_errors.NoBoundaryInMultipartDefect,
    email_errors.StartBoundaryNotFoundDefect,
    email_errors.MultipartInvariantViolationDefect,
)
AUTO_PRECEDENCE = {"bulk", "junk", "list", "auto_reply", "auto-reply"}
MAX_PARTS = 50


class Malformed(Exception):
    """The mail cannot be taken; ``reply`` is the SMTP answer (5xx and a clear text)."""

    def __init__(self, reply: str) -> None:
        super().__init__(reply)
        self.reply = reply


@dataclass
class Part:
    filename: str
    content_type: str
    data: bytes


@dataclass
class Parsed:
    message_id: str
    in_reply_to: str
    references: list[str]
    subject: str
    from_address: str
    from_name: str
    text: str
    attachments: list[Part] = field(default_factory=list)
    auto_reason: str = ""
    language_hint: str = ""
    authenticated_domains: list[str] = field(default_factory=list)

    @property
    def reference(self) -> str:
        found = REFERENCE_RE.search(self.subject)
        return found.group(1) if found else ""

    @property
    def from_domain(self) -> str:
        return self.from_address.rpartition("@")[2]


def message_ids(value: str | None) -> list[str]:
    """The ids inside angle brackets, in order, without the brackets."""
    return MSGID_RE.findall(str(value or ""))[:50]


def _from(msg: EmailMessage) -> Address:
    header = msg.get("From")
    addresses: tuple[Address, ...] = tuple(getattr(header, "addresses", ()) or ())
    if header is None:
        raise Malformed("550 5.6.0 Malformed message: it has no From header")
    if len(addresses) != 1 or "@" not in (addresses[0].addr_spec or ""):
        raise Malformed("550 5.1.7 Malformed message: the From header must name exactly one address")
    addr: Address = addresses[0]
    if not addr.username or not addr.domain or "." not in addr.domain or len(addr.addr_spec) > 254:
        raise Malformed("550 5.1.7 Malformed message: the From address is not valid")
    return addr


def auto_reason(msg: EmailMessage, mail_from: str) -> str:
    """Why this mail was sent by a machine (RFC 3834 and the common vendor headers), or ""."""
    if not mail_from:
        return "null_sender"  # bounces and delivery reports use the null sender <>
    if str(msg.get("Auto-Submitted", "no")).strip().lower().split(";")[0] not in ("", "no"):
        return "auto_submitted"
    if str(msg.get("Precedence", "")).strip().lower() in AUTO_PRECEDENCE:
        return "precedence"
    if msg.get("X-Autoreply") or msg.get("X-Autorespond"):
        return "autoreply_header"
    if msg.get("List-Id") or msg.get("List-Unsubscribe"):
        return "mailing_list"
    content_type = msg.get_content_type()
    if content_type == "multipart/report" or content_type == "message/delivery-status":
        return "delivery_report"
    return ""


class _HtmlText(HTMLParser):
    """Text of an HTML part: no scripts or styles, line breaks for block elements."""

    BLOCKS = {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "blockquote", "table"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style", "head"):
            self.skip += 1
        elif tag in self.BLOCKS:
            self.out.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "head"):
            self.skip = max(0, self.skip - 1)
        elif tag in self.BLOCKS:
            self.out.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.out.append(data)


def html_to_text(html: str) -> str:
    parser = _HtmlText()
    parser.feed(html)
    parser.close()
    lines = [" ".join(line.split()) for line in "".join(parser.out).splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def _decoded(part: EmailMessage) -> str:
    try:
        return str(part.get_content())
    except (LookupError, UnicodeError, AssertionError, KeyError):
        payload = part.get_payload(decode=True)
        return payload.decode("utf-8", "replace") if isinstance(payload, bytes) else ""


def _body(msg: EmailMessage) -> str:
    # The parser's policy (email.policy.default) makes every part an EmailMessage.
    plain = msg.get_body(preferencelist=("plain",))
    if isinstance(plain, EmailMessage):
        return _decoded(plain)
    html = msg.get_body(preferencelist=("html",))
    return html_to_text(_decoded(html)) if isinstance(html, EmailMessage) else ""


def _attachments(msg: EmailMessage) -> list[Part]:
    found: list[Part] = []
    for part in msg.iter_attachments():
        if part.is_multipart():
            continue
        data = part.get_payload(decode=True)
        if isinstance(data, bytes) and data:
            found.append(Part(str(part.get_filename() or "")[:120], part.get_content_type(), data))
    return found


def authenticated_domains(msg: EmailMessage, authserv_id: str) -> list[str]:
    """Domains for which our own MX (``authserv_id``) reports ``dmarc=pass``, and nothing else.

    Authentication-Results headers carrying any other authserv-id are not read (the sender
    can add any header it likes). A sender can also forge one with *our* id; the MX should
    strip those (RFC 8601 section 5), and here any non-pass DMARC result from our id for a
    domain outweighs a pass, because our MX always writes its own result. Empty when no
    authserv-id is configured."""
    if not authserv_id:
        return []
    results: dict[str, set[str]] = {}
    for value in msg.get_all("Authentication-Results") or []:
        head, _sep, rest = str(value).partition(";")
        if head.strip().split()[0:1] != [authserv_id]:
            continue
        for clause in rest.split(";"):
            words = clause.split()
            if not words or not words[0].lower().startswith("dmarc="):
                continue
            domains = [w.split("=", 1)[1].lower() for w in words[1:] if w.lower().startswith("header.from=")]
            for domain in domains or ["*"]:
                results.setdefault(domain, set()).add(words[0].lower())
    unattributed = results.pop("*", set())
    return [d for d, seen in results.items() if seen == {"dmarc=pass"} and not unattributed - {"dmarc=pass"}]


def _language_hint(msg: EmailMessage, text: str) -> str:
    declared = str(msg.get("Content-Language", "")).lower()
    if declared.startswith(("zh-hant", "zh-tw", "zh-hk", "zh-mo", "yue")):
        return "zh-hant"  # Hong Kong, Macau and Taiwan write Traditional Chinese
    if declared.startswith("zh"):
        return "zh-hans"
    if declared.startswith("en"):
        return "en"
    return "zh-hans" if re.search(r"[\u4e00-\u9fff]", text) else "en"


def parse(raw: bytes, mail_from: str = "", authserv_id: str = "") -> Parsed:
    if b"\x00" in raw:
        raise Malformed("554 5.6.0 Malformed message: it contains NUL bytes")
    msg = BytesParser(policy=policy.default).parsebytes(raw)
    assert isinstance(msg, EmailMessage)
    defects = [d for part in msg.walk() for d in part.defects]
    bad = [d for d in defects if isinstance(d, FATAL_DEFECTS)]
    if bad:
        raise Malformed(f"554 5.6.0 Malformed message: {type(bad[0]).__name__}")
    if sum(1 for _part in msg.walk()) > MAX_PARTS:
        raise Malformed(f"554 5.6.0 Malformed message: more than {MAX_PARTS} MIME parts")
    sender = _from(msg)
    subject = " ".join(str(msg.get("Subject", "")).split())[:255]
    text = _body(msg).replace("\r\n", "\n").strip()
    attachments = _attachments(msg)
    if not text and not subject and not attachments:
        raise Malformed("554 5.6.0 Malformed message: no subject, text or attachment")
    ids = message_ids(msg.get("Message-ID"))
    # A mail without a Message-ID still gets a stable one: a retried delivery is recognised.
    message_id = ids[0] if ids else f"sha256.{hashlib.sha256(raw).hexdigest()[:40]}@missing"
    refs = message_ids(msg.get("References"))
    reply_to_ids = message_ids(msg.get("In-Reply-To"))
    return Parsed(
        message_id=message_id, in_reply_to=reply_to_ids[0] if reply_to_ids else "",
        references=refs, subject=subject, from_address=sender.addr_spec.lower()
        if sender.domain else sender.addr_spec, from_name=str(sender.display_name or "")[:120],
        text=text, attachments=attachments, auto_reason=auto_reason(msg, mail_from),
        language_hint=_language_hint(msg, subject + text),
        authenticated_domains=authenticated_domains(msg, authserv_id),
    )


QUOTE_HEADS = (
    re.compile(r"^On .{1,200} wrote:\s*$"),
    re.compile(r"^在.{1,200}写道[:：]\s*$"),
    re.compile(r"^-{2,}\s*Original Message\s*-{2,}\s*$", re.IGNORECASE),
    re.compile(r"^-{2,}\s*原始邮件\s*-{2,}\s*$"),
    re.compile(r"^From: .{1,200}$"),
)


def new_part(text: str) -> str:
    """The text the customer wrote this time: quoted history and "On ... wrote:" cut off."""
    kept: list[str] = []
    for line in text.splitlines():
        stripped = line.strip()
        if any(p.match(stripped) for p in QUOTE_HEADS) and kept:
            break
        if stripped.startswith(">"):
            continue
        kept.append(line.rstrip())
    return re.sub(r"\n{3,}", "\n\n", "\n".join(kept)).strip()
