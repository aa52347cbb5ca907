"""Background tasks of participation; idempotent, safe to run twice."""

from django.tasks import task

from . import services


@task()
def close_expired_proposals() -> int:
    return services.close_expired_proposals()
