"""What a searchable model hands to the index for one object."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SearchDocument:
    """title: the names in every language ("열린옷장 Open Closet"); body: summaries, descriptions,
    service and category names in every language; keywords: extra words (synonyms, old names)."""

    title: str
    body: str
    keywords: str = ""
