"""Short ASCII addresses (core.slugs) and permanent redirects from the former ones (issue 12,
section 7)."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps
from django.urls import reverse

from sharehub.core.models import FormerSlug
from sharehub.core.slugs import remember_former_slug, romanize, short_slug


@pytest.mark.parametrize(
    ("korean", "roman"),
    [
        ("서울", "seoul"),
        ("공유도시", "gongyudosi"),
        ("열린옷장", "yeollinotjang"),  # ㄹㄹ is "ll"
        ("한국어", "hangugeo"),  # a final before a vowel is carried over
        ("좋아요", "joayo"),  # ㅎ before a vowel is silent
        ("아이들랏", "aideullat"),
        ("키플 Kiple", "kipeul Kiple"),  # other characters stay
    ],
)
def test_romanize(korean, roman):
    assert romanize(korean) == roman


def test_short_slug_prefers_english_then_korean_and_cuts_at_a_word():
    assert short_slug("Open Closet", "열린옷장") == "open-closet"
    assert short_slug("", "열린 옷장") == "yeollin-otjang"
    assert short_slug(None, "🙂") == ""
    long = short_slug(
        "",
        "동네 공구도서관 운영자 교육과 마을 공유공간 운영자 교육 그리고 더 많은 것",
        max_length=40,
    )
    assert len(long) <= 40 and long.isascii() and not long.endswith("-")
    assert long == "dongne-gonggudoseogwan-unyeongja"  # "-gyoyukgwa" would pass 40


@pytest.mark.django_db
def test_new_organizations_and_articles_get_ascii_addresses(user, city_staff):
    from sharehub.news import services as news
    from sharehub.organizations import services as organizations

    organization = organizations.create_organization(
        actor=user, name_ko="아이랑 놀기짱 공동체 나눔방", kind="community"
    )
    assert organization.slug == "airang-nolgijjang-gongdongche-nanumbang"
    article = news.create_article(
        actor=city_staff, title_ko="공유 도시 서울의 새로운 십 년을 여는 시민 토론회 개최 안내"
    )
    assert article.slug.isascii() and len(article.slug) <= 60


@pytest.mark.django_db
def test_former_addresses_redirect_permanently(client):
    from sharehub.directory.tests.factories import ListingFactory
    from sharehub.news.tests.factories import ArticleFactory

    listing = ListingFactory(organization__slug="aideullat")
    organization = listing.organization
    remember_former_slug(organization, "아이들랏")
    article = ArticleFactory(slug="gongyu-dosi")
    remember_former_slug(article, "공유-도시")

    response = client.get("/ko/organizations/아이들랏/")
    assert response.status_code == 301
    assert response["Location"] == reverse("organizations:detail", args=["aideullat"])
    response = client.get("/en/directory/%EC%95%84%EC%9D%B4%EB%93%A4%EB%9E%8F/?tab=services")
    assert response.status_code == 301
    assert response["Location"] == "/en/directory/aideullat/?tab=services"
    response = client.get("/ko/news/articles/공유-도시/")
    assert response.status_code == 301 and response["Location"] == article.get_absolute_url()
    assert client.get(response["Location"]).status_code == 200
    assert client.get("/ko/organizations/없는-주소/").status_code == 404


@pytest.mark.django_db
def test_a_former_address_of_a_hidden_organization_leads_to_nothing_public(client):
    from sharehub.moderation.models import ModerationStatus
    from sharehub.organizations.tests.factories import OrganizationFactory

    hidden = OrganizationFactory(slug="hidden-one", moderation_status=ModerationStatus.HIDDEN)
    remember_former_slug(hidden, "숨은-단체")
    response = client.get("/ko/organizations/숨은-단체/")
    assert response.status_code == 404 and "hidden-one" not in response.get("Location", "")


@pytest.mark.django_db
def test_the_migration_gives_hangul_addresses_an_ascii_one_and_keeps_the_old():
    from sharehub.organizations.tests.factories import OrganizationFactory

    korean = OrganizationFactory(slug="어픽스", name_en="", name_ko="어픽스")
    taken = OrganizationFactory(slug="maeul", name_en="", name_ko="마을")
    clash = OrganizationFactory(slug="마을", name_en="", name_ko="마을")
    english = OrganizationFactory(slug="open-closet")
    migration = importlib.import_module("sharehub.organizations.migrations.0004_short_slugs")
    migration.ascii_slugs(apps, None)
    for organization in (korean, taken, clash, english):
        organization.refresh_from_db()
    assert korean.slug == "eopikseu" and clash.slug == "maeul-2" and taken.slug == "maeul"
    assert english.slug == "open-closet"
    former = dict(FormerSlug.objects.values_list("slug", "object_id"))
    assert former == {"어픽스": korean.pk, "마을": clash.pk}
