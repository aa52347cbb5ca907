from __future__ import annotations

import factory

from sharehub.directory.models import Category, Listing, ListingAddress, PriceType, Service
from sharehub.organizations.tests.factories import OrganizationFactory


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category

    slug = factory.Sequence(lambda n: f"cat-{n}")
    name_ko = factory.Sequence(lambda n: f"분류 {n}")
    name_en = factory.Sequence(lambda n: f"Category {n}")


class ListingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Listing

    organization = factory.SubFactory(OrganizationFactory)
    summary_ko = "함께 나눠 쓰는 공간"
    summary_en = "A space we share"


class AddressFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ListingAddress

    listing = factory.SubFactory(ListingFactory)
    address = "서울특별시 중구 세종대로 110"
    latitude = 37.5665
    longitude = 126.978


class ServiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Service

    listing = factory.SubFactory(ListingFactory)
    name_ko = "공구 대여"
    name_en = "Tool lending"
    price_type = PriceType.FREE
