"""The decisions part's registrations with the kernel (imported by manifest.py)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sharehub.core.audit import register_describer
from sharehub.core.models import AuditEntry
from sharehub.core.workspace import register_work
from sharehub.designation.models import CommitteeOutcome
from sharehub.programmes.permissions import runs_any_call
from sharehub.programmes.selectors.decisions import count_before_committee
from sharehub.programmes.services.decisions import ACTION, won


def describe(entry: AuditEntry) -> str:
    """The decisions in words for an application's history (votes stay numbers: staff read it)."""
    data = entry.data or {}
    step = entry.action.removeprefix(ACTION)
    if step == "committee_vote":
        outcome = data.get("outcome", "")
        label = CommitteeOutcome(outcome).label if outcome in CommitteeOutcome.values else outcome
        return _("The committee's vote was recorded: %(outcome)s.") % {"outcome": label}
    if step == "awarded":
        return _("Awarded %(amount)s won.") % {"amount": won(int(data.get("amount") or 0))}
    if step == "waitlisted":
        return _("Put on the waitlist.")
    if step == "rejected":
        return _("Not selected.")
    if step == "award_reduced":
        return _("The award was lowered from %(before)s to %(amount)s won.") % {
            "before": won(int(data.get("from") or 0)),
            "amount": won(int(data.get("amount") or 0)),
        }
    return entry.action


register_describer(ACTION, describe)
register_work(
    "programmes.committee",
    label=gettext_lazy("Applications before the committee"),
    url_name="programmes:committee_queue",
    allowed=runs_any_call,
    count=count_before_committee,
    help_text=gettext_lazy(
        "Support programme applications awaiting the committee's vote and the decision."
    ),
    order=20,
)
