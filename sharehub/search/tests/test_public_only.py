"""Nothing the public may not see is findable: not in the index, the suggestions, the search pages,
the API lists or the feeds; and an object that stops being public leaves the index in the
transaction of the change itself (each assertion on the index runs right after the service call,
inside the test's transaction).

Every test has a public twin sharing the searched word, so a search that finds nothing at all
cannot pass for a search that hides the right thing.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.utils import timezone

from sharehub.accounts.tests.factories import UserFactory
from sharehub.directory import services as directory_services
from sharehub.directory.models import Listing
from sharehub.directory.search_index import reindex_listing
from sharehub.directory.tests.factories import ListingFactory
from sharehub.events import services as event_services
from sharehub.events.models import Event, EventStatus
from sharehub.events.search_index import reindex_event
from sharehub.events.tests.factories import EventFactory
from sharehub.moderation import services as moderation
from sharehub.moderation.models import ModerationStatus
from sharehub.news import services as news_services
from sharehub.news.models import Article, ArticleStatus
from sharehub.news.search_index import reindex_article
from sharehub.news.tests.factories import ArticleFactory, TagFactory
from sharehub.organizations.models import MemberRole
from sharehub.organizations.tests.factories import MembershipFactory, OrganizationFactory
from sharehub.participation import services as participation_services
from sharehub.participation.models import Proposal, Recommendation
from sharehub.participation.search_index import reindex_proposal
from sharehub.participation.tests.factories import ProposalFactory, RecommendationFactory
from sharehub.search.catalog import searchable_models
from sharehub.search.models import SearchEntry
from sharehub.search.selectors import autocomplete, search
from sharehub.search.services import _write, reindex

pytestmark = pytest.mark.django_db

WORD = "Zephyrine"
SECRET = "Clandestine"  # only in the non-public object's title
PUBLIC = "Openfield"  # only in the public twin's title

NOT_PUBLIC = [ModerationStatus.PENDING, ModerationStatus.REJECTED, ModerationStatus.HIDDEN]


def indexed(obj) -> bool:
    content_type = ContentType.objects.get_for_model(type(obj))
    return SearchEntry.objects.filter(content_type=content_type, object_id=obj.pk).exists()


def text(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def assert_found_apart_from_secret(
    client, *, label: str, model, page: str, api: str, feeds: tuple[str, ...] = ()
) -> None:
    """The public twin is found everywhere, the secret one nowhere."""
    suggestions = text(client.get("/ko/search/suggest/", {"model": label, "q": WORD[:6]}))
    pages = text(client.get(page, {"q": WORD}))
    listed = text(client.get(api, {"q": WORD}))
    assert PUBLIC in suggestions and PUBLIC in pages and PUBLIC in listed
    assert SECRET not in suggestions and SECRET not in pages and SECRET not in listed
    assert [t for t in autocomplete(WORD[:6], model=model) if SECRET in t] == []
    for url in feeds:
        assert SECRET not in text(client.get(url)), url


def test_every_searchable_model_is_covered_here():
    """A model registered later needs its own test in this file."""
    assert {m._meta.label_lower for m in searchable_models()} == {
        "directory.listing",
        "events.event",
        "news.article",
        "participation.proposal",
        "participation.recommendation",
        "programmes.call",
        "opendata.dataset",
    }


# Listings: public while their organization is published ---------------------------------------


def _listing(status, title: str) -> Listing:
    listing = ListingFactory(
        organization=OrganizationFactory(
            name_ko=f"{WORD} {title}", name_en=f"{WORD} {title}", moderation_status=status
        )
    )
    reindex_listing(listing)
    return listing


@pytest.mark.parametrize("status", NOT_PUBLIC)
def test_listing_of_an_unpublished_organization_is_never_indexed(client, status):
    _listing(ModerationStatus.PUBLISHED, PUBLIC)
    secret = _listing(status, SECRET)
    member = UserFactory()
    MembershipFactory(organization=secret.organization, user=member, role=MemberRole.OWNER)
    # Its members keep editing it: each edit re-indexes the listing, and it must stay out.
    directory_services.update_listing(
        actor=member, organization=secret.organization, summary_ko=f"{WORD} 공간"
    )
    assert not indexed(secret)
    assert_found_apart_from_secret(
        client,
        label="directory.listing",
        model=Listing,
        page="/ko/directory/",
        api="/api/v1/directory/listings",
    )


def test_listing_leaves_the_index_with_its_organizations_moderation(client, moderator):
    _listing(ModerationStatus.PUBLISHED, PUBLIC)
    listing = _listing(ModerationStatus.PUBLISHED, SECRET)
    assert indexed(listing)
    moderation.hide(actor=moderator, obj=listing.organization, reason="Spam")
    assert not indexed(listing)
    assert_found_apart_from_secret(
        client,
        label="directory.listing",
        model=Listing,
        page="/ko/directory/",
        api="/api/v1/directory/listings",
    )
    moderation.restore(actor=moderator, obj=listing.organization)
    assert indexed(listing)


def test_listing_enters_the_index_when_its_organization_is_published(moderator):
    listing = _listing(ModerationStatus.PENDING, SECRET)
    assert not indexed(listing)
    moderation.publish(actor=moderator, obj=listing.organization)
    assert indexed(listing)
    assert [SECRET in t for t in autocomplete(WORD[:6], model=Listing)] == [True]


def test_deleted_organization_takes_its_listing_out():
    listing = _listing(ModerationStatus.PUBLISHED, SECRET)
    assert indexed(listing)
    listing.organization.delete()  # the listing goes by cascade
    assert not SearchEntry.objects.filter(object_id=listing.pk).exists()


def test_organizations_are_not_searchable_and_pending_ones_not_listed(client):
    OrganizationFactory(
        name_ko=f"{WORD} {SECRET}",
        name_en=f"{WORD} {SECRET}",
        moderation_status=ModerationStatus.PENDING,
    )
    OrganizationFactory(name_ko=f"{WORD} {PUBLIC}", name_en=f"{WORD} {PUBLIC}")
    assert (
        client.get(
            "/ko/search/suggest/", {"model": "organizations.organization", "q": WORD}
        ).status_code
        == 404
    )
    page = text(client.get("/ko/organizations/", {"q": WORD}))
    listed = text(client.get("/api/v1/organizations", {"q": WORD}))
    assert PUBLIC in page and PUBLIC in listed
    assert SECRET not in page and SECRET not in listed


# Events: public when published, by the city or a published organization ------------------------


@pytest.fixture
def organizer():
    organization = OrganizationFactory(slug="organizer")
    user = UserFactory()
    MembershipFactory(organization=organization, user=user, role=MemberRole.EDITOR)
    return user, organization


def _fields(title: str, **overrides) -> dict:
    start = timezone.now() + timedelta(days=5)
    return {
        "title_ko": f"{WORD} {title}",
        "title_en": f"{WORD} {title}",
        "starts_at": start,
        "ends_at": start + timedelta(hours=2),
        "capacity": 10,
        "address": "서울 중구 세종대로 110",
        **overrides,
    }


EVENT_FEEDS = (
    "/ko/events/feed.ics",
    "/ko/events/feed/city.ics",
    "/ko/events/feed/organizer/organizer.ics",
)


def _assert_event_hidden(client) -> None:
    assert_found_apart_from_secret(
        client,
        label="events.event",
        model=Event,
        page="/ko/events/",
        api="/api/v1/events",
        feeds=EVENT_FEEDS,
    )


def test_draft_event_is_never_indexed(client, organizer):
    user, organization = organizer
    event_services.create_event(actor=user, organization=organization, **_fields(PUBLIC))
    draft = event_services.create_event(
        actor=user, organization=organization, **_fields(SECRET, status=EventStatus.DRAFT)
    )
    assert not indexed(draft)
    event_services.update_event(actor=user, event=draft, summary_ko="곧 공개")
    assert not indexed(draft)
    _assert_event_hidden(client)


def test_event_back_to_draft_or_cancelled_leaves_the_index(client, organizer):
    user, organization = organizer
    event_services.create_event(actor=user, organization=organization, **_fields(PUBLIC))
    event = event_services.create_event(actor=user, organization=organization, **_fields(SECRET))
    assert indexed(event)
    event_services.update_event(actor=user, event=event, status=EventStatus.DRAFT)
    assert not indexed(event)
    _assert_event_hidden(client)
    event_services.update_event(actor=user, event=event, status=EventStatus.PUBLISHED)
    assert indexed(event)
    event_services.cancel_event(actor=user, event=event, reason="Rain")
    assert not indexed(event)
    suggestions = text(client.get("/ko/search/suggest/", {"model": "events.event", "q": WORD[:6]}))
    assert SECRET not in suggestions and PUBLIC in suggestions


def test_event_status_saved_alone_leaves_the_index(organizer):
    """Any write of the status alone (the admin's, a script's) is followed, not only the services'."""
    user, organization = organizer
    event = event_services.create_event(actor=user, organization=organization, **_fields(SECRET))
    event.status = EventStatus.DRAFT
    event.save(update_fields=["status"])
    assert not indexed(event)


