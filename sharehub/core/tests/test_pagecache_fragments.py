"""Kept fragments and kept values (core.pagecache): parts of pages that are the same for everybody,
rendered once for signed-in people too, never past a write to what they show; never with a CSRF
token; with the answer's own nonce."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core.cache import caches
from django.db import connection
from django.http import HttpResponse
from django.template import engines
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import path
from django.utils import timezone

from sharehub.accounts.models import User
from sharehub.accounts.tests.factories import UserFactory, give_totp
from sharehub.core import pagecache
from sharehub.core.renderers import HubFormRenderer
from sharehub.directory.tests.factories import CategoryFactory, ListingFactory, ServiceFactory
from sharehub.events.models import Event
from sharehub.events.tests.factories import EventFactory
from sharehub.facilities.tests.factories import SpaceFactory
from sharehub.news.models import Article
from sharehub.news.search_index import reindex_article
from sharehub.news.tests.factories import ArticleFactory, TagFactory
from sharehub.organizations.models import Organization
from sharehub.organizations.tests.factories import (
    MembershipFactory,
    OrganizationFactory,
    organization_owned_by,
)
from sharehub.participation.services import support_proposal
from sharehub.participation.tests.factories import ProposalFactory
from sharehub.places.tests.factories import DistrictFactory
from sharehub.programmes.tests.factories import open_call

# Committed for real: versions move at a transaction's commit (see test_pagecache.py).
pytestmark = pytest.mark.django_db(transaction=True)

renders: list[str] = []


def _rendered() -> str:
    """Called by the templates below inside their fragment: counts the times it is rendered."""
    renders.append("x")
    return f"rendered {len(renders)}"


def _page(request, body: str, **context) -> HttpResponse:
    template = engines["django"].from_string("{% load kept %}" + body)
    return HttpResponse(template.render({"rendered": _rendered, **context}, request))


def _names(request):
    """What the view reads before the fragment is part of what the fragment shows."""
    names = list(Organization.objects.order_by("pk").values_list("name_ko", flat=True))
    return _page(
        request, '{% kept "names" %}{{ names|join:", " }} {{ rendered }}{% endkept %}', names=names
    )


def _reads_then_writes(request):
    names = list(Organization.objects.order_by("pk").values_list("name_ko", flat=True))
    Organization.objects.update(name_en="changed meanwhile")
    return _page(
        request, '{% kept "race" %}{{ names|join:", " }} {{ rendered }}{% endkept %}', names=names
    )


def _with_token(request):
    return _page(
        request, '{% kept "form" %}<form>{% csrf_token %}</form>{{ rendered }}{% endkept %}'
    )


def _with_nonce(request):
    return _page(
        request,
        '{% kept "script" %}<script nonce="{{ csp_nonce }}"></script>{{ rendered }}{% endkept %}',
    )


urlpatterns = [
    path("names/", _names, name="names"),
    path("not-listed/", _names, name="not-listed"),
    path("race/", _reads_then_writes, name="race"),
    path("token/", _with_token, name="token"),
    path("nonce/", _with_nonce, name="nonce"),
]


@pytest.fixture
def test_views(settings):
    settings.ROOT_URLCONF = __name__
    settings.PAGE_CACHE_VIEWS = ["names", "race", "token", "nonce"]
    renders.clear()


@pytest.fixture
def signed_in(client):
    client.force_login(UserFactory())
    return client


def test_a_fragment_is_rendered_once_for_every_signed_in_person(client, test_views):
    OrganizationFactory(name_ko="첫 조합")
    first, second = UserFactory(), UserFactory()
    client.force_login(first)
    page = client.get("/names/").content.decode()
    assert page.startswith("첫 조합 rendered 1")
    client.force_login(second)
    assert client.get("/names/").content.decode() == page
    client.logout()
    assert client.get("/names/").content.decode() == page
    assert len(renders) == 1


def test_a_write_to_what_the_view_read_before_the_fragment_renders_it_anew(signed_in, test_views):
    OrganizationFactory(name_ko="첫 조합")
    signed_in.get("/names/")
    OrganizationFactory(name_ko="둘째 조합")
    assert signed_in.get("/names/").content.decode() == "첫 조합, 둘째 조합 rendered 2"
    Organization.objects.filter(name_ko="첫 조합").update(name_ko="고친 이름")
    assert signed_in.get("/names/").content.decode() == "고친 이름, 둘째 조합 rendered 3"


def test_a_write_committed_between_the_view_and_the_fragment_makes_it_stale_at_once(
    signed_in, test_views
):
    OrganizationFactory(name_ko="경쟁")
    signed_in.get("/race/")
    signed_in.get("/race/")
    assert len(renders) == 2


def test_a_fragment_with_a_csrf_token_is_never_kept(signed_in, test_views):
    tokens = set()
    for _ in range(2):
        response = signed_in.get("/token/")
        tokens.update(
            re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.content.decode())
        )
        assert "csrftoken" in response.cookies
    assert len(renders) == 2 and len(tokens) == 2


def test_a_kept_fragment_carries_the_answers_own_nonce(signed_in, test_views):
    nonces = []
    for _ in range(3):
        response = signed_in.get("/nonce/")
        in_header = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"]).group(1)
        assert re.findall(r'nonce="([^"]+)"', response.content.decode()) == [in_header]
        nonces.append(in_header)
    assert len(set(nonces)) == 3
    assert len(renders) == 1


def test_only_the_listed_views_keep_fragments(signed_in, test_views, settings):
    signed_in.get("/not-listed/")
    signed_in.get("/not-listed/")
    settings.PAGE_CACHE_SECONDS = 0
    signed_in.get("/names/")
    signed_in.get("/names/")
    assert len(renders) == 4


def test_a_page_built_around_a_kept_fragment_goes_with_the_fragments_tables(client, test_views):
    """A signed-in person's request keeps the fragment; an anonymous page then built around it
    (a hit, its queries not run) still depends on the organizations."""
    OrganizationFactory(name_ko="첫 조합")
    client.force_login(UserFactory())
    client.get("/names/")
    client.logout()
    client.cookies.clear()
    assert client.get("/names/")["X-Page-Cache"] == "miss"
    assert client.get("/names/")["X-Page-Cache"] == "hit"
    OrganizationFactory(name_ko="새 조합")
    response = client.get("/names/")
    assert response["X-Page-Cache"] == "miss" and "새 조합" in response.content.decode()


def test_a_kept_value_is_computed_again_after_a_write_to_what_it_read(settings):
    OrganizationFactory(name_ko="하나")
    calls = []

    def count() -> int:
        calls.append(1)
        return Organization.objects.count()

    assert pagecache.kept_value("organizations", count) == 1
    assert pagecache.kept_value("organizations", count) == 1
    assert len(calls) == 1
    OrganizationFactory(name_ko="둘")
    assert pagecache.kept_value("organizations", count) == 2
    assert len(calls) == 2
    settings.PAGE_CACHE_SECONDS = 0
    pagecache.kept_value("organizations", count)
    assert len(calls) == 3


def test_kept_values_live_apart_from_the_pages_where_the_settings_say(settings):
    """Many people's small values must not push the pages out of a full cache."""
    settings.CACHES = {
        **settings.CACHES,
        "values": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "v"},
    }
    caches["values"].clear()
    pagecache.kept_value("organizations", Organization.objects.count)
    assert len(caches["values"]._cache) == 1  # type: ignore[attr-defined]
    assert not [key for key in caches["pages"]._cache if "value:" in key]  # type: ignore[attr-defined]


