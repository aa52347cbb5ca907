"""The text of a PDF that reportlab wrote, without a PDF library: its content streams (ASCII85
and Flate) decoded, each string shown with `Tj` read with its font's encoding (UCS-2 for the
Korean CID fonts, Latin-1 for the standard ones)."""

from __future__ import annotations

import base64
import re
import zlib

CID_FONTS = ("HYSMyeongJo-Medium", "HYGothic-Medium")
STREAM = re.compile(rb"/Filter \[ /ASCII85Decode /FlateDecode \].*?stream\r?\n(.*?)endstream", re.S)
FONT_NAMES = re.compile(rb"/BaseFont /(\S+) .*?/Name /(F\d+)", re.S)
TOKENS = re.compile(rb"/(F\d+) [\d.]+ Tf|\(((?:\\.|[^\\)])*)\) Tj", re.S)
ESCAPES = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}


def _unescape(literal: bytes) -> bytes:
    out = bytearray()
    index = 0
    while index < len(literal):
        char = literal[index : index + 1]
        if char != b"\\":
            out += char
            index += 1
            continue
        following = literal[index + 1 : index + 2]
        octal = re.match(rb"[0-7]{1,3}", literal[index + 1 : index + 4])
        if octal:
            out.append(int(octal.group(), 8))
            index += 1 + len(octal.group())
        else:
            out += ESCAPES.get(following, following)
            index += 2
    return bytes(out)


def pdf_pages(pdf: bytes) -> list[str]:
    """One string per page: its text lines joined by newlines."""
    fonts = {}
    for match in FONT_NAMES.finditer(pdf):
        base, name = match.group(1).decode(), match.group(2).decode()
        fonts.setdefault(name, base)
    pages = []
    for stream in STREAM.finditer(pdf):
        data = stream.group(1).strip()
        data = data[:-2] if data.endswith(b"~>") else data
        content = zlib.decompress(base64.a85decode(data))
        font, lines = "", []
        for token in TOKENS.finditer(content):
            if token.group(1):
                font = fonts.get(token.group(1).decode(), "")
                continue
            raw = _unescape(token.group(2))
            lines.append(raw.decode("utf-16-be" if font in CID_FONTS else "latin-1"))
        if lines:
            pages.append("\n".join(lines))
    return pages