def test_a_draft_cannot_be_cancelled_into_the_public_feeds(client, organizer):
    user, organization = organizer
    draft = event_services.create_event(
        actor=user, organization=organization, **_fields(SECRET, status=EventStatus.DRAFT)
    )
    with pytest.raises(ValidationError):
        event_services.cancel_event(actor=user, event=draft)
    assert Event.objects.get(pk=draft.pk).status == EventStatus.DRAFT
    for url in EVENT_FEEDS:
        assert SECRET not in text(client.get(url))


@pytest.mark.parametrize("transition", ["hide", "reject"])
def test_events_of_an_organization_not_published_are_nowhere(
    client, moderator, organizer, transition
):
    user, organization = organizer
    EventFactory(title_ko=f"{WORD} {PUBLIC}", title_en=f"{WORD} {PUBLIC}", organization=None)
    event = event_services.create_event(actor=user, organization=organization, **_fields(SECRET))
    reindex_event(Event.objects.get(title_ko=f"{WORD} {PUBLIC}"))
    assert indexed(event)
    if transition == "hide":
        moderation.hide(actor=moderator, obj=organization, reason="Spam")
    else:
        organization.moderation_status = ModerationStatus.PENDING
        organization.save(update_fields=["moderation_status"])
        moderation.reject(actor=moderator, obj=organization, reason="Not an organization")
    assert not indexed(event)
    assert_found_apart_from_secret(
        client, label="events.event", model=Event, page="/ko/events/", api="/api/v1/events"
    )
    for url in EVENT_FEEDS[:2]:
        assert SECRET not in text(client.get(url))
    assert client.get("/ko/events/feed/organizer/organizer.ics").status_code == 404
    assert client.get(f"/ko/events/{event.pk}/").status_code == 404
    assert client.get(f"/api/v1/events/{event.pk}").status_code == 404
    # Its organizers still see and manage it.
    client.force_login(user)
    assert client.get(f"/ko/events/{event.pk}/").status_code == 200


