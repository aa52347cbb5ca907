"""The demo's organizations read as a listing reads, in Korean and in English; their sources and the
research notes on them stay with city staff; the designated ones are exactly those the sources
document (data/sharing-organizations-texts.json, written from data/sharing-organizations.csv)."""

from __future__ import annotations

import datetime
import json
import re

import pytest
from django.urls import reverse

from sharehub.core.demo import DemoRun, demo_loaders, load_demo
from sharehub.designation.models import Designation
from sharehub.designation.selectors import current_designations
from sharehub.directory.models import Listing, PriceType
from sharehub.organizations.models import Organization, OrganizationKind
from sharehub.search.models import SearchEntry

pytestmark = pytest.mark.django_db

HANGUL = re.compile("[가-힣]")
# A particle written apart from its word ("정장 을"): wrong in Korean.
LOOSE_PARTICLE = re.compile(r"\s(을|를|은|는|의|과|와|에서|으로)[\s.,]")
# What must never reach the public: research notes and the raw source lists.
NOTE_WORDS = ("not confirmed", "github", "Helpers.pm", "the sources do not", "research note")

# The organizations the sources document as designated, with the date of their round.
DESIGNATED = {
    "열린옷장": "2013-04-14",
    "키플": "2013-04-14",
    "프라미스": "2013-04-14",
    "페어스페이스": "2013-04-14",
    "한국카쉐어링": "2013-04-14",
    "마이리얼트립": "2013-04-14",
    "조인어스코리아": "2013-04-14",
    "집밥": "2013-08-08",
    "온오프믹스": "2013-08-08",
    "아이들랏": "2013-08-08",
    "레디앤스타트": "2013-08-08",
    "그린포인트": "2013-08-08",
    "그린카": "2015-01-26",  # "a representative designated sharing company" (no date: the source's)
    "어픽스": "2016-02-01",
    "아이랑놀기짱": "2016-02-01",
    "선랩건축사사무소": "2016-02-01",
    "씨엘인포넷": "2016-11-06",  # SMG's third list (no date: the source's)
    "위즈돔": "2018-05-16",
    "매스아시아": "2018-05-16",
    "블렉시트": "2018-05-16",
    "안테나": "2018-05-16",
    "캠퍼스스테이": "2018-05-16",
}


def load_organizations_and_listings() -> None:
    """Only the loaders these facts need (the full demo is loaded by the test that visits pages)."""
    run = DemoRun()
    for loader in demo_loaders():
        if loader.name in ("places", "accounts", "organizations", "designation", "directory"):
            run.created[loader.name] = loader.load(run)


def test_every_organization_and_listing_reads_in_korean_and_english():
    load_organizations_and_listings()
    organizations = list(Organization.objects.select_related("listing"))
    assert len(organizations) == 41
    for organization in organizations:
        listing = organization.listing
        texts = {
            "organization": (organization.description_ko, organization.description_en),
            "summary": (listing.summary_ko, listing.summary_en),
            "description": (listing.description_ko, listing.description_en),
        }
        services = list(listing.services.all())
        assert services, organization.name_ko
        for service in services:
            texts[f"service {service.pk}"] = (service.name_ko, service.name_en)
            texts[f"service {service.pk} description"] = (
                service.description_ko,
                service.description_en,
            )
            # How to use it: in both languages or in neither.
            assert bool(service.how_to_use_ko) == bool(service.how_to_use_en), service.name_ko
            if service.how_to_use_ko:
                texts[f"service {service.pk} how"] = (service.how_to_use_ko, service.how_to_use_en)
            assert service.price_type in PriceType.values
        for what, (korean, english) in texts.items():
            where = f"{organization.name_ko}: {what}"
            assert korean and korean.strip() and english and english.strip(), where
            assert HANGUL.search(korean), where
            assert not HANGUL.search(english), where
            assert not LOOSE_PARTICLE.search(korean), (where, korean)
            for text in (korean, english):
                assert not any(word.lower() in text.lower() for word in NOTE_WORDS), where
        # The research notes went to the staff-only field, with the sources.
        assert organization.source.startswith("http"), organization.name_ko
    kozaza = Organization.objects.get(name_ko="코자자")
    assert "not confirmed" in kozaza.source
    assert "github:opencloset" in Organization.objects.get(name_en="Open Closet").source
    # District-run centres are public bodies.
    assert set(
        Organization.objects.filter(kind=OrganizationKind.PUBLIC).values_list("name_ko", flat=True)
    ) == {"은평공유센터", "성동공유센터"}


