"""Uploaded images, re-encoded (chat uploads and email attachments share this).

An image is stored only as Pillow decodes and writes it again: metadata (EXIF with GPS
positions, comments, ICC text) is dropped, the orientation is applied to the pixels, the
format comes from the bytes (never the file name), and what does not decode completely —
including a truncated file — or is too large (bytes, sides, or pixels: 40 megapixels) is
refused with `ValueError`.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

MAX_PIXELS = 40_000_000
FORMATS = {"PNG": "image/png", "JPEG": "image/jpeg", "GIF": "image/png", "WEBP": "image/webp"}


@dataclass(frozen=True)
class Image:
    data: bytes
    content_type: str
    width: int
    height: int


def reencode(data: bytes, *, max_bytes: int, max_side: int) -> Image:
    """The image decoded in full and written again without metadata, or ValueError."""
    from PIL import Image as Pil
    from PIL import ImageOps, UnidentifiedImageError

    if not data or len(data) > max_bytes:
        raise ValueError("size")
    try:
        with Pil.open(io.BytesIO(data)) as img:
            fmt, (w, h) = img.format or "", img.size
            if fmt not in FORMATS or w > max_side or h > max_side or w * h > MAX_PIXELS:
                raise ValueError("format or dimensions")
            img.load()  # every pixel: a truncated file raises here
            pixels = ImageOps.exif_transpose(img) or img
            out = io.BytesIO()
            if fmt == "JPEG":
                pixels.convert("RGB").save(out, "JPEG", quality=90, optimize=True)
            elif fmt == "WEBP":
                pixels.save(out, "WEBP", quality=90)
            else:  # PNG, and the first frame of a GIF as PNG
                if pixels.mode not in ("1", "L", "LA", "P", "RGB", "RGBA"):
                    pixels = pixels.convert("RGBA")
                pixels.save(out, "PNG", optimize=False)
            w, h = pixels.size
    except (UnidentifiedImageError, OSError, SyntaxError, Pil.DecompressionBombError) as exc:
        raise ValueError("does not decode") from exc
    return Image(out.getvalue(), FORMATS[fmt], w, h)
