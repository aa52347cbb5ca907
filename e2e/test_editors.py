"""The editors people use, in a browser: a story written with the rich-text editor (heading, list,
link, an uploaded image with its text alternative) in Korean and English, previewed, saved and
read; tags, listings and districts chosen with the pickers by keyboard; a newsletter written with
the editor and sent through its confirmation. Under the real CSP where nothing is injected, and
axe-core at 375 and 1280 px on each screen."""

from __future__ import annotations

import io
import re

import pytest
from django.conf import settings
from django.test import Client
from PIL import Image, ImageDraw

from e2e.conftest import assert_accessible
from e2e.pages import assert_no_horizontal_scroll, pick

pytestmark = pytest.mark.e2e


def sign_in(page, user, live_server) -> None:
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


def photo(path) -> str:
    """A photo drawn locally (nothing comes from outside)."""
    image = Image.new("RGB", (1000, 560), (11, 110, 79))
    draw = ImageDraw.Draw(image)
    draw.rectangle([60, 60, 940, 500], outline=(242, 193, 78), width=24)
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG")
    path.write_bytes(buffer.getvalue())
    return str(path)


def toolbar(page, field: str):
    return page.locator(f".rich-toolbar[aria-controls='id_{field}_surface']")


def write(
    page,
    field: str,
    *,
    heading: str,
    text: str,
    items: list[str],
    link: tuple[str, str],
    image: str,
    alt: str,
    labels: dict,
) -> None:
    """Write with the editor as a person does: type, the toolbar, Ctrl+K, the image dialog."""
    tools = toolbar(page, field)
    page.locator(f"#id_{field}_surface").click()
    page.keyboard.type(heading)
    tools.get_by_role("button", name=labels["heading"], exact=True).click()
    page.keyboard.press("End")
    page.keyboard.press("Enter")
    page.keyboard.type(text)
    page.keyboard.press("Enter")
    tools.get_by_role("button", name=labels["list"], exact=True).click()
    for item in items:
        page.keyboard.type(item)
        page.keyboard.press("Enter")
    page.keyboard.press("Enter")  # out of the list
    page.keyboard.type(link[0])
    page.keyboard.press("Shift+Home")
    page.keyboard.press("Control+k")
    dialog = page.locator(".rich-link-dialog[open]")
    dialog.get_by_role("textbox").fill("javascript:alert(1)")
    dialog.get_by_role("textbox").press("Enter")
    assert dialog.locator(".rich-dialog-error").inner_text()  # refused in the dialog already
    dialog.get_by_role("textbox").fill(link[1])
    dialog.get_by_role("textbox").press("Enter")
    page.keyboard.press("End")
    page.keyboard.press("Enter")
    tools.get_by_role("button", name=labels["image"], exact=True).click()
    dialog = page.locator(".rich-image-dialog[open]")
    dialog.locator("input[type=file]").set_input_files(image)
    dialog.locator("[data-action=apply]").click()
    # No text alternative: the dialog asks for it and uploads nothing.
    alt_input = dialog.locator("input[type=text]")
    assert alt_input.get_attribute("aria-invalid") == "true"
    alt_input.fill(alt)
    alt_input.press("Enter")
    page.locator(f"#id_{field}_surface img[alt='{alt}']").wait_for()


LABELS = {
    "ko": {
        "heading": "제목",
        "list": "목록",
        "image": "이미지",
        "save": "초안 저장",
        "preview": "미리 보기",
    },
    "en": {
        "heading": "Heading",
        "list": "List",
        "image": "Image",
        "save": "Save the draft",
        "preview": "Preview",
    },
}


