"""The designation workflow as people do it in a browser: an owner applies, city staff review and
designate, and everyone sees the badge; axe-core checks every page on the way."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.test import Client

from e2e.conftest import assert_accessible

pytestmark = pytest.mark.e2e


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
    page.locator(f"form[action$='{action_suffix}'] button[type=submit]").first.click()
    page.wait_for_load_state()


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_owner_applies_staff_designates_and_the_badge_shows(
    make_page, axe, screenshot, hub_data, live_server, tmp_path, lang
):
    from sharehub.accounts.tests.factories import UserFactory, give_totp
    from sharehub.designation.models import Application, Designation

    organization = hub_data["organization"]
    results = {}

    owner_page = make_page(lang=lang, bypass_csp=True)
    sign_in(owner_page, hub_data["owner"], live_server)
    owner_page.goto(f"/{lang}/designation/apply/{organization.slug}/")
    owner_page.select_option("#id_kind", index=0)
    owner_page.fill("#id_activities", "공구 대여와 수리 교실을 운영합니다. We lend tools 🔧.")
    owner_page.fill("#id_plan", "2027년에 자치구 세 곳으로 넓힙니다.")
    results["apply"] = axe(owner_page)
    screenshot(owner_page, f"designation-{lang}-1-apply")
    owner_page.locator(
        "form:not([action]) button[type=submit], form[action=''] button[type=submit]"
    ).first.click()
    owner_page.wait_for_load_state()
    application = Application.objects.get(organization=organization)
    assert f"/designation/applications/{application.pk}/" in owner_page.url
    plan = tmp_path / "운영계획서.pdf"
    plan.write_bytes(
        b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
    )
    owner_page.set_input_files("form[action$='/documents/'] input[type=file]", str(plan))
    submit(owner_page, "/documents/")
    assert "운영계획서.pdf" in owner_page.locator("main").inner_text()
    submit(owner_page, "/submit/")
    screenshot(owner_page, f"designation-{lang}-2-submitted")
    application.refresh_from_db()
    assert application.status == "submitted"
    results["application"] = axe(owner_page)
    screenshot(owner_page, f"designation-{lang}-2-submitted")

    staff_page = make_page(lang=lang, bypass_csp=True)
    sign_in(staff_page, give_totp(UserFactory(is_city_staff=True)), live_server)
    staff_page.goto(f"/{lang}/designation/review/")
    results["queue"] = axe(staff_page)
    staff_page.goto(f"/{lang}/designation/review/{application.pk}/")
    submit(staff_page, "/start/")
    for box in staff_page.locator("form[action$='/checklist/'] input[type=checkbox]").all():
        box.check()
    submit(staff_page, "/checklist/")
    results["review"] = axe(staff_page)
    screenshot(staff_page, f"designation-{lang}-3-review")
    submit(staff_page, "/approve/")
    designation = Designation.objects.get(organization=organization)
    assert re.fullmatch(r"\d{4}-\d{4}", designation.number)

    visitor = make_page(lang=lang, bypass_csp=True)
    visitor.goto(f"/{lang}/organizations/{organization.slug}/")
    assert designation.number in visitor.locator("main").inner_text()
    visitor.goto(f"/{lang}/designation/")
    assert (
        organization.name_ko in visitor.locator("main").inner_text()
        or organization.name_en in visitor.locator("main").inner_text()
    )
    results["register"] = axe(visitor)
    screenshot(visitor, f"designation-{lang}-4-register")
    visitor.goto(f"/{lang}/designation/{designation.number}/")
    results["designation"] = axe(visitor)
    assert_accessible(results)
