"""Index sync (update, delete, reindex), junk input, highlighting, autocomplete."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sharehub.accounts.models import User
from sharehub.moderation import services as moderation
from sharehub.moderation.models import ModerationStatus
from sharehub.organizations.models import Organization
from sharehub.organizations.tests.factories import OrganizationFactory
from sharehub.search import engine
from sharehub.search.analysis import ANALYSIS_VERSION
from sharehub.search.engine import _without_subsumed
from sharehub.search.models import SearchEntry
from sharehub.search.selectors import autocomplete, search
from sharehub.search.services import index_object, reindex, remove_object

JUNK = [
    '"',
    '""',
    "'",
    "\\",
    '"열린옷장',
    "AND",
    "OR",
    "NOT",
    "a AND",
    "OR OR",
    "NEAR(a b)",
    "NEAR/2",
    "*",
    "공*",
    "title:x",
    "{title body}: x",
    "-x",
    "^x",
    "a:b:c",
    "(",
    ")",
    "(()",
    "+",
    "&",
    "|",
    "!",
    "<->",
    ":*",
    "':*A",
    "😀",
    "🏳️‍🌈",
    "a",
    "가",
    "ㄱ",
    "\x00",
    "\n\t",
    " ",
    "",
    "%",
    "_",
    "%_%",
    "--",
    "/*",
    "'; DROP TABLE x; --",
    "가" * 1000,
    "a " * 500,
    "정장을 " * 200,
    "x" * 5000,
    "\u200b",
    "\ufeff",
    "ﾃｽﾄ",
    "Ａ",
    "ǅ",
    "ﷺ",
    "ß",
]


def ids(hits) -> list[int]:
    return [hit.object_id for hit in hits]


@pytest.fixture
def closet(searchable_organizations):
    organization = OrganizationFactory(
        slug="open-closet",
        name_ko="열린옷장",
        name_en="Open Closet",
        description_ko="면접 정장을 대여합니다.",
        description_en="Suit rental.",
    )
    index_object(organization)
    return organization


def test_index_object_is_an_upsert(closet):
    index_object(closet)
    assert SearchEntry.objects.filter(object_id=closet.pk).count() == 1


def test_update_changes_results_immediately(closet):
    assert ids(search("정장", model=Organization)) == [closet.pk]
    closet.description_ko = "한복을 대여합니다."
    closet.description_en = "Hanbok rental."
    closet.save()
    index_object(closet)
    assert search("정장", model=Organization) == []
    assert search("suit", model=Organization) == []
    assert ids(search("한복을", model=Organization)) == [closet.pk]


def test_delete_changes_results_immediately(closet):
    remove_object(closet)
    assert search("열린옷장", model=Organization) == []
    assert autocomplete("열린", model=Organization) == []
    assert not SearchEntry.objects.exists()
    remove_object(closet)  # twice is harmless


@pytest.mark.skipif("connection.vendor != 'sqlite'")
def test_fts_row_goes_with_the_entry(closet):
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM search_fts")
        assert cursor.fetchone()[0] == 1
        remove_object(closet)
        cursor.execute("SELECT count(*) FROM search_fts")
        assert cursor.fetchone()[0] == 0


@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_document_row_goes_with_the_entry(closet):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM search_document d JOIN search_searchentry e ON e.id = d.entry_id"
        )
        assert cursor.fetchone()[0] == 1
        index_object(closet)  # an update replaces the row, never adds one
        cursor.execute("SELECT count(*) FROM search_document")
        assert cursor.fetchone()[0] == 1
        remove_object(closet)
        cursor.execute("SELECT count(*) FROM search_document")
        assert cursor.fetchone()[0] == 0


def test_typo_with_no_strict_candidate_falls_back_to_the_broad_set(searchable_organizations):
    # 쏘까 and 쏘카 share no three letters (ㅆㅗㄲㅏ / ㅆㅗㅋㅏ) and 2 of 5 trigrams: only the broad pass finds it.

    socar = OrganizationFactory(name_ko="쏘카", name_en="SoCar")
    index_object(socar)
    content_type_id = SearchEntry.objects.get().content_type_id
    assert engine.fuzzy_candidates(content_type_id, ["ㅆㅗㄲㅏ"], strict=True) == []
    assert ids(search("쏘까", model=Organization)) == [socar.pk]


def test_a_kind_with_no_entries_is_not_searched(searchable_organizations):
    """The hub's search page asks every kind: one with no entries costs the one query that
    counts its entries and its words' matches, and nothing else (no match, no any-term or typo
    fallback over the index, which on PostgreSQL read every other kind's matches)."""
    from django.test.utils import CaptureQueriesContext

    from sharehub.events.models import Event

    index_object(OrganizationFactory(name_ko="쏘카", name_en="SoCar"))
    search("워밍업", model=Event)  # content types and the dictionary, read once per process
    for q in ("쏘까", "쏘카 공구", "socar"):
        with CaptureQueriesContext(connection) as queries:
            assert search(q, model=Event) == []
        index_reads = [
            query["sql"]
            for query in queries.captured_queries
            if "search_fts" in query["sql"] or "search_document" in query["sql"]
        ]
        # SQLite counts the words' matches with the entries, PostgreSQL stops at the entries.
        assert len(index_reads) <= 1, (q, index_reads)
        assert all(sql.startswith("SELECT (SELECT count(*) FROM") for sql in index_reads), q
    assert ids(search("쏘까", model=Organization))  # the kind with entries still reads them


