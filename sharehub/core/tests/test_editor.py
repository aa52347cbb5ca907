"""The rich-text editor's server side (core.editor, core.sanitize, core.widgets): the allow-list,
the image rule, the upload endpoint's permission matrix and file checks, the preview, the widgets
without JavaScript."""

from __future__ import annotations

import re

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from sharehub.accounts.tests.factories import UserFactory
from sharehub.core import editor, ratelimit
from sharehub.core.sanitize import (
    check_rich_text,
    clean_html,
    image_problems,
    is_editor_image,
    rich_text_html,
)
from sharehub.core.widgets import PickerSelectMultiple, PickerTagsInput, RichTextarea, names
from sharehub.organizations.models import MemberRole
from sharehub.organizations.tests.factories import (
    MembershipFactory,
    OrganizationFactory,
    image_bytes,
)
from sharehub.places.models import District
from sharehub.places.tests.factories import DistrictFactory

HUB_IMAGE = "/media/editor/2026/05/" + "0123456789abcdef" * 2 + ".png"

# What a rich field must never keep, whatever the field (each app's tests run these per field).
ACTIVE_CONTENT = [
    ("<p>hi</p><script>alert(1)</script>", "<script"),
    ('<p onclick="steal()">hi</p>', "onclick"),
    (f'<img src="{HUB_IMAGE}" alt="x" onerror="steal()">', "onerror"),
    ('<a href="javascript:alert(1)">x</a>', "javascript:"),
    ('<p style="position:fixed">x</p>', "style="),
    ('<iframe src="https://evil.example"></iframe>', "<iframe"),
]


@pytest.mark.parametrize("dirty,forbidden", ACTIVE_CONTENT)
def test_clean_html_strips_active_content(dirty, forbidden):
    assert forbidden not in clean_html(dirty)


def test_editor_output_survives_cleaning():
    written = (
        "<h2>정장 나눔</h2><p>면접 <strong>정장</strong>을 <em>빌려</em> 드립니다.</p>"
        "<ul><li>첫째</li></ul><ol><li>하나</li></ol><blockquote>인용</blockquote>"
        f'<p><a href="https://example.org">링크</a><img src="{HUB_IMAGE}" alt="초록 정장"></p>'
    )
    cleaned = clean_html(written)
    for kept in ("<h2>", "<strong>", "<em>", "<ul>", "<ol>", "<blockquote>", 'alt="초록 정장"'):
        assert kept in cleaned
    assert f'src="{HUB_IMAGE}"' in cleaned
    assert 'rel="noopener noreferrer nofollow"' in cleaned


@pytest.mark.parametrize(
    "src",
    [
        "https://evil.example/pixel.png",
        "data:image/png;base64,iVBORw0KGgo=",
        "/media/news/covers/x.png",
        HUB_IMAGE + "?track=1",
        "/media/editor/../private-media/x.png",
        "//evil.example" + HUB_IMAGE,
    ],
)
def test_images_from_elsewhere_are_dropped_whole(src):
    cleaned = clean_html(f'<p>a<img src="{src}" alt="x">b</p>')
    assert cleaned == "<p>ab</p>"
    assert not is_editor_image(src)


def test_image_problems_name_each_image(settings):
    with translation.override("en"):
        problems = image_problems(
            f'<img src="{HUB_IMAGE}"><img src="https://evil.example/x.png" alt="x">'
            f'<img src="{HUB_IMAGE}" alt="  "><img src="{HUB_IMAGE}" alt="fine">'
        )
    assert len(problems) == 3
    assert problems[0].startswith("Image 1 has no text alternative")
    assert problems[1].startswith("Image 2 was not uploaded")
    assert problems[2].startswith("Image 3 has no text alternative")


def test_check_rich_text_is_a_field_error_per_field():
    fields = ("body_ko", "body_en")
    with pytest.raises(ValidationError) as caught:
        check_rich_text({"body_ko": f'<img src="{HUB_IMAGE}">', "body_en": "<p>ok</p>"}, fields)
    assert set(caught.value.message_dict) == {"body_ko"}
    check_rich_text({"body_ko": f'<img src="{HUB_IMAGE}" alt="ok">', "body_en": None}, fields)
    check_rich_text({"title": f'<img src="{HUB_IMAGE}">'}, fields)  # not a rich field


