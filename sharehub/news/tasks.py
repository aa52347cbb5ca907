from __future__ import annotations

from django.tasks import task

from .services import announce_due_articles


@task()
def announce_scheduled_articles() -> int:
    """Every few minutes: tell the authors of scheduled articles that went live; safe to run twice."""
    return announce_due_articles()
