"""Demo agents with employee IDs (工号), canned replies and a few conversations in both
languages; the password is accounts.demo.DEMO_PASSWORD, and each agent has an authenticator
key (`totp_secret`, accounts.demo.staff_totp). Safe to run again."""

from __future__ import annotations

from typing import Any

from walletdesk.accounts.demo import DEMO_PASSWORD, ensure_user, staff_totp
from walletdesk.accounts.models import User

from . import services
from .models import Agent, CannedReply, Conversation
from .services import chat, conversations

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

# What English-speaking customers see (Rachel Lim's display name is already in Latin letters).
LATIN_NAMES = {"WD1001": "Chen Jing", "WD1024": "Wang Lei", "WD2048": "Liu Yang",
               "WD3007": "Mandy Wong"}


def seed() -> list[dict[str, Any]]:
    out = []
    for email, role, name, eid, region, skills, languages, online in AGENTS:
        user = ensure_user(email, role, display_name=name, region=region,
                           language="en" if region == "SG" else "zh-hans")
        agent = Agent.objects.filter(user=user).first()
        if agent is None:
            agent = services.save_agent(Agent(
                user=user, display_name=name, latin_name=LATIN_NAMES.get(eid, ""), employee_id=eid,
                skills=skills, languages=languages, region=region,
                max_concurrent_chats=4 if role == "agent" else 2))
        elif not agent.latin_name and LATIN_NAMES.get(eid):  # a database seeded before Latin names
            Agent.objects.filter(pk=agent.pk).update(latin_name=LATIN_NAMES[eid])
        if online:
            services.heartbeat(agent, Agent.Status.ONLINE)
        out.append({"role": role, "login": email, "password": DEMO_PASSWORD, "name": name,
                    "employee_id": agent.employee_id, "totp_secret": staff_totp(user)})
    seed_canned()
    seed_conversations()
    return out


CANNED = [
    ("问候", "Greeting", "您好，我是今天为您服务的客服，请问有什么可以帮您？",
     "Hello, I am the agent helping you today. How can I help?"),
    ("核实身份", "Verify identity", "为了保护您的账户，我们不会索要密码或验证码。请在 App 内确认身份提示。",
     "To protect your account we never ask for passwords or codes. Please confirm the prompt in the app."),
    ("处理中的交易", "Pending payment", "这笔交易还在处理中，通常会在 30 分钟内完成，超时会自动退回。",
     "This payment is still being processed; it usually completes within 30 minutes and is returned "
     "automatically if it does not."),
    ("解锁步骤", "Unlock steps", "请在登录页点击“账户已锁定”，用注册邮箱或手机收到的验证码解锁。",
     "On the login page choose 'Account locked' and unlock with the code sent to your email or phone."),
    ("结束语", "Closing", "感谢您的耐心，还有其他问题吗？如无，我将结束本次会话。",
     "Thank you for your patience. Anything else? If not, I will close this conversation."),
]


def seed_canned() -> None:
    for i, (tz, te, xz, xe) in enumerate(CANNED):
        CannedReply.objects.get_or_create(title_en=te, defaults={"title_zh": tz, "text_zh": xz,
                                                                 "text_en": xe, "sort_order": i})


def seed_conversations() -> None:
    """A resolved and rated chat (zh), an active one (en), and one waiting in the queue."""
    if Conversation.objects.exists():
        return
    li_na = User.objects.filter(email="li.na@example.cn").first()
    alice = User.objects.filter(email="alice@example.com").first()
    zhang = User.objects.filter(email="zhang.wei@example.cn").first()
    wang = Agent.objects.filter(employee_id="WD1024").first()
    chen = Agent.objects.filter(employee_id="WD1001").first()
    if not (li_na and alice and zhang and wang and chen):
        return
    done = conversations.open_conversation(li_na, topic="missing_money", use_triage=False,
                                           message="我昨天给朋友转了 200 元，对方说没收到。").conversation
    conversations.accept(wang, done)
    chat.post(done, wang.user, "您好，我是王磊，工号 WD1024。我查到这笔转账已在今天 09:12 到账。", agent=wang)
    chat.post(done, li_na, "好的，朋友说收到了，谢谢！")
    conversations.resolve(wang, done)
    conversations.rate(done, 5, "很快就解决了")
    active = conversations.open_conversation(alice, topic="refunds", use_triage=False,
                                             message="A shop charged me twice for one coffee.").conversation
    conversations.accept(chen, active)
    chat.post(active, chen.user, "Hi Alice, I'm 陈静 (WD1001). I can see both payments; let me check "
              "with the merchant.", agent=chen)
    conversations.open_conversation(zhang, topic="account_locked", use_triage=False,
                                    message="输错几次密码，账户被锁了，怎么解锁？")
