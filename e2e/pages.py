"""Addresses of the pages the browser tests visit, reversed by URL name in a given language."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

LANGUAGES = ["ko", "en"]
PHONE_WIDTH = 375


def url(name: str, lang: str, **kwargs) -> str:
    """The path of a named page under /{lang}/ (i18n_patterns prefix the active language)."""
    with translation.override(lang):
        return reverse(name, kwargs=kwargs or None)


def main_pages(lang: str, *, organization_slug: str, district_slug: str) -> dict[str, str]:
    """The hub's main public pages: label → path."""
    return {
        "home": url("core:home", lang),
        "signup": url("account_signup", lang),
        "login": url("account_login", lang),
        "organization-list": url("organizations:list", lang),
        "organization-detail": url("organizations:detail", lang, slug=organization_slug),
        "district-list": url("places:list", lang),
        "district-detail": url("places:detail", lang, slug=district_slug),
        "proposal-list": url("participation:list", lang),
        "committee-list": url("participation:committees", lang),
        "recommendation-list": url("participation:recommendations", lang),
        "result-list": url("participation:results", lang),
        "answers-due": url("participation:due", lang),
        "space-list": url("facilities:list", lang),
        "space-results": url("facilities:results", lang),
    }


def open_menu(page) -> None:
    """Open the header menu where it is folded (phones); on wide screens it is always shown."""
    summary = page.locator("details.menu > summary")
    if summary.is_visible() and page.locator("details.menu[open]").count() == 0:
        summary.click()


def assert_no_horizontal_scroll(page, label: str) -> None:
    widths = page.evaluate(
        "() => ({scroll: document.documentElement.scrollWidth, body: document.body.scrollWidth,"
        " client: document.documentElement.clientWidth})"
    )
    if widths["scroll"] > PHONE_WIDTH:
        wide = page.evaluate(
            """(limit) => [...document.querySelectorAll('body *')]
                .filter(e => e.getBoundingClientRect().right > limit + 1)
                .slice(0, 8).map(e => e.tagName.toLowerCase() + (e.className ? '.' + e.className : '')
                + ' right=' + Math.round(e.getBoundingClientRect().right))""",
            PHONE_WIDTH,
        )
        pytest.fail(f"{label} scrolls sideways: {widths}; widest elements: {wide}")


def paste_rich_text(page, field_id: str, html: str) -> None:
    """Put HTML into the rich-text editor of field `field_id` as a paste would (core/js/editor.js
    keeps the hidden textarea in step); where the editor did not start, fill the textarea."""
    surface = f"#{field_id}_surface"
    if page.locator(surface).count():
        page.evaluate(
            "([selector, html]) => {"
            " const quill = Quill.find(document.querySelector(selector).closest('.ql-container'));"
            " quill.setContents(quill.clipboard.convert({html}), 'user'); }",
            [surface, html],
        )
    else:
        page.fill(f"#{field_id}", html)


def pick(page, field_id: str, *choices: str | tuple[str, str]) -> None:
    """Choose in the searchable picker of `field_id` by keyboard, then leave it with Escape. Each
    choice is a text to type and take as it is (the first match, or a new name), or (text, option):
    type the text, wait for that option among the answers, move to it with the arrow keys, Enter."""
    control = page.locator(f"#{field_id}-ts-control")
    dropdown = page.locator(f"#{field_id}-ts-dropdown")
    control.focus()
    for choice in choices:
        typed, wanted = choice if isinstance(choice, tuple) else (choice, None)
        control.press_sequentially(typed)
        if wanted is None:
            dropdown.locator(".active").first.wait_for()
        else:
            dropdown.locator("[data-selectable]", has_text=wanted).first.wait_for()
            for _ in range(20):
                if wanted in (dropdown.locator(".active").first.inner_text() or ""):
                    break
                control.press("ArrowDown")
        control.press("Enter")
    control.press("Escape")
