"""Charts as SVG written on the server: no script, no inline style (the CSP allows
neither), only presentation attributes and classes styled by static/reports/reports.css.
Every chart has a <title> and each bar a text label, so the numbers are readable
without colours and by screen readers."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

WIDTH = 640
LABEL_W = 190
VALUE_W = 80
BAR_H = 20
GAP = 8


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    text: str  # what is written after the bar (a count, a formatted duration)


def bars(title: str, data: Sequence[Bar], css: str = "") -> SafeString:
    """Horizontal bars, one row per item, scaled to the largest value."""
    height = max(1, len(data)) * (BAR_H + GAP) + GAP
    top = max((b.value for b in data), default=0) or 1
    span = WIDTH - LABEL_W - VALUE_W
    parts = [f'<svg class="chart bars {escape(css)}" role="img" viewBox="0 0 {WIDTH} {height}" '
             f'width="{WIDTH}" height="{height}" xmlns="http://www.w3.org/2000/svg">',
             f"<title>{escape(title)}</title>"]
    if not data:
        parts.append(f'<text class="empty" x="{LABEL_W}" y="{BAR_H}">—</text>')
    for i, b in enumerate(data):
        y = GAP + i * (BAR_H + GAP)
        w = round(span * b.value / top, 1) if b.value > 0 else 0
        mid = y + BAR_H * 0.7
        parts.append(f'<text class="label" x="{LABEL_W - 8}" y="{mid}" text-anchor="end">'
                     f"{escape(b.label[:28])}</text>")
        parts.append(f'<rect class="bar" x="{LABEL_W}" y="{y}" width="{w}" height="{BAR_H}" rx="3">'
                     f"<title>{escape(b.label)}: {escape(b.text)}</title></rect>")
        parts.append(f'<text class="value" x="{LABEL_W + w + 6}" y="{mid}">{escape(b.text)}</text>')
    parts.append("</svg>")
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