@pytest.fixture
def story_data(hub_data):
    from sharehub.directory.models import Listing
    from sharehub.news.models import Tag
    from sharehub.organizations.tests.factories import OrganizationFactory

    Listing.objects.create(organization=hub_data["organization"])
    other = Listing.objects.create(
        organization=OrganizationFactory(
            name_ko="성북 장난감 도서관", name_en="Seongbuk Toy Library"
        )
    )
    Tag.objects.create(slug="sharing-economy", name_ko="공유경제", name_en="Sharing economy")
    return {**hub_data, "other_listing": other}


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_story_written_with_the_editor_and_the_pickers(
    make_page, axe, screenshot, console_errors, story_data, live_server, tmp_path, lang
):
    from sharehub.news.models import Article

    labels = LABELS[lang]
    image = photo(tmp_path / "photo.jpg")
    # The real CSP: the editor, its dialogs, the uploads, the preview and the pickers break none of it.
    page = make_page(lang=lang)
    errors = console_errors(page)
    sign_in(page, story_data["owner"], live_server)
    page.goto(f"/{lang}/news/write/")
    page.fill("#id_title_ko", "열린 공구도서관 이야기")
    page.fill("#id_title_en", "The open tool library")
    write(
        page,
        "body_ko",
        heading="공구 나눔",
        text="이웃과 공구를 나눠 씁니다.",
        items=["전동드릴", "사다리"],
        link=("누리집", "https://example.org/tools"),
        image=image,
        alt="노란 테두리의 초록 간판",
        labels=labels,
    )
    write(
        page,
        "body_en",
        heading="Sharing tools",
        text="Neighbours share their tools.",
        items=["Drills", "Ladders"],
        link=("Website", "https://example.org/tools/en"),
        image=image,
        alt="A green sign with a yellow border",
        labels=labels,
    )
    # Preview: the server's cleaned HTML, under the field, and the reader taken to it.
    page.locator("button[name=_preview][value='body_ko ko']").click()
    preview = page.locator("#id_body_ko_preview .rich-text-body")
    preview.locator("h2").wait_for()
    assert preview.locator("h2").inner_text() == "공구 나눔"
    assert preview.locator("ul li").all_inner_texts() == ["전동드릴", "사다리"]
    assert preview.locator("a").get_attribute("href") == "https://example.org/tools"
    assert preview.locator("img").get_attribute("alt") == "노란 테두리의 초록 간판"
    page.wait_for_function("document.activeElement.id === 'id_body_ko_preview'")
    page.locator("button[name=_preview][value='body_en en']").click()
    page.locator("#id_body_en_preview .rich-text-body[lang=en] h2").wait_for()
    page.wait_for_function("document.activeElement.id === 'id_body_en_preview'")
    screenshot(page, f"editors-{lang}-1-written-and-previewed")

    # Tags (one found by the server, one new), a listing (searched), a district: by keyboard.
    pick(page, "id_tags", ("공유", "Sharing economy" if lang == "en" else "공유경제"), "새 태그")
    pick(
        page,
        "id_listings",
        ("toy" if lang == "en" else "장난감", "Seongbuk" if lang == "en" else "성북"),
    )
    pick(
        page,
        "id_districts",
        ("Mapo" if lang == "en" else "마포", "Mapo" if lang == "en" else "마포"),
    )
    screenshot(page, f"editors-{lang}-2-picked")
    with page.expect_navigation():
        page.get_by_role("button", name=labels["save"]).click()

    article = Article.objects.get()
    assert "<h2>공구 나눔</h2>" in article.body_ko and "<ul><li>전동드릴</li>" in article.body_ko
    assert 'href="https://example.org/tools"' in article.body_ko
    assert re.search(
        r'<img src="/media/editor/[^"]+\.jpg" alt="노란 테두리의 초록 간판">', article.body_ko
    )
    assert "<h2>Sharing tools</h2>" in article.body_en and 'alt="A green sign' in article.body_en
    assert sorted(article.tags.values_list("name_ko", flat=True)) == ["공유경제", "새 태그"]
    assert list(article.listings.all()) == [story_data["other_listing"]]
    assert list(article.districts.all()) == [story_data["district"]]

    # What readers see, in both languages: the article's HTML with the uploaded image.
    for shown, heading, alt in (
        ("ko", "공구 나눔", "노란 테두리의 초록 간판"),
        ("en", "Sharing tools", "A green sign with a yellow border"),
    ):
        page.goto(f"/{shown}/news/articles/{article.slug}/")
        body = page.locator(".article-body")
        assert body.locator("h2").inner_text() == heading
        picture = body.locator(f"img[alt='{alt}']")
        assert picture.evaluate("img => img.complete && img.naturalWidth") > 0
        screenshot(page, f"editors-{lang}-3-read-{shown}")
    # The editor opens again on what was saved.
    page.goto(f"/{lang}/news/articles/{article.slug}/edit/")
    page.locator("#id_body_ko_surface h2").wait_for()
    assert page.locator("#id_body_ko_surface img").get_attribute("alt") == "노란 테두리의 초록 간판"
    assert (
        page.locator("#id_tags-ts-control").evaluate(
            "e => e.closest('.ts-wrapper').querySelectorAll('.item').length"
        )
        == 2
    )
    assert not errors, errors


