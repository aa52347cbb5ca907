"""A support programme in the browser, in Korean and English: city staff publish a call they
prepared; a designated organization's owner finds it from the header's menu, applies, answers and
submits, gets a receipt number on the page and by mail; staff screen it and assign two reviewers
from the workspace; one reviewer declares a conflict (and then sees nothing of the answers), the
other scores every criterion and submits, which sends the application to the committee; staff
record the committee's vote and award an amount within the cap; the owner reads the decision, the
award is on the public awards page; the owner sends the interim report, which staff accept from
"Project reports to review". Only what a city would have set up is made with the ORM; everything
else is done through the pages, reached by links. axe-core checks every page; the main pages are
photographed at 1280 and 375 px, and the public pages must fit a phone."""

from __future__ import annotations

import pytest
from django.utils import timezone, translation
from django.utils.translation import gettext, pgettext

from e2e.conftest import assert_accessible
from e2e.pages import assert_no_horizontal_scroll, open_menu, pick, url
from e2e.test_designation import main_text, sign_in
from e2e.test_organization_to_designation import click

pytestmark = pytest.mark.e2e

PLAN = {
    "ko": "공구 도서관을 망원동과 성산동으로 넓히고 수리 교실을 엽니다. 🔧",
    "en": "We open two more tool libraries and a repair class. 🔧",
}
TITLE = {"ko": "동네 공구 도서관 확장", "en": "More neighbourhood tool libraries"}


def workspace_card(page, lang: str, url_name: str):
    """From the home page, follow the header's workspace link; the link of the card `url_name`."""
    page.goto(f"/{lang}/")
    click(page, page.locator("header a.workspace-link"))
    assert page.url.endswith(url("workspace:home", lang)), page.url
    # Queues (with a count) and tools (without) are both links of the workspace's main part.
    return page.locator(f"main a[href='{url(url_name, lang)}']").first


def follow(page, locator) -> None:
    """click(), failing at once with what the page shows when the link or button is missing."""
    if locator.count() == 0:
        pytest.fail(f"not on {page.url}: {locator}\n{main_text(page)}")
    click(page, locator.first)


def user_menu(page, lang: str, name: str):
    page.goto(f"/{lang}/")
    page.locator("header .user-menu summary").click()
    return page.locator("header .user-menu").get_by_role("link", name=name)


