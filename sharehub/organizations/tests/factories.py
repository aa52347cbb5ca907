from __future__ import annotations

import io

import factory
from PIL import Image

from sharehub.accounts.tests.factories import UserFactory
from sharehub.moderation.models import ModerationStatus
from sharehub.organizations.models import MemberRole, Membership, Organization, OrganizationKind


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    slug = factory.Sequence(lambda n: f"org-{n}")
    name_ko = factory.Sequence(lambda n: f"나눔협동조합 {n}")
    name_en = factory.Sequence(lambda n: f"Sharing Co-op {n}")
    kind = OrganizationKind.COOPERATIVE
    description_ko = "물건을 함께 나눠 씁니다."
    description_en = "We share things."
    moderation_status = ModerationStatus.PUBLISHED


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    organization = factory.SubFactory(OrganizationFactory)
    user = factory.SubFactory(UserFactory)
    role = MemberRole.EDITOR


def organization_owned_by(owner, **kwargs) -> Organization:
    organization = OrganizationFactory(**kwargs)
    MembershipFactory(organization=organization, user=owner, role=MemberRole.OWNER)
    return organization


def image_bytes(fmt: str = "PNG", size: tuple[int, int] = (1024, 800), mode: str = "RGB") -> bytes:
    """A real image made with Pillow."""
    buffer = io.BytesIO()
    Image.new(mode, size, (11, 110, 79) if mode == "RGB" else None).save(buffer, format=fmt)
    return buffer.getvalue()


def noisy_png(min_bytes: int) -> bytes:
    """A real PNG larger than `min_bytes` (random pixels do not compress)."""
    import os

    side = 1024
    while True:
        image = Image.frombytes("RGB", (side, side), os.urandom(side * side * 3))
        buffer = io.BytesIO()
        image.save(buffer, format="PNG")
        if buffer.tell() > min_bytes:
            return buffer.getvalue()
        side *= 2
