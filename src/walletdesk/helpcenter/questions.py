"""The project's own help-search question set (``questions/*.txt``).

Two splits, kept apart:

- ``tuning.txt``: fusion weights and the "answered" threshold are chosen on it, and the search
  embeds its questions as example questions of their article (see :mod:`.dense`). Its zh-hant
  questions are generated from the zh-hans ones with the project's OpenCC helper.
- ``heldout.txt``: written before the hybrid search, never tuned on; ``bench_help`` and the
  quality tests report on it. It has hand-written zh-hant (Hong Kong) questions.

A line is ``lang|slug|question``; slug ``-`` marks an off-topic question that must be answered
"no article fits". Every question of the tuning split has a ``group`` (its zh-hans or English
original), so an evaluation on the tuning split can leave the question's own example out.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

QUESTIONS_DIR = Path(__file__).resolve().parent / "questions"
SPLITS = ("tuning", "heldout")


@dataclass(frozen=True)
class Question:
    lang: str
    slug: str | None
    text: str
    group: str
    generated: bool = False


def _parse(split: str) -> list[Question]:
    out: list[Question] = []
    path = QUESTIONS_DIR / f"{split}.txt"
    if not path.exists():  # an install without the data files: search works without examples
        return out
    for line in path.read_text("utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        lang, slug, text = (part.strip() for part in line.split("|", 2))
        out.append(Question(lang, None if slug == "-" else slug, text, f"{lang}:{text}"))
    return out


@lru_cache(maxsize=4)
def load(split: str) -> tuple[Question, ...]:
    if split not in SPLITS:
        raise ValueError(split)
    rows = _parse(split)
    if split == "tuning":
        from walletdesk.core import hant

        rows += [Question("zh-hant", q.slug, hant.convert(q.text), q.group, generated=True)
                 for q in list(rows) if q.lang == "zh-hans"]
    return tuple(rows)


OFF_TOPIC = ""  # the examples() key of the off-topic questions


def examples() -> dict[str, list[tuple[str, str]]]:
    """Slug -> [(question, group)]: the tuning split's zh-hans and English questions; the
    off-topic ones under :data:`OFF_TOPIC` (the search's "no article fits" examples)."""
    from walletdesk.core import hant

    out: dict[str, list[tuple[str, str]]] = {}
    for q in load("tuning"):
        if not q.generated:  # hand-written zh-hant is searched as zh-hans, so kept as zh-hans
            text = hant.to_hans(q.text) if q.lang == "zh-hant" else q.text
            out.setdefault(q.slug or OFF_TOPIC, []).append((text, q.group))
    return out
