"""Uploaded images are re-encoded before they are stored: EXIF (GPS) stripped, more than
40 megapixels refused, truncated or undecodable files refused (issue 15, finding 13)."""

from __future__ import annotations

import io
from typing import Any

import pytest
from PIL import Image

from walletdesk.support.errors import InvalidAttachment
from walletdesk.support.models import Attachment
from walletdesk.support.services import chat

pytestmark = [pytest.mark.django_db, pytest.mark.security]


def _jpeg_with_gps() -> bytes:
    img = Image.new("RGB", (64, 48), (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "SpyCam"  # Make
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2] = "N", (31.0, 13.0, 58.0)  # latitude
    out = io.BytesIO()
    img.save(out, "JPEG", exif=exif)
    return out.getvalue()


def test_exif_and_gps_are_stripped(open_chat: Any) -> None:
    opened = open_chat()
    raw = _jpeg_with_gps()
    assert b"SpyCam" in raw
    chat.post_image(opened.conversation, opened.conversation.customer, raw)
    att = Attachment.objects.get()
    stored = bytes(att.data)
    assert b"SpyCam" not in stored and b"Exif" not in stored
    with Image.open(io.BytesIO(stored)) as img:
        assert img.format == "JPEG" and img.size == (64, 48) and not img.getexif()
    assert att.content_type == "image/jpeg" and att.size == len(stored)


def _png(w: int, h: int) -> bytes:
    out = io.BytesIO()
    Image.new("1", (w, h)).save(out, "PNG")
    return out.getvalue()


@pytest.mark.parametrize("data", [
    _png(7000, 7000),  # 49 megapixels in a small file
    _png(200, 200)[:-40],  # truncated
    _jpeg_with_gps()[:400],  # truncated
    b"GIF89a not really",
    b"%PDF-1.7 a document",
])
def test_what_does_not_decode_or_is_too_big_is_refused(open_chat: Any, data: bytes) -> None:
    opened = open_chat()
    with pytest.raises(InvalidAttachment):
        chat.post_image(opened.conversation, opened.conversation.customer, data)
    assert not Attachment.objects.exists()
