"""End to end: a mail reaches `walletdesk serve`'s listener, an agent sees it in the console as an
email conversation, answers it in the browser, and the answer leaves by SMTP to a local sink."""

from __future__ import annotations

import re
import subprocess
import time
from collections.abc import Iterator
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from walletdesk.conftest import (
    DEMO_PASSWORD,
    SCREENSHOTS,
    browser_second_step,
    remember_demo_keys,
    seed_demo_site,
)

from .conftest import Sink, free_port
from .test_processes import CLI, _stop, deliver, wait_port

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def mail_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    import os
    import socket

    var = tmp_path_factory.mktemp("mailroom-browser")
    box, out_port, smtp_port, web = Sink(), free_port(), free_port(), free_port()
    sink = Controller(box, hostname="127.0.0.1", port=out_port)
    sink.start()
    env = {**os.environ, "WALLETDESK_VAR_DIR": str(var),
           "WALLETDESK_DATABASE_URL": f"sqlite:///{var / 'live.sqlite3'}",
           "WALLETDESK_LOG_LEVEL": "WARNING", "WALLETDESK_WORKER_POLL": "0.2",
           "WALLETDESK_SMTP_LISTEN": f"127.0.0.1:{smtp_port}", "WALLETDESK_SMTP_PORT": str(out_port)}
    for name in ("WALLETDESK_REDIS_URL", "WALLETDESK_DEV_OUTBOX", "WALLETDESK_PRODUCTION"):
        env.pop(name, None)
    subprocess.run([*CLI, "migrate", "--noinput", "-v0"], env=env, check=True)
    secrets = seed_demo_site(CLI, env)
    log = var / "serve.log"
    with log.open("w") as fh:
        proc = subprocess.Popen([*CLI, "serve", "--port", str(web), "--log-level", "warning"], env=env,
                                stdout=fh, stderr=subprocess.STDOUT)
    wait_port(smtp_port, proc, log)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", web), timeout=1).close()
            break
        except OSError:
            time.sleep(0.3)
    remember_demo_keys(f"http://127.0.0.1:{web}", secrets)
    yield {"url": f"http://127.0.0.1:{web}", "smtp": smtp_port, "sink": box}
    _stop(proc)
    sink.stop()


def test_agent_answers_an_email_conversation_from_the_console(mail_site: dict[str, Any],
                                                              page_for: Any) -> None:
    got = deliver(mail_site["smtp"])
    reference = re.search(r"CS-\d{8}-\d{6}", got).group(0)
    box: Sink = mail_site["sink"]

    def ours() -> list[Any]:  # the demo data sends notices of its own through the same relay
        return [m for m in box.mails if m["X-Walletdesk-Reference"] == reference]

    def wait_for(count: int) -> list[Any]:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and len(ours()) < count:
            time.sleep(0.2)
        return ours()

    assert [m["Auto-Submitted"] for m in wait_for(1)] == ["auto-replied"]  # the acknowledgement

    agent = page_for("zh-hans")
    agent.goto(f"{mail_site['url']}/login/")
    agent.fill("input[name=username]", "wang.lei@walletdesk.example")
    agent.fill("input[name=password]", DEMO_PASSWORD)
    agent.locator("form button[type=submit].primary").click()
    browser_second_step(agent, mail_site["url"], "wang.lei@walletdesk.example")
    agent.wait_for_url(re.compile(r".*/(wallet|support)/.*$"))
    agent.goto(f"{mail_site['url']}/support/console/")
    assert agent.get_by_test_id(f"channel-{reference}").inner_text() == "邮箱"
    agent.get_by_test_id(f"conv-{reference}").click()
    banner = agent.get_by_test_id("email-banner")
    banner.get_by_text("我的转账没有到账").wait_for()
    assert "wang.fang@example.net" in banner.inner_text() and "未经验证" in banner.inner_text()
    agent.get_by_test_id("accept").click()
    agent.get_by_test_id("agent-log").get_by_text("请帮忙看看").wait_for()
    agent.get_by_test_id("agent-text").fill("您好，我们正在核查这笔转账，稍后邮件回复您。")
    agent.get_by_test_id("agent-send").click()
    agent.get_by_test_id("agent-log").get_by_test_id("msg-text").filter(has_text="稍后邮件回复您").wait_for()
    mails = wait_for(2)
    assert len(mails) == 2, [m["Subject"] for m in box.mails]  # one acknowledgement, one reply
    reply = mails[-1]
    assert reply["Subject"].strip() == f"Re: 我的转账没有到账 [{reference}]"
    assert "稍后邮件回复您" in reply.get_body(preferencelist=("plain",)).get_content()
    agent.get_by_test_id(f"channel-{reference}").wait_for()  # the lists were rebuilt meanwhile
    agent.get_by_test_id("agent-log").get_by_text("稍后邮件回复您").wait_for()
    agent.wait_for_timeout(500)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    agent.screenshot(path=str(SCREENSHOTS / "agent-console-email.png"), full_page=True)