def test_reindex_keeps_only_public_events(organizer):
    _user, organization = organizer
    public = EventFactory(organization=organization)
    draft = EventFactory(organization=organization, status=EventStatus.DRAFT)
    _write(draft)  # a stale entry from before the rule
    assert reindex(Event) == 1
    assert indexed(public) and not indexed(draft)


# Articles: public when published, due and not hidden ------------------------------------------


NEWS_FEEDS = ("/ko/news/feed/rss/", "/ko/news/feed/atom/")


def _article(title: str, **fields) -> Article:
    article = ArticleFactory(title_ko=f"{WORD} {title}", title_en=f"{WORD} {title}", **fields)
    reindex_article(article)
    return article


def _assert_article_hidden(client, tag=None) -> None:
    feeds = NEWS_FEEDS + (
        (f"/ko/news/tags/{tag.slug}/feed/rss/", f"/ko/news/tags/{tag.slug}/feed/atom/")
        if tag
        else ()
    )
    assert_found_apart_from_secret(
        client,
        label="news.article",
        model=Article,
        page="/ko/news/",
        api="/api/v1/news/articles",
        feeds=feeds,
    )


@pytest.mark.parametrize(
    "fields",
    [
        {"status": ArticleStatus.DRAFT},
        {"status": ArticleStatus.REVIEW},
        {"publish_at": timezone.now() + timedelta(days=3)},  # scheduled, not yet due
        {"moderation_status": ModerationStatus.HIDDEN},
    ],
    ids=["draft", "review", "scheduled", "hidden"],
)
def test_unpublished_article_is_never_indexed(client, fields):
    tag = TagFactory()
    _article(PUBLIC).tags.add(tag)
    secret = _article(SECRET, **fields)
    secret.tags.add(tag)
    assert not indexed(secret)
    _assert_article_hidden(client, tag)


