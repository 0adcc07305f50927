"""Text clean-up shared by training and prediction, and a language guess."""

from __future__ import annotations

import re
import unicodedata

MAX_CHARS = 4000  # longer input is refused by the service
MODEL_CHARS = 1000  # what the model reads of an accepted text

_SPACE = re.compile(r"\s+")
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


def normalize(text: str) -> str:
    """NFKC, control and format characters dropped, whitespace collapsed."""
    text = unicodedata.normalize("NFKC", text)
    text = "".join(
        " " if ch.isspace() else ch
        for ch in text
        if ch.isspace() or unicodedata.category(ch) not in ("Cc", "Cf", "Cs", "Co", "Cn")
    )
    return _SPACE.sub(" ", text).strip()


def guess_lang(text: str) -> str:
    return "zh-hans" if _CJK.search(text) else "en"
