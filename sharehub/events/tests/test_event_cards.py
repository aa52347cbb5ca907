"""The event card's dates and places (`{% load event_cards %}`), in each state and language,
as the included templates they replaced wrote them."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.template import Context, Template
from django.utils import timezone, translation
from django.utils.safestring import mark_safe

from sharehub.core.i18n import city_name
from sharehub.events.models import EventStatus

from .factories import EventFactory

pytestmark = pytest.mark.django_db

SEOUL = ZoneInfo("Asia/Seoul")


def _render(tag: str, event, language: str) -> str:
    with translation.override(language):
        return Template("{% load event_cards %}{% " + tag + " event %}").render(
            Context({"event": event})
        )


def test_the_same_day_shows_the_end_time_alone_and_another_day_its_date():
    starts = datetime(2026, 12, 5, 10, 0, tzinfo=SEOUL)
    event = EventFactory.build(starts_at=starts, ends_at=starts + timedelta(hours=2))
    assert _render("event_when", event, "en") == (
        '<time datetime="2026-12-05T10:00:00+09:00">Dec. 5, 2026, 10 a.m.</time> – '
        '<time datetime="2026-12-05T12:00:00+09:00">noon</time>'
    )
    assert _render("event_when", event, "ko") == (
        '<time datetime="2026-12-05T10:00:00+09:00">2026년 12월 5일 오전 10:00</time> – '
        '<time datetime="2026-12-05T12:00:00+09:00">오후 12:00</time>'
    )
    # 23:00 to 01:00 in Seoul: two dates there, though one in UTC.
    late = datetime(2026, 12, 5, 23, 0, tzinfo=SEOUL)
    event = EventFactory.build(starts_at=late, ends_at=late + timedelta(hours=2))
    assert _render("event_when", event, "en").endswith(
        '<time datetime="2026-12-06T01:00:00+09:00">Dec. 6, 2026, 1 a.m.</time>'
    )


def test_a_course_shows_its_next_session_when_it_is_not_the_first():
    starts = datetime(2026, 12, 5, 10, 0, tzinfo=SEOUL)
    event = EventFactory.build(starts_at=starts, ends_at=starts + timedelta(hours=2))
    event.next_starts_at = starts
    assert "next-session" not in _render("event_when", event, "en")
    event.next_starts_at = starts + timedelta(days=7)
    assert _render("event_when", event, "ko").endswith(
        '<br><span class="next-session">다음 회차: <time datetime="2026-12-12T10:00:00+09:00">'
        "2026년 12월 12일 오전 10:00</time></span>"
    )


def test_each_state_of_the_places():
    now = timezone.now()
    cases = [
        (
            EventFactory.build(capacity=10, seats_taken=9),
            "en",
            '<span class="tag">1 place left</span>',
        ),
        (
            EventFactory.build(capacity=10, seats_taken=3),
            "ko",
            '<span class="tag">7자리 남음</span>',
        ),
        (
            EventFactory.build(capacity=10, seats_taken=10),
            "ko",
            '<span class="badge event-full">마감: 대기 신청 가능</span>',
        ),
        (
            EventFactory.build(status=EventStatus.CANCELLED),
            "en",
            '<span class="badge event-cancelled">Cancelled</span>',
        ),
        (
            EventFactory.build(
                starts_at=now - timedelta(hours=3), ends_at=now - timedelta(hours=1)
            ),
            "ko",
            '<span class="tag event-closed">종료된 행사</span>',
        ),
        (
            EventFactory.build(registration_closes_at=now - timedelta(hours=1)),
            "en",
            '<span class="tag event-closed">Registration is closed</span>',
        ),
        (
            EventFactory.build(
                registration_opens_at=datetime(2099, 1, 2, 9, 0, tzinfo=SEOUL),
                starts_at=datetime(2099, 2, 1, 9, 0, tzinfo=SEOUL),
                ends_at=datetime(2099, 2, 1, 11, 0, tzinfo=SEOUL),
            ),
            "ko",
            '<span class="tag event-closed">2099년 1월 2일 오전 9:00 신청 시작</span>',
        ),
    ]
    for event, language, expected in cases:
        assert _render("places_badge", event, language) == expected


def test_the_list_card_with_its_district_organizer_and_summary(district):
    from sharehub.organizations.tests.factories import OrganizationFactory

    starts = datetime(2026, 12, 5, 10, 0, tzinfo=SEOUL)
    organization = OrganizationFactory(name_ko="나눔 & 공구", name_en="")
    event = EventFactory(
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
        district=district,
        organization=organization,
        summary_en="",
        registration_opens_at=None,
    )
    html = _render("event_card", event, "en")
    assert html.startswith(
        f'<li class="card event-card"><p class="meta">Meeting · {district.name_en}</p>'
        f'<h3><a href="/en/events/{event.pk}/">Sharing meetup'
    )
    assert '<p><time datetime="2026-12-05T10:00:00+09:00">' in html
    # The Korean summary on the English page says so; the organizer's name is escaped.
    assert (
        '<p><span lang="ko">함께 나누는 이야기</span> <span class="tag lang-note">Korean only'
        in html
    )
    assert '<p class="meta"><span lang="ko">나눔 &amp; 공구</span></p>' in html
    assert html.endswith("</span></p></li>")


def test_the_list_card_of_the_citys_event_with_a_highlight():
    event = EventFactory(district=None, organization=None)
    event.highlight = mark_safe("<mark>공유</mark> 모임")
    html = _render("event_card", event, "ko")
    with translation.override("ko"):
        kind = str(event.get_kind_display())
    assert html.startswith(f'<li class="card event-card"><p class="meta">{kind}</p><h3>')
    assert '<p class="highlight"><mark>공유</mark> 모임</p>' in html
    assert "함께 나누는 이야기" not in html
    assert f'<p class="meta">{city_name()}</p>' in html


def test_the_lists_cards_read_only_what_a_card_shows_and_nothing_after(district):
    """`selectors.cards`: the card's columns only (no description), and rendering a card in
    either language reads nothing more (a deferred column read per card is a query each)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from sharehub.events import selectors
    from sharehub.organizations.tests.factories import OrganizationFactory

    organization = OrganizationFactory(name_ko="나눔 협동조합", name_en="Sharing Co-op")
    EventFactory(organization=organization, district=district)
    EventFactory(organization=None, district=None)
    read = list(selectors.cards(selectors.browse_events().queryset))
    assert len(read) == 2
    with CaptureQueriesContext(connection) as captured:
        korean = "".join(_render("event_card", event, "ko") for event in read)
        english = "".join(_render("event_card", event, "en") for event in read)
    assert captured.captured_queries == []
    assert "나눔 협동조합" in korean and "Sharing Co-op" in english
    assert district.name_ko in korean
    assert {"description", "venue", "address"} <= read[0].get_deferred_fields()
