"""Being found and shared: Open Graph tags on each kind of page, sitemap.xml of the public pages
with hreflang alternates, robots.txt, the favicon (issue 12, section 7); and "my subscriptions"."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from sharehub.directory.tests.factories import ListingFactory
from sharehub.events.models import EventStatus
from sharehub.events.tests.factories import EventFactory
from sharehub.moderation.models import ModerationStatus
from sharehub.news.models import ArticleStatus
from sharehub.news.tests.factories import ArticleFactory, PageFactory
from sharehub.newsletters.tests.factories import SubscriberFactory, TopicFactory
from sharehub.organizations.tests.factories import OrganizationFactory
from sharehub.places.tests.factories import DistrictFactory

pytestmark = pytest.mark.django_db
NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}


def meta(page: str) -> dict[str, list[str]]:
    """property/name → contents of the page's <meta> tags."""
    tags: dict[str, list[str]] = {}
    for key, content in re.findall(r'<meta (?:property|name)="([^"]+)" content="([^"]*)"', page):
        tags.setdefault(key, []).append(content)
    return tags


def test_open_graph_on_a_listing_an_event_an_article_and_a_page(client):
    listing = ListingFactory(
        organization__slug="kiple",
        organization__name_ko="키플",
        organization__name_en="Kiple",
        summary_ko="아이 옷을 물려 입는 공유 서비스",
        summary_en="Children's clothes passed on",
    )
    event = EventFactory(
        title_ko="아이 옷 나눔 장터", summary_ko="작아진 옷을 나눕니다.", venue_ko="노원구 공유센터"
    )
    article = ArticleFactory(
        slug="kiple-story", title_ko="키플 이야기", summary_ko="옷을 나누는 가족들"
    )
    page = PageFactory(
        slug="about",
        title_ko="공유도시 서울",
        title_en="Sharing City Seoul",
        summary_en="How Seoul shares.",
    )
    cases = [
        (
            "ko",
            reverse("directory:detail", args=[listing.organization.slug]),
            "키플",
            "아이 옷을 물려 입는",
            "website",
        ),
        (
            "en",
            reverse("directory:detail", args=[listing.organization.slug]),
            "Kiple",
            "Children&#x27;s clothes passed on",
            "website",
        ),
        (
            "ko",
            event.get_absolute_url(),
            "아이 옷 나눔 장터",
            "노원구 공유센터 · 작아진 옷을 나눕니다.",
            "article",
        ),
        ("ko", article.get_absolute_url(), "키플 이야기", "옷을 나누는 가족들", "article"),
        ("en", page.get_absolute_url(), "Sharing City Seoul", "How Seoul shares.", "article"),
    ]
    for language, path, title, description, kind in cases:
        path = path.replace("/ko/", f"/{language}/", 1)
        tags = meta(client.get(path).content.decode())
        assert tags["og:title"] == [title], path
        assert description in tags["og:description"][0], (path, tags["og:description"])
        assert tags["og:type"] == [kind]
        assert tags["og:url"] == [f"http://testserver{path}"]
        assert tags["og:image"] == ["http://testserver/static/core/img/og-default.png"]
        assert tags["og:image:width"] == ["1200"] and tags["og:image:height"] == ["630"]
        other = "en_US" if language == "ko" else "ko_KR"
        assert tags["og:locale"] == [{"ko": "ko_KR", "en": "en_US"}[language]]
        assert tags["og:locale:alternate"] == [other]
        assert tags["twitter:card"] == ["summary_large_image"]
    assert client.get("/static/core/img/og-default.png").status_code == 200


def test_open_graph_defaults_on_other_pages(client):
    tags = meta(client.get("/en/events/").content.decode())
    assert tags["og:title"] == ["ShareHub"] and tags["og:site_name"] == ["ShareHub"]
    assert tags["og:url"] == ["http://testserver/en/events/"]
    assert tags["og:locale"] == ["en_US"] and tags["og:type"] == ["website"]


def test_an_article_cover_is_its_preview_image(client):
    from django.core.files.base import ContentFile

    from sharehub.organizations.tests.factories import image_bytes

    article = ArticleFactory(slug="with-cover", cover_alt_ko="나눔 장터 사진")
    article.cover_image.save("cover.png", ContentFile(image_bytes(size=(120, 80))), save=True)
    tags = meta(client.get(article.get_absolute_url()).content.decode())
    assert tags["og:image"][0].startswith("http://testserver/media/news/covers/")
    assert tags["og:image:alt"] == ["나눔 장터 사진"] and "og:image:width" not in tags


