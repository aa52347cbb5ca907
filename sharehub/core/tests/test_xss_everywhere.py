"""Stored XSS (issue 19): every text field of every hub model holds a payload, and no place that
shows it runs it: the public and staff pages in both languages, the API's JSON, the RSS/Atom and
iCalendar feeds and the CSV exports.

The fields come from the model registry (every CharField and TextField of the hub's apps, the
_ko/_en columns of modeltranslation included), so a new field is covered without editing this
file; the exclusions below are explicit and each says why. The payloads are written straight
into the rows (`QuerySet.update`), past every form and service: the pages must escape what they
show whatever the database holds. The fields the pages trust as HTML (rich text, rendered with
`{% content … format="html" %}` or `|safe`) hold what their services store, `clean_html` of the
payload, and `test_rich_text_is_cleaned_by_the_services_that_write_it` proves the services
clean it.

"Live" means what a browser would run: a <script> element (other than a JSON or JSON-LD island)
holding a payload's call, an `on…` attribute holding it, or a `javascript:` address in href, src,
action or formaction. The marker `xss(N)` names the field (N), so a failure says which field
broke out, and the test also counts the fields whose text was seen at all (escaped).
"""

from __future__ import annotations

import json
import re
from datetime import datetime, time, timedelta
from html.parser import HTMLParser
from xml.etree import ElementTree

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from modeltranslation.translator import NotRegistered, translator

from sharehub.core.sanitize import clean_html

from .test_html_valid import _hub, _pages

MARKER = re.compile(r"xss\((\d+)\)")


def _payload(number: int, max_length: int | None) -> str | None:
    """The longest payload that fits the column; None when not even a tag with a handler does."""
    call = f"xss({number})"
    candidates = [
        # A javascript: address first (a URL field shown as a link), a break-out of a JSON or
        # script island, a tag, an attribute break-out with a handler, SVG, Markdown's link.
        f"javascript:{call}//</script><script>{call}</script>\"'><img src=x onerror={call}>"
        f"<svg onload={call}>[a](javascript:{call})",
        f"javascript:{call}//\"'><img src=x onerror={call}>",
        f"\"'><svg onload={call}>",
    ]
    for payload in candidates:
        if max_length is None or len(payload) <= max_length:
            return payload
    return None


# Columns not written, each with why. A field is excluded only when a payload in it makes no
# sense (the hub never shows it, or it is an identifier the URLs are built from and a form
# refuses anything but its shape).
EXCLUDED: dict[str, str] = {
    # Identifiers in URLs, restricted to their shape by the forms and services that write them.
    "facilities.Booking.reference": "a generated reference in URLs ([A-Z0-9]{12})",
    "designation.Designation.number": "a generated certificate number in URLs",
    "programmes.Award.identifier": "a generated award identifier",
    "programmes.Application.receipt_number": "a generated receipt number",
    "accounts.User.password": "a password hash, never shown",
    "accounts.User.preferred_language": "a language code the middleware activates",
    "core.PeriodicRun.name": "a registered job's name, never shown",
    "core.PageVersion.name": "a table's name, written by the page cache's execute wrapper",
    # Part of the session hash, never shown: a payload there would sign everyone out, and every
    # signed-in page below would be a login redirect.
    "accounts.User.session_stamp": "part of the session hash, never shown",
    # Generic relations' keys, set by the services from the object itself.
    "moderation.Report.object_id": "the reported object's key (a generic relation)",
    "core.AuditEntry.object_id": "the logged object's key (a generic relation)",
}
# Names of columns that are identifiers, codes or secrets in every model (never free text).
EXCLUDED_NAMES = {
    "secret",
    "token",
    "token_hash",
    "key",
    "digest",
    "language",
    "mime_type",
    "content_type",
    "extension",
    "sha256",
    "seed",
    "seed_hash",
}


def _translated_base_fields(model: type[models.Model]) -> set[str]:
    """modeltranslation's original names (name, body…): reads and writes of them go to the
    _ko/_en columns, which are walked themselves."""
    try:
        return set(translator.get_options_for_model(model).all_fields)
    except NotRegistered:
        return set()


def _label(model: type[models.Model], field: models.Field) -> str:
    return f"{model._meta.app_label}.{model.__name__}.{field.name}"


