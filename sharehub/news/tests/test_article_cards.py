"""An article's card (`{% article_card %}`) in both languages, as the included template it
replaced wrote it: kind and date, title, summary or highlight, organization and tags."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.template import Context, Template
from django.utils import translation
from django.utils.safestring import mark_safe

from sharehub.organizations.tests.factories import OrganizationFactory

from .factories import ArticleFactory, TagFactory

pytestmark = pytest.mark.django_db

SEOUL = ZoneInfo("Asia/Seoul")


def _render(article, language: str) -> str:
    with translation.override(language):
        return Template("{% load article_cards %}{% article_card article %}").render(
            Context({"article": article})
        )


def test_a_card_with_its_organization_and_tags():
    # 23:30 UTC on the 4th is the 5th in Seoul: the card shows Seoul's date.
    article = ArticleFactory(
        slug="repair-cafe",
        title_en="",
        summary_ko="고장 난 물건을 <같이> 고칩니다.",
        publish_at=datetime(2026, 12, 4, 23, 30, tzinfo=ZoneInfo("UTC")),
        organization=OrganizationFactory(name_ko="수리 협동조합", name_en="Repair Co-op"),
    )
    article.tags.add(TagFactory(slug="repair & reuse", name_en="Repair", name_ko="수리"))
    assert _render(article, "en") == (
        '<li class="card article-card">\n  <p class="meta"><span class="tag kind-news">News</span> '
        '<time datetime="2026-12-05T08:30:00+09:00">Dec. 5, 2026</time></p>\n'
        f'  <h3><a href="/en/news/articles/repair-cafe/"><span lang="ko">{article.title_ko}</span>'
        ' <span class="tag lang-note">Korean only</span></a></h3>\n'
        '  <p>News of sharing in Seoul.</p>\n  <p class="meta">Repair Co-op</p>\n'
        '  <ul class="chips" aria-label="Tags"><li><a href="/en/news/?tag=repair%20%26%20reuse">'
        "#Repair</a></li></ul>\n</li>"
    )
    korean = _render(article, "ko")
    assert '<time datetime="2026-12-05T08:30:00+09:00">2026년 12월 5일</time>' in korean
    assert "<p>고장 난 물건을 &lt;같이&gt; 고칩니다.</p>" in korean
    assert '<p class="meta">수리 협동조합</p>' in korean and "#수리</a>" in korean


def test_a_search_hit_shows_its_highlight_and_no_empty_parts():
    article = ArticleFactory(organization=None)
    article.highlight = mark_safe("<mark>공유</mark> 소식")
    html = _render(article, "ko")
    assert '<p class="highlight"><mark>공유</mark> 소식</p>' in html
    assert "서울의 공유 소식입니다." not in html
    assert 'class="meta">' in html and "chips" not in html
    assert html.count('<p class="meta">') == 1


def test_cards_read_only_what_a_card_shows_and_nothing_after():
    """`selectors.cards`: the card's columns only, and rendering a card reads nothing more (a
    deferred column read per card would be a query per card)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from sharehub.news import selectors

    organization = OrganizationFactory(name_ko="수리 협동조합", name_en="Repair Co-op")
    for n in range(3):
        ArticleFactory(slug=f"card-{n}", organization=organization)
    read = selectors.latest_articles(limit=3)
    with CaptureQueriesContext(connection) as captured:
        html = "".join(_render(article, language) for article in read for language in ("ko", "en"))
    assert captured.captured_queries == []
    assert html.count("수리 협동조합") == 3 and html.count("Repair Co-op") == 3
    deferred = read[0].get_deferred_fields()
    assert {"body", "body_ko", "review_note", "cover_image"} <= deferred
