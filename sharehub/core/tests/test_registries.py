"""The kernel's registries for /me panels and demo data iterate what the apps register."""

from __future__ import annotations

import pytest
from django.test import RequestFactory

from sharehub.core import demo, me_panels


@pytest.fixture
def panels(monkeypatch):
    monkeypatch.setattr(me_panels, "_panels", {})


@pytest.fixture
def loaders(monkeypatch):
    monkeypatch.setattr(demo, "_loaders", {})


def test_me_panels_render_in_order_and_a_panel_may_stay_out(panels, tmp_path, settings):
    settings.TEMPLATES = [
        {
            "BACKEND": "django.template.backends.django.DjangoTemplates",
            "DIRS": [tmp_path],
        }
    ]
    (tmp_path / "panel.html").write_text("<p>{{ text }}</p>")
    me_panels.register_me_panel(
        "second", template="panel.html", context=lambda r: {"text": "B"}, order=20
    )
    me_panels.register_me_panel(
        "first", template="panel.html", context=lambda r: {"text": "A"}, order=10
    )
    me_panels.register_me_panel("hidden", template="panel.html", context=lambda r: None)

    rendered = me_panels.render_me_panels(RequestFactory().get("/ko/me/"))

    assert rendered == ["<p>A</p>", "<p>B</p>"]


@pytest.mark.django_db
def test_demo_loaders_run_in_order_share_the_run_and_report_what_they_created(loaders):
    def accounts(run: demo.DemoRun) -> int:
        run.accounts["staff@example.org"] = "staff"
        return 1

    def listings(run: demo.DemoRun) -> int:
        assert run.accounts == {"staff@example.org": "staff"}
        return 3

    demo.register_demo("listings", listings, label="listings", order=20)
    demo.register_demo("accounts", accounts, label="accounts", order=10)

    assert [loader.name for loader in demo.demo_loaders()] == ["accounts", "listings"]
    assert demo.load_demo().created == {"accounts": 1, "listings": 3}
