"""No input gives a 500, and every API error is JSON in the documented shape (DESIGN §5)."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from sharehub.accounts.services import create_api_token
from sharehub.api import api

pytestmark = pytest.mark.django_db

TOO_BIG = 2**63  # one more than the largest 64-bit integer
LARGEST = 2**63 - 1


def bearer(user) -> dict:
    _token, secret = create_api_token(actor=user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def assert_error(response, status: int) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
    body = response.json()
    assert set(body) == {"detail", "errors"} and isinstance(body["detail"], str) and body["detail"]
    return body


@pytest.fixture
def anonymous():
    return Client(raise_request_exception=False)


@pytest.mark.parametrize("page", [TOO_BIG, LARGEST, 10**12])
def test_huge_page_of_districts_is_422(anonymous, page):
    body = assert_error(anonymous.get(f"/api/v1/districts?page={page}"), 422)
    assert "page" in body["errors"]


@pytest.mark.parametrize(
    "url",
    [
        f"/api/v1/news/articles?page={TOO_BIG}",
        f"/api/v1/directory/listings?page={TOO_BIG}",
        f"/api/v1/events?page={TOO_BIG}",
        f"/api/v1/organizations?page={TOO_BIG}",
        f"/api/v1/designation/designations?page={TOO_BIG}",
        f"/api/v1/events/{TOO_BIG}",
    ],
)
def test_huge_numbers_in_the_query_or_path_are_422(anonymous, url):
    assert_error(anonymous.get(url), 422)


def test_huge_topic_or_district_id_in_a_subscription_is_422(anonymous):
    for payload, field in (
        ({"email": "a@example.org", "topics": [TOO_BIG]}, "topics.0"),
        ({"email": "a@example.org", "topics": [1], "district": TOO_BIG}, "district"),
    ):
        response = anonymous.post(
            "/api/v1/newsletters/subscribe", json.dumps(payload), content_type="application/json"
        )
        assert field in assert_error(response, 422)["errors"]


def test_huge_campaign_topics_or_districts_are_422(city_staff):
    client = Client(raise_request_exception=False, **bearer(city_staff))
    body = {"subject_ko": "제목", "body_html_ko": "<p>x</p>", "body_text_ko": "x"}
    for extra, field in (
        ({"topics": [TOO_BIG]}, "topics.0"),
        ({"districts": [TOO_BIG]}, "districts.0"),
    ):
        response = client.post(
            "/api/v1/newsletters/campaigns",
            json.dumps({**body, **extra}),
            content_type="application/json",
        )
        assert field in assert_error(response, 422)["errors"]
    response = client.get(f"/api/v1/newsletters/campaigns?page={TOO_BIG}")
    assert_error(response, 422)


def test_unknown_address_and_method_are_json(anonymous):
    assert_error(anonymous.get("/api/v1/no-such-thing"), 404)
    assert_error(anonymous.get("/api/v1/events/not-a-number"), 422)
    response = anonymous.delete("/api/v1/districts")
    assert_error(response, 405)
    assert "GET" in response["Allow"]


def test_unexpected_error_is_a_json_500(anonymous, monkeypatch, caplog):
    from sharehub.places import api as places_api

    def broken():
        raise RuntimeError("boom")

    monkeypatch.setattr(places_api, "district_list", broken)
    body = assert_error(anonymous.get("/api/v1/districts"), 500)
    assert "boom" not in body["detail"]  # no internals leak
    assert any(
        "boom" in str(record.exc_info[1]) for record in caplog.records if record.exc_info
    )  # but it is logged


def test_malformed_multipart_is_a_json_400(user):
    from sharehub.organizations.tests.factories import organization_owned_by

    organization = organization_owned_by(user)
    client = Client(raise_request_exception=False, **bearer(user))
    url = f"/api/v1/organizations/{organization.slug}/logo"
    for content_type in (
        "multipart/form-data",
        "multipart/form-data; boundary=",
    ):  # no boundary: Django cannot parse it
        assert_error(client.post(url, data=b"whatever", content_type=content_type), 400)
    # An unfinished part is no file at all: a field error.
    unfinished = (
        b'--x\r\nContent-Disposition: form-data; name="logo"; filename="a.png"\r\n\r\nnot closed'
    )
    body = assert_error(
        client.post(url, data=unfinished, content_type="multipart/form-data; boundary=x"), 422
    )
    assert "logo" in body["errors"]


def test_too_large_body_is_a_json_413(anonymous, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    payload = {"email": "a@example.org", "topics": [1], "language": "ko" * 1000}
    response = anonymous.post(
        "/api/v1/newsletters/subscribe", json.dumps(payload), content_type="application/json"
    )
    assert_error(response, 413)


def test_unparsable_body_is_a_json_400(anonymous):
    response = anonymous.post(
        "/api/v1/newsletters/subscribe", "{not json", content_type="application/json"
    )
    assert_error(response, 400)


@pytest.mark.parametrize("body", ["[1, 2]", '"text"', "3", "null"])
def test_a_body_that_is_not_an_object_is_422(city_staff, body):
    from sharehub.newsletters.tests.factories import CampaignFactory

    campaign = CampaignFactory()
    client = Client(raise_request_exception=False, **bearer(city_staff))
    response = client.post(
        f"/api/v1/newsletters/campaigns/{campaign.pk}/send", body, content_type="application/json"
    )
    assert_error(response, 422)
    response = client.post("/api/v1/newsletters/subscribe", body, content_type="application/json")
    assert_error(response, 422)


def test_openapi_documents_the_error_statuses_and_geojson():
    schema = api.get_openapi_schema()
    assert "ErrorOut" in schema["components"]["schemas"]
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            statuses = {int(status) for status in operation["responses"]}
            assert 500 in statuses, (method, path)
            if operation.get("parameters") or "requestBody" in operation:
                assert 422 in statuses, (method, path)
            if "requestBody" in operation:
                assert {400, 413} <= statuses, (method, path)
            if operation.get("security"):
                assert 401 in statuses, (method, path)
            if any(p["in"] == "path" for p in operation.get("parameters", [])):
                assert 404 in statuses, (method, path)
    paths = schema["paths"]
    assert list(paths["/api/v1/districts/geojson"]["get"]["responses"][200]["content"]) == [
        "application/geo+json"
    ]
    assert list(
        paths["/api/v1/directory/listings.geojson"]["get"]["responses"][200]["content"]
    ) == ["application/geo+json"]
    assert 429 in paths["/api/v1/organizations"]["post"]["responses"]


def test_geojson_answers_its_media_type(anonymous):
    assert anonymous.get("/api/v1/districts/geojson")["Content-Type"].startswith(
        "application/geo+json"
    )
    assert anonymous.get("/api/v1/directory/listings.geojson")["Content-Type"].startswith(
        "application/geo+json"
    )


def test_values_that_go_into_mail_headers_are_one_line(user):
    """Organization names and event titles end up in notification subjects: a line break is a
    field error in the forms and the API, not a mail that fails in the worker."""
    from sharehub.events.forms import EventForm, MessageForm
    from sharehub.organizations.forms import OrganizationForm

    client = Client(raise_request_exception=False, **bearer(user))
    payload = {"name_ko": "공유\r\nBcc: x@example.org", "kind": "cooperative"}
    response = client.post(
        "/api/v1/organizations", json.dumps(payload), content_type="application/json"
    )
    assert "name_ko" in assert_error(response, 422)["errors"]
    assert "name_ko" in OrganizationForm(data={"name_ko": "a\nb"}).errors
    assert "title_ko" in EventForm(data={"title_ko": "a\rb"}).errors
    assert "subject" in MessageForm(data={"subject": "a\nb", "message": "x"}).errors
    assert "subject" not in MessageForm(data={"subject": "one line", "message": "x"}).errors
