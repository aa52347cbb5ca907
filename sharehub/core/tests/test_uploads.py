"""The shared upload pieces: per-person upload budgets (core.ratelimit.check_upload), the public
media route that never serves private folders (core.uploads.serve_public_media)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile

from sharehub.accounts.services import create_api_token
from sharehub.core import ratelimit
from sharehub.organizations import services as organization_services
from sharehub.organizations.tests.factories import image_bytes, organization_owned_by

pytestmark = pytest.mark.django_db


def logo() -> SimpleUploadedFile:
    return SimpleUploadedFile("logo.png", image_bytes("PNG", (16, 16)), "image/png")


def test_image_upload_budget_is_a_field_error_then_429_in_the_api(
    client, user, other_user, monkeypatch
):
    monkeypatch.setitem(ratelimit.UPLOAD_RATES, "image", "2/h")
    organization = organization_owned_by(user)
    for _ in range(2):
        organization_services.update_organization(
            actor=user, organization=organization, logo=logo()
        )
    with pytest.raises(ValidationError) as refused:
        organization_services.update_organization(
            actor=user, organization=organization, logo=logo()
        )
    assert refused.value.error_dict["logo"][0].code == "rate_limited"
    _token, secret = create_api_token(actor=user, name="test")
    response = client.post(
        f"/api/v1/organizations/{organization.slug}/logo",
        {"logo": logo()},
        headers={"Authorization": f"Bearer {secret}"},
    )
    assert response.status_code == 429
    assert response.json()["errors"]["logo"]
    # Budgets are per person.
    other = organization_owned_by(other_user)
    assert organization_services.update_organization(
        actor=other_user, organization=other, logo=logo()
    ).logo


def test_public_media_route_refuses_private_folders(client):
    default_storage.save("designation/1/old.pdf", ContentFile(b"%PDF-1.7\n"))
    default_storage.save("news/covers/cover.png", ContentFile(image_bytes("PNG", (4, 4))))
    assert client.get("/media/designation/1/old.pdf").status_code == 404
    assert client.get("/media/Designation/1/old.pdf").status_code == 404
    assert client.get("/media/news/../designation/1/old.pdf").status_code == 404
    assert client.get("/media/news/covers/cover.png").status_code == 200
