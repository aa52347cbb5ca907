"""Browser fixtures: one Chromium per session, a fresh context per page, axe-core and screenshots.

The browser is Debian's Chromium (/usr/bin/chromium, `make chromium`), never one downloaded by
Playwright: the hub must be testable on a closed network. Without it every browser test is skipped.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
ROOT = Path(__file__).resolve().parent.parent
AXE = ROOT / "frontend" / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"

VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 375, "height": 812}}
LOCALES = {"ko": "ko-KR", "en": "en-US"}
# A failing page should fail the test quickly, not after Playwright's 30 s default.
TIMEOUT_MS = 10_000
BLOCKING_IMPACTS = {"serious", "critical"}


def _serve_one_request_at_a_time_on_in_memory_sqlite() -> None:
    """The live server shares the test's in-memory SQLite connection with all its threads.

    One sqlite3 connection used by two threads at once fails ("bad parameter or other API
    misuse"), e.g. when a map fetches its GeoJSON while a form is posted. So on SQLite the live
    server's application runs one request at a time, from the call until its body is closed;
    connections stay threaded (keep-alive must not block other requests). PostgreSQL gives each
    thread its own connection and keeps full concurrency.
    """
    from django.db import connection

    if connection.vendor != "sqlite":
        return
    import threading

    from django.test.testcases import LiveServerThread

    lock = threading.Lock()

    class Serialised:
        def __init__(self, application):
            self.application = application

        def __call__(self, environ, start_response):
            lock.acquire()
            try:
                return _Body(self.application(environ, start_response))
            except BaseException:
                lock.release()
                raise

    class _Body:
        def __init__(self, body):
            self.body = body

        def __iter__(self):
            return iter(self.body)

        def close(self):
            try:
                if hasattr(self.body, "close"):
                    self.body.close()
            finally:
                lock.release()

    class SerialisedServer(LiveServerThread.server_class):  # type: ignore[misc,valid-type]
        def set_app(self, application):
            super().set_app(Serialised(application))

    LiveServerThread.server_class = SerialisedServer


_serve_one_request_at_a_time_on_in_memory_sqlite()


@pytest.fixture(scope="session")
def browser() -> Iterator:
    if not CHROMIUM.exists():
        pytest.skip(
            f"{CHROMIUM} is missing: install Debian's chromium (make chromium) to run the browser tests"
        )
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    browser = playwright.chromium.launch(
        executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
    )
    yield browser
    browser.close()
    playwright.stop()


@pytest.fixture
def make_page(browser, live_server) -> Iterator[Callable]:
    """make_page(lang="ko", device="desktop", bypass_csp=False) → a Page in its own context.

    Each page gets a new context (no cookies shared between pages or tests); `bypass_csp=True`
    is only for injecting axe-core, which the hub's strict CSP rightly refuses.
    """
    contexts = []

    def make(*, lang: str = "ko", device: str = "desktop", bypass_csp: bool = False):
        context = browser.new_context(
            base_url=live_server.url,
            viewport=VIEWPORTS[device],
            locale=LOCALES[lang],
            timezone_id="Asia/Seoul",
            bypass_csp=bypass_csp,
            is_mobile=device == "phone",
            has_touch=device == "phone",
        )
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(make_page):
    """A desktop page (1280×900, Korean locale)."""
    return make_page()


@pytest.fixture
def phone_page(make_page):
    """A phone page (375×812, Korean locale)."""
    return make_page(device="phone")


@pytest.fixture(scope="session")
def axe_source() -> str:
    if not AXE.exists():
        pytest.skip(
            f"{AXE} is missing: run `make assets` (npm ci in frontend/) to install axe-core"
        )
    return AXE.read_text(encoding="utf-8")


def format_violations(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(
            f"[{violation['impact']}] {violation['id']}: {violation['help']} ({violation['helpUrl']})"
        )
        for node in violation["nodes"][:5]:
            lines.append(
                f"    {', '.join(map(str, node['target']))}: {node.get('failureSummary', '').strip()}"
            )
            lines.append(f"      {node['html'][:200]}")
    return "\n".join(lines)


@pytest.fixture
def axe(axe_source) -> Callable:
    """axe(page) runs axe-core on the page and returns its serious and critical violations.

    The page must come from make_page(bypass_csp=True): the hub's CSP rightly refuses the
    injected script. Tests gather the results of several pages and assert once, so one run
    shows every problem.
    """

    def run(page) -> list[dict]:
        if not page.evaluate("typeof window.axe !== 'undefined'"):
            page.add_script_tag(content=axe_source)
        violations = page.evaluate(
            "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
        )
        return [
            violation for violation in violations if violation.get("impact") in BLOCKING_IMPACTS
        ]

    return run


def assert_accessible(results: dict[str, list[dict]]) -> None:
    """results: page label → blocking violations; fails listing every page that has some."""
    failing = {label: violations for label, violations in results.items() if violations}
    assert not failing, "axe-core found serious or critical violations:\n\n" + "\n\n".join(
        f"{label}:\n{format_violations(violations)}" for label, violations in failing.items()
    )


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", text).strip("-")


@pytest.fixture(scope="session")
def screenshot() -> Callable:
    """screenshot(page, name) saves a full-page PNG in e2e/screenshots/ (git-ignored) for a human to look at."""
    SCREENSHOTS.mkdir(exist_ok=True)

    def save(page, name: str) -> Path:
        path = SCREENSHOTS / f"{_slug(name)}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return save


@pytest.fixture
def console_errors() -> Callable:
    """watch(page) → a list that fills with the page's console errors and failed requests."""

    def watch(page) -> list[str]:
        errors: list[str] = []
        page.on(
            "console",
            lambda message: errors.append(message.text) if message.type == "error" else None,
        )
        page.on("pageerror", lambda error: errors.append(f"uncaught: {error}"))
        page.on(
            "response",
            lambda response: (
                errors.append(f"HTTP {response.status} {response.url}")
                if response.status >= 400
                else None
            ),
        )
        return errors

    return watch


@pytest.fixture
def hub_data(transactional_db) -> dict:
    """The real 25 districts of Seoul and one published organization with its owner."""
    from sharehub.accounts.tests.factories import UserFactory
    from sharehub.moderation.models import ModerationStatus
    from sharehub.organizations.models import MemberRole, Membership, Organization, OrganizationKind
    from sharehub.places.models import District
    from sharehub.places.services import bundled_district_files, load_districts

    geojson, centroids = bundled_district_files()
    load_districts(geojson_path=geojson, centroids_csv=centroids)
    district = District.objects.get(name_en="Mapo-gu")
    owner = UserFactory()
    organization = Organization.objects.create(
        slug="mapo-tool-library",
        name_ko="마포 공구도서관",
        name_en="Mapo Tool Library",
        kind=OrganizationKind.COMMUNITY,
        district=district,
        description_ko="이웃과 공구를 나눠 쓰는 도서관입니다. 전동드릴 🔧, 사다리, 캠핑 장비를 빌려 드립니다.",
        description_en="A library where neighbours share tools: drills 🔧, ladders and camping gear.",
        address="서울 마포구 월드컵로 1",
        website="https://example.org/tools",
        moderation_status=ModerationStatus.PUBLISHED,
        created_by=owner,
    )
    Membership.objects.create(organization=organization, user=owner, role=MemberRole.OWNER)
    return {"district": district, "organization": organization, "owner": owner}
