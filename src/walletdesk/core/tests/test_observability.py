from __future__ import annotations

from typing import Any

from django.test import Client


def test_healthz_and_readyz(db: Any) -> None:
    client = Client()
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json()["checks"]["database"] == "ok"


def test_readyz_reports_an_unreachable_redis(db: Any, settings: Any) -> None:
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    ready = Client().get("/readyz")
    assert ready.status_code == 503
    assert ready.json()["checks"]["redis"].startswith("error")


def test_metrics_report_pending_transactions(customer: Any, fund: Any) -> None:
    from walletdesk.wallet import services

    fund(customer, 1_000)
    services.top_up(customer, amount=500, currency="CNY", method="bank_card")
    body = Client().get("/metrics").content.decode()
    assert 'walletdesk_transactions_pending{type="topup"} 1.0' in body


def test_pages_send_a_content_security_policy(db: Any) -> None:
    response = Client().get("/login/")
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
