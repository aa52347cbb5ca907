"""Recall@10 of the labelled Korean/English query set, per category, and exact names ranked first."""

from __future__ import annotations

from collections import defaultdict

import pytest

from sharehub.search.selectors import search

from .corpus import QUERIES, RECALL_THRESHOLDS, recall_at


def _ranked_keys(corpus, query: str) -> list[str]:
    key_of = {organization.pk: key for key, organization in corpus.items()}
    return [key_of[hit.object_id] for hit in search(query, model=type(next(iter(corpus.values()))))]


def test_recall_at_10_per_category(corpus):
    recalls = defaultdict(list)
    misses = []
    for category, query, relevant, _ in QUERIES:
        ranked = _ranked_keys(corpus, query)
        recall = recall_at(ranked, relevant)
        recalls[category].append(recall)
        if recall < 1:
            misses.append((category, query, ranked[:10]))
    for category, threshold in RECALL_THRESHOLDS.items():
        average = sum(recalls[category]) / len(recalls[category])
        assert average >= threshold, (
            f"{category}: recall@10 {average:.2f} < {threshold}; misses {misses}"
        )


@pytest.mark.parametrize(
    "query,first",
    [(q, first) for _, q, _, first in QUERIES if first is not None],
    ids=lambda v: str(v),
)
def test_expected_document_ranks_first(corpus, query, first):
    assert _ranked_keys(corpus, query)[:1] == [first]
