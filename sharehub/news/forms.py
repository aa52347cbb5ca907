from __future__ import annotations

from django import forms
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from sharehub.accounts.roles import is_editor
from sharehub.core.images import ACCEPT_ATTRIBUTE
from sharehub.core.sanitize import ALLOWED_TAGS
from sharehub.core.widgets import PickerSelectMultiple, PickerTagsInput, RichTextarea, names
from sharehub.places.selectors import district_list

from .licences import Licence
from .models import BODY_MAX, SUMMARY_MAX, TITLE_MAX, Article, ArticleKind, Page
from .selectors import linkable_listings, writable_organizations
from .services import COVER_MAX_BYTES, COVER_MAX_SIDE

_BODY_HELP = lazy(
    lambda: (
        gettext(
            "Headings, lists, links, quotes and images from the toolbar; every image needs a text "
            "alternative. Written as HTML, only these tags are kept: %(tags)s."
        )
        % {"tags": ", ".join(sorted(ALLOWED_TAGS))}
    ),
    str,
)()


class ArticleForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=ArticleKind.choices)
    organization = forms.ModelChoiceField(label=_("Organization"), queryset=None, required=False)
    title_ko = forms.CharField(label=_("Title (Korean)"), max_length=TITLE_MAX)
    title_en = forms.CharField(label=_("Title (English)"), max_length=TITLE_MAX, required=False)
    summary_ko = forms.CharField(
        label=_("Summary (Korean)"),
        max_length=SUMMARY_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    summary_en = forms.CharField(
        label=_("Summary (English)"),
        max_length=SUMMARY_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    body_ko = forms.CharField(
        label=_("Text (Korean)"),
        max_length=BODY_MAX,
        required=False,
        widget=RichTextarea(lang="ko", rows=14),
        help_text=_BODY_HELP,
    )
    body_en = forms.CharField(
        label=_("Text (English)"),
        max_length=BODY_MAX,
        required=False,
        widget=RichTextarea(lang="en", rows=14),
        help_text=_BODY_HELP,
    )
    cover_image = forms.FileField(
        label=_("Cover image"),
        required=False,
        help_text=lazy(
            lambda: (
                gettext(
                    "PNG, JPEG or WebP, at most %(size)d MB. It is stored at most %(side)d pixels wide."
                )
                % {"size": COVER_MAX_BYTES // (1024 * 1024), "side": COVER_MAX_SIDE}
            ),
            str,
        )(),
        widget=forms.FileInput(attrs={"accept": ACCEPT_ATTRIBUTE}),
    )
    remove_cover = forms.BooleanField(label=_("Remove the cover image"), required=False)
    cover_alt_ko = forms.CharField(
        label=_("Text alternative of the cover (Korean)"),
        max_length=200,
        required=False,
        help_text=_(
            "Required with a cover image: what the picture shows, for people who cannot see it."
        ),
    )
    cover_alt_en = forms.CharField(
        label=_("Text alternative of the cover (English)"), max_length=200, required=False
    )
    licence = forms.ChoiceField(label=_("Licence"), choices=Licence.choices, initial=Licence.CC_BY)
    tags = forms.CharField(
        label=_("Tags"),
        required=False,
        max_length=400,
        help_text=_("Separate tags with commas."),
        widget=PickerTagsInput(search_url="news:tag_choices"),
    )
    listings = forms.ModelMultipleChoiceField(
        label=_("Linked listings"),
        queryset=None,
        required=False,
        widget=PickerSelectMultiple(
            attrs={"size": 6},
            search_url="news:listing_choices",
            search_text=lambda listing: names(listing.organization),
        ),
    )
    districts = forms.ModelMultipleChoiceField(
        label=_("Districts"),
        queryset=None,
        required=False,
        widget=PickerSelectMultiple(attrs={"size": 6}, search_text=names),
    )

    def __init__(self, *args, actor, article: Article | None = None, **kwargs):
        if article is not None and "initial" not in kwargs:
            kwargs["initial"] = initial_for(article)
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = writable_organizations(actor)
        self.fields["organization"].empty_label = _("— The city —")
        self.fields["listings"].queryset = linkable_listings()
        self.fields["listings"].label_from_instance = lambda listing: listing.organization.name
        self.fields["districts"].queryset = district_list()
        if article is None or not article.cover_image:
            del self.fields["remove_cover"]
        if not is_editor(actor):
            # Organizations write stories of their own; the other kinds are the city's.
            self.fields["kind"].choices = [(ArticleKind.STORY, ArticleKind.STORY.label)]
            self.fields["organization"].required = True
            self.fields["organization"].empty_label = None

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        data["tags"] = [part for part in (data.get("tags") or "").split(",") if part.strip()]
        if not data.get("cover_image"):
            data["cover_image"] = None
        return data


def initial_for(article: Article) -> dict:
    return {
        "kind": article.kind,
        "organization": article.organization_id,
        "title_ko": article.title_ko,
        "title_en": article.title_en,
        "summary_ko": article.summary_ko,
        "summary_en": article.summary_en,
        "body_ko": article.body_ko,
        "body_en": article.body_en,
        "cover_alt_ko": article.cover_alt_ko,
        "cover_alt_en": article.cover_alt_en,
        "licence": article.licence,
        "tags": ", ".join(tag.name for tag in article.tags.all()),
        "listings": [listing.pk for listing in article.listings.all()],
        "districts": [district.pk for district in article.districts.all()],
    }


class PublishForm(forms.Form):
    publish_at = forms.DateTimeField(
        label=_("Publication date"),
        required=False,
        help_text=_("Leave empty to publish now; a date in the future schedules the publication."),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"],
    )


class ReturnForm(forms.Form):
    note = forms.CharField(
        label=_("What should the authors change?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class PageForm(forms.ModelForm):
    class Meta:
        model = Page
        fields = [
            "title_ko",
            "title_en",
            "summary_ko",
            "summary_en",
            "body_ko",
            "body_en",
            "order",
            "show_timeline",
        ]
        labels = {
            "title_ko": _("Title (Korean)"),
            "title_en": _("Title (English)"),
            "summary_ko": _("Summary (Korean)"),
            "summary_en": _("Summary (English)"),
            "body_ko": _("Text (Korean)"),
            "body_en": _("Text (English)"),
        }
        help_texts = {"body_ko": _BODY_HELP, "body_en": _BODY_HELP}
        widgets = {
            "body_ko": RichTextarea(lang="ko", rows=16),
            "body_en": RichTextarea(lang="en", rows=16),
        }