def test_article_leaves_the_index_when_hidden_unpublished_or_deleted(client, moderator, city_staff):
    _article(PUBLIC)
    article = _article(SECRET)
    assert indexed(article)
    moderation.hide(actor=moderator, obj=article, reason="Offensive")
    assert not indexed(article)
    _assert_article_hidden(client)
    moderation.restore(actor=moderator, obj=article)
    assert indexed(article)
    news_services.unpublish_article(actor=city_staff, article=article)
    assert not indexed(article)
    news_services.publish_article(actor=city_staff, article=article)
    assert indexed(article)
    news_services.delete_article(actor=city_staff, article=article)
    assert not SearchEntry.objects.filter(object_id=article.pk).exists()
    assert SECRET not in text(
        client.get("/ko/search/suggest/", {"model": "news.article", "q": WORD[:6]})
    )


# Proposals: public once published by moderation; never a draft, pending, rejected or hidden one --


def test_proposal_is_findable_only_while_public(client, moderator):
    author = UserFactory()
    public = ProposalFactory(author=author, title=f"{WORD} {PUBLIC}")
    reindex_proposal(public)
    draft = participation_services.create_proposal(
        actor=author, title=f"{WORD} {SECRET}", body="<p>초안</p>", language="ko", area=public.area
    )
    assert not indexed(draft)
    participation_services.submit_proposal(actor=author, proposal=draft)
    assert not indexed(draft)  # pending
    titles = [hit.title for hit in search(WORD, model=Proposal)]
    assert any(PUBLIC in title for title in titles) and not any(SECRET in t for t in titles)
    page = text(client.get("/ko/search/", {"q": WORD}))
    assert PUBLIC in page and SECRET not in page
    moderation.hide(actor=moderator, obj=public, reason="광고")
    assert not indexed(public)
    moderation.restore(actor=moderator, obj=public)
    assert indexed(public)


# Recommendations: public once the committee publishes them; a draft never ---------------------


def test_recommendation_is_findable_only_once_published(client):
    public = RecommendationFactory(title=f"{WORD} {PUBLIC}")
    _write(public)
    draft = RecommendationFactory(title=f"{WORD} {SECRET}", state="draft", published_at=None)
    draft.save()  # saved as an edit would be: the index's handler runs
    assert indexed(public) and not indexed(draft)
    titles = [hit.title for hit in search(WORD, model=Recommendation)]
    assert any(PUBLIC in t for t in titles) and not any(SECRET in t for t in titles)
    page = text(client.get("/ko/search/", {"q": WORD}))
    assert PUBLIC in page and SECRET not in page
    assert [t for t in autocomplete(WORD[:6], model=Recommendation) if SECRET in t] == []


@pytest.mark.parametrize("unpublished", [None, "future"])
def test_call_is_findable_only_once_published(client, unpublished):
    from sharehub.programmes.models import Call
    from sharehub.programmes.tests.factories import open_call

    public = open_call(title_ko=f"{WORD} {PUBLIC}", title_en=f"{WORD} {PUBLIC}")
    _write(public)
    when = None if unpublished is None else timezone.now() + timedelta(days=3)
    draft = open_call(title_ko=f"{WORD} {SECRET}", title_en=f"{WORD} {SECRET}", published_at=when)
    draft.save()  # saved as an edit would be: the index's handler runs
    assert indexed(public) and not indexed(draft)
    titles = [hit.title for hit in search(WORD, model=Call)]
    assert any(PUBLIC in t for t in titles) and not any(SECRET in t for t in titles)
    page = text(client.get("/ko/search/", {"q": WORD}))
    assert PUBLIC in page and SECRET not in page
    assert [t for t in autocomplete(WORD[:6], model=Call) if SECRET in t] == []
    for url in ("/ko/support/", "/ko/support/feed/", "/api/v1/programmes/calls"):
        body = text(client.get(url))
        assert PUBLIC in body and SECRET not in body, url


