"""What a searchable model hands to the index for one object."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

# How a hit serving the whole city is labelled (the hub's search page, a kind's `describe`).
CITY_WIDE_LABEL = _("City-wide")


@dataclass(frozen=True)
class SearchDocument:
    """title: the names in every language ("열린옷장 Open Closet"); body: summaries, descriptions,
    service and category names in every language; keywords: extra words (synonyms, old names,
    a listing's categories, an article's tags), weighed half the body (engine.impacts): labels
    shared by many objects, not what the object says of itself; names: what the object offers by
    name, from its own structured fields (a listing's services:
    "정장 대여 Suit rental"), weighed between the title and the body (engine.impacts). The
    names stay in the body too, where the full-text index reads them.

    display: what a reader is shown, per language code: (title, text) in that language only, so a
    snippet is in the reader's language ("ko" → ("열린옷장", "면접 정장을 …")). A language left out
    or empty falls back to the other one, then to title and body.
    districts: the codes of the districts the object serves; read only for a model registered
    with `by_district=True`. city_wide: it serves the whole city (so every district's search
    finds it); an empty `districts` means the same.
    """

    title: str
    body: str
    keywords: str = ""
    names: str = ""
    display: Mapping[str, tuple[str, str]] = field(default_factory=dict)
    districts: tuple[str, ...] = ()
    city_wide: bool = False
