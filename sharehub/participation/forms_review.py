"""The committee review's forms: rapporteur, note, recommendation, decision. Rules live in
services/review.py; these parse."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from sharehub.accounts.models import User
from sharehub.core.widgets import RichTextarea

from .models import BODY_MAX, REASON_MAX, TITLE_MAX, Committee, Verdict
from .selectors import current_memberships
from .selectors.review import reviewable_proposals


class MemberChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return obj.display_name


class RapporteurForm(forms.Form):
    rapporteur = MemberChoiceField(label=_("Rapporteur"), queryset=User.objects.none())

    def __init__(self, *args: Any, committee: Committee, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["rapporteur"].queryset = User.objects.filter(
            pk__in=current_memberships().filter(committee=committee).values("user_id")
        ).order_by("pk")


class NoteForm(forms.Form):
    text = forms.CharField(
        label=_("Private note"),
        max_length=REASON_MAX * 2,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Only the committee's members see it."),
    )


class RecommendationForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=TITLE_MAX)
    body = forms.CharField(
        label=_("Recommendation"),
        max_length=BODY_MAX,
        widget=RichTextarea(rows=12),
        help_text=_("The committee's reasoning as a whole; each proposal's decision comes below."),
    )
    language = forms.ChoiceField(label=_("Written in"), choices=settings.LANGUAGES)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["body"].widget.lang = self.initial.get("language") or settings.LANGUAGE_CODE


class DecisionForm(forms.Form):
    proposal = forms.ModelChoiceField(
        label=pgettext_lazy("decision form", "Proposal"), queryset=None, empty_label=None
    )  # type: ignore[arg-type]
    verdict = forms.ChoiceField(label=_("Decision"), choices=Verdict.choices)
    reasons = forms.CharField(
        label=_("Reasons"), max_length=REASON_MAX * 2, widget=forms.Textarea(attrs={"rows": 4})
    )
    # Set by a decision's own "Edit the decision" form: it replaces that decision, where adding
    # a second one for the same proposal is refused (services.review.set_decision).
    replace = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, committee: Committee, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["proposal"].queryset = reviewable_proposals(committee)

    @classmethod
    def editing(cls, item: Any, committee: Committee) -> DecisionForm:
        """The form that edits one decision of a draft: its proposal fixed, its values filled."""
        form = cls(
            committee=committee,
            auto_id=f"id_decision{item.pk}_%s",
            initial={
                "proposal": item.proposal_id,
                "verdict": item.verdict,
                "reasons": item.reasons,
                "replace": True,
            },
        )
        form.fields["proposal"].widget = forms.HiddenInput()
        return form


class PublishForm(forms.Form):
    """Publishing cannot be undone: the chair or secretary confirms it (no script needed)."""

    confirm = forms.BooleanField(
        label=_(
            "I confirm the publication: the recommendation becomes public and can no longer be "
            "changed, and the authors and followers of its proposals are told."
        ),
        error_messages={"required": _("Please tick the box to confirm the publication.")},
    )
