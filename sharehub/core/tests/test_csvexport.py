"""core.csvexport: the one CSV writer of the hub's downloads."""

from __future__ import annotations

import codecs
import csv
import io
import itertools

import pytest
from django.core.exceptions import ValidationError
from django.http import StreamingHttpResponse
from hypothesis import given
from hypothesis import strategies as st

from sharehub.core import csvexport

# Text a cell may hold: anything but lone surrogates, which no encoding writes.
cell_text = st.text(st.characters(exclude_categories=("Cs",)), max_size=30)


def read(data: bytes, encoding: str = "utf-8-sig") -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode(encoding), newline="")))


@pytest.mark.parametrize(
    "value,cell",
    [
        ('=HYPERLINK("http://x","y")', '\'=HYPERLINK("http://x","y")'),
        ("+82-2-120", "'+82-2-120"),
        ("-1+1", "'-1+1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("'=1", "''=1"),  # already quoted text keeps its quote
        ("서울 =1", "서울 =1"),
        ("'plain", "'plain"),
        ("", ""),
        (None, ""),
        (-0.5, "-0.5"),  # a number is a number
        (37, "37"),
    ],
)
def test_guard(value, cell):
    assert csvexport.guard(value) == cell


@given(cell_text)
def test_unguard_gives_back_what_guard_was_given(text):
    assert csvexport.unguard(csvexport.guard(text)) == text


@given(st.lists(st.lists(cell_text, min_size=1, max_size=4), min_size=1, max_size=5))
def test_round_trip_through_a_csv_reader(rows):
    data = b"".join(csvexport.csv_chunks(rows))
    assert data.startswith(codecs.BOM_UTF8)
    assert [[csvexport.unguard(cell) for cell in row] for row in read(data)] == rows


def test_cp949_has_no_bom_and_replaces_what_it_cannot_hold():
    rows = [["이름", "설명"], ["서초 공구도서관", "공구 🔧 대여"]]
    data = b"".join(csvexport.csv_chunks(rows, encoding=csvexport.CP949))
    assert not data.startswith(codecs.BOM_UTF8)
    assert read(data, "cp949") == [["이름", "설명"], ["서초 공구도서관", "공구 ? 대여"]]
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    with pytest.raises(ValueError):
        next(csvexport.csv_chunks(rows, encoding="latin-1"))


def test_chunks_are_streamed_not_built_whole():
    """An endless source still gives its first chunk: rows are read as the chunks are sent."""
    endless = ([str(n), "가" * 100] for n in itertools.count())
    chunks = csvexport.csv_chunks(endless)
    first, second = next(chunks), next(chunks)
    limit = csvexport.CHUNK_CHARS * 3 + 1000  # UTF-8 Hangul is 3 bytes a character
    assert 0 < len(first) <= limit and 0 < len(second) <= limit
    assert not second.startswith(codecs.BOM_UTF8)


@pytest.mark.parametrize(
    "asked,encoding",
    [
        ("", "utf-8"),
        ("UTF-8", "utf-8"),
        ("utf8", "utf-8"),
        ("cp949", "cp949"),
        ("EUC-KR", "cp949"),
        (" ms949 ", "cp949"),
    ],
)
def test_encoding_from(asked, encoding):
    assert csvexport.encoding_from({"encoding": asked}) == encoding


def test_unknown_encoding_is_a_field_error():
    assert csvexport.encoding_from({}) == csvexport.UTF8
    with pytest.raises(ValidationError) as error:
        csvexport.encoding_from({"encoding": "latin-1"})
    assert "cp949" in error.value.message_dict["encoding"][0]


def test_csv_response():
    response = csvexport.csv_response(
        iter([["a"], ["b"]]), filename="명단-2025.csv", encoding=csvexport.CP949
    )
    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Type"] == "text/csv; charset=euc-kr"
    assert response["Content-Disposition"].startswith("attachment; filename*=utf-8''")
    assert b"".join(response.streaming_content) == b"a\r\nb\r\n"
    response = csvexport.csv_response([["a"]], filename="list.csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="list.csv"'
    assert b"".join(response.streaming_content) == codecs.BOM_UTF8 + b"a\r\n"