def text_fields() -> list[tuple[type[models.Model], models.Field]]:
    """Every written text column of the hub's models, in a stable order."""
    found = []
    for config in apps.get_app_configs():
        if not config.name.startswith("sharehub."):
            continue
        for model in config.get_models():
            if model._meta.proxy or not model._meta.managed:
                continue
            translated = _translated_base_fields(model)
            for field in model._meta.concrete_fields:
                if not isinstance(field, models.CharField | models.TextField):
                    continue
                if (
                    field.primary_key
                    or field.choices
                    or isinstance(field, models.SlugField)
                    or _label(model, field) in EXCLUDED
                    or field.name in EXCLUDED_NAMES
                    or field.name in translated
                    or field.name.endswith(("_hash", "_token", "_key", "_code", "_slug"))
                    or field.name in ("slug", "code")
                ):
                    continue
                found.append((model, field))
    return sorted(found, key=lambda pair: _label(*pair))


class _LiveScript(HTMLParser):
    """Collects what a browser would run of the markers."""

    URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data"}
    INERT_SCRIPTS = {"application/json", "application/ld+json"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.live: list[str] = []
        self._script_type: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            value = value or ""
            if name.startswith("on") and MARKER.search(value):
                self.live.append(f"<{tag} {name}={value[:80]!r}>")
            compact = re.sub(r"[\s\x00-\x1f]", "", value).lower()
            if name in self.URL_ATTRIBUTES and compact.startswith("javascript:"):
                self.live.append(f"<{tag} {name}={value[:80]!r}>")
        if tag == "script":
            self._script_type = (dict(attrs).get("type") or "").lower()

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag == "script":
            self._script_type = None

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._script_type = None

    def handle_data(self, data: str) -> None:
        if (
            self._script_type is not None
            and self._script_type not in self.INERT_SCRIPTS
            and MARKER.search(data)
        ):
            self.live.append(f"<script>{data.strip()[:80]!r}")


def live_in_html(text: str) -> list[str]:
    parser = _LiveScript()
    parser.feed(text)
    parser.close()
    return parser.live


def test_the_detector_sees_every_kind_of_live_payload():
    """The check's own proof: each live form is seen, each escaped or inert one is not."""
    live = [
        "<script>xss(1)</script>",
        '<img src=x onerror="xss(2)">',
        "<svg onload=xss(3)>",
        '<a href=" javascript:xss(4)">a</a>',
        '<script type="application/json">{"a": "</script><script>xss(5)</script>"}</script>',
        '<form action="JaVaScRiPt:xss(6)"></form>',
        "<p title=''><svg/onload=xss(7)>",
    ]
    for html in live:
        assert live_in_html(html), html
    inert = [
        "&lt;script&gt;xss(1)&lt;/script&gt;",
        '<p title="&quot;&gt;&lt;svg onload=xss(3)&gt;">x</p>',
        '<script type="application/json">{"a": "\\u003C/script\\u003Exss(5)"}</script>',
        '<a href="https://example.org/?q=javascript:xss(4)">a</a>',
        "<p>javascript:xss(4)</p>",
    ]
    for html in inert:
        assert not live_in_html(html), html


def _rich_fields() -> set[str]:
    """Columns the pages trust as HTML, cleaned by their services when saved."""
    return {
        "news.Article.body_ko",
        "news.Article.body_en",
        "news.Page.body_ko",
        "news.Page.body_en",
        "participation.Proposal.body",
    }


def _url_payload(field: models.Field, number: int) -> str:
    """A URL column's validators refuse a javascript: address (so no form, service or import
    stores one); its payload is the worst they accept: quotes and tags in the path."""
    call = f"xss({number})"
    try:
        field.run_validators(f"javascript:{call}")
    except ValidationError:
        pass
    else:
        pytest.fail(f"{field.model.__name__}.{field.name} accepts a javascript: address")
    payload = f"https://example.org/?\"'><svg/onload={call}></script><script>{call}</script>"
    field.run_validators(payload)  # what a person can store
    return payload


def _write_payloads() -> dict[int, str]:
    """Every text column of every row gets its payload; returns marker number → field label."""
    rich = _rich_fields()
    written: dict[int, str] = {}
    for number, (model, field) in enumerate(text_fields(), start=1):
        label = _label(model, field)
        payload = _payload(number, field.max_length)
        if isinstance(field, models.URLField):
            payload = _url_payload(field, number)
        if payload is None:
            continue
        if label in rich:
            payload = clean_html(payload)
        manager = model._base_manager
        if field.unique or any(
            field.name in constraint.fields
            for constraint in model._meta.constraints
            if isinstance(constraint, models.UniqueConstraint)
        ):
            for pk in manager.values_list("pk", flat=True):
                value = (
                    f"{payload}{pk}"[: field.max_length] if field.max_length else f"{payload}{pk}"
                )
                manager.filter(pk=pk).update(**{field.attname: value})
        else:
            manager.update(**{field.attname: payload})
        written[number] = label
    return written


def _feeds_and_exports(hub: dict, lang: str) -> list[str]:
    organization, event, proposal = hub["organization"], hub["event"], hub["proposal"]
    urls = []
    for name, kwargs in (
        ("news:rss", {}),
        ("news:atom", {}),
        ("news:organization_rss", {"slug": organization.slug}),
        ("participation:proposal_rss", {"pk": proposal.pk}),
        ("participation:proposal_atom", {"pk": proposal.pk}),
        ("participation:area_rss", {"slug": proposal.area.slug}),
        ("events:feed", {}),
        ("events:ics", {"pk": event.pk}),
        ("directory:export", {}),
        ("designation:register_csv", {}),
    ):
        try:
            with translation.override(lang):
                urls.append(reverse(name, kwargs=kwargs or None))
        except NoReverseMatch:
            pytest.fail(f"{name} is gone: update this list")
    return urls


def _feed_items_html(body: bytes) -> list[str]:
    """What a feed reader renders as HTML: RSS descriptions, Atom summaries and contents."""
    root = ElementTree.fromstring(body)
    texts = []
    for element in root.iter():
        tag = element.tag.rsplit("}", 1)[-1]
        if tag in ("description", "summary", "content") and element.text:
            texts.append(element.text)
    return texts


@pytest.mark.django_db
def test_no_stored_payload_is_live_anywhere(client, no_page_cache):
    hub = _hub()
    written = _write_payloads()
    assert len(written) > 150, "the registry gave too few text fields: is the walk broken?"
    problems: list[str] = []
    seen: set[int] = set()

    def look(where: str, response) -> None:
        text = response.content.decode("utf-8", "replace")
        seen.update(int(n) for n in MARKER.findall(text))
        for live in live_in_html(text):
            number = MARKER.search(live)
            field = written.get(int(number.group(1)), "?") if number else "?"
            problems.append(f"{where}: {field}: {live}")

    for lang in ("ko", "en"):
        for label, path, who in _pages(hub, lang):
            client.logout()
            if who is not None:
                client.force_login(hub[who])
            response = client.get(path, HTTP_ACCEPT_LANGUAGE=lang)
            if response.status_code >= 500:
                problems.append(f"{lang} {label} {path}: HTTP {response.status_code}")
                continue
            if who is not None and "/accounts/login/" in response.get("Location", ""):
                problems.append(f"{lang} {label} {path}: {who} was signed out")
                continue
            look(f"{lang} {label}", response)

    client.logout()
    client.force_login(hub["staff"])
    for path in _feeds_and_exports(hub, "ko"):
        response = client.get(path)
        assert response.status_code == 200, path
        content_type = response["Content-Type"]
        assert "html" not in content_type, f"{path} is served as HTML: {content_type}"
        body = b"".join(response.streaming_content) if response.streaming else response.content
        seen.update(int(n) for n in MARKER.findall(body.decode("utf-8", "replace")))
        if "xml" in content_type:
            for html in _feed_items_html(body):
                problems.extend(f"{path}: {live}" for live in live_in_html(html))
        else:
            assert "attachment" in response.get("Content-Disposition", "") or path.endswith(
                ".ics"
            ), f"{path}: a download must not be shown inline"

    problems.extend(_api_problems(client, hub, seen))
    problems.extend(_mail_problems(hub, seen))
    assert not problems, "live payloads:\n" + "\n".join(sorted(set(problems)))
    shown = {written[n] for n in seen if n in written}
    # Most fields are shown somewhere; the rest are internal columns (staff notes, mail bodies,
    # audit data) the pages above never show.
    assert len(shown) >= 100, f"only {len(shown)} of {len(written)} fields were seen at all"


def _api_problems(client, hub: dict, seen: set[int]) -> list[str]:
    """Every API list without a path parameter: JSON, never HTML, whatever its strings hold."""
    from sharehub.api import api

    schema = api.get_openapi_schema()
    problems = []
    answered = 0
    for path, operations in schema["paths"].items():
        if "get" not in operations or "{" in path:
            continue
        response = client.get(path)
        if response.status_code >= 500:
            problems.append(f"API {path}: HTTP {response.status_code}")
            continue
        content_type = response["Content-Type"]
        if response.status_code != 200:
            continue
        if not content_type.startswith(("application/json", "application/ld+json")):
            if "html" in content_type:
                problems.append(f"API {path} answers HTML")
            continue
        json.loads(response.content)
        markers = MARKER.findall(response.content.decode())
        answered += bool(markers)
        seen.update(int(n) for n in markers)
    if answered < 5:
        problems.append(f"only {answered} API lists showed a payload: is the walk broken?")
    return problems


def _mail_problems(hub: dict, seen: set[int]) -> list[str]:
    """A mail's HTML part built from payloads (a booking's confirmation names the space, its
    office and the booker): nothing in it runs."""
    from sharehub.facilities import services as facilities_services
    from sharehub.notifications.models import OutboundEmail

    space = hub["space"]
    space.max_bookings_per_month = 31
    space.save(update_fields=["max_bookings_per_month"])
    before = set(OutboundEmail.objects.values_list("pk", flat=True))
    day = timezone.localdate() + timedelta(days=3)
    facilities_services.book(
        actor=hub["owner"],
        space=space,
        ask=facilities_services.BookingAsk(
            starts_at=timezone.make_aware(datetime.combine(day, time(10))),
            ends_at=timezone.make_aware(datetime.combine(day, time(11))),
            purpose="meeting",
            purpose_detail="<script>xss(0)</script>",
            people=2,
        ),
    )
    mails = OutboundEmail.objects.exclude(pk__in=before)
    assert mails.exists(), "the booking sent no mail to check"
    problems = []
    for mail in mails:
        seen.update(int(n) for n in MARKER.findall(mail.body_html))
        problems.extend(
            f"mail {mail.subject[:40]!r}: {live}" for live in live_in_html(mail.body_html)
        )
        assert MARKER.search(mail.body_html), "the mail shows none of the payloads"
    return problems


@pytest.mark.django_db
def test_rich_text_is_cleaned_by_the_services_that_write_it(user, city_staff):
    """The fields the pages trust as HTML hold only what nh3 let through: written by their own
    services, every payload comes out inert (the pages' half is the test above)."""
    from sharehub.news import services as news_services
    from sharehub.news.tests.factories import PageFactory
    from sharehub.participation import services as participation_services
    from sharehub.participation.tests.factories import ProposalFactory

    payload = (
        "</script><script>xss(1)</script>\"'><svg onload=xss(1)>[a](javascript:xss(1))"
        '<a href="javascript:xss(1)">a</a><p onclick="xss(1)">p</p><iframe src="javascript:xss(1)">'
    )
    proposal = ProposalFactory(author=user)
    # An image that was not uploaded through the editor is refused, a field error.
    with pytest.raises(ValidationError) as refused:
        participation_services.update_proposal(
            actor=user, proposal=proposal, body="<img src=x onerror=xss(1)>"
        )
    assert "body" in refused.value.error_dict
    proposal = participation_services.update_proposal(actor=user, proposal=proposal, body=payload)
    editor = city_staff  # editors are the city staff (accounts.roles.is_editor)
    page = news_services.update_page(
        actor=editor, page=PageFactory(), body_ko=payload, body_en=payload
    )
    article = news_services.create_article(
        actor=editor, title_ko="기사", body_ko=payload, body_en=payload
    )
    for label, stored in (
        ("participation.Proposal.body", proposal.body),
        ("news.Page.body_ko", page.body_ko),
        ("news.Page.body_en", page.body_en),
        ("news.Article.body_ko", article.body_ko),
        ("news.Article.body_en", article.body_en),
    ):
        assert label in _rich_fields()
        assert "xss(1)" in stored, f"{label}: the text itself was lost"
        assert not live_in_html(stored), f"{label} stored {stored!r}"
        assert "<script" not in stored and "<svg" not in stored and "onerror" not in stored
    assert _rich_fields() == {
        "participation.Proposal.body",
        "news.Page.body_ko",
        "news.Page.body_en",
        "news.Article.body_ko",
        "news.Article.body_en",
    }