def test_the_designated_are_exactly_those_the_sources_document():
    load_organizations_and_listings()
    organizations = Organization.objects.all()
    current = current_designations([o.pk for o in organizations])
    designated = {o.name_ko: current[o.pk] for o in organizations if o.pk in current}
    assert set(designated) == set(DESIGNATED)
    for name, day in DESIGNATED.items():
        assert designated[name].designated_on == datetime.date.fromisoformat(day), name
        assert designated[name].valid_until >= datetime.date.today(), name
    assert designated["열린옷장"].number == "2013-0026"  # Seoul sharing organization No. 26
    assert designated["열린옷장"].kind == designated["조인어스코리아"].kind == "organization"
    # The second round's numbers follow the 27 of the first.
    assert designated["집밥"].number == "2013-0028"
    assert len({d.number for d in designated.values()}) == len(DESIGNATED)
    # Loading again designates nobody twice.
    load_organizations_and_listings()
    assert Designation.objects.count() == len(DESIGNATED)


def _strings(value) -> list[str]:
    if isinstance(value, dict):
        return [s for item in value.values() for s in _strings(item)]
    if isinstance(value, list):
        return [s for item in value for s in _strings(item)]
    return [value] if isinstance(value, str) else []


def _api_pages(client, url: str) -> list[str]:
    bodies, page = [], 1
    while True:
        response = client.get(url, {"page": page})
        assert response.status_code == 200, url
        bodies.append(response.content.decode())
        if not json.loads(response.content).get("next"):
            return bodies
        page += 1


def test_sources_and_notes_never_reach_the_public(client, city_staff):
    load_demo()
    organizations = list(Organization.objects.select_related("listing", "district"))
    # Every line of the staff-only field, and every address in it.
    forbidden = set(NOTE_WORDS)
    for organization in organizations:
        for line in organization.source.splitlines():
            forbidden.update(part.strip() for part in line.split(" ; ") if part.strip())

    def assert_clean(text: str, where: str) -> None:
        found = sorted(word for word in forbidden if word.lower() in text.lower())
        assert not found, (where, found[:3])

    urls = ["/{lang}/", "/{lang}/designation/", "/{lang}/news/feed/rss/", "/{lang}/events/feed.ics"]
    urls += [f"/{{lang}}/directory/?page={n}" for n in (1, 2, 3)]
    urls += [f"/{{lang}}/organizations/?page={n}" for n in (1, 2, 3)]
    for organization in organizations:
        urls += [organization.get_absolute_url(), organization.listing.get_absolute_url()]
        if organization.district_id:
            urls.append(reverse("places:detail", args=[organization.district.slug]))
    for url in urls:
        for lang in ("ko", "en"):
            address = re.sub(r"^/(ko|en)/", f"/{lang}/", url.format(lang=lang))
            response = client.get(address)
            assert response.status_code == 200, address
            assert_clean(response.content.decode(), address)

    # Searching for the notes' or the sources' words finds nothing (the query itself is echoed).
    for lang in ("ko", "en"):
        for query in ("confirmed", "github", "mediahub", "newsis"):
            found = client.get(f"/{lang}/directory/", {"q": query}).content.decode()
            assert "listing-card" not in found, (lang, query)

    api = [
        "/api/v1/organizations",
        "/api/v1/directory/listings",
        "/api/v1/designation/designations",
    ]
    for url in api:
        for body in _api_pages(client, url):
            assert_clean(body, url)
    assert_clean(client.get("/api/v1/directory/listings.geojson").content.decode(), "geojson")
    for organization in organizations:
        for url in (
            f"/api/v1/organizations/{organization.slug}",
            f"/api/v1/directory/listings/{organization.slug}",
        ):
            response = client.get(url)
            assert response.status_code == 200, url
            assert_clean(response.content.decode(), url)

    # The search index holds only public text.
    for entry in SearchEntry.objects.all():
        for field in entry._meta.concrete_fields:
            value = getattr(entry, field.attname)
            for text in _strings(value):
                assert_clean(text, f"search entry {entry.pk} {field.name}")

    # A member of the organization is not city staff: no sources either; staff see them.
    open_closet = Organization.objects.get(name_en="Open Closet")
    client.force_login(open_closet.memberships.get().user)
    for url in (open_closet.get_absolute_url(), open_closet.listing.get_absolute_url()):
        assert_clean(client.get(url).content.decode(), f"member: {url}")
    client.force_login(city_staff)
    for url in (open_closet.get_absolute_url(), open_closet.listing.get_absolute_url()):
        page = client.get(url).content.decode()
        assert "github:opencloset" in page, url
    assert Listing.objects.count() == 41
