"""The reports part's registrations with the kernel (imported by manifest.py)."""

from __future__ import annotations

from datetime import timedelta

from django.utils.translation import gettext_lazy as _

from sharehub.core.demo import DemoRun, register_demo
from sharehub.core.periodic import register_periodic
from sharehub.core.workspace import register_work

from . import demo, tasks_reports
from .permissions import runs_any_call
from .selectors.reports import overdue_count, to_review_count


def _load_demo(run: DemoRun) -> int:
    return demo.load(run)


register_periodic(
    "programmes.report_reminders", tasks_reports.remind_reports, every=timedelta(hours=1)
)
register_work(
    "programmes.reports",
    label=_("Project reports to review"),
    url_name="programmes:reports",
    allowed=runs_any_call,
    count=to_review_count,
    overdue=overdue_count,
    help_text=_("Interim and final reports of awarded projects in the calls you run."),
    order=57,
)
register_demo("programmes", _load_demo, label="support programmes", order=57)
