"""The whole path of issue 13 in one browser test, in Korean and English: an owner creates an
organization through the pages; a moderator, from the header's workspace link, publishes it; the
owner creates its listing from the organization's page; the moderator publishes that too and it
is in the public directory; the owner applies for designation with typed documents; city staff,
from their workspace, review it stage by stage with scores and the committee's vote, and designate;
the owner downloads the certificate (PDF), and anyone confirms it on the public register by the
link it prints. Staff reach their tools by links only. axe-core checks every page visited."""

from __future__ import annotations

import datetime
import re
from urllib.parse import urlsplit

import pytest
from django.utils import timezone, translation

from e2e.conftest import assert_accessible
from e2e.pages import url
from e2e.test_designation import PDF, main_text, sign_in, submit

pytestmark = pytest.mark.e2e

NAMES = {
    "ko": {
        "org_ko": "상도동 우산 나눔터",
        "org_en": "Sangdo Umbrella Share",
        "district": "동작구",
        "service_ko": "우산 빌려주기",
        "service_en": "Umbrella lending",
    },
    "en": {
        "org_ko": "보라매 캠핑 장비 도서관",
        "org_en": "Boramae Camping Gear Library",
        "district": "Dongjak-gu",
        "service_ko": "텐트 빌려주기",
        "service_en": "Tent lending",
    },
}
# What a non-profit group attaches (designation.rules): one PDF per document type.
DOCUMENTS = ["business_plan", "articles", "registration_certificate", "activity_record"]
VERIFY_URL = re.compile(r"\S+/designation/verify/\?code=[0-9A-Za-z-]+")


def click(page, locator) -> None:
    """Follow a link or submit a form and wait for the page it leads to."""
    with page.expect_navigation():
        locator.click()


def workspace_queue(page, lang: str, url_name: str):
    """From the home page, follow the header's workspace link: (the link to the queue
    `url_name`, the count of waiting items the workspace shows on it)."""
    page.goto(f"/{lang}/")
    click(page, page.locator("header a.workspace-link"))
    assert page.url.endswith(url("workspace:home", lang)), page.url
    card = page.locator("main .workspace-queues li").filter(
        has=page.locator(f"a[href='{url(url_name, lang)}']")
    )
    count = int(card.locator(".workspace-count strong").inner_text())
    return card.locator("a"), count


