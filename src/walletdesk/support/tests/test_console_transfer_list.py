"""The console's transfer list says who can take a chat: each colleague's state in words, the
ones off duty not choosable; the API gives the same list fresh (the console renews it)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from walletdesk.accounts.services import issue_token
from walletdesk.conftest import ApiClient


@pytest.mark.django_db
def test_colleagues_show_their_state_and_offline_ones_are_disabled(make_agent: Any) -> None:
    me = make_agent(name="王磊")
    on = make_agent(name="李娜")
    off = make_agent(name="刘洋", online=False)
    c = Client(headers={"accept-language": "en"})
    c.force_login(me.user)
    page = c.get("/support/console/").content.decode()
    on_opt = re.search(rf'<option value="agent:{on.employee_id}"[^>]*>([^<]*)</option>', page)
    off_opt = re.search(rf'<option value="agent:{off.employee_id}"[^>]*>([^<]*)</option>', page)
    assert on_opt and off_opt
    assert on_opt.group(1).endswith("· online") and "disabled" not in on_opt.group(0)
    assert off_opt.group(1).endswith("· offline") and " disabled" in off_opt.group(0)
    assert f"agent:{me.employee_id}" not in page  # never oneself

    got = ApiClient(issue_token(me.user)).get("/api/v1/support/agent/colleagues")
    assert got.status_code == 200
    rows = {r["employee_id"]: r for r in got.json()}
    assert rows[on.employee_id]["on_duty"] is True and rows[on.employee_id]["state"] == "online"
    assert rows[off.employee_id]["on_duty"] is False and rows[off.employee_id]["state_label"]
    assert me.employee_id not in rows


@pytest.mark.django_db
def test_only_agents_read_the_colleague_list(make_customer: Any) -> None:
    got = ApiClient(issue_token(make_customer())).get("/api/v1/support/agent/colleagues")
    assert got.status_code == 403 and got.json()["code"] == "support_forbidden"
