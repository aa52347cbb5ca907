"""CSV downloads that open in Korean Excel: streamed, UTF-8 with a BOM or CP949, formula-guarded.

Every public CSV of the hub (the directory, the designation register, …) answers through
`csv_response`, so they all read the same way:

- UTF-8 with a byte order mark by default: lossless, and the BOM is what makes Excel (Korean
  Windows included) read it as UTF-8 instead of the system's CP949.
- `?encoding=cp949` for tools that read only the Korean Windows code page (older Excel, 한셀,
  some statistics packages). A character CP949 cannot hold (an emoji, rare hanja) becomes "?".
- Streamed in chunks of about CHUNK_CHARS characters, so memory stays flat whatever the row
  count: the caller passes an iterator (a queryset's `.iterator(chunk_size=…)`), never a list.
- A text cell starting with = + - @ (or a tab or carriage return) is prefixed with an apostrophe,
  so a spreadsheet shows it as text instead of running it as a formula (CSV injection, OWASP).
  `unguard` undoes it for an import that reads the hub's own exports.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.http import StreamingHttpResponse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

UTF8 = "utf-8"
CP949 = "cp949"
ENCODINGS = (UTF8, CP949)
# What `?encoding=` accepts for each (lower case): the names people and tools use for them.
ENCODING_ALIASES = {
    "": UTF8,
    "utf-8": UTF8,
    "utf8": UTF8,
    "utf-8-sig": UTF8,
    "cp949": CP949,
    "ms949": CP949,
    "euc-kr": CP949,
    "euckr": CP949,
    "uhc": CP949,
}
# The charset label of each in Content-Type: WHATWG's "euc-kr" is the CP949 decoder of browsers.
CHARSETS = {UTF8: "utf-8", CP949: "euc-kr"}
BOM = "\ufeff"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CHUNK_CHARS = 64 * 1024


def encoding_from(params: Mapping[str, Any], name: str = "encoding") -> str:
    """The encoding a query asks for (`?encoding=cp949`), UTF-8 when absent.

    An unknown name is a field error naming the accepted ones (a view answers it as a 422)."""
    asked = str(params.get(name, "") or "").strip().lower()
    if asked not in ENCODING_ALIASES:
        raise ValidationError(
            {name: [_("Choose utf-8 (the default) or cp949 (EUC-KR, for older Korean Excel).")]}
        )
    return ENCODING_ALIASES[asked]


def _runs_as_formula(text: str) -> bool:
    # Apostrophes are skipped, so that text already starting with "'=" is quoted once more and
    # `unguard` gives back exactly what `guard` was given.
    return text.lstrip("'")[:1] in FORMULA_STARTS


def guard(value: object) -> str:
    """The text of one cell: None is empty; text that a spreadsheet would run is quoted.

    Numbers are written as they are (a negative longitude stays a number); a Decimal in plain
    notation ("100", never "1E+2")."""
    if value is None:
        return ""
    if isinstance(value, str):
        return "'" + value if _runs_as_formula(value) else value
    if isinstance(value, Decimal) and value.is_finite():
        return format(value, "f")
    return str(value)


def unguard(value: str) -> str:
    """The inverse of `guard` for text, for an import reading the hub's own export."""
    if value[:1] == "'" and _runs_as_formula(value[1:]):
        return value[1:]
    return value


def csv_chunks(rows: Iterable[Sequence[object]], *, encoding: str = UTF8) -> Iterator[bytes]:
    """The encoded CSV of the rows (the first being the header), in chunks of ~CHUNK_CHARS."""
    if encoding not in ENCODINGS:
        raise ValueError(f"unknown CSV encoding {encoding!r}")
    buffer = io.StringIO()
    writer = csv.writer(buffer)  # "\r\n" line ends: RFC 4180, and what Excel writes
    if encoding == UTF8:
        buffer.write(BOM)
    for row in rows:
        writer.writerow([guard(value) for value in row])
        if buffer.tell() >= CHUNK_CHARS:
            yield buffer.getvalue().encode(encoding, errors="replace")
            buffer.seek(0)
            buffer.truncate()
    if buffer.tell():
        yield buffer.getvalue().encode(encoding, errors="replace")


def csv_response(
    rows: Iterable[Sequence[object]], *, filename: str, encoding: str = UTF8
) -> StreamingHttpResponse:
    """A streamed CSV download of the rows (header first), as an attachment named `filename`.

    The rows are read while the response is sent, after the view has returned: pass a lazy
    iterator, and nothing that needs the view's transaction."""
    response = StreamingHttpResponse(
        csv_chunks(rows, encoding=encoding),
        content_type=f"text/csv; charset={CHARSETS[encoding]}",
    )
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response
