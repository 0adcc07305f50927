"""Websockets: call services, relay events. Who the caller is comes from ``wsauth`` (bearer
header or session cookie; ``?guest=`` for a guest's conversation); the socket ends with that
credential (``sockets``): every frame is checked against a briefly cached answer.

Delivery per socket is exactly once and in order: every socket remembers the
highest sequence number it has sent for each conversation (``_high``). A live
event at or below it is a duplicate and dropped; one past a gap (events that
arrived while a resume was being read) first fetches the gap from the
database. ``resume`` sends everything after the client's ``after_seq``.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Coroutine
from typing import Any, ParamSpec, TypeVar
from urllib.parse import parse_qs

import orjson
from asgiref.sync import SyncToAsync
from channels.consumer import get_handler_name
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.conf import settings
from django.db import connections
from django.http import HttpRequest
from django.http.cookie import parse_cookie
from django.utils import translation
from django.utils.translation import gettext as _

from walletdesk.core import clock
from walletdesk.core.errors import DomainError
from walletdesk.core.language import rewrite_accept_language

from . import access, chatrate, events, pgasync, sockets
from .errors import SessionEnded
from .models import Agent, Conversation
from .services import chat, conversations, routing

HEALTH_CHECK_IDLE_SECONDS = 5.0


def _keep_connections() -> None:
    """Chat threads keep their database connection between calls (a broken one is still
    replaced). They are the event loop's fixed thread pool, so the connections are bounded;
    requests, whose threads come and go, close theirs (``CONN_MAX_AGE`` 0).

    Django's health check (``SELECT 1`` before the first statement after each call) is only
    done for a connection idle for HEALTH_CHECK_IDLE_SECONDS or one that saw an error: a busy
    chat thread used to pay a second round trip per message for it (the profile: a quarter of
    the server's time). A connection that broke while busy fails one statement, is marked,
    and is replaced on the next call; the client re-sends with the same client id."""
    now = time.monotonic()
    for conn in connections.all(initialized_only=True):
        conn.close_at = None
        recent = now - getattr(conn, "chat_used_at", 0.0) < HEALTH_CHECK_IDLE_SECONDS
        conn.close_if_unusable_or_obsolete()
        if conn.connection is not None and recent and not conn.errors_occurred:
            conn.health_check_done = True  # type: ignore[attr-defined]
        conn.chat_used_at = now  # type: ignore[attr-defined]


def _pooled() -> bool:
    return "pool" in settings.DATABASES["default"].get("OPTIONS", {})


_P = ParamSpec("_P")
_R = TypeVar("_R")


class _ChatDatabaseSyncToAsync(SyncToAsync[_P, _R]):
    def thread_handler(self, loop: Any, *args: Any, **kwargs: Any) -> Any:
        if _pooled():
            # With the connection pool (the PostgreSQL default) a thread hands its connection
            # back after each call: taking one from the pool costs no round trip, and a
            # connection kept by a thread that ends (each event loop has its own executor)
            # would never come back to the pool.
            try:
                return super().thread_handler(loop, *args, **kwargs)  # type: ignore[no-untyped-call]
            finally:
                connections.close_all()
        _keep_connections()
        try:
            return super().thread_handler(loop, *args, **kwargs)  # type: ignore[no-untyped-call]  # asgiref: no annotations
        finally:
            _keep_connections()


def database_sync_to_async(fn: Callable[_P, _R]) -> Callable[_P, Coroutine[Any, Any, _R]]:
    """Database work off the event loop. On PostgreSQL in the loop's thread pool rather than
    Django's one shared thread, so that chat writes of different sockets commit in parallel
    (services hold no thread-bound state; order within a conversation comes from its sequence
    numbers). SQLite has one writer anyway: there the single thread stays."""
    sqlite = "sqlite" in settings.DATABASES["default"]["ENGINE"]
    return _ChatDatabaseSyncToAsync(fn, thread_sensitive=sqlite)


def _query(scope: dict[str, Any]) -> dict[str, str]:
    raw = parse_qs(scope.get("query_string", b"").decode("latin-1"))
    return {k: v[0][:500] for k, v in raw.items() if v}


def _user_from(scope: dict[str, Any]) -> Any:
    """The user ``wsauth`` found for the handshake (None: anonymous, maybe a guest)."""
    user = scope.get("user")
    return user if user is not None and user.is_authenticated else None


def _page_language(scope: dict[str, Any]) -> str | None:
    """The language the page behind the socket is shown in, chosen as LocaleMiddleware chose it
    (the language cookie, else Accept-Language; Cantonese reads as zh-hant). None when the
    handshake carries neither (a native client): then the account's language decides."""
    request = HttpRequest()
    for key, value in scope.get("headers", []):
        if key == b"cookie":
            request.COOKIES = parse_cookie(value.decode("latin-1"))
        elif key == b"accept-language":
            request.META["HTTP_ACCEPT_LANGUAGE"] = rewrite_accept_language(value.decode("latin-1"))
    if not (request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
            or request.META.get("HTTP_ACCEPT_LANGUAGE")):
        return None
    return translation.get_language_from_request(request)


def _last_seqs(ids: list[int]) -> dict[int, int]:
    return dict(Conversation.objects.filter(pk__in=ids).values_list("pk", "last_seq"))


def _agent_post(conv_id: int, user: Any, agent: Agent, content: dict[str, Any]) -> chat.Posted:
    """An agent's message: who may write (a supervisor; else the conversation must be queued or
    assigned to them, checked by the storing statement itself) and the store, in one hop."""
    return chat.post(Conversation(pk=conv_id), user, content.get("text"),
                     client_id=content.get("client_id"), agent=agent,
                     note=bool(content.get("private")), publish=False,
                     assigned_to=None if access.is_supervisor(user) else agent.pk)


def _live(agent: Agent) -> dict[int, int]:
    live = Conversation.objects.filter(agent=agent, status__in=routing.LIVE)
    return dict(live.values_list("pk", "last_seq"))


class ChatBase(AsyncJsonWebsocketConsumer):
    user: Any = None
    credential: sockets.Credential | None = None
    lang = "zh-hans"
    role = "customer"
    RECHECK_SECONDS = 5.0
    # A client that neither resumes nor writes gets the live stream from the state at connect
    # after this long. Clients that resume do it first thing; the wait only has to outlast a busy
    # server's delay in reading that first frame (2 s was too short on a loaded CI machine).
    AUTO_SYNC_SECONDS = 10.0
    _heard = False  # any frame from the client since connect
    # How long a "still valid" answer for the socket's session or token is trusted. The recheck
    # loop renews it for every socket in one batch; a frame past it checks on its own.
    AUTH_FRESH_SECONDS = 10.0
    _fresh_until = 0.0
    _ended = False

    @classmethod
    async def decode_json(cls, text_data: str) -> Any:
        return orjson.loads(text_data)

    async def send_json(self, content: Any, close: bool = False) -> None:
        """Every frame leaves through here: an agent's name as this socket's viewer reads it."""
        if isinstance(content, dict):
            content = events.for_viewer(content, self.lang)
        await super().send_json(content, close=close)

    @classmethod
    async def encode_json(cls, content: Any) -> str:
        return orjson.dumps(content).decode()

    async def _join_user(self) -> None:
        """Remember the handshake's credential; the user's group carries "re-check now"."""
        self.credential = self.scope.get("credential")
        if self.credential is not None:
            self._fresh_until = time.monotonic() + self.AUTH_FRESH_SECONDS
            await self.channel_layer.group_add(sockets.user_group(self.credential.user_id),
                                               self.channel_name)

    async def _leave_user(self) -> None:
        if self.credential is not None:
            await self.channel_layer.group_discard(sockets.user_group(self.credential.user_id),
                                                   self.channel_name)

    async def authorized(self, *, now: float | None = None) -> bool:
        """Whether the socket's session or token still holds: the cached answer while it is
        fresh (and the token not past its expiry), else one check of the database."""
        cred = self.credential
        if cred is None or self._ended:
            return not self._ended
        if cred.expired(clock.now()):
            return False
        if (now or time.monotonic()) < self._fresh_until:
            return True
        return await self.recheck_credential()

    async def recheck_credential(self) -> bool:
        cred = self.credential
        if cred is None:
            return True
        try:
            ok = bool(await database_sync_to_async(sockets.still_valid)([cred]))
        except Exception:  # the database is away: the frame's own work fails too; ask again later
            return True
        if ok:
            self._fresh_until = time.monotonic() + self.AUTH_FRESH_SECONDS
        return ok

    def mark_fresh(self, until: float) -> None:
        self._fresh_until = until

    async def end_session(self) -> None:
        """The credential ended: say so (typed, translated) and close with 4401."""
        if self._ended:
            return
        self._ended = True
        self._stop_recheck()
        try:
            await self._send_error(SessionEnded())
            await self.close(code=sockets.CLOSE_CODE)
        except Exception:  # noqa: S110 - the client may already be gone
            pass

    async def websocket_receive(self, message: dict[str, Any]) -> None:
        self._heard = True  # before anything is awaited: the hold is then the client's to end
        if not await self.authorized():
            await self.end_session()
            return
        await super().websocket_receive(message)

    async def _rate(self, conv_id: int) -> None:
        role = "agent" if self.role == "agent" else "customer"
        await chatrate.ahit(chatrate.limit_for(role), chatrate.who(self.user, conv_id))

    async def dispatch(self, message: dict[str, Any]) -> None:
        """As Channels' own, without its ``aclose_old_connections()`` before every event: that
        is a hop to the one shared sync thread for each frame in or out (measured: a tenth of
        the busy time under load). Every database call here goes through
        ``database_sync_to_async``, which closes stale connections in its own thread."""
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        await handler(message)

    async def _send_error(self, exc: DomainError, content: Any = None) -> None:
        """The typed error, translated; for a refused message, with its ``client_id``, so the
        client knows which of the messages it shows as being sent went nowhere."""
        with translation.override(self.lang):
            frame = {"type": "error", **exc.as_dict()}
        if isinstance(content, dict) and content.get("type") == "message":
            client_id = content.get("client_id")
            if isinstance(client_id, str) and len(client_id) <= 64:
                frame["client_id"] = client_id
        await self.send_json(frame)

    def _masked_notice(self) -> str:
        """What the sender of a masked message reads (in the socket's language): the customer
        is warned never to share secrets; staff are told what happened to their words."""
        if self.role == "agent":
            return _("Part of your message looked like a password, code or card number and was "
                     "hidden.")
        return _("For your safety we hid a password, code or card number in your message. "
                 "Never share them with anyone, including us.")

    async def _warn(self, kinds: list[str]) -> None:
        if kinds:
            with translation.override(self.lang):
                await self.send_json({"type": "warning", "code": "masked", "kinds": kinds,
                                      "message": self._masked_notice()})

    def _high(self) -> dict[int, int]:
        if not hasattr(self, "_seen"):
            self._seen: dict[int, int] = {}
        return self._seen

    def _lock(self) -> asyncio.Lock:
        if not hasattr(self, "_deliver_lock"):
            self._deliver_lock = asyncio.Lock()
        return self._deliver_lock

    async def _deliver(self, frame: dict[str, Any], role: str) -> None:
        async with self._lock():
            conv_id, seq = int(frame["conversation_id"]), int(frame["seq"])
            high = self._high()
            last = high.get(conv_id)
            if last is not None and seq <= last:
                return
            if last is not None and seq > last + 1:
                for m in await database_sync_to_async(chat.visible)(conv_id, role, last, seq):
                    await self.send_json(events.message_frame(m))
            high[conv_id] = seq
            await self.send_json(frame)

    async def catch_up_to(self, conv_id: int, last_seq: int) -> None:
        """Send anything past this socket's position that never came live (the rechecker saw
        the conversation's last sequence number ahead of it)."""
        if last_seq <= self._high().get(conv_id, last_seq) or conv_id in getattr(self, "_unsynced", {}):
            return
        async with self._lock():
            pos = self._high().get(conv_id, 0)
            for m in await database_sync_to_async(chat.visible)(conv_id, self.role, pos):
                if m.seq > self._high().get(conv_id, 0):
                    self._high()[conv_id] = m.seq
                    await self.send_json(events.message_frame(m))

    def _start_recheck(self) -> None:
        Rechecker.of_loop().add(self)

    def _stop_recheck(self) -> None:
        found = Rechecker._by_loop.get(id(asyncio.get_running_loop()))
        if found is not None:
            found.remove(self)

    async def _resume(self, conv_id: int, role: str, after: object) -> None:
        after_seq = after if isinstance(after, int) and after >= 0 else 0
        async with self._lock():
            msgs = await database_sync_to_async(chat.visible)(conv_id, role, after_seq, None, 100000)
            for m in msgs:
                await self.send_json(events.message_frame(m))
            high = self._high()
            high[conv_id] = max([after_seq] + [m.seq for m in msgs])
        await self.send_json({"type": "resumed", "conversation_id": conv_id, "last_seq": high[conv_id]})

    async def _typing(self, conv_id: int, role: str) -> None:
        frame = {"type": "typing", "conversation_id": conv_id, "role": role, "from": self.channel_name}
        await self.channel_layer.group_send(events.conv_group(conv_id),
                                            {"type": "support.frame", "frame": frame})

    async def _post(self, posting: Any, conv_id: int, fast: Any = None) -> None:
        """Store the message, then the group send from this event loop once it has committed.
        ``fast`` (PostgreSQL): the statement from the loop itself (``chat.apost``); ``posting``
        (a hop to a thread) when there is none or it stored nothing (a re-sent client id, a
        refusal: ``posting`` finds the stored copy or raises the typed error)."""
        posted = await fast() if fast is not None and pgasync.enabled() else None
        if posted is None:
            posted = await database_sync_to_async(posting)()
        m = posted.message
        if posted.duplicate:
            await self.send_json({"type": "ack", "conversation_id": conv_id, "seq": m.seq,
                                  "client_id": m.client_id, "duplicate": True})
        else:
            await events.send_message(m)
        await self._warn(posted.masked if not posted.duplicate else [])

    async def support_frame(self, event: dict[str, Any]) -> None:
        frame = event["frame"]
        if frame.get("type") == "reauth":  # sockets.close_for_user(): a credential may have ended
            if self.credential is not None and not await self.recheck_credential():
                await self.end_session()
            return
        if self._ended:
            return
        if frame.get("type") == "typing":
            if frame.get("from") == self.channel_name:
                return
            frame = {k: v for k, v in frame.items() if k != "from"}
        await self.on_frame(frame)

    async def on_frame(self, frame: dict[str, Any]) -> None:  # pragma: no cover - overridden
        await self.send_json(frame)


class Rechecker:
    """The channel layer drops frames for a socket that falls behind (its capacity). One loop
    per process and event loop: every few seconds ONE query reads the last sequence number of
    every conversation a local socket shows; only a socket that is behind reads its gap."""

    _by_loop: dict[int, Rechecker] = {}

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.sockets: set[ChatBase] = set()
        self.task: asyncio.Future[None] | None = None
        self.previous: dict[int, int] = {}  # last sequence numbers seen by the previous round

    @classmethod
    def of_loop(cls) -> Rechecker:
        loop = asyncio.get_running_loop()
        found = cls._by_loop.get(id(loop))
        if found is None or found.loop is not loop:
            found = cls._by_loop[id(loop)] = Rechecker(loop)
        return found

    def add(self, sock: ChatBase) -> None:
        self.sockets.add(sock)
        if self.task is None or self.task.done():
            self.task = asyncio.ensure_future(self._run())

    def remove(self, sock: ChatBase) -> None:
        self.sockets.discard(sock)

    async def _run(self) -> None:
        try:
            while self.sockets:
                await asyncio.sleep(min(s.RECHECK_SECONDS for s in self.sockets))
                await self.check()
        finally:
            if not self.sockets and Rechecker._by_loop.get(id(self.loop)) is self:
                del Rechecker._by_loop[id(self.loop)]  # nothing left to watch on this loop

    async def check(self) -> None:
        await self.check_credentials()
        await self.check_positions()

    async def check_credentials(self) -> None:
        """Every socket's session or token in one batch: the ended ones close, the others are
        trusted for another AUTH_FRESH_SECONDS (so that frames need no query of their own)."""
        socks = [s for s in list(self.sockets) if s.credential is not None]
        if not socks:
            return
        started = time.monotonic()
        try:
            valid = await database_sync_to_async(sockets.still_valid)(
                [s.credential for s in socks if s.credential is not None])
        except Exception:  # the database is away for a moment: frames check on their own
            return
        for sock in socks:
            if sock.credential in valid:
                sock.mark_fresh(started + sock.AUTH_FRESH_SECONDS)
            else:
                await sock.end_session()

    async def check_positions(self) -> None:
        positions = [(sock, dict(sock._high())) for sock in list(self.sockets)]
        ids = sorted({conv_id for _sock, high in positions for conv_id in high})
        if not ids:
            return
        try:
            latest = await database_sync_to_async(_last_seqs)(ids)
        except Exception:  # the database is away for a moment: try again next round
            return
        # A socket is behind only on what was already stored a round ago: a frame sent since may
        # still be on its way (a busy server), and reading it from the database then is work
        # that only makes the server busier. Dropped frames arrive one round later.
        behind, self.previous = self.previous, latest
        for sock, high in positions:
            for conv_id, seq in high.items():
                if behind.get(conv_id, 0) > seq and sock in self.sockets:
                    try:
                        await sock.catch_up_to(conv_id, behind[conv_id])
                    except Exception:  # that socket went away under us
                        self.sockets.discard(sock)
                        break


class CustomerChat(ChatBase):
    """/ws/support/conversations/<id>/ : the customer (or proven guest) of one conversation.

    Live messages are held back until the socket is in sync: the client's first
    ``resume`` (or ``?after_seq=`` on the URL) sends the history after its last
    seen sequence number, then the held frames follow, without duplicates. A
    client whose first frame is something else, or that sends nothing within
    AUTO_SYNC_SECONDS, gets the live stream from the state at connect time.
    """

    conv_id = 0
    _held: list[dict[str, Any]]
    _synced: bool
    _sync_lock: asyncio.Lock
    _base_seq: int

    async def _catch_up(self, after: object) -> None:
        async with self._sync_lock:
            if self._synced:
                await self._resume(self.conv_id, "customer", after)
                return
            await self._resume(self.conv_id, "customer", after)
            self._synced = True
            held, self._held = self._held, []
        for frame in held:
            await self._deliver(frame, "customer")

    async def _auto_sync(self) -> None:
        await asyncio.sleep(self.AUTO_SYNC_SECONDS)
        if not self._synced and not self._heard:
            await self._catch_up(self._base_seq)

    async def connect(self) -> None:
        self.user = _user_from(self.scope)
        self.conv_id = int(self.scope["url_route"]["kwargs"]["conversation_id"])
        guest = _query(self.scope).get("guest", "")
        try:
            conv, role = await database_sync_to_async(access.get_for)(self.conv_id, self.user, guest)
        except DomainError:
            await self.close(code=4404)
            return
        if role != "customer":
            await self.close(code=4403)
            return
        self.lang = (_page_language(self.scope) or getattr(self.user, "language", None)
                     or conv.language)
        self._held, self._synced = [], False
        self._sync_lock, self._base_seq = asyncio.Lock(), conv.last_seq
        await self.channel_layer.group_add(events.conv_group(self.conv_id), self.channel_name)
        await self._join_user()
        await self.accept()
        opened = await database_sync_to_async(conversations.status_of)(conv)
        await self.send_json({"type": "hello", "conversation_id": conv.pk, "reference": conv.reference,
                              "status": conv.status, "last_seq": conv.last_seq})
        if opened.position is not None:
            await self.send_json({"type": "queue", "conversation_id": conv.pk, "position": opened.position,
                                  "estimated_wait_seconds": opened.estimated_wait_seconds})
        self._start_recheck()
        after = _query(self.scope).get("after_seq", "")
        if after.isdigit():
            await self._catch_up(int(after))
        else:
            self._auto = asyncio.ensure_future(self._auto_sync())

    async def disconnect(self, code: int) -> None:
        self._stop_recheck()
        auto = getattr(self, "_auto", None)
        if auto is not None:
            auto.cancel()
        if self.conv_id:
            await self.channel_layer.group_discard(events.conv_group(self.conv_id), self.channel_name)
        await self._leave_user()

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        if not isinstance(content, dict):
            return
        kind = content.get("type")
        if kind != "resume" and not self._synced:
            await self._catch_up(self._base_seq)
        try:
            if kind == "message":
                await self._rate(self.conv_id)
                # post() needs only the id: the sequence UPDATE refuses an ended conversation.
                conv = Conversation(pk=self.conv_id)
                await self._post(lambda: chat.post(conv, self.user, content.get("text"),
                                                   client_id=content.get("client_id"), publish=False),
                                 self.conv_id,
                                 lambda: chat.apost(self.conv_id, self.user, content.get("text"),
                                                    client_id=content.get("client_id")))
            elif kind == "resume":
                await self._catch_up(content.get("after_seq"))
            elif kind == "typing":
                await self._typing(self.conv_id, "customer")
            elif kind == "read" and isinstance(content.get("seq"), int):
                conv = await database_sync_to_async(Conversation.objects.get)(pk=self.conv_id)
                await database_sync_to_async(chat.mark_read)(conv, "customer", content["seq"])
        except DomainError as exc:
            await self._send_error(exc, content)

    async def on_frame(self, frame: dict[str, Any]) -> None:
        if frame.get("type") == "message":
            if frame.get("private"):
                return
            if not self._synced:
                self._held.append(frame)
                return
            await self._deliver(frame, "customer")
        elif frame.get("type") == "typing" and frame.get("role") == "customer":
            return
        else:
            await self.send_json(frame)


class AgentConsole(ChatBase):
    """/ws/agent/ : one agent's console (every conversation they handle or watch)."""

    agent: Agent | None = None
    role = "agent"
    _unsynced: dict[int, list[dict[str, Any]]]

    async def connect(self) -> None:
        self.user = _user_from(self.scope)
        self.agent = await database_sync_to_async(access.agent_of)(self.user)
        if self.agent is None:
            await self.close(code=4403)
            return
        # The console page's language (its cookie, then Accept-Language) before the account's,
        # so colleagues' names and notices match the page the agent reads.
        self.lang = _page_language(self.scope) or getattr(self.user, "language", None) or "zh-hans"
        await self.channel_layer.group_add(events.agent_group(self.agent.pk), self.channel_name)
        await self.channel_layer.group_add(events.AGENTS, self.channel_name)
        await self._join_user()
        live = await database_sync_to_async(_live)(self.agent)
        for conv_id in live:
            await self._watch(conv_id)
        # Live frames continue from the state at connect; "resume" fetches anything older. The
        # live frames of a conversation are held back until the console resumes it, so that the
        # older ones the resume sends never come after them. The client's first frame of another
        # kind says it has resumed all it meant to: the rest are released then. A client that
        # sends nothing at all gets them after AUTO_SYNC_SECONDS.
        self._high().update(live)
        self._unsynced = {conv_id: [] for conv_id in live}
        await self.accept()
        await database_sync_to_async(routing.beat)(self.agent)
        self._start_recheck()
        await self.send_json({"type": "hello", "employee_id": self.agent.employee_id,
                              "name": self.agent.display_name, "conversations": list(live)})
        if self._unsynced:
            self._auto = asyncio.ensure_future(self._auto_sync())

    async def _auto_sync(self) -> None:
        await asyncio.sleep(self.AUTO_SYNC_SECONDS)
        if not self._heard:
            await self._release_held()

    async def _release_held(self) -> None:
        for conv_id in list(self._unsynced):
            await self._flush(conv_id)

    async def _flush(self, conv_id: int) -> None:
        for frame in self._unsynced.pop(conv_id, None) or []:
            await self._deliver(frame, "agent")

    async def disconnect(self, code: int) -> None:
        self._stop_recheck()
        auto = getattr(self, "_auto", None)
        if auto is not None:
            auto.cancel()
        await self._leave_user()
        if self.agent is not None:
            await database_sync_to_async(routing.disconnected)(self.agent)

    async def _conv(self, content: dict[str, Any]) -> tuple[Conversation, str]:
        conv_id = content.get("conversation_id")
        if not isinstance(conv_id, int):
            raise access.ConversationNotFound()
        return await database_sync_to_async(access.get_for)(conv_id, self.user)

    async def _watch(self, conv_id: int) -> None:
        watching = self.__dict__.setdefault("_watching", set())
        if conv_id in watching:
            return
        for group in (events.conv_group(conv_id), events.staff_group(conv_id)):
            await self.channel_layer.group_add(group, self.channel_name)
        watching.add(conv_id)

    def _watching_only(self, conv: Conversation, role: str) -> bool:
        """A supervisor showing a conversation that another agent handles (or nobody)."""
        return role == "supervisor" and self.agent is not None and conv.agent_id != self.agent.pk

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        if not isinstance(content, dict) or self.agent is None:
            return
        kind = content.get("type")
        if kind not in ("resume", "watch") and self._unsynced:
            await self._release_held()
        try:
            if kind == "heartbeat":
                await database_sync_to_async(routing.beat)(self.agent)
            elif kind == "status":
                await database_sync_to_async(routing.set_status)(self.agent, str(content.get("status")))
            elif kind == "accept":
                conv, _role = await self._conv(content)
                await self._watch(conv.pk)
                await database_sync_to_async(conversations.accept)(self.agent, conv)
            elif kind == "message":
                conv_id = content.get("conversation_id")
                if not isinstance(conv_id, int):
                    raise access.ConversationNotFound()
                await self._rate(conv_id)
                agent, user = self.agent, self.user
                # A supervisor's right to write is looked up, and a note goes to staff only:
                # both keep the thread's path. An agent's reply is checked by the statement.
                fast = None if content.get("private") or getattr(user, "role", "") == "supervisor" else (
                    lambda: chat.apost(conv_id, user, content.get("text"), client_id=content.get("client_id"),
                                       agent=agent, assigned_to=agent.pk))
                await self._post(lambda: _agent_post(conv_id, user, agent, content), conv_id, fast)
                await self._watch(conv_id)
            elif kind in ("resume", "watch"):
                conv, role = await self._conv(content)
                await self._watch(conv.pk)
                await self._resume(conv.pk, role, content.get("after_seq"))
                await self._flush(conv.pk)
            elif kind == "typing":
                conv, role = await self._conv(content)
                if not self._watching_only(conv, role):
                    await self._typing(conv.pk, "agent")
            elif kind == "read" and isinstance(content.get("seq"), int):
                conv, role = await self._conv(content)
                # A supervisor watching someone else's chat (ADR 0128) leaves no trace for the
                # customer: no "Read" under their messages, no "typing…".
                if not self._watching_only(conv, role):
                    await database_sync_to_async(chat.mark_read)(conv, "agent", content["seq"])
        except DomainError as exc:
            await self._send_error(exc, content)

    async def on_frame(self, frame: dict[str, Any]) -> None:
        kind = frame.get("type")
        if kind == "message":
            held = getattr(self, "_unsynced", {}).get(int(frame["conversation_id"]))
            if held is not None:
                held.append(frame)
            else:
                await self._deliver(frame, "agent")
            return
        if kind == "typing" and frame.get("role") == "agent":
            return
        if kind == "assigned":
            await self._watch(int(frame["conversation_id"]))
        if kind == "released":
            conv_id = int(frame["conversation_id"])
            self.__dict__.setdefault("_watching", set()).discard(conv_id)
            # No longer shown here: the recheck loop must not catch this socket up on it either
            # (a transfer or a take-over ends what the previous agent receives).
            self._high().pop(conv_id, None)
            getattr(self, "_unsynced", {}).pop(conv_id, None)
            for group in (events.conv_group(conv_id), events.staff_group(conv_id)):
                await self.channel_layer.group_discard(group, self.channel_name)
        await self.send_json(frame)