def test_a_common_word_ranks_the_titles_holding_it_then_lists_the_others(
    searchable_organizations, monkeypatch
):
    """engine.match_broad, for a word too common to rank every match: the entries with it in
    their title first, ranked, then the others, each match once."""
    monkeypatch.setattr(engine, "COMMON_TERM_ENTRIES", 2)
    titled = [
        OrganizationFactory(name_ko=f"{name} 공구도서관", name_en="Tool Library")
        for name in ("마을", "골목", "동네")
    ]
    others = [
        OrganizationFactory(
            name_ko=f"{name} 모임", name_en="Club", description_ko="공구를 빌려줍니다."
        )
        for name in ("수요", "목요")
    ]
    for organization in [*others, *titled]:
        index_object(organization)
    broad = engine.match_broad
    calls = []
    monkeypatch.setattr(
        engine, "match_broad", lambda *args, **kwargs: calls.append(1) or broad(*args, **kwargs)
    )
    found = ids(search("공구", model=Organization))
    assert calls, "the common word's search went through match_broad"
    assert sorted(found[:3]) == sorted(o.pk for o in titled)
    assert sorted(found[3:]) == sorted(o.pk for o in others)


def test_alternatives_asking_for_more_terms_are_dropped():

    assert _without_subsumed([["운동", "기구"], ["운동", "동기", "기구"]]) == [["운동", "기구"]]
    assert _without_subsumed([["운동", "동기", "기구"], ["운동", "기구"]]) == [["운동", "기구"]]
    assert _without_subsumed([["a", "b"], ["b", "a"]]) == [["a", "b"]]
    assert _without_subsumed([["a"], ["b"]]) == [["a"], ["b"]]


def test_reindex_indexes_everything_and_drops_stale_entries(closet):
    other = OrganizationFactory(name_ko="공구도서관", name_en="Tool Library")
    assert search("공구", model=Organization) == []
    SearchEntry.objects.filter(object_id=closet.pk).update(
        object_id=999999
    )  # an object that is gone
    assert reindex(Organization) == 2
    assert ids(search("공구", model=Organization)) == [other.pk]
    assert not SearchEntry.objects.filter(object_id=999999).exists()


def test_reindex_command(closet):
    call_command("reindex_search", "--model", "organizations.Organization")
    call_command("reindex_search")
    assert ids(search("열린옷장", model=Organization)) == [closet.pk]


def test_reindex_command_rejects_unsearchable_model(db):

    with pytest.raises(CommandError):
        call_command("reindex_search", "--model", "accounts.User")


def test_unregistered_model_cannot_be_indexed(db):
    with pytest.raises(ImproperlyConfigured):
        index_object(OrganizationFactory())


def test_search_is_per_model(closet, user):

    assert search("열린옷장", model=User) == []


@pytest.mark.parametrize("query", JUNK)
def test_junk_never_raises(closet, query):
    assert isinstance(search(query, model=Organization), list)
    assert isinstance(autocomplete(query, model=Organization), list)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(query=st.text(max_size=1000))
def test_any_unicode_never_raises(closet, query):
    for hit in search(query, model=Organization):
        assert hit.object_id == closet.pk
    autocomplete(query, model=Organization)


def test_operators_are_words_not_syntax(closet):
    assert ids(search('"Open" AND closet*', model=Organization)) == [closet.pk]
    assert ids(search("NEAR(열린옷장)", model=Organization)) == [closet.pk]


