"""The news' rich fields and pickers: every body field is cleaned on save, an image needs a text
alternative, the pickers' searches answer only writers, and the form works without JavaScript."""

from __future__ import annotations

import pytest
from django.urls import reverse

from sharehub.core.tests.test_editor import ACTIVE_CONTENT, HUB_IMAGE
from sharehub.directory.tests.factories import ListingFactory
from sharehub.moderation.models import ModerationStatus
from sharehub.news import services
from sharehub.news.models import Article, Page
from sharehub.organizations.tests.factories import OrganizationFactory
from sharehub.places.tests.factories import DistrictFactory

from .factories import PageFactory, TagFactory

pytestmark = pytest.mark.django_db


def _story(organization, **fields) -> dict:
    return {
        "kind": "story",
        "organization": organization.pk,
        "title_ko": "우리 이야기",
        "licence": "cc-by-4.0",
        **fields,
    }


@pytest.mark.parametrize("field", ["body_ko", "body_en"])
@pytest.mark.parametrize("dirty,forbidden", ACTIVE_CONTENT)
def test_article_bodies_are_cleaned_on_save(client, member, organization, field, dirty, forbidden):
    client.force_login(member)
    response = client.post(reverse("news:create"), _story(organization, **{field: dirty}))
    assert response.status_code == 302, response.context and response.context["form"].errors
    assert forbidden not in getattr(Article.objects.get(), field)


@pytest.mark.parametrize("field", ["body_ko", "body_en"])
@pytest.mark.parametrize("dirty,forbidden", ACTIVE_CONTENT)
def test_page_bodies_are_cleaned_on_save(client, city_staff, field, dirty, forbidden):
    page = PageFactory()
    client.force_login(city_staff)
    data = {
        "title_ko": page.title_ko,
        "title_en": page.title_en,
        "body_ko": page.body_ko,
        "body_en": page.body_en,
        "order": 1,
        field: dirty,
    }
    response = client.post(reverse("news:page_edit", args=[page.slug]), data)
    assert response.status_code == 302
    assert forbidden not in getattr(Page.objects.get(pk=page.pk), field)


@pytest.mark.parametrize("field", ["body_ko", "body_en"])
def test_an_image_without_alt_is_a_field_error(client, member, organization, field):
    client.force_login(member)
    response = client.post(
        reverse("news:create"), _story(organization, **{field: f'<p><img src="{HUB_IMAGE}"></p>'})
    )
    assert response.status_code == 400
    assert "대체 텍스트" in " ".join(response.context["form"].errors[field])
    assert not Article.objects.exists()


def test_an_image_from_elsewhere_is_a_field_error(client, member, organization):
    client.force_login(member)
    response = client.post(
        reverse("news:create"),
        _story(organization, body_ko='<img src="https://tracker.example/p.png" alt="x">'),
    )
    assert response.status_code == 400 and "body_ko" in response.context["form"].errors


def test_an_image_with_alt_is_kept(client, member, organization):
    client.force_login(member)
    body = f'<p>사진</p><p><img src="{HUB_IMAGE}" alt="초록 정장"></p>'
    response = client.post(reverse("news:create"), _story(organization, body_en=body))
    assert response.status_code == 302
    assert Article.objects.get().body_en == body


def test_page_image_without_alt_is_refused(client, city_staff):
    page = PageFactory()
    client.force_login(city_staff)
    response = client.post(
        reverse("news:page_edit", args=[page.slug]),
        {"title_ko": "x", "body_ko": f'<img src="{HUB_IMAGE}" alt="">', "order": 1},
    )
    assert response.status_code == 400 and "body_ko" in response.context["form"].errors
    assert Page.objects.get(pk=page.pk).body_ko == page.body_ko


def test_the_service_refuses_it_too(city_staff):
    with pytest.raises(Exception) as caught:
        services.create_article(actor=city_staff, title_ko="x", body_en=f'<img src="{HUB_IMAGE}">')
    assert "body_en" in caught.value.message_dict


def test_write_page_has_the_editor_and_the_pickers(client, member):
    client.force_login(member)
    html = client.get(reverse("news:create")).content.decode()
    assert html.count("data-rich-text") == 2 and "vendor/quill/quill.js" in html
    assert 'data-picker="tags"' in html and html.count('data-picker="select"') == 2
    assert "vendor/tom-select/tom-select.complete.min.js" in html


def test_form_without_javascript_posts_listings_districts_and_tags(client, member, organization):
    listings = [ListingFactory(), ListingFactory()]
    districts = [DistrictFactory(), DistrictFactory()]
    TagFactory(slug="sharing", name_ko="공유", name_en="Sharing")
    client.force_login(member)
    response = client.post(
        reverse("news:create"),
        _story(
            organization,
            body_ko="<p>본문</p>",
            tags="공유, 새 태그",
            listings=[listing.pk for listing in listings],
            districts=[district.pk for district in districts],
        ),
    )
    assert response.status_code == 302
    article = Article.objects.get()
    assert set(article.listings.all()) == set(listings)
    assert set(article.districts.all()) == set(districts)
    assert sorted(article.tags.values_list("name_ko", flat=True)) == ["공유", "새 태그"]


@pytest.mark.parametrize("name", ["news:listing_choices", "news:tag_choices"])
def test_picker_searches_answer_writers_only(client, user, member, name):
    assert client.get(reverse(name), {"q": "a"}).status_code == 302  # to the login page
    client.force_login(user)
    assert client.get(reverse(name), {"q": "a"}).status_code == 403
    client.force_login(member)
    assert client.get(reverse(name), {"q": "a"}).status_code == 200


def test_listing_search_finds_public_listings_by_either_name(
    client, member, django_assert_max_num_queries
):
    ListingFactory(organization=OrganizationFactory(name_ko="마포 공구도서관", name_en="Tools"))
    ListingFactory(
        organization=OrganizationFactory(
            name_ko="마포 비공개", moderation_status=ModerationStatus.PENDING
        )
    )
    for n in range(30):
        ListingFactory(organization=OrganizationFactory(name_ko=f"마포 나눔 {n}"))
    client.force_login(member)
    with django_assert_max_num_queries(8):
        found = client.get(reverse("news:listing_choices"), {"q": "마포"}).json()
    texts = [item["text"] for item in found]
    assert len(found) == 20 and "마포 비공개" not in texts
    tools = client.get(reverse("news:listing_choices"), {"q": "tool"}).json()
    assert [item["text"] for item in tools] == ["마포 공구도서관"]
    assert client.get(reverse("news:listing_choices"), {"q": " "}).json() == []


def test_tag_search_answers_names_the_form_takes(client, member):
    TagFactory(slug="sharing-economy", name_ko="공유경제", name_en="Sharing economy")
    client.force_login(member)
    found = client.get(reverse("news:tag_choices"), {"q": "#공유"}).json()
    assert found == [{"value": "공유경제", "text": "공유경제"}]
    assert client.get(reverse("news:tag_choices"), {"q": "economy"}).json() == found
