"""Hostile uploads (issue 19) at every place the hub takes a file: a GIF/JavaScript polyglot, an
HTML page named .jpg, an SVG with a script, a PDF with JavaScript, a decompression bomb, a file
over the limit, a name with a path in it and an empty file.

Each is refused with a field error in Korean and in English, or, where the type is accepted
(a PDF is a PDF, even with JavaScript in it), stored inert: under a random name, and served as
an attachment with its own type and `nosniff`. Images are re-encoded, so what is stored is
pixels only. Every FileField of the hub's models must be listed in CHECKS (a new one fails
`test_every_file_field_is_checked_here` until it is), each with the checking function its
app's service calls.
"""

from __future__ import annotations

import io
import struct
import zlib
from collections.abc import Callable
from typing import Any

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from django.utils import translation
from PIL import Image

from sharehub.core import ratelimit
from sharehub.core.images import prepare_image
from sharehub.core.uploads import check_document

pytestmark = pytest.mark.django_db

Checker = Callable[[Any, Any], Any]


def _designation(upload, actor):
    from sharehub.designation.documents import check_document as check

    return check(upload, actor=actor)[0]


def _material(upload, actor):
    from sharehub.events.materials import check_material

    return check_material(upload, actor=actor).file


def _attachment(upload, actor):
    from sharehub.participation.attachments import check_attachment

    return check_attachment(upload, actor=actor, field="file").file


def _logo(upload, actor):
    from sharehub.organizations.logos import prepare_logo

    return prepare_logo(upload, actor=actor)


def _opendata(upload, actor):
    from sharehub.opendata.services.datasets import check_file

    return check_file(upload, actor=actor)[0]


def _documents(module: str, extensions: str, max_bytes: str) -> Checker:
    """A programmes document: the shared check with the constants its service passes."""

    def check(upload, actor):
        from importlib import import_module

        source = import_module(module)
        return check_document(
            upload,
            actor=actor,
            extensions=getattr(source, extensions),
            max_bytes=getattr(source, max_bytes),
            wrong_type="wrong type",
            field="file",
        ).file

    return check


def _photo(module: str, max_bytes: str, side: int) -> Checker:
    """A photo: the shared pipeline with the limits its service passes."""

    def check(upload, actor):
        from importlib import import_module

        limit = getattr(import_module(module), max_bytes)
        return prepare_image(upload, actor=actor, field="file", max_bytes=limit, max_side=side)

    return check


# label → (checker, whether a PDF is accepted, whether it is an image only).
CHECKS: dict[str, tuple[Checker, bool, bool]] = {
    "organizations.Organization.logo": (_logo, False, True),
    "directory.ListingPhoto.image": (
        _photo("sharehub.directory.services", "PHOTO_MAX_BYTES", 1600),
        False,
        True,
    ),
    "facilities.SpacePhoto.image": (
        _photo("sharehub.facilities.services.spaces", "PHOTO_MAX_BYTES", 1600),
        False,
        True,
    ),
    "news.Article.cover_image": (
        _photo("sharehub.news.services", "COVER_MAX_BYTES", 1600),
        False,
        True,
    ),
    "designation.ApplicationDocument.file": (_designation, True, False),
    "designation.AnnualReport.document": (_designation, True, False),
    "participation.ProposalAttachment.file": (_attachment, True, False),
    "events.EventMaterial.file": (_material, True, False),
    "programmes.CallDocument.file": (
        _documents(
            "sharehub.programmes.services.calls", "DOCUMENT_EXTENSIONS", "DOCUMENT_MAX_BYTES"
        ),
        True,
        False,
    ),
    "programmes.ApplicationFile.file": (
        _documents("sharehub.programmes.services.reports", "FILE_EXTENSIONS", "MAX_FILE_BYTES"),
        True,
        False,
    ),
    "programmes.Report.file": (
        _documents("sharehub.programmes.services.reports", "FILE_EXTENSIONS", "MAX_FILE_BYTES"),
        True,
        False,
    ),
    "opendata.Resource.file": (_opendata, True, False),
    "opendata.ResourceVersion.file": (_opendata, True, False),
}


