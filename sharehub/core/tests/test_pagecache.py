"""Whole pages kept for anonymous visitors (core.pagecache): served again only while nothing they
were built from has been written, never to a signed-in person, with a nonce of their own."""

from __future__ import annotations

import re
import time
from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.db.models import Sum
from django.http import HttpResponse
from django.urls import path
from django.utils import timezone

from sharehub.accounts.tests.factories import UserFactory, give_totp
from sharehub.core import pagecache
from sharehub.core.models import PageVersion
from sharehub.directory.tests.factories import ListingFactory
from sharehub.events import services as events
from sharehub.events.tests.factories import EventFactory
from sharehub.moderation import services as moderation
from sharehub.news import services as news
from sharehub.news.models import ArticleStatus
from sharehub.news.search_index import reindex_article
from sharehub.news.tests.factories import ArticleFactory
from sharehub.organizations.models import Organization
from sharehub.organizations.tests.factories import OrganizationFactory

# Committed for real: versions move at a transaction's commit, which a test wrapped in one
# transaction never reaches (its own uncommitted writes make it build every page afresh).
pytestmark = pytest.mark.django_db(transaction=True)


def _state(response) -> str:
    return response["X-Page-Cache"]


def _kept(client, url: str) -> str:
    """The page as kept: built (twice at most: a list may store a count it lacked the first
    time, a write like any other), then served from the cache."""
    client.get(url)
    client.get(url)
    response = client.get(url)
    assert _state(response) == "hit", url
    return response.content.decode()


def _version(table: str) -> int:
    """The sum of the table's shards (core.models.PageVersion)."""
    return PageVersion.objects.filter(name=table).aggregate(n=Sum("n"))["n"] or 0


# --- what a statement reads and writes ---------------------------------------------------


@pytest.mark.parametrize(
    ("sql", "kind", "tables"),
    [
        (
            'SELECT "a"."id" FROM "events_event" "a" INNER JOIN "organizations_organization" '
            'ON ("a"."organizer_id" = "organizations_organization"."id") LEFT OUTER JOIN "x_y" ON 1',
            "read",
            {"events_event", "organizations_organization", "x_y"},
        ),
        (
            'SELECT COUNT(*) FROM (SELECT 1 FROM "news_article" U0 WHERE U0."id" IN '
            '(SELECT V0."id" FROM "news_tag" V0)) subquery',
            "read",
            {"news_article", "news_tag"},
        ),
        ("SELECT * FROM search_fts WHERE search_fts MATCH %s", "read", {"search_fts"}),
        ('SELECT 1 FROM json_each("a"."b")', "read", set()),
        (
            'INSERT INTO "events_registration" ("event_id") VALUES (%s) RETURNING "id"',
            "write",
            {"events_registration"},
        ),
        ('UPDATE "events_event" SET "taken" = ("taken" + 1)', "write", {"events_event"}),
        ('DELETE FROM "news_article_tags" WHERE 1', "write", {"news_article_tags"}),
        ("INSERT INTO search_fts(search_fts, rowid) VALUES ('delete', 1)", "write", {"search_fts"}),
        (
            'WITH x AS (SELECT 1 FROM "places_district") SELECT * FROM x',
            "read",
            {"places_district", "x"},
        ),
        ('WITH x AS (DELETE FROM "a" RETURNING 1) SELECT 1', "write", {"*"}),
        ('ALTER TABLE "events_event" ADD COLUMN "x" integer', "write", {"*"}),
        ('SAVEPOINT "s1_x1"', "none", set()),
        ('RELEASE SAVEPOINT "s1_x1"', "none", set()),
    ],
)
def test_each_statement_is_read_as_what_it_reads_or_writes(sql, kind, tables):
    found_kind, found_tables = pagecache._classify(sql)
    assert (found_kind, set(found_tables)) == (kind, tables)


def test_a_transaction_bumps_the_tables_it_wrote_once_at_its_commit_and_a_rollback_none():
    table = "organizations_organization"
    before = _version(table)
    with transaction.atomic():
        OrganizationFactory()
        Organization.objects.update(name_en="Renamed")
        assert _version(table) == before  # at the commit, not before
        assert table in connection.pagecache_pending
    assert _version(table) == before + 1
    with pytest.raises(RuntimeError), transaction.atomic():
        Organization.objects.update(name_en="Renamed again")
        raise RuntimeError
    assert _version(table) == before + 1
    assert not connection.pagecache_pending


