"""Support pages: contact form, guest chat, chat, transcript, agent console, supervisor view."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language, pgettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from walletdesk.core import hant
from walletdesk.core.errors import DomainError
from walletdesk.directory import ratelimit
from walletdesk.helpcenter import queries as help_queries
from walletdesk.notify.client import describe_request as describe_client
from walletdesk.wallet import queries as wallet_queries

from . import access, forms, labels, notices, queries
from .models import Agent, Attachment, CannedReply, Conversation
from .services import conversations, guest
from .services.conversations import TOPIC_LABELS, TOPICS

SESSION_GUESTS = "support_guest"


def _guest_token(request: HttpRequest, conv_id: int) -> str:
    return str(request.session.get(SESSION_GUESTS, {}).get(str(conv_id), ""))


def _conv(request: HttpRequest, conv_id: int) -> tuple[Conversation, str]:
    try:
        return access.get_for(conv_id, request.user, _guest_token(request, conv_id))
    except DomainError:
        raise Http404 from None


def _topics() -> list[tuple[str, str]]:
    return [(k, str(TOPIC_LABELS[k])) for k in TOPICS]


def _suggestions(text: str) -> list[dict[str, str]]:
    found = conversations._triage(text, (get_language() or "zh-hans")) if text.strip() else None
    slugs = list(found.articles) if found is not None else []
    return help_queries.article_titles(slugs, get_language())


@login_required
def home(request: HttpRequest) -> HttpResponse:
    if access.agent_of(request.user) is not None:
        return redirect("support:console")
    mine = queries.listing(request.user, limit=50)
    rows = [(c, TOPIC_LABELS.get(c.topic, TOPIC_LABELS["general"])) for c in mine]
    return render(request, "support/home.html", {"conversations": rows})


@login_required
def new(request: HttpRequest) -> HttpResponse:
    """The contact form: topic, an optional transaction, a description. Articles never block."""
    txns = list(wallet_queries.transactions_of(request.user).order_by("-created_at")[:20])  # type: ignore[arg-type]
    data = request.POST if request.method == "POST" else request.GET
    ctx: dict[str, Any] = {"topics": _topics(),
                           "transactions": forms.transaction_options(txns, request.user),
                           "topic": data.get("topic", "general"),
                           "transaction_id": data.get("transaction", ""),
                           "message": data.get("message", ""), "suggestions": [], "checked": False}
    if request.method == "POST":
        if request.POST.get("action") == "suggest":
            ctx["suggestions"] = _suggestions(ctx["message"])
            ctx["checked"] = True
            return render(request, "support/new.html", ctx)
        try:
            ratelimit.hit(conversations.OPEN_LIMIT, ratelimit.client_key(request))
            opened = conversations.open_conversation(request.user, topic=ctx["topic"],  # type: ignore[arg-type]
                                                     message=ctx["message"],
                                                     transaction_id=ctx["transaction_id"],
                                                     client=describe_client(request))
        except DomainError as exc:
            ctx["error"] = str(exc.message)
            return render(request, "support/new.html", ctx, status=exc.status)
        return redirect("support:chat", opened.conversation.pk)
    return render(request, "support/new.html", ctx)


def guest_start(request: HttpRequest) -> HttpResponse:
    """For people who cannot log in: the email or phone on file, then a code."""
    ctx: dict[str, Any] = {"topics": _topics(), "topic": request.POST.get("topic", "account_locked"),
                           "contact": request.POST.get("contact", ""),
                           "message": request.POST.get("message", "")}
    if request.method == "POST":
        try:
            ratelimit.hit(guest.GUEST_LIMIT, ratelimit.client_key(request))
            opened = guest.open_guest(contact=ctx["contact"], topic=ctx["topic"], message=ctx["message"],
                                      language=(get_language() or "zh-hans"))
        except DomainError as exc:
            ctx["error"] = str(exc.message)
            return render(request, "support/guest.html", ctx, status=exc.status)
        tokens = dict(request.session.get(SESSION_GUESTS, {}))
        tokens[str(opened.conversation.pk)] = opened.guest_token
        request.session[SESSION_GUESTS] = tokens
        messages.info(request, _("If this address is on file, we have sent it a code. Enter it below so "
                                 "the agent can see your account; you can chat meanwhile."))
        return redirect("support:chat", opened.conversation.pk)
    return render(request, "support/guest.html", ctx)


def chat_page(request: HttpRequest, conv_id: int) -> HttpResponse:
    conv, role = _conv(request, conv_id)
    if role != "customer":
        return redirect("support:console")
    return render(request, "support/chat.html", {
        "conv": conv, "data": queries.conversation_dict(conv, role),
        "guest_token": _guest_token(request, conv_id), "topic_label": TOPIC_LABELS.get(conv.topic, ""),
        "needs_code": conv.customer_id is None and conv.guest_contact,
    })


@require_POST
def guest_verify(request: HttpRequest, conv_id: int) -> HttpResponse:
    conv, _role = _conv(request, conv_id)
    try:
        guest.verify(conv, request.POST.get("code", ""))
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Thank you, your account is now attached to this conversation."))
    return redirect("support:chat", conv_id)


@require_POST
def rate(request: HttpRequest, conv_id: int) -> HttpResponse:
    conv, role = _conv(request, conv_id)
    try:
        rating = int(request.POST.get("rating", "0"))
    except ValueError:
        rating = 0
    try:
        if role != "customer":
            raise access.NotAllowed()
        conversations.rate(conv, rating, request.POST.get("comment", ""))
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Thank you for your feedback."))
    return redirect("support:chat", conv_id)


@require_POST
def callback(request: HttpRequest, conv_id: int) -> HttpResponse:
    conv, role = _conv(request, conv_id)
    if role == "customer":
        conversations.request_callback(conv)
        messages.success(request, _("We will call you back when the desk opens."))
    return redirect("support:chat", conv_id)


def transcript(request: HttpRequest, conv_id: int) -> HttpResponse:
    conv, role = _conv(request, conv_id)
    tz = str(getattr(request.user, "time_zone", "") or settings.DEFAULT_USER_TIME_ZONE)
    text = queries.transcript(conv, tz)
    if request.method == "POST" and role == "customer" and conv.customer is not None and conv.customer.email:
        notices.send("support_transcript", conv.customer.email, conv.customer, reference=conv.reference,
                     transcript=queries.transcript(conv, tz, conv.customer.language))
        messages.success(request, _("The transcript is on its way to your email address."))
        return redirect("support:transcript", conv_id)
    if request.GET.get("download"):
        response = HttpResponse(text, content_type="text/plain; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{conv.reference}.txt"'
        return response
    return render(request, "support/transcript.html", {"conv": conv, "text": text, "role": role,
                                                       "can_email": role == "customer" and conv.customer
                                                       is not None and bool(conv.customer.email)})


def attachment(request: HttpRequest, att_id: int) -> HttpResponse:
    att = Attachment.objects.filter(pk=att_id).first()
    if att is None:
        raise Http404
    _conv(request, att.conversation_id)
    response = HttpResponse(bytes(att.data), content_type=att.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Disposition"] = "inline"
    response["Cache-Control"] = "private, max-age=3600"
    return response


@login_required
def console(request: HttpRequest) -> HttpResponse:
    agent = access.agent_of(request.user)
    if agent is None:
        raise Http404
    canned = [{"title": hant.localized(c, "title"), "text_zh": c.text_zh,
               "text_hant": hant.convert_cached(c.text_zh), "text_en": c.text_en}
              for c in CannedReply.objects.all()]
    # The context snapshot stores codes; the console shows them in the agent's language.
    return render(request, "support/console.html", {
        "agent": agent, "canned": canned, "colleagues": colleagues(agent),
        "skills": [(code, labels.skill(code)) for code in TOPICS_SKILLS],
        "supervisor": access.is_supervisor(request.user), "labels": labels.for_console()})


TOPICS_SKILLS = list(labels.SKILLS)


def colleagues(me: Agent) -> list[dict[str, Any]]:
    """Whom a chat can go to, each with their state in words: only one on duty can take it."""
    from .services import is_on_duty

    states = {"online": pgettext("in a list of colleagues", "online"),
              "away": pgettext("in a list of colleagues", "away"),
              "offline": pgettext("in a list of colleagues", "offline")}
    rows = []
    for a in Agent.objects.exclude(pk=me.pk).order_by("employee_id"):
        on_duty = is_on_duty(a)
        state = "online" if on_duty else ("away" if a.status == Agent.Status.AWAY else "offline")
        rows.append({"employee_id": a.employee_id, "shown_name": a.shown_name, "on_duty": on_duty,
                     "state": state, "state_label": states[state]})
    return rows


@login_required
def supervisor(request: HttpRequest) -> HttpResponse:
    if not access.is_supervisor(request.user):
        raise Http404
    from . import supervision

    return render(request, "support/supervisor.html", supervision.page())