def test_mail_bodies_get_absolute_addresses():
    cleaned = clean_html(
        f'<a href="/ko/news/">n</a><img src="{HUB_IMAGE}" alt="x">', base_url="https://hub.example"
    )
    assert 'href="https://hub.example/ko/news/"' in cleaned
    assert f'src="https://hub.example{HUB_IMAGE}"' in cleaned


def test_plain_text_from_before_becomes_paragraphs():
    assert rich_text_html("") == ""
    assert rich_text_html("a < b\n\nc") == "<p>a &lt; b</p>\n\n<p>c</p>"
    assert rich_text_html("<p>x</p><script>1</script>") == "<p>x</p>"


# --- who may upload and preview ------------------------------------------------------------


@pytest.fixture
def people(db, user, city_staff, moderator):
    organization = OrganizationFactory()
    writer = UserFactory()
    MembershipFactory(organization=organization, user=writer, role=MemberRole.EDITOR)
    unverified = UserFactory()
    unverified.emailaddress_set.update(verified=False)
    return {
        "anonymous": None,
        # Anyone with a verified address may propose policy, in rich text (participation).
        "unverified citizen": unverified,
        "citizen": user,
        "moderator": moderator,
        "organization editor": writer,
        "city staff": city_staff,
    }


def _png(name: str = "photo.png", content: bytes | None = None) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, image_bytes("PNG", (400, 300)) if content is None else content)


@pytest.mark.parametrize(
    "who,status",
    [
        ("anonymous", 403),
        ("unverified citizen", 403),
        ("citizen", 201),
        ("moderator", 201),
        ("organization editor", 201),
        ("city staff", 201),
    ],
)
def test_image_upload_permission_matrix(client, people, who, status):
    if people[who] is not None:
        client.force_login(people[who])
    response = client.post(reverse("core:editor_image"), {"image": _png()})
    assert response.status_code == status
    assert response["Content-Type"] == "application/json"
    if status == 201:
        url = response.json()["url"]
        assert is_editor_image(url)
        assert clean_html(f'<img src="{url}" alt="x">') == f'<img src="{url}" alt="x">'
    else:
        assert "url" not in response.json()


def test_image_upload_only_by_post(client, city_staff):
    client.force_login(city_staff)
    assert client.get(reverse("core:editor_image")).status_code == 405


