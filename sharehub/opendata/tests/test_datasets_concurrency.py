"""Download counts are never lost, on real PostgreSQL connections: N parallel downloads of one
resource (through the view, each on its own connection) add exactly N, round after round."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import translation

from sharehub.core.tests.rush import Rush
from sharehub.opendata.models import Resource
from sharehub.opendata.services import datasets as services
from sharehub.opendata.tests.factories import DatasetFactory, ResourceFactory

pytestmark = pytest.mark.django_db(transaction=True)

THREADS = 12
ROUNDS = 5


@pytest.fixture(autouse=True)
def postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL and parallel connections (SQLite serialises writers)")


@pytest.fixture
def rush():
    pool = Rush(THREADS)
    yield pool
    pool.close()


def test_parallel_downloads_are_each_counted_once(rush):
    resource = ResourceFactory(dataset=DatasetFactory(slug="busy"), generator="indicators")
    with translation.override("ko"):
        address = reverse("opendata:resource_download", args=["busy", resource.pk])

    def download() -> int:
        response = Client().get(address)
        b"".join(response.streaming_content)
        return response.status_code

    for round_ in range(1, ROUNDS + 1):
        results = rush.round([download for _ in range(THREADS)])
        assert results == [200] * THREADS, results
        assert Resource.objects.get(pk=resource.pk).download_count == THREADS * round_


def test_parallel_counter_calls_add_up(rush):
    resource = ResourceFactory(dataset=DatasetFactory(slug="counted"))
    for _round in range(ROUNDS):
        rush.round([lambda: services.count_download(resource) for _ in range(THREADS)])
    assert Resource.objects.get(pk=resource.pk).download_count == THREADS * ROUNDS
