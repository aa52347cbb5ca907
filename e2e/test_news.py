"""The news as people use it in a browser: a member writes a story, an editor publishes it, a
reader finds it, reads it with its licence and follows its feed; the city's pages and the
timeline of the sharing city. axe-core checks every page on the way."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET

import pytest
from django.conf import settings
from django.test import Client
from PIL import Image, ImageDraw

from e2e.conftest import assert_accessible
from e2e.pages import paste_rich_text, pick

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


def cover_png(path) -> None:
    """A small cover drawn locally (no image from outside)."""
    image = Image.new("RGB", (1200, 600), (11, 110, 79))
    draw = ImageDraw.Draw(image)
    for x in range(0, 1200, 80):
        draw.rectangle([x, 380, x + 50, 560], fill=(242, 193, 78))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    path.write_bytes(buffer.getvalue())


@pytest.fixture
def news_data(hub_data):
    from sharehub.accounts.tests.factories import UserFactory, give_totp
    from sharehub.news import services
    from sharehub.news.demo import load_milestones
    from sharehub.news.demo_content import PAGES

    editor = give_totp(UserFactory(is_city_staff=True))
    load_milestones()
    for fields in PAGES:
        fields = dict(fields)
        services.create_page(actor=editor, slug=fields.pop("slug"), **fields)
    policy = services.create_article(
        actor=editor,
        kind="policy",
        title_ko="공유단체 지정 신청을 연중 받습니다",
        title_en="Designation applications are open all year",
        summary_ko="언제든 지정을 신청할 수 있습니다.",
        summary_en="Apply for designation at any time.",
        body_ko="<p>서울시는 공유단체 지정 신청을 연중 받습니다.</p>",
        body_en="<p>The city takes applications all year round.</p>",
        tags=["지정"],
        licence="cc0-1.0",
    )
    services.publish_article(actor=editor, article=policy)
    return {**hub_data, "editor": editor}


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_story_is_written_published_read_and_followed(
    make_page, axe, screenshot, console_errors, news_data, live_server, tmp_path, lang
):
    from sharehub.news.models import Article

    organization = news_data["organization"]
    results = {}

    writer = make_page(lang=lang, bypass_csp=True)
    sign_in(writer, news_data["owner"], live_server)
    writer.goto(f"/{lang}/news/write/")
    assert writer.locator("#id_kind").input_value() == "story"
    writer.fill("#id_title_ko", "공구도서관에서 사다리를 빌렸어요")
    writer.fill("#id_title_en", "Borrowing a ladder at the tool library")
    writer.fill("#id_summary_ko", "이웃과 공구를 나누는 마포 공구도서관 이야기")
    writer.fill("#id_summary_en", "The Mapo Tool Library shares tools between neighbours.")
    paste_rich_text(
        writer,
        "id_body_ko",
        "<p>사다리가 필요할 때 <strong>공구도서관</strong>에 갑니다.</p><script>alert(1)</script>",
    )
    paste_rich_text(
        writer,
        "id_body_en",
        "<p>When I need a ladder I go to the <strong>tool library</strong>.</p>",
    )
    cover = tmp_path / "cover.png"
    cover_png(cover)
    writer.set_input_files("#id_cover_image", str(cover))
    pick(writer, "id_tags", "공구", "tools")
    results["write"] = axe(writer)
    screenshot(writer, f"news-{lang}-1-write")
    with writer.expect_navigation():
        writer.locator("main form button[type=submit]:not([name=_preview])").click()
    # The alt text is missing: a clear error on its field, the rest kept.
    assert (
        writer.locator("#id_cover_alt_ko").get_attribute("aria-invalid") == "true"
        or "errorlist" in writer.content()
    )
    assert writer.locator("#id_title_ko").input_value() == "공구도서관에서 사다리를 빌렸어요"
    assert not Article.objects.filter(organization=organization).exists()
    results["write-error"] = axe(writer)
    writer.set_input_files("#id_cover_image", str(cover))
    writer.fill("#id_cover_alt_ko", "노란 사다리가 줄지어 선 공구도서관 선반")
    writer.fill("#id_cover_alt_en", "Yellow ladders in a row on the tool library's shelves")
    with writer.expect_navigation():
        writer.locator("main form button[type=submit]:not([name=_preview])").click()
    article = Article.objects.get(organization=organization)
    assert "<script" not in article.body_ko
    with writer.expect_navigation():
        writer.locator("form[action$='/submit/'] button[type=submit]").click()
    article.refresh_from_db()
    assert article.status == "review"
    results["draft"] = axe(writer)
    screenshot(writer, f"news-{lang}-2-submitted")

    editor = make_page(lang=lang, bypass_csp=True)
    sign_in(editor, news_data["editor"], live_server)
    editor.goto(f"/{lang}/news/desk/")
    results["desk"] = axe(editor)
    editor.goto(f"/{lang}/news/articles/{article.slug}/review/")
    results["review"] = axe(editor)
    screenshot(editor, f"news-{lang}-3-review")
    with editor.expect_navigation():
        editor.locator("form[action$='/publish/'] button[type=submit]").click()
    article.refresh_from_db()
    assert article.is_public

    reader = make_page(lang=lang, bypass_csp=True)
    reader.goto(f"/{lang}/news/")
    results["list"] = axe(reader)
    screenshot(reader, f"news-{lang}-4-list")
    reader.fill("#id_q", "사다리를")
    with reader.expect_navigation():
        reader.locator("main form[role=search] button[type=submit]").click()
    title = article.title_ko if lang == "ko" else article.title_en
    with reader.expect_navigation():
        reader.get_by_role("link", name=title).click()
    assert reader.locator("h1").inner_text() == title
    badge = reader.locator("a[rel=license]")
    assert badge.get_attribute("href") == "https://creativecommons.org/licenses/by/4.0/"
    assert badge.is_visible()
    cover_alt = reader.locator("figure.cover img").get_attribute("alt")
    assert cover_alt == (
        "노란 사다리가 줄지어 선 공구도서관 선반"
        if lang == "ko"
        else "Yellow ladders in a row on the tool library's shelves"
    )
    results["article"] = axe(reader)
    screenshot(reader, f"news-{lang}-5-article")

    # The feed announced in the head lists the article with its link and licence.
    rss = reader.locator(
        "head link[rel=alternate][type='application/rss+xml']"
    ).first.get_attribute("href")
    response = reader.request.get(live_server.url + rss)
    assert response.ok
    channel = ET.fromstring(response.body()).find("channel")
    items = {item.findtext("title"): item.findtext("link") for item in channel.findall("item")}
    assert items[title].endswith(f"/{lang}/news/articles/{article.slug}/")
    # And the visible feed link of the organization.
    with reader.expect_navigation():
        reader.locator(f"a.feed-link[href$='/organizations/{organization.slug}/feed/rss/']").click()
    assert title in reader.content()

    # Under the real CSP (no bypass): the JSON-LD block and the share script load without a
    # violation, and nothing on the page comes from another host.
    strict = make_page(lang=lang)
    errors = console_errors(strict)
    hosts = []
    strict.on("request", lambda request: hosts.append(request.url.split("/")[2]))
    strict.goto(f"/{lang}/news/articles/{article.slug}/")
    strict.wait_for_load_state("networkidle")
    assert errors == []
    assert set(hosts) == {live_server.url.split("/")[2]}
    assert strict.locator("button.copy-link").count() == 1

    phone = make_page(lang=lang, device="phone", bypass_csp=True)
    phone.goto(f"/{lang}/news/articles/{article.slug}/")
    results["article-phone"] = axe(phone)
    screenshot(phone, f"news-{lang}-6-article-phone")
    assert_accessible(results)


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_pages_and_the_timeline(make_page, axe, screenshot, news_data, lang):
    results = {}
    page = make_page(lang=lang, bypass_csp=True)
    page.goto(f"/{lang}/news/pages/")
    results["pages"] = axe(page)
    with page.expect_navigation():
        page.get_by_role(
            "link", name="공유도시 서울" if lang == "ko" else "Sharing City Seoul"
        ).first.click()
    timeline = page.locator("ol.timeline > li")
    assert timeline.count() == 21
    first = timeline.first.inner_text()
    assert "2012" in first
    assert ("공공시설" in first) if lang == "ko" else ("public-facility" in first)
    results["sharing-city"] = axe(page)
    screenshot(page, f"news-{lang}-7-sharing-city")
    with page.expect_navigation():
        page.locator("nav.page-nav").get_by_role(
            "link", name="자주 묻는 질문" if lang == "ko" else "Frequently asked questions"
        ).click()
    assert page.locator("ol.timeline").count() == 0
    results["faq"] = axe(page)
    phone = make_page(lang=lang, device="phone", bypass_csp=True)
    phone.goto(f"/{lang}/news/pages/sharing-city/")
    results["sharing-city-phone"] = axe(phone)
    screenshot(phone, f"news-{lang}-8-sharing-city-phone")
    assert_accessible(results)
