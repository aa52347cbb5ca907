"""Event materials: checked uploads, random names, private storage, the page's rule on download."""

from __future__ import annotations

import importlib
import io
import zipfile
from datetime import timedelta

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from sharehub.accounts.tests.factories import UserFactory
from sharehub.core import ratelimit
from sharehub.events import services
from sharehub.events.models import EventMaterial, EventStatus
from sharehub.organizations.models import MemberRole
from sharehub.organizations.tests.factories import MembershipFactory, image_bytes

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def pptx_bytes(main_part: str = "ppt/presentation.xml") -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(main_part, "<presentation/>")
    return buffer.getvalue()


def add(organizer, event, name: str, content: bytes) -> EventMaterial:
    return services.add_material(
        actor=organizer,
        event=event,
        kind="slides",
        title="발표 자료",
        file=SimpleUploadedFile(name, content),
    )


def refusal(organizer, event, name: str, content: bytes) -> str:
    before = EventMaterial.objects.count()
    with pytest.raises(ValidationError) as refused:
        add(organizer, event, name, content)
    assert EventMaterial.objects.count() == before
    return refused.value.error_dict["file"][0].code


def post_material(client, event, name: str, content: bytes):
    return client.post(
        reverse("events:material_add", args=[event.pk]),
        {
            "material-kind": "slides",
            "material-title": "발표 자료",
            "material-file": SimpleUploadedFile(name, content),
        },
    )


def test_wrong_magic_bytes_is_a_field_error(client, organizer, event):
    client.force_login(organizer)
    response = post_material(client, event, "slides.pdf", b"<html><script>alert(1)</script></html>")
    assert response.status_code == 422
    assert response.context["material_form"].errors["file"]
    assert not EventMaterial.objects.exists()
    # a PNG renamed .pptx, an executable: refused too
    assert (
        refusal(organizer, event, "slides.pptx", image_bytes("PNG", (8, 8))) == "content_mismatch"
    )
    assert refusal(organizer, event, "run.exe", b"MZ\x90\x00") == "wrong_type"


def test_office_file_that_is_not_a_valid_zip_is_refused(organizer, event):
    assert (
        refusal(organizer, event, "slides.pptx", b"PK\x03\x04" + b"\0" * 200) == "content_mismatch"
    )
    # a real zip without the presentation's main part is not a PPTX either
    assert refusal(organizer, event, "slides.pptx", pptx_bytes("evil.txt")) == "content_mismatch"
    assert refusal(organizer, event, "minutes.docx", pptx_bytes()) == "content_mismatch"


def test_stored_under_a_random_name_in_private_storage(organizer, event, settings):
    material = add(organizer, event, "../비밀 secret-plan.pptx", pptx_bytes())
    assert material.original_name == "비밀 secret-plan.pptx"
    assert "secret" not in material.file.name and material.file.name.startswith(
        f"events/materials/{event.pk}/"
    )
    assert material.file.name.endswith(".pptx")
    assert str(settings.MEDIA_ROOT) not in material.file.path
    assert material.file.storage.base_url is None
    assert material.url == reverse("events:material_download", args=[event.pk, material.pk])


def test_photos_are_re_encoded(organizer, event):
    source = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 10, 10)).save(source, format="JPEG", comment=b"hidden payload")
    material = add(organizer, event, "단체 사진.jpeg", source.getvalue())
    assert material.content_type == "image/jpeg" and material.original_name == "단체 사진.jpg"
    with material.file.open("rb") as stored:
        data = stored.read()
    assert b"hidden payload" not in data and data != source.getvalue()
    assert refusal(organizer, event, "photo.png", b"not a picture") == "not_an_image"


def test_download_follows_the_event_page(client, organizer, event):
    material = add(organizer, event, "slides.pdf", PDF)
    url = material.url
    # The event has not ended: the page does not show materials, so nobody else gets the file.
    assert client.get(url).status_code == 404
    client.force_login(UserFactory())
    assert client.get(url).status_code == 404
    client.force_login(organizer)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert "slides.pdf" in response["Content-Disposition"]
    assert "no-store" in response["Cache-Control"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == PDF
    # Once the event has ended, the page shows it to everyone, and so does the download.
    event.starts_at = timezone.now() - timedelta(hours=3)
    event.ends_at = timezone.now() - timedelta(hours=1)
    event.save()
    client.logout()
    page = client.get(event.get_absolute_url())
    assert url in page.content.decode()
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment")
    # A draft is nobody's but the organizer's, ended or not.
    event.status = EventStatus.DRAFT
    event.save()
    assert client.get(url).status_code == 404
    client.force_login(organizer)
    assert "no-store" in client.get(url)["Cache-Control"]


def test_old_media_url_does_not_serve_materials(client, organizer, event, settings):
    material = add(organizer, event, "slides.pdf", PDF)
    assert client.get(f"/media/{material.file.name}").status_code == 404
    # Even a copy left in the public media (a restored backup) is not served there.
    default_storage.save("events/materials/old-slides.pdf", ContentFile(PDF))
    default_storage.save("organizations/logos/logo.png", ContentFile(image_bytes("PNG", (4, 4))))
    assert client.get("/media/events/materials/old-slides.pdf").status_code == 404
    assert client.get("/media/events/./materials//old-slides.pdf").status_code == 404
    assert client.get("/media/organizations/logos/logo.png").status_code == 200


def test_upload_rate_limit_is_a_field_error(client, organizer, organization, event, monkeypatch):
    monkeypatch.setitem(ratelimit.UPLOAD_RATES, "document", "2/h")
    client.force_login(organizer)
    for _ in range(2):
        assert post_material(client, event, "slides.pdf", PDF).status_code == 302
    response = post_material(client, event, "slides.pdf", PDF)
    assert response.status_code == 422
    assert "너무 많이" in " ".join(response.context["material_form"].errors["file"])
    assert EventMaterial.objects.count() == 2
    # the budget is the person's: another organizer of the event still uploads
    colleague = MembershipFactory(organization=organization, role=MemberRole.EDITOR).user
    assert add(colleague, event, "slides.pdf", PDF).file


def test_removing_a_material_deletes_its_file(organizer, event, django_capture_on_commit_callbacks):
    material = add(organizer, event, "slides.pdf", PDF)
    storage, name = material.file.storage, material.file.name
    with django_capture_on_commit_callbacks(execute=True):
        services.delete_material(actor=organizer, material=material)
    assert not storage.exists(name)


def test_existing_public_files_move_to_private_storage(organizer, event):
    default_storage.save("events/materials/발표 slides.pdf", ContentFile(PDF))
    EventMaterial.objects.create(event=event, title="old", file="events/materials/발표 slides.pdf")
    migration = importlib.import_module("sharehub.events.migrations.0003_move_material_files")
    migration.move_to_private_storage(apps, None)
    migration.move_to_private_storage(apps, None)  # safe to run twice
    material = EventMaterial.objects.get()
    assert (
        material.original_name == "발표 slides.pdf" and material.content_type == "application/pdf"
    )
    assert (
        material.file.name.startswith(f"events/materials/{event.pk}/")
        and "slides" not in material.file.name
    )
    assert material.file.storage.exists(material.file.name)
    assert not default_storage.exists("events/materials/발표 slides.pdf")