@pytest.mark.parametrize(
    "upload,code",
    [
        (lambda: _png("photo.png", b"GIF89a" + b"\0" * 200), "content_mismatch"),
        (lambda: _png("photo.jpg", image_bytes("PNG", (40, 30))), "content_mismatch"),
        (lambda: _png("page.html", b"<html><script>alert(1)</script></html>"), "wrong_type"),
        (lambda: _png("photo.gif", b"GIF89a" + b"\0" * 200), "wrong_type"),
        (lambda: _png("photo.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 200), "not_an_image"),
        (lambda: _png("photo.svg", b"<svg onload='alert(1)'/>"), "wrong_type"),
    ],
)
def test_image_upload_refuses_what_is_not_the_image_it_claims(client, city_staff, upload, code):
    client.force_login(city_staff)
    response = client.post(reverse("core:editor_image"), {"image": upload()})
    assert response.status_code == 400
    with pytest.raises(ValidationError) as caught:
        editor.store_image(actor=city_staff, upload=upload())
    assert [error.code for error in caught.value.error_dict["image"]] == [code]
    assert response.json()["errors"]["image"]
    assert not default_storage.exists("editor")  # nothing was stored


def test_image_upload_is_reencoded_without_metadata(client, city_staff):
    from PIL import Image

    client.force_login(city_staff)
    response = client.post(
        reverse("core:editor_image"),
        {"image": _png("big.jpg", image_bytes("JPEG", (3000, 1000)))},
    )
    assert response.status_code == 201
    name = response.json()["url"].removeprefix("/media/")
    with default_storage.open(name) as stored, Image.open(stored) as image:
        assert image.format == "JPEG" and max(image.size) == editor.IMAGE_MAX_SIDE
        assert not image.info.get("exif")


def test_image_upload_budget_answers_429(client, city_staff, monkeypatch):
    monkeypatch.setitem(ratelimit.UPLOAD_RATES, "image", "2/h")
    client.force_login(city_staff)
    statuses = [
        client.post(reverse("core:editor_image"), {"image": _png()}).status_code for _ in range(3)
    ]
    assert statuses == [201, 201, 429]


def test_image_upload_needs_its_csrf_token(city_staff):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(city_staff)
    assert client.post(reverse("core:editor_image"), {"image": _png()}).status_code == 403


@pytest.mark.parametrize(
    "who,status",
    [
        ("anonymous", 403),
        ("unverified citizen", 403),
        ("citizen", 200),
        ("moderator", 200),
        ("organization editor", 200),
        ("city staff", 200),
    ],
)
def test_preview_permission_matrix(client, people, who, status):
    if people[who] is not None:
        client.force_login(people[who])
    response = client.post(
        reverse("core:editor_preview"), {"_preview": "body_ko ko", "body_ko": "<p>안녕</p>"}
    )
    assert response.status_code == status
    assert ("<p>안녕</p>" in response.content.decode()) == (status == 200)


@pytest.mark.parametrize("dirty,forbidden", ACTIVE_CONTENT)
def test_preview_is_cleaned(client, city_staff, dirty, forbidden):
    client.force_login(city_staff)
    response = client.post(
        reverse("core:editor_preview"),
        {"_preview": "body_en en", "body_en": dirty},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert forbidden not in response.content.decode()


def test_preview_fragment_for_htmx_and_page_without_javascript(client, city_staff):
    client.force_login(city_staff)
    data = {"_preview": "body_en en", "body_en": f'<h2>Title</h2><img src="{HUB_IMAGE}">'}
    with translation.override("en"):
        fragment = client.post(reverse("core:editor_preview"), data, headers={"HX-Request": "1"})
        page = client.post(reverse("core:editor_preview"), data)
    fragment_text, page_text = fragment.content.decode(), page.content.decode()
    assert "<html" not in fragment_text and "<html" in page_text
    for text in (fragment_text, page_text):
        assert '<div class="rich-text-body" lang="en"><h2>Title</h2>' in text
        assert "Image 1 has no text alternative" in text  # what a save would refuse, told now


def test_preview_is_post_only(client, city_staff):
    client.force_login(city_staff)
    assert client.get(reverse("core:editor_preview")).status_code == 405


# --- the widgets as the server renders them (what works without JavaScript) -------------------


class _Form(forms.Form):
    body = forms.CharField(widget=RichTextarea(lang="en"), required=False)
    districts = forms.ModelMultipleChoiceField(
        queryset=District.objects.order_by("slug"),
        required=False,
        widget=PickerSelectMultiple(
            search_url="news:listing_choices", inline_limit=2, search_text=names
        ),
    )
    tags = forms.CharField(widget=PickerTagsInput(search_url="news:tag_choices"), required=False)


def test_rich_textarea_is_a_textarea_with_its_preview_button(db):
    html = str(_Form(initial={"body": "first line\n\nsecond"})["body"])
    assert re.search(r'<textarea name="body"[^>]*lang="en"', html)
    # Plain text from before the field was rich: its paragraphs, as the page shows them.
    assert "&lt;p&gt;first line&lt;/p&gt;" in html
    assert 'name="_preview" value="body en"' in html
    assert f'formaction="{reverse("core:editor_preview")}"' in html
    assert f'data-upload-url="{reverse("core:editor_image")}"' in html
    media = str(_Form().media)
    assert "vendor/quill/quill.js" in media and "core/js/editor.js" in media


def test_picker_sends_short_lists_whole_and_long_ones_by_search(db, django_assert_num_queries):
    first, second = DistrictFactory(), DistrictFactory()
    short = str(_Form(initial={"districts": [first.pk]})["districts"])
    assert "data-picker-url" not in short and short.count("<option") == 2
    # Typing finds an option by its name in either language, whichever the label shows.
    assert f'data-search="{first.name_ko} {first.name_en}"' in short
    third = DistrictFactory()
    form = _Form(initial={"districts": [third.pk]})
    with django_assert_num_queries(2):  # how many there are, then only the chosen ones
        long = str(form["districts"])
    assert f'data-picker-url="{reverse("news:listing_choices")}"' in long
    assert long.count("<option") == 1 and f'value="{third.pk}" selected' in long
    assert second.name not in long


def test_pickers_post_plain_values_without_javascript(db):
    one, two = DistrictFactory(), DistrictFactory()
    form = _Form({"districts": [one.pk, two.pk], "tags": "공유, 나눔"})
    assert form.is_valid(), form.errors
    assert set(form.cleaned_data["districts"]) == {one, two}
    assert form.cleaned_data["tags"] == "공유, 나눔"
    assert 'data-picker="tags"' in str(form["tags"])
