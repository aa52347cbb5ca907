"""A listing card's chips (`selectors.with_category_names`): the names in the page's language,
the other language's where one is missing (as the model's fields fall back), in the categories'
order, one query for the whole page."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from sharehub.directory.selectors import with_category_names

from .factories import CategoryFactory, ListingFactory

pytestmark = pytest.mark.django_db


def test_names_in_the_page_language_with_the_fields_fallback_in_the_categories_order():
    tools = CategoryFactory(slug="test-tools", order=2, name_ko="공구", name_en="Tools")
    books = CategoryFactory(slug="test-books", order=1, name_ko="도서", name_en="")
    cars = CategoryFactory(slug="test-cars", order=3, name_ko="", name_en="Car sharing")
    first, second, bare = ListingFactory(), ListingFactory(), ListingFactory()
    first.categories.set([tools, books, cars])
    second.categories.set([tools])
    for language, expected in (
        ("ko", ["도서", "공구", "Car sharing"]),
        ("en", ["도서", "Tools", "Car sharing"]),
    ):
        with translation.override(language):
            # What the model's own fields show, in the prefetch's order: the names must agree.
            shown = [c.name for c in first.categories.order_by("order", "slug")]
            with CaptureQueriesContext(connection) as captured:
                listings = with_category_names([first, second, bare])
        assert len(captured.captured_queries) == 1
        assert listings[0].category_names == expected == shown
        assert listings[1].category_names == ["공구" if language == "ko" else "Tools"]
        assert listings[2].category_names == []
