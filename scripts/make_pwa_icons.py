"""Draw the app's icons (a white wallet on the brand colour) with Pillow.

    python scripts/make_pwa_icons.py   # writes src/walletdesk/web/static/web/pwa/icon-*.png

"any" icons have rounded corners and a margin; "maskable" ones fill the square and keep
the wallet inside the central 80% safe zone, so any mask shape the phone uses keeps it whole.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

BRAND = (31, 94, 204)  # #1f5ecc
WHITE = (255, 255, 255)
OUT = Path(__file__).resolve().parents[1] / "src" / "walletdesk" / "web" / "static" / "web" / "pwa"


def wallet(draw: ImageDraw.ImageDraw, size: int, scale: float) -> None:
    """The wallet glyph centred, its width ``scale`` of the icon."""
    w = size * scale
    h = w * 0.72
    x0, y0 = (size - w) / 2, (size - h) / 2 + size * 0.02
    r = w * 0.12
    draw.rounded_rectangle((x0, y0, x0 + w, y0 + h), radius=r, fill=WHITE)
    # the flap across the top
    draw.rounded_rectangle((x0 + w * 0.08, y0 - h * 0.16, x0 + w * 0.78, y0 + h * 0.12),
                           radius=r * 0.6, fill=WHITE)
    draw.line((x0, y0 + h * 0.18, x0 + w, y0 + h * 0.18), fill=BRAND, width=max(2, int(size * 0.012)))
    # the clasp
    cx0, cy0 = x0 + w * 0.62, y0 + h * 0.38
    draw.rounded_rectangle((cx0, cy0, x0 + w * 1.0, cy0 + h * 0.3), radius=r * 0.5, fill=BRAND)
    d = h * 0.12
    cx, cy = cx0 + w * 0.12, cy0 + h * 0.15
    draw.ellipse((cx - d / 2, cy - d / 2, cx + d / 2, cy + d / 2), fill=WHITE)


def icon(size: int, maskable: bool) -> Image.Image:
    img = Image.new("RGBA", (size, size), (*BRAND, 255) if maskable else (0, 0, 0, 0))
    draw = ImageDraw.Draw(img)
    if not maskable:
        draw.rounded_rectangle((0, 0, size - 1, size - 1), radius=int(size * 0.2), fill=BRAND)
    wallet(draw, size, 0.5 if maskable else 0.62)
    return img


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for size in (192, 512):
        icon(size, False).save(OUT / f"icon-{size}.png", optimize=True)
        icon(size, True).save(OUT / f"icon-maskable-{size}.png", optimize=True)
    icon(180, True).convert("RGB").save(OUT / "apple-touch-icon.png", optimize=True)


if __name__ == "__main__":
    main()