# --- the hub's own pages -------------------------------------------------------------------


def test_the_directory_fragments_follow_listings_and_categories_for_a_signed_in_person(
    signed_in, monkeypatch
):
    category = CategoryFactory(name_ko="공구 대여")
    listing = ListingFactory(organization=OrganizationFactory(name_ko="첫 공구점"))
    listing.categories.add(category)
    page = signed_in.get("/ko/directory/").content.decode()
    assert "첫 공구점" in page and "공구 대여" in page
    # Kept: the filter form's widgets are not drawn again.
    signed_in.get("/ko/directory/")
    drawn = []
    original = HubFormRenderer.render
    monkeypatch.setattr(
        HubFormRenderer, "render", lambda *args, **kw: drawn.append(1) or original(*args, **kw)
    )
    again = signed_in.get("/ko/directory/").content.decode()
    assert "첫 공구점" in again and "공구 대여" in again and drawn == []
    category.name_ko = "공구 나눔"
    category.save()
    ListingFactory(organization=OrganizationFactory(name_ko="둘째 공구점"))
    page = signed_in.get("/ko/directory/").content.decode()
    assert "공구 나눔" in page and "공구 대여" not in page and "둘째 공구점" in page


def _indexed_article():
    article = ArticleFactory(title_ko="공유 부엌 이야기")
    reindex_article(article)
    return article


