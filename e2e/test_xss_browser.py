"""Stored XSS in a real browser (issue 19): with a payload in every text column (the same
payloads and fields as sharehub/core/tests/test_xss_everywhere.py), the main public and staff
pages run none of them.

The pages are loaded with the Content Security Policy bypassed: the policy would block an inline
script anyway, and this test is about the first defence, escaping and sanitizing. Every payload
calls `xss(N)`; the page's own `xss` records the call in `window.__xss`, and any dialog is
recorded too. A canary page proves that a live payload would be seen.
"""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client

from sharehub.core.tests.test_html_valid import _hub, _pages
from sharehub.core.tests.test_xss_everywhere import _write_payloads

pytestmark = pytest.mark.e2e

RECORDER = "window.xss = (n) => { (window.__xss = window.__xss || []).push(n); };"
PAGES = {
    ("ko", None): {
        "home",
        "directory-detail",
        "organization-detail",
        "event-detail",
        "news-detail",
        "news-page",
        "proposal-detail",
        "space-detail",
    },
    ("en", None): {"organization-detail", "news-detail", "proposal-detail", "event-list"},
    ("ko", "staff"): {"space-queue", "designation-review", "programme-application-staff"},
    ("ko", "moderator"): {"moderation-queue"},
}


def _sign_in(page, user, live_server) -> None:
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


def _watched(make_page, lang: str) -> tuple:
    page = make_page(lang=lang, bypass_csp=True)
    page.add_init_script(RECORDER)
    dialogs: list[str] = []

    def on_dialog(dialog) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    return page, dialogs


def test_the_canary_payload_is_seen(make_page, live_server):
    page, dialogs = _watched(make_page, "ko")
    page.goto(live_server.url + "/ko/")
    page.set_content('<img src="data:," onerror="xss(1)"><script>alert("x")</script>')
    page.wait_for_timeout(50)
    assert page.evaluate("window.__xss") == [1]
    assert dialogs == ["x"]


@pytest.mark.django_db(transaction=True)
def test_pages_with_payloads_run_no_script(make_page, live_server):
    hub = _hub()
    written = _write_payloads()
    assert written
    ran: list[str] = []
    shown = 0  # pages that show a payload as text: proof the payloads reached them
    for (lang, who), labels in PAGES.items():
        page, dialogs = _watched(make_page, lang)
        if who is not None:
            _sign_in(page, hub[who], live_server)
        paths = {label: path for label, path, _who in _pages(hub, lang) if label in labels}
        assert set(paths) == labels, f"pages gone from test_html_valid: {labels - set(paths)}"
        for label, path in sorted(paths.items()):
            response = page.goto(live_server.url + path)
            assert response.status == 200, f"{lang} {label}: HTTP {response.status}"
            page.wait_for_load_state("load")
            # Handlers that need the pointer or focus: hover and tab over the page's links.
            for link in page.locator("main a").all()[:20]:
                if link.is_visible():
                    link.hover()
            page.keyboard.press("Tab")
            shown += "xss(" in page.inner_text("body")
            calls = page.evaluate("window.__xss || []")
            if calls or dialogs:
                fields = sorted({written.get(n, str(n)) for n in calls})
                ran.append(f"{lang} {label}: ran {fields} dialogs {dialogs}")
                dialogs.clear()
                page.evaluate("window.__xss = []")
    assert not ran, "payloads ran in the browser:\n" + "\n".join(ran)
    assert shown >= 12, f"only {shown} pages showed a payload as text"
