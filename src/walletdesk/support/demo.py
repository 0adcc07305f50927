"""Demo agents with employee IDs (工号); the password is accounts.demo.DEMO_PASSWORD."""

from __future__ import annotations

from typing import Any

from walletdesk.accounts.demo import DEMO_PASSWORD, ensure_user

from . import services
from .models import Agent

AGENTS = [
    # email, role, display name, employee ID, region, skills, languages, online
    ("chen.jing@walletdesk.example", "supervisor", "陈静", "WD1001", "CN",
     ["payments", "refunds", "account_security", "technical", "general"], ["zh-hans", "en"], True),
    ("wang.lei@walletdesk.example", "senior_agent", "王磊", "WD1024", "CN",
     ["account_security", "payments", "general"], ["zh-hans"], True),
    ("liu.yang@walletdesk.example", "agent", "刘洋", "WD2048", "CN",
     ["payments", "refunds", "general"], ["zh-hans"], True),
    ("mandy.wong@walletdesk.example", "agent", "Mandy Wong 黄文慧", "WD3007", "HK",
     ["payments", "technical", "general"], ["yue", "en", "zh-hans"], False),
    ("rachel.lim@walletdesk.example", "agent", "Rachel Lim", "WD4012", "SG",
     ["refunds", "technical", "general"], ["en", "zh-hans"], False),
]


def seed() -> list[dict[str, Any]]:
    out = []
    for email, role, name, eid, region, skills, languages, online in AGENTS:
        user = ensure_user(email, role, display_name=name, region=region,
                           language="en" if region == "SG" else "zh-hans")
        agent = Agent.objects.filter(user=user).first()
        if agent is None:
            agent = services.save_agent(Agent(
                user=user, display_name=name, employee_id=eid, skills=skills,
                languages=languages, region=region, max_concurrent_chats=4 if role == "agent" else 2))
        if online:
            services.heartbeat(agent, Agent.Status.ONLINE)
        out.append({"role": role, "login": email, "password": DEMO_PASSWORD, "name": name,
                    "employee_id": agent.employee_id})
    return out
