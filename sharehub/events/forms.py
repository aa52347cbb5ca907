from __future__ import annotations

from collections.abc import Iterable
from typing import Any, NamedTuple

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from sharehub.core.filters import FilterForm
from sharehub.core.forms import label_translations
from sharehub.core.i18n import city_name
from sharehub.core.validators import validate_header_value
from sharehub.core.widgets import RichTextarea
from sharehub.organizations.models import Organization
from sharehub.places.forms import DistrictChoiceField, attach_map_picker
from sharehub.places.selectors import district_list

from .materials import ACCEPT_ATTRIBUTE as MATERIAL_ACCEPT_ATTRIBUTE
from .models import Event, EventKind, EventMaterial, EventQuestion, EventSession, QuestionKind
from .selectors import CITY, organizations_with_events, published_organization
from .services import EVENT_FIELDS

LOCAL = "%Y-%m-%dT%H:%M"


def _when() -> forms.DateTimeInput:
    return forms.DateTimeInput(attrs={"type": "datetime-local"}, format=LOCAL)


class EventForm(forms.ModelForm):
    """Times are entered in the city's time zone (the form's current zone)."""

    class Meta:
        model = Event
        fields = list(EVENT_FIELDS)
        widgets = {
            "starts_at": _when(),
            "ends_at": _when(),
            "registration_opens_at": _when(),
            "registration_closes_at": _when(),
            "cancellation_deadline": _when(),
            "description_ko": RichTextarea(lang="ko", rows=8),
            "description_en": RichTextarea(lang="en", rows=8),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in (
            "starts_at",
            "ends_at",
            "registration_opens_at",
            "registration_closes_at",
            "cancellation_deadline",
        ):
            self.fields[name].input_formats = [LOCAL, "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"]
        self.fields["district"].queryset = district_list()
        attach_map_picker(self)
        self.fields["status"].choices = [
            c for c in self.fields["status"].choices if c[0] != "cancelled"
        ]
        self.fields["title_en"].required = False
        for name in ("title_ko", "title_en"):  # titles go into the subjects of notification mails
            self.fields[name].validators.append(validate_header_value)
        label_translations(self, Event)


class OrganizerChoiceForm(forms.Form):
    organizer = forms.ChoiceField(label=_("Organizer"))

    def __init__(self, *args, organizers: list, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organizer"].choices = [
            ("city" if o is None else str(o.pk), city_name() if o is None else o.name)
            for o in organizers
        ]


class AskedQuestion(NamedTuple):
    """What the registration form needs of a question (`asked`): plain values, so the event
    page keeps them between writes without unpickling model rows on every request."""

    pk: int
    kind: str
    label: str
    choice_list: list[str]
    required: bool


def asked(questions: Iterable[EventQuestion]) -> list[AskedQuestion]:
    """The questions as the form asks them, their labels in the current language."""
    return [AskedQuestion(q.pk, q.kind, str(q.label), q.choice_list, q.required) for q in questions]


class RegistrationForm(forms.Form):
    """The event's own questions, built from its rows (or their `asked` values)."""

    def __init__(self, *args, event: Event, questions: list | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        for question in event.questions.all() if questions is None else questions:
            name = f"question_{question.pk}"
            if question.kind == QuestionKind.CHOICE:
                field = forms.ChoiceField(
                    choices=[("", "—")] + [(c, c) for c in question.choice_list]
                )
            elif question.kind == QuestionKind.YES_NO:
                field = forms.ChoiceField(
                    choices=[
                        ("", "—"),
                        ("yes", pgettext_lazy("answer", "Yes")),
                        ("no", pgettext_lazy("answer", "No")),
                    ]
                )
            else:
                field = forms.CharField(max_length=500)
            field.label = question.label
            field.required = question.required
            self.fields[name] = field

    def answers(self) -> dict[str, str]:
        return {
            name.removeprefix("question_"): value
            for name, value in self.cleaned_data.items()
            if value
        }


class QuestionForm(forms.ModelForm):
    class Meta:
        model = EventQuestion
        fields = ["label_ko", "label_en", "kind", "choices", "required", "order"]
        widgets = {"choices": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        label_translations(self, EventQuestion)


class SessionForm(forms.ModelForm):
    class Meta:
        model = EventSession
        fields = ["title_ko", "title_en", "starts_at", "ends_at"]
        widgets = {"starts_at": _when(), "ends_at": _when()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        label_translations(self, EventSession)
        for name in ("starts_at", "ends_at"):
            self.fields[name].input_formats = [LOCAL, "%Y-%m-%d %H:%M"]


class MaterialForm(forms.ModelForm):
    """The file's content is checked by the service (materials.check_material), not here."""

    file = forms.FileField(
        label=_("File"),
        required=False,
        help_text=_(
            "PDF, PPTX, PPT, ODP, DOCX, HWP, HWPX, ZIP or a photo (PNG, JPEG, WebP), at most 20 MB."
        ),
        widget=forms.FileInput(attrs={"accept": MATERIAL_ACCEPT_ATTRIBUTE}),
    )

    class Meta:
        model = EventMaterial
        fields = ["kind", "title", "file", "link"]


class MessageForm(forms.Form):
    subject = forms.CharField(
        label=_("Subject"), max_length=150, validators=[validate_header_value]
    )
    message = forms.CharField(
        label=_("Message"), max_length=5000, widget=forms.Textarea(attrs={"rows": 6})
    )


class CancelEventForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (sent to everyone registered)"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class CheckInForm(forms.Form):
    code = forms.CharField(
        label=_("Code or name"),
        max_length=500,
        required=False,
        help_text=_(
            "Scan the QR code, paste its text, or type part of the person's name or e-mail."
        ),
    )


class OrganizerField(forms.ChoiceField):
    """Lists the city and the published organizations with public events; accepts any published
    organization (`EventFilterForm.clean_organizer` looks it up), so a shared link keeps working."""

    def validate(self, value: Any) -> None:
        forms.Field.validate(self, value)


def _organizer_choices() -> list[tuple[str, Any]]:
    return [
        ("", _("All organizers")),
        (CITY, city_name()),
        *organizations_with_events().values_list("slug", "name"),
    ]


class EventFilterForm(FilterForm):
    """The events list's filters, declared once: the list, calendar and map pages render and apply
    it; the API documents and validates its query with it (core.filters)."""

    q = forms.CharField(
        label=_("Search"),
        required=False,
        widget=forms.TextInput(attrs={"maxlength": 200}),
    )
    kind = forms.ChoiceField(
        label=_("Kind"),
        required=False,
        choices=[("", _("All kinds")), *EventKind.choices],
        error_messages={"invalid_choice": _("Select a valid choice.")},
    )
    district = DistrictChoiceField()
    organizer = OrganizerField(
        label=_("Organizer"),
        required=False,
        choices=_organizer_choices,
    )
    start = forms.DateField(
        label=pgettext_lazy("date range", "From"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    end = forms.DateField(
        label=pgettext_lazy("date range", "Until"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    free = forms.BooleanField(label=_("With free places only"), required=False)
    past = forms.BooleanField(label=_("Past events"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # One type attribute (attrs["type"] would add a second).
        self.fields["q"].widget.input_type = "search"
        self.fields["q"].widget.attrs["placeholder"] = _("Title, place or keyword")

    def clean_q(self) -> str:
        return self.cleaned_data["q"][:200]

    def clean_organizer(self) -> Organization | str | None:
        """The city (`CITY`), a published organization, or None; a pending or hidden organization
        is answered like a missing one."""
        slug = self.cleaned_data["organizer"]
        if not slug:
            return None
        if slug == CITY:
            return CITY
        organization = published_organization(slug)
        if organization is None:
            raise ValidationError(_("Select a valid choice."), code="invalid_choice")
        return organization

    def clean(self) -> dict[str, Any] | None:
        cleaned = super().clean()
        start, end = self.cleaned_data.get("start"), self.cleaned_data.get("end")
        if start and end and end < start:
            self.add_error("end", _("The end date must not be before the start date."))
        return cleaned
