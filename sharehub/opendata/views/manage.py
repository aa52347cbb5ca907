"""The staff's open-data home: every staff tool of the app, with what waits in each."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from sharehub.opendata.models import Dataset, OfficialIndicator, Scoring, ScoringStatus
from sharehub.opendata.permissions import require_runs_open_data


@require_safe
@never_cache
@login_required
def home(request: HttpRequest) -> HttpResponse:
    require_runs_open_data(request.user)
    datasets = Dataset.objects.aggregate(
        published=Count("pk", filter=Q(is_published=True)),
        drafts=Count("pk", filter=Q(is_published=False)),
    )
    scorings = Scoring.objects.aggregate(
        published=Count("pk", filter=Q(status=ScoringStatus.PUBLISHED)),
        drafts=Count("pk", filter=Q(status=ScoringStatus.DRAFT)),
    )
    return render(
        request,
        "opendata/manage.html",
        {
            "datasets": datasets,
            "scorings": scorings,
            "official_indicators": OfficialIndicator.objects.count(),
        },
    )


urlpatterns = [path("manage/", home, name="manage")]
