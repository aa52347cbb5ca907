from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sharehub.core.widgets import PickerSelectMultiple, RichTextarea, names
from sharehub.places.selectors import district_list

from .models import Campaign, Role, Topic
from .selectors import active_topics
from .services import CAMPAIGN_TEXT_FIELDS, TOPIC_FIELDS


def _language_choices() -> list[tuple[str, str]]:
    return list(settings.LANGUAGES)


class TopicChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, topic) -> str:
        return f"{topic.name} — {topic.description}" if topic.description else topic.name


class PreferencesForm(forms.Form):
    topics = TopicChoiceField(
        label=_("Topics"),
        queryset=active_topics(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one topic.")},
    )
    language = forms.ChoiceField(label=_("Language of the newsletter"), choices=_language_choices)
    district = forms.ModelChoiceField(
        label=_("My district"),
        queryset=district_list(),
        required=False,
        empty_label=_("Whole city"),
        help_text=_("For news of events near you."),
    )

    def service_fields(self) -> dict:
        data = self.cleaned_data
        return {
            "topic_ids": [topic.pk for topic in data["topics"]],
            "language": data["language"],
            "district_id": data["district"].pk if data["district"] else None,
        }


class SubscribeForm(PreferencesForm):
    email = forms.EmailField(
        label=_("E-mail address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    consent = forms.BooleanField(
        label=_(
            "I agree to receive the newsletters I chose and to the storing of my choices for that purpose."
        ),
        error_messages={"required": _("Please agree so that we may send you the newsletter.")},
    )
    field_order = ["email", "topics", "language", "district", "consent"]

    def service_fields(self) -> dict:
        return {"email": self.cleaned_data["email"], **super().service_fields()}


class CampaignForm(forms.ModelForm):
    topics = forms.ModelMultipleChoiceField(
        label=_("Topics"),
        queryset=active_topics(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Subscribers to any of these topics. None chosen: all topics."),
    )
    districts = forms.ModelMultipleChoiceField(
        label=_("Districts"),
        queryset=district_list(),
        required=False,
        widget=PickerSelectMultiple(attrs={"size": 6}, search_text=names),
        help_text=_("None chosen: every district and subscribers without one."),
    )
    languages = forms.MultipleChoiceField(
        label=_("Languages"),
        choices=_language_choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None chosen: every language."),
    )
    roles = forms.MultipleChoiceField(
        label=_("Roles"),
        choices=Role.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None chosen: everyone, with or without an account."),
    )

    class Meta:
        model = Campaign
        fields = list(CAMPAIGN_TEXT_FIELDS)
        widgets = {
            "body_html_ko": RichTextarea(lang="ko", rows=12),
            "body_html_en": RichTextarea(lang="en", rows=12),
            "body_text_ko": forms.Textarea(attrs={"rows": 8}),
            "body_text_en": forms.Textarea(attrs={"rows": 8}),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # The fieldset names the language; the labels need not repeat it.
        labels = {
            "subject": _("Subject"),
            "body_html": _("HTML body"),
            "body_text": _("Plain text body"),
        }
        for name in CAMPAIGN_TEXT_FIELDS:
            self.fields[name].label = labels[name.rsplit("_", 1)[0]]
        for name in ("subject_en", "body_html_en", "body_text_en"):
            self.fields[name].required = False
            self.fields[name].help_text = _("Empty: English readers get the Korean text.")
        self.fields["body_html_ko"].help_text = _(
            "Headings, lists, links, quotes and images from the toolbar; every image needs a text "
            "alternative. Anything else (scripts, styles) is removed."
        )
        if self.instance.pk:
            self.initial.setdefault(
                "topics", list(self.instance.topics.values_list("pk", flat=True))
            )
            self.initial.setdefault(
                "districts", list(self.instance.districts.values_list("pk", flat=True))
            )
            self.initial.setdefault("languages", self.instance.languages)
            self.initial.setdefault("roles", self.instance.roles)

    def service_fields(self) -> dict:
        data = self.cleaned_data
        return {
            **{name: data[name] for name in CAMPAIGN_TEXT_FIELDS},
            "topic_ids": [topic.pk for topic in data["topics"]],
            "district_ids": [district.pk for district in data["districts"]],
            "languages": data["languages"],
            "roles": data["roles"],
        }


class ScheduleForm(forms.Form):
    scheduled_at = forms.DateTimeField(
        label=_("Send at"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )

    def clean_scheduled_at(self):
        value = self.cleaned_data["scheduled_at"]
        if value <= timezone.now():
            raise forms.ValidationError(_("Choose a time in the future."))
        return value


class TopicForm(forms.ModelForm):
    class Meta:
        model = Topic
        fields = list(TOPIC_FIELDS)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        labels = {
            "name_ko": _("Name in Korean"),
            "name_en": _("Name in English"),
            "description_ko": _("Description in Korean"),
            "description_en": _("Description in English"),
        }
        for name, label in labels.items():
            self.fields[name].label = label
        self.fields["slug"].help_text = _("Letters, digits and hyphens, used in the API.")