def test_writes_outside_a_transaction_bump_too():
    """Autocommit: an INSERT … RETURNING (its rows read after the bump) and a plain UPDATE."""
    table = "organizations_organization"
    before = _version(table)
    organization = Organization.objects.create(slug="auto", name_ko="자동", kind="cooperative")
    assert organization.pk and _version(table) == before + 1
    assert Organization.objects.filter(pk=organization.pk).update(name_en="Auto") == 1
    assert _version(table) == before + 2


def test_a_page_built_from_uncommitted_writes_of_its_own_connection_is_not_kept(client):
    with transaction.atomic():
        OrganizationFactory(name_ko="아직 커밋 전")
        for _ in range(3):
            response = client.get("/ko/organizations/")
            assert "아직 커밋 전" in response.content.decode()
            assert _state(response) == "miss"


# --- serving kept pages ------------------------------------------------------------------


def test_an_anonymous_page_is_kept_and_served_with_one_query(client, django_assert_num_queries):
    OrganizationFactory(name_ko="첫 협동조합")
    assert _state(client.get("/ko/organizations/")) == "miss"
    _kept(client, "/ko/organizations/")
    with django_assert_num_queries(1):
        response = client.get("/ko/organizations/")
    assert _state(response) == "hit"
    assert "첫 협동조합" in response.content.decode()
    # Each language and each query string is its own page.
    assert _state(client.get("/en/organizations/")) == "miss"
    assert _state(client.get("/ko/organizations/?page=1")) == "miss"


def test_a_signed_in_person_is_never_served_nor_stores_a_kept_page(client):
    OrganizationFactory()
    person = UserFactory(display_name="로그인한 사람")
    client.force_login(person)
    for _ in range(2):
        response = client.get("/ko/organizations/")
        assert "X-Page-Cache" not in response
        assert "로그인한 사람" in response.content.decode()
    client.logout()
    client.cookies.clear()
    response = client.get("/ko/organizations/")
    assert _state(response) == "miss"
    assert "로그인한 사람" not in response.content.decode()


def test_a_visitor_with_messages_waiting_gets_the_page_built_for_them(client):
    OrganizationFactory()
    client.get("/ko/organizations/")
    client.cookies["messages"] = "anything"
    assert "X-Page-Cache" not in client.get("/ko/organizations/")


def test_a_kept_page_gets_a_new_nonce_in_its_body_and_its_header(client):
    article = ArticleFactory()
    url = article.get_absolute_url()
    nonces = []
    for expected in ("miss", "hit", "hit"):
        response = client.get(url)
        assert _state(response) == expected
        in_header = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"]).group(1)
        in_body = re.findall(r'nonce="([^"]+)"', response.content.decode())
        assert in_body and set(in_body) == {in_header}
        nonces.append(in_header)
    assert len(set(nonces)) == 3


# --- never outliving a write ---------------------------------------------------------------


def test_publish_edit_and_unpublish_of_an_article(client):
    editor = UserFactory(is_city_staff=True)
    draft = ArticleFactory(status=ArticleStatus.DRAFT, publish_at=None, title_ko="곧 나올 글")
    assert "곧 나올 글" not in _kept(client, "/ko/news/")
    news.publish_article(actor=give_totp(editor), article=draft)
    response = client.get("/ko/news/")
    assert (_state(response), "곧 나올 글" in response.content.decode()) == ("miss", True)
    news.update_article(actor=editor, article=draft, title_ko="고친 제목")
    page = client.get(draft.get_absolute_url()).content.decode()
    assert "고친 제목" in page and "고친 제목" in client.get("/ko/news/").content.decode()
    news.unpublish_article(actor=editor, article=draft)
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert "고친 제목" not in client.get("/ko/news/").content.decode()


def test_a_moderator_hiding_an_organization_takes_it_off_every_kept_page(client):
    organization = OrganizationFactory(name_ko="숨겨질 협동조합")
    ListingFactory(organization=organization)
    pages = ["/ko/organizations/", "/ko/directory/", organization.get_absolute_url()]
    for url in pages:
        assert "숨겨질 협동조합" in _kept(client, url)
    moderator = give_totp(UserFactory(is_moderator=True))
    moderation.hide(actor=moderator, obj=organization, reason="신고 확인")
    assert "숨겨질 협동조합" not in client.get("/ko/organizations/").content.decode()
    assert "숨겨질 협동조합" not in client.get("/ko/directory/").content.decode()
    assert client.get(organization.get_absolute_url()).status_code == 404


