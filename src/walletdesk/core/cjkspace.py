"""Spaces between Chinese and Latin words, as Chinese typesetting puts them.

A name, a shop or a brand written in Latin letters takes a space on each side inside Chinese
text ("向 Sample Coffee 申请退款", "工号 WD1024"), and a Chinese one none ("向示例咖啡申请退款").
A translation cannot know which a filled-in value will be: it writes Chinese name slots
without spaces, and ``space_latin`` adds the one a Latin value needs. Digits are left as they
are: "12月5日" and "3 分钟" are both written by hand. Text without Chinese is never changed.
"""

from __future__ import annotations

import re

# Han (with extension A and the compatibility block), kana and bopomofo: the characters that
# take no space between them. CJK punctuation and full-width forms are not in it: they carry
# their own spacing ("（WD1024）", "：Alice").
HAN = "\u2e80-\u2fdf\u3040-\u30ff\u3100-\u312f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_HAN_LATIN = re.compile(f"([{HAN}])([A-Za-z])")
_LATIN_HAN = re.compile(f"([A-Za-z])([{HAN}])")


def space_latin(text: str) -> str:
    """One space wherever a Chinese character and a Latin letter touch."""
    return _LATIN_HAN.sub(r"\1 \2", _HAN_LATIN.sub(r"\1 \2", text))
