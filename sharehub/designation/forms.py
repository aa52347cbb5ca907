from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from sharehub.core.filters import FilterForm

from .documents import ACCEPT_ATTRIBUTE, MAX_DOCUMENT_BYTES
from .models import (
    REASON_LIMIT,
    TEXT_LIMIT,
    ApplicantType,
    ApplicationStatus,
    ChecklistItem,
    DesignationKind,
    DesignationStatus,
    DocumentType,
    RegistrationType,
    ScoreCriterion,
    ScoreSection,
)
from .rules import applicant_types_for, min_activity_months

DATE_WIDGET = {"type": "date"}


class ApplicationForm(forms.Form):
    """What the city asks of an applicant. A draft may be saved with gaps; what is missing is
    listed on the application's page and checked when it is submitted (`rules`)."""

    applicant_type = forms.ChoiceField(
        label=_("Type of organization"),
        choices=ApplicantType.choices,
        help_text=_("Small businesses, social enterprises, cooperatives and non-profits apply."),
    )
    kind = forms.ChoiceField(
        label=_("Designation sought"),
        choices=DesignationKind.choices,
        help_text=_("A business is a sharing enterprise; a non-profit, a sharing organization."),
    )
    representative = forms.CharField(label=_("Representative"), max_length=100, required=False)
    registration_type = forms.ChoiceField(
        label=_("Registration number type"),
        choices=[("", _("Choose")), *RegistrationType.choices],
        required=False,
    )
    registration_number = forms.CharField(
        label=_("Registration number"),
        max_length=20,
        required=False,
        help_text=_("Ten digits, as 123-45-67890."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    founded_on = forms.DateField(
        label=_("Founded on"), required=False, widget=forms.DateInput(attrs=DATE_WIDGET)
    )
    sharing_since = forms.DateField(
        label=_("Sharing activity since"),
        required=False,
        widget=forms.DateInput(attrs=DATE_WIDGET),
        help_text=lazy(
            lambda: (
                gettext("At least %(months)s months before applying.")
                % {"months": min_activity_months()}
            ),
            str,
        )(),
    )
    members_count = forms.IntegerField(
        label=_("Number of members"),
        required=False,
        min_value=0,
        max_value=10_000_000,
        help_text=_("Members of the organization (of the cooperative, of the association)."),
    )
    staff_count = forms.IntegerField(
        label=_("Number of staff"), required=False, min_value=0, max_value=10_000_000
    )
    budget_last_year = forms.IntegerField(
        label=_("Last year's budget (won)"),
        required=False,
        min_value=0,
        max_value=10**15,
        help_text=_("In won; 0 if there was none."),
    )
    activities = forms.CharField(
        label=_("Sharing activities"),
        max_length=TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("What the organization shares, with whom, and since when."),
    )
    plan = forms.CharField(
        label=_("Operating plan"),
        max_length=TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("How the activities will continue over the designation period."),
    )

    def __init__(self, *args: Any, organization: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if organization is not None:
            allowed = set(applicant_types_for(organization))
            field = cast(forms.ChoiceField, self.fields["applicant_type"])
            field.choices = [c for c in ApplicantType.choices if c[0] in allowed]


class DocumentForm(forms.Form):
    document_type = forms.ChoiceField(
        label=_("Document type"), choices=DocumentType.choices, initial=DocumentType.OTHER
    )
    file = forms.FileField(
        label=_("Document"),
        help_text=lazy(
            lambda: (
                gettext("PDF, HWP, HWPX, DOCX, PNG or JPEG, at most %(size)d MB.")
                % {"size": MAX_DOCUMENT_BYTES // (1024 * 1024)}
            ),
            str,
        )(),
        widget=forms.FileInput(attrs={"accept": ACCEPT_ATTRIBUTE}),
    )


class CommentForm(forms.Form):
    body = forms.CharField(
        label=_("Comment"), max_length=REASON_LIMIT, widget=forms.Textarea(attrs={"rows": 3})
    )
    internal = forms.BooleanField(label=_("Internal note (city staff only)"), required=False)


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), max_length=REASON_LIMIT, widget=forms.Textarea(attrs={"rows": 3})
    )


class ChecklistForm(forms.Form):
    items = forms.MultipleChoiceField(
        label=_("Checklist"),
        choices=ChecklistItem.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


class ApproveForm(forms.Form):
    designated_on = forms.DateField(
        label=_("Designated on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Today if left empty."),
    )
    valid_until = forms.DateField(
        label=_("Valid until"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("By default the designation period of the city's rules."),
    )
    conditions = forms.CharField(
        label=_("Conditions"),
        required=False,
        max_length=TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class QueueFilterForm(FilterForm):
    """The applications list's filters, for the staff queue page and the API's list.

    Drafts are the applicant's own business: the staff queue does not offer them (`drafts=False`);
    the API's list, which members use too, does.
    """

    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All")), *ApplicationStatus.choices]
    )

    def __init__(self, *args: Any, drafts: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not drafts:
            status = cast(forms.ChoiceField, self.fields["status"])
            status.choices = [c for c in status.choices if c[0] != ApplicationStatus.DRAFT]


class DesignationFilterForm(FilterForm):
    """The public register's filters: its page, its CSV and the API's list. `active` means
    currently valid, `expired` includes active rows whose validity has ended."""

    q = forms.CharField(
        label=_("Number or name"),
        required=False,
        max_length=100,
        strip=True,
        help_text=_("A designation number or part of an organization's name."),
    )
    kind = forms.ChoiceField(
        label=_("Designated as"), required=False, choices=[("", _("All")), *DesignationKind.choices]
    )
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All")), *DesignationStatus.choices]
    )


class VerifyForm(forms.Form):
    code = forms.CharField(
        label=_("Verification code"),
        max_length=40,
        help_text=_("The code printed on the certificate, as ABCD-EFGH-JKMN-PQRS."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )


class AdvanceForm(forms.Form):
    note = forms.CharField(
        label=_("Note on this stage (city staff only)"),
        required=False,
        max_length=REASON_LIMIT,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ScoreSheetForm(forms.Form):
    """One number field per criterion in use (`score_<code>`), bounded by its maximum."""

    def __init__(self, *args: Any, criteria: list[ScoreCriterion], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        for criterion in criteria:
            self.fields[f"score_{criterion.code}"] = forms.IntegerField(
                label=criterion.name,
                required=False,
                min_value=0,
                max_value=criterion.max_points,
                help_text=lazy(
                    lambda m=criterion.max_points: gettext("out of %(max)s") % {"max": m}, str
                )(),
            )

    def points(self) -> dict[str, int | None]:
        return {c.code: self.cleaned_data.get(f"score_{c.code}") for c in self.criteria}


class CommitteeDecisionForm(forms.Form):
    meeting_on = forms.DateField(label=_("Meeting date"), widget=forms.DateInput(attrs=DATE_WIDGET))
    members_present = forms.IntegerField(label=_("Members present"), min_value=0, max_value=1000)
    votes_for = forms.IntegerField(label=_("Votes for"), min_value=0, max_value=1000)
    votes_against = forms.IntegerField(label=_("Votes against"), min_value=0, max_value=1000)
    votes_abstain = forms.IntegerField(label=_("Abstentions"), min_value=0, max_value=1000)
    attendees = forms.CharField(
        label=_("Members present (names)"),
        required=False,
        max_length=REASON_LIMIT,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    note = forms.CharField(
        label=_("Minutes"),
        required=False,
        max_length=TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class StageForm(forms.Form):
    name_ko = forms.CharField(label=_("Name in Korean"), max_length=100)
    name_en = forms.CharField(label=_("Name in English"), max_length=100, required=False)
    order = forms.IntegerField(label=_("Order"), min_value=0, max_value=1000)
    is_committee = forms.BooleanField(label=_("The committee votes at this stage"), required=False)
    active = forms.BooleanField(label=_("In use"), required=False, initial=True)


class NewStageForm(StageForm):
    code = forms.SlugField(
        label=_("Code"), max_length=40, help_text=_("Lower-case letters, digits, - and _.")
    )
    field_order = ["code", "name_ko", "name_en", "order", "is_committee", "active"]


class CriterionForm(forms.Form):
    section = forms.ChoiceField(label=_("Section"), choices=ScoreSection.choices)
    name_ko = forms.CharField(label=_("Name in Korean"), max_length=150)
    name_en = forms.CharField(label=_("Name in English"), max_length=150, required=False)
    max_points = forms.IntegerField(label=_("Maximum points"), min_value=1, max_value=100)
    order = forms.IntegerField(label=_("Order"), min_value=0, max_value=1000)
    active = forms.BooleanField(label=_("In use"), required=False, initial=True)


class NewCriterionForm(CriterionForm):
    code = forms.SlugField(
        label=_("Code"), max_length=40, help_text=_("Lower-case letters, digits, - and _.")
    )
    field_order = ["code", "section", "name_ko", "name_en", "max_points", "order", "active"]


class CommitteeForm(forms.Form):
    name_ko = forms.CharField(label=_("Name in Korean"), max_length=120)
    name_en = forms.CharField(label=_("Name in English"), max_length=120, required=False)
    seats = forms.IntegerField(
        label=_("Members (seats)"),
        min_value=1,
        max_value=200,
        required=False,
        help_text=_(
            "More than half must be present for the committee to decide. Left empty, the "
            "members whose term runs are counted."
        ),
    )


class ReportForm(forms.Form):
    summary = forms.CharField(
        label=_("Activities of the year"),
        max_length=TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("What the organization shared during the year, with whom, and the results."),
    )
    beneficiaries = forms.IntegerField(
        label=_("People reached"), required=False, min_value=0, max_value=100_000_000
    )
    file = forms.FileField(
        label=_("Report file (optional)"),
        required=False,
        help_text=DocumentForm.base_fields["file"].help_text,
        widget=forms.FileInput(attrs={"accept": ACCEPT_ATTRIBUTE}),
    )


class ReportReviewForm(forms.Form):
    note = forms.CharField(
        label=_("Note to the organization"),
        required=False,
        max_length=REASON_LIMIT,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