@pytest.mark.parametrize("lang", ["ko", "en"])
@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_editor_screens_are_accessible(
    make_page, axe, screenshot, story_data, live_server, tmp_path, lang, device
):
    results = {}
    page = make_page(lang=lang, device=device, bypass_csp=True)
    sign_in(page, story_data["owner"], live_server)
    page.goto(f"/{lang}/news/write/")
    page.locator("#id_body_ko_surface").wait_for()
    results["write"] = axe(page)
    if device == "phone":
        assert_no_horizontal_scroll(page, f"write {lang}")
    # The toolbar is one stop for Tab, the arrow keys move in it, Tab goes on to the text.
    page.locator("#id_summary_en").focus()
    page.keyboard.press("Tab")
    focused = "document.activeElement"
    assert page.evaluate(f"{focused}.textContent") == LABELS[lang]["heading"]
    page.keyboard.press("ArrowRight")
    assert page.evaluate(f"{focused}.classList.contains('ql-header') && {focused}.value") == "3"
    page.keyboard.press("Tab")
    assert page.evaluate(f"{focused}.id") == "id_body_ko_surface"
    toolbar(page, "body_ko").get_by_role("button", name=LABELS[lang]["image"], exact=True).click()
    dialog = page.locator(".rich-image-dialog[open]")
    dialog.locator("[data-action=apply]").click()  # the errors shown
    results["image-dialog"] = axe(page)
    screenshot(page, f"editors-{lang}-{device}-image-dialog")
    dialog.locator("[data-action=cancel]").click()
    page.locator("#id_body_ko_surface").click()
    page.keyboard.type("미리 보는 글")
    page.locator("button[name=_preview][value='body_ko ko']").click()
    page.locator("#id_body_ko_preview .rich-text-body").wait_for()
    results["preview"] = axe(page)
    control = page.locator("#id_listings-ts-control")
    control.focus()
    control.press_sequentially("도서")
    page.locator("#id_listings-ts-dropdown [data-selectable]").first.wait_for()
    results["picker-open"] = axe(page)
    screenshot(page, f"editors-{lang}-{device}-picker")
    if device == "phone":
        assert_no_horizontal_scroll(page, f"picker {lang}")
    assert_accessible(results)


@pytest.fixture
def campaign_data(hub_data):
    from sharehub.accounts.tests.factories import UserFactory, give_totp
    from sharehub.newsletters.models import Subscriber, Topic

    topic = Topic.objects.create(
        slug="sharing-city", name_ko="공유도시 소식", name_en="Sharing City news"
    )
    for n, language in enumerate(["ko", "ko", "ko", "en", "en"]):
        subscriber = Subscriber.objects.create(
            email=f"reader{n}@example.org", status="confirmed", language=language
        )
        subscriber.topics.set([topic])
    return {**hub_data, "staff": give_totp(UserFactory(is_city_staff=True)), "topic": topic}


