"""Text clean-up shared by training and prediction, and a language guess."""

from __future__ import annotations

import re
import unicodedata

from walletdesk.core import hant

MAX_CHARS = 4000  # longer input is refused by the service
MODEL_CHARS = 1000  # what the model reads of an accepted text

_SPACE = re.compile(r"\s+")
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


def normalize(text: str) -> str:
    """NFKC, control and format characters dropped, whitespace collapsed, and Traditional
    Chinese (Hong Kong or Taiwan) turned into Simplified: the model's Chinese examples are
    zh-hans, and their n-grams then match a zh-hant message too (OpenCC hk2s leaves every
    training row as it is, so the model is the same)."""
    text = unicodedata.normalize("NFKC", text)
    text = "".join(
        " " if ch.isspace() else ch
        for ch in text
        if ch.isspace() or unicodedata.category(ch) not in ("Cc", "Cf", "Cs", "Co", "Cn")
    )
    text = _SPACE.sub(" ", text).strip()
    return hant.to_hans(text) if _CJK.search(text) else text


def guess_lang(text: str) -> str:
    return "zh-hans" if _CJK.search(text) else "en"
