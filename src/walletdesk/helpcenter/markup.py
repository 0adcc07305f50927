"""A tiny, safe markup for help articles (a subset of Markdown).

Paragraphs, ``## headings``, ``- `` and ``1. `` lists (with indented sub-items),
``| tables |``, ``**bold**`` and ``[links](/path/)``. Everything is escaped
first; links may only point inside the site (``/...``).
"""

from __future__ import annotations

import re

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

# A path on this site: one slash, then not a second slash or a backslash ("//host" and
# "/\\host" are other sites to a browser); no scheme can match.
_LINK = re.compile(r"\[([^\]]+)\]\((/(?![/\\])[^)\s]*)\)")
_BOLD = re.compile(r"\*\*(.+?)\*\*")
_ITEM = re.compile(r"^(\s*)(?:[-*]|(\d+)\.)\s+(.*)$")


def inline(text: str) -> str:
    out = str(escape(text))
    out = _LINK.sub(lambda m: f'<a href="{m.group(2)}">{m.group(1)}</a>', out)
    return _BOLD.sub(r"<strong>\1</strong>", out)


def plain(text: str) -> str:
    """The text without markup (for search and snippets)."""
    text = _LINK.sub(r"\1", text)
    text = text.replace("**", "")
    return re.sub(r"^\s*(?:#+|[-*]|\d+\.|\|)\s*|\s*\|\s*", " ", text, flags=re.M)


def _cell(text: str, label: str) -> str:
    named = f' data-label="{escape(label)}"' if label else ""
    return f"<td{named}>{inline(text)}</td>"


def _table(rows: list[str]) -> str:
    """A row table that stacks on a phone (the design system's ``table.stack``): the first
    cell names the row, every other cell repeats its column's header as ``data-label``."""
    cells = [[c.strip() for c in r.strip().strip("|").split("|")] for r in rows]
    body = [r for r in cells[1:] if not all(set(c) <= set("-: ") for c in r)]
    head = "".join(f"<th>{inline(c)}</th>" for c in cells[0])
    labels = ["", *(plain(c).strip() for c in cells[0][1:])]
    trs = "".join("<tr>" + "".join(_cell(c, labels[i] if i < len(labels) else "")
                                   for i, c in enumerate(r)) + "</tr>" for r in body)
    return f'<table class="stack"><thead><tr>{head}</tr></thead><tbody>{trs}</tbody></table>'


def _list(lines: list[str]) -> str:
    html: list[str] = []
    stack: list[tuple[int, str]] = []  # (indent, tag) of the open lists
    for line in lines:
        m = _ITEM.match(line)
        if not m:
            html.append(" " + inline(line.strip()))
            continue
        indent, tag = len(m.group(1)), "ol" if m.group(2) else "ul"
        if not stack or indent > stack[-1][0]:
            html.append(f"<{tag}><li>")
            stack.append((indent, tag))
        else:
            while len(stack) > 1 and indent < stack[-1][0]:
                html.append(f"</li></{stack.pop()[1]}>")
            html.append("</li><li>")
        html.append(inline(m.group(3)))
    while stack:
        html.append(f"</li></{stack.pop()[1]}>")
    return "".join(html)


def render(text: str) -> SafeString:
    blocks: list[str] = []
    for chunk in re.split(r"\n\s*\n", text.strip()):
        lines = chunk.splitlines()
        if not lines:
            continue
        if lines[0].startswith("## "):
            blocks.append(f"<h2>{inline(lines[0][3:])}</h2>")
            lines = lines[1:]
            if not lines:
                continue
        if all(line.strip().startswith("|") for line in lines):
            blocks.append(_table(lines))
        elif _ITEM.match(lines[0]):
            blocks.append(_list(lines))
        else:
            blocks.append("<p>" + "<br>".join(inline(line) for line in lines) + "</p>")
    return mark_safe("\n".join(blocks))  # noqa: S308 - every piece is escaped above
