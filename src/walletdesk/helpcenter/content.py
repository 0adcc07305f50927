"""The packaged help content: ``content/<slug>.md`` files with a small front matter.

Format::

    ---
    slug: forgot-password
    category: account
    title_zh: ...
    ---
    ::: zh-hans
    Chinese body (markup of :mod:`.markup`)
    ::: en
    English body

``content/_categories.md`` lists categories as ``slug: 中文 | English | position``.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

CONTENT_DIR = Path(__file__).resolve().parent / "content"


@dataclass(frozen=True)
class CategoryFile:
    slug: str
    name_zh: str
    name_en: str
    position: int


@dataclass(frozen=True)
class ArticleFile:
    slug: str
    category: str
    position: int
    fields: dict[str, str] = field(hash=False)
    digest: str = ""


def _front_matter(text: str) -> tuple[dict[str, str], str]:
    if not text.startswith("---\n"):
        raise ValueError("content file without front matter")
    head, _, rest = text[4:].partition("\n---\n")
    meta = {}
    for line in head.splitlines():
        if line.strip():
            key, _, value = line.partition(":")
            meta[key.strip()] = value.strip()
    return meta, rest


def _bodies(rest: str) -> dict[str, str]:
    out: dict[str, str] = {}
    current = None
    lines: list[str] = []
    for line in rest.splitlines():
        if line.startswith("::: "):
            if current:
                out[current] = "\n".join(lines).strip()
            current, lines = line[4:].strip(), []
        else:
            lines.append(line)
    if current:
        out[current] = "\n".join(lines).strip()
    return out


def categories() -> list[CategoryFile]:
    meta, _ = _front_matter((CONTENT_DIR / "_categories.md").read_text("utf-8"))
    out = []
    for slug, value in meta.items():
        zh, en, pos = (p.strip() for p in value.split("|"))
        out.append(CategoryFile(slug, zh, en, int(pos)))
    return out


def parse_article(text: str) -> ArticleFile:
    meta, rest = _front_matter(text)
    bodies = _bodies(rest)
    fields = {
        "title_zh": meta["title_zh"], "title_en": meta["title_en"],
        "summary_zh": meta.get("summary_zh", ""), "summary_en": meta.get("summary_en", ""),
        "keywords_zh": meta.get("keywords_zh", ""), "keywords_en": meta.get("keywords_en", ""),
        "body_zh": bodies["zh-hans"], "body_en": bodies["en"],
    }
    digest = hashlib.sha256(text.encode()).hexdigest()
    return ArticleFile(meta["slug"], meta["category"], int(meta.get("position", 0)), fields,
                       digest)


def articles() -> list[ArticleFile]:
    return [parse_article(p.read_text("utf-8")) for p in sorted(CONTENT_DIR.glob("*.md"))
            if not p.name.startswith("_")]
