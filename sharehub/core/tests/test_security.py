"""Security defaults: CSP without inline code, headers, error pages, sanitizer, rate limits."""

from __future__ import annotations

import re

import pytest
from django.http import HttpResponse
from django.test import RequestFactory, override_settings

from sharehub.core.ratelimit import ratelimit_writes
from sharehub.core.sanitize import clean_html

PAGES = ["/ko/", "/en/", "/ko/accounts/login/", "/ko/accounts/signup/", "/en/terms/"]


@pytest.mark.django_db
@pytest.mark.parametrize("path", PAGES)
def test_pages_send_a_strict_csp_and_have_no_inline_script(client, path):
    response = client.get(path)
    assert response.status_code == 200
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "frame-ancestors 'none'" in csp
    html = response.content.decode()
    for tag in re.findall(r"<script\b[^>]*>", html):
        assert "src=" in tag or 'type="application/json"' in tag, tag
    assert " style=" not in html
    assert re.search(r"\son[a-z]+=", html) is None, "inline event handler"
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "lang,title", [("ko", "페이지를 찾을 수 없습니다"), ("en", "Page not found")]
)
def test_404_page_in_both_languages(client, lang, title):
    response = client.get(f"/{lang}/no-such-page/")
    assert response.status_code == 404
    assert title in response.content.decode()


@pytest.mark.django_db
def test_500_page_renders_without_leaking(client, settings):
    from sharehub.core.views import server_error

    request = RequestFactory().get("/ko/")
    response = server_error(request)
    assert response.status_code == 500
    assert "Traceback" not in response.content.decode()


@pytest.mark.django_db
def test_csrf_is_enforced_on_forms(user):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    response = client.post("/ko/me/", {"display_name": "x", "preferred_language": "ko"})
    assert response.status_code == 403


def test_https_settings_turn_on_outside_debug(monkeypatch):
    """With SHAREHUB_HTTPS on, cookies are secure and HSTS is sent for a year."""
    import importlib

    import sharehub.settings as hub_settings

    monkeypatch.setenv("SHAREHUB_HTTPS", "1")
    reloaded = importlib.reload(hub_settings)
    try:
        assert reloaded.SESSION_COOKIE_SECURE and reloaded.CSRF_COOKIE_SECURE
        assert reloaded.SECURE_HSTS_SECONDS >= 31536000
        assert reloaded.SECURE_SSL_REDIRECT
    finally:
        monkeypatch.delenv("SHAREHUB_HTTPS")
        importlib.reload(hub_settings)


@pytest.mark.parametrize(
    "dirty,forbidden",
    [
        ("<p>hi<script>alert(1)</script></p>", "<script"),
        ('<img src=x onerror="alert(1)">', "onerror"),
        ('<a href="javascript:alert(1)">x</a>', "javascript:"),
        ('<p style="color:red">x</p>', "style="),
        ('<iframe src="https://evil.example"></iframe>', "<iframe"),
    ],
)
def test_sanitizer_removes_active_content(dirty, forbidden):
    assert forbidden not in clean_html(dirty)


def test_sanitizer_keeps_korean_text_and_safe_markup():
    assert (
        clean_html("<p><strong>공유</strong> 도시 🚲</p>") == "<p><strong>공유</strong> 도시 🚲</p>"
    )


@pytest.mark.django_db
def test_write_rate_limit_blocks_after_the_limit(rf, user):
    view = ratelimit_writes("test-scope", "3/m")(lambda request: HttpResponse("ok"))
    statuses = []
    for _ in range(5):
        request = rf.post("/ko/x/")
        request.user = user
        statuses.append(view(request).status_code)
    assert statuses == [200, 200, 200, 429, 429]
    request = rf.get("/ko/x/")
    request.user = user
    assert view(request).status_code == 200, "reads are not limited"


@pytest.mark.django_db
def test_rate_limit_window_slides_across_a_boundary(monkeypatch):
    """A fixed window would grant a fresh limit a second after the boundary; the sliding one still
    weighs the previous minute, and lets requests through again as it ages."""
    from sharehub.core import ratelimit

    clock = {"now": 60_000 * 60 + 59.0}  # one second before a minute's boundary
    monkeypatch.setattr(ratelimit.time, "time", lambda: clock["now"])
    assert [ratelimit.hit("slide", "u1", "3/m") for _ in range(3)] == [True, True, True]
    clock["now"] += 2  # one second into the next window: 3 × 59/60 + 1 > 3
    assert ratelimit.hit("slide", "u1", "3/m") is False
    clock["now"] += 49  # 50 s in: 3 × 10/60 + 2 = 2.5
    assert ratelimit.hit("slide", "u1", "3/m") is True


@pytest.mark.django_db
def test_rate_limit_counts_each_user_separately(rf, user, other_user):
    view = ratelimit_writes("test-scope2", "1/m")(lambda request: HttpResponse("ok"))
    for person, expected in ((user, 200), (user, 429), (other_user, 200)):
        request = rf.post("/ko/x/")
        request.user = person
        assert view(request).status_code == expected


@pytest.mark.django_db
def test_health_endpoint(client):
    assert client.get("/health/").json() == {"status": "ok"}


@override_settings(LANGUAGE_CODE="ko")
@pytest.mark.django_db
def test_language_switcher_links_stay_on_the_same_page(client):
    html = client.get("/ko/terms/").content.decode()
    assert 'href="/en/terms/"' in html


@pytest.mark.django_db
def test_rate_limit_counts_outlive_a_rush_in_the_embedded_cache(settings):
    """Without Redis, rate limits count in the database cache: a rush of 1,000 people must not
    cull the counts of the others (Django's default of 300 entries culls a third at a time)."""
    from django.core.cache import caches
    from django.core.management import call_command

    from sharehub import settings as hub_settings

    if hub_settings.CACHES["default"]["BACKEND"] != "django.core.cache.backends.db.DatabaseCache":
        pytest.skip("the embedded install's cache only")
    settings.CACHES = {**settings.CACHES, "default": hub_settings.CACHES["default"]}
    call_command("createcachetable", verbosity=0)
    cache = caches["default"]
    cache.set("attempts:first", 1, 60)
    for n in range(400):  # past Django's 300: enough to be culled there
        cache.set(f"others:{n}", 1, 60)
    assert cache.get("attempts:first") == 1
