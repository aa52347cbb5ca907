"""facilities lottery: registrations with the kernel (DESIGN.md, "App contract")."""

from __future__ import annotations

from datetime import timedelta

from django.tasks import task
from django.utils.translation import gettext_lazy as _

from sharehub.core.periodic import register_periodic
from sharehub.notifications.kinds import register_kind

from .services import lottery


@task()
def open_lottery_rounds() -> int:
    return lottery.open_rounds()


@task()
def draw_due_lotteries() -> int:
    return lottery.draw_due()


register_kind(
    lottery.LOTTERY_KIND,
    _("Lottery draws of public spaces you entered: won or not drawn"),
    email_default=True,
)
register_periodic("facilities.open_lottery_rounds", open_lottery_rounds, every=timedelta(hours=1))
register_periodic("facilities.draw_lotteries", draw_due_lotteries, every=timedelta(minutes=5))
