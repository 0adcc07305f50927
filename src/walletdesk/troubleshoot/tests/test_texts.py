"""Every finding code a diagnosis can produce has a sentence, in both languages."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.utils import translation

from walletdesk.troubleshoot import texts
from walletdesk.troubleshoot.findings import Finding

SOURCES = sorted((Path(texts.__file__).parent / "diagnose").glob("*.py"))
CODE = re.compile(r'"((?:lock|payment|refund|fee|step)\.[a-z_]+)"')
USED = sorted({c for p in SOURCES for c in CODE.findall(p.read_text())})
SAMPLE = {"until": datetime(2026, 1, 2, 3, 4, tzinfo=UTC), "since": datetime(2026, 1, 1, tzinfo=UTC),
          "deadline": datetime(2026, 1, 2, tzinfo=UTC), "at": datetime(2026, 1, 2, tzinfo=UTC),
          "ends_at": datetime(2026, 2, 1, tzinfo=UTC), "starts_at": datetime(2026, 1, 5, tzinfo=UTC),
          "effective_from": datetime(2026, 3, 1, tzinfo=UTC), "minutes": 5, "tier": 2,
          "failures": 10, "limit": 20, "hours": 12, "held": 100, "amount": 1000, "fee": 6,
          "paid": 60, "refunded": 10, "refundable": 90, "discount": 5, "fee_before": 11,
          "fixed": 0, "minimum": 10, "maximum": 2500, "currency": "CNY", "type": "payment",
          "operation": "withdrawal", "method": "bank_card", "status": "failed",
          "reason": "card_expired", "merchant": "示例咖啡", "merchant_en": "Sample Coffee",
          "name": "免费", "name_en": "Free", "recipient": "Bob", "parent": "tx_1",
          "percent": "0.10", "version": 2, "count": 1, "asked": 500,
          "respond_by": datetime(2026, 1, 6, tzinfo=UTC)}


def test_the_scan_finds_the_codes():
    assert len(USED) > 40 and "step.unlock_by_code" in USED


@pytest.mark.parametrize("code", USED)
def test_every_code_renders_in_both_languages(code):
    assert code in texts.MESSAGES
    lines = {}
    for lang in ("zh-hans", "en"):
        with translation.override(lang):
            lines[lang] = texts.text(Finding(code, SAMPLE))
        assert lines[lang] and "%(" not in lines[lang]
    assert lines["zh-hans"] != lines["en"]
    assert re.search(r"[\u4e00-\u9fff]", lines["zh-hans"])
