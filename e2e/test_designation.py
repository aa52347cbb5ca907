"""The designation workflow as people do it in a browser, as Seoul runs it: an owner applies with
the details and typed documents the city asks for and gets a receipt number; city staff review
it stage by stage, score it and record the committee's vote, and designate; the owner downloads
the certificate, and anyone confirms it on the public register. axe-core checks every page."""

from __future__ import annotations

import datetime
import re

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from e2e.conftest import assert_accessible

pytestmark = pytest.mark.e2e

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def sign_in(page, user, live_server) -> None:
    """Give the browser a session for `user` (the login form itself is tested in the sign-up flow)."""
    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )


def submit(page, action_suffix: str) -> None:
    with page.expect_navigation():
        page.locator(f"form[action$='{action_suffix}'] button[type=submit]").first.click()


def main_text(page) -> str:
    return page.locator("main").inner_text()


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_apply_review_in_stages_designate_and_verify_the_certificate(
    make_page, axe, screenshot, hub_data, live_server, tmp_path, lang
):
    from sharehub.accounts.tests.factories import UserFactory, give_totp
    from sharehub.designation.models import Application, Designation, ScoreCriterion
    from sharehub.designation.tests.pdftext import pdf_pages

    organization = hub_data["organization"]
    today = timezone.localdate()
    results = {}

    # --- the owner applies with what the city asks -------------------------------------------
    owner_page = make_page(lang=lang, bypass_csp=True)
    sign_in(owner_page, hub_data["owner"], live_server)
    owner_page.goto(f"/{lang}/organizations/{organization.slug}/")
    with owner_page.expect_navigation():
        owner_page.locator("a[href$='/designation/apply/mapo-tool-library/']").click()
    owner_page.select_option("#id_applicant_type", "nonprofit_group")
    owner_page.select_option("#id_kind", "organization")
    owner_page.fill("#id_representative", "김공구")
    owner_page.select_option("#id_registration_type", "nonprofit")
    owner_page.fill("#id_registration_number", "105-82-12345")
    owner_page.fill("#id_founded_on", (today - datetime.timedelta(days=900)).isoformat())
    owner_page.fill("#id_sharing_since", (today - datetime.timedelta(days=400)).isoformat())
    owner_page.fill("#id_members_count", "42")
    owner_page.fill("#id_staff_count", "3")
    owner_page.fill("#id_budget_last_year", "48000000")
    owner_page.fill("#id_activities", "공구 대여와 수리 교실을 운영합니다. We lend tools 🔧.")
    owner_page.fill("#id_plan", "2027년에 자치구 세 곳으로 넓힙니다.")
    results["apply"] = axe(owner_page)
    screenshot(owner_page, f"designation-{lang}-1-apply")
    with owner_page.expect_navigation():
        owner_page.locator("main form[method=post] button[type=submit]").last.click()
    application = Application.objects.get(organization=organization)
    assert f"/designation/applications/{application.pk}/" in owner_page.url
    assert "105-82-12345" in owner_page.locator("#id_registration_number").input_value()
    # what is still missing is listed: the documents a non-profit group attaches
    required = [
        "business_plan",
        "articles",
        "registration_certificate",
        "activity_record",
    ]
    assert len(owner_page.locator(".checklist .missing").all()) >= len(required)
    for document_type in required:
        file = tmp_path / f"{document_type}-서류.pdf"
        file.write_bytes(PDF)
        owner_page.select_option("#id_document_type", document_type)
        owner_page.set_input_files("form[action$='/documents/'] input[type=file]", str(file))
        submit(owner_page, "/documents/")
    assert "articles-서류.pdf" in main_text(owner_page)
    assert not owner_page.locator("#documents-heading ~ .checklist .missing").count()
    results["application"] = axe(owner_page)
    submit(owner_page, "/submit/")
    application.refresh_from_db()
    assert application.status == "submitted"
    assert re.fullmatch(r"\d{4}-\d{4}", application.receipt_number)
    assert application.receipt_number in main_text(owner_page)
    screenshot(owner_page, f"designation-{lang}-2-submitted")

    # --- city staff review it in stages, score it and record the committee's vote --------------
    staff_page = make_page(lang=lang, bypass_csp=True)
    sign_in(staff_page, give_totp(UserFactory(is_city_staff=True)), live_server)
    staff_page.goto(f"/{lang}/designation/review/")
    assert application.receipt_number in main_text(staff_page)
    results["queue"] = axe(staff_page)
    with staff_page.expect_navigation():
        staff_page.locator(f"a[href$='/designation/review/{application.pk}/']").click()
    submit(staff_page, "/start/")
    for box in staff_page.locator("form[action$='/checklist/'] input[type=checkbox]").all():
        box.check()
    submit(staff_page, "/checklist/")
    for criterion in ScoreCriterion.objects.filter(active=True):
        staff_page.fill(f"#id_score_{criterion.code}", str(criterion.max_points - 2))
    submit(staff_page, "/scores/")
    total = sum(c.max_points - 2 for c in ScoreCriterion.objects.filter(active=True))
    assert str(total) in staff_page.locator("table.score-sheet tfoot").inner_text()
    for _stage in range(3):
        submit(staff_page, "/advance/")
    application.refresh_from_db()
    assert application.stage.is_committee
    assert staff_page.locator(".stages [aria-current=step]").count() == 1
    staff_page.fill("#id_meeting_on", today.isoformat())
    staff_page.fill("#id_members_present", "9")
    staff_page.fill("#id_attendees", "위원장 외 8명")
    staff_page.fill("#id_votes_for", "7")
    staff_page.fill("#id_votes_against", "1")
    staff_page.fill("#id_votes_abstain", "1")
    submit(staff_page, "/committee/")
    assert application.committee_decisions.get().outcome == "approved"
    results["review"] = axe(staff_page)
    screenshot(staff_page, f"designation-{lang}-3-review")
    submit(staff_page, "/approve/")
    designation = Designation.objects.get(organization=organization)
    assert re.fullmatch(r"\d{4}-\d{4}", designation.number)

    # the applicant saw the stages, never the scores nor the votes
    owner_page.goto(f"/{lang}/designation/applications/{application.pk}/")
    assert "위원장 외 8명" not in main_text(owner_page)
    assert not owner_page.locator("table.score-sheet").count()

    # --- the owner downloads the certificate ---------------------------------------------------
    owner_page.goto(f"/{lang}/designation/{designation.number}/")
    results["designation-owner"] = axe(owner_page)
    with owner_page.expect_download() as download:
        owner_page.locator("a[href$='/certificate.pdf']").click()
    pdf = download.value.path().read_bytes()
    assert pdf.startswith(b"%PDF-")
    korean, english = pdf_pages(pdf)
    assert f"제{designation.number}호" in korean and f"No. {designation.number}" in english
    printed = re.search(r"[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}", english).group()
    assert printed == designation.printed_code

    # --- anyone confirms it on the public register ---------------------------------------------
    visitor = make_page(lang=lang, bypass_csp=True)
    visitor.goto(f"/{lang}/")
    with visitor.expect_navigation():
        visitor.locator("footer a[href$='/designation/']").click()
    visitor.fill("#id_q", organization.name_ko[:2])
    with visitor.expect_navigation():
        visitor.locator("form.filters button[type=submit]").click()
    assert designation.number in main_text(visitor)
    results["register"] = axe(visitor)
    screenshot(visitor, f"designation-{lang}-4-register")
    with visitor.expect_navigation():
        visitor.locator("a[href$='/designation/verify/']").first.click()
    visitor.fill("#id_code", printed.lower())
    with visitor.expect_navigation():
        visitor.locator("main form button[type=submit]").click()
    result = visitor.locator(".verify-result")
    assert designation.number in result.inner_text()
    assert "invalid" not in (result.get_attribute("class") or "")
    results["verify"] = axe(visitor)
    screenshot(visitor, f"designation-{lang}-5-verify")
    visitor.fill("#id_code", "AAAA-BBBB-CCCC-DDDD")
    with visitor.expect_navigation():
        visitor.locator("main form button[type=submit]").click()
    assert "invalid" in (visitor.locator(".verify-result").get_attribute("class") or "")

    # on a phone: the register and the staff's review page
    phone = make_page(lang=lang, device="phone", bypass_csp=True)
    phone.goto(f"/{lang}/designation/")
    results["register-phone"] = axe(phone)
    screenshot(phone, f"designation-{lang}-6-register-phone")
    sign_in(phone, hub_data["owner"], live_server)
    phone.goto(f"/{lang}/designation/{designation.number}/")
    results["designation-phone"] = axe(phone)
    screenshot(phone, f"designation-{lang}-7-designation-phone")
    assert_accessible(results)