@pytest.mark.parametrize(
    ("url", "table", "make"),
    [
        ("/ko/", "events_event", lambda: EventFactory()),
        ("/ko/directory/", "directory_listing", lambda: ListingFactory()),
        ("/ko/events/", "events_event", lambda: EventFactory()),
        ("/ko/news/", "news_article", lambda: ArticleFactory()),
        ("/ko/spaces/", "facilities_space", lambda: SpaceFactory()),
        ("/ko/search/?q=공유", "search_searchentry", lambda: _indexed_article()),
        ("/ko/support/", "programmes_call", lambda: open_call()),
        # The dashboard's figures (one of them reads the calls' publication dates).
        ("/ko/data/", "programmes_call", lambda: OrganizationFactory()),
    ],
)
def test_a_list_served_from_its_kept_fragment_does_not_read_its_results(
    signed_in, url, table, make
):
    """The results are read only where they are shown (pagecache.when_shown): when the fragment
    is kept, the list's table is not read at all; after a write to it, it is read again."""
    make()
    # The first visit may store a count it lacked (a write: nothing is kept from that request).
    signed_in.get(url)
    signed_in.get(url)
    with CaptureQueriesContext(connection) as kept:
        signed_in.get(url)
    assert not [q for q in kept.captured_queries if f'FROM "{table}"' in q["sql"]]
    make()
    with CaptureQueriesContext(connection) as anew:
        signed_in.get(url)
    assert [q for q in anew.captured_queries if f'FROM "{table}"' in q["sql"]]


def test_the_workspace_link_appears_once_a_person_runs_a_space(signed_in):
    person = User.objects.get(pk=signed_in.session["_auth_user_id"])
    assert 'class="workspace-link"' not in signed_in.get("/ko/directory/").content.decode()
    assert 'class="workspace-link"' not in signed_in.get("/ko/directory/").content.decode()
    SpaceFactory().staff.add(person)
    assert 'class="workspace-link"' in signed_in.get("/ko/directory/").content.decode()


def test_the_events_list_is_kept_no_longer_than_its_cards_say(client, monkeypatch):
    """ "Registration opens at 10:00" must turn into "places left" at 10:00, for everybody."""
    # Well within PAGE_CACHE_SECONDS (60), but after the first requests even on a loaded machine.
    opens = timezone.now() + timedelta(seconds=30)
    EventFactory(title_ko="곧 열리는 모임", registration_opens_at=opens)
    client.get("/ko/events/")
    assert client.get("/ko/events/")["X-Page-Cache"] == "hit"
    later = opens.timestamp() + 1
    monkeypatch.setattr(pagecache.time, "time", lambda: later)
    assert client.get("/ko/events/")["X-Page-Cache"] == "miss"


def test_the_calls_list_is_kept_no_longer_than_its_cards_phases(signed_in, monkeypatch):
    """ "Upcoming" must turn into "open" when the call opens, for signed-in people too."""
    opens = timezone.now() + timedelta(seconds=30)
    open_call(title_ko="곧 열리는 공모", opens_at=opens)
    signed_in.get("/ko/support/")
    assert not _reads(signed_in, "/ko/support/", "programmes_call")
    later = opens.timestamp() + 1
    monkeypatch.setattr(pagecache.time, "time", lambda: later)
    assert _reads(signed_in, "/ko/support/", "programmes_call")


