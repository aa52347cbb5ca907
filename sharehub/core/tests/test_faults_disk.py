"""A full disk for uploads (issue 19, "Faults"): the private store's disk fills up in the middle of
writing a file (ENOSPC after some bytes, as a real disk does). The person is told in words on the
form, nothing half written stays (no partial file, no row pointing to a missing file), the
operator is alerted in the log, and once space is freed the same upload works."""

from __future__ import annotations

import errno
import io
import logging
import os
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from sharehub.accounts.tests.factories import UserFactory
from sharehub.core.uploads import private_storage
from sharehub.events.models import EventMaterial
from sharehub.events.tests.factories import EventFactory
from sharehub.organizations.models import MemberRole
from sharehub.organizations.tests.factories import MembershipFactory, OrganizationFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n" + b"1 0 obj<<>>endobj\n" * 4000 + b"trailer<<>>\n%%EOF\n"


class FullDisk:
    """A file on a disk with `room` bytes left: writes what fits, then ENOSPC."""

    def __init__(self, stream, room: int) -> None:
        self.stream = stream
        self.room = room

    def write(self, data: bytes) -> int:
        if len(data) > self.room:
            self.stream.write(data[: self.room])
            self.stream.flush()
            self.room = 0
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        self.room -= len(data)
        return self.stream.write(data)

    def __getattr__(self, name: str):
        return getattr(self.stream, name)


def _fill(monkeypatch, root: Path, room: int):
    """Files opened under `root` get a disk with `room` bytes left (Linux: the path of the
    descriptor is read in /proc)."""
    real = os.fdopen

    def fdopen(fd, *args, **kwargs):
        stream = real(fd, *args, **kwargs)
        if os.readlink(f"/proc/self/fd/{fd}").startswith(str(root)):
            return FullDisk(stream, room=room)
        return stream

    monkeypatch.setattr(os, "fdopen", fdopen)
    return monkeypatch


@pytest.fixture
def disk_full(monkeypatch):
    """The private store's disk, with 100 bytes left."""
    return _fill(monkeypatch, Path(private_storage().location), room=100)


def stored_files() -> list[Path]:
    root = Path(private_storage().location)
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


def test_a_full_disk_is_a_message_on_the_form_and_leaves_nothing_half_written(
    client, disk_full, caplog
):
    organization = OrganizationFactory()
    organizer = UserFactory()
    MembershipFactory(organization=organization, user=organizer, role=MemberRole.EDITOR)
    event = EventFactory(organization=organization)
    client.force_login(organizer)

    def upload():
        return client.post(
            reverse("events:material_add", args=[event.pk]),
            {
                "material-kind": "slides",
                "material-title": "발표 자료",
                "material-file": SimpleUploadedFile("slides.pdf", PDF),
            },
        )

    with caplog.at_level(logging.ERROR, logger="sharehub.core.uploads"):
        response = upload()
    assert response.status_code == 422
    form = response.context["material_form"]
    assert [error.code for error in form.errors.as_data()["__all__"]] == ["storage_full"]
    assert "저장 공간이 부족" in response.content.decode()
    assert not EventMaterial.objects.exists()
    assert stored_files() == []  # the 100 bytes written before the disk filled are gone
    assert "Storage full" in caplog.text

    disk_full.undo()  # space freed: the same upload goes through, whole
    response = upload()
    assert response.status_code == 302
    material = EventMaterial.objects.get()
    assert material.file.read() == PDF
    assert stored_files() == [Path(material.file.path)]


def test_other_disk_errors_still_leave_nothing_half_written(monkeypatch):
    """A failing disk (EIO) is no message for the person (a 500, logged as an error), but the
    file it left half written goes too."""
    storage = private_storage()
    real = os.fdopen

    class Broken(FullDisk):
        def write(self, data: bytes) -> int:
            self.stream.write(data[:10])
            self.stream.flush()
            raise OSError(errno.EIO, os.strerror(errno.EIO))

    monkeypatch.setattr(os, "fdopen", lambda fd, *a, **k: Broken(real(fd, *a, **k), room=0))
    with pytest.raises(OSError) as raised:
        storage.save("programmes/report.pdf", SimpleUploadedFile("report.pdf", PDF))
    assert raised.value.errno == errno.EIO
    monkeypatch.undo()
    assert stored_files() == []


def test_a_full_disk_for_public_uploads_is_said_on_the_field(client, monkeypatch, caplog):
    """The public uploads (here the editor's images, city staff writing the news) are on the same
    footing: the field says the storage is full, nothing half written stays, and once space is
    freed the same image is stored whole."""
    from django.conf import settings
    from django.core.files.storage import default_storage
    from PIL import Image

    from sharehub.accounts.tests.factories import give_totp

    media = Path(settings.MEDIA_ROOT).resolve()
    _fill(monkeypatch, media, room=10)
    client.force_login(give_totp(UserFactory(is_city_staff=True)))
    png = io.BytesIO()
    Image.new("RGB", (64, 64), (200, 30, 30)).save(png, "PNG")

    def upload():
        image = SimpleUploadedFile("photo.png", png.getvalue(), "image/png")
        return client.post(reverse("core:editor_image"), {"image": image})

    def editor_files() -> list[Path]:
        root = media / "editor"
        return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []

    with caplog.at_level(logging.ERROR, logger="sharehub.core.uploads"):
        response = upload()
    assert response.status_code == 400
    assert "저장 공간이 부족" in " ".join(response.json()["errors"]["image"])
    assert editor_files() == []
    assert "Storage full" in caplog.text

    monkeypatch.undo()
    response = upload()
    assert response.status_code == 201
    [stored] = editor_files()
    assert default_storage.url(str(stored.relative_to(media))) == response.json()["url"]