def check_radio(form, value: str, name: str) -> None:
    form.locator(f"input[type=radio][name='{name}'][value='{value}']").check()


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_call_published_applied_reviewed_awarded_and_reported(
    make_page, axe, screenshot, console_errors, hub_data, live_server, lang
):
    from sharehub.accounts.tests.factories import UserFactory, give_totp
    from sharehub.designation.defaults import install_committee
    from sharehub.notifications.models import OutboundEmail
    from sharehub.participation.models import Committee
    from sharehub.programmes.models import (
        Application,
        ApplicationStatus,
        Award,
        Conflict,
        Report,
        ReportStatus,
        ReviewAssignment,
    )
    from sharehub.programmes.tests.factories import MILLION, designate_directly, open_call

    results: dict[str, list[dict]] = {}

    def check(page, label: str) -> None:
        results[label] = axe(page)

    # --- what the city set up: a designated organization, staff, reviewers, a committee and a
    # draft call (tracks, criteria 30/25/45, questions) ----------------------------------------
    organization = hub_data["organization"]
    owner_user = hub_data["owner"]
    owner_user.preferred_language = lang
    owner_user.display_name = "김공구"
    owner_user.save()
    designate_directly(organization)
    staff_user = give_totp(
        UserFactory(is_city_staff=True, display_name="이담당", preferred_language=lang)
    )
    reviewer_a = UserFactory(
        display_name="박심사", email="park.reviewer@example.org", preferred_language=lang
    )
    reviewer_b = UserFactory(
        display_name="최심사", email="choi.reviewer@example.org", preferred_language=lang
    )
    install_committee(Committee)
    call = open_call(published_at=None, budget=100 * MILLION, cap=30 * MILLION)
    call.staff.add(staff_user)
    free_track = call.tracks.get(kind="free")
    call_path = url("programmes:call", lang, slug=call.slug)

    with translation.override(lang):
        menu_label = gettext("Support programmes")
        start = gettext("Start the application")
        submit_label = gettext("Submit the application")
        fill_in = gettext("Fill in the application")
        my_applications = gettext("My applications")
        awarded = str(ApplicationStatus.AWARDED.label)
        conflict_msg = gettext("You declared a conflict; you are not reviewing this application.")
        send_report = pgettext("project report", "Send the report")

    owner = make_page(lang=lang, bypass_csp=True)
    sign_in(owner, owner_user, live_server)
    owner_errors = console_errors(owner)
    staff = make_page(lang=lang, bypass_csp=True)
    sign_in(staff, staff_user, live_server)
    phone = make_page(lang=lang, device="phone", bypass_csp=True)
    sign_in(phone, owner_user, live_server)

    # --- 1. staff publish the call: workspace → the call → Publishing → Publish ---------------
    follow(staff, workspace_card(staff, lang, "programmes:manage"))
    check(staff, "manage")
    follow(
        staff, staff.locator(f"main a[href='{url('programmes:call_edit', lang, slug=call.slug)}']")
    )
    check(staff, "call-edit")
    follow(
        staff,
        staff.locator(f"main a[href='{url('programmes:call_publish', lang, slug=call.slug)}']"),
    )
    check(staff, "call-publish")
    screenshot(staff, f"programmes-{lang}-1-publish")
    follow(
        staff, staff.locator("main form:has(input[name=publish][value='1']) button[type=submit]")
    )
    call.refresh_from_db()
    assert call.published_at is not None, main_text(staff)

    # --- 2. the owner finds it from the header's menu, applies, answers and submits ------------
    owner.goto(f"/{lang}/", timeout=30_000)
    open_menu(owner)
    follow(owner, owner.locator("header nav").get_by_role("link", name=menu_label, exact=True))
    check(owner, "list")
    screenshot(owner, f"programmes-{lang}-2-list")
    follow(owner, owner.locator(f"main a[href='{call_path}']").first)
    check(owner, "call")
    screenshot(owner, f"programmes-{lang}-3-call")
    follow(
        owner,
        owner.locator(f"main a[href='{url('programmes:apply', lang, slug=call.slug)}']").first,
    )
    check(owner, "apply")
    form = owner.locator(f"main form[action='{url('programmes:apply', lang, slug=call.slug)}']")
    check_radio(form, str(free_track.pk), "track")
    form.get_by_label(gettext_in(lang, "Project title")).fill(TITLE[lang])
    follow(owner, form.get_by_role("button", name=start))
    application = Application.objects.get(call=call, organization=organization)
    if not owner.url.endswith(url("programmes:edit", lang, pk=application.pk)):
        follow(owner, owner.locator("main a.button").filter(has_text=fill_in))
    check(owner, "edit")
    form = owner.locator(f"main form[action='{url('programmes:edit', lang, pk=application.pk)}']")
    form.locator("#id_requested_amount").fill("20000000")
    form.locator("#id_plan").fill(PLAN[lang])
    form.locator("#id_budget").fill("45000000")
    screenshot(owner, f"programmes-{lang}-4-edit")
    follow(owner, form.get_by_role("button", name=submit_label))
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED, main_text(owner)
    assert application.receipt_number and application.receipt_number in main_text(owner)
    check(owner, "application-submitted")
    screenshot(owner, f"programmes-{lang}-5-application")

    # The receipt by mail: its link opens the application's page.
    mails = [m for m in OutboundEmail.objects.order_by("pk") if owner_user.email in m.to]
    receipt = [m for m in mails if application.receipt_number in m.body_text]
    assert receipt, [m.subject for m in mails]
    path = url("programmes:application", lang, pk=application.pk)
    assert path in receipt[-1].body_text, receipt[-1].body_text
    owner.goto(path)
    assert application.receipt_number in main_text(owner)

    # --- 3. staff screen it eligible and assign both reviewers, from the workspace -------------
    follow(staff, workspace_card(staff, lang, "programmes:screening"))
    check(staff, "screening")
    follow(staff, staff.locator(f"main a[href='{path}']"))
    form = staff.locator(f"main form[action='{url('programmes:screen', lang, pk=application.pk)}']")
    check_radio(form, "eligible", "decision")
    follow(staff, form.locator("button[type=submit]"))
    application.refresh_from_db()
    assert application.status == ApplicationStatus.IN_REVIEW, main_text(staff)
    form = staff.locator(
        f"main form[action='{url('programmes:assign_reviewers', lang, pk=application.pk)}']"
    )
    field_id = form.locator("select[name=reviewers]").get_attribute("id")
    pick(staff, field_id, ("park.rev", "park.reviewer"), ("choi.rev", "choi.reviewer"))
    check(staff, "application-staff")
    follow(staff, form.locator("button[type=submit]"))
    assert ReviewAssignment.objects.filter(application=application).count() == 2, main_text(staff)
    screenshot(staff, f"programmes-{lang}-6-assigned")

    # --- 4. reviewer A declares a conflict; reviewer B scores every criterion and submits ------
    for reviewer, conflicted in ((reviewer_a, True), (reviewer_b, False)):
        page = make_page(lang=lang, bypass_csp=True)
        sign_in(page, reviewer, live_server)
        follow(page, workspace_card(page, lang, "programmes:reviews"))
        check(page, f"reviews-{int(conflicted)}")
        follow(page, page.locator("main td a").filter(has_text=TITLE[lang]))
        assert PLAN[lang] not in main_text(page)
        check(page, f"conflict-{int(conflicted)}")
        assignment = ReviewAssignment.objects.get(application=application, reviewer=reviewer)
        form = page.locator(
            f"main form[action='{url('programmes:review_conflict', lang, pk=assignment.pk)}']"
        )
        check_radio(form, "yes" if conflicted else "no", "conflict")
        if conflicted:
            form.locator("textarea").fill(
                "이 단체의 자문위원입니다." if lang == "ko" else "I advise it."
            )
        follow(page, form.locator("button[type=submit]"))
        assignment.refresh_from_db()
        if conflicted:
            assert assignment.conflict == Conflict.DECLARED, main_text(page)
            text = main_text(page)
            assert conflict_msg in text and PLAN[lang] not in text
            check(page, "conflict-declared")
            # Nor the application's page.
            page.goto(path)
            assert PLAN[lang] not in page.content()
            continue
        assert assignment.conflict == Conflict.NONE, main_text(page)
        form = page.locator(
            f"main form[action='{url('programmes:review_scores', lang, pk=assignment.pk)}']"
        )
        selects = form.locator("select")
        assert selects.count() == 3
        for index in range(3):
            selects.nth(index).select_option(str(4 - index % 2))
        check(page, "score-sheet")
        screenshot(page, f"programmes-{lang}-7-review")
        follow(page, form.locator("button[name=submit]"))
        assignment.refresh_from_db()
        assert assignment.submitted_at is not None, main_text(page)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.COMMITTEE

    # --- 5. staff record the committee's vote and award within the cap ------------------------
    follow(staff, workspace_card(staff, lang, "programmes:committee_queue"))
    check(staff, "committee-queue")
    follow(
        staff, staff.locator(f"main a[href='{url('programmes:decide', lang, pk=application.pk)}']")
    )
    form = staff.locator(
        f"main form[action='{url('programmes:committee', lang, pk=application.pk)}']"
    )
    form.locator("#id_vote-meeting_on").fill(timezone.localdate().isoformat())
    form.locator("#id_vote-members_present").fill("10")
    form.locator("#id_vote-votes_for").fill("8")
    form.locator("#id_vote-votes_against").fill("1")
    form.locator("#id_vote-votes_abstain").fill("1")
    form.locator("#id_vote-attendees").fill("위원장 외 9명")
    check(staff, "decide")
    follow(staff, form.locator("button[type=submit]"))
    assert application.committee_decisions.get().outcome == "approved", main_text(staff)
    form = staff.locator(f"main form[action='{url('programmes:decide', lang, pk=application.pk)}']")
    check_radio(form, ApplicationStatus.AWARDED.value, "decision-outcome")
    form.locator("#id_decision-amount").fill("18000000")
    follow(staff, form.locator("button[type=submit]"))
    award = Award.objects.get(application=application)
    assert award.amount == 18 * MILLION
    check(staff, "decided")
    screenshot(staff, f"programmes-{lang}-8-decided")

    # The owner reads the decision under "My applications"; the award is public.
    follow(owner, user_menu(owner, lang, my_applications))
    check(owner, "mine")
    follow(owner, owner.locator(f"main a[href='{path}']"))
    assert awarded in main_text(owner)
    assert "18,000,000" in main_text(owner)
    check(owner, "application-awarded")
    open_menu(owner)
    follow(owner, owner.locator("header nav").get_by_role("link", name=menu_label, exact=True))
    follow(owner, owner.locator(f"main a[href='{call_path}']").first)
    follow(owner, owner.locator(f"main a[href^='{url('programmes:awards', lang)}']"))
    assert TITLE[lang] in main_text(owner) or organization.name_ko in main_text(owner)
    assert "18,000,000" in main_text(owner)
    check(owner, "awards")
    screenshot(owner, f"programmes-{lang}-9-awards")

    # --- 6. the owner sends the interim report; staff accept it ---------------------------------
    interim = Report.objects.get(award=award, kind="interim")
    owner.goto(path)
    follow(
        owner, owner.locator(f"main a[href$='/reports/{interim.pk}/']").filter(has_text=send_report)
    )
    check(owner, "report-form")
    form = owner.locator("main form[enctype='multipart/form-data']")
    form.locator("#id_body").fill(PLAN[lang] + " 중간 결과 / midway.")
    form.locator("#id_spent").fill("9000000")
    follow(owner, form.locator("button[type=submit]"))
    interim.refresh_from_db()
    assert interim.status == ReportStatus.SUBMITTED, main_text(owner)
    follow(staff, workspace_card(staff, lang, "programmes:reports"))
    check(staff, "reports")
    follow(staff, staff.locator(f"main a[href='{url('programmes:report', lang, pk=interim.pk)}']"))
    form = staff.locator(
        f"main form[action='{url('programmes:report_review', lang, pk=interim.pk)}']"
    )
    check_radio(form, "accept", "decision")
    check(staff, "report-review")
    follow(staff, form.locator("button[type=submit]"))
    interim.refresh_from_db()
    assert interim.status == ReportStatus.ACCEPTED, main_text(staff)
    screenshot(staff, f"programmes-{lang}-10-report-accepted")

    assert not owner_errors, owner_errors

    # --- 7. the public pages and the application at 375 px -----------------------------------
    for label, address in (
        ("list", url("programmes:list", lang)),
        ("call", call_path),
        ("application", path),
        ("awards", url("programmes:awards", lang)),
    ):
        phone.goto(address, timeout=30_000)
        assert_no_horizontal_scroll(phone, label)
        assert phone.evaluate("document.documentElement.scrollWidth") <= 375
        results[f"phone-{label}"] = axe(phone)
        screenshot(phone, f"programmes-{lang}-phone-{label}")
    # The staff's pages on a phone too (screenshots only at 1280 px above).
    staff_phone = make_page(lang=lang, device="phone", bypass_csp=True)
    sign_in(staff_phone, staff_user, live_server)
    for label, address in (
        ("staff-application", path),
        ("staff-manage", url("programmes:manage", lang)),
        ("staff-table", url("programmes:table", lang, slug=call.slug)),
        ("staff-reports", url("programmes:reports", lang)),
        ("staff-report", url("programmes:report", lang, pk=interim.pk)),
    ):
        staff_phone.goto(address, timeout=30_000)
        assert_no_horizontal_scroll(staff_phone, label)
        results[f"phone-{label}"] = axe(staff_phone)
        screenshot(staff_phone, f"programmes-{lang}-phone-{label}")
    assert_accessible(results)


def gettext_in(lang: str, message: str) -> str:
    with translation.override(lang):
        return gettext(message)
