from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from sharehub.core.validators import validate_header_value
from sharehub.places.selectors import district_list

from .materials import ACCEPT_ATTRIBUTE as MATERIAL_ACCEPT_ATTRIBUTE
from .models import Event, EventKind, EventMaterial, EventQuestion, EventSession, QuestionKind
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
            "description_ko": forms.Textarea(attrs={"rows": 6}),
            "description_en": forms.Textarea(attrs={"rows": 6}),
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
        self.fields["status"].choices = [
            c for c in self.fields["status"].choices if c[0] != "cancelled"
        ]
        self.fields["title_en"].required = False
        for name in ("title_ko", "title_en"):  # titles go into the subjects of notification mails
            self.fields[name].validators.append(validate_header_value)


class OrganizerChoiceForm(forms.Form):
    organizer = forms.ChoiceField(label=_("Organizer"))

    def __init__(self, *args, organizers: list, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organizer"].choices = [
            ("city" if o is None else str(o.pk), _("The city") if o is None else o.name)
            for o in organizers
        ]


class RegistrationForm(forms.Form):
    """The event's own questions, built from its rows."""

    def __init__(self, *args, event: Event, **kwargs):
        super().__init__(*args, **kwargs)
        for question in event.questions.all():
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


class SessionForm(forms.ModelForm):
    class Meta:
        model = EventSession
        fields = ["title_ko", "title_en", "starts_at", "ends_at"]
        widgets = {"starts_at": _when(), "ends_at": _when()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
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


class EventFilterForm(forms.Form):
    """Only renders the filters; the selectors read the raw query so links stay shareable."""

    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), required=False)
    district = forms.ChoiceField(label=_("District"), required=False)
    organizer = forms.ChoiceField(label=_("Organizer"), required=False)
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

    def __init__(self, *args, errors: dict | None = None, organizers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[
            "q"
        ].widget.input_type = "search"  # one type attribute (attrs["type"] would add a second)
        self.fields["q"].widget.attrs.update({"placeholder": _("Title, place or keyword")})
        self.fields["kind"].choices = [("", _("All kinds")), *list(EventKind.choices)]
        self.fields["district"].choices = [("", _("All districts"))] + [
            (d.slug, d.name) for d in district_list()
        ]
        self.fields["organizer"].choices = [("", _("All organizers")), ("city", _("The city"))] + [
            (o.slug, o.name) for o in organizers
        ]
        self.filter_errors = errors or {}
