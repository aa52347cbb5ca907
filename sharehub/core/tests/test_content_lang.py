"""{% content %} (core/templatetags/content_lang.py): a text shown in the other language says so,
on the tag alone and on the pages that use it."""

from __future__ import annotations

import pytest
from django.template import Context, Template, TemplateSyntaxError
from django.utils import translation

from sharehub.core.templatetags.content_lang import shown_language
from sharehub.directory.tests.factories import ListingFactory, ServiceFactory
from sharehub.events.tests.factories import EventFactory
from sharehub.news.tests.factories import ArticleFactory
from sharehub.organizations.tests.factories import OrganizationFactory

pytestmark = pytest.mark.django_db


def render(source: str, language: str, **context) -> str:
    with translation.override(language):
        return Template("{% load content_lang %}" + source).render(Context(context))


def page(client, url: str, language: str) -> str:
    response = client.get(url.replace("/ko/", f"/{language}/", 1))
    assert response.status_code == 200, url
    return response.content.decode()


def test_the_shown_language_follows_modeltranslation():
    both = OrganizationFactory.build(description_ko="한국어", description_en="English")
    korean = OrganizationFactory.build(description_ko="한국어", description_en="")
    english = OrganizationFactory.build(description_ko="", description_en="English")
    for language, obj, expected in [
        ("ko", both, "ko"),
        ("en", both, "en"),
        ("en", korean, "ko"),
        ("ko", korean, "ko"),
        ("ko", english, "en"),
        ("en", english, "en"),
    ]:
        with translation.override(language):
            assert shown_language(obj, "description") == expected, (language, obj.description_en)
    nothing = OrganizationFactory.build(description_ko="", description_en="")
    assert shown_language(nothing, "description") is None
    # A field that is not translated has no language of its own.
    assert shown_language(both, "website") is None


def test_a_translated_text_is_plain_and_a_fallback_is_marked():
    organization = OrganizationFactory.build(description_ko="공구를 빌려줍니다.", description_en="")
    source = '{% content org "description" tag="p" class="lead" %}'
    assert render(source, "ko", org=organization) == '<p class="lead">공구를 빌려줍니다.</p>'
    assert render(source, "en", org=organization) == (
        '<p class="lead"><span lang="ko">공구를 빌려줍니다.</span> '
        '<span class="tag lang-note">Korean only</span></p>'
    )
    english = OrganizationFactory.build(description_ko="", description_en="We lend tools.")
    html = render(source, "ko", org=english)
    assert '<span lang="en">We lend tools.</span>' in html and "영어로만 제공" in html


def test_blocks_names_truncation_and_escaping():
    organization = OrganizationFactory.build(
        name_ko="나눔<가게>", name_en="", description_ko="첫 줄\n\n둘째 줄", description_en=""
    )
    block = render(
        '{% content org "description" tag="div" format="linebreaks" %}', "en", org=organization
    )
    assert block == (
        '<div><p class="lang-note-line"><span class="tag lang-note">Korean only</span></p>'
        '<div lang="ko"><p>첫 줄</p>\n\n<p>둘째 줄</p></div></div>'
    )
    # A name keeps its language without a note; markup in it is escaped.
    assert render('{% content org "name" marker=False %}', "en", org=organization) == (
        '<span lang="ko">나눔&lt;가게&gt;</span>'
    )
    short = render('{% content org "description" truncate=3 %}', "ko", org=organization)
    assert short == "첫 …"
    # Nothing to show: no element either.
    empty = OrganizationFactory.build(description_ko="", description_en="")
    assert render('{% content org "description" tag="p" %}', "en", org=empty) == ""
    with pytest.raises(TemplateSyntaxError):
        render('{% content org "description" format="markdown" %}', "ko", org=organization)


def test_pages_say_when_a_text_is_korean_only(client):
    korean_only = OrganizationFactory(
        name_en="", description_ko="동네 공구를 빌려줍니다.", description_en=""
    )
    listing = ListingFactory(
        organization=korean_only,
        summary_ko="공구 대여",
        summary_en="",
        description_ko="",
        description_en="",
    )
    ServiceFactory(listing=listing, name_ko="공구 대여 서비스", name_en="")
    translated = OrganizationFactory(
        description_ko="옷을 나눕니다.", description_en="We share clothes."
    )
    ListingFactory(organization=translated, summary_ko="옷 나눔", summary_en="Clothes swap")
    event = EventFactory(title_en="", summary_en="")
    article = ArticleFactory(title_en="", summary_en="", body_en="")
    urls = [
        korean_only.get_absolute_url(),
        listing.get_absolute_url(),
        event.get_absolute_url(),
        article.get_absolute_url(),
        "/ko/directory/",
        "/ko/organizations/",
        "/ko/events/",
        "/ko/news/",
    ]
    for url in urls:
        english = page(client, url, "en")
        assert 'lang="ko"' in english and "Korean only" in english, url
        korean = page(client, url, "ko")
        assert "영어로만 제공" not in korean and "Korean only" not in korean, url
    # Fully translated: no note on either page.
    for url in (translated.get_absolute_url(), translated.listing.get_absolute_url()):
        assert "Korean only" not in page(client, url, "en")
        assert "영어로만 제공" not in page(client, url, "ko")