def sitemap_urls(client) -> dict[str, dict[str, str]]:
    """loc → {hreflang: href} over every section the index lists."""
    index = client.get("/sitemap.xml")
    assert index.status_code == 200 and index["Content-Type"].startswith("application/xml")
    urls: dict[str, dict[str, str]] = {}
    for loc in ET.fromstring(index.content).findall("s:sitemap/s:loc", NS):
        section = client.get(loc.text.replace("http://testserver", ""))
        assert section.status_code == 200
        for url in ET.fromstring(section.content).findall("s:url", NS):
            links = url.findall("x:link", NS)
            urls[url.find("s:loc", NS).text] = {
                link.get("hreflang"): link.get("href") for link in links
            }
    return urls


def test_sitemap_lists_public_pages_only_in_both_languages(client):
    now = timezone.now()
    public_org = OrganizationFactory(slug="open-closet")
    OrganizationFactory(slug="pending-org", moderation_status=ModerationStatus.PENDING)
    hidden_org = OrganizationFactory(slug="hidden-org", moderation_status=ModerationStatus.HIDDEN)
    ListingFactory(organization=public_org)
    ListingFactory(organization=hidden_org)
    event = EventFactory()
    draft_event = EventFactory(status=EventStatus.DRAFT)
    cancelled = EventFactory(status=EventStatus.CANCELLED)
    hidden_org_event = EventFactory(organization=hidden_org)
    article = ArticleFactory(slug="public-article")
    ArticleFactory(slug="draft-article", status=ArticleStatus.DRAFT)
    ArticleFactory(slug="future-article", publish_at=now + timedelta(days=1))
    ArticleFactory(slug="hidden-article", moderation_status=ModerationStatus.HIDDEN)
    PageFactory(slug="sharing-city")
    DistrictFactory(slug="mapo-gu")

    urls = sitemap_urls(client)
    site = "http://testserver"
    expected = [
        "/", "/directory/", "/events/",
        "/organizations/open-closet/", "/directory/open-closet/",
        f"/events/{event.pk}/", "/news/articles/public-article/",
        "/news/pages/sharing-city/", "/districts/mapo-gu/",
    ]  # fmt: skip
    for path in expected:
        for language in ("ko", "en"):
            assert f"{site}/{language}{path}" in urls, path
        alternates = urls[f"{site}/ko{path}"]
        assert alternates == {
            "ko": f"{site}/ko{path}",
            "en": f"{site}/en{path}",
            "x-default": f"{site}{path}",
        }
    listed = "\n".join(urls)
    for secret in [
        "pending-org", "hidden-org", f"/events/{draft_event.pk}/", f"/events/{cancelled.pk}/",
        f"/events/{hidden_org_event.pk}/", "draft-article", "future-article", "hidden-article",
        "/me/", "/accounts/",
    ]:  # fmt: skip
        assert secret not in listed, secret
    assert article.get_absolute_url().startswith("/ko/")


def test_robots_points_to_the_sitemap_and_keeps_crawlers_out_of_private_pages(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/plain")
    lines = response.content.decode().splitlines()
    assert "Sitemap: http://testserver/sitemap.xml" in lines
    for path in (
        "/api/",
        "/ko/me/",
        "/en/accounts/",
        "/ko/moderation/",
        "/en/events/mine/",
        "/ko/admin/",
    ):
        assert f"Disallow: {path}" in lines
    assert "Disallow: /ko/events/" not in lines and "Disallow: /" not in lines


def test_favicon_is_served_and_linked(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200 and response["Content-Type"] == "image/vnd.microsoft.icon"
    assert response.content[:4] == b"\x00\x00\x01\x00"  # an ICO file
    page = client.get("/ko/").content.decode()
    assert '<link rel="icon" href="/favicon.ico"' in page
    assert 'type="image/svg+xml"' in page and 'rel="apple-touch-icon"' in page
    for asset in re.findall(r'<link rel="(?:icon|apple-touch-icon)" href="([^"]+)"', page):
        assert client.get(asset).status_code == 200, asset


def test_my_subscriptions(client, user, other_user):
    url = reverse("portal:subscriptions")
    assert client.get(url).status_code == 302
    client.force_login(user)
    page = client.get(url).content.decode()
    assert reverse("newsletters:list") in page and reverse("notifications:preferences") in page
    assert reverse("events:mine") in page

    topic = TopicFactory(name_ko="동네 행사")
    mine = SubscriberFactory(user=user, email=user.email)
    mine.topics.add(topic)
    SubscriberFactory(user=other_user, email="someone@example.org")
    page = client.get(url).content.decode()
    assert "동네 행사" in page and user.email in page and "someone@example.org" not in page
    assert "/newsletters/preferences/" in page

    mine.status = mine.Status.PENDING
    mine.save()
    page = client.get(url).content.decode()
    assert "/newsletters/preferences/" not in page
