"""Forms of the review part: screening, reviewers, the conflict declaration, the score sheet and
the ranked table's filters."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from sharehub.accounts.models import User
from sharehub.core.widgets import PickerSelectMultiple
from sharehub.programmes.models import (
    REASON_LIMIT,
    SCORE_MAX,
    TEXT_LIMIT,
    ApplicationStatus,
    Call,
    Criterion,
    ReviewScore,
    Track,
)
from sharehub.programmes.selectors.review import TABLE_STATUSES, person_label
from sharehub.programmes.services.review import COMMENT_LIMIT, comment_field, score_field


class ScreeningForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Finding"),
        choices=[("eligible", _("Eligible")), ("ineligible", _("Ineligible"))],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Reasons"),
        required=False,
        max_length=REASON_LIMIT,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Required when ineligible: the applicant is told them."),
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), max_length=REASON_LIMIT, widget=forms.Textarea(attrs={"rows": 3})
    )


class ReviewerChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return person_label(obj)


class AssignForm(forms.Form):
    reviewers = ReviewerChoiceField(
        label=_("Reviewers"),
        queryset=User.objects.filter(is_active=True).order_by("email"),
        widget=PickerSelectMultiple(
            attrs={"size": 6}, search_url="programmes:reviewer_choices", inline_limit=0
        ),
        help_text=_(
            "Search by e-mail address or name. Members of the applicant organization cannot "
            "review it."
        ),
    )
    whole_call = forms.BooleanField(
        label=_("Also assign them to every application of the call in review"), required=False
    )


class ConflictForm(forms.Form):
    conflict = forms.TypedChoiceField(
        label=_("Conflict of interest"),
        choices=[
            ("no", _("I have no conflict of interest with this application.")),
            ("yes", _("I have a conflict of interest.")),
        ],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    statement = forms.CharField(
        label=_("What the conflict is"),
        required=False,
        max_length=REASON_LIMIT,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "For example: you work for, advise or are related to the organization. Required "
            "with a conflict."
        ),
    )


class ScoreSheetForm(forms.Form):
    """One score (0–5) and comment per criterion, and the overall comment. Scores may be left
    empty in a draft; the service refuses an incomplete review on submission."""

    comment = forms.CharField(
        label=_("Overall comment"),
        required=False,
        max_length=TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 6}),
    )

    def __init__(
        self,
        *args: Any,
        criteria: list[Criterion],
        scores: dict[int, ReviewScore] | None = None,
        **kwargs: Any,
    ):
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        scores = scores or {}
        fields: dict[str, forms.Field] = {}
        for criterion in criteria:
            score = scores.get(criterion.pk)
            fields[score_field(criterion.pk)] = forms.TypedChoiceField(
                label=pgettext_lazy("review", "Score"),
                choices=[("", "—")] + [(str(n), str(n)) for n in range(SCORE_MAX + 1)],
                coerce=int,
                empty_value=None,
                required=False,
                initial=score.score if score else None,
            )
            fields[comment_field(criterion.pk)] = forms.CharField(
                label=_("Comment"),
                required=False,
                max_length=COMMENT_LIMIT,
                widget=forms.Textarea(attrs={"rows": 3}),
                initial=score.comment if score else "",
            )
        fields["comment"] = self.fields.pop("comment")
        self.fields.update(fields)

    def rows(self) -> list[tuple[Criterion, forms.BoundField, forms.BoundField]]:
        return [(c, self[score_field(c.pk)], self[comment_field(c.pk)]) for c in self.criteria]

    def values(self) -> tuple[dict[int, int | None], dict[int, str], str]:
        data = self.cleaned_data
        return (
            {c.pk: data.get(score_field(c.pk)) for c in self.criteria},
            {c.pk: data.get(comment_field(c.pk), "") for c in self.criteria},
            data.get("comment", ""),
        )


class TableFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False)
    track = forms.ModelChoiceField(
        label=_("Track"), queryset=Track.objects.none(), required=False, empty_label=_("All")
    )

    def __init__(self, *args: Any, call: Call, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", _("All"))] + [
            (value, ApplicationStatus(value).label) for value in TABLE_STATUSES
        ]
        self.fields["track"].queryset = Track.objects.filter(call=call)  # type: ignore[attr-defined]