def test_a_kept_search_follows_the_index(client):
    """Search answers are kept for visitors like any page: an article published, then another
    unpublished, change the kept answer at once."""
    editor = give_totp(UserFactory(is_city_staff=True))
    shown = ArticleFactory(title_ko="공구 나눔 창고 이야기")
    reindex_article(shown)  # the factory saves as an import would; the services index
    url = "/ko/search/?q=공구"  # the word found is marked: the rest of each title is read
    assert "나눔 창고 이야기" in _kept(client, url)
    draft = ArticleFactory(
        status=ArticleStatus.DRAFT, publish_at=None, title_ko="공구 빌려 쓰는 법"
    )
    assert "빌려 쓰는 법" not in client.get(url).content.decode()
    news.publish_article(actor=editor, article=draft)
    assert "빌려 쓰는 법" in client.get(url).content.decode()
    news.unpublish_article(actor=editor, article=shown)
    page = client.get(url).content.decode()
    assert "나눔 창고 이야기" not in page and "빌려 쓰는 법" in page
    assert _state(client.get(url)) == "hit"


def test_registering_and_cancelling_move_the_places_left(client):
    event = EventFactory(capacity=3, title_ko="세 자리 모임")
    url = f"/en{event.get_absolute_url()[3:]}"
    assert "3 places left" in _kept(client, url)
    registration = events.register(actor=UserFactory(), event=event)
    assert "2 places left" in client.get(url).content.decode()
    assert "2 places left" in _kept(client, "/en/events/")
    events.cancel_registration(actor=registration.user, registration=registration)
    assert "3 places left" in client.get(url).content.decode()
    assert "3 places left" in client.get("/en/events/").content.decode()


# --- the race, the clock, what a page says of itself ---------------------------------------


def _reads_then_writes(request):
    """Builds its page from the organizations, and meanwhile a write commits (as another
    request's would while this one renders)."""
    names = list(Organization.objects.values_list("name_ko", flat=True))
    Organization.objects.update(name_en="changed meanwhile")
    return HttpResponse(", ".join(names))


def _expires_soon(request):
    pagecache.valid_until(timezone.now() + timedelta(seconds=5))
    return HttpResponse(", ".join(Organization.objects.values_list("name_ko", flat=True)))


def _refuses(request):
    pagecache.do_not_cache()
    return HttpResponse("today")


urlpatterns = [
    path("race/", _reads_then_writes, name="race"),
    path("soon/", _expires_soon, name="soon"),
    path("refuses/", _refuses, name="refuses"),
]


@pytest.fixture
def test_views(settings):
    settings.ROOT_URLCONF = __name__
    settings.PAGE_CACHE_VIEWS = ["race", "soon", "refuses"]


def test_a_write_committed_while_a_page_is_built_makes_it_stale_at_once(client, test_views):
    OrganizationFactory(name_ko="경쟁")
    assert _state(client.get("/race/")) == "miss"
    assert _state(client.get("/race/")) == "miss"


def test_a_page_that_changes_by_the_clock_lives_no_longer(client, test_views, monkeypatch):
    OrganizationFactory()
    assert _state(client.get("/soon/")) == "miss"
    assert _state(client.get("/soon/")) == "hit"
    later = time.time() + 6
    monkeypatch.setattr(pagecache.time, "time", lambda: later)
    assert _state(client.get("/soon/")) == "miss"


def test_a_page_may_refuse_to_be_kept(client, test_views):
    assert _state(client.get("/refuses/")) == "miss"
    assert _state(client.get("/refuses/")) == "miss"


def test_the_cache_can_be_turned_off(client, settings):
    settings.PAGE_CACHE_SECONDS = 0
    OrganizationFactory()
    assert "X-Page-Cache" not in client.get("/ko/organizations/")


def test_the_wrapper_is_on_every_connection():
    connection.ensure_connection()
    assert pagecache.track in connection.execute_wrappers


def test_a_long_statement_is_classified_each_time_and_not_held():
    """Statements are remembered per process, but not one of many kilobytes (a bulk insert, a
    long IN list): it is read as any other, and the memo does not hold it."""
    pagecache._classified.cache_clear()
    ids = ", ".join(str(n) for n in range(5000))
    long_read = f'SELECT "id" FROM "events_event" WHERE "id" IN ({ids})'
    assert len(long_read) > pagecache._CLASSIFIED_MAX_CHARS
    assert pagecache._classify(long_read) == ("read", frozenset({"events_event"}))
    short = 'SELECT "id" FROM "events_event" WHERE "id" = %s'
    for _ in range(3):
        assert pagecache._classify(short) == ("read", frozenset({"events_event"}))
    info = pagecache._classified.cache_info()
    assert info.currsize == 1 and info.hits == 2