def test_newsletter_written_with_the_editor_and_sent_through_its_confirmation(
    make_page, axe, screenshot, campaign_data, smtp_server, live_server, tmp_path, settings
):
    from sharehub.newsletters.models import Campaign, Delivery

    settings.SHAREHUB_NEWSLETTER_RATE = 0
    settings.SHAREHUB_SITE_URL = live_server.url  # the mail's images, in the preview frames
    results = {}
    page = make_page(bypass_csp=True)
    sign_in(page, campaign_data["staff"], live_server)
    page.goto("/ko/newsletters/manage/new/")
    page.fill("#id_subject_ko", "공유도시 12월 소식")
    write(
        page,
        "body_html_ko",
        heading="12월의 공유도시",
        text="올해의 공유도시 소식입니다.",
        items=["공구도서관", "공유주차장"],
        link=("공유허브", "https://example.org/hub"),
        image=photo(tmp_path / "news.jpg"),
        alt="공유도시 행사 사진",
        labels=LABELS["ko"],
    )
    page.fill("#id_body_text_ko", "올해의 공유도시 소식입니다.")
    # A district chosen by keyboard, then taken back with Backspace: the segment stays the city.
    pick(page, "id_districts", ("마포", "마포"))
    control = page.locator("#id_districts-ts-control")
    control.focus()
    control.press("Backspace")
    page.locator("#id_topics_0").check()
    results["compose"] = axe(page)
    screenshot(page, "editors-newsletter-1-compose")
    with page.expect_navigation():
        page.get_by_role("button", name="초안 저장").click()
    campaign = Campaign.objects.get()
    assert not campaign.districts.exists() and "<h2>12월의 공유도시</h2>" in campaign.body_html_ko

    with page.expect_navigation():
        page.locator("a.send-link").click()
    counts = {
        row.get_attribute("data-language"): int(
            row.locator(".recipient-language-count").inner_text()
        )
        for row in page.locator("tr[data-language]").all()
    }
    assert counts == {"ko": 3, "en": 2}
    warning = page.locator(".missing-version[data-language=en]")
    assert "영어판" in warning.inner_text() and "한국어판" in warning.inner_text()
    assert "2명" in warning.inner_text()
    # Each version as the mail will look, from the real template, labelled with its language.
    frame = page.frame_locator("iframe[src$='/mail/ko/']")
    assert frame.locator("h2").inner_text() == "12월의 공유도시"
    assert frame.locator("img").evaluate("img => img.complete && img.naturalWidth") > 0
    # The English readers' mail: the Korean version it falls back to, sized to the mail.
    assert (
        page.frame_locator("iframe[src$='/mail/en/']").locator("h2").inner_text()
        == "12월의 공유도시"
    )
    assert frame.locator("img").evaluate("img => img.getBoundingClientRect().width <= 640")
    assert page.locator("iframe[src$='/mail/en/']").get_attribute("title") == "영어 메일"
    results["confirm"] = axe(page)
    screenshot(page, "editors-newsletter-2-confirm")
    page.set_viewport_size({"width": 375, "height": 812})
    results["confirm-phone"] = axe(page)
    assert_no_horizontal_scroll(page, "confirm")
    screenshot(page, "editors-newsletter-3-confirm-phone")
    page.set_viewport_size({"width": 1280, "height": 900})

    with page.expect_navigation():
        page.locator("button.confirm-send").click()
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.SENT
    delivered = {
        language: Delivery.objects.filter(campaign=campaign, subscriber__language=language).count()
        for language in counts
    }
    assert delivered == counts
    assert len(smtp_server.messages) == 5
    assert {str(message["Subject"]) for message in smtp_server.messages} == {"공유도시 12월 소식"}
    rows = page.locator(".deliveries tbody tr")
    assert rows.count() == 5
    results["sent"] = axe(page)
    screenshot(page, "editors-newsletter-4-sent")
    assert_accessible(results)
