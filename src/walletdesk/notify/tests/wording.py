"""Checks shared by the message tests of every app that sends through ``notify.messages``:
the reader's language (the phrase header says which), no template or catalogue codes, no
minor units."""

from __future__ import annotations

import re

LANGUAGES = ("zh-hans", "zh-hant", "en")
# What the anti-phishing header says in each language (a phrase is set in these tests).
HEADER = {"zh-hans": "您的防钓鱼短语", "zh-hant": "您的防釣魚短語", "en": "your anti-phishing phrase"}
# A few characters that only simplified, only traditional or no Chinese text has.
_HAN = re.compile(r"[\u4e00-\u9fff]")
_CODES = re.compile(r"\{\{|\{%|%\(\w+\)|\b[a-z]+_[a-z_]+\b")


def assert_reads_well(text: str, language: str, *, minor: tuple[int, ...] = (),
                      header: bool = True) -> None:
    """``text`` is in ``language``, carries no code and shows no amount in minor units."""
    if header:
        assert HEADER[language] in text, (language, text)
    body = text.split("】", 1)[-1].split("]", 1)[-1] if header else text
    if language == "en":
        assert not _HAN.search(body.replace("示例", "")), text
    else:
        assert _HAN.search(body), text
        others = [h for lang, h in HEADER.items() if lang != language]
        assert not any(h in text for h in others), text
    assert not _CODES.search(text), text
    for amount in minor:
        assert not re.search(rf"(?<![\d,.]){amount}(?![\d,])", text), (amount, text)
