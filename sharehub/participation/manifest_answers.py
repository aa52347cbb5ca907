"""participation: answers's registrations with the kernel (imported by manifest.py)."""

from django.utils.translation import gettext_lazy as _

from sharehub.accounts.roles import is_city_staff
from sharehub.core.demo import DemoRun, register_demo
from sharehub.core.workspace import register_work
from sharehub.notifications.kinds import register_kind

from . import demo
from .selectors import answers as answer_selectors
from .services.answers import ANSWER_KIND

register_kind(
    ANSWER_KIND,
    _("The city's answers to proposals you wrote or follow, and their results"),
    email_default=True,
)
register_work(
    "participation.answers",
    label=_("Recommendations awaiting the city's answer"),
    url_name="participation:city_queue",
    allowed=is_city_staff,
    count=lambda user: answer_selectors.awaiting_count(),
    overdue=lambda user: answer_selectors.overdue_count(),
    help_text=_("Published by the committees; overdue past the city's deadline."),
    order=30,
)
register_work(
    "participation.answer_templates",
    label=_("Answer templates"),
    url_name="participation:answer_templates",
    allowed=is_city_staff,
    order=170,
)


def _load_answers_demo(run: DemoRun) -> int:
    return demo.load_answers_demo(accounts=run.accounts)


# After the proposals (45) and the committees' review.
register_demo(
    "participation.answers", _load_answers_demo, label="the city's answers and results", order=47
)
