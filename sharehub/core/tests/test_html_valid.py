"""Every main page, in Korean and in English, is valid HTML for the Nu HTML Checker (vnu).

The pages are rendered with the Django test client over demo-like data made by the apps'
factories, written to a temporary folder and checked by one run of vnu (one JVM start for all
files). vnu comes from npm (`vnu-jar` in frontend/package.json) and runs on Debian's Java runtime;
`make test` installs both (`make assets`, `make sysdeps`). Warnings may stay; errors must be none.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone, translation

ROOT = Path(__file__).resolve().parents[3]
VNU_JAR = ROOT / "frontend" / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
LANGUAGES = ["ko", "en"]


def _java() -> str:
    java = shutil.which("java")
    if java is None:
        pytest.skip(
            "java is missing: install a Java runtime (make sysdeps installs default-jre-headless) to run vnu"
        )
    if not VNU_JAR.exists():
        pytest.skip(
            f"{VNU_JAR} is missing: run `make assets` (npm ci in frontend/) to install vnu-jar"
        )
    return java


def _url(name: str, lang: str, **kwargs) -> str:
    with translation.override(lang):
        return reverse(name, kwargs=kwargs or None)


def _hub() -> dict:
    """Demo-like data: a district, organizations with listings, events with a registration, news,
    a sent newsletter, a designation, an application under review, an item to moderate, a report,
    notifications, and the people who see them."""
    from sharehub.accounts.tests.factories import UserFactory, give_totp
    from sharehub.designation.tests.factories import designate, submitted_application
    from sharehub.directory.tests.factories import (
        AddressFactory,
        CategoryFactory,
        ListingFactory,
        ServiceFactory,
    )
    from sharehub.events import services as event_services
    from sharehub.events.tests.factories import EventFactory
    from sharehub.moderation.models import ModerationStatus
    from sharehub.moderation.tests.factories import make_report
    from sharehub.news.tests.factories import ArticleFactory, PageFactory, TagFactory
    from sharehub.newsletters.models import Campaign
    from sharehub.newsletters.tests.factories import (
        CampaignFactory,
        SubscriberFactory,
        TopicFactory,
    )
    from sharehub.notifications.tests.factories import NotificationFactory
    from sharehub.organizations.models import MemberRole
    from sharehub.organizations.tests.factories import MembershipFactory, OrganizationFactory
    from sharehub.places.tests.factories import DistrictFactory

    district = DistrictFactory(name_ko="마포구", name_en="Mapo-gu", slug="mapo-gu")
    owner = UserFactory(display_name="열린옷장 활동가")
    citizen = UserFactory(display_name="김시민")
    staff = give_totp(UserFactory(display_name="서울시 공유담당", is_city_staff=True))
    moderator = give_totp(UserFactory(display_name="게시물 관리자", is_moderator=True))

    organization = OrganizationFactory(
        slug="mapo-tool-library",
        name_ko="마포 공구도서관",
        name_en="Mapo Tool Library",
        district=district,
        description_ko="이웃과 공구를 나눠 쓰는 도서관입니다.",
        description_en="A library where neighbours share tools.",
        website="https://example.org/tools",
        address="서울 마포구 월드컵로 1",
    )
    MembershipFactory(organization=organization, user=owner, role=MemberRole.OWNER)
    MembershipFactory(organization=organization, user=citizen, role=MemberRole.EDITOR)
    category = CategoryFactory(name_ko="공구", name_en="Tools")
    listing = ListingFactory(
        organization=organization, phone="02-123-4567", email="tools@example.org"
    )
    listing.categories.add(category)
    listing.districts_served.add(district)
    AddressFactory(listing=listing)
    ServiceFactory(listing=listing)
    for _ in range(3):
        other = ListingFactory(organization=OrganizationFactory(district=district))
        other.categories.add(category)
        AddressFactory(listing=other, latitude=37.55, longitude=126.92)

    now = timezone.now()
    event = EventFactory(
        organization=organization, district=district, latitude=37.5665, longitude=126.978
    )
    EventFactory(organization=organization, starts_at=now + timedelta(days=3, hours=2))
    EventFactory(organization=organization, starts_at=now - timedelta(days=5))
    event_services.register(actor=owner, event=event)
    event_services.register(actor=citizen, event=event)

    tag = TagFactory(name_ko="공유경제", name_en="Sharing economy")
    article = ArticleFactory(organization=organization)
    article.tags.add(tag)
    ArticleFactory()

    topic = TopicFactory(name_ko="공유 소식", name_en="Sharing news")
    sent = now - timedelta(days=2)
    campaign = CampaignFactory(status=Campaign.Status.SENT, started_at=sent, finished_at=sent)
    campaign.topics.add(topic)
    subscriber = SubscriberFactory(topics=[topic])

    designated = OrganizationFactory(
        name_ko="성북 나눔가게", name_en="Seongbuk Sharing Shop", district=district
    )
    MembershipFactory(organization=designated, user=owner, role=MemberRole.OWNER)
    designation = designate(designated, owner, staff)
    reviewed = OrganizationFactory(name_ko="은평 장난감도서관", name_en="Eunpyeong Toy Library")
    MembershipFactory(organization=reviewed, user=owner, role=MemberRole.OWNER)
    application = submitted_application(reviewed, owner)

    OrganizationFactory(
        name_ko="검토 대기 단체",
        name_en="Pending group",
        moderation_status=ModerationStatus.PENDING,
        created_by=citizen,
    )
    make_report(obj=organization, reporter=citizen, details="광고 글 🙂")
    from sharehub.participation.tests.factories import ProposalFactory

    proposal = ProposalFactory(author=owner)
    proposal.districts.add(district)
    from sharehub.facilities.tests.factories import SpaceFactory

    space = SpaceFactory(district=district, latitude=37.59, longitude=127.01)
    for user in (owner, citizen):
        NotificationFactory(user=user, title="새 소식", body="검토가 끝났습니다.", url="/ko/")
    return {
        "district": district,
        "organization": organization,
        "event": event,
        "article": article,
        "campaign": campaign,
        "subscriber": subscriber,
        "designation": designation,
        "application": application,
        "proposal": proposal,
        "space": space,
        "owner": owner,
        "staff": staff,
        "moderator": moderator,
        "page": PageFactory(),
        "organization_type": ContentType.objects.get_for_model(organization).pk,
        **_programmes(staff),
        **_opendata(staff),
    }


def _opendata(staff) -> dict:
    """A published dataset with a generated resource, and a draft scoring."""
    from sharehub.opendata.tests.factories import (
        OfficialIndicatorFactory,
        ResourceFactory,
        ScoringCriterionFactory,
    )

    resource = ResourceFactory(dataset__slug="sharing-directory")
    criterion = ScoringCriterionFactory(scoring__slug="districts-draft")
    OfficialIndicatorFactory(code="population")
    return {"opendata_resource": resource, "opendata_scoring": criterion.scoring}


def _programmes(staff) -> dict:
    """A support programme's call (the city staff run every call) with an application in each
    state a page shows: a draft, one to screen, one in review (a submitted review and a pending
    one), one before the committee and an awarded one with its reports; its applicant's member
    and a reviewer."""
    from sharehub.accounts.tests.factories import UserFactory
    from sharehub.organizations.models import MemberRole
    from sharehub.organizations.tests.factories import MembershipFactory
    from sharehub.programmes.models import Application, ApplicationStatus, Award, ReportKind
    from sharehub.programmes.services import reports as report_services
    from sharehub.programmes.services import review as review_services
    from sharehub.programmes.tests.factories import MILLION, applicant, open_call

    call = open_call()
    _org, member = applicant()
    now = timezone.now()
    receipts = iter(range(1, 100))

    def application(status: str, title: str, *, own: bool = False, **fields) -> Application:
        # One application per organization and call; the member belongs to those marked own.
        applicant_org, _owner = applicant()
        if own:
            MembershipFactory(organization=applicant_org, user=member, role=MemberRole.OWNER)
        return Application.objects.create(
            call=call,
            track=call.tracks.get(kind="free"),
            organization=applicant_org,
            title=title,
            requested_amount=10 * MILLION,
            status=status,
            submitted_at=None if status == ApplicationStatus.DRAFT else now,
            receipt_number=""
            if status == ApplicationStatus.DRAFT
            else f"2026-{next(receipts):05d}",
            **fields,
        )

    draft = application(ApplicationStatus.DRAFT, "공유 부엌 초안", own=True)
    application(ApplicationStatus.SUBMITTED, "마을 공구도서관")
    in_review = application(ApplicationStatus.SUBMITTED, "아이 옷 나눔", own=True)
    review_services.screen_application(actor=staff, application=in_review, eligible=True)
    in_review.status = ApplicationStatus.IN_REVIEW
    in_review.save(update_fields=["status"])
    reviewer, second = UserFactory(display_name="심사위원"), UserFactory(display_name="심사위원 2")
    pending, done = review_services.assign_reviewers(
        actor=staff, application=in_review, reviewers=[reviewer, second]
    )
    for person, assignment in ((reviewer, pending), (second, done)):
        review_services.declare_conflict(actor=person, assignment=assignment, conflict=False)
    criteria = list(call.criteria.order_by("order", "pk"))
    review_services.save_scores(
        actor=second, assignment=done, scores={c.pk: 4 for c in criteria}, comment="좋습니다."
    )
    review_services.submit_review(actor=second, assignment=done)
    committee = application(ApplicationStatus.COMMITTEE, "동네 수리점")
    awarded = application(ApplicationStatus.AWARDED, "책 나눔 상자", own=True, decided_at=now)
    award = Award.objects.create(
        application=awarded,
        call=call,
        amount=10 * MILLION,
        cap=call.award_cap,
        identifier=Award.new_identifier(),
    )
    report_services.create_reports_for(award)
    return {
        "programme_call": call,
        "programme_draft": draft,
        "programme_in_review": in_review,
        "programme_committee": committee,
        "programme_report": award.reports.get(kind=ReportKind.INTERIM),
        "programme_assignment": pending,
        "programme_member": member,
        "programme_reviewer": reviewer,
    }


def _pages(hub: dict, lang: str) -> list[tuple[str, str, str | None]]:
    """(label, path, who) for every main page; who is a key of hub or None for a visitor."""
    from sharehub.newsletters import tokens

    organization, event, subscriber = hub["organization"], hub["event"], hub["subscriber"]
    u = lambda name, **kwargs: _url(name, lang, **kwargs)  # noqa: E731
    programme_call = hub["programme_call"]
    return [
        ("home", u("core:home"), None),
        ("terms", u("core:terms"), None),
        ("directory-list", u("directory:list"), None),
        ("directory-search", u("directory:list") + "?q=%EA%B3%B5%EA%B5%AC", None),
        ("directory-detail", u("directory:detail", slug=organization.slug), None),
        ("directory-map", u("directory:map"), None),
        ("organization-list", u("organizations:list"), None),
        ("organization-detail", u("organizations:detail", slug=organization.slug), None),
        ("event-list", u("events:list"), None),
        ("event-detail", u("events:detail", pk=event.pk), None),
        ("event-calendar", u("events:calendar"), None),
        ("event-map", u("events:map"), None),
        ("news-list", u("news:list"), None),
        ("news-detail", u("news:detail", slug=hub["article"].slug), None),
        ("district-list", u("places:list"), None),
        ("district-detail", u("places:detail", slug=hub["district"].slug), None),
        ("newsletter-subscribe", u("newsletters:list"), None),
        ("newsletter-archive", u("newsletters:archive"), None),
        ("newsletter-archive-detail", u("newsletters:archive_detail", pk=hub["campaign"].pk), None),
        (
            "newsletter-confirm",
            u("newsletters:confirm", token=tokens.confirm_token(subscriber)),
            None,
        ),
        (
            "newsletter-preferences",
            u(
                "newsletters:preferences",
                token=tokens.manage_token(subscriber.pk, subscriber.secret),
            ),
            None,
        ),
        ("designation-register", u("designation:register"), None),
        ("proposal-list", u("participation:list"), None),
        ("proposal-detail", u("participation:detail", pk=hub["proposal"].pk), None),
        ("committee-list", u("participation:committees"), None),
        (
            "committee-detail",
            u("participation:committee", slug=hub["proposal"].area.committee.slug),
            None,
        ),
        ("proposal-create", u("participation:create"), "owner"),
        ("my-proposals", u("participation:mine"), "owner"),
        ("recommendation-list", u("participation:recommendations"), None),
        ("result-list", u("participation:results"), None),
        ("answers-due", u("participation:due"), None),
        ("city-answers", u("participation:city_queue"), "staff"),
        ("answer-templates", u("participation:answer_templates"), "staff"),
        ("space-list", u("facilities:list"), None),
        ("space-detail", u("facilities:detail", slug=hub["space"].slug), None),
        ("space-book", u("facilities:book", slug=hub["space"].slug), "owner"),
        ("my-bookings", u("facilities:mine"), "owner"),
        ("space-queue", u("facilities:queue"), "staff"),
        ("space-calendar", u("facilities:calendar", slug=hub["space"].slug), "staff"),
        ("space-new", u("facilities:space_new"), "staff"),
        ("space-edit", u("facilities:space_edit", slug=hub["space"].slug), "staff"),
        ("space-hours", u("facilities:space_hours", slug=hub["space"].slug), "staff"),
        ("space-fees", u("facilities:space_fees", slug=hub["space"].slug), "staff"),
        ("space-photos", u("facilities:space_photos", slug=hub["space"].slug), "staff"),
        ("space-check-in", u("facilities:checkin", slug=hub["space"].slug), "staff"),
        ("space-suspensions", u("facilities:suspensions"), "owner"),
        ("space-penalty-register", u("facilities:penalty_register"), "staff"),
        ("space-results", u("facilities:results"), None),
        ("space-results-live", u("facilities:results_live"), "staff"),
        ("designation-detail", u("designation:detail", number=hub["designation"].number), None),
        ("signup", u("account_signup"), None),
        ("login", u("account_login"), None),
        ("password-reset", u("account_reset_password"), None),
        ("profile", u("accounts:profile"), "owner"),
        ("tokens", u("accounts:api_tokens"), "owner"),
        ("privacy", u("accounts:privacy"), "owner"),
        ("notifications", u("notifications:list"), "owner"),
        ("notification-preferences", u("notifications:preferences"), "owner"),
        ("my-events", u("events:mine"), "owner"),
        ("organizer-events", u("events:manage_list"), "owner"),
        ("organizer-event", u("events:manage", pk=event.pk), "owner"),
        ("organization-members", u("organizations:members", slug=organization.slug), "owner"),
        (
            "designation-application",
            u("designation:application", pk=hub["application"].pk),
            "owner",
        ),
        ("designation-queue", u("designation:queue"), "staff"),
        ("designation-review", u("designation:review", pk=hub["application"].pk), "staff"),
        ("moderation-queue", u("moderation:queue"), "moderator"),
        # Forms and back-office pages.
        ("organization-create", u("organizations:create"), "owner"),
        ("organization-edit", u("organizations:edit", slug=organization.slug), "owner"),
        ("directory-edit", u("directory:edit", slug=organization.slug), "owner"),
        ("directory-manage", u("directory:manage", slug=organization.slug), "owner"),
        ("directory-suggest", u("directory:suggest"), "owner"),
        ("directory-categories", u("directory:categories"), "staff"),
        ("directory-import", u("directory:import"), "staff"),
        ("event-create", u("events:create"), "owner"),
        ("event-edit", u("events:edit", pk=event.pk), "owner"),
        ("event-checkin", u("events:checkin", pk=event.pk), "owner"),
        ("news-write", u("news:create"), "owner"),
        ("news-desk", u("news:desk"), "owner"),
        ("news-pages", u("news:pages"), None),
        ("news-page", u("news:page", slug=hub["page"].slug), None),
        ("designation-apply", u("designation:apply", slug=organization.slug), "owner"),
        ("newsletter-manage", u("newsletters:manage"), "staff"),
        ("newsletter-campaign", u("newsletters:campaign", pk=hub["campaign"].pk), "staff"),
        ("newsletter-campaign-create", u("newsletters:campaign_create"), "staff"),
        (
            "newsletter-preview",
            u("newsletters:campaign_preview", pk=hub["campaign"].pk, language="en"),
            "staff",
        ),
        ("newsletter-topics", u("newsletters:topics"), "staff"),
        ("outbox", u("notifications:outbox"), "staff"),
        (
            "report",
            u(
                "moderation:report",
                content_type_id=hub["organization_type"],
                object_id=organization.pk,
            ),
            "owner",
        ),
        ("email", u("account_email"), "owner"),
        ("password-change", u("account_change_password"), "owner"),
        ("two-factor", u("mfa_index"), "staff"),
        # Support programmes.
        ("programme-list", u("programmes:list"), None),
        ("programme-call", u("programmes:call", slug=programme_call.slug), None),
        ("programme-apply", u("programmes:apply", slug=programme_call.slug), "programme_member"),
        (
            "programme-application",
            u("programmes:application", pk=hub["programme_in_review"].pk),
            "programme_member",
        ),
        (
            "programme-application-staff",
            u("programmes:application", pk=hub["programme_in_review"].pk),
            "staff",
        ),
        (
            "programme-edit",
            u("programmes:edit", pk=hub["programme_draft"].pk),
            "programme_member",
        ),
        ("programme-mine", u("programmes:mine"), "programme_member"),
        ("programme-mine-reviewer", u("programmes:mine"), "programme_reviewer"),
        ("programme-reviews", u("programmes:reviews"), "programme_reviewer"),
        (
            "programme-review",
            u("programmes:review", pk=hub["programme_assignment"].pk),
            "programme_reviewer",
        ),
        ("programme-screening", u("programmes:screening"), "staff"),
        ("programme-table", u("programmes:table", slug=programme_call.slug), "staff"),
        ("programme-decide", u("programmes:decide", pk=hub["programme_committee"].pk), "staff"),
        ("programme-awards", u("programmes:awards"), None),
        (
            "programme-report",
            u("programmes:report", pk=hub["programme_report"].pk),
            "programme_member",
        ),
        ("programme-manage", u("programmes:manage"), "staff"),
        ("programme-call-edit", u("programmes:call_edit", slug=programme_call.slug), "staff"),
        # Open data.
        ("data-dashboard", u("opendata:dashboard"), None),
        ("data-indicators", u("opendata:indicators"), None),
        ("data-indicator", u("opendata:indicator", code="directory.listings"), None),
        ("data-datasets", u("opendata:datasets"), None),
        ("data-dataset", u("opendata:dataset", slug="sharing-directory"), None),
        (
            "data-resource",
            u("opendata:resource", slug="sharing-directory", pk=hub["opendata_resource"].pk),
            None,
        ),
        ("data-statistics", u("opendata:statistics"), None),
        ("data-official", u("opendata:official_indicator", code="population"), None),
        ("data-scoreboard", u("opendata:scoreboard"), None),
        ("data-manage", u("opendata:manage"), "staff"),
        ("data-manage-datasets", u("opendata:manage_datasets"), "staff"),
        ("data-dataset-edit", u("opendata:dataset_edit", slug="sharing-directory"), "staff"),
        ("data-import", u("opendata:statistics_import"), "staff"),
        ("data-manage-scorings", u("opendata:manage_scorings"), "staff"),
        ("data-scoring-edit", u("opendata:scoring_edit", slug="districts-draft"), "staff"),
        (
            "data-scoring-preview",
            u("opendata:scoring_preview", slug="districts-draft"),
            "staff",
        ),
        ("not-found", u("core:home") + "no-such-page/", None),
    ]


# A page with a fault of each kind the hub once had, checked with the others: proof that vnu ran
# over the files and reports what this test guards against.
CANARY = """<!DOCTYPE html><html lang="en"><head><title>canary</title></head><body>
<p><time datetime="2026-12-02T20:17:42.123456+09:00">now</time></p>
<p><input type="text" name="q" type="search" aria-label="q"></p>
<p><span class="helptext"><ul><li>rule</li></ul></span></p>
</body></html>
"""


def _vnu_errors(java: str, files: list[Path]) -> list[dict]:
    # One JVM for every file; the quick compiler and the serial collector halve its CPU time on a
    # short run, and the schema needs a deep stack.
    options = ["-Xss8m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"]
    result = subprocess.run(
        [
            java,
            *options,
            "-jar",
            str(VNU_JAR),
            "--format",
            "json",
            "--errors-only",
            *map(str, files),
        ],
        capture_output=True,
        text=True,
        timeout=240,
    )
    # vnu writes its JSON report on stderr; exit status 1 only means "errors found".
    try:
        report = json.loads(result.stderr or result.stdout)
    except json.JSONDecodeError:
        pytest.fail(
            f"vnu did not answer with JSON (exit {result.returncode}):\n{result.stderr[-2000:]}",
            pytrace=False,
        )
    # "non-document-error": a file vnu could not read, which must not pass for a valid page.
    return [
        message
        for message in report["messages"]
        if message.get("type") in ("error", "non-document-error")
    ]


@pytest.mark.django_db
def test_main_pages_are_valid_html_in_both_languages(client, tmp_path):
    java = _java()
    hub = _hub()
    files: dict[Path, str] = {}
    problems: list[str] = []
    for lang in LANGUAGES:
        for label, path, who in _pages(hub, lang):
            client.logout()
            if who is not None:
                client.force_login(hub[who])
            response = client.get(path, HTTP_ACCEPT_LANGUAGE=lang)
            if response.status_code != (404 if label == "not-found" else 200):
                problems.append(f"{lang} {label} {path}: HTTP {response.status_code}")
                continue
            file = tmp_path / f"{lang}-{label}.html"
            file.write_bytes(response.content)
            files[file] = f"{lang} {label} ({path})"
    assert not problems, "pages that did not render:\n" + "\n".join(problems)
    canary = tmp_path / "canary.html"
    canary.write_text(CANARY, encoding="utf-8")

    errors_by_file: dict[Path, list[dict]] = {}
    for error in _vnu_errors(java, [canary, *files]):
        errors_by_file.setdefault(Path(unquote(urlparse(error.get("url", "")).path)), []).append(
            error
        )
    canary_messages = " | ".join(error["message"] for error in errors_by_file.pop(canary, []))
    for expected in ("fraction of a second", "Duplicate attribute", "Unclosed element"):
        assert expected in canary_messages, (
            f"vnu missed a known fault ({expected!r}) in the canary page: {canary_messages}"
        )

    lines = []
    for file, errors in errors_by_file.items():
        for error in errors:
            extract = " ".join(error.get("extract", "").split())
            lines.append(
                f"{files.get(file, file)} line {error.get('lastLine', '?')}: {error.get('message')}\n    {extract}"
            )
    if lines:
        pytest.fail(f"vnu found {len(lines)} HTML errors:\n" + "\n".join(lines), pytrace=False)


def test_iso_prints_a_valid_html_datetime_in_the_current_time_zone(settings):
    from django.template import Context, Template

    settings.TIME_ZONE = "Asia/Seoul"
    moment = datetime(2026, 12, 2, 11, 17, 42, 123456, tzinfo=UTC)
    template = Template("{% load datetimes %}{{ moment|iso }}|{{ day|iso }}|{{ nothing|iso }}")
    text = template.render(Context({"moment": moment, "day": date(2026, 12, 2), "nothing": None}))
    assert text == "2026-12-02T20:17:42+09:00|2026-12-02|"
    # What |date:"c" printed: six digits of a second, which HTML refuses.
    assert (
        Template('{{ moment|date:"c" }}').render(Context({"moment": moment}))
        == "2026-12-02T20:17:42.123456+09:00"
    )