def test_every_file_field_is_checked_here():
    fields = {
        f"{model._meta.app_label}.{model.__name__}.{field.name}"
        for config in apps.get_app_configs()
        if config.name.startswith("sharehub.")
        for model in config.get_models()
        for field in model._meta.concrete_fields
        if isinstance(field, models.FileField)
    }
    assert fields == set(CHECKS), (
        "a file field without its hostile-upload checks (add it to CHECKS): "
        f"{sorted(fields ^ set(CHECKS))}"
    )


# --- the hostile files ---------------------------------------------------------------------

GIF_JS = b"GIF89a/*\x01\x00\x01\x00\x00\x00\x00;*/=1;window.__xss=1;//" + b"\x00" * 8
HTML = b"<!DOCTYPE html><html><body><script>window.__xss=1</script></body></html>"
SVG = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="window.__xss=1">'
    b"<script>window.__xss=1</script></svg>"
)
PDF_JS = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R/OpenAction<</S/JavaScript/JS(app.alert(1))>>"
    b">>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


def _png_bomb(side: int = 30_000) -> bytes:
    """A PNG that declares side × side pixels (900 million) in a few bytes."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", side, side, 8, 0, 0, 0, 0)
    pixels = zlib.compress(b"\x00" * (side + 1) * 8, 9)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(out, "PNG")
    return out.getvalue()


def _upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, "application/octet-stream")


def _oversized(name: str, content: bytes) -> SimpleUploadedFile:
    upload = _upload(name, content)
    upload.size = 60 * 1024 * 1024  # above every limit (the largest, open data's, is 50 MB)
    return upload


REFUSED_EVERYWHERE = {
    "gif-js polyglot": lambda: _upload("avatar.gif", GIF_JS),
    "gif-js polyglot as .jpg": lambda: _upload("avatar.jpg", GIF_JS),
    "html as .jpg": lambda: _upload("photo.jpg", HTML),
    "html as .png": lambda: _upload("photo.png", HTML),
    "svg with a script": lambda: _upload("drawing.svg", SVG),
    "svg as .png": lambda: _upload("drawing.png", SVG),
    "empty .png": lambda: _upload("empty.png", b""),
    "empty .pdf": lambda: _upload("empty.pdf", b""),
    "html as .pdf": lambda: _upload("report.pdf", HTML),
    "over the limit": lambda: _oversized("big.pdf", PDF_JS),
}


@pytest.fixture
def person(user, monkeypatch):
    # The upload budget (30 images, 60 documents an hour) is not what this file tests.
    monkeypatch.setitem(ratelimit.UPLOAD_RATES, "image", "1000/h")
    monkeypatch.setitem(ratelimit.UPLOAD_RATES, "document", "1000/h")
    return user


def _refusal(check: Checker, make: Callable[[], Any], actor, lang: str) -> ValidationError:
    with translation.override(lang), pytest.raises(ValidationError) as refused:
        check(make(), actor)
    return refused.value


def _is_korean(text: str) -> bool:
    return any("\uac00" <= char <= "\ud7a3" for char in text)


@pytest.mark.parametrize("label", sorted(CHECKS))
def test_hostile_files_are_refused_with_a_field_message_in_both_languages(label, person):
    check, _pdf, _image = CHECKS[label]
    for kind, make in REFUSED_EVERYWHERE.items():
        korean = _refusal(check, make, person, "ko")
        english = _refusal(check, make, person, "en")
        assert len(korean.error_dict) == 1, f"{label} {kind}: {korean}"
        [(field, _errors)] = korean.error_dict.items()
        assert field != "__all__", f"{label} {kind}: not a field error"
        korean_text = " ".join(korean.messages)
        english_text = " ".join(english.messages)
        if "wrong type" not in english_text:  # programmes' message is its service's own
            assert _is_korean(korean_text), f"{label} {kind}: {korean_text}"
            assert not _is_korean(english_text), f"{label} {kind}: {english_text}"


@pytest.mark.parametrize("label", sorted(CHECKS))
def test_what_is_accepted_is_stored_inert(label, person):
    check, takes_pdf, image_only = CHECKS[label]
    # A client's path never reaches the stored name.
    name = "../../../etc/passwd.pdf" if takes_pdf else "..\\..\\logo.png"
    content = PDF_JS if takes_pdf else _png()
    stored = check(_upload(name, content), person)
    stored_name = stored.name or ""
    assert "/" not in stored_name and "\\" not in stored_name and ".." not in stored_name
    assert "passwd" not in stored_name and "logo" not in stored_name
    if image_only:
        # The bomb is refused before decoding; an accepted image is pixels re-encoded.
        error = _refusal(check, lambda: _upload("bomb.png", _png_bomb()), person, "en")
        assert "dimensions" in " ".join(error.messages)
        polyglot_png = _png() + b"<script>window.__xss=1</script>"
        encoded = check(_upload("photo.png", polyglot_png), person)
        data = encoded.read() if hasattr(encoded, "read") else bytes(encoded)
        assert b"<script" not in data and data.startswith(b"\x89PNG")


def test_a_pdf_with_javascript_is_served_as_an_attachment(client, person):
    """The served side of "stored inert": its own type, an attachment, nosniff, no-store."""
    from sharehub.participation.services.attachments import change_attachments
    from sharehub.participation.tests.factories import ProposalFactory

    proposal = ProposalFactory(author=person)
    [attachment] = change_attachments(
        actor=person, proposal=proposal, uploads=[_upload("../../계획서.pdf", PDF_JS)]
    )
    assert attachment.title == "계획서.pdf"
    client.force_login(person)
    response = client.get(f"/ko/participate/files/{attachment.pk}/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]


def test_a_refused_file_leaves_nothing_behind(person, settings):
    """All or nothing: one hostile file among good ones adds no row and no file."""
    from pathlib import Path

    from sharehub.participation.models import ProposalAttachment
    from sharehub.participation.services.attachments import change_attachments
    from sharehub.participation.tests.factories import ProposalFactory

    proposal = ProposalFactory(author=person)
    before = {p for p in Path(settings.MEDIA_ROOT).parent.rglob("*") if p.is_file()}
    with translation.override("ko"), pytest.raises(ValidationError) as refused:
        change_attachments(
            actor=person,
            proposal=proposal,
            uploads=[_upload("plan.pdf", PDF_JS), _upload("photo.jpg", HTML)],
        )
    assert "attachments" in refused.value.error_dict
    assert _is_korean(" ".join(refused.value.messages))
    assert not ProposalAttachment.objects.exists()
    after = {p for p in Path(settings.MEDIA_ROOT).parent.rglob("*") if p.is_file()}
    assert after == before


def test_the_editor_image_endpoint_refuses_with_json(client, city_staff, monkeypatch):
    """The rich-text editor's upload (city staff write the news): 400 with the JSON error
    shape, the field named, in the page's language; nothing stored."""
    from django.core.files.storage import default_storage
    from django.urls import reverse

    monkeypatch.setitem(ratelimit.UPLOAD_RATES, "image", "1000/h")
    client.force_login(city_staff)
    for name, content in (
        ("x.jpg", HTML),
        ("x.svg", SVG),
        ("x.png", b""),
        ("b.png", _png_bomb()),
        ("g.gif", GIF_JS),
        ("big.png", _png() + b"\x00" * (6 * 1024 * 1024)),
    ):
        with translation.override("ko"):
            url = reverse("core:editor_image")
        response = client.post(url, {"image": _upload(name, content)}, HTTP_ACCEPT_LANGUAGE="ko")
        assert response.status_code == 400, (name, response.status_code)
        assert response["Content-Type"].startswith("application/json")
        assert _is_korean(" ".join(response.json()["errors"]["image"])), name
    assert not default_storage.exists("editor")


def test_csv_imports_refuse_binary_empty_and_oversized_files():
    """The two CSV imports (directory listings, official statistics) read the upload with
    `directory.imports.read_upload`: a polyglot, an image, an empty or oversized file is a field
    error in both languages, before any row is parsed."""
    from sharehub.directory.imports import read_upload
    from sharehub.opendata.services import statistics

    assert statistics.read_upload is read_upload  # the statistics import uses the same reader
    for kind, make in {
        "gif-js polyglot": lambda: _upload("rows.csv", GIF_JS),
        "png bomb": lambda: _upload("rows.csv", _png_bomb()),
        "empty": lambda: _upload("rows.csv", b""),
        "blank": lambda: _upload("rows.csv", b" \r\n"),
        "over the limit": lambda: _oversized("rows.csv", b"a,b\n"),
    }.items():
        for lang in ("ko", "en"):
            with translation.override(lang), pytest.raises(ValidationError) as refused:
                read_upload(make())
            assert set(refused.value.error_dict) == {"file"}, kind
            assert _is_korean(" ".join(refused.value.messages)) == (lang == "ko"), kind
