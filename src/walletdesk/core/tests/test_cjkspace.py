"""Latin words inside Chinese text get a space on each side; digits and English do not change."""

from __future__ import annotations

import pytest

from walletdesk.core.cjkspace import space_latin


@pytest.mark.parametrize(("text", "spaced"), [
    ("向Sample Coffee申请退款", "向 Sample Coffee 申请退款"),
    ("向示例咖啡申请退款", "向示例咖啡申请退款"),
    ("工号 WD1024", "工号 WD1024"),
    ("在App内确认", "在 App 内确认"),
    ("（工号WD1024）", "（工号 WD1024）"),
    ("：Alice Chen", "：Alice Chen"),          # full-width punctuation carries its own space
    ("12月5日 14:30，3 分钟", "12月5日 14:30，3 分钟"),  # digits as written
    ("Sample Coffee refunded ¥28.00.", "Sample Coffee refunded ¥28.00."),
    ("へAlice", "へ Alice"),
])
def test_space_latin(text: str, spaced: str) -> None:
    assert space_latin(text) == spaced