# --- detail pages: what is the same for everybody is kept; the person's own parts are not ---


def _reads(client, url: str, table: str) -> bool:
    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    return any(f'FROM "{table}"' in query["sql"] for query in captured.captured_queries)


def test_an_articles_kept_parts_follow_its_tags_and_keep_the_readers_own_actions_out(signed_in):
    article = ArticleFactory(title_ko="공유 부엌 이야기")
    article.tags.add(TagFactory(name_ko="부엌", slug="kitchen"))
    url = article.get_absolute_url()
    assert "#부엌" in signed_in.get(url).content.decode()
    # Kept: its tags are not read again.
    assert not _reads(signed_in, url, "news_tag")
    article.tags.add(TagFactory(name_ko="나눔", slug="sharing"))
    page = signed_in.get(url).content.decode()
    assert "#부엌" in page and "#나눔" in page
    # An editor's own actions stay outside the kept parts: a citizen served them after the
    # editor is never shown the editor's "Unpublish".
    editor = Client()
    editor.force_login(give_totp(UserFactory(is_city_staff=True)))
    assert f"/news/articles/{article.slug}/unpublish/" in editor.get(url).content.decode()
    assert "/unpublish/" not in signed_in.get(url).content.decode()
    # Its kept heading follows an edit of the title.
    Article.objects.filter(pk=article.pk).update(title_ko="함께 쓰는 부엌")
    page = signed_in.get(url).content.decode()
    assert "<h1>함께 쓰는 부엌</h1>" in page and "공유 부엌 이야기" not in page


def test_a_districts_page_is_kept_until_an_organization_of_it_is_published(signed_in):
    district = DistrictFactory(slug="mapo-gu", name_ko="마포구")
    OrganizationFactory(name_ko="첫 나눔터", district=district)
    url = f"/ko/districts/{district.slug}/"
    assert "첫 나눔터" in signed_in.get(url).content.decode()
    assert not _reads(signed_in, url, "organizations_organization")
    OrganizationFactory(name_ko="둘째 나눔터", district=district)
    page = signed_in.get(url).content.decode()
    assert "첫 나눔터" in page and "둘째 나눔터" in page


def test_my_applications_appears_in_the_menu_once_the_person_joins_an_organization(signed_in):
    """The header's roles (programmes.permissions.header_roles) are a kept value: kept until a
    write to what they read, such as a membership."""
    person = User.objects.get(pk=signed_in.session["_auth_user_id"])
    assert "/support/applications/" not in signed_in.get("/ko/directory/").content.decode()
    assert "/support/applications/" not in signed_in.get("/ko/directory/").content.decode()
    MembershipFactory(user=person)
    assert "/support/applications/" in signed_in.get("/ko/directory/").content.decode()


def test_a_listings_kept_parts_follow_its_services_and_keep_the_owners_tools_out(signed_in):
    owner = UserFactory()
    organization = organization_owned_by(owner, name_ko="공구 도서관", source="구청 자료")
    listing = ListingFactory(organization=organization)
    ServiceFactory(listing=listing, name_ko="공구 대여")
    url = f"/ko/directory/{organization.slug}/"
    by_owner, by_staff = Client(), Client()
    by_owner.force_login(owner)
    by_staff.force_login(give_totp(UserFactory(is_city_staff=True)))
    assert f"/directory/{organization.slug}/edit/" in by_owner.get(url).content.decode()
    assert "구청 자료" in by_staff.get(url).content.decode()
    page = signed_in.get(url).content.decode()
    assert "공구 대여" in page
    # The owner's tools and the staff's note stay outside what is kept.
    assert "/edit/" not in page and "구청 자료" not in page
    assert not _reads(signed_in, url, "directory_service")
    ServiceFactory(listing=listing, name_ko="사다리 대여")
    page = signed_in.get(url).content.decode()
    assert "공구 대여" in page and "사다리 대여" in page


