"""Charts as SVG written on the server: no script, no inline style (the CSP allows
neither), only presentation attributes and classes styled by static/reports/reports.css.
Every chart has a <title> and each bar a text label, so the numbers are readable
without colours and by screen readers."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

WIDTH = 640  # columns chart (a full-width card)
BARS_WIDTH = 440  # bar charts sit in half-width cards: a narrower drawing keeps text legible
LABEL_W = 170
VALUE_W = 70
BAR_H = 20
GAP = 8


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    text: str  # what is written after the bar (a count, a formatted duration)


def _short(text: str, width_px: int) -> str:
    """Cut a label to about ``width_px`` at 12 px (a CJK character is about twice a Latin one)."""
    budget, out = width_px / 6.5, ""
    for ch in text:
        budget -= 2 if ord(ch) >= 0x2E80 else 1
        if budget < 1:
            return out + "…"
        out += ch
    return out


def bars(title: str, data: Sequence[Bar], css: str = "", *, width: int = BARS_WIDTH,
         label_w: int = LABEL_W, value_w: int = VALUE_W) -> SafeString:
    """Horizontal bars, one row per item, scaled to the largest value."""
    height = max(1, len(data)) * (BAR_H + GAP) + GAP
    top = max((b.value for b in data), default=0) or 1
    span = width - label_w - value_w
    parts = [f'<svg class="chart bars {escape(css)}" role="img" viewBox="0 0 {width} {height}" '
             f'width="{width}" height="{height}" xmlns="http://www.w3.org/2000/svg">',
             f"<title>{escape(title)}</title>"]
    if not data:
        parts.append(f'<text class="empty" x="{label_w}" y="{BAR_H}">—</text>')
    for i, b in enumerate(data):
        y = GAP + i * (BAR_H + GAP)
        w = round(span * b.value / top, 1) if b.value > 0 else 0
        mid = y + BAR_H * 0.7
        parts.append(f'<text class="label" x="{label_w - 8}" y="{mid}" text-anchor="end">'
                     f"{escape(_short(b.label, label_w - 12))}</text>")
        parts.append(f'<rect class="bar" x="{label_w}" y="{y}" width="{w}" height="{BAR_H}" rx="3">'
                     f"<title>{escape(b.label)}: {escape(b.text)}</title></rect>")
        parts.append(f'<text class="value" x="{label_w + w + 6}" y="{mid}">{escape(b.text)}</text>')
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
