"""Short, readable addresses (slugs) for things named in Korean or English, and the addresses they
had before.

A Hangul slug is readable in an address bar but travels as percent-escapes (`아이들랏` is 36
characters of `%EC%95%84…` once copied into a message), so every address the hub makes is plain
ASCII: the English name when there is one, else the Korean name in Revised Romanization
(`열린옷장` → `yeollinotjang`), cut at a word boundary. When an address changes, the old one is kept
(`FormerSlug`) and the page answers it with a permanent redirect (`moved`).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.db import models
from django.http import Http404, HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.utils.text import slugify

from .models import FormerSlug

# Revised Romanization of Korean (문화체육관광부 고시 제2000-8호), letter by letter, with the two
# sound rules that matter most for names: a final consonant carried over to a following vowel
# (liaison) and ㄹㄹ read as "ll". Other assimilations are left out: an address needs to be
# readable and stable, not a phonetic transcription.
_INITIALS = [
    "g",
    "kk",
    "n",
    "d",
    "tt",
    "r",
    "m",
    "b",
    "pp",
    "s",
    "ss",
    "",
    "j",
    "jj",
    "ch",
    "k",
    "t",
    "p",
    "h",
]
_VOWELS = ["a", "ae", "ya", "yae", "eo", "e", "yeo", "ye", "o", "wa", "wae", "oe", "yo", "u", "wo", "we",
           "wi", "yu", "eu", "ui", "i"]  # fmt: skip
_FINALS = ["", "k", "k", "k", "n", "n", "n", "t", "l", "k", "m", "l", "l", "l", "p", "l", "m", "p", "p",
           "t", "t", "ng", "t", "t", "k", "t", "p", "t"]  # fmt: skip
# A final consonant before a syllable that starts with a vowel (initial ㅇ) is said as an initial.
_CARRIED = {1: "g", 2: "kk", 4: "n", 7: "d", 8: "r", 16: "m", 17: "b", 19: "s", 20: "ss", 22: "j",
            23: "ch", 24: "k", 25: "t", 26: "p", 27: ""}  # fmt: skip
_SILENT_INITIAL = 11  # ㅇ
_RIEUL_INITIAL = 5  # ㄹ
_RIEUL_FINAL = 8  # ㄹ
_HANGUL_FIRST, _HANGUL_LAST = 0xAC00, 0xD7A3


def _syllable(char: str) -> tuple[int, int, int] | None:
    code = ord(char)
    if not _HANGUL_FIRST <= code <= _HANGUL_LAST:
        return None
    index = code - _HANGUL_FIRST
    return index // 588, (index % 588) // 28, index % 28


def romanize(text: str) -> str:
    """Hangul syllables in Revised Romanization; every other character as it is."""
    out: list[str] = []
    chars = list(text)
    for position, char in enumerate(chars):
        parts = _syllable(char)
        if parts is None:
            out.append(char)
            continue
        initial, vowel, final = parts
        following = _syllable(chars[position + 1]) if position + 1 < len(chars) else None
        if position > 0 and (previous := _syllable(chars[position - 1])):
            if previous[2] in _CARRIED and initial == _SILENT_INITIAL:
                initial_text = ""  # the previous final was carried over as this initial
            elif previous[2] == _RIEUL_FINAL and initial == _RIEUL_INITIAL:
                initial_text = "l"
            else:
                initial_text = _INITIALS[initial]
        else:
            initial_text = _INITIALS[initial]
        if following is not None and following[0] == _SILENT_INITIAL and final in _CARRIED:
            final_text = _CARRIED[final]
        else:
            final_text = _FINALS[final]
        out.append(initial_text + _VOWELS[vowel] + final_text)
    return "".join(out)


def short_slug(*names: str | None, max_length: int = 50) -> str:
    """The first name that gives an ASCII slug, romanized and cut at a word boundary; "" if none."""
    for name in names:
        slug = slugify(romanize(name or ""))
        if not slug:
            continue
        if len(slug) > max_length:
            cut = slug[: max_length + 1].rfind("-")
            slug = slug[:cut] if cut >= max_length // 2 else slug[:max_length]
        return slug.strip("-")
    return ""


def label_of(model: type[models.Model]) -> str:
    return model._meta.label_lower


def remember_former_slug(obj: models.Model, old_slug: str) -> None:
    """Keep `old_slug` as an address of `obj` (its page redirects from it)."""
    if old_slug and old_slug != getattr(obj, "slug", None):
        FormerSlug.objects.update_or_create(
            model=label_of(type(obj)), slug=old_slug, defaults={"object_id": obj.pk}
        )


def moved[M: models.Model](model: type[M], slug: str) -> M | None:
    """The object whose former address `slug` was, if it still exists."""
    object_id = (
        FormerSlug.objects.filter(model=label_of(model), slug=slug)
        .values_list("object_id", flat=True)
        .first()
    )
    if object_id is None:
        return None
    return model._default_manager.filter(pk=object_id).first()


def redirect_former_slugs[M: models.Model](
    model: type[M], url_for: Callable[[M], str] | None = None
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """A page view taking `slug` answers an object's former address with a permanent redirect
    to its page (`url_for(obj)`, by default `get_absolute_url()`), the query string kept. Only
    when its own lookup found nothing, so a current address costs no extra query; and only when
    the view shows the object at its current address to this visitor, so a redirect never
    reveals the address of something they may not see (a hidden organization stays a 404)."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapper(request: HttpRequest, slug: str, *args: Any, **kwargs: Any) -> HttpResponse:
            try:
                return view(request, slug, *args, **kwargs)
            except Http404:
                target = moved(model, slug)
                if target is None:
                    raise
            view(request, target.slug, *args, **kwargs)  # type: ignore[attr-defined]  # 404s if not theirs to see
            url = url_for(target) if url_for is not None else target.get_absolute_url()  # type: ignore[attr-defined]
            if query := request.META.get("QUERY_STRING", ""):
                url = f"{url}?{query}"
            return HttpResponsePermanentRedirect(url)

        return wrapper

    return decorator
