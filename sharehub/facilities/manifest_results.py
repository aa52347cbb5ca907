"""facilities results: registrations with the kernel (DESIGN.md, "App contract")."""

from datetime import timedelta

from django.tasks import task

from sharehub.core.demo import DemoRun, register_demo
from sharehub.core.periodic import register_periodic

from . import demo_results
from .services.results import publish_due


@task()
def publish_monthly_results() -> int:
    """The previous month's operating results (idempotent: safe on two workers, every hour)."""
    return publish_due()


register_periodic("facilities.monthly_results", publish_monthly_results, every=timedelta(hours=1))


def _load_demo(run: DemoRun) -> int:
    return demo_results.load(accounts=run.accounts)


# After the spaces (55): last month's use of them, published.
register_demo("facilities-results", _load_demo, label="public spaces' operating results", order=56)