def test_the_proposals_kept_results_say_you_support_it_to_each_supporter_only(signed_in):
    """The results are one kept fragment for everybody; each card's "You support it" is filled
    in for the person looking (participation.views.public._show_own_supports)."""
    first, second = ProposalFactory(title="첫 제안"), ProposalFactory(title="둘째 제안")
    supporter = UserFactory()
    support_proposal(actor=supporter, proposal=first)
    by_supporter = Client()
    by_supporter.force_login(supporter)
    for _ in range(2):  # built, then served kept
        page = by_supporter.get("/ko/participate/").content.decode()
        assert page.count("지지함") == 1
        assert re.search(r"첫 제안.*?</h3>.*?지지함", page, re.S)
        others = signed_in.get("/ko/participate/").content.decode()
        assert "지지함" not in others and "<!--supported:" not in others
        assert "첫 제안" in others and "둘째 제안" in others
    assert not _reads(signed_in, "/ko/participate/", "participation_proposal")
    support_proposal(actor=supporter, proposal=second)
    assert by_supporter.get("/ko/participate/").content.decode().count("지지함") == 2


def test_an_events_kept_facts_follow_its_sessions_and_keep_the_registration_out(signed_in):
    event = EventFactory(title_ko="수리 카페")
    url = f"/ko/events/{event.pk}/"
    registered = Client()
    registered.force_login(UserFactory())
    registered.post(f"/ko/events/{event.pk}/register/")
    assert "신청이 확정되었습니다." in registered.get(url).content.decode()
    page = signed_in.get(url).content.decode()
    assert "신청이 확정되었습니다." not in page and "수리 카페" in page
    assert not _reads(signed_in, url, "events_eventsession")
    starts = event.starts_at + timedelta(days=7)
    event.sessions.create(
        title_ko="둘째 모임", starts_at=starts, ends_at=starts + timedelta(hours=2)
    )
    assert "둘째 모임" in signed_in.get(url).content.decode()


def test_an_events_kept_heading_and_map_follow_an_edit_and_keep_the_organizers_tools_out(
    signed_in,
):
    """The title, summary and map are kept for everybody; the "Manage the event" button (the
    organizer's own) is not part of them, and an edit ends them at once."""
    event = EventFactory(title_ko="수리 카페", latitude=37.5665, longitude=126.978)
    url = f"/ko/events/{event.pk}/"
    organizer = Client()
    organizer.force_login(give_totp(UserFactory(is_city_staff=True)))
    assert "행사 관리" in organizer.get(url).content.decode()
    page = signed_in.get(url).content.decode()
    assert "수리 카페" in page and "행사 관리" not in page and "37.5665" in page
    Event.objects.filter(pk=event.pk).update(title_ko="고침 카페", latitude=37.55)
    page = signed_in.get(url).content.decode()
    assert "고침 카페" in page and "수리 카페" not in page
    assert "37.55," in page and "37.5665" not in page


def test_an_events_row_is_kept_and_follows_every_table_it_was_read_from(signed_in, client):
    """The event page's row is kept between requests (events.selectors.get_event_for, kept:
    pagecache.kept_value, shared): the next request reads no event, and a write to the event,
    its organization or its district shows at once, signed in and to a visitor, whose kept page
    goes with the same tables."""
    district = DistrictFactory(name_ko="수리구")
    event = EventFactory(
        title_ko="수리 카페",
        district=district,
        address="수리로 1",
        organization=OrganizationFactory(name_ko="옛 이름 협동조합"),
    )
    url = f"/ko/events/{event.pk}/"
    for who in (signed_in, client):
        assert "수리 카페" in who.get(url).content.decode()
    assert not _reads(signed_in, url, "events_event")
    Event.objects.filter(pk=event.pk).update(title_ko="고침 카페")
    for who in (signed_in, client):
        page = who.get(url).content.decode()
        assert "고침 카페" in page and "수리 카페" not in page
    Organization.objects.filter(pk=event.organization_id).update(name_ko="새 이름 협동조합")
    for who in (signed_in, client):
        page = who.get(url).content.decode()
        assert "새 이름 협동조합" in page and "옛 이름 협동조합" not in page
    type(district).objects.filter(pk=district.pk).update(name_ko="고침구")
    for who in (signed_in, client):
        page = who.get(url).content.decode()
        assert "(고침구)" in page and "(수리구)" not in page
    assert not _reads(signed_in, url, "events_event")


