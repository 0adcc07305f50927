"""Charts written on the server: no script, no inline style (the CSP allows neither), only
presentation attributes and classes styled by static/reports/reports.css. Every chart has a
title and each bar its value in words, so the numbers are readable without colours and by
screen readers.

In a bar chart the label and the value are page text at the page's size, whatever the card's
width (an SVG drawing shrinks its text with the card: 9 px in a quarter-width card); only the
bar itself is drawn, stretched across the card. The days chart stays a drawing."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

WIDTH = 640  # columns chart (a full-width card)


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    text: str  # what is written after the bar (a count, a formatted duration)


def bars(title: str, data: Sequence[Bar], css: str = "") -> SafeString:
    """Horizontal bars scaled to the largest value: a list under the chart's title, each item
    its label and value on one line and the bar under them, so a long label wraps across the
    card's whole width. The bar is hidden from screen readers (the value says it)."""
    top = max((b.value for b in data), default=0) or 1
    parts = [f'<figure class="chart bars {escape(css)}"><figcaption class="visually-hidden">'
             f"{escape(title)}</figcaption><ul>"]
    if not data:
        parts.append('<li class="empty">—</li>')
    for b in data:
        share = round(100 * b.value / top, 1) if b.value > 0 else 0
        parts.append(
            f'<li><span class="label">{escape(b.label)}</span> '
            f'<span class="value">{escape(b.text)}</span>'
            f'<svg class="track" viewBox="0 0 100 10" preserveAspectRatio="none" '
            f'aria-hidden="true" focusable="false"><rect class="bar" width="{share}" height="10" '
            f'rx="1"/></svg></li>')
    parts.append("</ul></figure>")
    return mark_safe("".join(parts))  # noqa: S308 - every value above is escaped


def columns(title: str, data: Sequence[Bar]) -> SafeString:
    """Vertical columns (one per day), labels under them, values above."""
    height = 200
    base = height - 34
    n = max(1, len(data))
    slot = (WIDTH - 20) / n
    bar_w = max(2.0, min(40.0, slot * 0.7))
    top = max((b.value for b in data), default=0) or 1
    parts = [f'<svg class="chart columns" role="img" viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" '
             f'height="{height}" xmlns="http://www.w3.org/2000/svg">', f"<title>{escape(title)}</title>",
             f'<line class="axis" x1="10" y1="{base}" x2="{WIDTH - 10}" y2="{base}"/>']
    every = max(1, round(n / 10))  # at most about ten date labels
    for i, b in enumerate(data):
        x = round(10 + i * slot + (slot - bar_w) / 2, 1)
        h = round((base - 20) * b.value / top, 1) if b.value > 0 else 0
        cx = round(x + bar_w / 2, 1)
        parts.append(f'<rect class="bar" x="{x}" y="{round(base - h, 1)}" width="{round(bar_w, 1)}" '
                     f'height="{h}"><title>{escape(b.label)}: {escape(b.text)}</title></rect>')
        if b.value > 0:
            parts.append(f'<text class="value" x="{cx}" y="{round(base - h - 4, 1)}" '
                         f'text-anchor="middle">{escape(b.text)}</text>')
        if i % every == 0:
            parts.append(f'<text class="label" x="{cx}" y="{base + 16}" text-anchor="middle">'
                         f"{escape(b.label)}</text>")
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every value above is escaped
