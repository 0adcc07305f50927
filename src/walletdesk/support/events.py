"""Websocket events: group names, frames, and sending them after the transaction commits.

Groups (one Redis channel-layer namespace, so every server process gets them):

* ``support.conv.<id>``: the customer's sockets and the consoles showing the conversation
  (every public message: one group send per message);
* ``support.staff.<id>``: only the consoles showing it (private notes, agent-only events);
* ``support.agent.<agent id>``: one agent's consoles (offers, assignments);
* ``support.agents``: every console (the queue changed).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction
from django.urls import get_script_prefix, get_urlconf, reverse

from .models import Message, name_for

AGENTS = "support.agents"


def conv_group(conversation_id: int) -> str:
    return f"support.conv.{conversation_id}"


def staff_group(conversation_id: int) -> str:
    return f"support.staff.{conversation_id}"


def agent_group(agent_id: int) -> str:
    return f"support.agent.{agent_id}"


def send_now(group: str, frame: dict[str, Any]) -> None:
    layer = get_channel_layer()
    if layer is not None:
        async_to_sync(layer.group_send)(group, {"type": "support.frame", "frame": frame})


def publish(group: str, frame: dict[str, Any]) -> None:
    """Send to a group once the surrounding transaction commits (at once outside one)."""
    transaction.on_commit(lambda: send_now(group, frame))


@lru_cache(maxsize=16)
def _verify_path(script_prefix: str, urlconf: Any) -> str:
    return reverse("directory:verify", urlconf=urlconf)


def verify_url(employee_id: str) -> str:
    """The 工号 verification link (in every agent message frame: the path is resolved once)."""
    return f"{_verify_path(get_script_prefix(), get_urlconf())}?value={employee_id}"


def sender(m: Message, language: str | None = None) -> dict[str, Any]:
    """``language``: the viewer's, to choose the agent's name by. Without one (a frame for a
    group, whose sockets read different languages) the Latin name travels as ``latin_name``
    and each socket chooses with ``for_viewer`` before sending."""
    out: dict[str, Any] = {"role": m.role, "name": m.sender_name}
    if m.sender_latin_name:
        if language is None:
            out["latin_name"] = m.sender_latin_name
        else:
            out["name"] = m.sender_name_in(language)
    if m.role == Message.Role.AGENT and m.employee_id:
        out["employee_id"] = m.employee_id
        out["verify_url"] = verify_url(m.employee_id)
    return out


def message_frame(m: Message, language: str | None = None) -> dict[str, Any]:
    frame: dict[str, Any] = {
        "type": "message", "conversation_id": m.conversation_id, "seq": m.seq, "kind": m.kind,
        "text": m.text, "client_id": m.client_id, "sender": sender(m, language),
        "sent_at": m.sent_at.isoformat(), "private": m.private,
    }
    if m.kind == Message.Kind.EVENT and m.text and m.text == m.sender_name:
        frame["text"] = frame["sender"]["name"]  # "assigned", "resolved": the agent's name again
    if m.masked:
        frame["masked"] = m.masked
    if m.event:
        frame["event"] = m.event
    if m.attachment_id:
        frame["attachment_url"] = reverse("support:attachment", args=[m.attachment_id])
    return frame


_PERSON = {"message": "sender", "assigned": "agent", "released": "taken_over_by"}


def for_viewer(frame: dict[str, Any], language: str | None) -> dict[str, Any]:
    """The frame as one viewer sees it: an agent's name in the viewer's language (the Latin
    name for English readers when the agent has one), and no ``latin_name`` left over."""
    key = _PERSON.get(frame.get("type", ""))
    person = frame.get(key) if key is not None else None
    if key is None or not isinstance(person, dict) or "latin_name" not in person:
        return frame
    person = dict(person)
    latin, display = person.pop("latin_name"), person.get("name") or ""
    person["name"] = name_for(display, latin or "", language or "zh-hans")
    out: dict[str, Any] = {**frame, key: person}
    if frame.get("kind") == Message.Kind.EVENT and frame.get("text") == display:
        out["text"] = person["name"]
    return out


def send_many(groups: list[str], frame: dict[str, Any]) -> None:
    layer = get_channel_layer()
    if layer is None:
        return

    async def send() -> None:
        for group in groups:
            await layer.group_send(group, {"type": "support.frame", "frame": frame})

    async_to_sync(send)()


def message_group(m: Message) -> str:
    return staff_group(m.conversation_id) if m.private else conv_group(m.conversation_id)


async def send_message(m: Message) -> None:
    """From an event loop, once the message is committed: the same delivery as publish_message."""
    layer = get_channel_layer()
    if layer is not None:
        await layer.group_send(message_group(m), {"type": "support.frame", "frame": message_frame(m)})


def publish_message(m: Message) -> None:
    """A public message goes to the conversation's group (customer and consoles alike); a
    private note only to the staff group, which no customer socket ever joins."""
    frame = message_frame(m)
    groups = [message_group(m)]
    transaction.on_commit(lambda: send_many(groups, frame))
