"""/.well-known/security.txt (RFC 9116): the city's own contact, an Expires under a year ahead."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from sharehub.core.security_txt import security_txt_lines


def _fields(body: str) -> dict[str, str]:
    return dict(line.split(": ", 1) for line in body.splitlines() if line)


@pytest.mark.django_db
def test_security_txt_names_the_hubs_contact_by_default(client, settings):
    settings.SHAREHUB_CITY = {**settings.SHAREHUB_CITY, "contact_email": "share@city.example"}
    settings.SHAREHUB_SITE_URL = "https://share.city.example"
    settings.ALLOWED_HOSTS = ["*"]  # a proxy that passes any Host: still the configured address
    response = client.get("/.well-known/security.txt", HTTP_HOST="evil.example")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    fields = _fields(response.content.decode())
    assert fields["Contact"] == "mailto:share@city.example"
    assert fields["Preferred-Languages"] == "ko, en"
    # From settings, never from the Host header a client sends.
    assert fields["Canonical"] == "https://share.city.example/.well-known/security.txt"
    assert "Policy" not in fields
    expires = datetime.strptime(fields["Expires"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    now = datetime.now(UTC)
    assert now + timedelta(days=30) < expires < now + timedelta(days=365)


@pytest.mark.django_db
def test_a_city_sets_its_own_security_contact_and_policy(client, settings):
    settings.SHAREHUB_SECURITY_CONTACT = "https://city.example/security/report"
    settings.SHAREHUB_SECURITY_POLICY_URL = "https://city.example/security/policy"
    fields = _fields(client.get("/.well-known/security.txt").content.decode())
    assert fields["Contact"] == "https://city.example/security/report"
    assert fields["Policy"] == "https://city.example/security/policy"
    settings.SHAREHUB_SECURITY_CONTACT = "security@city.example"
    fields = _fields(client.get("/.well-known/security.txt").content.decode())
    assert fields["Contact"] == "mailto:security@city.example"


def test_expires_is_a_midnight_so_a_days_copies_are_one_file(settings):
    morning = datetime(2026, 12, 4, 1, 0, tzinfo=UTC)
    evening = datetime(2026, 12, 4, 23, 0, tzinfo=UTC)
    assert security_txt_lines(morning) == security_txt_lines(evening)
    assert "Expires: 2027-06-02T00:00:00Z" in security_txt_lines(morning)


@pytest.mark.django_db
def test_security_txt_refuses_writes(client):
    assert client.post("/.well-known/security.txt").status_code in (403, 405)
