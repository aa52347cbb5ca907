"""The decisions part's forms: the committee's vote (designation's form: one committee step), the
decision, lowering an award, and the filters of the public list of awards (page and API)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from sharehub.core.filters import FilterForm
from sharehub.designation.forms import CommitteeDecisionForm

from .models import REASON_LIMIT, ApplicationStatus
from .selectors import decisions as selectors
from .services.decisions import Vote

MAX_AMOUNT = 10**15  # far above any budget; keeps the value a 64-bit integer


class CommitteeVoteForm(CommitteeDecisionForm):
    """Meeting date, members present (and their names), votes for, against and abstaining, the
    minutes: the same fields as designation's committee step."""

    prefix = "vote"  # the application's page holds other parts' forms: ids stay unique


class DecisionForm(forms.Form):
    prefix = "decision"
    outcome = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            (ApplicationStatus.AWARDED.value, ApplicationStatus.AWARDED.label),
            (ApplicationStatus.WAITLISTED.value, ApplicationStatus.WAITLISTED.label),
            (ApplicationStatus.REJECTED.value, ApplicationStatus.REJECTED.label),
        ],
        widget=forms.RadioSelect,
    )
    amount = forms.IntegerField(
        label=_("Amount awarded (won)"),
        required=False,
        min_value=1,
        max_value=MAX_AMOUNT,
        help_text=_("Only for an award: within the cap and the budget left."),
    )
    reason = forms.CharField(
        label=_("Reasons"),
        required=False,
        max_length=REASON_LIMIT,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required to waitlist or reject; the applicant reads them."),
    )

    def __init__(self, *args: Any, outcomes: list[str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if outcomes is not None:
            field = self.fields["outcome"]
            field.choices = [c for c in field.choices if c[0] in outcomes]  # type: ignore[attr-defined]


class MeetingForm(forms.Form):
    """One meeting's votes on several applications of a call: the date and who attended, then for
    each application chosen, its members present and votes (`services.record_committee_votes`)."""

    COUNTS = ("members_present", "votes_for", "votes_against", "votes_abstain")

    meeting_on = forms.DateField(
        label=_("Meeting date"), widget=forms.DateInput(attrs={"type": "date"})
    )
    attendees = forms.CharField(
        label=_("Members present (names)"),
        required=False,
        max_length=REASON_LIMIT,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, applications: list, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.applications = applications
        labels = {
            "members_present": _("Members present"),
            "votes_for": _("Votes for"),
            "votes_against": _("Votes against"),
            "votes_abstain": _("Abstentions"),
        }
        for application in applications:
            self.fields[f"include_{application.pk}"] = forms.BooleanField(
                label=_("Record the vote on “%(title)s”") % {"title": application.title},
                required=False,
            )
            for name in self.COUNTS:
                self.fields[f"{name}_{application.pk}"] = forms.IntegerField(
                    label=f"{application.title}: {labels[name]}",
                    required=False,
                    min_value=0,
                    max_value=1000,
                )

    def rows(self) -> list[tuple[Any, Any, list]]:
        """(application, its check box, its count fields) for the template's table."""
        return [
            (a, self[f"include_{a.pk}"], [self[f"{name}_{a.pk}"] for name in self.COUNTS])
            for a in self.applications
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        chosen = [a for a in self.applications if cleaned.get(f"include_{a.pk}")]
        if not chosen:
            raise forms.ValidationError(_("Record at least one application's votes."))
        for application in chosen:
            for name in self.COUNTS:
                if cleaned.get(f"{name}_{application.pk}") is None:
                    self.add_error(f"{name}_{application.pk}", _("This field is required."))
        return cleaned

    def votes(self) -> list[Vote]:
        data = self.cleaned_data
        return [
            Vote(a, **{name: data[f"{name}_{a.pk}"] for name in self.COUNTS})
            for a in self.applications
            if data.get(f"include_{a.pk}")
        ]


class ReduceAwardForm(forms.Form):
    prefix = "reduce"
    amount = forms.IntegerField(label=_("New amount (won)"), min_value=1, max_value=MAX_AMOUNT)
    reason = forms.CharField(
        label=_("Reasons"), max_length=REASON_LIMIT, widget=forms.Textarea(attrs={"rows": 2})
    )


def _call_choices() -> list[tuple[str, str]]:
    return [("", _("All calls"))] + [(c.slug, c.title) for c in selectors.calls_with_awards()]


def _year_choices() -> list[tuple[str, str]]:
    return [("", _("All years"))] + [(str(y), str(y)) for y in selectors.award_years()]


class AwardFilterForm(FilterForm):
    call = forms.ChoiceField(label=_("Call"), required=False, choices=_call_choices)
    year = forms.TypedChoiceField(
        label=_("Year"),
        required=False,
        choices=_year_choices,
        coerce=int,
        empty_value=None,
    )
