"""What a query is read with: the synonym dictionary and the district names, prepared once and
kept in the shared cache (every process reads the same), dropped when either changes."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from django.core.cache import cache
from django.db import transaction

from sharehub.core import pagecache
from sharehub.places.models import District

from .analysis import Places, Synonyms, prepare_places, prepare_synonyms
from .models import SynonymGroup


@dataclass(frozen=True)
class Vocabulary:
    synonyms: Synonyms
    places: Places


CACHE_KEY = "search:vocabulary:3"
VERSION_KEY = "search:vocabulary:version"
# A change drops the entry at once; the timeout only bounds what a cache that missed the drop
# (a write racing a read) keeps.
CACHE_SECONDS = 600
# The prepared vocabulary of the version this process last read: reading the shared version
# (a short string) is cheaper than unpickling the vocabulary on every search. Keyed by version,
# so a change made by any process is seen by all at their next search.
_prepared: dict[str, Vocabulary] = {}


def _build() -> Vocabulary:
    groups = SynonymGroup.objects.order_by("pk").values_list("words", flat=True)
    districts = District.objects.order_by("code").values_list("code", "name_ko", "name_en")
    return Vocabulary(
        synonyms=prepare_synonyms([w for w in groups if isinstance(w, list)]),
        places=prepare_places(districts),
    )


def vocabulary() -> Vocabulary:
    """The prepared dictionary and district names: one read of the shared version, then this
    process's copy of that version, else the shared copy, else built from the database."""
    # A page kept for visitors (core.pagecache) goes with what the vocabulary is built from.
    pagecache.depends_on(SynonymGroup, District)
    version = cache.get(VERSION_KEY)
    if isinstance(version, str):
        if version in _prepared:
            return _prepared[version]
        found = cache.get(CACHE_KEY)
        if isinstance(found, tuple) and found[0] == version and isinstance(found[1], Vocabulary):
            _remember(version, found[1])
            return found[1]
    built = _build()
    version = uuid.uuid4().hex
    cache.set_many({CACHE_KEY: (version, built), VERSION_KEY: version}, CACHE_SECONDS)
    _remember(version, built)
    return built


def _remember(version: str, prepared: Vocabulary) -> None:
    _prepared.clear()
    _prepared[version] = prepared


def _drop() -> None:
    cache.delete_many([VERSION_KEY, CACHE_KEY])


def forget() -> None:
    """Drop the shared vocabulary now and again after the commit (a search between the two
    may have cached the old one); every process rebuilds at its next search."""
    _drop()
    transaction.on_commit(_drop)
