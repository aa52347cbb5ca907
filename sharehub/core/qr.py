"""QR codes as PNG images: what a check-in code (events, facilities) is shown and mailed as."""

from __future__ import annotations

import base64
import io

import qrcode


def qr_png(code: str) -> bytes:
    buffer = io.BytesIO()
    qrcode.make(code, box_size=8, border=2).save(buffer, format="PNG")
    return buffer.getvalue()


def qr_data_uri(code: str) -> str:
    """The PNG inline (`<img src=…>`), so a page shows it without a second, authorised request."""
    return "data:image/png;base64," + base64.b64encode(qr_png(code)).decode("ascii")
