"""core.urlmemo and `{% url %}`: the same URL as Django's reverse, reversed once per key."""

from __future__ import annotations

from unittest import mock

import pytest
from django.template import Context, RequestContext, Template, engines
from django.template.engine import Engine
from django.test import RequestFactory, override_settings
from django.urls import NoReverseMatch, clear_script_prefix, set_script_prefix
from django.urls import reverse as django_reverse
from django.urls import translate_url as django_translate_url
from django.utils import translation

from sharehub.core import urlmemo
from sharehub.core.templatetags.url_memo import MemoURLNode


@pytest.fixture(autouse=True)
def fresh():
    urlmemo._reversed.cache_clear()
    urlmemo._translated.cache_clear()
    yield
    urlmemo._reversed.cache_clear()
    urlmemo._translated.cache_clear()


@pytest.fixture
def counted():
    with mock.patch.object(urlmemo, "django_reverse", wraps=django_reverse) as spy:
        yield spy


@pytest.mark.parametrize("language", ["ko", "en"])
def test_same_url_as_django_reversed_once(language, counted):
    with translation.override(language):
        for _ in range(3):
            assert urlmemo.reverse("core:home") == django_reverse("core:home")
            assert urlmemo.reverse("news:page", kwargs={"slug": "sharing-city"}) == django_reverse(
                "news:page", kwargs={"slug": "sharing-city"}
            )
            assert urlmemo.reverse("events:detail", args=[7]) == f"/{language}/events/7/"
    assert counted.call_count == 3  # one per name and arguments


def test_the_language_and_the_script_prefix_are_part_of_the_key():
    with translation.override("ko"):
        assert urlmemo.reverse("core:home") == "/ko/"
    with translation.override("en"):
        assert urlmemo.reverse("core:home") == "/en/"
    set_script_prefix("/hub/")
    try:
        with translation.override("ko"):
            assert urlmemo.reverse("core:home") == "/hub/ko/"
    finally:
        clear_script_prefix()
    with translation.override("ko"):
        assert urlmemo.reverse("core:home") == "/ko/"


def test_an_object_argument_is_reversed_every_time(counted):
    class Slug:
        def __init__(self, text: str) -> None:
            self.text = text

        def __str__(self) -> str:
            return self.text

    slug = Slug("first")
    with translation.override("ko"):
        assert urlmemo.reverse("news:page", args=[slug]) == "/ko/news/pages/first/"
        slug.text = "second"
        assert urlmemo.reverse("news:page", args=[slug]) == "/ko/news/pages/second/"
    assert counted.call_count == 2


def test_a_changed_urlconf_forgets():
    with translation.override("ko"):
        urlmemo.reverse("core:home")
    assert urlmemo._reversed.cache_info().currsize == 1
    with override_settings(ROOT_URLCONF="sharehub.urls"):
        assert urlmemo._reversed.cache_info().currsize == 0


def test_a_missing_name_raises_and_is_not_remembered():
    with pytest.raises(NoReverseMatch):
        urlmemo.reverse("core:nowhere")
    assert urlmemo._reversed.cache_info().currsize == 0


TEMPLATE = (
    "{% url 'core:home' %}|{% url 'news:page' 'sharing-city' %}|{% url 'news:page' slug=slug %}"
    "|{% url 'events:detail' pk %}|{% url 'core:nowhere' as missing %}[{{ missing }}]"
    "|{% url name %}"
)


@pytest.mark.parametrize("language", ["ko", "en"])
def test_url_tag_writes_what_djangos_writes(language, counted):
    node = engines["django"].from_string("{% url 'core:home' %}").template.nodelist[0]
    assert isinstance(node, MemoURLNode)  # every template's {% url %} (settings.TEMPLATES)
    values = {"slug": "a-b", "pk": 3, "name": "news:list"}
    ours = engines["django"].from_string(TEMPLATE)
    djangos = Engine(builtins=[]).from_string(TEMPLATE)
    with translation.override(language):
        expected = djangos.render(Context(values))
        assert ours.render(values) == expected
        assert ours.render(values) == expected
    assert f"/{language}/news/pages/a-b/" in expected and f"/{language}/events/3/" in expected
    assert counted.call_count == 6 + 1  # each once; the missing name, never remembered, twice


def test_url_tag_raises_for_a_missing_name():
    with pytest.raises(NoReverseMatch):
        Template("{% url 'core:nowhere' %}").render(Context())


def test_url_tag_reverses_in_the_current_app():
    request = RequestFactory().get("/")
    request.current_app = "admin"
    with translation.override("ko"):
        rendered = Template("{% url 'admin:index' %}").render(RequestContext(request))
    assert rendered == django_reverse("admin:index", current_app="admin")


@pytest.mark.parametrize(
    "url",
    [
        "/ko/",
        "/ko/events/7/",
        "/ko/directory/?q=%EA%B3%B5%EA%B5%AC&district=11440",
        "/ko/news/articles/sharing-city/?page=2#comments",
        "/ko/no-such-page/?x=1",
        "/health/",
        "/en/events/",
    ],
)
@pytest.mark.parametrize("active", ["ko", "en"])
def test_translate_url_is_djangos_in_every_language(url, active):
    with translation.override(active):
        for code in ("ko", "en"):
            for _ in range(2):
                assert urlmemo.translate_url(url, code) == django_translate_url(url, code)


def test_translate_url_is_translated_once_per_path_whatever_its_query():
    with (
        mock.patch.object(urlmemo, "django_translate_url", wraps=django_translate_url) as spy,
        translation.override("ko"),
    ):
        assert urlmemo.translate_url("/ko/events/?page=2", "en") == "/en/events/?page=2"
        assert urlmemo.translate_url("/ko/events/?page=3", "en") == "/en/events/?page=3"
        assert urlmemo.translate_url("/ko/events/", "en") == "/en/events/"
        assert spy.call_count == 1
        urlmemo.translate_url("/ko/events/", "ko")
        assert spy.call_count == 2  # another target language is another key
    with translation.override("en"):
        # Resolved in another language ("/ko/…" does not resolve under English): another key.
        assert urlmemo.translate_url("/ko/events/", "en") == django_translate_url(
            "/ko/events/", "en"
        )