def test_highlight_marks_matches_and_escapes_everything_else(searchable_organizations):
    organization = OrganizationFactory(
        name_ko="<script>alert(1)</script> 공구도서관",
        name_en="Tool & <b>Library</b>",
        description_ko="공구를 <img src=x onerror=alert(1)> 빌려줍니다.",
    )
    index_object(organization)
    [hit] = search("공구", model=Organization)
    assert (
        "<script>" not in hit.highlight
        and "<img" not in hit.highlight
        and "<b>" not in hit.highlight
    )
    assert "&lt;script&gt;" in hit.highlight
    assert "&amp;" in hit.highlight
    assert "<mark>공구</mark>" in hit.highlight


def test_highlight_follows_spacing(searchable_organizations):
    organization = OrganizationFactory(name_ko="공구 도서관", name_en="Tools")
    index_object(organization)
    [hit] = search("공구도서관", model=Organization)
    assert "<mark>공구 도서관</mark>" in hit.highlight


def test_typo_hits_are_highlighted(closet):
    [hit] = search("Opne Closet", model=Organization)
    assert "<mark>Closet</mark>" in hit.highlight


def test_exact_name_ranks_first(searchable_organizations):
    longer = OrganizationFactory(
        name_ko="열린옷장 나눔 장터", name_en="Market", description_ko="열린옷장 열린옷장"
    )
    exact = OrganizationFactory(name_ko="열린옷장", name_en="Open Closet")
    index_object(longer)
    index_object(exact)
    assert ids(search("열린옷장", model=Organization))[:2] == [exact.pk, longer.pk]


def test_limit(corpus):
    assert len(search("공유", model=Organization, limit=3)) == 3


def test_autocomplete_prefixes_in_both_languages(corpus):
    assert autocomplete("열린", model=Organization) == ["열린옷장 Open Closet"]
    assert autocomplete("open cl", model=Organization) == ["열린옷장 Open Closet"]
    assert autocomplete("Clo", model=Organization) == ["열린옷장 Open Closet"]
    assert "공구도서관 Tool Library" in autocomplete("공구도", model=Organization)
    assert "공구도서관 Tool Library" in autocomplete(
        "공구ㄷ", model=Organization
    )  # syllable still being typed
    assert len(autocomplete("공", model=Organization, limit=2)) <= 2
    assert autocomplete("", model=Organization) == []


def test_highlights_are_built_when_read_with_one_query_for_all_hits(
    corpus, django_assert_max_num_queries
):
    hits = search("공유", model=Organization)
    assert len(hits) > 3
    # One SELECT of the bodies (plus a savepoint on PostgreSQL), whichever hit is read first.
    with django_assert_max_num_queries(3):
        highlights = [hit.highlight for hit in reversed(hits)]
    with django_assert_max_num_queries(0):
        assert [hit.highlight for hit in reversed(hits)] == highlights
    assert any("<mark>" in h for h in highlights)


def test_every_moderation_decision_moves_the_object_in_the_same_transaction(
    moderated_organizations, moderator
):
    """Hide, restore, reject and publish: the index follows `moderation_changed`, sent inside the
    decision's transaction, even where the saved fields are not watched."""
    organization = OrganizationFactory(name_ko="나눔창고", name_en="Sharing Depot")
    index_object(organization)
    entries = SearchEntry.objects.filter(object_id=organization.pk)
    assert entries.exists()
    moderation.hide(actor=moderator, obj=organization, reason="Spam")
    assert not entries.exists() and autocomplete("나눔", model=Organization) == []
    moderation.restore(actor=moderator, obj=organization)
    assert entries.exists() and autocomplete("나눔", model=Organization) == [
        "나눔창고 Sharing Depot"
    ]
    pending = OrganizationFactory(name_ko="대기창고", moderation_status=ModerationStatus.PENDING)
    index_object(pending)
    assert not SearchEntry.objects.filter(object_id=pending.pk).exists()
    moderation.publish(actor=moderator, obj=pending)
    assert SearchEntry.objects.filter(object_id=pending.pk).exists()


def test_entries_of_an_older_analysis_are_rebuilt(closet):
    SearchEntry.objects.update(analysis_version=0, terms="")
    call_command("reindex_search", "--stale")
    entry = SearchEntry.objects.get()
    assert entry.analysis_version == ANALYSIS_VERSION and "정장" in entry.terms
    assert ids(search("정장", model=Organization)) == [closet.pk]