def publish_from_the_queue(page, lang: str, obj, check) -> None:
    """A moderator publishes `obj` in the moderation queue reached from the workspace."""
    from django.contrib.contenttypes.models import ContentType

    from sharehub.moderation.selectors import waiting_count

    link, count = workspace_queue(page, lang, "moderation:queue")
    assert count == waiting_count() >= 1
    check(page, f"workspace-moderator-{type(obj).__name__}")
    click(page, link)
    check(page, f"moderation-queue-{type(obj).__name__}")
    content_type = ContentType.objects.get_for_model(type(obj))
    item = page.locator(f"#item-{content_type.pk}-{obj.pk}")
    assert item.count() == 1, main_text(page)
    # The queue decides over htmx (no navigation). Publishing a listing indexes it for search;
    # the Korean analyser's first load is slow on a busy machine.
    with page.expect_response(lambda r: "/moderation/decide/" in r.url, timeout=60_000):
        item.locator("button[value=publish]").click()
    item.locator("[role=status]").wait_for()  # the decided row, swapped in
    check(page, f"moderation-decided-{type(obj).__name__}")
    obj.refresh_from_db()
    assert obj.is_published


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_organization_listing_designation_certificate_and_register(
    make_page, axe, screenshot, hub_data, live_server, tmp_path, lang
):
    from sharehub.accounts.tests.factories import UserFactory, give_totp
    from sharehub.designation.models import (
        Application,
        Designation,
        ReviewStage,
        ScoreCriterion,
    )
    from sharehub.designation.selectors import waiting_for_staff
    from sharehub.designation.tests.pdftext import pdf_pages
    from sharehub.directory.models import Listing
    from sharehub.moderation.models import ModerationStatus
    from sharehub.organizations.models import MemberRole, Membership, Organization

    names = NAMES[lang]
    name = names["org_ko"] if lang == "ko" else names["org_en"]
    today = timezone.localdate()
    results: dict[str, list[dict]] = {}

    def check(page, label: str) -> None:
        results[label] = axe(page)

    owner_user = UserFactory(preferred_language=lang)
    owner = make_page(lang=lang, bypass_csp=True)
    sign_in(owner, owner_user, live_server)
    moderator = make_page(lang=lang, bypass_csp=True)
    sign_in(moderator, give_totp(UserFactory(is_moderator=True)), live_server)
    staff = make_page(lang=lang, bypass_csp=True)
    sign_in(staff, give_totp(UserFactory(is_city_staff=True)), live_server)
    visitor = make_page(lang=lang, bypass_csp=True)

    # --- 1. the owner creates the organization through the pages ------------------------------
    # The live server's first page warms its caches (templates, catalogues): seconds on a busy
    # machine, so more time than the 10 s every other step gets.
    owner.goto(f"/{lang}/", timeout=30_000)
    check(owner, "home-owner")
    click(owner, owner.locator(f"header nav a[href='{url('organizations:list', lang)}']"))
    check(owner, "organization-list")
    click(owner, owner.locator(f"main a[href='{url('organizations:create', lang)}']").first)
    form = owner.locator("main form").filter(has=owner.locator("#id_name_ko"))
    form.locator("#id_name_ko").fill(names["org_ko"])
    form.locator("#id_name_en").fill(names["org_en"])
    form.locator("#id_kind").select_option("community")
    form.locator("#id_district").select_option(label=names["district"])
    form.locator("#id_description_ko").fill("이웃끼리 물건을 빌려주고 돌려받는 비영리 모임입니다.")
    form.locator("#id_description_en").fill("A non-profit group where neighbours lend things.")
    check(owner, "organization-form")
    click(owner, form.locator("button[type=submit]").last)
    organization = Organization.objects.get(name_ko=names["org_ko"])
    assert organization.moderation_status == ModerationStatus.PENDING
    assert Membership.objects.get(organization=organization).user == owner_user
    assert Membership.objects.get(organization=organization).role == MemberRole.OWNER
    organization_url = url("organizations:detail", lang, slug=organization.slug)
    assert owner.url.endswith(organization_url)
    assert owner.locator("main h1").inner_text().strip() == name
    check(owner, "organization-pending")
    # Not public yet: a visitor finds no page.
    assert visitor.goto(organization_url).status == 404

    # --- 2. a moderator publishes it from the workspace's moderation queue --------------------
    publish_from_the_queue(moderator, lang, organization, check)
    screenshot(moderator, f"org-to-designation-{lang}-1-moderation-queue")

    # --- 3. the owner creates the listing and a service from the organization's page ----------
    owner.reload()
    create = owner.locator(f"main a[href='{url('directory:edit', lang, slug=organization.slug)}']")
    assert create.count() == 1, main_text(owner)
    check(owner, "organization-published-no-listing")
    click(owner, create)
    check(owner, "listing-form")
    owner.locator("#id_summary_ko").fill("비 오는 날 우산과 캠핑 장비를 이웃과 나눠 씁니다.")
    owner.locator("#id_summary_en").fill("Umbrellas and camping gear shared with neighbours.")
    click(owner, owner.locator("main form button[type=submit]").first)
    service_form = owner.locator("main form#add-service")
    service_form.locator("#id_name_ko").fill(names["service_ko"])
    service_form.locator("#id_name_en").fill(names["service_en"])
    click(owner, service_form.locator("button[type=submit]"))
    listing = Listing.objects.get(organization=organization)
    assert listing.moderation_status == ModerationStatus.PENDING
    assert listing.services.count() == 1
    check(owner, "listing-manage-pending")
    visitor.goto(url("directory:list", lang))
    assert name not in main_text(visitor)

    # --- 4. the moderator publishes the listing: it is in the public directory ----------------
    publish_from_the_queue(moderator, lang, listing, check)
    visitor.goto(f"/{lang}/")
    check(visitor, "home-visitor")
    click(visitor, visitor.locator(f"header nav a[href='{url('directory:list', lang)}']"))
    detail_url = url("directory:detail", lang, slug=organization.slug)
    card = visitor.locator(".listing-card").filter(has=visitor.locator(f"a[href='{detail_url}']"))
    assert card.count() == 1, main_text(visitor)
    assert not card.locator(".designation-badge").count()
    check(visitor, "directory-list")
    click(visitor, card.locator(f"a[href='{detail_url}']"))
    assert names[f"service_{lang}"] in main_text(visitor)
    check(visitor, "listing-detail")
    screenshot(visitor, f"org-to-designation-{lang}-2-listing")

    # --- 5. the owner applies for designation with typed documents -----------------------------
    click(owner, owner.locator(f"main a[href='{organization_url}']").first)
    check(owner, "organization-with-listing")
    click(
        owner,
        owner.locator(f"main a[href='{url('designation:apply', lang, slug=organization.slug)}']"),
    )
    owner.select_option("#id_applicant_type", "nonprofit_group")
    owner.select_option("#id_kind", "organization")
    owner.fill("#id_representative", "이나눔")
    owner.select_option("#id_registration_type", "nonprofit")
    owner.fill("#id_registration_number", "1078212345")  # written back as 107-82-12345
    owner.fill("#id_founded_on", (today - datetime.timedelta(days=1200)).isoformat())
    owner.fill("#id_sharing_since", (today - datetime.timedelta(days=300)).isoformat())
    owner.fill("#id_members_count", "28")
    owner.fill("#id_staff_count", "2")
    owner.fill("#id_budget_last_year", "21000000")
    owner.fill("#id_activities", "우산 1,200회, 캠핑 장비 300회를 빌려주었습니다.")
    owner.fill("#id_plan", "2027년에 동작구 주민센터 세 곳에 보관함을 둡니다.")
    check(owner, "apply")
    click(owner, owner.locator("main form[method=post] button[type=submit]").last)
    application = Application.objects.get(organization=organization)
    assert owner.url.endswith(url("designation:application", lang, pk=application.pk)), owner.url
    assert owner.locator("#id_registration_number").input_value() == "107-82-12345"
    for document_type in DOCUMENTS:
        file = tmp_path / f"{document_type}-{lang}-서류.pdf"
        file.write_bytes(PDF)
        owner.select_option("#id_document_type", document_type)
        owner.set_input_files("form[action$='/documents/'] input[type=file]", str(file))
        submit(owner, "/documents/")
    assert set(application.documents.values_list("document_type", flat=True)) == set(DOCUMENTS)
    assert not owner.locator("#documents-heading ~ .checklist .missing").count()
    check(owner, "application-documents")
    submit(owner, "/submit/")
    application.refresh_from_db()
    assert application.status == "submitted"
    assert re.fullmatch(r"\d{4}-\d{4}", application.receipt_number)
    assert application.due_on and application.due_on > today
    summary = main_text(owner)
    with translation.override(lang):
        deadline_label = translation.gettext("Processing deadline")
    assert application.receipt_number in summary and deadline_label in summary
    check(owner, "application-submitted")
    screenshot(owner, f"org-to-designation-{lang}-3-application-submitted")

    # --- 6. city staff review it stage by stage, from their workspace ------------------------
    link, count = workspace_queue(staff, lang, "designation:queue")
    assert count == waiting_for_staff().count() >= 1
    check(staff, "workspace-city-staff")
    click(staff, link)
    check(staff, "designation-queue")
    click(
        staff, staff.locator(f"main a[href='{url('designation:review', lang, pk=application.pk)}']")
    )
    check(staff, "review-submitted")
    submit(staff, "/start/")
    for box in staff.locator("form[action$='/checklist/'] input[type=checkbox]").all():
        box.check()
    submit(staff, "/checklist/")
    criteria = list(ScoreCriterion.objects.filter(active=True))
    assert sum(c.max_points for c in criteria) == 100
    for index, criterion in enumerate(criteria):
        staff.fill(f"#id_score_{criterion.code}", str(criterion.max_points - index % 3))
    submit(staff, "/scores/")
    total = sum(c.max_points - i % 3 for i, c in enumerate(criteria))
    assert str(total) in staff.locator("table.score-sheet tfoot").inner_text()
    check(staff, "review-scored")
    # The stages the city configured, in order, each reached by "move to the next stage".
    application.refresh_from_db()
    passed = [application.stage.code]
    for _stage in range(ReviewStage.objects.filter(active=True).count() - 1):
        submit(staff, "/advance/")
        application.refresh_from_db()
        passed.append(application.stage.code)
    assert passed == list(
        ReviewStage.objects.filter(active=True).order_by("order").values_list("code", flat=True)
    )
    assert application.stage.is_committee
    assert staff.locator(".stages [aria-current=step]").count() == 1
    staff.fill("#id_meeting_on", today.isoformat())
    staff.fill("#id_members_present", "11")
    staff.fill("#id_attendees", "위원장 외 10명")
    staff.fill("#id_votes_for", "9")
    staff.fill("#id_votes_against", "1")
    staff.fill("#id_votes_abstain", "1")
    submit(staff, "/committee/")
    assert application.committee_decisions.get().outcome == "approved"
    check(staff, "review-committee")
    screenshot(staff, f"org-to-designation-{lang}-4-review")
    submit(staff, "/approve/")
    designation = Designation.objects.get(organization=organization)
    assert re.fullmatch(r"\d{4}-\d{4}", designation.number)
    # Back on the review page, which now links to the designation it issued.
    designation_url = url("designation:detail", lang, number=designation.number)
    check(staff, "review-designated")
    click(staff, staff.locator(f"main a[href='{designation_url}']").first)
    check(staff, "designation-staff")

    # --- 7. the owner downloads the certificate ---------------------------------------------
    click(owner, owner.locator(f"main a[href='{organization_url}']").first)
    # Designated: the badge, and no second "apply for designation".
    assert not owner.locator(
        f"a[href='{url('designation:apply', lang, slug=organization.slug)}']"
    ).count()
    check(owner, "organization-designated")
    click(owner, owner.locator("main a.designation-badge").first)
    assert owner.url.endswith(designation_url)
    check(owner, "designation-owner")
    certificate = owner.locator("main a[href$='/certificate.pdf']")
    with owner.expect_download() as download:
        certificate.click()
    assert download.value.path().read_bytes().startswith(b"%PDF-")
    response = owner.context.request.get(certificate.get_attribute("href"))
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    pdf = response.body()
    assert pdf.startswith(b"%PDF-")
    korean, english = pdf_pages(pdf)
    assert f"제{designation.number}호" in korean and f"No. {designation.number}" in english
    printed = VERIFY_URL.search(korean if lang == "ko" else english)
    assert printed and f"/{lang}/" in printed.group(), (korean, english)
    screenshot(owner, f"org-to-designation-{lang}-5-designation")

    # --- 8. the directory shows the designation at once; anyone verifies the certificate -----
    visitor.goto(url("directory:list", lang) + "?designated=1")
    card = visitor.locator(".listing-card").filter(has=visitor.locator(f"a[href='{detail_url}']"))
    assert card.locator(".designation-badge").count() == 1, main_text(visitor)
    check(visitor, "directory-designated")
    # The verification address the certificate prints, followed on this server.
    verify_link = urlsplit(printed.group())
    visitor.goto(f"{verify_link.path}?{verify_link.query}")
    result = visitor.locator(".verify-result")
    assert designation.number in result.inner_text()
    assert "invalid" not in (result.get_attribute("class") or "")
    check(visitor, "verify-by-link")
    # And by the public register: from the footer, search, verify by the code as typed.
    visitor.goto(f"/{lang}/")
    click(visitor, visitor.locator(f"footer a[href='{url('designation:register', lang)}']"))
    visitor.fill("#id_q", name[:3])
    click(visitor, visitor.locator("main form.filters button[type=submit]"))
    row = visitor.locator("main tbody tr").filter(has_text=designation.number)
    assert row.count() == 1 and name in row.inner_text()
    check(visitor, "register")
    screenshot(visitor, f"org-to-designation-{lang}-6-register")
    click(visitor, visitor.locator(f"main a[href='{url('designation:verify', lang)}']").first)
    visitor.fill("#id_code", designation.printed_code.lower())
    click(visitor, visitor.locator("main form button[type=submit]"))
    result = visitor.locator(".verify-result")
    assert designation.number in result.inner_text()
    assert "invalid" not in (result.get_attribute("class") or "")
    check(visitor, "verify-by-code")
    screenshot(visitor, f"org-to-designation-{lang}-7-verify")
    assert_accessible(results)
