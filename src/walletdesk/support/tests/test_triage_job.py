"""Triage routing runs in the worker: opening a "general" chat never loads the classifier in
the web process; the job moves a still-queued conversation to the queue triage picks."""

from __future__ import annotations

from typing import Any

import pytest

from walletdesk.core.models import Job
from walletdesk.core.services import jobs
from walletdesk.support.models import PRIORITY_HIGH, PRIORITY_NORMAL, Conversation
from walletdesk.support.services import conversations

pytestmark = pytest.mark.django_db


def open_general(make_customer: Any, text: str, captured: Any) -> Conversation:
    with captured(execute=True):
        return conversations.open_conversation(make_customer(), topic="general", message=text).conversation


def test_opening_queues_by_topic_and_the_worker_moves_it(
        make_customer: Any, make_agent: Any, django_capture_on_commit_callbacks: Any) -> None:
    make_agent(["technical", "general"])
    conv = open_general(make_customer, "App 一直闪退打不开", django_capture_on_commit_callbacks)
    assert (conv.skill, conv.priority) == ("general", PRIORITY_NORMAL)
    assert Job.objects.filter(name="support.triage_route", args={"conversation_id": conv.pk}).exists()
    with django_capture_on_commit_callbacks(execute=True):
        jobs.run_pending()
    conv.refresh_from_db()
    assert conv.skill == "technical" and conv.priority == PRIORITY_HIGH
    assert conversations.triage_route(conv.pk) is False  # once is enough: nothing changes


def test_a_conversation_already_taken_stays_where_it_is(
        make_customer: Any, make_agent: Any, django_capture_on_commit_callbacks: Any) -> None:
    agent = make_agent(["general"])
    conv = open_general(make_customer, "App 一直闪退打不开", django_capture_on_commit_callbacks)
    conversations.accept(agent, conv)
    assert conversations.triage_route(conv.pk) is False
    conv.refresh_from_db()
    assert conv.skill == "general" and conv.status == Conversation.Status.ACTIVE


def test_other_topics_and_opt_out_enqueue_nothing(
        make_customer: Any, django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        conversations.open_conversation(make_customer(), topic="payments", message="付款失败")
        conversations.open_conversation(make_customer(), topic="general", message="你好", use_triage=False)
    assert not Job.objects.filter(name="support.triage_route").exists()
