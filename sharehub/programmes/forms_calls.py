"""Forms of the calls part: the public list's filters, the staff's call form, its rows (tracks, the
application form's questions, criteria) and documents. The services check everything again; these
give labels, widgets and the first type checks."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from sharehub.accounts.roles import city_staff_members
from sharehub.core.filters import FilterForm
from sharehub.core.rows import row_formset
from sharehub.core.widgets import PickerSelectMultiple, RichTextarea
from sharehub.organizations.models import OrganizationKind
from sharehub.participation.selectors import committee_list
from sharehub.places.selectors import district_list

from .models import Call, CallKind, CallPhase, FieldKind, TrackKind
from .services.calls import CALL_FIELDS, DOCUMENT_ACCEPT, CriterionRow, FieldRow, TrackRow

LOCAL = "%Y-%m-%dT%H:%M"
INPUT_FORMATS = [LOCAL, "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"]
# A blank row's select must be blank too: a row nobody touched is left out.
BLANK = ("", "—")
MAX_WON = 10**15  # a bound the database's integers hold on every backend


# Open calls first: what a visitor looks for.
PHASES = [(p.value, p.label) for p in (CallPhase.OPEN, CallPhase.UPCOMING, CallPhase.CLOSED)]


class CallFilterForm(FilterForm):
    phase = forms.ChoiceField(
        label=_("Phase"), required=False, choices=[("", _("All calls")), *PHASES]
    )
    kind = forms.ChoiceField(
        label=_("Kind of support"),
        required=False,
        choices=[("", _("All kinds")), *CallKind.choices],
    )


def _when() -> forms.DateTimeField:
    return forms.DateTimeField(
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=LOCAL),
        input_formats=INPUT_FORMATS,
    )


def _day() -> forms.DateField:
    return forms.DateField(
        required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )


def _staff_name(user: Any) -> str:
    return f"{user.public_name} <{user.email}>"


class StaffChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return _staff_name(obj)


class DistrictsField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return obj.name


SECTIONS: list[tuple[Any, list[str]]] = [
    (
        _("Title and text"),
        ["slug", "title_ko", "title_en", "summary_ko", "summary_en", "body_ko", "body_en"],
    ),
    (_("Support"), ["kind", "total_budget", "award_cap"]),
    (_("Who may apply"), ["designated_only", "organization_kinds", "districts"]),
    (
        _("Dates (Seoul time)"),
        ["opens_at", "closes_at", "interim_report_due", "final_report_due"],
    ),
    (
        _("Review"),
        [
            "editable_after_submission",
            "reviews_per_application",
            "auto_review_when_screened",
            "auto_committee_when_reviewed",
            "committee",
            "staff",
        ],
    ),
]


class CallForm(forms.Form):
    """A call's details; `slug` only when it is new (fixed afterwards); `staff` only for city
    staff (who name a call's staff)."""

    slug = forms.SlugField(
        label=_("Address name"),
        max_length=80,
        required=False,
        help_text=_("Letters, digits and hyphens; empty: made from the title."),
    )
    title_ko = forms.CharField(label=_("Title in Korean"), max_length=200)
    title_en = forms.CharField(label=_("Title in English"), max_length=200, required=False)
    summary_ko = forms.CharField(
        label=_("Summary in Korean"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    summary_en = forms.CharField(
        label=_("Summary in English"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    body_ko = forms.CharField(
        label=_("Text in Korean"), required=False, widget=RichTextarea(lang="ko", rows=12)
    )
    body_en = forms.CharField(
        label=_("Text in English"), required=False, widget=RichTextarea(lang="en", rows=12)
    )
    kind = forms.ChoiceField(label=_("Kind of support"), choices=CallKind.choices)
    total_budget = forms.IntegerField(label=_("Total budget (won)"), min_value=0, max_value=MAX_WON)
    award_cap = forms.IntegerField(
        label=_("Cap per award (won)"),
        min_value=1,
        max_value=MAX_WON,
        help_text=_("No award may exceed it; it cannot exceed the total budget."),
    )
    designated_only = forms.BooleanField(
        label=_("Designated organizations only"),
        required=False,
        initial=True,
        help_text=_("Only organizations designated by the city may apply."),
    )
    organization_kinds = forms.MultipleChoiceField(
        label=_("Kinds of organization"),
        choices=OrganizationKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: every kind may apply."),
    )
    districts = DistrictsField(
        label=_("Districts"),
        queryset=district_list(),
        required=False,
        widget=PickerSelectMultiple(attrs={"size": 6}),
        help_text=_("None chosen: organizations of every district may apply."),
    )
    opens_at = _when()
    closes_at = _when()
    interim_report_due = _day()
    final_report_due = _day()
    editable_after_submission = forms.BooleanField(
        label=_("Applications may be edited until the deadline"), required=False, initial=True
    )
    reviews_per_application = forms.IntegerField(
        label=_("Reviewers per application"), min_value=1, max_value=20, initial=3
    )
    auto_review_when_screened = forms.BooleanField(
        label=_("Start the review when an application is screened eligible"),
        required=False,
        initial=True,
    )
    auto_committee_when_reviewed = forms.BooleanField(
        label=_("Send to the committee when all reviews are in"), required=False, initial=True
    )
    committee = forms.ModelChoiceField(
        label=_("Committee"),
        queryset=committee_list(),
        required=False,
        empty_label=_("The designation committee (공유촉진위원회)"),
    )
    staff = StaffChoiceField(
        label=pgettext_lazy("people who run a call", "The call's staff"),
        queryset=city_staff_members(),
        required=False,
        widget=PickerSelectMultiple(attrs={"size": 6}),
        help_text=_("City staff who run this call: they are told of its applications."),
    )

    def __init__(
        self, *args: Any, call: Call | None = None, may_set_staff: bool = True, **kwargs: Any
    ) -> None:
        if call is not None:
            initial = {name: getattr(call, name) for name in CALL_FIELDS}
            initial["districts"] = list(call.districts.all())
            initial["staff"] = list(call.staff.all())
            kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)
        self.fields["opens_at"].label = _("Opens at")
        self.fields["closes_at"].label = _("Closes at")
        self.fields["interim_report_due"].label = _("Interim report due")
        self.fields["final_report_due"].label = _("Final report due")
        if call is not None:
            del self.fields["slug"]
        if not may_set_staff:
            del self.fields["staff"]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        budget, cap = data.get("total_budget"), data.get("award_cap")
        if isinstance(budget, int) and isinstance(cap, int) and cap > budget:
            self.add_error("award_cap", _("The cap per award cannot exceed the total budget."))
        opens, closes = data.get("opens_at"), data.get("closes_at")
        if opens and closes and closes <= opens:
            self.add_error("closes_at", _("The call must close after it opens."))
        return data

    def sections(self) -> list[tuple[Any, list[forms.BoundField]]]:
        return [
            (legend, [self[name] for name in names if name in self.fields])
            for legend, names in SECTIONS
        ]

    def service_fields(self) -> dict[str, Any]:
        data = {name: self.cleaned_data[name] for name in CALL_FIELDS if name in self.cleaned_data}
        data["districts"] = list(self.cleaned_data["districts"])
        if "staff" in self.fields:
            data["staff"] = list(self.cleaned_data["staff"])
        if "slug" in self.fields:
            data["slug"] = self.cleaned_data["slug"]
        return data


# --- rows ----------------------------------------------------------------------------------------


def _values(form: forms.Form) -> dict[str, Any]:
    """A row's values for the service (the formset's own DELETE left out)."""
    return {k: v for k, v in form.cleaned_data.items() if k != "DELETE"}


def _rows(attrs: int = 2) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": attrs})


class TrackRowForm(forms.Form):
    id = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1)
    name_ko = forms.CharField(label=_("Name in Korean"), max_length=120)
    name_en = forms.CharField(label=_("Name in English"), max_length=120, required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=[BLANK, *TrackKind.choices])
    themes_ko = forms.CharField(
        label=_("Themes in Korean"),
        max_length=2000,
        required=False,
        widget=_rows(3),
        help_text=_("One a line (themed tracks)."),
    )
    themes_en = forms.CharField(
        label=_("Themes in English"), max_length=2000, required=False, widget=_rows(3)
    )
    award_cap = forms.IntegerField(
        label=_("Cap per award (won)"),
        min_value=1,
        max_value=MAX_WON,
        required=False,
        help_text=_("Empty: the call's cap."),
    )

    def row(self) -> TrackRow:
        return TrackRow(**_values(self))


class FieldRowForm(forms.Form):
    id = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1)
    key = forms.CharField(
        label=_("Key"),
        max_length=40,
        help_text=_("Lower-case letters, digits, hyphens and underscores; answers are kept by it."),
    )
    label_ko = forms.CharField(label=_("Question in Korean"), max_length=200)
    label_en = forms.CharField(label=_("Question in English"), max_length=200, required=False)
    help_text_ko = forms.CharField(label=_("Help in Korean"), max_length=500, required=False)
    help_text_en = forms.CharField(label=_("Help in English"), max_length=500, required=False)
    kind = forms.ChoiceField(label=_("Kind of answer"), choices=[BLANK, *FieldKind.choices])
    optional = forms.BooleanField(label=_("Optional"), required=False)
    min_value = forms.IntegerField(
        label=_("Minimum"),
        required=False,
        min_value=-MAX_WON,
        max_value=MAX_WON,
        help_text=_("Numbers and amounts."),
    )
    max_value = forms.IntegerField(
        label=_("Maximum"),
        required=False,
        min_value=-MAX_WON,
        max_value=MAX_WON,
        help_text=_("Numbers and amounts."),
    )
    max_length = forms.IntegerField(
        label=_("Maximum length"),
        required=False,
        min_value=1,
        max_value=100_000,
        help_text=_("Characters, for text answers."),
    )
    choices = forms.CharField(
        label=_("Options"),
        max_length=4000,
        required=False,
        widget=_rows(3),
        help_text=_("For a choice: one a line, as value|한국어|English."),
    )

    def row(self) -> FieldRow:
        data = _values(self)
        data["required"] = not data.pop("optional")
        return FieldRow(**data)


class CriterionRowForm(forms.Form):
    id = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1)
    name_ko = forms.CharField(label=_("Name in Korean"), max_length=150)
    name_en = forms.CharField(label=_("Name in English"), max_length=150, required=False)
    description_ko = forms.CharField(
        label=_("Description in Korean"), max_length=2000, required=False, widget=_rows()
    )
    description_en = forms.CharField(
        label=_("Description in English"), max_length=2000, required=False, widget=_rows()
    )
    weight = forms.IntegerField(label=_("Weight (%)"), min_value=1, max_value=100)

    def row(self) -> CriterionRow:
        return CriterionRow(**_values(self))


TrackFormSet = row_formset(TrackRowForm, extra=2)
FieldFormSet = row_formset(FieldRowForm, extra=3)
CriterionFormSet = row_formset(CriterionRowForm, extra=3)


class DocumentForm(forms.Form):
    title_ko = forms.CharField(label=_("Title in Korean"), max_length=200)
    title_en = forms.CharField(label=_("Title in English"), max_length=200, required=False)
    file = forms.FileField(
        label=_("File"),
        widget=forms.FileInput(attrs={"accept": DOCUMENT_ACCEPT}),
        help_text=_("PDF, HWP, HWPX, DOCX, PPTX, ZIP, PNG or JPEG, at most 20 MB."),
    )
