"""The designation pages in each state that matters, in Korean and English, are valid HTML for
the Nu HTML Checker (the hub's test covers the main pages; this one the review's stages, the
score sheet, the committee, the certificate's verification, the settings and the reports)."""

from __future__ import annotations

import datetime
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from sharehub.core.tests.test_html_valid import _java, _vnu_errors
from sharehub.designation import services
from sharehub.designation.models import AnnualReport, ReviewStage, ScoreCriterion
from sharehub.organizations.models import MemberRole
from sharehub.organizations.tests.factories import MembershipFactory, OrganizationFactory

from .factories import (
    committee_votes,
    designate,
    draft_application,
    score_all,
    tick_all,
    to_last_stage,
    under_review,
    world,
)

pytestmark = pytest.mark.django_db


def test_designation_pages_are_valid_html(client, tmp_path):
    java = _java()
    organization, owner, _editor, staff = world()
    designation = designate(
        organization,
        owner,
        staff,
        designated_on=timezone.localdate() - datetime.timedelta(days=300),
    )
    report = designation.reports.order_by("year").first()
    AnnualReport.objects.filter(pk=report.pk).update(
        period_end=timezone.localdate() - datetime.timedelta(days=1)
    )
    second = OrganizationFactory()
    MembershipFactory(organization=second, user=owner, role=MemberRole.OWNER)
    reviewing = under_review(second, owner, staff)
    tick_all(reviewing, staff)
    score_all(reviewing, staff)
    reviewing = to_last_stage(reviewing, staff)
    committee_votes(reviewing, staff, votes_for=4, present=8)
    third = OrganizationFactory()
    MembershipFactory(organization=third, user=owner, role=MemberRole.OWNER)
    draft = draft_application(third, owner, representative="")
    fourth = OrganizationFactory()
    MembershipFactory(organization=fourth, user=owner, role=MemberRole.OWNER)

    def pages(lang):
        def u(name, **kwargs):
            with translation.override(lang):
                return reverse(f"designation:{name}", kwargs=kwargs or None)

        return [
            ("register", u("register") + "?q=%EB%82%98%EB%88%94&kind=bank", None),
            ("verify-valid", u("verify") + f"?code={designation.printed_code}", None),
            ("verify-invalid", u("verify") + "?code=AAAA-BBBB", None),
            ("detail-owner", u("detail", number=designation.number), owner),
            ("report-owner", u("report", number=designation.number, year=report.year), owner),
            ("draft", u("application", pk=draft.pk), owner),
            ("apply", u("apply", slug=fourth.slug), owner),
            ("review-committee", u("review", pk=reviewing.pk), staff),
            ("application-reviewing", u("application", pk=reviewing.pk), owner),
            ("queue", u("queue"), staff),
            ("reports-queue", u("reports_queue"), staff),
            ("setup", u("setup"), staff),
            ("stage-edit", u("stage_edit", pk=ReviewStage.objects.first().pk), staff),
            ("criterion-new", u("criterion_new"), staff),
            ("committee-edit", u("committee_edit"), staff),
        ]

    files: dict[Path, str] = {}
    for lang in ("ko", "en"):
        for label, path, who in pages(lang):
            client.logout()
            if who is not None:
                client.force_login(who)
            response = client.get(path)
            assert response.status_code == 200, (lang, label, response.status_code)
            file = tmp_path / f"{lang}-{label}.html"
            file.write_bytes(response.content)
            files[file] = f"{lang} {label}"
        # a page shown again with field errors
        client.force_login(staff)
        criteria = ScoreCriterion.objects.filter(active=True)
        response = client.post(
            reverse("designation:review_scores", kwargs={"pk": reviewing.pk}),
            {f"score_{c.code}": c.max_points + 5 for c in criteria},
            HTTP_ACCEPT_LANGUAGE=lang,
        )
        assert response.status_code == 400
        file = tmp_path / f"{lang}-scores-errors.html"
        file.write_bytes(response.content)
        files[file] = f"{lang} scores with errors"
    assert services  # the services built the states above
    lines = []
    for error in _vnu_errors(java, list(files)):
        file = Path(unquote(urlparse(error.get("url", "")).path))
        extract = " ".join(error.get("extract", "").split())
        lines.append(f"{files.get(file, file)}: {error.get('message')}\n    {extract}")
    assert not lines, "\n".join(lines)