def test_dataset_is_findable_only_once_published(client):
    from sharehub.opendata.models import Dataset
    from sharehub.opendata.tests.factories import DatasetFactory

    public = DatasetFactory(title_ko=f"{WORD} {PUBLIC}", title_en=f"{WORD} {PUBLIC}")
    _write(public)
    draft = DatasetFactory(
        title_ko=f"{WORD} {SECRET}", title_en=f"{WORD} {SECRET}", is_published=False, issued=None
    )
    draft.save()  # saved as an edit would be: the index's handler runs
    assert indexed(public) and not indexed(draft)
    titles = [hit.title for hit in search(WORD, model=Dataset)]
    assert any(PUBLIC in t for t in titles) and not any(SECRET in t for t in titles)
    page = text(client.get("/ko/search/", {"q": WORD}))
    assert PUBLIC in page and SECRET not in page
    assert [t for t in autocomplete(WORD[:6], model=Dataset) if SECRET in t] == []
    for url in (
        "/ko/data/datasets/",
        "/api/v1/data/datasets",
        "/catalog.jsonld",
        "/api/action/package_list",
        "/api/action/package_search",
    ):
        body = text(client.get(url, {"q": WORD} if "datasets" in url else {}))
        assert PUBLIC in body or "package_list" in url, url
        assert SECRET not in body, url


# The second guard: reads re-check what the index holds ---------------------------------------


@pytest.mark.parametrize(
    "model,make",
    [
        (
            Listing,
            lambda: ListingFactory(
                organization=OrganizationFactory(
                    name_ko=f"{WORD} {SECRET}", moderation_status=ModerationStatus.PENDING
                )
            ),
        ),
        (Event, lambda: EventFactory(title_ko=f"{WORD} {SECRET}", status=EventStatus.DRAFT)),
        (Article, lambda: ArticleFactory(title_ko=f"{WORD} {SECRET}", status=ArticleStatus.DRAFT)),
        (
            Recommendation,
            lambda: RecommendationFactory(
                title=f"{WORD} {SECRET}", state="draft", published_at=None
            ),
        ),
    ],
    ids=["listing", "event", "article", "recommendation"],
)
def test_reads_skip_an_entry_the_public_may_not_see(client, model, make):
    """An entry written around the rule (an old index, a bulk load) is still never shown."""
    secret = make()
    _write(secret)
    assert indexed(secret)
    assert search(WORD, model=model) == []
    assert search(SECRET, model=model) == []
    assert autocomplete(WORD[:6], model=model) == []
    label = model._meta.label_lower
    assert SECRET not in text(client.get("/ko/search/suggest/", {"model": label, "q": WORD[:6]}))


# Atom ids are IRIs (RFC 4287 §4.2.6) -----------------------------------------------------------

ATOM = "{http://www.w3.org/2005/Atom}"
TAG_URI = re.compile(r"^tag:[a-z0-9.-]+,\d{4}(-\d{2}(-\d{2})?)?:[A-Za-z0-9;/?:@&=+$.\-_!~*'()%,]+$")


def _is_iri(value: str) -> bool:
    if TAG_URI.match(value):
        return True
    parts = urlsplit(value)
    return parts.scheme in ("http", "https") and bool(parts.netloc) and not re.search(r"\s", value)


def test_every_atom_id_is_an_iri(client):
    tag = TagFactory()
    organization = OrganizationFactory()
    article = ArticleFactory(organization=organization)
    article.tags.add(tag)
    for url in (
        "/ko/news/feed/atom/",
        f"/ko/news/tags/{tag.slug}/feed/atom/",
        f"/ko/news/organizations/{organization.slug}/feed/atom/",
    ):
        root = ET.fromstring(client.get(url).content)
        ids = [root.findtext(f"{ATOM}id")] + [
            entry.findtext(f"{ATOM}id") for entry in root.iter(f"{ATOM}entry")
        ]
        assert len(ids) == 2, url
        assert all(_is_iri(value) for value in ids), ids
        assert ids[1].startswith("tag:") and ids[1].endswith(f":article-{article.pk}")
    # RSS keeps the guid its readers already know.
    assert f"sharehub-article-{article.pk}" in text(client.get("/ko/news/feed/rss/"))
