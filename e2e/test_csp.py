"""The pages work under the hub's strict Content Security Policy, as a visitor's browser enforces it.

No bypass here (unlike the axe runs): htmx, Leaflet and the hub's own scripts must load from the
hub itself with no inline script or style, and the console must stay free of errors.
"""

from __future__ import annotations

import pytest

from e2e.pages import LANGUAGES, main_pages

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("lang", LANGUAGES)
def test_main_pages_load_under_csp_without_console_errors(
    make_page, console_errors, hub_data, lang
):
    page = make_page(lang=lang)
    errors = console_errors(page)
    violations: list[str] = []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    pages = main_pages(
        lang,
        organization_slug=hub_data["organization"].slug,
        district_slug=hub_data["district"].slug,
    )
    for name, path in pages.items():
        response = page.goto(path)
        assert response.status == 200, f"{name}: {path} answered {response.status}"
        assert "script-src" in response.headers.get("content-security-policy", ""), (
            f"{name} has no CSP header"
        )
        page.wait_for_load_state("load")
        assert page.evaluate(
            "typeof window.htmx === 'object' && typeof htmx.ajax === 'function'"
        ), f"htmx did not load on {name}"
        if name.startswith("district"):
            assert page.evaluate("typeof window.L === 'object' && typeof L.map === 'function'"), (
                f"Leaflet did not load on {name}"
            )
            # The map script ran: the boundaries from districts.geojson are drawn as SVG paths.
            page.locator(".leaflet-interactive").first.wait_for()
            assert page.locator(".leaflet-interactive").count() >= 1
            assert page.locator(".map-error").count() == 0
    assert not violations, "CSP violations:\n" + "\n".join(violations)
    assert not errors, "Console errors or failed requests:\n" + "\n".join(errors)


def test_csp_blocks_an_injected_inline_script(page, hub_data):
    """A guard for the test above: were the policy missing, it would prove nothing."""
    violations: list[str] = []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    page.goto("/ko/")
    page.evaluate(
        "() => { const s = document.createElement('script'); s.textContent = 'window.__injected = true'; document.head.appendChild(s); }"
    )
    assert page.evaluate("window.__injected === undefined")
    assert violations, "an inline script ran without a CSP report"