def test_a_kept_event_row_is_checked_for_each_person(signed_in, client):
    """Kept for everybody, the row is still the actor's to see on every request: a draft the
    organizer sees is a 404 to others, before and after it was kept; unpublished, it is gone."""
    event = EventFactory(title_ko="준비 중인 모임", status="draft")
    url = f"/ko/events/{event.pk}/"
    organizer = Client()
    organizer.force_login(give_totp(UserFactory(is_city_staff=True)))
    for _ in range(2):
        assert organizer.get(url).status_code == 200
        assert signed_in.get(url).status_code == 404
        assert client.get(url).status_code == 404
    Event.objects.filter(pk=event.pk).update(status="published")
    assert signed_in.get(url).status_code == 200 and client.get(url).status_code == 200
    Event.objects.filter(pk=event.pk).update(status="draft")
    assert signed_in.get(url).status_code == 404 and client.get(url).status_code == 404
    # A missing row is not kept (many addresses that do not exist would push the kept values
    # out): each request for one reads it again.
    for _ in range(2):
        assert signed_in.get("/ko/events/987654/").status_code == 404
    assert _reads(signed_in, "/ko/events/987654/", "events_event")


def test_a_listings_and_an_articles_rows_are_kept_and_follow_their_tables(signed_in, client):
    """As the event page's: the listing's and the article's rows are kept between requests,
    a write to them or to their organization shows at once, and a hidden one is a 404 to those
    who may not see it, kept or not."""
    listing = ListingFactory(organization=OrganizationFactory(name_ko="공구 도서관"))
    article = ArticleFactory(title_ko="공유 부엌 이야기", organization=listing.organization)
    listing_url = f"/ko/directory/{listing.organization.slug}/"
    article_url = article.get_absolute_url()
    for url in (listing_url, article_url):
        for who in (signed_in, client):
            assert who.get(url).status_code == 200
    assert not _reads(signed_in, listing_url, "directory_listing")
    assert not _reads(signed_in, article_url, "news_article")
    Organization.objects.filter(pk=listing.organization_id).update(name_ko="마을 공구함")
    Article.objects.filter(pk=article.pk).update(title_ko="함께 쓰는 부엌")
    for who in (signed_in, client):
        page = who.get(listing_url).content.decode()
        assert "마을 공구함" in page and "공구 도서관" not in page
        page = who.get(article_url).content.decode()
        assert "함께 쓰는 부엌" in page and "공유 부엌 이야기" not in page
    type(listing).objects.filter(pk=listing.pk).update(moderation_status="hidden")
    Article.objects.filter(pk=article.pk).update(moderation_status="hidden")
    for url in (listing_url, article_url):
        for who in (signed_in, client):
            assert who.get(url).status_code == 404


def test_a_signed_in_page_reads_the_versions_once_for_all_its_kept_parts(signed_in):
    """Its fragments and the header's kept values are checked against the versions read as the
    view began (pagecache._versions_now): one query, however many kept parts the page has."""
    ListingFactory()
    # The first visit may store a count it lacked (a write: nothing is kept from that request).
    signed_in.get("/ko/directory/")
    signed_in.get("/ko/directory/")
    with CaptureQueriesContext(connection) as captured:
        page = signed_in.get("/ko/directory/")
    assert page.status_code == 200
    versions = [q for q in captured.captured_queries if "core_pageversion" in q["sql"]]
    assert len(versions) == 1
    assert not [q for q in captured.captured_queries if 'FROM "directory_listing"' in q["sql"]]
