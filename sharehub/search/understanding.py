"""How the search read a query, told back to the reader: the districts it kept, and the other
words it looked for (the synonym dictionary), in the reader's script."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from sharehub.places.models import District

from .analysis import normalize, surface_words
from .selectors import district_names, read_query, reader_language

MAX_ALSO = 8
_HANGUL = re.compile(r"[\uac00-\ud7a3]")


@dataclass
class Understanding:
    districts: list[District] = field(default_factory=list)
    text: str = ""  # the query without its district names
    also: list[str] = field(default_factory=list)


def understanding(q: str) -> Understanding:
    analysis = read_query(q)
    typed = "".join(surface_words(q))
    korean = reader_language() == "ko"
    also = [
        word
        for unit in analysis.units
        for word in unit.synonyms
        if bool(_HANGUL.search(word)) == korean and "".join(surface_words(word)) not in typed
    ]
    return Understanding(
        districts=district_names(analysis.districts),
        text=" ".join(unit.text for unit in analysis.units)
        if analysis.districts
        else normalize(q).strip(),
        also=list(dict.fromkeys(also))[:MAX_ALSO],
    )
